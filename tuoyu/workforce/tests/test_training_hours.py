"""Each person's yearly training hours against the district's requirement: only attended hours of held
(closed) courses in the calendar year count; the requirement is the newest row in effect, a row for the
post winning over the all-posts row of the same year. One query for any number of people."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuoyu.workforce.models import CourseEnrolment, CourseStatus, TrainingRequirement
from tuoyu.workforce.selectors.training import hours_by_staff, requirement_for, requirements_for

from .test_training_services import make_course, manager  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def attend(operator):
    def make(course, staff, *, attended=True, hours=None):
        return CourseEnrolment.objects.create(
            course=course,
            staff=staff,
            enrolled_by=operator,
            attended=attended,
            hours=course.hours if hours is None and attended else (hours or Decimal("0")),
        )

    return make


def _course(make_course, on: date, *, hours="8", status=CourseStatus.CLOSED):  # noqa: F811
    return make_course(status=status, starts_on=on, ends_on=on, hours=Decimal(hours))


def test_only_attended_hours_of_closed_courses_in_the_year_count(
    make_course,  # noqa: F811
    make_staff,
    staffed_institution,
    attend,
):
    carer, cook, newcomer = (make_staff(staffed_institution, post=p) for p in ("carer", "cook", "carer"))
    attend(_course(make_course, date(2025, 3, 1)), carer)  # 8
    attend(_course(make_course, date(2025, 12, 31), hours="16"), carer, hours=Decimal("12.5"))  # part
    attend(_course(make_course, date(2024, 12, 31), hours="40"), carer)  # the previous year
    attend(_course(make_course, date(2025, 6, 1), hours="20"), carer, attended=False)  # absent
    attend(_course(make_course, date(2025, 6, 2), status=CourseStatus.OPEN), carer)  # not closed yet
    attend(_course(make_course, date(2025, 6, 3), status=CourseStatus.CANCELLED), carer)
    attend(_course(make_course, date(2025, 1, 1), hours="4"), cook)
    with CaptureQueriesContext(connection) as queries:
        hours = hours_by_staff([carer.pk, cook.pk, newcomer.pk], 2025)
    assert len(queries) == 1
    assert hours == {carer.pk: Decimal("20.5"), cook.pk: Decimal("4")}
    assert hours.get(newcomer.pk, 0) == 0
    assert hours_by_staff([carer.pk], 2024) == {carer.pk: Decimal("40")}


def test_the_requirement_is_the_newest_in_effect_and_a_post_wins_in_its_year(workforce_rules):
    # The fixture's: 40 hours for everyone from 2020.
    TrainingRequirement.objects.create(effective_year=2024, post="carer", hours=Decimal("72"))
    TrainingRequirement.objects.create(effective_year=2024, hours=Decimal("48"))
    TrainingRequirement.objects.create(effective_year=2027, hours=Decimal("60"))
    assert requirement_for("carer", 2019) is None
    assert requirement_for("carer", 2023) == Decimal("40")
    assert requirement_for("carer", 2024) == Decimal("72")
    assert requirement_for("cook", 2024) == Decimal("48")
    assert requirement_for("carer", 2026) == Decimal("72")
    assert requirement_for("carer", 2027) == Decimal("60")  # a newer all-posts row
    with CaptureQueriesContext(connection) as queries:
        both = requirements_for(["carer", "cook", "health"], 2025)
    assert len(queries) == 1
    assert both == {"carer": Decimal("72"), "cook": Decimal("48"), "health": Decimal("48")}


def test_the_operator_page_marks_who_is_short_this_year(
    client,
    operator,
    workforce_rules,
    make_course,  # noqa: F811
    make_staff,
    staffed_institution,
    attend,
):
    from django.utils import timezone

    today = timezone.localdate()
    done, short, fresh = (make_staff(staffed_institution) for _ in range(3))
    this_year = _course(make_course, date(today.year, 1, 1), hours="40")
    attend(this_year, done)
    attend(this_year, short, hours=Decimal("39.5"))
    attend(_course(make_course, date(today.year - 1, 6, 1), hours="40"), fresh)  # last year's
    client.force_login(operator)
    response = client.get("/workforce/training/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-staff="{done.pk}" data-hours="40.0" data-short="0"' in html
    assert f'data-staff="{short.pk}" data-hours="39.5" data-short="1"' in html
    assert f'data-staff="{fresh.pk}" data-hours="0.0" data-short="1"' in html
