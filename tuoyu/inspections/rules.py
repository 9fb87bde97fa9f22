"""Checklist items answered from the register (国家标准中可由登记数据核验的条款).

A rule is a named function `f(institution) -> RuleOutcome`, registered with `@rule("name")`; a
ChecklistItem names it in `auto_rule`. When an inspection starts, each item with a rule gets the rule's
answer ("pass", "fail", or None when the register cannot tell) and what the register shows (`detail`), and
the inspector confirms or changes it on site: the register proposes, the inspector decides.

Each rule reads the register once, whatever the size of the institution (a fixed number of queries).

Staff data is not in the register. The carer-to-child ratio reads it as the institution fact
"carers_by_class" (`core.facts`), which the workforce app registers (`workforce.selectors.compliance`):

    {institution_id: {class_group_id: {"carers": counted carers, "needed": carers the standard asks}}}

The ratios are workforce's data (its staffing standard), so "needed" is taken from the fact when given; a
bare number of carers is checked against CHILDREN_PER_CARER below. Without the fact, or for a class it does
not know, the rule says it cannot be checked and leaves the item to the inspector.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.core.facts import institution_fact_of
from tuoyu.filings.models import FilingMaterial, FilingStatus, MaterialKind
from tuoyu.filings.services import MIN_LEASE_YEARS
from tuoyu.institutions.models import CLASS_SIZE_LIMITS, AgeGroup, Institution

from .models import Answer

PASS = Answer.PASS.value
FAIL = Answer.FAIL.value

# 《托育机构设置标准（试行）》: one carer for at most 3 infants (乳儿班), 5 toddlers (托小班), 7 older toddlers
# (托大班). A mixed class (18–36 months) takes toddlers, so it is held to the toddlers' 1:5.
CHILDREN_PER_CARER = {AgeGroup.INFANT: 3, AgeGroup.TODDLER: 5, AgeGroup.PRESCHOOL: 7, AgeGroup.MIXED: 5}
CARERS_FACT = "carers_by_class"


@dataclass(frozen=True)
class RuleOutcome:
    answer: str | None  # "pass", "fail", or None: the register cannot tell, the inspector answers
    detail: str  # what the register shows, in words for the inspector


Rule = Callable[[Institution], RuleOutcome]
RULES: dict[str, Rule] = {}


def rule(name: str) -> Callable[[Rule], Rule]:
    """Register `f(institution) -> RuleOutcome` under `name` (the value of ChecklistItem.auto_rule)."""

    def register(function: Rule) -> Rule:
        if name in RULES and RULES[name] is not function:
            raise ValueError(f"checklist rule {name!r} is registered twice")
        RULES[name] = function
        return function

    return register


def evaluate(name: str, institution: Institution) -> RuleOutcome:
    """The named rule's outcome; an unknown name (a typo in the checklist data) answers nothing."""
    function = RULES.get(name)
    if function is None:
        return RuleOutcome(None, _("No register check is called “%(name)s”.") % {"name": name})
    return function(institution)


def _group_label(age_group: str) -> str:
    try:
        return str(AgeGroup(age_group).label)
    except ValueError:
        return age_group


@rule("class_size")
def class_size(institution: Institution) -> RuleOutcome:
    """Every class within its national limit (乳儿班 10, 托小班 15, 托大班 20, 混合班 18), in slots and in
    children. The register refuses a larger class, so a failure here means data that predates the rule."""
    classes = list(institution.classes.order_by("name", "pk"))
    if not classes:
        return RuleOutcome(None, _("The register lists no classes."))
    over, lines = [], []
    for group in classes:
        limit = CLASS_SIZE_LIMITS.get(group.age_group)
        line = _("%(name)s (%(group)s): %(capacity)s slots, %(enrolled)s children, limit %(limit)s") % {
            "name": group.name,
            "group": _group_label(group.age_group),
            "capacity": group.capacity,
            "enrolled": group.enrolled,
            "limit": limit if limit is not None else "—",
        }
        lines.append(line)
        if limit is not None and max(group.capacity, group.enrolled) > limit:
            over.append(line)
    if over:
        return RuleOutcome(FAIL, _("Over the limit: %(classes)s") % {"classes": "；".join(over)})
    return RuleOutcome(PASS, "；".join(lines))


