"""§13's two lists, for the offices that act on them (every official reads them; the commission keeps the
profiles they rest on):

- residential prices for water, electricity and gas: every filed 普惠 institution, for the water, power and
  gas companies (name, street or town, address, filing number, filed on, credit code);
- rent-free years on state-owned premises: every institution whose profile says it rents state-owned
  premises, with the first and last rent-free day and the days left, for the state-asset office (区国资委).
  The years are the rule set's (`RuleSet.rent_free_years`) in force on the first rent-free day, so a later
  change of the rule never shortens years already granted; the years are for 普惠 service, so an
  institution that is not (or no longer) 普惠 is flagged.

Each list is one query for the rows (and one for the rule sets), whatever the rows.
"""

import bisect
from dataclasses import dataclass
from datetime import date, timedelta

from tuoyu.institutions.models import Institution, InstitutionStatus

from ..models import RuleSet, SubsidyProfile


def rule_sets() -> list[RuleSet]:
    """Every version of the rules, oldest first (a handful of rows: one query)."""
    return list(RuleSet.objects.order_by("effective_from"))


def in_force(versions: list[RuleSet], on: date) -> RuleSet | None:
    """The version in force on the day: the latest that took effect on or before it; before the first
    version, the first (the list has to say something about a premises let before the rules were loaded)."""
    if not versions:
        return None
    index = bisect.bisect_right([v.effective_from for v in versions], on)
    return versions[index - 1] if index else versions[0]


def rule_set_in_force(on: date) -> RuleSet | None:
    """The version in force on the day (one query), or None when no rules are loaded."""
    found = RuleSet.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
    return found or RuleSet.objects.order_by("effective_from").first()


def rent_free_until(start: date, years: int) -> date:
    """The last rent-free day: the day before the start's anniversary `years` later (2024-03-01 →
    2027-02-28). A start on 29 February whose anniversary year has none has its anniversary on 1 March,
    so the last day is 28 February: the years are whole years and February is not cut short."""
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:  # 29 February in a common year
        anniversary = date(start.year + years, 3, 1)
    return anniversary - timedelta(days=1)


def utilities_list():
    """Filed 普惠 institutions (residential prices for water, electricity and gas), by street or town
    and name: one query."""
    return (
        Institution.objects.filter(status=InstitutionStatus.FILED, is_puhui=True)
        .select_related("unit")
        .only("pk", "name", "address", "filing_number", "filed_on", "uscc", "unit__name", "unit__path")
        .order_by("unit__path", "name", "pk")
    )


@dataclass(frozen=True)
class RentFreeRow:
    profile: SubsidyProfile
    institution: Institution
    starts_on: date | None
    ends_on: date | None
    days_left: int | None  # negative: ended that many days ago
    years: int | None
    reminder_days: int | None
    puhui: bool

    @property
    def ended(self) -> bool:
        return self.days_left is not None and self.days_left < 0


def rent_free_row(profile: SubsidyProfile, versions: list[RuleSet], on: date) -> RentFreeRow:
    start = profile.rent_free_from
    rules = in_force(versions, start) if start else None
    ends = rent_free_until(start, rules.rent_free_years) if (start and rules) else None
    institution = profile.institution
    return RentFreeRow(
        profile=profile,
        institution=institution,
        starts_on=start,
        ends_on=ends,
        days_left=(ends - on).days if ends else None,
        years=rules.rent_free_years if rules else None,
        reminder_days=rules.rent_free_reminder_days if rules else None,
        puhui=institution.is_puhui and institution.status == InstitutionStatus.FILED,
    )


def rent_free_profiles():
    return (
        SubsidyProfile.objects.filter(state_premises=True)
        .select_related("institution__unit")
        .order_by("rent_free_from", "institution__name", "pk")
    )


def rent_free_list(*, on: date) -> list[RentFreeRow]:
    """Institutions on state-owned premises with their rent-free years, the soonest to end first (a
    profile without a start day last). Two queries."""
    versions = rule_sets()
    rows = [rent_free_row(profile, versions, on) for profile in rent_free_profiles()]
    return sorted(rows, key=lambda r: (r.ends_on is None, r.ends_on or on, r.institution.name))
