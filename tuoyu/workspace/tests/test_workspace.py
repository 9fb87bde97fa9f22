"""The official workspace (/workspace/): each role sees what waits for it and nothing else, the counts
are core.counts' figures, the Excel file holds the same table, and the page's query count does not grow
with the number of items."""

import io
import json
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tuoyu.core import counts
from tuoyu.core.counts import Period
from tuoyu.core.workdays import SHANGHAI, add_workdays, deadline_status
from tuoyu.feedback.services import ROUTING_FILE, complaint_file, routing_load_file
from tuoyu.filings.models import CoordinationCase, Filing, FilingStatus
from tuoyu.regions.models import Department, Unit
from tuoyu.regions.selectors import grassroots_units
from tuoyu.workspace import views_government
from tuoyu.workspace.views_government import COUNT_SOURCES

URL = "/workspace/"


def _today() -> date:
    return timezone.localdate(timezone=SHANGHAI)


@pytest.fixture
def routing(kaizhou):
    routing_load_file(ROUTING_FILE)


@pytest.fixture
def zhenan(kaizhou):
    return Unit.objects.get(name="镇安镇")


@pytest.fixture
def make_filing(operator):
    """A filing waiting for a decision, due on the given date (the workflow's own fields, no uploads)."""
    counter = {"n": 0}

    def make(*, due: date, name: str | None = None) -> Filing:
        counter["n"] += 1
        return Filing.objects.create(
            applicant=operator,
            status=FilingStatus.SUBMITTED,
            data={"institution": {"name": name or f"待审托育园{counter['n']}"}},
            submitted_at=timezone.now(),
            due_on=due,
            check_due_on=due + timedelta(days=14),
            version=1,
        )

    return make


@pytest.fixture
def make_case(reviewer):
    def make(
        filing: Filing, *, departments: list[str], deadline: date, title: str = "消防验收协调"
    ) -> CoordinationCase:
        case = CoordinationCase.objects.create(
            filing=filing,
            title=title,
            domain="fire",
            description="需要消防部门意见。",
            deadline=deadline,
            opened_by=reviewer,
        )
        case.departments.set(Department.objects.filter(code__in=departments))
        return case

    return make


def _page(client, user):
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    return response


def test_only_government_roles_open_the_workspace(client, plain_client, family, operator, kaizhou):
    assert plain_client.get(URL).status_code == 302  # anonymous: sign in first
    for user in (family, operator):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.get(reverse("workspace:counts_export")).status_code == 403


def test_a_reviewer_sees_the_filings_to_decide_with_working_days_left(client, reviewer, make_filing):
    today = _today()
    soon = make_filing(due=add_workdays(today, 3), name="快到期托育园")
    late = make_filing(due=today - timedelta(days=10), name="已超期托育园")
    response = _page(client, reviewer)
    filings = response.context["filings"]
    assert [f.pk for f in filings.rows] == [late.pk, soon.pk]  # the oldest deadline first
    assert filings.total == 2 and filings.overdue == 1
    assert filings.rows[1].deadline == deadline_status(due=soon.due_on, today=today)
    assert filings.rows[1].check_deadline == deadline_status(due=soon.check_due_on, today=today)
    assert filings.rows[0].deadline.overdue and filings.rows[0].overdue_days > 0
    body = response.content.decode()
    # One click from the item to its review page.
    assert reverse("filings:review", args=[soon.pk]) in body
    assert reverse("filings:review", args=[late.pk]) in body
    assert response.context["overdue_total"] == 1


def test_a_department_officer_sees_their_departments_cases_and_complaints_only(
    client, inspector, routing, make_institution, make_filing, make_case
):
    today = _today()
    filing = make_filing(due=add_workdays(today, 2))
    ours = make_case(
        filing, departments=["KZ-SCJG"], deadline=today + timedelta(days=5), title="市场监管意见"
    )
    theirs = make_case(filing, departments=["KZ-XF"], deadline=today + timedelta(days=5), title="消防意见")
    food = complaint_file(
        category="food", description="饭菜不新鲜。", institution=make_institution()
    ).complaint
    hygiene = complaint_file(
        category="hygiene", description="厕所很脏。", institution=make_institution()
    ).complaint
    response = _page(client, inspector)
    assert response.context["filings"] is None  # filings are the commission's to decide
    assert [c.pk for c in response.context["cases"].rows] == [ours.pk]
    complaints = response.context["complaints"]
    assert [c.pk for c in complaints.rows] == [food.pk]
    assert complaints.to_acknowledge == 1 and complaints.to_answer == 0
    body = response.content.decode()
    assert reverse("filings:case_detail", args=[ours.pk]) in body
    assert reverse("filings:case_detail", args=[theirs.pk]) not in body
    assert reverse("feedback:handle", args=[food.pk]) in body
    assert reverse("feedback:handle", args=[hygiene.pk]) not in body


