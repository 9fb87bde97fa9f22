"""The feedback count sources: complaints received and closed over a period, in the unit and the units
below it, a merged duplicate counted once (as the public statistics count it)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tuoyu.core.counts import Period, count
from tuoyu.feedback.models import Complaint
from tuoyu.feedback.services import complaint_answer, complaint_merge, complaint_rate
from tuoyu.regions.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(make_institution, hanfeng):
    return {
        "hanfeng": make_institution(unit=hanfeng),
        "baihe": make_institution(unit=Unit.objects.get(name="白鹤街道")),
    }


def _this_year() -> Period:
    today = timezone.localdate()
    return Period(date(today.year, 1, 1), today)


def test_complaints_received_in_the_unit_over_the_period(file_complaint, places, hc_lead, hanfeng):
    first = file_complaint(institution=places["hanfeng"]).complaint
    second = file_complaint(institution=places["hanfeng"]).complaint
    file_complaint(institution=places["baihe"])
    # A year ago: outside this year's period.
    old = file_complaint(institution=places["hanfeng"]).complaint
    Complaint.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=400))
    # A duplicate merged into the first is counted through it.
    complaint_merge(complaint=second, into=first, by=hc_lead)

    period = _this_year()
    assert count("feedback.complaints_received", unit=hanfeng, period=period) == 1
    assert count("feedback.complaints_received", unit=None, period=period) == 2
    assert count("feedback.complaints_received", unit=Unit.objects.get(name="白鹤街道"), period=period) == 1
    last_year = Period(period.start - timedelta(days=500), period.start - timedelta(days=1))
    assert count("feedback.complaints_received", unit=hanfeng, period=last_year) == 1


def test_complaints_closed_in_the_unit_over_the_period(file_complaint, places, hc_lead, hanfeng):
    closed = file_complaint(institution=places["hanfeng"]).complaint
    answered = file_complaint(institution=places["hanfeng"]).complaint
    elsewhere = file_complaint(institution=places["baihe"]).complaint
    for complaint in (closed, answered, elsewhere):
        complaint_answer(complaint=complaint, by=hc_lead, finding="substantiated", answer="已处理。")
    complaint_rate(complaint=closed, satisfied=True)
    complaint_rate(complaint=elsewhere, satisfied=True)

    period = _this_year()
    assert count("feedback.complaints_closed", unit=hanfeng, period=period) == 1
    assert count("feedback.complaints_closed", unit=None, period=period) == 2
    # Closed today: not in a period that ended yesterday.
    before = Period(period.start - timedelta(days=30), timezone.localdate() - timedelta(days=1))
    assert count("feedback.complaints_closed", unit=None, period=before) == 0
