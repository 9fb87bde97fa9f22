"""What grading counts for the indicators (core.counts), by unit and the units below it; both are stocks
as they stood on the period's end."""

from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.core.counts import Period, count_source

from .models import Assessment, DemonstrationLevel, DemonstrationUnit
from .workflow import PUBLIC


def _in_unit(qs, unit):
    return qs if unit is None else qs.filter(institution__unit__path__startswith=unit.path)


def _on_register(qs, period: Period):
    """Institutions not deregistered by the period's end (a deregistered unit no longer counts)."""
    return qs.filter(
        Q(institution__deregistered_on__isnull=True) | Q(institution__deregistered_on__gt=period.end)
    )


@count_source("grading.demonstration_units", _("Chongqing-level demonstration childcare units"))
def demonstration_units(*, unit, period: Period) -> int:
    """Institutions holding a Chongqing-level (重庆市) demonstration title awarded in or before the period's
    year, still on the register at its end: the plan's indicator 11."""
    qs = DemonstrationUnit.objects.filter(level=DemonstrationLevel.MUNICIPAL, year__lte=period.end.year)
    return _on_register(_in_unit(qs, unit), period).values("institution_id").distinct().count()


@count_source("grading.graded_institutions", _("Institutions with a published quality grade"))
def graded_institutions(*, unit, period: Period) -> int:
    """Institutions with a published assessment that gave a grade (not 不予评级), published by the period's
    end and still on the register then."""
    until = timezone.make_aware(datetime.combine(period.end + timedelta(days=1), time.min))
    qs = Assessment.objects.filter(status__in=PUBLIC, published_at__lt=until).exclude(grade="")
    return _on_register(_in_unit(qs, unit), period).values("institution_id").distinct().count()
