"""The record pages' reads: each list is a fixed number of queries whatever its rows (the measurements are
counted and the latest growth flags read by subqueries, not per row), and the access log a guardian sees.

Who may read which record is `records_for(user)` in the package's `__init__`; everything here starts from
it or from a record the caller already reached through it.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, IntegerField, JSONField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts import capabilities
from tuoyu.accounts.models import AccessKind, AccessLog, Role
from tuoyu.bookings.models import Enrolment, EnrolmentStatus
from tuoyu.core.filters import MAX_ID
from tuoyu.institutions.selectors import institutions_of

from .. import rules
from ..models import EntryResult, HealthRecord, Measurement, RecordTransfer, TransferStatus, VaccinationStatus
from . import records_for

# --- one record ----------------------------------------------------------------------------------------


def _id(pk) -> int | None:
    try:
        value = int(pk)
    except (TypeError, ValueError):
        return None
    return value if 1 <= value <= MAX_ID else None


def record_for(user, pk) -> HealthRecord:
    """One record the person may read, or 404: a record outside the rule looks like no record."""
    record = with_summary(records_for(user)).filter(pk=_id(pk)).first() if _id(pk) else None
    if record is None:
        raise Http404
    return record


def pending_transfer_of(record: HealthRecord) -> RecordTransfer | None:
    return (
        record.transfers.filter(status=TransferStatus.PENDING)
        .select_related("from_institution", "to_institution")
        .first()
    )


# --- completeness and flags ------------------------------------------------------------------------------


def with_summary(records: QuerySet[HealthRecord]) -> QuerySet[HealthRecord]:
    """Records with what their summary needs, in the same query: `measurement_count`, `latest_flags` (the
    growth flags of the latest measurement) and `moving` (a transfer waiting for the guardian)."""
    counted = (
        Measurement.objects.filter(record=OuterRef("pk"))
        .order_by()
        .values("record")
        .annotate(n=Count("pk"))
        .values("n")
    )
    latest = (
        Measurement.objects.filter(record=OuterRef("pk")).order_by("-measured_on", "-pk").values("flags")[:1]
    )
    return records.annotate(
        measurement_count=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0)),
        latest_flags=Subquery(latest, output_field=JSONField()),
        moving=Exists(RecordTransfer.objects.filter(record=OuterRef("pk"), status=TransferStatus.PENDING)),
    )


@dataclass(frozen=True)
class Completeness:
    """The three parts of a complete record (rules.PARTS) and whether each is there."""

    entry_check: bool
    vaccination: bool
    growth: bool

    @property
    def complete(self) -> bool:
        return self.entry_check and self.vaccination and self.growth

    @property
    def missing(self) -> tuple[str, ...]:
        done = {
            rules.ENTRY_CHECK: self.entry_check,
            rules.VACCINATION: self.vaccination,
            rules.GROWTH: self.growth,
        }
        return tuple(part for part in rules.PARTS if not done[part])


def record_completeness(record: HealthRecord) -> Completeness:
    """What the record has of the three parts, by the indicator's rule (rules.missing_parts). Uses the
    `measurement_count` of `with_summary` when the row has it, else counts (one query)."""
    count = getattr(record, "measurement_count", None)
    if count is None:
        count = record.measurements.count()
    missing = rules.missing_parts(
        entry_check_on=record.entry_check_on,
        entry_check_result=record.entry_check_result,
        vaccination_status=record.vaccination_status,
        measurements=count,
        vaccination_checked_on=record.vaccination_checked_on,
    )
    return Completeness(
        entry_check=rules.ENTRY_CHECK not in missing,
        vaccination=rules.VACCINATION not in missing,
        growth=rules.GROWTH not in missing,
    )


# What a health staff's list marks on a child's card, so the children to see to stand out. The codes are
# stable (data-flag in the page); the labels say what to do.
FLAG_LABELS = {
    "entry_follow_up": _("Follow-up after the entry check"),
    "entry_unfit": _("Not fit to attend yet"),
    "doses_missing": _("Vaccinations to catch up"),
    "allergy": _("Allergies"),
    "special_needs": _("Special needs"),
    "growth": _("Growth flagged"),
    "moving": _("Moving to another institution"),
}


@dataclass(frozen=True)
class Flag:
    code: str
    label: str


def record_flags(record: HealthRecord) -> list[Flag]:
    """The marks of a record on a list, from the row and the `with_summary` annotations."""
    codes = []
    if record.entry_check_result == EntryResult.FOLLOW_UP:
        codes.append("entry_follow_up")
    elif record.entry_check_result == EntryResult.UNFIT:
        codes.append("entry_unfit")
    if record.vaccination_status == VaccinationStatus.MISSING:
        codes.append("doses_missing")
    if record.allergies:
        codes.append("allergy")
    if record.special_needs:
        codes.append("special_needs")
    if getattr(record, "latest_flags", None):
        codes.append("growth")
    if getattr(record, "moving", False):
        codes.append("moving")
    return [Flag(code, str(FLAG_LABELS[code])) for code in codes]


def _summarised(rows: list[HealthRecord]) -> list[HealthRecord]:
    for row in rows:
        row.completeness = record_completeness(row)
        row.flags = record_flags(row)
    return rows


# --- the health staff's list -----------------------------------------------------------------------------


def kept_institutions(user) -> QuerySet:
    """The institutions whose records a health staff member keeps (their memberships)."""
    if not capabilities.keeps_health_records(user):
        return institutions_of(user).none()
    return institutions_of(user).order_by("name", "pk")


def records_of_institution(user, institution) -> list[HealthRecord]:
    """The records an institution keeps, each with `class_name` (the class the child attends there, None
    once the child has left), `completeness` and `flags`; by class, then name. Three queries at most."""
    attending = Enrolment.objects.filter(
        child=OuterRef("child"), institution=OuterRef("institution"), status=EnrolmentStatus.ACTIVE
    ).values("class_group__name")[:1]
    rows = list(
        with_summary(records_for(user).filter(institution=institution))
        .annotate(class_name=Subquery(attending))
        .order_by("class_name", "child__name", "pk")
    )
    # Children who left sort last, not first (PostgreSQL and SQLite put NULLs differently).
    rows.sort(key=lambda r: r.class_name is None)
    return _summarised(rows)


def incoming_transfers(user, institution) -> list[RecordTransfer]:
    """Children enrolled here whose record another institution keeps until the guardian consents: the
    health staff records a consent given on paper."""
    if not capabilities.keeps_health_records(user):
        return []
    return list(
        RecordTransfer.objects.filter(to_institution=institution, status=TransferStatus.PENDING)
        .filter(to_institution__in=institutions_of(user))
        .select_related("record__child", "from_institution")
        .order_by("record__child__name", "pk")
    )


# --- the child-health officer's search -------------------------------------------------------------------


def records_search(user, *, institution=None, name: str = "") -> QuerySet[HealthRecord]:
    """Records by the institution keeping them and part of the child's name; for the officer's pages (a
    paginator cuts it). Everyone else gets what records_for gives them."""
    records = with_summary(records_for(user))
    if institution is not None:
        records = records.filter(institution=institution)
    name = (name or "").strip()
    if name:
        records = records.filter(child__name__icontains=name)
    return records.order_by("institution__name", "child__name", "pk")


def summarise(page_rows) -> list[HealthRecord]:
    """Completeness and flags on rows already read (a page of `records_search`)."""
    return _summarised(list(page_rows))


# --- the guardian's page ---------------------------------------------------------------------------------


def family_records(user) -> list[HealthRecord]:
    """A guardian's children's records, each with `completeness` and `pending` (the transfer waiting for
    their consent, or None). Two queries."""
    rows = list(with_summary(records_for(user)).filter(child__family=user).order_by("child__name", "pk"))
    pending = {
        t.record_id: t
        for t in RecordTransfer.objects.filter(record__in=[r.pk for r in rows], status=TransferStatus.PENDING)
        .select_related("from_institution", "to_institution")
        .order_by("pk")
    }
    for row in _summarised(rows):
        row.pending = pending.get(row.pk)
    return rows


def transfers_for(user) -> QuerySet[RecordTransfer]:
    """The transfers a person may decide: the guardian's children's (online), and those coming to a
    health staff member's institution (on paper). Others none: a transfer outside is a 404."""
    transfers = RecordTransfer.objects.select_related("record__child", "from_institution", "to_institution")
    if capabilities.is_family(user):
        return transfers.filter(record__child__family=user)
    if capabilities.keeps_health_records(user):
        return transfers.filter(to_institution__in=institutions_of(user))
    return transfers.none()


