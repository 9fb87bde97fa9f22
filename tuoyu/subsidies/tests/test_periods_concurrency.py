"""Two officials proposing the same period at once propose it once: the second waits for the period's row
lock, then finds it proposed. Row locks do nothing on SQLite, so this runs on PostgreSQL with real
transactions in real threads (core.testing.race releases them together)."""

from datetime import date

import pytest
from django.db import connection

from tuoyu.core.testing import race
from tuoyu.subsidies.models import Entitlement, PeriodEvent
from tuoyu.subsidies.services.periods import period_propose

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL; .ci/run runs this there"
    ),
]


def test_two_proposals_at_once_propose_once(rules_2024, make_institution, period_2024h1, hc_admin):
    institution = make_institution(is_puhui=True)
    type(institution).objects.filter(pk=institution.pk).update(filed_on=date(2023, 1, 1))
    outcomes = race([lambda: period_propose(period=period_2024h1, by=hc_admin)] * 2)
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"], outcomes
    assert Entitlement.objects.filter(period=period_2024h1).count() == 3
    assert PeriodEvent.objects.filter(period=period_2024h1, to_status="proposed").count() == 1
