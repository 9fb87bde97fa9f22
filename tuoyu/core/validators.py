"""Identifier checks by their check digits (python-stdnum, phonenumbers), never by hand-written regexes."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError


def normalize_uscc(value: str) -> str:
    """Return the compact, check-digit-verified unified social credit code or raise ValidationError."""
    try:
        return uscc.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _(
                "The unified social credit code %(value)s is not valid: check its 18 characters and the last check character."
            ),
            code="uscc",
            params={"value": value},
        ) from exc


def validate_uscc(value: str) -> None:
    normalize_uscc(value)


def normalize_resident_id(value: str) -> str:
    try:
        return ric.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("The ID number is not valid: check the 18 digits and the last check digit."), code="ric"
        ) from exc


def normalize_mobile(value: str) -> str:
    """Mainland mobile numbers in their 11-digit national form."""
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("Please enter an 11-digit mobile number."), code="mobile") from exc
    national = str(number.national_number)
    if (
        number.country_code != 86
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number)
        not in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    ):
        raise ValidationError(_("Please enter an 11-digit mobile number."), code="mobile")
    return national


def mask_middle(value: str, keep_start: int = 3, keep_end: int = 4) -> str:
    """Masked for screens: 138****8000, 500***********1234."""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def required_text(value: str | None, *, field: str, message: str) -> str:
    """A service's required free text (a reason, a note on a decision): stripped, or refused with the
    message on that field (code "required"), so a blank or all-space answer never reaches the record."""
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [message]}, code="required")
    return value