def transfer_for(user, pk) -> RecordTransfer:
    transfer = transfers_for(user).filter(pk=_id(pk)).first() if _id(pk) else None
    if transfer is None:
        raise Http404
    return transfer


# --- who looked ------------------------------------------------------------------------------------------
# What each read was (AccessLog.detail holds the code; the guardian reads the label).
READ_LABELS = {
    "page": _("The record page"),
    "form": _("A form of the record"),
    "report": _("The entry check report"),
    "api": _("The API"),
}


@dataclass(frozen=True)
class Access:
    """One read of a record as the guardian sees it: when, who (a display name, never a family member's
    user name, which is their mobile number), their role and, for institution staff, where they work."""

    at: datetime
    who: str
    role: str
    role_code: str
    where: str
    is_you: bool
    detail: str


def record_accesses(record: HealthRecord) -> QuerySet[AccessLog]:
    """The access log rows of this record, newest first (the rows, for a paginator)."""
    return (
        AccessLog.objects.filter(
            kind=AccessKind.HEALTH_RECORD,
            content_type=ContentType.objects.get_for_model(HealthRecord),
            object_id=str(record.pk),
        )
        .select_related("user")
        .prefetch_related("user__institution_memberships__institution")
        .order_by("-at", "-id")
    )


def describe_accesses(rows, *, viewer) -> list[Access]:
    """Rows of record_accesses (a page of them) as the guardian sees them."""
    shown = []
    for row in rows:
        user = row.user
        if user is None:
            who, role, where = "", str(_("An account since removed")), ""
        else:
            role = Role(user.role).label if user.role in Role.values else ""
            # A family member's user name is their mobile number: only a name they chose is shown.
            who = user.display_name or ""
            where = "、".join(
                m.institution.name for m in user.institution_memberships.all() if user.role != Role.FAMILY
            )
        shown.append(
            Access(
                at=row.at,
                who=who,
                role=str(role),
                role_code=user.role if user is not None else "",
                where=where,
                is_you=viewer is not None and row.user_id == viewer.pk,
                detail=str(READ_LABELS.get(row.detail, row.detail)),
            )
        )
    return shown


def accesses_of(record: HealthRecord, *, viewer=None) -> list[Access]:
    """Who read the record and when, newest first (all of it; pages use record_accesses with a paginator)."""
    return describe_accesses(record_accesses(record), viewer=viewer)
