"""Escalation of overdue rectification (`manage.py inspection_deadlines`): once, only after the working-day
deadline, with the SMS rows written for the lead department, the commission's administrators and the
street officer of the unit. Dates are passed in; nothing sleeps."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from tuoyu.core.models import OutboxMessage
from tuoyu.core.workdays import add_workdays
from tuoyu.inspections import services
from tuoyu.inspections.models import Finding, FindingStatus

from ._rectify import *  # noqa: F403 (the fixtures)
from ._rectify import make_pdf

pytestmark = pytest.mark.django_db
F = FindingStatus

# 2026-11-27 is a Friday: 10 working days from it fall on 2026-12-11 (no holiday in between).
FOUND = date(2026, 11, 27)
DEADLINE = date(2026, 12, 11)


@pytest.fixture
def told(hc_admin, street_officer, roster):
    """Phones for those the escalation tells: the lead department's officers (the 市场监管 roster),
    the commission's administrator, the street officer of 汉丰街道."""
    for person in (street_officer, roster[0].user, roster[1].user):
        person.phone = f"1370000{person.pk:04d}"  # apart from the fixtures' 1390000…
        person.save(update_fields=["phone"])
    return {hc_admin.phone, street_officer.phone, roster[0].user.phone, roster[1].user.phone}


def test_deadline_is_in_working_days():
    assert add_workdays(FOUND, 10) == DEADLINE


def test_escalation_once_and_only_after_the_deadline(make_finding, told):
    finding = make_finding(deadline=DEADLINE)
    assert services.escalate_overdue(today=DEADLINE) == 0  # due today: not late yet
    assert Finding.objects.get(pk=finding.pk).status == F.OPEN
    assert not OutboxMessage.objects.exists()

    assert services.escalate_overdue(today=date(2026, 12, 12)) == 1
    finding.refresh_from_db()
    assert finding.status == F.OVERDUE and finding.escalated_at is not None
    event = finding.events.get()
    assert (event.to_status, event.by) == (F.OVERDUE, None) and event.note
    sms = OutboxMessage.objects.filter(channel=OutboxMessage.Channel.SMS)
    assert set(sms.values_list("recipient", flat=True)) == told
    assert all("疏散通道" in body for body in sms.values_list("body", flat=True))

    messages = OutboxMessage.objects.count()
    assert services.escalate_overdue(today=date(2026, 12, 14)) == 0  # a second run changes nothing
    assert OutboxMessage.objects.count() == messages
    assert finding.events.count() == 1


def test_evidence_in_time_is_not_escalated(make_finding, member, told):
    finding = make_finding(deadline=DEADLINE)
    services.evidence_submit(finding=finding, by=member, note="已整改", upload=make_pdf())
    assert services.escalate_overdue(today=date(2026, 12, 20)) == 0
    assert Finding.objects.get(pk=finding.pk).status == F.SUBMITTED


def test_street_officer_of_another_unit_is_not_told(make_finding, hc_admin, kaizhou):
    from tuoyu.accounts.models import User
    from tuoyu.regions.models import Unit

    other_unit = Unit.objects.filter(level__in=["street", "town"]).exclude(name="汉丰街道").first()
    elsewhere = User.objects.create_user(
        username="street-elsewhere", password="x", role="street_officer", unit=other_unit, phone="13911112222"
    )
    make_finding(deadline=DEADLINE)
    services.escalate_overdue(today=date(2026, 12, 12))
    recipients = set(OutboxMessage.objects.values_list("recipient", flat=True))
    assert hc_admin.phone in recipients and elsewhere.phone not in recipients


def test_the_command_runs_it(make_finding, hc_admin):
    make_finding(deadline=date(2020, 1, 2))
    out = StringIO()
    call_command("inspection_deadlines", stdout=out)
    assert out.getvalue().startswith("1 ")
    call_command("inspection_deadlines", stdout=out)
    assert "0 findings" in out.getvalue()
