from datetime import date, timedelta

import pytest
from django.utils import timezone

from tuoyu.bookings import services
from tuoyu.institutions.models import InstitutionMembership
from tuoyu.institutions.services import ClassSpec


def months_ago(months: int, *, on: date | None = None) -> date:
    on = on or timezone.localdate()
    year, month = divmod(on.month - 1 - months, 12)
    return date(on.year + year, month + 1, min(on.day, 28))


@pytest.fixture
def nursery(make_institution, operator):
    """A filed institution with one 托小班 of 15 and one 托大班 of 20, run by `operator`."""
    institution = make_institution(
        classes=[ClassSpec("托小一班", "toddler", 15, 12), ClassSpec("托大一班", "preschool", 20, 20)],
        offers_half_day=True,
    )
    InstitutionMembership.objects.create(institution=institution, user=operator)
    return institution


@pytest.fixture
def make_family(db):
    from tuoyu.accounts.models import User

    counter = {"n": 0}

    def make():
        counter["n"] += 1
        n = counter["n"]
        return User.objects.create_user(username=f"1370000{n:04d}", phone=f"1370000{n:04d}", role="family")

    return make


@pytest.fixture
def toddler_child():
    """A child who is 16 months old next week: fits 托小班 (12–24 months)."""

    def make(family, *, name="小明", months=16, **extra):
        return services.child_add(family=family, name=name, sex="M", birth_date=months_ago(months), **extra)

    return make


def next_week() -> date:
    return timezone.localdate() + timedelta(days=7)
