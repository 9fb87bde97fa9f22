"""Two reviewers acting at once cannot both decide. Row locks do nothing on SQLite, so this runs on
PostgreSQL (CI runs the suite there); it uses real transactions in real threads."""

import pytest
from django.db import connection

from tuoyu.core.testing import race
from tuoyu.filings import services
from tuoyu.filings.models import FilingEvent, FilingNumberSequence, FilingStatus

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL; .ci/run runs this there"
    ),
]


def test_two_reviewers_approving_at_once_file_it_once(submitted, reviewer, django_user_model):
    second = django_user_model.objects.create_user(username="reviewer2", password="x", role="hc_reviewer")
    _user, filing = submitted()
    outcomes = race(
        [
            lambda: services.filing_approve(filing=filing, by=reviewer),
            lambda: services.filing_approve(filing=filing, by=second),
        ]
    )
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
    filing.refresh_from_db()
    assert filing.status == FilingStatus.APPROVED
    assert FilingEvent.objects.filter(filing=filing, to_status=FilingStatus.APPROVED).count() == 1
    assert FilingNumberSequence.objects.get().last == 1


def test_an_approval_and_a_return_at_once_leave_exactly_one_decision(submitted, reviewer, django_user_model):
    second = django_user_model.objects.create_user(username="reviewer2", password="x", role="hc_reviewer")
    _user, filing = submitted()
    outcomes = race(
        [
            lambda: services.filing_approve(filing=filing, by=reviewer),
            lambda: services.filing_return(filing=filing, by=second, comments={"fire": "请补充"}),
        ]
    )
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
    filing.refresh_from_db()
    decisions = FilingEvent.objects.filter(filing=filing).exclude(to_status=FilingStatus.SUBMITTED)
    assert decisions.count() == 1 and decisions.get().to_status == filing.status


def test_filing_numbers_never_repeat_under_concurrent_approvals(submitted, reviewer):
    filings = [submitted(name=f"并发托育园{i}")[1] for i in range(6)]
    outcomes = race([lambda f=f: services.filing_approve(filing=f, by=reviewer) for f in filings])
    assert all(kind == "ok" for kind, _ in outcomes)
    numbers = [result.filing_number for _, result in outcomes]
    assert len(set(numbers)) == 6
