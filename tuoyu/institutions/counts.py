"""What the register counts for the indicators (core.counts): slots and institutions of filed
institutions, by unit and the units below it.

"Filed on period.end" reads the register's dates: filed on or before that day and not deregistered by
then. A suspended institution is still filed (its 备案 stands while it pauses). The register keeps no
history of capacity, so the slots are today's capacity of the institutions filed on that day.
"""

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from tuoyu.core.counts import Period, count_source
from tuoyu.regions.selectors import area_unit

from .models import Institution


def _filed(*, unit, period: Period) -> QuerySet[Institution]:
    unit = unit or area_unit()  # None: the whole district this deployment serves
    qs = Institution.objects.filter(filed_on__lte=period.end).filter(
        Q(deregistered_on__isnull=True) | Q(deregistered_on__gt=period.end)
    )
    return qs.filter(unit__path__startswith=unit.path) if unit is not None else qs


@count_source("institutions.filed_slots", _("Slots in filed institutions"))
def filed_slots(*, unit, period: Period) -> int:
    return _filed(unit=unit, period=period).aggregate(n=Sum("capacity_total"))["n"] or 0


@count_source("institutions.public_benefit_slots", _("Slots in filed inclusive (普惠) institutions"))
def public_benefit_slots(*, unit, period: Period) -> int:
    return _filed(unit=unit, period=period).filter(is_puhui=True).aggregate(n=Sum("capacity_total"))["n"] or 0


@count_source("institutions.filed_institutions", _("Filed institutions"))
def filed_institutions(*, unit, period: Period) -> int:
    return _filed(unit=unit, period=period).count()
