"""The staff an institution keeps and their certificates (the operator's side of 人才队伍).

Each write is one transaction, by the institution's operator (`guard_member` and `can_keep_staff`), and
checks everything before the first row is written: a refused write stores nothing and raises one
ValidationError with a message per field.

An ID number is checked by its check digit, stored encrypted, and matched only by its blind index
(`id_number_index`): the same person twice at one institution is refused (a former employee who comes
back has their row reopened), and the same person active at another institution at the same time (挂靠)
is told, through the outbox, to both institutions' operators and to the commission's administrators, by
name and institutions only, never the number.

A certificate's number is unique per kind across persons: the same number of the same kind recorded for
a different person (a different blind index) anywhere is refused, as is the same certificate twice on one
person. The same person's certificate at their two employments is the same certificate, and allowed.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from tuoyu.accounts import capabilities
from tuoyu.accounts.models import User
from tuoyu.core.crypto import blind_index
from tuoyu.core.files import IMAGE_KINDS, file_named_by_kind, strip_image_metadata, validate_upload
from tuoyu.core.notifications import notify_person
from tuoyu.core.validators import normalize_mobile, normalize_resident_id
from tuoyu.core.workdays import beijing_today
from tuoyu.institutions.models import ClassGroup, Institution, InstitutionMembership
from tuoyu.institutions.services import guard_member

from ..models import Certificate, CertificateKind, Employment, Post, StaffMember

SCAN_KINDS = ("pdf", "jpeg", "png")

# The fields an operator writes (staff_add takes all of them; staff_update all but the ID number, which
# is the person: a wrong number is a wrong row, ended and added again).
ADD_FIELDS = frozenset(
    {
        "name",
        "id_number",
        "mobile",
        "post",
        "employment",
        "started_on",
        "ended_on",
        "class_group",
        "background_checked_on",
        "health_checked_on",
    }
)
UPDATE_FIELDS = ADD_FIELDS - {"id_number"}
REQUIRED = ("name", "id_number", "post", "started_on")


# --- who may write ----------------------------------------------------------------------------------


def _guard_keeper(institution: Institution | int, by) -> None:
    """The institution's operator only: another institution's, an official or a visitor is refused."""
    if not capabilities.can_keep_staff(by):
        raise PermissionDenied
    guard_member(institution, by)


# --- checking the fields ------------------------------------------------------------------------------


def _text(value) -> str:
    return (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()


def _clean_fields(fields: dict, *, institution_id: int, current: StaffMember | None) -> tuple[dict, dict]:
    """The fields given, checked and normalised; the errors per field. `current` is the row being
    updated (its values fill what is not given, for the cross-field checks)."""
    allowed = UPDATE_FIELDS if current is not None else ADD_FIELDS
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Unknown staff fields: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    today = beijing_today()

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if current is None:
        for field in REQUIRED:
            if fields.get(field) in (None, ""):
                refuse(field, _("This field is required."))
    if "name" in fields:
        name = _text(fields["name"])
        if not name:
            errors.setdefault("name", [_("This field is required.")])
        elif len(name) > 50:
            refuse("name", _("Write the name in at most 50 characters."))
        clean["name"] = name
    if "id_number" in fields and fields["id_number"]:
        try:
            clean["id_number"] = normalize_resident_id(_text(fields["id_number"]))
        except ValidationError as exc:
            errors["id_number"] = exc.messages
    if "mobile" in fields:
        mobile = _text(fields["mobile"])
        if mobile:
            try:
                mobile = normalize_mobile(mobile)
            except ValidationError as exc:
                errors["mobile"] = exc.messages
        clean["mobile"] = mobile
    if "post" in fields and fields["post"]:
        if fields["post"] not in Post.values:
            refuse("post", _("Choose a post from the list."))
        clean["post"] = fields["post"]
    if "employment" in fields:
        employment = fields["employment"] or Employment.FULL_TIME
        if employment not in Employment.values:
            refuse("employment", _("Choose full-time or part-time."))
        clean["employment"] = employment
    for field in ("started_on", "ended_on", "background_checked_on", "health_checked_on"):
        if field in fields:
            value = fields[field] or None
            if value is not None and not isinstance(value, date):
                refuse(field, _("Enter a valid date."))
                continue
            if field != "started_on" or value is not None:
                clean[field] = value
    for field in ("background_checked_on", "health_checked_on"):
        if clean.get(field) and clean[field] > today:
            refuse(field, _("A check cannot be dated after today."))
    if "class_group" in fields:
        clean["class_group"] = fields["class_group"] or None

    def now(field):
        return clean[field] if field in clean else getattr(current, field, None)

    started, ended = now("started_on"), now("ended_on")
    if started and ended and ended < started and "ended_on" not in errors and "started_on" not in errors:
        refuse("ended_on", _("The end of employment cannot be before its start."))
    # A carer moved to another post leaves the class (a form sends back the class it showed).
    same_class = "class_group" not in clean or getattr(clean["class_group"], "pk", None) == getattr(
        current, "class_group_id", None
    )
    if current is not None and now("post") != Post.CARER and same_class:
        clean["class_group"] = None
    group = now("class_group")
    if group is not None and "class_group" in clean:
        message = _class_refusal(group, post=now("post"), institution_id=institution_id)
        if message:
            refuse("class_group", message)
    return clean, errors


def _class_refusal(group: ClassGroup, *, post: str | None, institution_id: int) -> str | None:
    if post != Post.CARER:
        return _("Only a carer (保育人员) is assigned to a class.")
    if group.institution_id != institution_id:
        return _("Choose a class of this institution.")
    return None


def _refuse_same_person(institution_id: int, index: str, *, exclude_pk: int | None = None) -> None:
    same = StaffMember.objects.filter(institution_id=institution_id, id_number_index=index)
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    row = same.first()
    if row is None:
        return
    if row.ended_on is not None:
        message = _(
            "This person worked here before (until %(date)s). Open their record and reopen the employment "
            "instead of adding them again."
        ) % {"date": row.ended_on.isoformat()}
    else:
        message = _("This person is already on the staff of this institution.")
    raise ValidationError({"id_number": [ValidationError(message, code="duplicate")]})


# --- staff ------------------------------------------------------------------------------------------


@transaction.atomic
def staff_add(*, institution: Institution, by, fields: dict) -> StaffMember:
    """A person joins the institution's staff."""
    _guard_keeper(institution, by)
    clean, errors = _clean_fields(fields, institution_id=institution.pk, current=None)
    if errors:
        raise ValidationError(errors)
    index = blind_index(clean["id_number"])
    _refuse_same_person(institution.pk, index)
    staff = StaffMember(institution=institution, id_number_index=index, created_by=by, **clean)
    staff.save()
    _tell_dual_employment(staff)
    return staff


