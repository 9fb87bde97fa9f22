"""The workspace's supervision card (issue 12): an inspector on the roster sees the inspections drawn for
them and the rectification evidence awaiting their decision; every inspection viewer sees the open
findings they follow (a street or town officer their unit's, a department officer their department's
plans'); the page's query count does not grow with the number of inspections and findings."""

# The supervision fixtures (a checklist, a roster, a plan, a drawn inspection) are the inspections app's;
# imported here as fixtures, which pytest passes by parameter name.
# ruff: noqa: F401, F811
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tuoyu.core.workdays import SHANGHAI
from tuoyu.inspections.models import Draw, Finding, FindingStatus, Inspection, InspectionPlan
from tuoyu.inspections.tests.conftest import checklist_items, drawn_inspection, plan, roster
from tuoyu.regions.models import Department, Unit
from tuoyu.workspace import views_government

URL = "/workspace/"


def _today():
    return timezone.localdate(timezone=SHANGHAI)


def _finding(inspection, *, status=FindingStatus.OPEN, days=10, text="疏散通道被杂物堵塞") -> Finding:
    # Rows written directly: the card reads findings in any status; the services are tested elsewhere.
    return Finding.objects.create(
        inspection=inspection,
        description=text,
        severity="major",
        deadline=_today() + timedelta(days=days),
        status=status,
    )


def _inspection(plan, institution, inspectors) -> Inspection:
    draw = plan.draws.first() or Draw.objects.create(
        plan=plan,
        number=1,
        algorithm="fixture",
        seed="1" * 32,
        sample_count=1,
        inspectors_per_inspection=2,
        drawn_by=plan.created_by,
    )
    inspection = Inspection.objects.create(plan=plan, draw=draw, institution=institution)
    inspection.inspectors.set(inspectors)
    return inspection


def _page(client, user):
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    return response


def test_an_inspector_sees_what_was_drawn_for_them_and_the_evidence_to_check(
    client, drawn_inspection, roster
):
    finding = _finding(drawn_inspection, status=FindingStatus.SUBMITTED)
    response = _page(client, roster[0].user)
    supervision = response.context["supervision"]
    assert [i.pk for i in supervision.to_inspect.rows] == [drawn_inspection.pk]
    assert [f.pk for f in supervision.to_decide.rows] == [finding.pk]
    assert supervision.to_inspect.total == 1 and supervision.to_decide.total == 1
    body = response.content.decode()
    assert 'data-testid="count-to-inspect">1<' in body
    assert 'data-testid="count-to-decide">1<' in body
    assert reverse("inspections:inspect", args=[drawn_inspection.pk]) in body
    assert reverse("inspections:finding", args=[finding.pk]) in body

    # The third inspector of the roster was not drawn: nothing to inspect or to check.
    other = _page(client, roster[2].user).context["supervision"]
    assert other.to_inspect.total == 0 and other.to_decide.total == 0


def test_an_officer_not_on_the_roster_sees_only_the_open_findings(client, inspector, drawn_inspection):
    # `inspector` is an officer of 市场监管, the plan's department, but not on the roster.
    open_one = _finding(drawn_inspection, days=-3)
    _finding(drawn_inspection, status=FindingStatus.RECTIFIED, text="灭火器已更换")
    response = _page(client, inspector)
    supervision = response.context["supervision"]
    assert supervision.to_inspect is None and supervision.to_decide is None
    assert [f.pk for f in supervision.open_findings.rows] == [open_one.pk]
    assert supervision.open_findings.overdue == 1 and supervision.open_findings.rows[0].late
    assert response.context["overdue_total"] == 1
    assert 'data-testid="count-open-findings">1<' in response.content.decode()


def test_a_street_officer_sees_the_open_findings_of_their_unit_only(
    client, street_officer, plan, roster, make_institution
):
    here = make_institution(unit=street_officer.unit, name="汉丰检查托育园")
    there = make_institution(unit=Unit.objects.get(name="镇安镇"), name="镇安检查托育园")
    near = _finding(_inspection(plan, here, roster[:2]))
    far = _finding(_inspection(plan, there, roster[:2]))
    response = _page(client, street_officer)
    rows = response.context["supervision"].open_findings.rows
    assert [f.pk for f in rows] == [near.pk]
    body = response.content.decode()
    assert "汉丰检查托育园" in body and "镇安检查托育园" not in body
    assert reverse("inspections:finding", args=[far.pk]) not in body


def test_another_departments_officer_does_not_see_the_plans_findings(client, drawn_inspection):
    from tuoyu.accounts.models import User

    fire = User.objects.create_user(
        username="fire-officer",
        password="correct-horse-battery",
        role="dept_officer",
        department=Department.objects.get(code="KZ-XF"),
    )
    _finding(drawn_inspection)
    assert _page(client, fire).context["supervision"].open_findings.total == 0


def test_the_commission_follows_every_open_finding(client, reviewer, drawn_inspection):
    finding = _finding(drawn_inspection)
    supervision = _page(client, reviewer).context["supervision"]
    assert supervision.to_inspect is None  # the reviewer is not on the roster
    assert [f.pk for f in supervision.open_findings.rows] == [finding.pk]


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    return len(captured)


def test_the_card_costs_the_same_queries_for_few_and_many_inspections(client, plan, roster, make_institution):
    client.force_login(roster[0].user)

    def add(n: int):
        for i in range(n):
            inspection = _inspection(plan, make_institution(name=f"查询托育园{i}-{n}"), roster[:2])
            _finding(inspection, days=i - 2)
            _finding(inspection, status=FindingStatus.SUBMITTED)

    add(1)
    client.get(URL)  # warm-up: the staff session writes its last-seen stamp at most once a minute
    few = _queries(client)
    add(views_government.LIST_ROWS + 3)
    many = _queries(client)
    assert few == many, (few, many)
    supervision = client.get(URL).context["supervision"]
    assert len(supervision.to_inspect.rows) == views_government.LIST_ROWS
    assert supervision.to_inspect.total == views_government.LIST_ROWS + 4
    assert supervision.open_findings.total == 2 * (views_government.LIST_ROWS + 4)
    assert InspectionPlan.objects.count() == 1


def test_the_menu_offers_supervision_to_each_person_its_own_way(
    client, plain_client, roster, inspector, street_officer, operator, kaizhou
):
    links = {
        name: reverse(name)
        for name in (
            "inspections:oversight",
            "inspections:my",
            "inspections:plans",
            "inspections:institution_inspections",
            "inspections:results",
        )
    }

    def menu_of(user) -> set[str]:
        client.force_login(user)
        body = client.get(reverse("accounts:me")).content.decode()
        return {name for name, url in links.items() if f'href="{url}"' in body}

    # On the roster: their own tasks too. Not on it (the same department): oversight and plans only.
    assert menu_of(roster[0].user) == {
        "inspections:oversight",
        "inspections:my",
        "inspections:plans",
        "inspections:results",
    }
    assert menu_of(inspector) == {"inspections:oversight", "inspections:plans", "inspections:results"}
    assert menu_of(street_officer) == {"inspections:oversight", "inspections:results"}
    assert menu_of(operator) == {"inspections:institution_inspections", "inspections:results"}
    # The public results are in every page's footer, for a visitor too.
    assert f'href="{links["inspections:results"]}"' in plain_client.get("/").content.decode()
