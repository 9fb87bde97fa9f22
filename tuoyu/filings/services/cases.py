"""Coordination cases (一事一议): opened by the health commission, opinions from the departments taking
part, resolved through the case workflow."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.capabilities import is_department_officer, is_health_commission
from tuoyu.accounts.models import User
from tuoyu.core.statemachine import lock, refuse, transition

from ..models import CaseOpinion, CoordinationCase, Filing
from ..workflow import WORKFLOW_CASE, case_is_open
from .guards import guard_reviewer


@transaction.atomic
def case_open(
    *, filing: Filing, by: User, title: str, domain: str, description: str, departments, deadline: date
):
    guard_reviewer(by)
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": [_("The deadline cannot be in the past.")]})
    departments = list(departments)
    if not departments:
        raise ValidationError({"departments": [_("Choose at least one department.")]})
    case = CoordinationCase.objects.create(
        filing=filing, title=title, domain=domain, description=description, deadline=deadline, opened_by=by
    )
    case.departments.set(departments)
    return case


@transaction.atomic
def case_add_opinion(*, case, by: User, text: str):
    locked = lock(WORKFLOW_CASE, case)
    if not case_is_open(locked):
        raise ValidationError(_("This case is resolved; no more opinions can be added."), code="status")
    if is_department_officer(by):
        if not locked.departments.filter(pk=by.department_id).exists():
            raise PermissionDenied
        department = by.department
    elif is_health_commission(by) and by.department_id:
        department = by.department
    else:
        raise PermissionDenied
    if not text.strip():
        raise ValidationError({"text": [_("Write the opinion first.")]})
    return CaseOpinion.objects.create(case=locked, department=department, author=by, text=text.strip())


@transaction.atomic
def case_resolve(*, case, by: User, resolution: str):
    guard_reviewer(by)
    locked = lock(WORKFLOW_CASE, case)
    # A resolved case is a state conflict first (409), whatever the resolution says.
    if not WORKFLOW_CASE.can(locked.status, CoordinationCase.Status.RESOLVED):
        raise refuse(locked.status, CoordinationCase.Status.RESOLVED, model=CoordinationCase)
    if not resolution.strip():
        raise ValidationError({"resolution": [_("Record the resolution.")]})
    return transition(
        WORKFLOW_CASE,
        locked,
        CoordinationCase.Status.RESOLVED,
        by=by,
        note=resolution.strip(),
        changes={"resolution": resolution.strip(), "resolved_at": timezone.now()},
        locked=True,
    )
