"""Recording a growth measurement: z-scores and flags stored with it; a measurement that cannot be right
is refused with a message on its field and nothing is stored; only the keeping institution's health staff
write."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuoyu.core.workdays import beijing_today
from tuoyu.health import services
from tuoyu.health.charts import growth_section
from tuoyu.health.growth import Flag
from tuoyu.health.models import HealthRecord, Measurement

pytestmark = pytest.mark.django_db


@pytest.fixture
def record_of(enrol):
    """record_of(institution, months=18, sex="M", family=None) -> the child's HealthRecord."""

    def make(institution, *, months=18, sex="M", family=None, class_name="托小一班"):
        enrolment = enrol(institution, class_name, months=months, sex=sex, family=family)
        return HealthRecord.objects.select_related("child").get(child=enrolment.child)

    return make


@pytest.fixture
def record(record_of, health_institution):
    return record_of(health_institution, months=18)


def measure(record, by, *, days=None, on=None, weight="11.0", length="82.0", lying=True, head=None):
    """A measurement at `days` of age (or on `on`, else today)."""
    if on is None:
        on = record.child.birth_date + timedelta(days=days) if days is not None else beijing_today()
    return services.measurement_record(
        record=record,
        by=by,
        measured_on=on,
        weight_kg=Decimal(weight),
        length_cm=Decimal(length),
        lying=lying,
        head_cm=Decimal(head) if head is not None else None,
    )


def refused(call) -> dict:
    """The ValidationError's codes per field, asserting that nothing was stored."""
    before = Measurement.objects.count()
    with pytest.raises(ValidationError) as caught:
        call()
    assert Measurement.objects.count() == before
    return {field: [e.code for e in errors] for field, errors in caught.value.error_dict.items()}


def test_a_boy_of_12_months_at_7_6_kg_is_stored_underweight(record, health_staff):
    measurement = measure(record, health_staff, days=365, weight="7.6", length="75.7", head="46.0")
    measurement.refresh_from_db()
    assert measurement.age_days == 365
    assert measurement.waz < Decimal("-2")
    assert Flag.UNDERWEIGHT in measurement.flags
    assert abs(measurement.laz) < Decimal("0.1")  # 75.7 cm is the median length at 12 months
    assert measurement.wlz is not None and measurement.baz is not None and measurement.hcz is not None
    assert measurement.by == health_staff


def test_a_child_on_the_medians_has_no_flags(record, health_staff):
    measurement = measure(record, health_staff, days=365, weight="9.6", length="75.7")
    assert measurement.flags == []


def test_a_date_before_birth_is_refused(record, health_staff):
    errors = refused(lambda: measure(record, health_staff, on=record.child.birth_date - timedelta(days=1)))
    assert errors == {"measured_on": ["before_birth"]}


def test_a_date_in_the_future_is_refused(record, health_staff):
    errors = refused(lambda: measure(record, health_staff, on=beijing_today() + timedelta(days=1)))
    assert errors == {"measured_on": ["future"]}


def test_a_weight_of_70_kg_is_refused_naming_the_weight(record, health_staff):
    before = Measurement.objects.count()
    with pytest.raises(ValidationError) as caught:
        measure(record, health_staff, days=548, weight="70", length="82.0")
    assert Measurement.objects.count() == before
    errors = caught.value.error_dict
    assert list(errors) == ["weight_kg"]
    assert errors["weight_kg"][0].code == "implausible"
    message = caught.value.message_dict["weight_kg"][0]
    assert "70" in message and "18" in message  # the weight and the age in months, in any language


def test_a_length_the_standard_cannot_describe_is_refused(record, health_staff):
    assert refused(lambda: measure(record, health_staff, days=548, length="250")) == {
        "length_cm": ["implausible"]
    }


def test_a_head_far_beyond_the_who_limits_is_refused(record, health_staff):
    assert refused(lambda: measure(record, health_staff, days=548, head="70.0")) == {
        "head_cm": ["implausible"]
    }


