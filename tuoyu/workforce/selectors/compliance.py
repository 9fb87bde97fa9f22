"""Staffing compliance per institution on a day: ratios per class, health staff, the certified rate, the
flags (unsuitable, 挂靠, uncertified, unassigned) and what expires within 30 days.

`staffing_of(ids, on=day)` reads a fixed number of queries whatever the number of institutions and staff
(the standard and its rules, the post rules, the classes, the staff active that day together with the other
institutions' rows sharing a blind index, their certificates) and computes everything with `rules.py`.

It also offers two institution facts (`core.facts`), read by other apps without importing this one:
`carers_by_class` (the inspections' carer-ratio item) and `workforce` (the register's public page: counts
only, never a name). An institution with no staff active today has neither fact: nothing is known.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from tuoyu.core.facts import institution_fact
from tuoyu.core.workdays import beijing_today
from tuoyu.institutions.models import ClassGroup

from .. import rules
from ..models import (
    Certificate,
    CertificateCategory,
    HealthStaffRule,
    Post,
    PostCertification,
    RatioRule,
    StaffingStandard,
    StaffMember,
)

EXPIRY_WINDOW_DAYS = 30

# The kinds of flag, in the order a page lists them.
NO_HEALTH_CHECK = "no_health_check"
NO_BACKGROUND_CHECK = "no_background_check"
DUAL_EMPLOYMENT = "dual_employment"
NOT_CERTIFIED = "not_certified"
NO_CLASS = "no_class"
FLAG_KINDS = (NO_HEALTH_CHECK, NO_BACKGROUND_CHECK, DUAL_EMPLOYMENT, NOT_CERTIFIED, NO_CLASS)
# Flags that make a person unsuitable (not counted for ratios).
UNSUITABLE = frozenset({NO_HEALTH_CHECK, NO_BACKGROUND_CHECK})


@dataclass(frozen=True)
class ClassRatio:
    """One class on the day: children enrolled, weighted carers counted, carers needed by the standard
    (ceil(enrolled ÷ children_per_carer)) and whether the ratio is met. `children_per_carer` is None and
    `met` is None when the standard has no ratio for the class's age group (or no standard is in effect)."""

    class_id: int
    name: str
    age_group: str
    enrolled: int
    carers: Decimal
    needed: int
    children_per_carer: int | None
    met: bool | None


@dataclass(frozen=True)
class StaffFlag:
    """Something wrong with one staff row: `kind` is one of FLAG_KINDS, `detail` says it in words (for a
    dual employment: the other institutions, since when)."""

    staff_id: int
    name: str
    kind: str
    detail: str


@dataclass(frozen=True)
class Expiry:
    """A certificate or health check of an active staff member that stops counting within 30 days:
    `what` is the certificate kind's name or "health check", `expires_on` its last valid day."""

    staff_id: int
    name: str
    what: str
    expires_on: date
    certificate_id: int | None = None  # None: the health check


@dataclass
class InstitutionStaffing:
    """One institution's staffing on a day.

    `carers` is the headcount of carers counted (active, suitable, not the other side of a 挂靠), whatever
    their class; each class's `carers` is weighted (part-time counts `part_time_weight`). `health_needed`
    and `health_met` come from the health staff rule for the enrolled total. `certified_rate` is a
    percentage with one decimal, None when no one is certifiable. `has_staff`: any staff row active that
    day (without one, the numbers say nothing about the institution)."""

    institution_id: int
    on: date
    classes: list[ClassRatio] = field(default_factory=list)
    all_classes_met: bool | None = None
    carers: int = 0
    health_staff: int = 0
    health_needed: int = 0
    health_met: bool = True
    certified: int = 0
    certifiable: int = 0
    certified_rate: Decimal | None = None
    flags: list[StaffFlag] = field(default_factory=list)
    expiring: list[Expiry] = field(default_factory=list)
    has_staff: bool = False
    enrolled: int = 0

    @property
    def short_classes(self) -> list[ClassRatio]:
        return [c for c in self.classes if c.met is False]

    def flags_of(self, staff_id: int) -> list[StaffFlag]:
        return [f for f in self.flags if f.staff_id == staff_id]


def standard_on(on: date) -> rules.Standard | None:
    """The newest staffing standard in effect on the day, with its ratios and health staff rules, as plain
    values (three queries), or None when none is loaded."""
    standard = StaffingStandard.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
    if standard is None:
        return None
    ratios = dict(RatioRule.objects.filter(standard=standard).values_list("age_group", "children_per_carer"))
    health = tuple(
        rules.HealthRule(r.min_children, r.max_children, r.required, r.full_time_required)
        for r in HealthStaffRule.objects.filter(standard=standard).order_by("min_children")
    )
    return rules.Standard(
        part_time_weight=standard.part_time_weight,
        health_check_valid_months=standard.health_check_valid_months,
        background_check_required=standard.background_check_required,
        children_per_carer=ratios,
        health_rules=health,
    )