@transaction.atomic
def staff_update(*, staff: StaffMember, by, fields: dict) -> StaffMember:
    """Correct or complete a person's record (not the ID number). Clearing `ended_on` reopens the
    employment of a person who comes back."""
    _guard_keeper(staff.institution_id, by)
    staff = StaffMember.objects.select_for_update().get(pk=staff.pk)
    was_active = staff.is_active_on(beijing_today())
    clean, errors = _clean_fields(fields, institution_id=staff.institution_id, current=staff)
    if errors:
        raise ValidationError(errors)
    for field, value in clean.items():
        setattr(staff, field, value)
    staff.save()
    if not was_active and staff.is_active_on(beijing_today()):
        _tell_dual_employment(staff)
    return staff


@transaction.atomic
def staff_reopen(*, staff: StaffMember, by, started_on: date) -> StaffMember:
    """A former employee comes back: their row is reopened from `started_on`, keeping their certificates."""
    _guard_keeper(staff.institution_id, by)
    staff = StaffMember.objects.select_for_update().get(pk=staff.pk)
    if staff.ended_on is None:
        raise ValidationError(_("This person still works here."), code="state")
    if not isinstance(started_on, date):
        raise ValidationError({"started_on": [_("Enter a valid date.")]})
    if started_on <= staff.ended_on:
        raise ValidationError(
            {
                "started_on": [
                    _("The new employment starts after the last one ended (%(date)s).")
                    % {"date": staff.ended_on.isoformat()}
                ]
            }
        )
    return staff_update(staff=staff, by=by, fields={"started_on": started_on, "ended_on": None})


@transaction.atomic
def staff_end(*, staff: StaffMember, by, ended_on: date) -> StaffMember:
    """The end of a person's employment (the last day worked); they leave their class."""
    _guard_keeper(staff.institution_id, by)
    staff = StaffMember.objects.select_for_update().get(pk=staff.pk)
    if staff.ended_on is not None:
        raise ValidationError(_("This employment has already ended."), code="state")
    if not isinstance(ended_on, date):
        raise ValidationError({"ended_on": [_("Enter a valid date.")]})
    if ended_on < staff.started_on:
        raise ValidationError({"ended_on": [_("The end of employment cannot be before its start.")]})
    staff.ended_on = ended_on
    staff.class_group = None
    staff.save()
    return staff


@transaction.atomic
def staff_assign_class(*, staff: StaffMember, by, class_group: ClassGroup | None) -> StaffMember:
    """Assign a carer to a class of the same institution (None: no class)."""
    _guard_keeper(staff.institution_id, by)
    staff = StaffMember.objects.select_for_update().get(pk=staff.pk)
    if class_group is not None:
        if staff.ended_on is not None and staff.ended_on < beijing_today():
            raise ValidationError({"class_group": [_("This person no longer works here.")]})
        message = _class_refusal(class_group, post=staff.post, institution_id=staff.institution_id)
        if message:
            raise ValidationError({"class_group": [message]})
    staff.class_group = class_group
    staff.save()
    return staff


