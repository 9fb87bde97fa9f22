"""What the workforce counts for the indicators (core.counts): indicator 9, 持证上岗率 (70% → above 90%), is
`workforce.certified_staff` ÷ `workforce.certifiable_staff`. Both are stocks as they stood on the period's
end, for the institutions of the unit and below that were on the register that day, computed by the same
rules as every page (`selectors.compliance.staffing_of`): active, counted at one institution only (挂靠),
in a post for which certificates count."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuoyu.core.counts import Period, count_source

from .models import StaffMember
from .selectors.compliance import staffing_of


def institutions_with_staff(*, unit, on) -> list[int]:
    """The institutions (of the unit and below; None: the district) with a staff row active on the day and
    not deregistered by then."""
    qs = StaffMember.objects.filter(started_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
    qs = qs.filter(Q(institution__deregistered_on__isnull=True) | Q(institution__deregistered_on__gt=on))
    if unit is not None:
        qs = qs.filter(institution__unit__path__startswith=unit.path)
    return sorted(set(qs.order_by().values_list("institution_id", flat=True)))


def _totals(unit, period: Period) -> tuple[int, int]:
    staffing = staffing_of(institutions_with_staff(unit=unit, on=period.end), on=period.end)
    return (sum(s.certified for s in staffing.values()), sum(s.certifiable for s in staffing.values()))


@count_source("workforce.certified_staff", _("Staff holding a certificate for their post"))
def certified_staff(*, unit, period: Period) -> int:
    """People in a post for which certificates count, holding one valid on the period's end."""
    return _totals(unit, period)[0]


@count_source("workforce.certifiable_staff", _("Staff in posts that need a certificate"))
def certifiable_staff(*, unit, period: Period) -> int:
    """People active on the period's end, counted once, in a post for which certificates count."""
    return _totals(unit, period)[1]
