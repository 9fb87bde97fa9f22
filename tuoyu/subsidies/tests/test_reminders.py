"""The daily rent-free reminder: within the rules' reminder days before the last rent-free day, the
institution's operators and the commission are told through the outbox, once per end date, never twice;
not before the window, not after the end."""

from datetime import date

import pytest
from django.core.management import call_command

from tuoyu.core.models import OutboxMessage
from tuoyu.institutions.models import InstitutionMembership
from tuoyu.subsidies.models import RentFreeReminder, SubsidyProfile
from tuoyu.subsidies.services.reminders import rent_free_reminders_send


@pytest.fixture
def on_premises(make_institution, operator, rules_2024, hc_admin):
    operator.phone = "13900000002"
    operator.save(update_fields=["phone"])
    hc_admin.phone = "13900000003"
    hc_admin.save(update_fields=["phone"])
    institution = make_institution(name="国有房产园", is_puhui=True)
    InstitutionMembership.objects.create(institution=institution, user=operator)
    # Ends 2027-02-28; reminders from 60 days before (2026-12-30).
    return SubsidyProfile.objects.create(
        institution=institution, state_premises=True, rent_free_from=date(2024, 3, 1)
    )


def test_it_reminds_the_operator_and_the_commission_once(on_premises):
    assert rent_free_reminders_send(on=date(2026, 12, 29)) == 0  # 61 days before: not yet
    assert rent_free_reminders_send(on=date(2026, 12, 30)) == 1
    recipients = set(OutboxMessage.objects.values_list("recipient", flat=True))
    assert recipients == {"13900000002", "13900000003"}
    assert all("2027-02-28" in body for body in OutboxMessage.objects.values_list("body", flat=True))
    assert rent_free_reminders_send(on=date(2026, 12, 30)) == 0
    assert rent_free_reminders_send(on=date(2027, 2, 1)) == 0
    assert OutboxMessage.objects.count() == 2
    assert list(RentFreeReminder.objects.values_list("ends_on", flat=True)) == [date(2027, 2, 28)]


def test_a_new_start_is_reminded_anew_and_an_ended_one_not(on_premises):
    assert rent_free_reminders_send(on=date(2027, 3, 1)) == 0  # ended yesterday
    on_premises.rent_free_from = date(2024, 4, 1)
    on_premises.save()
    assert rent_free_reminders_send(on=date(2027, 3, 1)) == 1  # ends 2027-03-31
    assert RentFreeReminder.objects.get().ends_on == date(2027, 3, 31)


def test_the_daily_command_runs_it(on_premises, capsys):
    call_command("subsidy_reminders")
    assert "rent-free ends reminded" in capsys.readouterr().out