# --- anti-挂靠: one person active at two institutions ----------------------------------------------


def _operators_of(institution_ids) -> list[User]:
    return [
        m.user
        for m in InstitutionMembership.objects.filter(
            institution_id__in=institution_ids,
            user__is_active=True,
            user__role__in=capabilities.STAFF_KEEPERS,
        ).select_related("user")
    ]


def _tell_dual_employment(staff: StaffMember) -> int:
    """When a row becomes active and the same person (blind index) is active at another institution:
    tell both institutions' operators and the commission's administrators. How many were told."""
    today = beijing_today()
    if not staff.is_active_on(today):
        return 0
    others = list(
        StaffMember.objects.filter(id_number_index=staff.id_number_index, started_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .exclude(institution_id=staff.institution_id)
        .select_related("institution")
    )
    if not others:
        return 0
    institutions = {staff.institution_id: staff.institution.name}
    institutions.update({other.institution_id: other.institution.name for other in others})
    body = _(
        "%(name)s is recorded as working at %(institutions)s at the same time. A person counts at one "
        "institution only: check with them, and end the employment that has ended."
    ) % {"name": staff.name, "institutions": "、".join(institutions.values())}
    subject = _("One person on the staff of two institutions")
    people = {user.pk: user for user in _operators_of(institutions)}
    admins = User.objects.filter(is_active=True, role__in=capabilities.HEALTH_COMMISSION_ADMINS)
    people.update({user.pk: user for user in admins})
    for person in people.values():
        notify_person(person, subject=subject, body=body)
    return len(people)


# --- certificates -----------------------------------------------------------------------------------


@transaction.atomic
def certificate_add(
    *,
    staff: StaffMember,
    by,
    kind: CertificateKind | None,
    number: str,
    issuer: str,
    issued_on: date | None,
    expires_on: date | None = None,
    scan=None,
) -> Certificate:
    """A certificate of a staff member, with an optional scan (PDF, JPEG or PNG, by content)."""
    _guard_keeper(staff.institution_id, by)
    errors: dict[str, list] = {}
    number = _text(number)
    issuer = _text(issuer)
    if kind is None:
        errors["kind"] = [_("Choose the kind of certificate.")]
    elif not kind.active:
        errors["kind"] = [_("This kind of certificate is no longer in use.")]
    if not number:
        errors["number"] = [_("Enter the certificate number.")]
    elif len(number) > 50:
        errors["number"] = [_("Write the number in at most 50 characters.")]
    if not issuer:
        errors["issuer"] = [_("Enter who issued the certificate.")]
    elif len(issuer) > 100:
        errors["issuer"] = [_("Write the issuer in at most 100 characters.")]
    if not isinstance(issued_on, date):
        errors["issued_on"] = [_("Enter the date of issue.")]
    elif issued_on > beijing_today():
        errors["issued_on"] = [_("The date of issue cannot be after today.")]
    if expires_on is not None and not isinstance(expires_on, date):
        errors["expires_on"] = [_("Enter a valid date.")]
    elif expires_on is not None and isinstance(issued_on, date) and expires_on < issued_on:
        errors["expires_on"] = [_("The certificate cannot expire before it was issued.")]
    file_kind = None
    if scan is not None:
        try:
            file_kind = validate_upload(scan, allowed=SCAN_KINDS)
        except ValidationError as exc:
            errors["scan"] = exc.messages
    if kind is not None and number and "number" not in errors:
        same = Certificate.objects.filter(kind=kind, number__iexact=number).select_related("staff")
        holders = {cert.staff.id_number_index for cert in same}
        if any(cert.staff_id == staff.pk for cert in same):
            errors["number"] = [
                ValidationError(_("This certificate is already recorded for this person."), code="duplicate")
            ]
        elif holders - {staff.id_number_index}:
            message = _(
                "A %(kind)s with this number is already recorded for another person. Check the number on "
                "the certificate."
            ) % {"kind": kind.name}
            errors["number"] = [ValidationError(message, code="duplicate")]
    if errors:
        raise ValidationError(errors)
    certificate = Certificate(
        staff=staff,
        kind=kind,
        number=number,
        issuer=issuer,
        issued_on=issued_on,
        expires_on=expires_on,
        created_by=by,
    )
    if scan is not None:
        content = (
            strip_image_metadata(scan)
            if file_kind in IMAGE_KINDS
            else file_named_by_kind(scan, kind=file_kind)
        )
        certificate.scan.save(content.name, content, save=False)
    certificate.save()
    return certificate


@transaction.atomic
def certificate_remove(*, certificate: Certificate, by) -> None:
    """Remove a certificate recorded by mistake (or no longer held); its scan goes once the removal is
    committed."""
    _guard_keeper(certificate.staff.institution_id, by)
    scan = certificate.scan.name
    storage = certificate.scan.storage
    certificate.delete()
    if scan:
        transaction.on_commit(lambda: storage.delete(scan))
