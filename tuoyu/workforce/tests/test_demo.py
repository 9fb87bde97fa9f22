"""The workforce demo (seed_workforce_demo): on the register's demo district and personas, made through the
services, every case the rules know present at the demo operator's institution, synthetic names and
numbers, and a second run changes nothing."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tuoyu.core.crypto import blind_index
from tuoyu.core.models import OutboxMessage
from tuoyu.workforce.demo import (
    COURSE_HELD,
    COURSE_OPEN,
    EXPERTS,
    GUIDANCE_EXPERT,
    GUIDANCE_LOGIN,
    TWICE,
    WF_OPERATOR_LOGIN,
    demo_id_number,
)
from tuoyu.workforce.models import (
    Certificate,
    Course,
    CourseEnrolment,
    CourseStatus,
    Expert,
    StaffingStandard,
    StaffMember,
)
from tuoyu.workforce.selectors.compliance import staffing_of


@pytest.fixture
def demo_district(kaizhou):
    from tuoyu.institutions.demo import seed_district, seed_personas

    seed_district(count=12)
    seed_personas()


def _counts() -> tuple:
    return (
        StaffMember.objects.count(),
        Certificate.objects.count(),
        Course.objects.count(),
        CourseEnrolment.objects.count(),
        Expert.objects.count(),
        OutboxMessage.objects.count(),
        StaffingStandard.objects.count(),
    )


def test_the_seed_runs_twice_and_the_second_run_changes_nothing(demo_district):
    out = StringIO()
    call_command("seed_workforce_demo", stdout=out)
    counts = _counts()
    again = StringIO()
    call_command("seed_workforce_demo", stdout=again)
    assert _counts() == counts
    staff, certificates, courses, enrolments, experts, _outbox, standards = counts
    assert staff >= 20 and certificates >= staff - 2
    assert (courses, enrolments, experts, standards) == (2, 8, len(EXPERTS), 1)
    for login in (WF_OPERATOR_LOGIN, GUIDANCE_LOGIN):
        assert login in out.getvalue() and login in again.getvalue()
    assert "示例" in out.getvalue()


def test_the_operator_s_institution_shows_every_case(demo_district):
    from tuoyu.institutions.models import InstitutionMembership

    call_command("seed_workforce_demo", stdout=StringIO())
    first = InstitutionMembership.objects.filter(user__username="operator").get().institution
    second_rows = StaffMember.objects.exclude(institution=first).values_list("institution", flat=True)
    staffing = staffing_of([first.pk, *set(second_rows)], on=timezone.localdate())
    mine = staffing[first.pk]

    # One class short of carers, the others met.
    assert [c.met for c in mine.classes].count(False) == 1
    assert mine.all_classes_met is False
    kinds = {(f.kind, f.name) for f in mine.flags}
    hire = StaffMember.objects.get(institution=first, started_on__gt=timezone.localdate() - timedelta(days=7))
    assert ("not_certified", hire.name) in kinds and ("no_class", hire.name) in kinds
    # The person at two institutions: flagged at both, counted at the second, where they started first.
    twice = StaffMember.objects.filter(id_number_index=blind_index(demo_id_number(TWICE)))
    assert twice.count() == 2
    for row in twice:
        assert ("dual_employment", row.name) in {(f.kind, f.name) for f in staffing[row.institution_id].flags}
    # A certificate and a health check expiring within 30 days, and one expired (no longer counted).
    assert len(mine.expiring) >= 3
    assert any(e.certificate_id is None for e in mine.expiring)
    assert (
        Certificate.objects.filter(staff__institution=first, expires_on__lt=timezone.localdate()).count() == 1
    )
    assert mine.certified < mine.certifiable and mine.certified_rate is not None
    for other in set(second_rows):
        assert staffing[other].all_classes_met is True


def test_courses_and_the_pool(demo_district):
    call_command("seed_workforce_demo", stdout=StringIO())
    held = Course.objects.get(title=COURSE_HELD)
    assert held.status == CourseStatus.CLOSED and held.starts_on <= timezone.localdate()
    attended = held.enrolments.filter(attended=True)
    assert attended.count() == 5 and held.enrolments.filter(attended=False).count() == 1
    assert Course.objects.get(title=COURSE_OPEN).status == CourseStatus.OPEN
    expert = Expert.objects.get(code=GUIDANCE_EXPERT)
    assert expert.user.username == GUIDANCE_LOGIN
    assert Expert.objects.filter(employer__isnull=False).count() == 1
    names = [
        *StaffMember.objects.values_list("name", flat=True),
        *Expert.objects.values_list("name", flat=True),
    ]
    assert all(name.startswith("示例") for name in names)
    assert all(s.institution.is_demo for s in StaffMember.objects.select_related("institution"))


def test_without_the_register_demo_it_says_what_to_run(kaizhou):
    out = StringIO()
    call_command("seed_workforce_demo", stdout=out)
    assert "seed_demo" in out.getvalue()
    assert not StaffMember.objects.exists()
