"""An institution's subsidy profile: the investing body (the construction subsidy's chain rule) and
state-owned premises with their rent-free years (§13). Kept by the commission; every write audited."""

from datetime import date

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuoyu.core.validators import validate_uscc

from ..models import SubsidyProfile

FIELDS = ("investor_name", "investor_uscc", "state_premises", "rent_free_from", "premises_note")
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


def profile_validate(fields: dict) -> dict:
    """The fields cleaned, or a ValidationError naming each bad one. A credit code is checked by its check
    digit; state-owned premises need the day the rent-free years start, and only they have one."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown profile fields: {sorted(unknown)}")
    cleaned = {
        "investor_name": (fields.get("investor_name") or "").strip(),
        "investor_uscc": (fields.get("investor_uscc") or "").strip().upper(),
        "state_premises": bool(fields.get("state_premises")),
        "rent_free_from": fields.get("rent_free_from"),
        "premises_note": (fields.get("premises_note") or "").strip(),
    }
    errors: dict[str, str] = {}
    if cleaned["investor_uscc"]:
        try:
            validate_uscc(cleaned["investor_uscc"])
        except ValidationError as exc:
            errors["investor_uscc"] = exc.messages[0]
        if not cleaned["investor_name"]:
            errors["investor_name"] = _("Name the investing body whose credit code this is.")
    if len(cleaned["investor_name"]) > 100:
        errors["investor_name"] = _("At most 100 characters.")
    if len(cleaned["premises_note"]) > 200:
        errors["premises_note"] = _("At most 200 characters.")
    start = cleaned["rent_free_from"]
    if start is not None and not isinstance(start, date):
        errors["rent_free_from"] = _("Give a date.")
    elif cleaned["state_premises"] and start is None:
        errors["rent_free_from"] = _("Give the day the rent-free years on state-owned premises start.")
    elif start is not None and not cleaned["state_premises"]:
        errors["rent_free_from"] = _(
            "Only state-owned premises have rent-free years: tick them or clear the date."
        )
    elif start is not None and not EARLIEST <= start <= LATEST:
        errors["rent_free_from"] = _("Give a date from 2000 to 2100.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def profile_save(*, institution, by, **fields) -> SubsidyProfile:
    """Create or change the institution's profile; nothing is written when a field is bad."""
    cleaned = profile_validate(fields)
    with set_actor(by), transaction.atomic():
        profile = SubsidyProfile.objects.select_for_update().filter(institution=institution).first()
        if profile is None:
            profile = SubsidyProfile(institution=institution)
        for name, value in cleaned.items():
            setattr(profile, name, value)
        profile.updated_by = by
        profile.save()
    return profile
