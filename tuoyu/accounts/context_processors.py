"""What the site's menu may offer the signed-in person, asked of the named capabilities once per page,
so base.html never compares `user.role` with a literal role."""

from . import capabilities


def _on_roster(user) -> bool:
    """Whether the person is on the inspector roster (an inspections.Inspector row, reached through the
    user's reverse one-to-one so accounts imports nothing of inspections). Asked only for the roles that
    may inspect, and only when the menu is drawn: the template calls it."""
    if capabilities.role_of(user) not in capabilities.INSPECTORS:
        return False
    inspector = getattr(user, "inspector", None)
    return inspector is not None and inspector.active


def menu(request):
    user = getattr(request, "user", None)
    role = capabilities.role_of(user)
    return {
        "menu": {
            "family": capabilities.is_family(user),
            "government": capabilities.is_government(user),
            "institution": capabilities.acts_for_institutions(user),
            "institution_office": role in capabilities.INSTITUTION_OFFICE,
            "operator": capabilities.is_operator(user),
            "admissions": capabilities.handles_admissions(user),
            "filing_review": capabilities.can_review_filings(user),
            "coordination_cases": capabilities.is_department_officer(user),
            # Semester reports: the operators who file them, the commission and the departments who read them.
            "semester_reports": capabilities.is_operator(user)
            or capabilities.is_health_commission(user)
            or capabilities.is_department_officer(user),
            "complaints": capabilities.can_view_complaints(user),
            "moderation": capabilities.can_moderate_reviews(user),
            "access_log": capabilities.is_health_commission_admin(user),
            # Supervision (issue 12): oversight for viewers, plans for planners, the inspector's own tasks
            # for those on the roster (a callable: one query, only when the template asks), and the
            # findings to put right for an institution's people.
            "inspections": capabilities.can_view_inspections(user),
            "inspection_plans": capabilities.can_plan_inspections(user),
            "my_inspections": lambda: _on_roster(user),
            "rectification": capabilities.acts_for_institutions(user),
            "grading": capabilities.can_manage_grading(user) or capabilities.can_assess(user),
            # The staff and their certificates (issue 13): the operator keeps them.
            "staff": capabilities.can_keep_staff(user),
            # The workforce (issue 13): the certified rate and ratios, counts only, for every official.
            "workforce_overview": role in capabilities.WORKFORCE_VIEWERS,
            # The district's courses (issue 13): the commission and the guidance centre run them.
            "training_courses": capabilities.can_manage_training(user),
            # Child health (issue 14): the records for their readers (a family sees its own children's
            # under 我的孩子健康), the checks for the health staff, alerts, counts for officials.
            "health_records": capabilities.keeps_health_records(user)
            or capabilities.is_child_health_officer(user),
            "health_checks": capabilities.keeps_health_records(user),
            "health_alerts": role in capabilities.ALERT_VIEWERS,
            "health_summary": capabilities.sees_health_summaries(user),
            # Subsidies (issue 15): every official reads the budget, what was paid and the §13 lists; the
            # commission proposes periods and weighs rates; finance approves and pays (a callable: the
            # department is read only when the menu is drawn); an operator answers its own proposals.
            "subsidies": capabilities.sees_subsidies(user),
            "subsidy_manage": capabilities.can_manage_subsidies(user),
            "subsidy_finance": lambda: capabilities.is_finance_officer(user),
            "subsidy_claims": capabilities.claims_subsidies(user),
            # Reporting and tracking a problem is for the public: visitors and families.
            "report": role is None or capabilities.is_family(user),
        }
    }
