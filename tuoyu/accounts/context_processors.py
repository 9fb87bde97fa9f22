"""What the site's menu may offer the signed-in person, asked of the named capabilities once per page,
so base.html never compares `user.role` with a literal role."""

from . import capabilities


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
            # Reporting and tracking a problem is for the public: visitors and families.
            "report": role is None or capabilities.is_family(user),
        }
    }