def kinds_for_post() -> dict[str, frozenset[int]]:
    """{post: the certificate kind ids that make it certified} (one query)."""
    found: dict[str, set[int]] = defaultdict(set)
    for post, kind_id in PostCertification.objects.order_by().values_list("post", "kind_id"):
        found[post].add(kind_id)
    return {post: frozenset(ids) for post, ids in found.items()}


def _active_on(on: date) -> Q:
    return Q(started_on__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gte=on))


def _people(institution_ids: list[int], on: date):
    """(people at these institutions, rows elsewhere sharing their blind index, institution names of those
    rows): one query for both, a second for the certificates of the first."""
    mine = StaffMember.objects.filter(_active_on(on), institution_id__in=institution_ids)
    rows = list(
        StaffMember.objects.filter(_active_on(on))
        .filter(Q(institution_id__in=institution_ids) | Q(id_number_index__in=mine.values("id_number_index")))
        .select_related("institution")
        .only(
            "pk",
            "institution_id",
            "institution__name",
            "id_number_index",
            "name",
            "post",
            "employment",
            "started_on",
            "ended_on",
            "class_group_id",
            "background_checked_on",
            "health_checked_on",
        )
        .order_by("institution_id", "post", "name", "pk")
    )
    wanted = set(institution_ids)
    credentials: dict[int, list[rules.Credential]] = defaultdict(list)
    certificates = (
        Certificate.objects.filter(staff__in=[row.pk for row in rows if row.institution_id in wanted])
        .filter(issued_on__lte=on)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))
        .select_related("kind")
        .only("pk", "staff_id", "issued_on", "expires_on", "kind__id", "kind__name", "kind__category")
        .order_by("staff_id", "expires_on", "pk")
    )
    for certificate in certificates:
        credentials[certificate.staff_id].append(
            rules.Credential(
                kind_id=certificate.kind_id,
                issued_on=certificate.issued_on,
                expires_on=certificate.expires_on,
                is_health_certificate=certificate.kind.category == CertificateCategory.HEALTH_CERTIFICATE,
                certificate_id=certificate.pk,
                kind_name=certificate.kind.name,
            )
        )
    people = [
        rules.Person(
            staff_id=row.pk,
            institution_id=row.institution_id,
            id_number_index=row.id_number_index,
            name=row.name,
            post=row.post,
            employment=row.employment,
            started_on=row.started_on,
            ended_on=row.ended_on,
            class_id=row.class_group_id,
            background_checked_on=row.background_checked_on,
            health_checked_on=row.health_checked_on,
            credentials=tuple(credentials.get(row.pk, ())),
        )
        for row in rows
    ]
    names = {row.institution_id: row.institution.name for row in rows}
    return people, names


def staffing_of(institution_ids, *, on: date | None = None) -> dict[int, InstitutionStaffing]:
    """{institution id: InstitutionStaffing} for every id asked, on the day (today in Beijing by default).

    A fixed number of queries (seven) whatever the institutions and staff."""
    on = on or beijing_today()
    ids = sorted({int(i) for i in institution_ids})
    result = {i: InstitutionStaffing(institution_id=i, on=on) for i in ids}
    if not ids:
        return result
    standard = standard_on(on)
    post_kinds = kinds_for_post()
    classes = list(
        ClassGroup.objects.filter(institution_id__in=ids)
        .only("pk", "institution_id", "name", "age_group", "enrolled")
        .order_by("institution_id", "name", "pk")
    )
    people, institution_names = _people(ids, on)
    flagged, not_counting = rules.dual_employment(people, on)
    rows_by_index: dict[str, list[rules.Person]] = defaultdict(list)
    for person in people:
        if person.staff_id in flagged:
            rows_by_index[person.id_number_index].append(person)

    effective = standard or rules.Standard()
    own = [p for p in people if p.institution_id in result]
    by_institution: dict[int, list[rules.Person]] = defaultdict(list)
    for person in own:
        by_institution[person.institution_id].append(person)
    classes_by_institution: dict[int, list[ClassGroup]] = defaultdict(list)
    for group in classes:
        classes_by_institution[group.institution_id].append(group)

    horizon = on + timedelta(days=EXPIRY_WINDOW_DAYS)
    for institution_id, staffing in result.items():
        staff = by_institution.get(institution_id, [])
        staffing.has_staff = bool(staff)
        for group in classes_by_institution.get(institution_id, []):
            per = standard.children_per_carer.get(group.age_group) if standard else None
            carers = rules.class_carers(staff, group.pk, effective, on, not_counting)
            needed = rules.carers_needed(group.enrolled, per) if per else 0
            staffing.classes.append(
                ClassRatio(
                    class_id=group.pk,
                    name=group.name,
                    age_group=group.age_group,
                    enrolled=group.enrolled,
                    carers=carers,
                    needed=needed,
                    children_per_carer=per,
                    met=(carers >= needed) if per else None,
                )
            )
            staffing.enrolled += group.enrolled
        known = [c.met for c in staffing.classes]
        staffing.all_classes_met = None if (not known or None in known) else all(known)

        health_full_time = 0
        for person in staff:
            suitable = rules.is_suitable(person, effective, on)
            counting = person.staff_id not in not_counting
            if person.post == rules.CARER and suitable and counting:
                staffing.carers += 1
            if person.post == rules.HEALTH and suitable and counting:
                staffing.health_staff += 1
                health_full_time += person.employment == rules.FULL_TIME
            if counting and rules.is_certifiable_post(person.post, post_kinds):
                staffing.certifiable += 1
                staffing.certified += rules.is_certified(person, post_kinds, on)
            staffing.flags.extend(
                _flags(person, effective, on, post_kinds, rows_by_index, institution_names, flagged)
            )
            staffing.expiring.extend(_expiring(person, effective, on, horizon))
        rule = rules.health_rule_for(staffing.enrolled, effective)
        staffing.health_needed = rule.required if rule else 0
        staffing.health_met = rules.health_staff_met(staffing.health_staff, health_full_time, rule)
        staffing.certified_rate = rules.certified_rate(staffing.certified, staffing.certifiable)
        staffing.expiring.sort(key=lambda e: (e.expires_on, e.name, e.staff_id))
    return result


