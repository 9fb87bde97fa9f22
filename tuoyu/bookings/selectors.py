"""Reads of 入托网上约, and the only way its records reach a user.

A family sees only its own children, visits and applications; an institution's people only what
concerns their institution; the health commission only aggregate numbers, never a child's name.
"""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from tuoyu.accounts.models import GOVERNMENT_ROLES, INSTITUTION_ROLES, Role, User
from tuoyu.institutions.models import Institution

from .models import Application, ApplicationStatus, Child, Enrolment, EnrolmentStatus, Visit, VisitSlot


def children_for_family(user: User) -> QuerySet[Child]:
    if user.role != Role.FAMILY:
        return Child.objects.none()
    return Child.objects.filter(family=user).order_by("birth_date", "id")


def access_child_for_family(user: User, pk: int) -> Child:
    child = children_for_family(user).filter(pk=pk).first()
    if child is None:
        raise Http404
    return child


def applications_for_user(user: User) -> QuerySet[Application]:
    qs = Application.objects.select_related("child", "institution", "family")
    if user.role == Role.FAMILY:
        return qs.filter(family=user)
    if user.role in INSTITUTION_ROLES:
        return qs.filter(institution__memberships__user=user)
    return qs.none()


def access_application_for_user(user: User, pk: int) -> Application:
    application = applications_for_user(user).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


def visits_for_user(user: User) -> QuerySet[Visit]:
    qs = Visit.objects.select_related("slot__institution", "child", "family")
    if user.role == Role.FAMILY:
        return qs.filter(family=user)
    if user.role in INSTITUTION_ROLES:
        return qs.filter(slot__institution__memberships__user=user)
    return qs.none()


def access_visit_for_user(user: User, pk: int) -> Visit:
    visit = visits_for_user(user).filter(pk=pk).first()
    if visit is None:
        raise Http404
    return visit


def enrolments_for_user(user: User) -> QuerySet[Enrolment]:
    qs = Enrolment.objects.select_related("child", "institution", "class_group")
    if user.role == Role.FAMILY:
        return qs.filter(child__family=user)
    if user.role in INSTITUTION_ROLES:
        return qs.filter(institution__memberships__user=user)
    return qs.none()


def open_visit_slots(institution: Institution) -> QuerySet[VisitSlot]:
    from django.utils import timezone

    return VisitSlot.objects.filter(institution=institution, starts_at__gt=timezone.now()).order_by(
        "starts_at"
    )


def booking_statistics(user: User) -> list[dict]:
    """Per institution: applications by status and active enrolments. Numbers only: no child, no family."""
    if user.role not in GOVERNMENT_ROLES:
        return []
    counts = {
        status: Count("applications", filter=Q(applications__status=status), distinct=True)
        for status in ApplicationStatus.values
    }
    scope = Institution.objects.filter(Q(applications__isnull=False) | Q(enrolments__isnull=False))
    if user.role == Role.STREET_OFFICER and user.unit_id:
        scope = scope.filter(unit__path__startswith=user.unit.path)  # §16: a street sees its own unit
    rows = (
        Institution.objects.filter(pk__in=scope.values("pk"))
        .annotate(**{f"n_{k}": v for k, v in counts.items()})
        .annotate(
            active=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ACTIVE), distinct=True)
        )
        .values("id", "name", "unit__name", *[f"n_{k}" for k in counts], "active")
        .order_by("unit__sort_order", "name")
    )
    return list(rows)
