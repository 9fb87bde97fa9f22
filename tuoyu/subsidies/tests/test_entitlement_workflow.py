"""An entitlement from proposal to payment through the services: the institution confirms or disputes, the
commission reviews (answering a dispute), finance approves without touching the amount and records the
payment; every refusal changes nothing. The fixtures here serve the other entitlement tests too."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tuoyu.core.models import OutboxMessage
from tuoyu.core.workdays import beijing_today
from tuoyu.subsidies.models import Entitlement, EntitlementEvent, Payment
from tuoyu.subsidies.services.entitlements import (
    entitlement_approve,
    entitlement_confirm,
    entitlement_dispute,
    entitlement_review,
)
from tuoyu.subsidies.services.payments import payment_record


@pytest.fixture
def operator_phone(operator):
    """The operator can be told by SMS (the outbox writes a row per channel the person gave)."""
    operator.phone = "13900000011"
    operator.save(update_fields=["phone"])
    return operator


@pytest.fixture
def proposed(make_entitlement, period_2024, puhui_institution):
    return make_entitlement(period_2024, puhui_institution, "1600.00")


@pytest.fixture
def reviewed(make_entitlement, period_2024h1, puhui_institution):
    return make_entitlement(period_2024h1, puhui_institution, "1600.00", status="reviewed")


@pytest.fixture
def approved(reviewed, finance_officer):
    return entitlement_approve(entitlement=reviewed, by=finance_officer)


def statuses(entitlement) -> list[tuple[str, str]]:
    return list(
        EntitlementEvent.objects.filter(entitlement=entitlement)
        .order_by("at", "id")
        .values_list("from_status", "to_status")
    )


def test_an_entitlement_goes_from_proposal_to_payment_with_an_event_at_each_step(
    proposed, operator_phone, hc_admin, finance_officer
):
    entitlement_confirm(entitlement=proposed, by=operator_phone)
    entitlement_review(entitlement=proposed, by=hc_admin)
    entitlement_approve(entitlement=proposed, by=finance_officer, note="预算内")
    payment = payment_record(
        entitlement=proposed, by=finance_officer, paid_on=beijing_today(), voucher_number="KZCZ-2024-001"
    )
    proposed.refresh_from_db()
    assert proposed.status == "paid"
    assert payment.amount == Decimal("1600.00") == proposed.amount
    assert payment.recorded_by == finance_officer
    assert statuses(proposed) == [
        ("proposed", "confirmed"),
        ("confirmed", "reviewed"),
        ("reviewed", "approved"),
        ("approved", "paid"),
    ]
    events = list(EntitlementEvent.objects.filter(entitlement=proposed).order_by("at", "id"))
    assert [e.by for e in events] == [operator_phone, hc_admin, finance_officer, finance_officer]
    assert events[2].note == "预算内"
    assert "KZCZ-2024-001" in events[3].note
    # The operator is told of the payment, with the amount and the voucher.
    told = OutboxMessage.objects.filter(recipient=operator_phone.phone)
    assert told.count() == 1 and "1600.00" in told.get().body and "KZCZ-2024-001" in told.get().body


def test_a_dispute_keeps_its_reason_and_the_commission_must_answer_it(proposed, operator_phone, hc_admin):
    entitlement_dispute(entitlement=proposed, by=operator_phone, reason="  少算了一个托小班幼儿三月份  ")
    proposed.refresh_from_db()
    assert proposed.status == "disputed"
    assert proposed.dispute_reason == "少算了一个托小班幼儿三月份"
    assert (
        EntitlementEvent.objects.get(entitlement=proposed, to_status="disputed").note
        == proposed.dispute_reason
    )

    with pytest.raises(ValidationError) as refused:
        entitlement_review(entitlement=proposed, by=hc_admin, note="   ")
    assert "note" in refused.value.message_dict
    assert Entitlement.objects.get(pk=proposed.pk).status == "disputed"
    assert not OutboxMessage.objects.exists()

    entitlement_review(entitlement=proposed, by=hc_admin, note="该幼儿3月16日入托，按规则3月不计。")
    assert Entitlement.objects.get(pk=proposed.pk).status == "reviewed"
    # The institution is told the answer.
    message = OutboxMessage.objects.get(recipient=operator_phone.phone)
    assert "3月16日" in message.body


@pytest.mark.parametrize("reason", ["", "    ", "太少", "x" * 1001])
def test_a_dispute_without_a_real_reason_is_refused_and_changes_nothing(proposed, operator, reason):
    with pytest.raises(ValidationError) as refused:
        entitlement_dispute(entitlement=proposed, by=operator, reason=reason)
    assert "reason" in refused.value.message_dict
    proposed.refresh_from_db()
    assert proposed.status == "proposed" and proposed.dispute_reason == ""
    assert not EntitlementEvent.objects.filter(entitlement=proposed).exists()


def test_an_operator_of_another_institution_cannot_confirm_or_dispute(
    proposed, other_institution, other_operator
):
    with pytest.raises(PermissionDenied):
        entitlement_confirm(entitlement=proposed, by=other_operator)
    with pytest.raises(PermissionDenied):
        entitlement_dispute(entitlement=proposed, by=other_operator, reason="不是我们的，但想改")
    assert Entitlement.objects.get(pk=proposed.pk).status == "proposed"


def test_only_finance_approves_and_only_a_reviewed_entitlement(
    reviewed, proposed, hc_admin, reviewer, other_department_officer, operator, finance_officer
):
    for person in (hc_admin, reviewer, other_department_officer, operator):
        with pytest.raises(PermissionDenied):
            entitlement_approve(entitlement=reviewed, by=person)
    assert Entitlement.objects.get(pk=reviewed.pk).status == "reviewed"
    with pytest.raises(ValidationError) as refused:
        entitlement_approve(entitlement=proposed, by=finance_officer)
    assert refused.value.code == "transition"


def test_approving_twice_is_refused(approved, finance_officer):
    with pytest.raises(ValidationError) as refused:
        entitlement_approve(entitlement=approved, by=finance_officer)
    assert refused.value.code == "transition"
    assert EntitlementEvent.objects.filter(entitlement=approved, to_status="approved").count() == 1


def test_approval_takes_no_amount_and_never_changes_it(reviewed, finance_officer):
    with pytest.raises(TypeError):
        entitlement_approve(entitlement=reviewed, by=finance_officer, amount=Decimal("99999.00"))
    approved = entitlement_approve(entitlement=reviewed, by=finance_officer)
    assert Entitlement.objects.get(pk=approved.pk).amount == Decimal("1600.00")


def test_finance_does_not_confirm_and_the_commission_does_not_pay(
    proposed, approved, finance_officer, hc_admin
):
    with pytest.raises(PermissionDenied):
        entitlement_confirm(entitlement=proposed, by=finance_officer)
    with pytest.raises(PermissionDenied):
        payment_record(entitlement=approved, by=hc_admin, paid_on=beijing_today(), voucher_number="V-1")
    assert not Payment.objects.exists()


def test_a_payment_in_the_future_or_before_the_approval_is_refused_and_nothing_is_saved(
    approved, finance_officer
):
    for paid_on in (beijing_today() + timedelta(days=1), beijing_today() - timedelta(days=1)):
        with pytest.raises(ValidationError) as refused:
            payment_record(entitlement=approved, by=finance_officer, paid_on=paid_on, voucher_number="V-9")
        assert "paid_on" in refused.value.message_dict
    assert not Payment.objects.exists()
    assert Entitlement.objects.get(pk=approved.pk).status == "approved"


def test_a_voucher_number_already_in_the_ledger_is_refused_and_nothing_is_saved(
    approved, make_entitlement, period_2024, puhui_institution, finance_officer
):
    payment_record(entitlement=approved, by=finance_officer, paid_on=beijing_today(), voucher_number="V-100")
    second = make_entitlement(period_2024, puhui_institution, "800.00", status="reviewed")
    entitlement_approve(entitlement=second, by=finance_officer)
    with pytest.raises(ValidationError) as refused:
        payment_record(
            entitlement=second, by=finance_officer, paid_on=beijing_today(), voucher_number=" V-100 "
        )
    assert refused.value.error_dict["voucher_number"][0].code == "duplicate"
    assert Payment.objects.count() == 1
    assert Entitlement.objects.get(pk=second.pk).status == "approved"


def test_a_payment_needs_a_voucher_number(approved, finance_officer):
    with pytest.raises(ValidationError) as refused:
        payment_record(entitlement=approved, by=finance_officer, paid_on=beijing_today(), voucher_number="  ")
    assert "voucher_number" in refused.value.message_dict
    assert not Payment.objects.exists()


def test_paying_a_reviewed_entitlement_or_paying_twice_is_refused(reviewed, finance_officer):
    with pytest.raises(ValidationError) as refused:
        payment_record(
            entitlement=reviewed, by=finance_officer, paid_on=beijing_today(), voucher_number="V-1"
        )
    assert refused.value.code == "transition"
    entitlement_approve(entitlement=reviewed, by=finance_officer)
    payment_record(entitlement=reviewed, by=finance_officer, paid_on=beijing_today(), voucher_number="V-1")
    with pytest.raises(ValidationError) as refused:
        payment_record(
            entitlement=reviewed, by=finance_officer, paid_on=beijing_today(), voucher_number="V-2"
        )
    assert refused.value.code == "transition"
    assert Payment.objects.count() == 1


def test_a_nil_entitlement_is_final(make_entitlement, period_2024, puhui_institution, operator, hc_admin):
    nil = make_entitlement(period_2024, puhui_institution, "0.00", status="nil")
    with pytest.raises(ValidationError):
        entitlement_confirm(entitlement=nil, by=operator)
    with pytest.raises(ValidationError):
        entitlement_review(entitlement=nil, by=hc_admin, note="x")
    assert Entitlement.objects.get(pk=nil.pk).status == "nil"


def test_a_payment_day_before_the_approval_is_read_in_beijing_time(approved, finance_officer):
    # The approval was today (Beijing): today is the earliest day a payment may carry.
    payment = payment_record(
        entitlement=approved, by=finance_officer, paid_on=beijing_today(), voucher_number="V-today"
    )
    assert payment.paid_on == beijing_today()
    assert isinstance(payment.paid_on, date)
