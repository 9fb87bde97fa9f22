"""The search box as families type in it (full addresses, pinyin, English unit names) and a child's age
instead of class names: on the API and the map page, which share one search."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tuoyu.institutions.services import ClassSpec
from tuoyu.regions.models import Unit

pytestmark = pytest.mark.django_db


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def places(make_institution):
    """One institution on 民主路 and one on 测试路 in 汉丰街道, one in 温泉镇; no address names its unit."""
    hanfeng = Unit.objects.get(name="汉丰街道")
    wenquan = Unit.objects.get(name="温泉镇")
    return {
        "minzhu": make_institution(unit=hanfeng, name="阳光托育园", address="民主路8号"),
        "ceshi": make_institution(unit=hanfeng, name="小树苗托育中心", address="测试路1号"),
        "wenquan": make_institution(unit=wenquan, name="彩虹宝贝园", address="新街2号"),
    }


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("开州区温泉镇", {"wenquan"}),
        ("温泉镇", {"wenquan"}),
        ("温泉", {"wenquan"}),
        ("重庆市开州区汉丰街道民主路", {"minzhu"}),
        ("重庆市 开州区 汉丰街道 民主路8号", {"minzhu"}),
        ("开州区汉丰街道", {"minzhu", "ceshi"}),
        ("汉丰街道测试路1号", {"ceshi"}),
        ("民主路8号", {"minzhu"}),  # the address as stored still matches
    ],
)
def test_a_full_address_finds_the_institutions_of_its_street_or_town(client, places, q, expected):
    found = _ids(client.get("/api/v1/institutions/", {"q": q}))
    assert found == {places[name].pk for name in expected}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("hanfeng", {"minzhu", "ceshi"}),
        ("Han Feng", {"minzhu", "ceshi"}),
        ("Hàn Fēng", {"minzhu", "ceshi"}),
        ("HAN4FENG1", {"minzhu", "ceshi"}),
        ("hanfengjiedao", {"minzhu", "ceshi"}),
        ("Hanfeng", {"minzhu", "ceshi"}),
        ("Hanfeng Subdistrict", {"minzhu", "ceshi"}),
        ("wenquan", {"wenquan"}),
        ("Wenquan Town", {"wenquan"}),
        ("yangguang", {"minzhu"}),  # the pinyin of an institution's name
        ("yang guang tuo yu", {"minzhu"}),
        ("wenquan caihong", {"wenquan"}),  # a town and the start of a name, in pinyin
        ("hanfeng caihong", set()),
    ],
)
def test_pinyin_and_english_names_find_units_and_institutions(client, places, q, expected):
    found = _ids(client.get("/api/v1/institutions/", {"q": q}))
    assert found == {places[name].pk for name in expected}


def test_the_map_page_finds_a_full_address_and_pinyin_too(client, places):
    for q in ("开州区温泉镇", "wenquan"):
        page = client.get("/institutions/", {"q": q}).content.decode()
        assert "彩虹宝贝园" in page
        assert "阳光托育园" not in page


@pytest.mark.parametrize("place", ["Hanfeng", "hanfeng", "汉丰", "开州区汉丰街道", "Hanfeng Subdistrict"])
def test_a_place_in_pinyin_or_english_searches_around_its_centre(client, places, place):
    body = client.get("/api/v1/institutions/", {"place": place, "radius_km": 1}).json()
    assert {row["id"] for row in body["results"]} == {places["minzhu"].pk, places["ceshi"].pk}


def test_a_text_search_issues_a_fixed_number_of_queries_whatever_the_rows(client, make_institution):
    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(
                "/api/v1/institutions/", {"q": "开州区汉丰街道测试路", "near": "31.17,108.39"}
            )
        assert response.status_code == 200
        return len(ctx.captured_queries), response.json()["count"]

    make_institution()
    few = count_queries()
    for _ in range(12):
        make_institution()
    many = count_queries()
    assert (few[1], many[1]) == (1, 13)
    assert many[0] == few[0]


# --- the child's age --------------------------------------------------------------------------------


@pytest.fixture
def classes(make_institution):
    return {
        "infant": make_institution(name="乳儿园", classes=[ClassSpec("乳儿一班", "infant", 10, 2)]),
        "toddler_full": make_institution(name="托小满园", classes=[ClassSpec("托小一班", "toddler", 15, 15)]),
        "mixed": make_institution(name="混合园", classes=[ClassSpec("混合一班", "mixed", 18, 5)]),
        "preschool": make_institution(name="托大园", classes=[ClassSpec("托大一班", "preschool", 20, 5)]),
    }


def _birth_month(months_ago: int) -> str:
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - months_ago
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"age_months": 18}, {"toddler_full", "mixed"}),  # 托小班 or 混合班, free place or not
        ({"age_months": 8}, {"infant"}),
        ({"age_months": 30}, {"mixed", "preschool"}),
        ({"age_months": 18, "age_group": "toddler"}, set()),  # the only toddler class is full
        ({"age_months": 18, "age_group": "mixed"}, {"mixed"}),
        ({"age_months": 8, "age_group": "mixed"}, set()),  # a mixed class does not take an 8-month-old
        ({"birth_month": _birth_month(18)}, {"toddler_full", "mixed"}),
        ({"birth_month": _birth_month(8), "age_months": 30}, {"infant"}),  # the birth month wins
    ],
)
def test_the_childs_age_keeps_institutions_with_a_class_that_takes_it(client, classes, params, expected):
    assert _ids(client.get("/api/v1/institutions/", params)) == {classes[k].pk for k in expected}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"age_months": 36}, "age_months"),
        ({"age_months": 50}, "age_months"),
        ({"age_months": 3}, "age_months"),
        ({"age_months": "one"}, "age_months"),
        ({"birth_month": f"{date.today().year + 1}-01"}, "birth_month"),
        ({"birth_month": _birth_month(40)}, "birth_month"),
        ({"birth_month": "2025-13"}, "birth_month"),
        ({"birth_month": "June"}, "birth_month"),
    ],
)
def test_an_age_the_classes_do_not_take_is_a_clear_400(client, classes, params, field):
    response = client.get("/api/v1/institutions/", params)
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"] and body["message"]
    page = client.get("/institutions/", params)
    assert page.status_code == 400
    html = page.content.decode()
    assert 'role="alert"' in html
    assert "混合园" not in html  # nothing was searched


def test_the_page_offers_the_age_and_the_birth_month(client, classes):
    html = client.get("/institutions/", {"age_months": 8}).content.decode()
    assert 'name="age_months"' in html and 'name="birth_month"' in html and 'type="month"' in html
    assert "乳儿园" in html and "混合园" not in html


def test_a_town_with_no_institution_offers_the_nearest_to_it(client, make_institution):
    # 温泉镇 has no institution of its own here: the words find nothing, and the page offers the nearest
    # to 温泉镇 (a place search) instead of ending the search at "nothing matches".
    make_institution(unit=Unit.objects.get(name="汉丰街道"), name="阳光托育园", address="民主路8号")
    page = client.get("/institutions/", {"q": "开州区温泉镇"}).content.decode()
    assert 'data-testid="nearest-to"' in page
    assert "/institutions/?place=%E6%B8%A9%E6%B3%89%E9%95%87" in page
    nearest = client.get("/institutions/", {"place": "温泉镇"}).content.decode()
    assert "阳光托育园" in nearest
    # Words that name no place keep the ordinary advice.
    page = client.get("/institutions/", {"q": "没有这个名字"}).content.decode()
    assert 'data-testid="nearest-to"' not in page
