"""Who may do what, named once (manage.get.gov's named permission rules).

The role sets are spelled here and nowhere else. Views declare access with them
(`role_required(*capabilities.FILING_REVIEWERS)`), services and selectors ask the named predicates
(`can_review_filings(user)`), and membership of an institution is one query
(`tuoyu.institutions.selectors.is_member` / `institutions_of`). A new capability adds a set and a
predicate here; an app never compares `user.role` with a literal role itself.
"""

from .models import GOVERNMENT_ROLES, INSTITUTION_ROLES, STAFF_ROLES, Role

# --- the role sets ---------------------------------------------------------------------------------
FAMILIES = frozenset({Role.FAMILY})
INSTITUTION = INSTITUTION_ROLES
GOVERNMENT = GOVERNMENT_ROLES
STAFF = STAFF_ROLES
# The health commission: reviews filings, moderates reviews, sees everything its programme owns.
HEALTH_COMMISSION = frozenset({Role.HC_REVIEWER, Role.HC_ADMIN})
HEALTH_COMMISSION_ADMINS = frozenset({Role.HC_ADMIN})
FILING_REVIEWERS = HEALTH_COMMISSION
REVIEW_MODERATORS = HEALTH_COMMISSION
# Those who run an institution day to day: its operator and its staff (not the health staff, whose work
# is the children's health records). They keep the public page, answer reviews and handle admissions.
INSTITUTION_OFFICE = frozenset({Role.INSTITUTION_OPERATOR, Role.INSTITUTION_STAFF})
ADMISSIONS = INSTITUTION_OFFICE
# Street and town officers: territorial responsibility for one unit (§16 属地责任).
STREET_OFFICERS = frozenset({Role.STREET_OFFICER})
OPERATORS = frozenset({Role.INSTITUTION_OPERATOR})  # answers for an institution: files, reports
DEPARTMENT_OFFICERS = frozenset({Role.DEPARTMENT_OFFICER})  # another supervising department
# The commission and the supervising departments: coordination cases (一事一议) are theirs together.
SUPERVISORS = HEALTH_COMMISSION | DEPARTMENT_OFFICERS
# Complaints are handled by the commission and by the department a complaint is assigned to …
COMPLAINT_HANDLERS = SUPERVISORS
# … and read, for their own unit, by street and town officers too.
COMPLAINT_VIEWERS = COMPLAINT_HANDLERS | {Role.STREET_OFFICER}
# Supervision (issue 12): the commission and the departments plan inspections for their own department;
# their officers may be on the inspector roster (an inspections.Inspector row decides who inspects).
INSPECTION_PLANNERS = SUPERVISORS
INSPECTORS = SUPERVISORS
# … and street and town officers follow inspections and open findings in their unit.
INSPECTION_VIEWERS = SUPERVISORS | STREET_OFFICERS
# A suspension after a serious finding is recorded against the filing, which the commission keeps.
SUSPENDERS = HEALTH_COMMISSION
# Grading (等级评定) is run by the commission; the guidance centre's experts score with it.
GRADING_MANAGERS = HEALTH_COMMISSION
ASSESSORS = HEALTH_COMMISSION | {Role.GUIDANCE_CENTRE}
# Workforce (issue 13): an institution's operator keeps its staff and their certificates (ID numbers,
# suitability checks), and enrols them on courses.
STAFF_KEEPERS = OPERATORS
# The commission sees the people behind a flag (one person at two institutions, 挂靠) …
WORKFORCE_OVERSEERS = HEALTH_COMMISSION
# … every official sees the counts and rates (certified rate, ratios), never a person: the departments that
# lead §7 (教委, 人力社保), street and town officers for their unit, the guidance centre.
WORKFORCE_VIEWERS = GOVERNMENT
# The district's courses are published by the commission and the guidance centre (§6 定期开展从业人员培训).
TRAINING_MANAGERS = HEALTH_COMMISSION | {Role.GUIDANCE_CENTRE}
# The expert pool (专家库) is kept by the commission.
EXPERT_MANAGERS = HEALTH_COMMISSION
# Health (issue 14). A child's health record is read by the child's guardians (families, object rule),
# the health staff of the institution that keeps it, and the commission's child-health officers (妇幼健康),
# and by no one else: not the operator, not another official (selectors in health decide the object).
HEALTH_KEEPERS = frozenset({Role.INSTITUTION_HEALTH})  # record checks, growth, morning checks
CHILD_HEALTH_OFFICERS = frozenset({Role.HC_CHILD_HEALTH})
HEALTH_RECORD_READERS = FAMILIES | HEALTH_KEEPERS | CHILD_HEALTH_OFFICERS
# An outbreak alert goes to the institution's health staff and operator (who see the children's names),
# and to the commission and the maternal and child health guidance centre (who see no names).
ALERT_HANDLERS_INSTITUTION = HEALTH_KEEPERS | OPERATORS
ALERT_FOLLOWERS_GOVERNMENT = HEALTH_COMMISSION | CHILD_HEALTH_OFFICERS | {Role.GUIDANCE_CENTRE}
ALERT_VIEWERS = ALERT_HANDLERS_INSTITUTION | ALERT_FOLLOWERS_GOVERNMENT
# The summaries (counts and rates, never a child): the commission, its child-health officers, the guidance
# centre (the maternal and child health hospital's Excel), and street and town officers for their unit.
HEALTH_SUMMARY_VIEWERS = HEALTH_COMMISSION | CHILD_HEALTH_OFFICERS | {Role.GUIDANCE_CENTRE} | STREET_OFFICERS
# Subsidies (issue 15). The commission proposes a period's entitlements, reviews them, runs what-ifs and
# keeps the budget and the institutions' subsidy profiles (investor, state-owned premises) …
SUBSIDY_MANAGERS = HEALTH_COMMISSION
# … an institution's operator confirms or disputes its own entitlements (which: institutions.selectors) …
SUBSIDY_CLAIMANTS = OPERATORS
# … finance approves and records payments: department officers, of the finance department only
# (settings.TUOYU_FINANCE_DEPARTMENT_CODE; subsidies.selectors.is_finance_officer decides the person) …
SUBSIDY_APPROVERS = DEPARTMENT_OFFICERS
# … and every official sees the budget, what was approved and paid, and the §13 lists for the utilities
# and the state-asset office (counts and amounts, never a child).
SUBSIDY_VIEWERS = GOVERNMENT


