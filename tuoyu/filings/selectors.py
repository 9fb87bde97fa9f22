"""Reads of the filing workflow, and the only way a filing reaches a user (access_* helpers)."""

from django.db.models import Q, QuerySet
from django.http import Http404

from tuoyu.accounts.capabilities import (
    can_review_filings,
    is_department_officer,
    is_health_commission,
    is_operator,
)
from tuoyu.accounts.models import User
from tuoyu.institutions.selectors import institutions_of

from .models import CoordinationCase, Filing, FilingStatus, Notice


def filings_for_user(user: User) -> QuerySet[Filing]:
    """An operator sees their own applications and those of institutions they act for; the health
    commission sees all in its district; nobody else sees any."""
    qs = Filing.objects.select_related("institution", "applicant")
    if can_review_filings(user):
        return qs
    if is_operator(user):
        return qs.filter(Q(applicant=user) | Q(institution__in=institutions_of(user)))
    return qs.none()


def access_filing_for_user(user: User, pk: int) -> Filing:
    filing = filings_for_user(user).filter(pk=pk).first()
    if filing is None:
        raise Http404
    return filing


def review_queue(*, status: str = FilingStatus.SUBMITTED) -> QuerySet[Filing]:
    """Oldest deadline first: what the reviewer must decide next."""
    return (
        Filing.objects.select_related("institution", "applicant")
        .filter(status=status)
        .order_by("due_on", "submitted_at", "id")
    )


def cases_for_user(user: User) -> QuerySet[CoordinationCase]:
    """The health commission sees every case; a department officer only the cases their department is in."""
    qs = CoordinationCase.objects.select_related("filing").prefetch_related("departments")
    if is_health_commission(user):
        return qs
    if is_department_officer(user) and user.department_id:
        return qs.filter(departments=user.department_id)
    return qs.none()


def access_case_for_user(user: User, pk: int) -> CoordinationCase:
    case = cases_for_user(user).filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def public_notices() -> QuerySet[Notice]:
    return Notice.objects.all()
