"""Places move with queryset update() under a row lock, which django-auditlog does not see: every such
change of a class's `enrolled` and of an institution's totals must still leave an auditlog entry with the
old and new value and the person who acted."""

import uuid
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from tuoyu.bookings import services
from tuoyu.bookings.tests.conftest import months_ago, next_week
from tuoyu.institutions.models import ClassGroup, Institution

pytestmark = pytest.mark.django_db


def _updates(obj) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj),
            object_pk=str(obj.pk),
            action=LogEntry.Action.UPDATE,
        ).order_by("id")
    )


def _toddlers(nursery) -> ClassGroup:
    return ClassGroup.objects.get(institution=nursery, name="托小一班")


def _apply(family, child, nursery):
    return services.application_submit(
        family=family,
        child=child,
        institution=nursery,
        age_group="toddler",
        service_type="full_day",
        start_date=next_week(),
        idempotency_key=uuid.uuid4().hex,
    )


def test_an_accept_that_raises_enrolled_is_in_the_audit_log_with_the_operator(
    family, toddler_child, nursery, operator
):
    application = _apply(family, toddler_child(family), nursery)
    group = _toddlers(nursery)
    assert group.enrolled == 12

    assert services.application_accept(application=application, by=operator).accepted

    entries = [e for e in _updates(group) if "enrolled" in e.changes_dict]
    assert len(entries) == 1
    assert entries[0].changes_dict["enrolled"] == ["12", "13"]
    assert entries[0].actor == operator


def test_the_institutions_enrolled_total_change_is_in_the_audit_log_with_the_operator(
    family, toddler_child, nursery, operator
):
    application = _apply(family, toddler_child(family), nursery)
    before = len(_updates(nursery))

    services.application_accept(application=application, by=operator)

    entries = _updates(nursery)[before:]
    assert [e.changes_dict.get("enrolled_total") for e in entries] == [["32", "33"]]
    assert entries[0].actor == operator
    assert Institution.objects.get(pk=nursery.pk).enrolled_total == 33


def test_a_family_withdrawing_an_enrolled_child_is_in_the_audit_log_with_the_family(
    family, toddler_child, nursery, operator
):
    application = _apply(family, toddler_child(family), nursery)
    services.application_accept(application=application, by=operator)

    services.application_cancel(application=application, by=family)

    last = [e for e in _updates(_toddlers(nursery)) if "enrolled" in e.changes_dict][-1]
    assert last.changes_dict["enrolled"] == ["13", "12"]
    assert last.actor == family


def test_an_offline_enrolment_and_its_end_are_both_in_the_audit_log(nursery, operator):
    group = _toddlers(nursery)
    enrolment = services.enrolment_record(
        institution=nursery,
        by=operator,
        class_group=group,
        child_name="线下入托",
        sex="F",
        birth_date=months_ago(15),
        service_type="full_day",
        start_date=next_week(),
    )
    services.enrolment_end(enrolment=enrolment, by=operator, end_date=next_week() + timedelta(days=30))

    changes = [e.changes_dict["enrolled"] for e in _updates(group) if "enrolled" in e.changes_dict]
    assert changes == [["12", "13"], ["13", "12"]]
    assert {e.actor for e in _updates(group)} == {operator}
