"""Children a family records."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.capabilities import is_family
from tuoyu.accounts.models import User
from tuoyu.core.crypto import blind_index
from tuoyu.core.validators import normalize_resident_id

from ..models import Child, months_between

MAX_CHILD_MONTHS = 72  # a record for a child under 3 now, or one enrolled until the year they turn 6


@transaction.atomic
def child_add(
    *,
    family: User,
    name: str,
    sex: str,
    birth_date: date,
    id_number: str = "",
    is_second_or_later: bool = False,
) -> Child:
    if not is_family(family):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if not name.strip():
        errors["name"] = [_("Give the child's name.")]
    if sex not in Child.Sex.values:
        errors["sex"] = [_("Choose girl or boy.")]
    if birth_date > today:
        errors["birth_date"] = [_("The date of birth cannot be in the future.")]
    elif months_between(birth_date, today) > MAX_CHILD_MONTHS:
        errors["birth_date"] = [_("Check the date of birth: the child would be over 6 years old.")]
    index = ""
    if id_number.strip():
        try:
            id_number = normalize_resident_id(id_number)
        except ValidationError as exc:
            errors["id_number"] = exc.messages
        else:
            from stdnum.cn import ric

            if ric.get_birth_date(id_number) != birth_date and "birth_date" not in errors:
                errors["id_number"] = [
                    _("The date of birth in the ID number differs from the date of birth given.")
                ]
            index = blind_index(id_number)
            if Child.objects.filter(id_number_index=index).exists():
                errors["id_number"] = [_("A child with this ID number is already registered.")]
    if errors:
        raise ValidationError(errors)
    return Child.objects.create(
        family=family,
        name=name.strip(),
        sex=sex,
        birth_date=birth_date,
        id_number=id_number,
        id_number_index=index,
        is_second_or_later=is_second_or_later,
    )
