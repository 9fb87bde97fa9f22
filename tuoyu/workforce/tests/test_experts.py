"""The expert pool (专家库): the services' checks (a unique number, a mobile number, an account that can
act), retiring without deleting, `experts_available` for the other apps, and the commission's pages
(only the commission; the mobile number masked on the page and in the Excel file; a fixed number of
queries whatever the rows)."""

from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tuoyu.accounts.models import User
from tuoyu.workforce import services
from tuoyu.workforce.models import Expert
from tuoyu.workforce.selectors.experts import experts_available


@pytest.fixture
def commission(db):
    return User.objects.create_user(username="hc-experts", password="x-long-password", role="hc_admin")


def _user(username, role):
    return User.objects.create_user(username=username, password="x-long-password", role=role)


def _add(by, **overrides):
    values = {
        "code": "ZJ-0001",
        "name": "赵专家",
        "field": "care",
        "title": "主任医师",
        "unit": "区妇幼保健院",
        "mobile": "13900001234",
    }
    values.update(overrides)
    return services.expert_add(by=by, **values)


def _errors(excinfo) -> dict:
    return excinfo.value.message_dict


# --- services ------------------------------------------------------------------------------------


def test_an_expert_is_added_with_a_normalised_mobile_number(commission):
    expert = _add(commission, mobile="+86 139-0000-1234")
    assert expert.mobile == "13900001234" and expert.active
    assert expert.for_inspection and expert.for_grading and expert.for_guidance


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"code": "zj-0001"}, "code"),  # the same number, whatever the case
        ({"code": "ZJ-0002", "mobile": "12345"}, "mobile"),
        ({"code": "ZJ-0002", "name": "  "}, "name"),
        ({"code": "ZJ-0002", "field": "astrology"}, "field"),
    ],
)
def test_bad_input_is_refused_with_its_field_and_nothing_is_stored(commission, overrides, field):
    _add(commission)
    with pytest.raises(ValidationError) as refused:
        _add(commission, **overrides)
    assert field in _errors(refused)
    assert Expert.objects.count() == 1


def test_an_account_must_be_able_to_act_for_what_the_expert_is_drawn_for(commission, inspector):
    operator = _user("an-operator", "inst_operator")
    with pytest.raises(ValidationError) as refused:
        _add(commission, user=operator)
    assert "user" in _errors(refused)
    officer = inspector  # a department officer: an inspector's role, not an assessor's
    with pytest.raises(ValidationError) as grading_only:
        _add(commission, user=officer, for_inspection=False, for_grading=True)
    assert "user" in _errors(grading_only)
    assert not Expert.objects.exists()
    assert _add(commission, user=officer, for_inspection=True, for_grading=False).user == officer
    guidance = _user("a-guidance", "guidance")
    assert _add(commission, code="ZJ-0002", user=guidance).user == guidance
    with pytest.raises(ValidationError) as taken:
        _add(commission, code="ZJ-0003", user=guidance)
    assert "user" in _errors(taken)


def test_only_the_commission_keeps_the_pool(commission, operator, inspector):
    for someone in (operator, _user("guidance-x", "guidance"), inspector):
        with pytest.raises(PermissionDenied):
            _add(someone)
    expert = _add(commission)
    with pytest.raises(PermissionDenied):
        services.expert_retire(expert=expert, by=operator)


def test_an_update_checks_the_same_rules(commission):
    first = _add(commission)
    second = _add(commission, code="ZJ-0002")
    with pytest.raises(ValidationError) as refused:
        services.expert_update(expert=second, by=commission, code="ZJ-0001")
    assert "code" in _errors(refused)
    updated = services.expert_update(expert=first, by=commission, title="研究员", for_guidance=False)
    assert updated.title == "研究员" and not updated.for_guidance and updated.mobile == "13900001234"