@rule("enrolment")
def enrolment(institution: Institution) -> RuleOutcome:
    """Children enrolled not above the slots on file (the register's running totals: no query)."""
    slots, enrolled = institution.capacity_total, institution.enrolled_total
    if not slots:
        return RuleOutcome(None, _("The register lists no slots."))
    detail = _("%(enrolled)s children enrolled in %(slots)s slots") % {"enrolled": enrolled, "slots": slots}
    return RuleOutcome(FAIL if enrolled > slots else PASS, detail)


def _years_after(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


@rule("lease_term")
def lease_term(institution: Institution) -> RuleOutcome:
    """Owned premises, or a lease of at least 3 years still running, from the newest approved filing's
    premises material (one query)."""
    material = (
        FilingMaterial.objects.filter(
            filing__institution=institution,
            filing__status=FilingStatus.APPROVED,
            kind__in=[MaterialKind.PREMISES_LEASE, MaterialKind.PREMISES_OWN],
            superseded=False,
        )
        .order_by("-filing__decided_at", "-filing__pk", "-uploaded_at", "-pk")
        .only("kind", "lease_start", "lease_end")
        .first()
    )
    if material is None:
        return RuleOutcome(None, _("No approved filing with proof of the premises is on record."))
    if material.kind == MaterialKind.PREMISES_OWN:
        return RuleOutcome(PASS, _("The filing proves the premises are owned: no lease is needed."))
    start, end = material.lease_start, material.lease_end
    if start is None or end is None:
        return RuleOutcome(None, _("The filed lease has no start or end date on record."))
    detail = _("Lease from %(start)s to %(end)s") % {"start": start.isoformat(), "end": end.isoformat()}
    if end < _years_after(start, MIN_LEASE_YEARS):
        return RuleOutcome(
            FAIL, _("%(detail)s: shorter than %(years)s years") % {"detail": detail, "years": MIN_LEASE_YEARS}
        )
    if end < timezone.localdate():
        return RuleOutcome(FAIL, _("%(detail)s: the lease has ended") % {"detail": detail})
    return RuleOutcome(PASS, detail)


def carers_by_class(institution_id: int) -> dict | None:
    """Carers per class from the staff app's fact, or None while no app offers it."""
    facts = institution_fact_of(CARERS_FACT, [institution_id])
    if facts is None:
        return None
    return facts.get(institution_id) or {}


@rule("carer_ratio")
def carer_ratio(institution: Institution) -> RuleOutcome:
    """Carers for the children enrolled in each class: 1:3, 1:5, 1:7 (a fixed number of queries: the
    classes and each registered fact once)."""
    carers = carers_by_class(institution.pk)
    if carers is None:
        return RuleOutcome(None, _("Cannot be checked from the register: no staff data."))
    classes = [group for group in institution.classes.order_by("name", "pk") if group.enrolled]
    if not classes:
        return RuleOutcome(None, _("The register lists no children in any class."))
    short, lines, unknown = [], [], []
    for group in classes:
        have = carers.get(group.pk, carers.get(str(group.pk)))
        if have is None:
            unknown.append(group.name)
            continue
        need = None
        if isinstance(have, dict):  # the workforce fact: carers counted and carers the standard needs
            have, need = have.get("carers"), have.get("needed")
        if need is None:
            need = math.ceil(group.enrolled / CHILDREN_PER_CARER.get(group.age_group, 3))
        line = _("%(name)s: %(enrolled)s children, %(carers)s carers, %(need)s needed") % {
            "name": group.name,
            "enrolled": group.enrolled,
            "carers": have,
            "need": need,
        }
        lines.append(line)
        if have < need:
            short.append(line)
    if short:
        return RuleOutcome(FAIL, _("Too few carers: %(classes)s") % {"classes": "；".join(short)})
    if unknown:
        return RuleOutcome(
            None,
            _("Cannot be checked from the register: no staff data for %(classes)s.")
            % {"classes": "、".join(unknown)},
        )
    return RuleOutcome(PASS, "；".join(lines))
