"""The daily reminder: items expiring within 30 days told to the institution's people through the outbox,
once at 30 days before and once at 7, never twice; the command loading the rules, idempotent."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tuoyu.core.models import OutboxMessage
from tuoyu.workforce.models import (
    Certificate,
    CertificateKind,
    ExpiryReminder,
    HealthStaffRule,
    PostCertification,
    RatioRule,
    StaffingStandard,
    TrainingRequirement,
)
from tuoyu.workforce.services import expiry_reminders_send, workforce_rules_load_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_phone(operator):
    operator.phone = "13700000088"
    operator.save(update_fields=["phone"])
    return operator


@pytest.fixture
def expiring(workforce_rules, staffed_institution, make_staff, operator_phone):
    today = timezone.localdate()
    carer = make_staff(staffed_institution, certificates=["baoyushi-4"], name="王保育")
    Certificate.objects.filter(staff=carer).update(expires_on=today + timedelta(days=20))
    return carer


def _messages():
    return list(OutboxMessage.objects.filter(recipient="13700000088").order_by("pk"))


def test_reminded_at_30_days_then_at_7_and_never_twice(expiring, staffed_institution):
    today = timezone.localdate()
    assert expiry_reminders_send(on=today) == 1
    [message] = _messages()
    assert "王保育" in message.body and (today + timedelta(days=20)).isoformat() in message.body
    assert expiry_reminders_send(on=today) == 0
    assert expiry_reminders_send(on=today + timedelta(days=5)) == 0  # 15 days left: still the 30-day one
    assert expiry_reminders_send(on=today + timedelta(days=13)) == 1  # 7 days left
    assert expiry_reminders_send(on=today + timedelta(days=14)) == 0
    assert len(_messages()) == 2
    assert sorted(ExpiryReminder.objects.values_list("days_before", flat=True)) == [7, 30]


def test_a_renewed_certificate_is_not_reminded(expiring):
    today = timezone.localdate()
    Certificate.objects.create(
        staff=expiring,
        kind=CertificateKind.objects.get(code="baoyushi-4"),
        number="NEW-1",
        issuer="人社局",
        issued_on=today,
        expires_on=None,
        created_by=expiring.created_by,
    )
    assert expiry_reminders_send(on=today) == 0
    assert not _messages()


def test_a_health_check_is_reminded_and_an_ended_employment_is_not(
    workforce_rules, staffed_institution, make_staff, operator_phone
):
    today = timezone.localdate()
    make_staff(staffed_institution, health_checked_on=today - timedelta(days=340), name="李保健")
    make_staff(
        staffed_institution,
        health_checked_on=today - timedelta(days=340),
        name="离职者",
        ended_on=today - timedelta(days=1),
    )
    assert expiry_reminders_send(on=today) == 1
    [message] = _messages()
    assert "李保健" in message.body and "离职者" not in message.body
    assert ExpiryReminder.objects.get().item == "health_check"


def test_the_command_runs(expiring):
    call_command("workforce_reminders")
    assert len(_messages()) == 1


def test_the_rules_load_from_the_data_files_and_again_without_change(db):
    loaded = workforce_rules_load_files()
    assert loaded.standards == 1 and loaded.kinds >= 17
    standard = StaffingStandard.objects.get()
    assert dict(RatioRule.objects.values_list("age_group", "children_per_carer")) == {
        "infant": 3,
        "toddler": 5,
        "preschool": 7,
        "mixed": 5,
    }
    assert "国卫人口发〔2019〕58号" in standard.source
    first = HealthStaffRule.objects.order_by("min_children").first()
    assert (first.min_children, first.max_children, first.required, first.full_time_required) == (
        1,
        150,
        1,
        0,
    )
    assert CertificateKind.objects.get(code="health-certificate").validity_months == 12
    assert set(PostCertification.objects.filter(post="health").values_list("kind__code", flat=True)) == {
        "health-training"
    }
    assert not PostCertification.objects.filter(post="cook").exists()
    assert TrainingRequirement.objects.get().hours == 40
    counts = [m.objects.count() for m in (CertificateKind, PostCertification, RatioRule, HealthStaffRule)]
    assert workforce_rules_load_files().created == 0
    assert counts == [
        m.objects.count() for m in (CertificateKind, PostCertification, RatioRule, HealthStaffRule)
    ]
    call_command("load_workforce_rules")
    assert StaffingStandard.objects.count() == 1


def test_a_bad_rules_file_loads_nothing(db, tmp_path):
    import json

    from tuoyu.workforce.services.rules import STANDARD_FILE

    bad = tmp_path / "kinds.json"
    bad.write_text(
        json.dumps({"kinds": [{"code": "x", "name": "X", "category": "skill", "level": 9}], "posts": {}}),
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="level"):
        workforce_rules_load_files(kinds_path=bad, standard_path=STANDARD_FILE)
    assert not CertificateKind.objects.exists() and not StaffingStandard.objects.exists()
