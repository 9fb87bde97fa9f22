import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tuoyu.feedback.models import Complaint, ComplaintStatus, EventKind, RoutingRule


def test_load_routing_fills_the_table_and_if_empty_keeps_what_the_admin_changed(kaizhou):
    out = StringIO()
    call_command("load_routing", stdout=out)
    assert RoutingRule.objects.count() == 8
    RoutingRule.objects.filter(category="food").update(answer_days=7)
    call_command("load_routing", "--if-empty", stdout=out)
    assert RoutingRule.objects.get(category="food").answer_days == 7
    call_command("load_routing", stdout=out)  # an explicit load is the file's table again
    assert RoutingRule.objects.get(category="food").answer_days == 15


def test_load_routing_with_an_unknown_department_says_so_and_changes_nothing(kaizhou, tmp_path):
    bad = tmp_path / "routing.json"
    bad.write_text(json.dumps({"rules": [{"category": "food", "department": "NO-SUCH"}]}), encoding="utf-8")
    with pytest.raises(CommandError, match="NO-SUCH"):
        call_command("load_routing", str(bad), stdout=StringIO())
    assert RoutingRule.objects.count() == 0


def test_the_daily_run_escalates_an_overdue_case_once_and_closes_an_unrated_answer(
    file_complaint, food_officer, hc_lead
):
    from tuoyu.feedback.services import complaint_answer

    overdue = file_complaint().complaint
    Complaint.objects.filter(pk=overdue.pk).update(
        acknowledge_due_on=timezone.localdate() - timedelta(days=10),
        answer_due_on=timezone.localdate() - timedelta(days=3),
    )
    unrated = complaint_answer(
        complaint=file_complaint().complaint, by=food_officer, finding="partly", answer="已整改"
    )
    Complaint.objects.filter(pk=unrated.pk).update(answered_at=timezone.now() - timedelta(days=16))
    out = StringIO()
    call_command("complaint_deadlines", stdout=out)
    assert "1 escalated, 1 closed" in out.getvalue()
    call_command("complaint_deadlines", stdout=out)  # a second run the same day changes nothing
    assert out.getvalue().endswith("0 escalated, 0 closed unrated\n")
    assert overdue.events.filter(kind=EventKind.ESCALATED, public=True).count() == 1
    assert Complaint.objects.get(pk=unrated.pk).status == ComplaintStatus.CLOSED


def test_the_daily_purge_forgets_failed_look_ups_older_than_a_day(routing):
    from tuoyu.feedback.models import LookupAttempt

    old = LookupAttempt.objects.create(client_hash="a")
    LookupAttempt.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=2))
    recent = LookupAttempt.objects.create(client_hash="b")
    out = StringIO()
    call_command("purge_retention", stdout=out)
    assert "failed 马上查 look-ups: 1" in out.getvalue()
    assert list(LookupAttempt.objects.values_list("pk", flat=True)) == [recent.pk]
