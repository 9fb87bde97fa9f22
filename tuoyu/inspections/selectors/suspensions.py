"""Suspensions as others read them: the public results pages show an institution's active suspension
and its public reason; the register's page may too. One query for any number of institutions."""

from django.db.models import QuerySet

from ..models import Suspension


def active_suspensions() -> QuerySet[Suspension]:
    """Suspensions in force (not lifted), newest first."""
    return Suspension.objects.filter(lifted_at__isnull=True).order_by("-starts_on", "-id")


def active_suspension_of(institution_ids) -> dict[int, Suspension]:
    """{institution id: its suspension in force} for the given ids (one query); an institution that is not
    suspended is absent. The reason (`reason`), `starts_on` and `filing_number` are public."""
    found: dict[int, Suspension] = {}
    for suspension in active_suspensions().filter(institution_id__in=list(institution_ids)):
        found.setdefault(suspension.institution_id, suspension)
    return found


def suspensions_of(institution) -> QuerySet[Suspension]:
    """Every suspension of one institution, lifted ones included (the record), newest first."""
    return Suspension.objects.filter(institution=institution).order_by("-starts_on", "-id")
