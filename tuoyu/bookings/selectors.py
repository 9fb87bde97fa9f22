"""Reads of 入托网上约, and the only way its records reach a user.

A family sees only its own children, visits and applications; an institution's people only what
concerns their institution; the health commission only aggregate numbers, never a child's name.
"""

from datetime import date

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from tuoyu.accounts import capabilities
from tuoyu.accounts.capabilities import acts_for_institutions, is_family, is_government
from tuoyu.accounts.models import User
from tuoyu.institutions.models import AgeGroup, Institution

from .models import Application, ApplicationStatus, Child, Enrolment, EnrolmentStatus, Visit, VisitSlot


def children_for_family(user: User) -> QuerySet[Child]:
    if not is_family(user):
        return Child.objects.none()
    return Child.objects.filter(family=user).order_by("birth_date", "id")


def access_child_for_family(user: User, pk: int) -> Child:
    child = children_for_family(user).filter(pk=pk).first()
    if child is None:
        raise Http404
    return child


def applications_for_user(user: User) -> QuerySet[Application]:
    qs = Application.objects.select_related("child", "institution", "family")
    if is_family(user):
        return qs.filter(family=user)
    if acts_for_institutions(user):
        return qs.filter(institution__memberships__user=user)
    return qs.none()


def access_application_for_user(user: User, pk: int) -> Application:
    application = applications_for_user(user).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


def visits_for_user(user: User) -> QuerySet[Visit]:
    qs = Visit.objects.select_related("slot__institution", "child", "family")
    if is_family(user):
        return qs.filter(family=user)
    if acts_for_institutions(user):
        return qs.filter(slot__institution__memberships__user=user)
    return qs.none()


def access_visit_for_user(user: User, pk: int) -> Visit:
    visit = visits_for_user(user).filter(pk=pk).first()
    if visit is None:
        raise Http404
    return visit


def enrolments_for_user(user: User) -> QuerySet[Enrolment]:
    qs = Enrolment.objects.select_related("child", "institution", "class_group")
    if is_family(user):
        return qs.filter(child__family=user)
    if acts_for_institutions(user):
        return qs.filter(institution__memberships__user=user)
    return qs.none()


def institution_age_groups(institution: Institution) -> list[str]:
    """The age groups the institution has classes for, in the national order (prefetched classes)."""
    present = {c.age_group for c in institution.classes.all()}
    return [g for g in AgeGroup.values if g in present]


def open_visit_slots(institution: Institution) -> QuerySet[VisitSlot]:
    from django.utils import timezone

    return VisitSlot.objects.filter(institution=institution, starts_at__gt=timezone.now()).order_by(
        "starts_at"
    )


def in_unit(qs: QuerySet, unit, *, through: str = "") -> QuerySet:
    """`qs` narrowed to the institutions of `unit` and every unit below it (a materialised-path prefix);
    `through` is the path from the rows to their institution ("institution__" for enrolments)."""
    if unit is None:
        return qs
    return qs.filter(**{f"{through}unit__path__startswith": unit.path})


def enrolments_attending_on(day: date) -> QuerySet[Enrolment]:
    """Enrolments of children attending on `day`: started by then and not ended before it (an ended
    enrolment's end_date is its last day). Today this is the status ACTIVE of booking_statistics."""
    return Enrolment.objects.filter(start_date__lte=day).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day)
    )


def applications_received(start: date, end: date) -> QuerySet[Application]:
    """Applications made between two days, both included, whatever became of them."""
    return Application.objects.filter(created_at__date__gte=start, created_at__date__lte=end)


def booking_statistics(user: User) -> list[dict]:
    """Per institution: applications by status and active enrolments. Numbers only: no child, no family."""
    if not is_government(user):
        return []
    counts = {
        status: Count("applications", filter=Q(applications__status=status), distinct=True)
        for status in ApplicationStatus.values
    }
    scope = Institution.objects.filter(Q(applications__isnull=False) | Q(enrolments__isnull=False))
    if capabilities.is_street_officer(user) and user.unit_id:
        scope = in_unit(scope, user.unit)  # §16: a street sees its own unit
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
