"""Reads worth naming in accounts: the access log search of the health commission's administrators."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import AccessLog

ACCESS_LOG_PAGE_SIZE = 50


@dataclass(frozen=True)
class AccessLogFilters:
    user: str = ""  # part of a user name or of the person's name
    kind: str = ""  # an AccessKind value, or "" for every kind
    date_from: date | None = None  # local dates, both days included
    date_to: date | None = None
    object: str = ""  # part of the object's label (a tracking number, an export's name) or its id


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def access_log_search(filters: AccessLogFilters) -> QuerySet[AccessLog]:
    """Matching entries, newest first, each with its user in the same query.

    Dates become a range on the indexed `at` column (from local midnight to the next), not a date cast
    of every row."""
    qs = AccessLog.objects.select_related("user")
    if filters.user:
        qs = qs.filter(Q(username__icontains=filters.user) | Q(user__display_name__icontains=filters.user))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.date_from:
        qs = qs.filter(at__gte=_start_of(filters.date_from))
    if filters.date_to:
        qs = qs.filter(at__lt=_start_of(filters.date_to + timedelta(days=1)))
    if filters.object:
        qs = qs.filter(Q(object_label__icontains=filters.object) | Q(object_id=filters.object))
    return qs.order_by("-at", "-id")
