"""What supervision counts for the indicators (core.counts), by the unit of the inspected institution and
every unit below it (None: the whole district this deployment serves).

`inspected` is a flow (inspections submitted during the period); the other three are stocks as they stood
at the end of the period's last day: findings not yet put right, those of them past their deadline, and
institutions under a suspension.
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tuoyu.core.counts import Period, count_source
from tuoyu.regions.selectors import area_unit

from .models import Inspection, InspectionStatus, Suspension
from .selectors.public import findings_open_at


def _in_unit(qs: QuerySet, unit, prefix: str) -> QuerySet:
    unit = unit or area_unit()
    if unit is None:
        return qs
    return qs.filter(**{f"{prefix}unit__path__startswith": unit.path})


@count_source("inspections.inspected", _("Institutions inspected (inspections submitted)"))
def inspected(*, unit, period: Period) -> int:
    """Inspections whose record was submitted during the period (a cancelled one never was)."""
    qs = Inspection.objects.filter(
        submitted_at__date__gte=period.start, submitted_at__date__lte=period.end
    ).exclude(status=InspectionStatus.CANCELLED)
    return _in_unit(qs, unit, "institution__").count()


@count_source("inspections.findings_open", _("Inspection findings not yet put right"))
def findings_open(*, unit, period: Period) -> int:
    return _in_unit(findings_open_at(period.end), unit, "inspection__institution__").count()


@count_source("inspections.findings_overdue", _("Inspection findings past their deadline"))
def findings_overdue(*, unit, period: Period) -> int:
    """Not put right at the period's end although their deadline had passed."""
    qs = findings_open_at(period.end).filter(deadline__lt=period.end)
    return _in_unit(qs, unit, "inspection__institution__").count()


@count_source("inspections.suspended_institutions", _("Institutions suspended after an inspection"))
def suspended_institutions(*, unit, period: Period) -> int:
    """Institutions under a suspension at the period's end: begun by then and not lifted by then."""
    qs = Suspension.objects.filter(starts_on__lte=period.end).filter(
        Q(lifted_at__isnull=True) | Q(lifted_at__date__gt=period.end)
    )
    return _in_unit(qs, unit, "institution__").values("institution").distinct().count()
