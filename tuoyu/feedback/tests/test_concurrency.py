"""Tracking numbers, double submits and two handlers at once. Row locks do nothing on SQLite, so this
runs on PostgreSQL (CI runs the suite there) with real transactions in real threads."""

import pytest
from django.db import connection

from tuoyu.core.testing import race
from tuoyu.feedback.models import Complaint, ComplaintStatus, EventKind
from tuoyu.feedback.services import complaint_answer, complaint_file

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL; .ci/run runs this there"
    ),
]


def _report(institution, **extra):
    return lambda: complaint_file(
        category="food", description="饭菜是凉的。", institution=institution, **extra
    )


def test_twenty_reports_filed_at_once_get_twenty_consecutive_tracking_numbers(routing, make_institution):
    institution = make_institution()
    outcomes = race([_report(institution) for _ in range(20)])
    assert [kind for kind, _ in outcomes] == ["ok"] * 20, outcomes
    numbers = sorted(Complaint.objects.values_list("tracking_number", flat=True))
    assert len(set(numbers)) == 20
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == list(range(1, 21))


def test_a_form_sent_ten_times_at_once_files_one_report_and_shows_everyone_its_code(
    routing, make_institution
):
    institution = make_institution()
    outcomes = race([_report(institution, idempotency_key="same-form") for _ in range(10)])
    assert [kind for kind, _ in outcomes] == ["ok"] * 10, outcomes
    complaint = Complaint.objects.get()
    assert {filed.complaint.pk for _, filed in outcomes} == {complaint.pk}
    assert {filed.query_code for _, filed in outcomes} == {complaint.query_code}
    assert sum(filed.created for _, filed in outcomes) == 1


def test_two_handlers_answering_at_once_give_one_answer(file_complaint, food_officer, reviewer):
    complaint = file_complaint().complaint
    outcomes = race(
        [
            lambda: complaint_answer(
                complaint=complaint, by=food_officer, finding="partly", answer="甲的答复"
            ),
            lambda: complaint_answer(
                complaint=complaint, by=reviewer, finding="substantiated", answer="乙的答复"
            ),
        ]
    )
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"], outcomes
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ANSWERED
    assert complaint.events.filter(kind=EventKind.ANSWERED).count() == 1
    winner = next(value for kind, value in outcomes if kind == "ok")
    assert complaint.answer == winner.answer
