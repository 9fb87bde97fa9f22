"""The health demo (seed_health_demo): on the register's and bookings' demos, made through the services,
the users it promises, records with every case the summary counts, an alert, the family's growth chart;
synthetic names; a second run changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.health.demo import CHILD_HEALTH_LOGIN, CHILDREN, FAMILY_CHILD, HEALTH_LOGIN
from tuoyu.health.models import DailyCheck, HealthRecord, Measurement, OutbreakAlert
from tuoyu.health.selectors.summary import summary
from tuoyu.institutions.models import InstitutionMembership


@pytest.fixture
def demo_district(kaizhou):
    from tuoyu.bookings.demo import seed_bookings
    from tuoyu.institutions.demo import seed_district, seed_personas

    seed_district(count=12)
    seed_personas()
    seed_bookings()


def _counts() -> tuple:
    return (
        HealthRecord.objects.count(),
        Measurement.objects.count(),
        DailyCheck.objects.count(),
        OutbreakAlert.objects.count(),
        User.objects.count(),
        HealthRecord.objects.exclude(entry_check_on=None).count(),
        HealthRecord.objects.exclude(vaccination_status="").count(),
    )


@pytest.mark.django_db
def test_the_seed_runs_twice_and_leaves_the_users_the_cases_and_an_alert(demo_district):
    out = StringIO()
    call_command("seed_health_demo", stdout=out)
    counts = _counts()
    again = StringIO()
    call_command("seed_health_demo", stdout=again)
    assert _counts() == counts
    for login in (HEALTH_LOGIN, CHILD_HEALTH_LOGIN):
        assert login in out.getvalue() and login in again.getvalue()
    health = User.objects.get(username=HEALTH_LOGIN)
    assert (
        health.role == "inst_health"
        and User.objects.get(username=CHILD_HEALTH_LOGIN).role == "hc_child_health"
    )
    assert health.check_password("kaizhou-demo-2026")
    institution = InstitutionMembership.objects.get(user=health).institution
    records = HealthRecord.objects.filter(child__name__in=[p.name for p in CHILDREN])
    assert records.count() == len(CHILDREN)
    assert set(records.values_list("institution", flat=True)) == {institution.pk}
    flags = {f for m in Measurement.objects.all() for f in m.flags}
    assert {"underweight", "overweight"} <= flags
    assert OutbreakAlert.objects.filter(symptom="fever").exclude(status="closed").count() == 1
    assert HealthRecord.objects.filter(vaccination_status="missing").count() == 1
    # The summary shows a rate that is neither 0 nor 100 %, a gap, the flags and the alert.
    total = summary(None, on=timezone.localdate()).total
    assert 0 < total.complete < total.enrolled
    assert total.vaccination_gaps == 1 and total.alerts_open == 1
    assert total.flags["underweight"] >= 1 and total.flags["overweight"] >= 1
    # The demo family's child has a record with three measurements (the guardian's growth chart).
    family_record = HealthRecord.objects.get(child__name=FAMILY_CHILD)
    assert family_record.child.family.phone == "13800138000"
    assert family_record.measurements.count() == 3
    assert all(name.startswith("示例") for name in HealthRecord.objects.values_list("child__name", flat=True))


@pytest.mark.django_db
def test_without_the_register_demo_it_says_what_to_run(kaizhou):
    out = StringIO()
    call_command("seed_health_demo", stdout=out)
    assert "seed_demo" in out.getvalue()
    assert not HealthRecord.objects.exists()
