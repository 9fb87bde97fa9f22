"""The public register: what a family finds, on the map page and through the API."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuoyu.institutions.models import Institution
from tuoyu.institutions.services import ClassSpec, FeeSpec

pytestmark = pytest.mark.django_db


def _ids(response):
    return [row["id"] for row in response.json()["results"]]


def test_only_filed_institutions_are_listed(client, make_institution):
    filed = make_institution()
    make_institution(status="draft")
    make_institution(status="suspended")
    make_institution(status="deregistered")
    assert _ids(client.get("/api/v1/institutions/")) == [filed.pk]
    page = client.get("/institutions/")
    assert filed.name in page.content.decode()
    assert page.content.decode().count('class="result"') == 1


def test_results_come_nearest_first_with_their_distance(client, make_institution, kaizhou):
    from tuoyu.regions.models import Unit

    far = make_institution(unit=Unit.objects.get(name="满月乡"))
    near = make_institution()
    middle = make_institution(unit=Unit.objects.get(name="白鹤街道"))
    body = client.get("/api/v1/institutions/", {"near": "31.175,108.395", "radius_km": 100}).json()
    assert [r["id"] for r in body["results"]] == [near.pk, middle.pk, far.pk]
    distances = [r["distance_km"] for r in body["results"]]
    assert distances == sorted(distances)
    assert distances[0] < 0.01


def test_the_radius_limits_the_results(client, make_institution):
    from tuoyu.regions.models import Unit

    near = make_institution()
    make_institution(unit=Unit.objects.get(name="满月乡"))
    assert _ids(client.get("/api/v1/institutions/", {"near": "31.175,108.395", "radius_km": 5})) == [near.pk]


def test_filters_for_puhui_with_a_toddler_vacancy(client, make_institution):
    wanted = make_institution(is_puhui=True, classes=[ClassSpec("托小一班", "toddler", 15, 14)])
    make_institution(is_puhui=True, classes=[ClassSpec("托小一班", "toddler", 15, 15)])  # full
    make_institution(is_puhui=True, classes=[ClassSpec("乳儿一班", "infant", 10, 2)])  # other group
    make_institution(is_puhui=False, classes=[ClassSpec("托小一班", "toddler", 15, 1)])  # not 普惠
    assert _ids(client.get("/api/v1/institutions/", {"puhui": "true", "age_group": "toddler"})) == [wanted.pk]


def test_filters_by_service_type_ownership_unit_and_fee(client, make_institution, kaizhou):
    from tuoyu.regions.models import Unit

    baihe = Unit.objects.get(name="白鹤街道")
    a = make_institution(
        offers_hourly=True,
        ownership="public",
        fees=[FeeSpec("full_day", Decimal("900"), "government_guided")],
    )
    b = make_institution(unit=baihe, fees=[FeeSpec("full_day", Decimal("2500"), "market")])
    assert _ids(client.get("/api/v1/institutions/", {"service_type": "hourly"})) == [a.pk]
    assert _ids(client.get("/api/v1/institutions/", {"ownership": "public"})) == [a.pk]
    assert _ids(client.get("/api/v1/institutions/", {"unit": baihe.code})) == [b.pk]
    assert _ids(client.get("/api/v1/institutions/", {"unit": kaizhou.code, "ordering": "fee"})) == [
        a.pk,
        b.pk,
    ]
    assert _ids(client.get("/api/v1/institutions/", {"fee_min": "1000", "fee_max": "3000"})) == [b.pk]


def test_a_typed_street_name_searches_around_its_centre(client, make_institution):
    from tuoyu.regions.models import Unit

    baihe = make_institution(unit=Unit.objects.get(name="白鹤街道"))
    make_institution()
    body = client.get("/api/v1/institutions/", {"place": "白鹤", "radius_km": 100}).json()
    assert body["results"][0]["id"] == baihe.pk


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"age_group": "teenager"}, "age_group"),
        ({"service_type": "overnight"}, "service_type"),
        ({"puhui": "maybe"}, "puhui"),
        ({"unit": "999999"}, "unit"),
        ({"near": "north"}, "near"),
        ({"near": "95,108"}, "near"),
        ({"radius_km": "-3"}, "radius_km"),
        ({"fee_min": "-1"}, "fee_min"),
        ({"fee_min": "3000", "fee_max": "1000"}, "fee_max"),
        ({"page_size": "1000"}, "page_size"),
        ({"place": "火星"}, "place"),
    ],
)
def test_an_unknown_filter_value_is_a_clear_400(client, kaizhou, params, field):
    response = client.get("/api/v1/institutions/", params)
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"]
    assert body["message"]
    page = client.get("/institutions/", params)
    assert page.status_code == 400
    assert 'role="alert"' in page.content.decode()


def test_the_list_api_issues_a_fixed_number_of_queries_whatever_the_rows(client, make_institution):
    def count_queries(params):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/v1/institutions/", params)
        assert response.status_code == 200
        return len(ctx.captured_queries), len(response.json()["results"])

    make_institution()
    few = {
        k: count_queries(p) for k, p in (("plain", {}), ("near", {"near": "31.17,108.39", "puhui": "false"}))
    }
    classes = [ClassSpec("托小一班", "toddler", 15, 3), ClassSpec("乳儿一班", "infant", 10, 3)]
    for _ in range(24):
        make_institution(classes=classes)
    many = {
        k: count_queries(p) for k, p in (("plain", {}), ("near", {"near": "31.17,108.39", "puhui": "false"}))
    }
    assert many["plain"][1] == 20 and few["plain"][1] == 1
    assert many["plain"][0] == few["plain"][0]
    assert many["near"][0] == few["near"][0]


def test_the_map_page_issues_a_fixed_number_of_queries_whatever_the_rows(client, make_institution):
    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/institutions/", {"near": "31.17,108.39", "age_group": "toddler"})
        assert response.status_code == 200
        return len(ctx.captured_queries)

    make_institution()
    few = count_queries()
    for _ in range(20):
        make_institution()
    assert count_queries() == few


def test_the_institution_page_shows_what_a_family_compares(client, make_institution):
    institution = make_institution(
        is_puhui=True,
        classes=[ClassSpec("托小一班", "toddler", 15, 11), ClassSpec("托大一班", "preschool", 20, 20)],
        fees=[FeeSpec("full_day", Decimal("1280"), "government_guided")],
        phone="023-52212345",
    )
    html = client.get(f"/institutions/{institution.pk}/").content.decode()
    for text in (
        institution.name,
        institution.filing_number,
        institution.uscc,
        "托小一班",
        "1280.00",
        "023-52212345",
    ):
        assert text in html
    assert 'id="map-markers"' in html


def test_a_deregistered_institution_shows_a_notice_not_a_404(client, make_institution):
    gone = make_institution(status="deregistered")
    response = client.get(f"/institutions/{gone.pk}/")
    assert response.status_code == 410
    assert 'data-testid="deregistered-notice"' in response.content.decode()
    assert gone.name in response.content.decode()


@pytest.mark.parametrize("status", ["draft", "suspended"])
def test_drafts_and_suspended_institutions_are_not_public(client, make_institution, status):
    hidden = make_institution(status=status)
    page = client.get(f"/institutions/{hidden.pk}/")
    if status == "suspended":  # issue 12: an old link answers with the suspension notice, not the page
        assert page.status_code == 200 and 'data-testid="suspended-notice"' in page.content.decode()
    else:
        assert page.status_code == 404
    assert client.get(f"/api/v1/institutions/{hidden.pk}/").status_code == 404


def test_compare_shows_up_to_three_side_by_side(client, make_institution):
    rows = [make_institution() for _ in range(4)]
    html = client.get("/institutions/compare/", {"ids": [r.pk for r in rows[:2]]}).content.decode()
    assert rows[0].name in html and rows[1].name in html
    html = client.get("/institutions/compare/", {"ids": [r.pk for r in rows]}).content.decode()
    assert rows[3].name not in html
    assert 'role="alert"' in html


def test_compare_ignores_institutions_that_are_not_public(client, make_institution):
    public = make_institution()
    draft = make_institution(status="draft")
    html = client.get("/institutions/compare/", {"ids": [public.pk, draft.pk]}).content.decode()
    assert public.name in html and draft.name not in html


def test_the_home_page_shows_the_district_headline_numbers(client, make_institution):
    make_institution(classes=[ClassSpec("托小一班", "toddler", 15, 5)], is_puhui=True)
    make_institution(classes=[ClassSpec("托大一班", "preschool", 20, 20)])
    html = client.get("/").content.decode()
    assert 'data-testid="figure-institutions">2<' in html
    assert ">35<" in html  # places
    assert ">10<" in html  # free places


def test_the_detail_api_returns_classes_and_fees(client, make_institution):
    institution = make_institution()
    body = client.get(f"/api/v1/institutions/{institution.pk}/").json()
    assert body["classes"][0]["vacancies"] == 5
    assert body["fees"][0]["amount"] == "1500.00"
    assert body["vacancies_by_age_group"] == {"toddler": 5}


def test_the_schema_documents_the_register_api(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in ("/api/v1/regions/", "/api/v1/institutions/", "/api/v1/institutions/{id}/"):
        assert path in text
    assert "radius_km" in text and "near" in text
    assert client.get("/api/docs/").status_code == 200


def test_demo_records_are_marked_synthetic(client, kaizhou):
    from tuoyu.institutions.demo import seed_district

    seed_district(count=12)
    assert Institution.objects.filter(is_demo=True).count() == 12
    assert all(name.startswith("示例") for name in Institution.objects.values_list("name", flat=True))
    assert "示例数据" in client.get("/").content.decode()


def test_the_home_map_shows_filed_institutions_only(client, make_institution):
    import json
    import re

    filed = make_institution()
    draft = make_institution(status="draft")
    html = client.get("/").content.decode()
    markers = json.loads(
        re.search(r'<script id="map-markers" type="application/json">(.*?)</script>', html, re.S).group(1)
    )
    assert [m["id"] for m in markers] == [filed.pk]
    assert draft.name not in html


def test_markers_are_sent_in_the_map_providers_coordinate_system(client, make_institution, settings):
    import json
    import re

    from tuoyu.core.geo import wgs84_to_gcj02

    institution = make_institution()

    def first_marker():
        html = client.get("/institutions/").content.decode()
        return json.loads(
            re.search(r'<script id="map-markers" type="application/json">(.*?)</script>', html, re.S).group(1)
        )[0]

    settings.TUOYU_MAP_CRS = "gcj02"
    marker = first_marker()
    expected = wgs84_to_gcj02(institution.lat, institution.lng)
    assert (marker["lat"], marker["lng"]) == (round(expected[0], 6), round(expected[1], 6))
    settings.TUOYU_MAP_CRS = "wgs84"
    marker = first_marker()
    assert (marker["lat"], marker["lng"]) == (round(institution.lat, 6), round(institution.lng, 6))


def test_a_tap_on_a_gcj02_map_is_converted_back_before_searching(client, make_institution):
    from tuoyu.core.geo import wgs84_to_gcj02

    institution = make_institution()
    glat, glng = wgs84_to_gcj02(institution.lat, institution.lng)
    body = client.get("/api/v1/institutions/", {"near": f"{glat},{glng}", "crs": "gcj02"}).json()
    assert body["results"][0]["distance_km"] < 0.001
    raw = client.get("/api/v1/institutions/", {"near": f"{glat},{glng}"}).json()
    assert raw["results"][0]["distance_km"] > 0.2  # the offset in Kaizhou is several hundred metres


def test_a_newly_typed_place_wins_over_an_earlier_tap_on_the_map(client, make_institution):
    from tuoyu.regions.models import Unit

    manyue = make_institution(unit=Unit.objects.get(name="满月乡"))
    make_institution()
    body = client.get(
        "/api/v1/institutions/", {"near": "31.175,108.395", "place": "满月", "radius_km": 100}
    ).json()
    assert body["results"][0]["id"] == manyue.pk