def test_a_weight_impossible_for_the_length_is_refused_on_the_weight(record, health_staff):
    # 18.5 kg at 18 months is heavy (WAZ about +4.3) but possible; at 68 cm long (LAZ about −5) it is not.
    errors = refused(lambda: measure(record, health_staff, days=548, weight="18.5", length="68.0"))
    assert errors == {"weight_kg": ["implausible"]}


def test_zero_or_missing_values_are_refused(record, health_staff):
    errors = refused(
        lambda: services.measurement_record(
            record=record,
            by=health_staff,
            measured_on=beijing_today(),
            weight_kg=Decimal("0"),
            length_cm=None,
            lying=True,
        )
    )
    assert errors == {"weight_kg": ["invalid"], "length_cm": ["required"]}


def test_a_second_measurement_the_same_day_is_a_duplicate(record, health_staff):
    measure(record, health_staff, days=500)
    errors = refused(lambda: measure(record, health_staff, days=500, weight="11.5"))
    assert errors == {"measured_on": ["duplicate"]}


@pytest.mark.parametrize("who", ["other_health_staff", "operator", "family", "child_health_officer"])
def test_only_the_keeping_health_staff_record(request, record_of, health_institution, family, who):
    record = record_of(health_institution, family=family)
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        measure(record, user, days=500)
    assert not Measurement.objects.exists()


def test_a_mistake_is_removed_by_the_keeping_health_staff_only(record, health_staff, other_health_staff):
    measurement = measure(record, health_staff, days=500)
    with pytest.raises(PermissionDenied):
        services.measurement_remove(measurement=measurement, by=other_health_staff)
    assert Measurement.objects.filter(pk=measurement.pk).exists()
    services.measurement_remove(measurement=measurement, by=health_staff)
    assert not Measurement.objects.filter(pk=measurement.pk).exists()


def test_a_child_over_two_measured_lying_is_compared_as_standing(record_of, health_institution, health_staff):
    record = record_of(health_institution, months=30, class_name="托大一班")
    lying = measure(record, health_staff, days=800, weight="12.5", length="88.0", lying=True)
    standing = measure(record, health_staff, days=801, weight="12.5", length="87.3", lying=False)
    assert abs(lying.laz - standing.laz) <= Decimal("0.02")


def test_the_growth_section_has_the_charts_and_the_latest_flags(record, health_staff):
    measure(record, health_staff, days=300, weight="9.0", length="72.0")
    measure(record, health_staff, days=365, weight="7.6", length="75.7")
    section = growth_section(
        HealthRecord.objects.select_related("child").get(pk=record.pk), user=health_staff
    )
    assert [c["indicator"] for c in section["charts"]] == ["wfa", "lhfa", "wfl"]
    wfa = section["charts"][0]["data"]
    assert [line["sd"] for line in wfa["lines"]] == [-3, -2, 0, 2, 3]
    assert [point[1] for point in wfa["child"]["points"]] == [9.0, 7.6]
    assert [f["value"] for f in section["latest_flags"]] == [Flag.UNDERWEIGHT, Flag.WASTED]
    assert section["can_record"] is True
    assert growth_section(record, user=None)["can_record"] is False


def _section_queries(record_pk) -> int:
    with CaptureQueriesContext(connection) as queries:
        growth_section(HealthRecord.objects.select_related("child").get(pk=record_pk))
    return len(queries)


def test_the_growth_section_costs_the_same_queries_for_2_or_6_measurements(
    record_of, health_institution, health_staff
):
    two = record_of(health_institution)
    six = record_of(health_institution)
    for k in range(2):
        measure(two, health_staff, days=300 + 30 * k)
    for k in range(6):
        measure(six, health_staff, days=300 + 30 * k)
    assert _section_queries(two.pk) == _section_queries(six.pk)
