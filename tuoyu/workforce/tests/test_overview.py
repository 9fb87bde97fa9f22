"""Officials' pages: the certified rate and ratios per institution, street or town and district (counts,
never people; a street officer their unit only), with Excel; the commission's flags with masked ID numbers,
exported as a recorded personal export; the public page's numbers without names."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from tuoyu.accounts.models import AccessKind, AccessLog
from tuoyu.regions.models import Unit
from tuoyu.workforce.models import Certificate

from .conftest import id_number

pytestmark = pytest.mark.django_db

TWICE = id_number(777)


@pytest.fixture
def district(workforce_rules, staffed_institution, make_institution, make_staff):
    """Hanfeng: the staffed institution (2 of 3 certified; the 托大班 met, the 乳儿班 short) and a person
    also at an institution in Baihe, which has one unsuitable carer."""
    today = timezone.localdate()
    preschool = staffed_institution.classes.get(age_group="preschool")
    infant = staffed_institution.classes.get(age_group="infant")
    for _ in range(2):
        make_staff(staffed_institution, class_group=preschool, certificates=["baoyushi-4"], name="汉丰保育")
    make_staff(
        staffed_institution,
        class_group=preschool,
        name="重复就职",
        number=TWICE,
        started_on=today - timedelta(days=300),
    )
    make_staff(staffed_institution, class_group=infant, certificates=["baoyushi-4"], name="汉丰保育")
    baihe = make_institution(name="白鹤托育园", unit=Unit.objects.get(name="白鹤街道"))
    toddlers = baihe.classes.get()
    make_staff(baihe, class_group=toddlers, name="重复就职", number=TWICE, certificates=["baoyushi-4"])
    make_staff(baihe, class_group=toddlers, certificates=["baoyushi-4"], name="白鹤保育")
    make_staff(
        baihe, class_group=toddlers, name="未体检", health_checked_on=None, certificates=["baoyushi-4"]
    )
    return staffed_institution, baihe


def _html(client, user, url, **params):
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_commission_sees_the_district_the_units_and_the_institutions(client, reviewer, district):
    here, baihe = district
    html = _html(client, reviewer, "/workforce/")
    # Hanfeng: 3 of 4 certified (the person there first counts there); Baihe: 2 of 2 (the person counts
    # in Hanfeng only). District: 5 of 6.
    assert 'data-certified="5" data-certifiable="6"' in html and 'data-rate="83.3"' in html
    assert f'data-pk="{here.pk}" data-rate="75.0" data-met="no"' in html
    assert f'data-pk="{baihe.pk}" data-rate="100.0" data-met="no"' in html  # 10 toddlers, 1 carer counted
    assert 'data-testid="flags-link"' in html
    for name in ("汉丰保育", "重复就职", "白鹤保育", "未体检"):
        assert name not in html


def test_a_street_officer_sees_only_their_unit_and_no_names(client, street_officer, district):
    here, baihe = district
    html = _html(client, street_officer, "/workforce/", unit=Unit.objects.get(name="白鹤街道").pk)
    assert f'data-pk="{here.pk}"' in html and f'data-pk="{baihe.pk}"' not in html
    assert 'data-certified="3" data-certifiable="4"' in html
    assert 'data-testid="flags-link"' not in html
    for name in ("汉丰保育", "重复就职", "白鹤保育", "未体检", TWICE):
        assert name not in html
    client.force_login(street_officer)
    assert client.get("/workforce/flags/").status_code == 403
    assert client.get("/workforce/flags/export.xlsx").status_code == 403
    book = load_workbook(BytesIO(client.get("/workforce/export.xlsx").content))
    cells = [c for row in book.active.iter_rows(values_only=True) for c in row if c is not None]
    assert here.name in cells and baihe.name not in cells
    assert not any(isinstance(c, str) and ("汉丰保育" in c or "重复就职" in c) for c in cells)


def test_a_unit_filter_for_the_commission(client, reviewer, district):
    here, baihe = district
    html = _html(client, reviewer, "/workforce/", unit=Unit.objects.get(name="白鹤街道").pk)
    assert f'data-pk="{baihe.pk}"' in html and f'data-pk="{here.pk}"' not in html


def test_the_excel_reads_back(client, reviewer, district):
    here, baihe = district
    client.force_login(reviewer)
    response = client.get("/workforce/export.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    by_name = {row[0]: row for row in rows[1:] if row and row[0]}
    assert by_name[here.name][2:7] == (4, 0, 3, 4, 75)
    assert by_name[baihe.name][4:7] == (2, 2, 100)
    district_row = rows[-3]  # then a blank row and the note
    assert district_row[4:7] == (5, 6, pytest.approx(83.3))


def test_the_overview_issues_a_fixed_number_of_queries(
    client, reviewer, district, make_institution, make_staff
):
    client.force_login(reviewer)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/workforce/").status_code == 200
        return len(queries)

    count()  # the first request after sign-in also saves the session
    before = count()
    for _ in range(5):
        institution = make_institution()
        make_staff(institution, class_group=institution.classes.get(), certificates=["baoyushi-4"])
    assert count() == before


def test_the_flags_show_people_masked_and_the_export_is_recorded(client, reviewer, district):
    here, baihe = district
    html = _html(client, reviewer, "/workforce/flags/")
    assert html.count('data-testid="dual-row"') == 1
    assert "重复就职" in html and here.name in html and baihe.name in html
    assert TWICE not in html and f"{TWICE[:3]}" in html
    assert html.count('data-testid="unsuitable-row"') == 1 and "未体检" in html
    response = client.get("/workforce/flags/export.xlsx")
    assert response.status_code == 200
    cells = [
        c
        for row in load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True)
        for c in row
        if c
    ]
    assert "重复就职" in cells and "未体检" in cells
    assert not any(isinstance(c, str) and TWICE in c for c in cells)
    log = AccessLog.objects.get(kind=AccessKind.PERSONAL_EXPORT)
    assert log.user == reviewer and "3" in log.detail


def test_the_public_page_shows_the_numbers_without_names(client, district, make_institution):
    here, _baihe = district
    html = client.get(f"/institutions/{here.pk}/").content.decode()
    assert 'data-testid="staffing"' in html
    assert 'data-testid="staffing-rate" data-rate="75.0"' in html
    assert 'data-testid="staffing-ratio" data-met="no"' in html
    assert '<dd data-testid="staffing-carers">4</dd>' in html
    for name in ("汉丰保育", "重复就职"):
        assert name not in html
    empty = make_institution(name="无员工托育园")
    html = client.get(f"/institutions/{empty.pk}/").content.decode()
    assert 'data-testid="staffing"' in html and 'data-testid="staffing-rate"' not in html


def test_an_expired_certificate_lowers_the_rate_the_next_day(client, reviewer, district):
    here, _baihe = district
    today = timezone.localdate()
    Certificate.objects.filter(staff__institution=here, staff__class_group__age_group="infant").update(
        expires_on=today - timedelta(days=1)
    )
    html = _html(client, reviewer, "/workforce/")
    assert f'data-pk="{here.pk}" data-rate="50.0"' in html