def test_a_retired_expert_is_kept_but_never_available(commission, make_institution):
    institution = make_institution(name="专家回避托育园")
    kept = _add(commission)
    works_there = _add(commission, code="ZJ-0002", employer=institution)
    _add(commission, code="ZJ-0003", for_grading=False)
    services.expert_retire(expert=kept, by=commission)
    with pytest.raises(ValidationError):
        services.expert_retire(expert=kept, by=commission)
    assert Expert.objects.filter(pk=kept.pk, active=False).exists()
    assert list(experts_available("inspection").values_list("code", flat=True)) == ["ZJ-0002", "ZJ-0003"]
    assert list(experts_available("grading").values_list("code", flat=True)) == ["ZJ-0002"]
    assert not experts_available("grading", exclude_employer=institution).exists()
    assert works_there in experts_available("guidance")
    with pytest.raises(ValueError):
        experts_available("dancing")
    services.expert_reinstate(expert=kept, by=commission)
    assert kept in experts_available("guidance")


# --- pages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["operator", "guidance", "inspector", "street_officer", "family"])
def test_only_the_commission_sees_the_pool_pages(request, client, commission, who):
    expert = _add(commission)
    urls = [
        reverse("workforce:experts"),
        reverse("workforce:expert_new"),
        reverse("workforce:experts_xlsx"),
        reverse("workforce:expert_edit", args=[expert.pk]),
    ]
    assert client.get(urls[0]).status_code == 302  # signed out: to the login page
    someone = _user("someone-guidance", "guidance") if who == "guidance" else request.getfixturevalue(who)
    client.force_login(someone)
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.post(reverse("workforce:expert_retire", args=[expert.pk])).status_code == 403
    client.force_login(commission)
    for url in urls:
        assert client.get(url).status_code == 200


def test_the_list_masks_the_mobile_filters_and_runs_a_fixed_number_of_queries(client, commission):
    client.force_login(commission)
    _add(commission)
    client.get(reverse("workforce:experts"))  # warm the session and the caches

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("workforce:experts"))
        assert response.status_code == 200
        return len(queries), response.content.decode()

    few, html = count()
    assert "139****1234" in html and "13900001234" not in html
    for n in range(2, 12):
        _add(commission, code=f"ZJ-{n:04d}", mobile=f"1390000{n:04d}", for_grading=n % 2 == 0)
    many, _html = count()
    assert many == few
    html = client.get(reverse("workforce:experts"), {"purpose": "grading", "active": "1"}).content.decode()
    assert 'data-code="ZJ-0002"' in html and 'data-code="ZJ-0003"' not in html


def test_the_pages_add_edit_and_retire(client, commission):
    client.force_login(commission)
    response = client.post(
        reverse("workforce:expert_new"),
        {
            "code": "ZJ-0100",
            "name": "钱专家",
            "field": "health",
            "title": "副主任医师",
            "unit": "区疾病预防控制中心",
            "mobile": "13900005678",
            "for_inspection": "on",
            "for_grading": "on",
        },
    )
    assert response.status_code == 302
    expert = Expert.objects.get(code="ZJ-0100")
    assert not expert.for_guidance
    page = client.get(reverse("workforce:expert_edit", args=[expert.pk])).content.decode()
    assert "13900005678" not in page and "139****5678" in page
    duplicate = client.post(
        reverse("workforce:expert_new"),
        {"code": "ZJ-0100", "name": "重复", "field": "care", "title": "-", "unit": "-"},
    )
    assert duplicate.status_code == 200 and Expert.objects.count() == 1
    # Saving the edit form without a mobile number keeps the one on record.
    client.post(
        reverse("workforce:expert_edit", args=[expert.pk]),
        {"code": "ZJ-0100", "name": "钱专家", "field": "health", "title": "主任医师", "unit": "区疾控中心"},
    )
    expert.refresh_from_db()
    assert expert.title == "主任医师" and expert.mobile == "13900005678"
    client.post(reverse("workforce:expert_retire", args=[expert.pk]))
    expert.refresh_from_db()
    assert not expert.active


def test_the_excel_file_masks_the_mobile_number(client, commission):
    _add(commission)
    client.force_login(commission)
    response = client.get(reverse("workforce:experts_xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    cells = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert "139****1234" in cells and not any("13900001234" in value for value in cells)
    assert "ZJ-0001" in cells