def test_a_street_officer_sees_only_their_own_unit(
    client, street_officer, hanfeng, zhenan, routing, make_institution, make_filing
):
    make_filing(due=_today())
    here = make_institution(unit=hanfeng, name="汉丰托育园")
    there = make_institution(unit=zhenan, name="镇安托育园")
    near = complaint_file(category="food", description="饭菜不新鲜。", institution=here).complaint
    far = complaint_file(category="food", description="饭菜不新鲜。", institution=there).complaint
    placed = complaint_file(
        category="unlicensed",
        description="小区里有人办托。",
        place_name="无名托管点",
        lat=hanfeng.center_lat + 0.001,
        lng=hanfeng.center_lng + 0.001,
    ).complaint
    response = _page(client, street_officer)
    assert response.context["filings"] is None and response.context["cases"] is None
    assert {c.pk for c in response.context["complaints"].rows} == {near.pk, placed.pk}
    table = response.context["table"]
    assert [row["unit"] for row in table["rows"]] == [hanfeng] and table["total"] is None
    markers = response.context["markers"]
    assert {(m["kind"], m["id"]) for m in markers} == {
        ("institution", here.pk),
        ("case", near.pk),
        ("case", placed.pk),
    }
    assert far.pk not in {m["id"] for m in markers if m["kind"] == "case"}
    body = response.content.decode()
    assert "镇安托育园" not in body and far.tracking_number not in body


def _seed_area(make_institution, hanfeng, zhenan):
    make_institution(unit=hanfeng, is_puhui=True)
    make_institution(unit=hanfeng)
    make_institution(unit=zhenan)
    make_institution(unit=zhenan, status="draft")  # not filed: counted nowhere
    complaint_file(category="food", description="饭菜不新鲜。", institution=make_institution(unit=zhenan))


def test_the_counts_are_core_counts_figures_per_street_or_town(
    client, hc_admin, kaizhou, hanfeng, zhenan, routing, make_institution
):
    _seed_area(make_institution, hanfeng, zhenan)
    table = _page(client, hc_admin).context["table"]
    today = _today()
    period = Period(date(today.year, 1, 1), today)
    units = list(grassroots_units(kaizhou))
    assert [row["unit"] for row in table["rows"]] == units
    assert table["names"] == [name for name in COUNT_SOURCES if name in counts.sources()]
    assert "institutions.filed_slots" in table["names"] and "feedback.complaints_received" in table["names"]
    for row in table["rows"]:
        assert row["values"] == [
            counts.count(name, unit=row["unit"], period=period) for name in table["names"]
        ]
    assert table["total"]["values"] == [
        counts.count(name, unit=kaizhou, period=period) for name in table["names"]
    ]
    by_unit = {row["unit"]: dict(zip(table["names"], row["values"], strict=True)) for row in table["rows"]}
    assert by_unit[hanfeng]["institutions.filed_institutions"] == 2
    assert by_unit[hanfeng]["institutions.public_benefit_slots"] == 15
    assert by_unit[zhenan]["institutions.filed_institutions"] == 2
    assert by_unit[zhenan]["feedback.complaints_received"] == 1


def test_the_counts_download_as_excel_with_the_same_figures(
    client, hc_admin, kaizhou, hanfeng, zhenan, routing, make_institution
):
    _seed_area(make_institution, hanfeng, zhenan)
    table = _page(client, hc_admin).context["table"]
    response = client.get(reverse("workspace:counts_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][1:] == [str(label) for label in table["labels"]]
    expected = [[row["unit"].name, *row["values"]] for row in table["rows"]]
    assert rows[1 : 1 + len(expected)] == expected
    total = rows[1 + len(expected)]
    assert kaizhou.name in total[0] and total[1:] == table["total"]["values"]


def test_the_map_shows_institutions_and_open_cases_linking_to_their_pages(
    client, reviewer, hanfeng, routing, make_institution
):
    institution = make_institution(unit=hanfeng)
    case = complaint_file(category="hygiene", description="厕所很脏。", institution=institution).complaint
    response = _page(client, reviewer)
    body = response.content.decode()
    start = body.index('<script id="map-markers" type="application/json">') + len(
        '<script id="map-markers" type="application/json">'
    )
    markers = json.loads(body[start : body.index("</script>", start)])
    urls = {m["url"] for m in markers}
    assert reverse("institutions:detail", args=[institution.pk]) in urls
    assert reverse("feedback:handle", args=[case.pk]) in urls
    assert 'id="map"' in body and "js/map.js" in body


@pytest.fixture
def hc_admin(kaizhou):
    from tuoyu.accounts.models import User

    return User.objects.create_user(
        username="hc-admin",
        password="correct-horse-battery",
        role="hc_admin",
        department=Department.objects.get(code="KZ-WJW"),
    )


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    return len(captured)


def test_the_page_costs_the_same_queries_for_few_and_many_items(
    client, hc_admin, hanfeng, zhenan, routing, make_institution, make_filing, make_case
):
    today = _today()
    client.force_login(hc_admin)

    def add(n: int):
        for i in range(n):
            filing = make_filing(due=today + timedelta(days=i - 3))
            make_case(filing, departments=["KZ-XF"], deadline=today + timedelta(days=i))
            institution = make_institution(unit=hanfeng if i % 2 else zhenan)
            complaint_file(category="food", description="饭菜不新鲜。", institution=institution)

    add(1)
    client.get(URL)  # warm-up: the staff session writes its last-seen stamp at most once a minute
    few = _queries(client)
    add(views_government.LIST_ROWS + 5)
    many = _queries(client)
    assert few == many, (few, many)
    response = client.get(URL)
    assert len(response.context["filings"].rows) == views_government.LIST_ROWS
    assert response.context["filings"].total == views_government.LIST_ROWS + 6