def role_of(user) -> str | None:
    """The signed-in person's role; None for anonymous visitors."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "role", None)


def _has(user, roles: frozenset) -> bool:
    return role_of(user) in roles


# --- the named capabilities ------------------------------------------------------------------------
def is_family(user) -> bool:
    return _has(user, FAMILIES)


def acts_for_institutions(user) -> bool:
    """Operators and staff of institutions (which ones: institutions.selectors.institutions_of)."""
    return _has(user, INSTITUTION)


def is_operator(user) -> bool:
    return _has(user, OPERATORS)


def is_department_officer(user) -> bool:
    """Sees what concerns their own department only (user.department)."""
    return _has(user, DEPARTMENT_OFFICERS)


def is_street_officer(user) -> bool:
    """Sees what happens in their own unit only (user.unit)."""
    return _has(user, STREET_OFFICERS)


def handles_admissions(user) -> bool:
    return _has(user, ADMISSIONS)


def is_government(user) -> bool:
    return _has(user, GOVERNMENT)


def is_health_commission(user) -> bool:
    return _has(user, HEALTH_COMMISSION)


def is_health_commission_admin(user) -> bool:
    return _has(user, HEALTH_COMMISSION_ADMINS)


def can_review_filings(user) -> bool:
    return _has(user, FILING_REVIEWERS)


def can_moderate_reviews(user) -> bool:
    return _has(user, REVIEW_MODERATORS)


def can_handle_complaints(user) -> bool:
    """May act on complaints at all; which ones is the feedback app's `can_handle(complaint, user)`."""
    return _has(user, COMPLAINT_HANDLERS)


def can_view_complaints(user) -> bool:
    return _has(user, COMPLAINT_VIEWERS)


def can_plan_inspections(user) -> bool:
    """May create and draw plans (for which department: the inspections app's object rules)."""
    return _has(user, INSPECTION_PLANNERS)


def can_view_inspections(user) -> bool:
    """May follow inspections and findings at all; which ones is inspections.selectors' rule."""
    return _has(user, INSPECTION_VIEWERS)


def can_suspend(user) -> bool:
    return _has(user, SUSPENDERS)


def can_manage_grading(user) -> bool:
    return _has(user, GRADING_MANAGERS)


def can_assess(user) -> bool:
    return _has(user, ASSESSORS)


def can_keep_staff(user) -> bool:
    """An operator keeps the staff of their own institutions (which: institutions.selectors)."""
    return _has(user, STAFF_KEEPERS)


def can_oversee_workforce(user) -> bool:
    """Sees the people behind the workforce flags across institutions."""
    return _has(user, WORKFORCE_OVERSEERS)


def can_manage_training(user) -> bool:
    return _has(user, TRAINING_MANAGERS)


def can_manage_experts(user) -> bool:
    return _has(user, EXPERT_MANAGERS)


def keeps_health_records(user) -> bool:
    """Institution health staff (保健人员); which records: health.selectors, by institution."""
    return _has(user, HEALTH_KEEPERS)


def is_child_health_officer(user) -> bool:
    """The commission's child-health officers: every record in the district, each read logged."""
    return _has(user, CHILD_HEALTH_OFFICERS)


def follows_alerts_for_government(user) -> bool:
    """Officials who receive outbreak alerts: counts and a case list without names."""
    return _has(user, ALERT_FOLLOWERS_GOVERNMENT)


def handles_alerts_for_institution(user) -> bool:
    """An institution's health staff and operator: their own institution's alerts, with names."""
    return _has(user, ALERT_HANDLERS_INSTITUTION)


def sees_health_summaries(user) -> bool:
    return _has(user, HEALTH_SUMMARY_VIEWERS)


def can_manage_subsidies(user) -> bool:
    return _has(user, SUBSIDY_MANAGERS)


def claims_subsidies(user) -> bool:
    """An operator; which institutions' entitlements: institutions.selectors.institutions_of."""
    return _has(user, SUBSIDY_CLAIMANTS)


def sees_subsidies(user) -> bool:
    return _has(user, SUBSIDY_VIEWERS)


def is_finance_officer(user) -> bool:
    """A department officer of the finance department (settings.TUOYU_FINANCE_DEPARTMENT_CODE): approves
    subsidies and records their payment. Reads the person's department (one query, then cached)."""
    from django.conf import settings

    if not _has(user, SUBSIDY_APPROVERS) or getattr(user, "department_id", None) is None:
        return False
    return user.department.code == settings.TUOYU_FINANCE_DEPARTMENT_CODE
