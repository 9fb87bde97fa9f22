"""Inspection plans: validation with a clear message per field and nothing saved, who may plan and draw,
the government pages (list in a fixed number of queries, create, detail, draw, redraw), the roster and
declared links."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tuoyu.inspections import services
from tuoyu.inspections.models import (
    Draw,
    Inspection,
    InspectionPlan,
    InspectionStatus,
    InspectorLink,
    PlanStatus,
)
from tuoyu.regions.models import Department

pytestmark = pytest.mark.django_db


@pytest.fixture
def scjg(kaizhou):
    return Department.objects.get(code="KZ-SCJG")


@pytest.fixture
def valid(roster, checklist_items, make_institution, scjg):
    """plan_create's arguments for a good plan of 市场监管 over the district's filed institutions."""
    institutions = [make_institution(name=f"计划托育园{i}") for i in range(1, 4)]
    make_institution(name="未备案托育园", status="draft")
    today = timezone.localdate()

    def args(**overrides):
        values = {
            "by": roster[0].user,
            "title": "2027年第一季度双随机抽查",
            "lead_department": scjg,
            "departments": [scjg],
            "period_start": today,
            "period_end": today + timedelta(days=60),
            "domains": ["fire", "food"],
            "checklist": checklist_items,
            "sample_percent": 50,
            "inspectors_per_inspection": 2,
            "inspectors": roster,
        }
        values.update(overrides)
        return values

    args.institutions = institutions
    return args


def test_a_plan_is_created_as_a_draft_over_the_filed_institutions(valid):
    plan = services.plan_create(**valid())
    assert plan.status == PlanStatus.DRAFT
    assert sorted(plan.institutions.values_list("pk", flat=True)) == sorted(i.pk for i in valid.institutions)
    assert plan.inspectors.count() == 3 and plan.checklist.count() == 4
    assert plan.domains == ["fire", "food"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": " "}, "title"),
        ({"period_end": "START-1"}, "period_end"),
        ({"period_start": "PAST-10", "period_end": "PAST-1"}, "period_end"),
        ({"sample_size": 1}, "sample_percent"),  # both ways
        ({"sample_percent": None}, "sample_percent"),  # neither
        ({"sample_percent": None, "sample_size": 9}, "sample_size"),  # more than there are
        ({"inspectors_per_inspection": 1}, "inspectors_per_inspection"),
        ({"checklist": []}, "checklist"),
        ({"domains": []}, "domains"),
        ({"departments": []}, "departments"),  # the lead is not among them
        ({"inspectors_per_inspection": 4}, "inspectors"),  # a pool of 3
        ({"institutions": []}, "institutions"),
    ],
)
def test_a_bad_plan_is_refused_field_by_field_and_nothing_is_saved(valid, overrides, field):
    today = timezone.localdate()
    dates = {
        "START-1": today - timedelta(days=1),
        "PAST-10": today - timedelta(days=10),
        "PAST-1": today - timedelta(days=1),
    }
    overrides = {k: dates.get(v, v) if isinstance(v, str) else v for k, v in overrides.items()}
    with pytest.raises(ValidationError) as refused:
        services.plan_create(**valid(**overrides))
    assert field in refused.value.message_dict
    assert not InspectionPlan.objects.exists()


def test_a_department_officer_plans_only_for_their_department(valid, roster, street_officer, family):
    other = roster[2]  # of another department
    with pytest.raises(PermissionDenied):
        services.plan_create(**valid(by=other.user))
    for person in (street_officer, family):
        with pytest.raises(PermissionDenied):
            services.plan_create(**valid(by=person))
    assert not InspectionPlan.objects.exists()


def test_the_commission_plans_for_any_department(valid, reviewer):
    assert services.plan_create(**valid(by=reviewer)).created_by == reviewer


def test_a_plan_changes_only_while_a_draft(valid):
    plan = services.plan_create(**valid())
    lead = plan.created_by
    plan = services.plan_update(plan=plan, by=lead, sample_size=1, title="改名后的计划")
    assert (plan.title, plan.sample_size, plan.sample_percent) == ("改名后的计划", 1, None)
    services.draw_plan(plan=plan, by=lead)
    with pytest.raises(ValidationError) as refused:
        services.plan_update(plan=plan, by=lead, title="再改")
    assert refused.value.code == "status"
    plan.refresh_from_db()
    assert plan.title == "改名后的计划"


def test_a_plan_closes_when_every_inspection_is_done(plan):
    lead = plan.created_by
    with pytest.raises(ValidationError):
        services.plan_close(plan=plan, by=lead)  # a draft does not close
    services.draw_plan(plan=plan, by=lead)
    with pytest.raises(ValidationError) as refused:
        services.plan_close(plan=plan, by=lead)
    assert refused.value.code == "open"
    services.plan_cancel(plan=plan, by=lead, reason="机构整体停业整顿，另行安排")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CANCELLED
    assert set(plan.inspections.values_list("status", flat=True)) == {InspectionStatus.CANCELLED}


def test_a_cancellation_needs_a_reason(plan):
    with pytest.raises(ValidationError) as refused:
        services.plan_cancel(plan=plan, by=plan.created_by, reason="")
    assert "reason" in refused.value.message_dict
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


# --- declared links ------------------------------------------------------------------------------


def test_links_are_declared_by_the_inspector_their_department_or_the_commission(plan, roster, reviewer):
    institution = plan.institutions.first()
    colleague = roster[1].user  # same department as roster[0]
    services.declare_link(
        inspector=roster[0], institution=institution, reason="配偶在该机构任职", by=colleague
    )
    with pytest.raises(ValidationError) as duplicate:
        services.declare_link(inspector=roster[0], institution=institution, reason="再次", by=reviewer)
    assert duplicate.value.code == "duplicate"
    with pytest.raises(PermissionDenied):
        services.declare_link(
            inspector=roster[0], institution=plan.institutions.last(), reason="x", by=roster[2].user
        )
    services.declare_link(
        inspector=roster[2], institution=institution, reason="曾在该机构工作", by=roster[2].user
    )
    with pytest.raises(ValidationError) as no_reason:
        services.declare_link(inspector=roster[1], institution=institution, reason=" ", by=reviewer)
    assert "reason" in no_reason.value.message_dict
    assert InspectorLink.objects.count() == 2


# --- pages ---------------------------------------------------------------------------------------


def test_the_roster_page_and_a_link_declared_on_it(client, plan, roster):
    officer = roster[1].user
    client.force_login(officer)
    html = client.get(reverse("inspections:roster")).content.decode()
    assert all(r.certificate_number in html for r in roster)
    institution = plan.institutions.first()
    # Another department's inspector is not offered to this officer.
    response = client.post(
        reverse("inspections:link_new"),
        {"inspector": roster[2].pk, "institution": institution.pk, "reason": "亲属"},
    )
    assert response.status_code == 200 and not InspectorLink.objects.exists()
    response = client.post(
        reverse("inspections:link_new"),
        {"inspector": roster[0].pk, "institution": institution.pk, "reason": "亲属在该机构任职"},
    )
    assert response.status_code == 302
    link = InspectorLink.objects.get()
    assert (link.inspector, link.institution, link.declared_by) == (roster[0], institution, officer)
    assert "亲属在该机构任职" in client.get(reverse("inspections:roster")).content.decode()


def test_a_plan_is_made_and_drawn_on_the_pages(
    client, reviewer, roster, checklist_items, make_institution, scjg
):
    institutions = [make_institution(name=f"页面托育园{i}") for i in range(1, 4)]
    client.force_login(reviewer)
    assert client.get(reverse("inspections:plan_new")).status_code == 200
    today = timezone.localdate()
    data = {
        "title": "页面创建的计划",
        "lead_department": scjg.pk,
        "departments": [scjg.pk],
        "unit": "",
        "period_start": today.isoformat(),
        "period_end": (today + timedelta(days=30)).isoformat(),
        "domains": ["fire"],
        "checklist": [item.pk for item in checklist_items],
        "sample_percent": "",
        "sample_size": "2",
        "inspectors_per_inspection": "2",
        "inspectors": [r.pk for r in roster],
    }
    bad = client.post(reverse("inspections:plan_new"), {**data, "sample_percent": "20"})
    assert bad.status_code == 200 and not InspectionPlan.objects.exists()
    response = client.post(reverse("inspections:plan_new"), data)
    plan = InspectionPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("inspections:plan", args=[plan.pk])
    assert set(plan.institutions.all()) == set(institutions)
    html = client.get(reverse("inspections:plan", args=[plan.pk])).content.decode()
    assert 'id="plan-draw"' in html and 'id="plan-redraw"' not in html
    client.post(reverse("inspections:plan_draw", args=[plan.pk]))
    draw = Draw.objects.get(plan=plan)
    html = client.get(reverse("inspections:plan", args=[plan.pk])).content.decode()
    assert 'id="plan-draw"' not in html and 'id="plan-redraw"' in html
    assert reverse("inspections:draw", args=[draw.pk]) in html
    # A redraw without a reason is refused on the page; with one it is made.
    response = client.post(reverse("inspections:plan_redraw", args=[plan.pk]), {"reason": ""})
    assert response.status_code == 200 and Draw.objects.filter(plan=plan).count() == 1
    response = client.post(reverse("inspections:plan_redraw", args=[plan.pk]), {"reason": "人员变动"})
    assert response.status_code == 302 and Draw.objects.filter(plan=plan).count() == 2
    html = client.get(reverse("inspections:plan", args=[plan.pk])).content.decode()
    assert "人员变动" in html and 'data-current="0"' in html


def test_a_redraw_after_the_inspection_started_says_why_on_the_page(client, plan):
    lead = plan.created_by
    draw = services.draw_plan(plan=plan, by=lead)
    Inspection.objects.filter(draw=draw).update(inspected_on=timezone.localdate())
    client.force_login(lead)
    response = client.post(reverse("inspections:plan_redraw", args=[plan.pk]), {"reason": "重新抽取"})
    assert response.status_code == 200
    assert draw.inspections.first().institution.name in response.content.decode()
    assert Draw.objects.filter(plan=plan).count() == 1


def test_access_to_the_plan_pages(client, plan, roster, family, street_officer, make_institution):
    # A family: 403 everywhere.
    client.force_login(family)
    assert client.get(reverse("inspections:plans")).status_code == 403
    assert client.post(reverse("inspections:plan_draw", args=[plan.pk])).status_code == 403
    # An officer of a department that does not take part: the plan does not exist for them.
    other = roster[2].user
    client.force_login(other)
    assert client.get(reverse("inspections:plan", args=[plan.pk])).status_code == 404
    assert client.post(reverse("inspections:plan_draw", args=[plan.pk])).status_code == 404
    # Taking part but not leading: reads, cannot draw.
    plan.departments.add(roster[2].department)
    assert client.get(reverse("inspections:plan", args=[plan.pk])).status_code == 200
    assert client.post(reverse("inspections:plan_draw", args=[plan.pk])).status_code == 403
    assert not Draw.objects.exists()
    # The street officer reads the plans with inspections in their street, and writes nothing.
    services.draw_plan(plan=plan, by=plan.created_by)
    client.force_login(street_officer)
    assert client.get(reverse("inspections:plans")).status_code == 200
    assert client.get(reverse("inspections:plan", args=[plan.pk])).status_code == 200
    assert client.get(reverse("inspections:plan_new")).status_code == 403
    assert client.post(reverse("inspections:plan_redraw", args=[plan.pk]), {"reason": "x"}).status_code == 403
    assert client.get(reverse("inspections:link_new")).status_code == 403
    assert Draw.objects.count() == 1


def test_the_plan_list_takes_a_fixed_number_of_queries(
    client, reviewer, roster, checklist_items, make_institution
):
    institution = make_institution()
    scjg = roster[0].department

    def add_plans(n):
        for i in range(n):
            plan = InspectionPlan.objects.create(
                title=f"计划{i}",
                lead_department=scjg,
                period_start=timezone.localdate(),
                period_end=timezone.localdate() + timedelta(days=10),
                domains=["fire"],
                sample_size=1,
                created_by=reviewer,
            )
            plan.departments.set([scjg, roster[2].department])
            plan.institutions.set([institution])

    client.force_login(reviewer)
    url = reverse("inspections:plans")
    client.get(url)  # warm-up: the session's staff checks
    add_plans(2)
    with CaptureQueriesContext(connection) as two:
        assert client.get(url).status_code == 200
    add_plans(8)
    with CaptureQueriesContext(connection) as ten:
        html = client.get(url).content.decode()
    assert html.count("data-plan=") == 10
    assert len(ten) == len(two)


def test_a_drawn_plan_closes_once_its_inspections_are_closed_or_cancelled(plan):
    from tuoyu.core.statemachine import transition
    from tuoyu.inspections.workflow import INSPECTION_WORKFLOW

    lead = plan.created_by
    draw = services.draw_plan(plan=plan, by=lead)
    first, second = draw.inspections.order_by("pk")
    transition(INSPECTION_WORKFLOW, first, InspectionStatus.CLOSED, by=lead)
    with pytest.raises(ValidationError):
        services.plan_close(plan=plan, by=lead)
    transition(INSPECTION_WORKFLOW, second, InspectionStatus.CANCELLED, by=lead)
    assert services.plan_close(plan=plan, by=lead).status == PlanStatus.CLOSED


def test_a_plan_is_cancelled_and_closed_on_its_page(client, plan):
    lead = plan.created_by
    services.draw_plan(plan=plan, by=lead)
    client.force_login(lead)
    html = client.get(reverse("inspections:plan", args=[plan.pk])).content.decode()
    assert 'id="plan-close"' in html and 'id="plan-cancel"' in html
    # Closing with inspections still assigned: refused, said on the plan's page.
    response = client.post(reverse("inspections:plan_close", args=[plan.pk]), follow=True)
    assert response.status_code == 200
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAWN
    assert client.post(reverse("inspections:plan_cancel", args=[plan.pk]), {"reason": ""}).status_code == 200
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAWN
    response = client.post(
        reverse("inspections:plan_cancel", args=[plan.pk]), {"reason": "辖区机构调整，计划撤销"}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CANCELLED
    html = client.get(reverse("inspections:plan", args=[plan.pk])).content.decode()
    assert (
        'id="plan-close"' not in html and 'id="plan-cancel"' not in html and "辖区机构调整，计划撤销" in html
    )


def test_the_admin_shows_every_supervision_table_and_edits_only_the_district_data(client, sys_admin):
    from django.contrib import admin

    from tuoyu.inspections import models

    client.force_login(sys_admin)
    editable = {models.ChecklistItem, models.Inspector, models.InspectorLink}
    registered = {m for m in admin.site._registry if m._meta.app_label == "inspections"}
    expected = {
        m
        for m in vars(models).values()
        if isinstance(m, type)
        and issubclass(m, models.models.Model)
        and m._meta.app_label == "inspections"
        and not m._meta.abstract
    }
    events = {models.PlanEvent, models.InspectionEvent, models.FindingEvent}
    # Events are shown on their plan, inspection or finding, as read-only inlines.
    inlines = {inline.model for m in registered for inline in admin.site._registry[m].inlines}
    assert registered == expected - events and events <= inlines
    for model in registered:
        url = reverse(f"admin:inspections_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
        add = client.get(reverse(f"admin:inspections_{model._meta.model_name}_add"))
        assert (add.status_code == 200) == (model in editable), model
