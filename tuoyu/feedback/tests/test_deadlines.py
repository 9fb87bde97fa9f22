"""Routing by category (tuoyu/feedback/data/kaizhou_routing.json) and the working-day deadlines it sets:
the official holidays push the dates past National Day and Spring Festival 2026."""

import json
from datetime import date, datetime
from unittest import mock

import pytest

from tuoyu.accounts.models import User
from tuoyu.core.models import OutboxMessage
from tuoyu.core.workdays import SHANGHAI, add_workdays
from tuoyu.feedback import services
from tuoyu.feedback.models import Complaint, ComplaintStatus, EventKind, RoutingRule
from tuoyu.regions.models import Department

RULES = json.loads(services.ROUTING_FILE.read_text(encoding="utf-8"))["rules"]


def received_on(complaint: Complaint) -> date:
    from django.utils import timezone

    return timezone.localdate(complaint.received_at, timezone=SHANGHAI)


def co_codes(complaint: Complaint) -> set[str]:
    return set(complaint.co_departments.values_list("code", flat=True))


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule["category"])
def test_each_category_goes_where_the_routing_file_says_with_its_deadlines(file_complaint, rule):
    complaint = file_complaint(category=rule["category"]).complaint
    assert complaint.status == ComplaintStatus.ASSIGNED
    assert complaint.department.code == rule["department"]
    assert co_codes(complaint) == set(rule.get("co_departments", []))
    day = received_on(complaint)
    assert complaint.acknowledge_due_on == add_workdays(day, rule["acknowledge_days"])
    assert complaint.answer_due_on == add_workdays(day, rule["answer_days"])
    assigned = complaint.events.get(kind=EventKind.ASSIGNED)
    assert assigned.public and assigned.department.code == rule["department"]


def test_food_goes_to_market_supervision(file_complaint):
    complaint = file_complaint(category="food").complaint
    assert complaint.department.code == "KZ-SCJG" and co_codes(complaint) == set()


def test_fees_go_to_market_supervision_with_development_and_reform_co_handling(file_complaint):
    complaint = file_complaint(category="fees").complaint
    assert complaint.department.code == "KZ-SCJG" and co_codes(complaint) == {"KZ-FGW"}


def test_a_safety_hazard_goes_to_housing_and_construction(file_complaint):
    assert file_complaint(category="safety").complaint.department.code == "KZ-ZJW"


def test_unlicensed_childcare_goes_to_the_health_commission_and_the_streets_officers_are_told(
    file_complaint, hanfeng, django_capture_on_commit_callbacks
):
    from tuoyu.regions.selectors import grassroots_units

    here = User.objects.create_user(
        username="hanfeng-officer",
        password="x-long-password",
        role="street_officer",
        unit=hanfeng,
        phone="13600000001",
    )
    there = User.objects.create_user(
        username="other-officer",
        password="x-long-password",
        role="street_officer",
        unit=grassroots_units().exclude(pk=hanfeng.pk).first(),
        phone="13600000002",
    )
    with django_capture_on_commit_callbacks(execute=True):
        complaint = file_complaint(
            category="unlicensed",
            institution=None,
            place_name="某小区家庭托儿点",
            address="汉丰街道某小区3栋",
            lat=hanfeng.center_lat,
            lng=hanfeng.center_lng,
        ).complaint
    assert complaint.unit == hanfeng
    assert complaint.department.code == "KZ-WJW"
    assert OutboxMessage.objects.filter(
        recipient=here.phone, body__contains=complaint.tracking_number
    ).exists()
    assert not OutboxMessage.objects.filter(recipient=there.phone).exists()


def test_a_category_without_a_rule_falls_back_to_the_health_commission(file_complaint):
    RoutingRule.objects.filter(category="advertising").delete()
    complaint = file_complaint(category="advertising").complaint
    assert complaint.department.is_health_commission and complaint.department.code == "KZ-WJW"
    assert co_codes(complaint) == set()
    day = received_on(complaint)
    assert (complaint.acknowledge_due_on, complaint.answer_due_on) == (
        add_workdays(day, 1),
        add_workdays(day, 15),
    )


@pytest.mark.parametrize(
    ("received", "acknowledge_by", "answer_by"),
    [
        # Wed 30 Sep 2026, the last working day before National Day (1–7 Oct): Thu 8 Oct is the first back;
        # Sat 10 Oct is an adjusted working day.
        (date(2026, 9, 30), date(2026, 10, 8), date(2026, 10, 27)),
        # Sat 14 Feb 2026, an adjusted working day and the last before Spring Festival (15–23 Feb).
        (date(2026, 2, 14), date(2026, 2, 24), date(2026, 3, 13)),
    ],
    ids=["national-day", "spring-festival"],
)
def test_a_report_received_before_a_holiday_is_due_after_it(
    file_complaint, received, acknowledge_by, answer_by
):
    moment = datetime(received.year, received.month, received.day, 16, 30, tzinfo=SHANGHAI)
    # The whole filing runs "on" that afternoon: receipt time, tracking number and deadlines alike.
    with mock.patch("django.utils.timezone.now", return_value=moment):
        complaint = file_complaint(category="food").complaint
    complaint = Complaint.objects.get(pk=complaint.pk)
    assert received_on(complaint) == received
    assert complaint.tracking_number.startswith(f"TS{received:%Y%m%d}-")
    assert complaint.acknowledge_due_on == acknowledge_by == add_workdays(received, 1)
    assert complaint.answer_due_on == answer_by == add_workdays(received, 15)


def test_an_escalation_counts_from_the_holiday_adjusted_date(file_complaint):
    moment = datetime(2026, 9, 30, 16, 30, tzinfo=SHANGHAI)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        complaint = file_complaint(category="food").complaint
    # Not overdue during the holiday, overdue the day after the first working day back.
    assert services.complaints_escalate_overdue(on=date(2026, 10, 7)) == 0
    assert services.complaints_escalate_overdue(on=date(2026, 10, 8)) == 0
    assert services.complaints_escalate_overdue(on=date(2026, 10, 9)) == 1
    assert Complaint.objects.get(pk=complaint.pk).escalated_at is not None


def test_loading_routing_with_an_unknown_department_raises_and_changes_nothing(routing):
    before = {
        rule.category: (rule.department.code, sorted(rule.co_departments.values_list("code", flat=True)))
        for rule in RoutingRule.objects.select_related("department")
    }
    rules = [
        {"category": "food", "department": "KZ-WJW", "acknowledge_days": 2, "answer_days": 10},
        {"category": "fees", "department": "KZ-NOWHERE", "co_departments": ["KZ-FGW"]},
    ]
    with pytest.raises(ValueError, match="KZ-NOWHERE"):
        services.routing_load(rules=rules)
    after = {
        rule.category: (rule.department.code, sorted(rule.co_departments.values_list("code", flat=True)))
        for rule in RoutingRule.objects.select_related("department")
    }
    assert after == before
    food = RoutingRule.objects.get(category="food")
    assert (food.department.code, food.acknowledge_days, food.answer_days) == ("KZ-SCJG", 1, 15)


def test_loading_routing_with_an_unknown_category_raises_and_changes_nothing(routing):
    count = RoutingRule.objects.count()
    with pytest.raises(ValueError, match="category"):
        services.routing_load(
            rules=[
                {"category": "food", "department": "KZ-WJW"},
                {"category": "noise", "department": "KZ-WJW"},
            ]
        )
    assert RoutingRule.objects.count() == count
    assert RoutingRule.objects.get(category="food").department == Department.objects.get(code="KZ-SCJG")
