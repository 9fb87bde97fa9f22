"""The expert pool (专家库): experts added, edited and retired by the commission (EXPERT_MANAGERS).

An expert is never deleted: a published draw (inspections) and an assessment's note (grading) name them
by code, so a retired expert only leaves the pool (`active` off). Every check runs before the row is
written; bad input raises a ValidationError naming the field, and nothing is stored.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuoyu.accounts import capabilities
from tuoyu.core.validators import normalize_mobile
from tuoyu.institutions.models import Institution

from ..models import Expert, ExpertField

_TEXT = {"code": 30, "name": 50, "title": 50, "unit": 100}
_FIELDS = (
    "code",
    "name",
    "field",
    "title",
    "unit",
    "mobile",
    "user",
    "employer",
    "for_inspection",
    "for_grading",
    "for_guidance",
)


def guard_expert_manager(by) -> None:
    if not capabilities.can_manage_experts(by):
        raise PermissionDenied


def account_roles(*, for_inspection: bool, for_grading: bool) -> frozenset:
    """The roles an expert's account may have: one that can act for what the expert is drawn for (an
    assessor to score an assessment, an inspector to take part in an inspection)."""
    roles = frozenset()
    if for_grading:
        roles |= capabilities.ASSESSORS
    if for_inspection:
        roles |= capabilities.INSPECTORS
    return roles or (capabilities.ASSESSORS | capabilities.INSPECTORS)


def _validate(values: dict, *, expert: Expert | None = None) -> dict:
    errors: dict[str, list[str]] = {}
    for name, length in _TEXT.items():
        text = str(values.get(name) or "").strip()
        if not text:
            errors.setdefault(name, []).append(_("This field is required."))
        elif len(text) > length:
            errors.setdefault(name, []).append(_("At most %(count)d characters.") % {"count": length})
        values[name] = text
    code = values["code"]
    if code:
        taken = Expert.objects.filter(code__iexact=code)
        if expert is not None:
            taken = taken.exclude(pk=expert.pk)
        if taken.exists():
            errors.setdefault("code", []).append(
                _("The expert number %(code)s is already in the pool.") % {"code": code}
            )
    if values.get("field") not in ExpertField.values:
        errors.setdefault("field", []).append(_("Choose the expert's field from the list."))
    mobile = str(values.get("mobile") or "").strip()
    if mobile:
        try:
            mobile = normalize_mobile(mobile)
        except ValidationError as exc:
            errors.setdefault("mobile", []).extend(exc.messages)
    values["mobile"] = mobile
    for flag in ("for_inspection", "for_grading", "for_guidance"):
        values[flag] = bool(values.get(flag))
    user = values.get("user")
    if user is not None:
        roles = account_roles(for_inspection=values["for_inspection"], for_grading=values["for_grading"])
        if not user.is_active:
            errors.setdefault("user", []).append(_("This account is disabled."))
        elif capabilities.role_of(user) not in roles:
            errors.setdefault("user", []).append(
                _(
                    "The account %(user)s cannot act for this expert: to score an assessment it needs an "
                    "assessor's role, to take part in an inspection an inspector's role."
                )
                % {"user": user.get_username()}
            )
        else:
            other = Expert.objects.filter(user=user)
            if expert is not None:
                other = other.exclude(pk=expert.pk)
            if other.exists():
                errors.setdefault("user", []).append(
                    _("The account %(user)s is already another expert's.") % {"user": user.get_username()}
                )
    employer = values.get("employer")
    if employer is not None and not isinstance(employer, Institution):
        errors.setdefault("employer", []).append(_("Choose the institution from the list."))
    if errors:
        raise ValidationError(errors)
    return values


def _save(expert: Expert, values: dict) -> Expert:
    for name in _FIELDS:
        setattr(expert, name, values[name])
    expert.full_clean(validate_unique=False)
    expert.save()
    return expert


@transaction.atomic
def expert_add(
    *,
    by,
    code: str,
    name: str,
    field: str,
    title: str,
    unit: str,
    mobile: str = "",
    user=None,
    employer: Institution | None = None,
    for_inspection: bool = True,
    for_grading: bool = True,
    for_guidance: bool = True,
) -> Expert:
    """Add an expert to the pool. `user` (optional) is the account they act with; `employer` the
    institution they work at or for, which they are never drawn for (回避)."""
    guard_expert_manager(by)
    values = _validate(
        {
            "code": code,
            "name": name,
            "field": field,
            "title": title,
            "unit": unit,
            "mobile": mobile,
            "user": user,
            "employer": employer,
            "for_inspection": for_inspection,
            "for_grading": for_grading,
            "for_guidance": for_guidance,
        }
    )
    return _save(Expert(), values)


@transaction.atomic
def expert_update(*, expert: Expert, by, **changes) -> Expert:
    """Change any of expert_add's fields; the same checks."""
    guard_expert_manager(by)
    unknown = set(changes) - set(_FIELDS)
    if unknown:
        raise TypeError(f"expert_update() got unexpected fields {sorted(unknown)}")
    locked = Expert.objects.select_for_update().get(pk=expert.pk)
    current = {name: getattr(locked, name) for name in _FIELDS}
    current.update(changes)
    return _save(locked, _validate(current, expert=locked))


@transaction.atomic
def expert_retire(*, expert: Expert, by) -> Expert:
    """Take an expert out of the pool: never drawn again, still named by the draws that drew them."""
    guard_expert_manager(by)
    locked = Expert.objects.select_for_update().get(pk=expert.pk)
    if not locked.active:
        raise ValidationError(_("This expert has already left the pool."), code="retired")
    locked.active = False
    locked.save(update_fields=["active"])
    return locked


@transaction.atomic
def expert_reinstate(*, expert: Expert, by) -> Expert:
    """Bring a retired expert back into the pool."""
    guard_expert_manager(by)
    locked = Expert.objects.select_for_update().get(pk=expert.pk)
    if locked.active:
        raise ValidationError(_("This expert is in the pool."), code="active")
    locked.active = True
    locked.save(update_fields=["active"])
    return locked
