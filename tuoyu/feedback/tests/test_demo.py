from tuoyu.core.models import OutboxMessage
from tuoyu.feedback.models import Complaint, ComplaintStatus, Review


def test_the_demo_shows_a_case_in_each_stage_and_a_verified_review(
    routing, django_capture_on_commit_callbacks
):
    from tuoyu.bookings.demo import seed_bookings
    from tuoyu.feedback.demo import seed_feedback
    from tuoyu.institutions.demo import seed_district, seed_personas

    seed_district(count=10)
    seed_personas()
    seed_bookings()
    with django_capture_on_commit_callbacks(execute=True):
        rows = seed_feedback()
    assert len(rows) == 4 and all(number.startswith("TS") and len(code) == 8 for _, number, code in rows)
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert {ComplaintStatus.ANSWERED, ComplaintStatus.IN_PROGRESS, ComplaintStatus.ASSIGNED} <= statuses
    assert Complaint.objects.filter(escalated_at__isnull=False).count() == 1
    assert all("示例" in c.description for c in Complaint.objects.all())
    review = Review.objects.get()
    assert review.status == "published" and review.visit.status == "attended"
    assert OutboxMessage.objects.filter(channel="sms", recipient="13800138001").exists()
    assert seed_feedback() == []  # runs once