def _flags(person, standard, on, post_kinds, rows_by_index, institution_names, flagged) -> list[StaffFlag]:
    flags = []

    def add(kind, detail):
        flags.append(StaffFlag(staff_id=person.staff_id, name=person.name, kind=kind, detail=detail))

    if not rules.health_ok(person, standard, on):
        add(NO_HEALTH_CHECK, _("No valid health certificate or health check"))
    if not rules.background_ok(person, standard, on):
        add(NO_BACKGROUND_CHECK, _("No background check (入职查询) on file"))
    if person.staff_id in flagged:
        others = [
            row
            for row in rows_by_index[person.id_number_index]
            if row.institution_id != person.institution_id
        ]
        add(
            DUAL_EMPLOYMENT,
            _("Also employed at %(institutions)s")
            % {
                "institutions": "、".join(
                    f"{institution_names.get(row.institution_id, '')} ({row.started_on.isoformat()})"
                    for row in others
                )
            },
        )
    if rules.is_certifiable_post(person.post, post_kinds) and not rules.is_certified(person, post_kinds, on):
        add(NOT_CERTIFIED, _("No valid certificate for the post"))
    if person.post == Post.CARER and person.class_id is None:
        add(NO_CLASS, _("Not assigned to a class"))
    return flags


def _outlasts(credential: rules.Credential, day: date) -> bool:
    return credential.expires_on is None or credential.expires_on > day


def _expiring(person, standard, on, horizon) -> list[Expiry]:
    """What stops counting within the window, leaving out what is already renewed: a certificate with a
    newer one of the same kind lasting longer, a health check with a health certificate lasting longer."""
    found = [
        Expiry(person.staff_id, person.name, c.kind_name, c.expires_on, c.certificate_id)
        for c in person.credentials
        if c.expires_on is not None
        and on <= c.expires_on <= horizon
        and not any(o.kind_id == c.kind_id and _outlasts(o, c.expires_on) for o in person.credentials)
    ]
    if person.health_checked_on is not None:
        until = rules.health_check_valid_until(person.health_checked_on, standard.health_check_valid_months)
        renewed = any(c.is_health_certificate and _outlasts(c, until) for c in person.credentials)
        if person.health_checked_on <= on and on <= until <= horizon and not renewed:
            found.append(Expiry(person.staff_id, person.name, _("Health check"), until))
    return found


@institution_fact("carers_by_class")
def carers_by_class(institution_ids: list[int]) -> dict[int, dict[int, dict]]:
    """{institution id: {class id: {"carers": weighted carers counted, "needed": carers the standard asks}}}
    today, for institutions with staff on file (the inspections' carer-ratio item)."""
    return {
        institution_id: {
            c.class_id: {"carers": c.carers, "needed": c.needed}
            for c in staffing.classes
            if c.children_per_carer
        }
        for institution_id, staffing in staffing_of(institution_ids).items()
        if staffing.has_staff
    }


@institution_fact("workforce")
def workforce_summary(institution_ids: list[int]) -> dict[int, dict]:
    """The public summary today, without a name: carers and health staff counted, the certified rate and
    whether every class meets its ratio; only for institutions with staff on file."""
    return {
        institution_id: {
            "carers": staffing.carers,
            "health_staff": staffing.health_staff,
            "health_met": staffing.health_met,
            "certified_rate": staffing.certified_rate,
            "all_classes_met": staffing.all_classes_met,
        }
        for institution_id, staffing in staffing_of(institution_ids).items()
        if staffing.has_staff
    }
