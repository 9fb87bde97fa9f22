"""Helpers every subject of the booking services shares: messages, the family check, the one way an application changes status, and the two guarded inserts."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tuoyu.accounts.models import User
from tuoyu.core.notifications import notify_person
from tuoyu.core.statemachine import transition

from ..models import Application, Child
from ..workflow import WORKFLOW_APPLICATION


def _notify(user: User | None, text: str) -> None:
    if user is not None:
        notify_person(user, subject=_("Childcare booking"), body=text)


def _guard_family(child: Child, family: User) -> None:
    if child.family_id != family.pk:
        raise PermissionDenied


def _move(application: Application, to_status: str, *, by: User | None, note: str = "", **changes) -> None:
    """Move an application the caller has locked (classes first, then the application: the lock order
    above), so the guards it checked still hold when the status changes."""
    transition(WORKFLOW_APPLICATION, application, to_status, by=by, note=note, changes=changes, locked=True)


def _once_per_key(model, *, family: User, idempotency_key: str, create):
    """`create()` once per family and idempotency key: a retried request (a double click, a client's
    retry) answers the first record. When the same key wins a race a moment ahead (the unique
    family+key constraint refuses the insert), its record is the answer too."""
    replay = model.objects.filter(family=family, idempotency_key=idempotency_key)
    existing = replay.first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return create()
    except IntegrityError:
        existing = replay.first()
        if existing is None:
            raise
        return existing


def _create_or_refuse(model, *, conflict, refusal: ValidationError, **fields):
    """Insert a row in a savepoint, so a refused insert leaves this transaction (and the caller's)
    usable. The database's constraint is the last guard behind a check made under lock; when it refuses
    because `conflict` now exists (a row written in the same instant, or without the service), the
    person gets `refusal`, the same answer the check would have given, instead of a 500."""
    try:
        with transaction.atomic():
            return model.objects.create(**fields)
    except IntegrityError:
        if conflict.exists():
            raise refusal from None
        raise


def _duplicate(child: Child) -> ValidationError:
    return ValidationError(
        _("%(name)s already has an application at this institution.") % {"name": child.name},
        code="duplicate_application",
    )


def _already_attends(child: Child) -> ValidationError:
    return ValidationError(
        _("%(name)s already attends this institution.") % {"name": child.name}, code="already_enrolled"
    )
