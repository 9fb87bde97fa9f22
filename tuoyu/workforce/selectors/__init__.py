"""Workforce reads, and who sees what (object rules), written once here.

- An institution's operator keeps the staff of their own institutions (`kept_institutions`) and sees
  those people and their certificates, never another institution's.
- The health commission (`can_oversee_workforce`) sees every person: it follows the flags (one person at
  two institutions, 挂靠) to the people behind them.
- Everyone else sees no person: a street or town officer, a department, the guidance centre see counts and
  rates (selectors/compliance.py), never names or ID numbers.

A page or API view asks `staff_for` / `certificate_for` for one row: another institution's row is a 404,
the same as a row that does not exist.
"""

from django.db.models import QuerySet
from django.http import Http404

from tuoyu.accounts import capabilities
from tuoyu.institutions.models import Institution
from tuoyu.institutions.selectors import institutions_of

from ..models import Certificate, StaffMember


def kept_institutions(user) -> QuerySet[Institution]:
    """The institutions whose staff this person keeps: an operator's own; none for anyone else."""
    if not capabilities.can_keep_staff(user):
        return Institution.objects.none()
    return institutions_of(user)


def staff_visible_to(user) -> QuerySet[StaffMember]:
    """The staff rows a person may see as people: an operator their own institutions', the commission
    all, everyone else none."""
    if capabilities.can_oversee_workforce(user):
        return StaffMember.objects.all()
    if capabilities.can_keep_staff(user):
        return StaffMember.objects.filter(institution__in=kept_institutions(user).values("pk"))
    return StaffMember.objects.none()


def staff_kept_by(user) -> QuerySet[StaffMember]:
    """The staff rows a person may change: an operator's own institutions' (the commission reads, but
    does not keep another's staff)."""
    if not capabilities.can_keep_staff(user):
        return StaffMember.objects.none()
    return StaffMember.objects.filter(institution__in=kept_institutions(user).values("pk"))


def staff_for(user, pk) -> StaffMember:
    """One visible staff row, or 404 (another institution's row looks like no row)."""
    staff = staff_visible_to(user).select_related("institution", "class_group").filter(pk=pk).first()
    if staff is None:
        raise Http404
    return staff


def certificates_visible_to(user) -> QuerySet[Certificate]:
    return Certificate.objects.filter(staff__in=staff_visible_to(user).values("pk"))


def certificate_for(user, pk) -> Certificate:
    """One visible certificate, or 404."""
    certificate = (
        certificates_visible_to(user)
        .select_related("staff", "staff__institution", "kind")
        .filter(pk=pk)
        .first()
    )
    if certificate is None:
        raise Http404
    return certificate


from . import compliance  # noqa: E402, F401  (registers the institution facts)
