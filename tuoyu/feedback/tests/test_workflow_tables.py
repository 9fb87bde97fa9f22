"""The transition matrices of feedback's two tables, pair by pair: every change the table allows is made
and writes one event row; every other is refused with the code "transition" and writes nothing.
(test_workflow.py walks the complaint pairs through the services that lead to each status.)"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tuoyu.bookings.models import Visit, VisitSlot, VisitStatus
from tuoyu.core.statemachine import REFUSED_CODE, transition
from tuoyu.feedback import reviews
from tuoyu.feedback.models import Complaint, ComplaintStatus, EventKind, Review, ReviewEvent, ReviewStatus
from tuoyu.feedback.workflow import WORKFLOW_COMPLAINT, WORKFLOW_REVIEW

pytestmark = pytest.mark.django_db
S, R = ComplaintStatus, ReviewStatus


@pytest.mark.parametrize(
    ("from_status", "to_status"), [(a, b) for a in S.values for b in S.values], ids=lambda s: s
)
def test_complaint_matrix(file_complaint, hc_lead, from_status, to_status):
    complaint = file_complaint().complaint
    other = file_complaint().complaint
    # The row is put in the starting status directly: the matrix is about the table, not the services.
    Complaint.objects.filter(pk=complaint.pk).update(
        status=from_status, merged_into=other if from_status == S.MERGED else None
    )
    complaint.refresh_from_db()
    events = complaint.events.count()
    changes = {"merged_into": other} if to_status == S.MERGED else {}
    event = {"kind": EventKind.NOTE, "public": False}
    if WORKFLOW_COMPLAINT.can(from_status, to_status):
        moved = transition(WORKFLOW_COMPLAINT, complaint, to_status, by=hc_lead, changes=changes, event=event)
        assert Complaint.objects.get(pk=complaint.pk).status == to_status
        assert complaint.events.count() == events + 1
        assert (moved._last_event.from_status, moved._last_event.to_status) == (from_status, to_status)
    else:
        with pytest.raises(ValidationError) as refused:
            transition(WORKFLOW_COMPLAINT, complaint, to_status, by=hc_lead, changes=changes, event=event)
        assert refused.value.code == REFUSED_CODE
        assert Complaint.objects.get(pk=complaint.pk).status == from_status
        assert complaint.events.count() == events


@pytest.fixture
def a_review(make_institution, family):
    institution = make_institution()
    start = timezone.now() - timedelta(days=3)
    slot = VisitSlot.objects.create(
        institution=institution, starts_at=start, ends_at=start + timedelta(hours=1)
    )
    visit = Visit.objects.create(
        slot=slot, family=family, status=VisitStatus.ATTENDED, idempotency_key="matrix"
    )
    return Review.objects.create(institution=institution, family=family, visit=visit, overall=4, text="很好")


@pytest.mark.parametrize(
    ("from_status", "to_status"), [(a, b) for a in R.values for b in R.values], ids=lambda s: s
)
def test_review_matrix(a_review, reviewer, from_status, to_status):
    Review.objects.filter(pk=a_review.pk).update(status=from_status)
    a_review.refresh_from_db()
    if WORKFLOW_REVIEW.can(from_status, to_status):
        # Every allowed change is a moderation decision, made through the service.
        moved = reviews.review_moderate(
            review=a_review, by=reviewer, publish=to_status == R.PUBLISHED, note="理由"
        )
        assert moved.status == to_status and moved.moderated_by == reviewer
        event = ReviewEvent.objects.get(review=a_review)
        assert (event.from_status, event.to_status, event.by, event.note) == (
            from_status,
            to_status,
            reviewer,
            "理由",
        )
    else:
        with pytest.raises(ValidationError) as refused:
            transition(WORKFLOW_REVIEW, a_review, to_status, by=reviewer)
        assert refused.value.code == REFUSED_CODE
        if to_status != R.HELD:
            # The service refuses it too (deciding what is already decided), and writes nothing either.
            with pytest.raises(ValidationError):
                reviews.review_moderate(review=a_review, by=reviewer, publish=to_status == R.PUBLISHED)
        assert Review.objects.get(pk=a_review.pk).status == from_status
        assert not ReviewEvent.objects.filter(review=a_review).exists()


def test_each_moderation_is_kept_in_the_history(a_review, reviewer, client):
    reviews.review_moderate(review=a_review, by=reviewer, publish=False, note="含有个人信息")
    reviews.review_moderate(review=a_review, by=reviewer, publish=True, note="已核实")
    history = list(
        ReviewEvent.objects.filter(review=a_review).values_list("from_status", "to_status", "note")
    )
    assert history == [(R.PUBLISHED, R.REJECTED, "含有个人信息"), (R.REJECTED, R.PUBLISHED, "已核实")]
    client.force_login(reviewer)
    page = client.get(reverse("feedback:moderation")).content.decode()
    assert "含有个人信息" in page and "已核实" in page
