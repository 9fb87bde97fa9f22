"""What the institution is told, through the outbox, when supervision asks something of it: findings to
put right after an inspection, evidence returned as not enough, a re-inspection that found the problem
still there. It should not have to look at its page to learn that a deadline is running."""

from django.utils.translation import gettext as _

from tuoyu.core.notifications import notify_person
from tuoyu.institutions.models import InstitutionMembership


def tell_institution(institution_id: int, *, subject: str, body: str) -> int:
    """Tell every active member of the institution (its operator and staff); how many were told."""
    members = [
        membership.user
        for membership in InstitutionMembership.objects.filter(
            institution_id=institution_id, user__is_active=True
        ).select_related("user")
    ]
    for person in members:
        notify_person(person, subject=subject, body=body)
    return len(members)


def tell_findings(inspection, findings) -> int:
    """After a submission with findings: how many, and the earliest deadline."""
    if not findings:
        return 0
    first = min(finding.deadline for finding in findings)
    return tell_institution(
        inspection.institution_id,
        subject=_("Inspection findings to put right"),
        body=_(
            "%(institution)s: the inspection of %(date)s found %(count)d problem(s) to put right, the first "
            "by %(deadline)s. Sign in and open 整改通知 to send your evidence."
        )
        % {
            "institution": inspection.institution.name,
            "date": inspection.inspected_on.isoformat() if inspection.inspected_on else "",
            "count": len(findings),
            "deadline": first.isoformat(),
        },
    )


def tell_finding_reopened(finding, *, note: str) -> int:
    """Evidence returned, or a re-inspection that failed: the finding is open again, with its deadline."""
    return tell_institution(
        finding.inspection.institution_id,
        subject=_("Rectification not accepted"),
        body=_("%(item)s: not accepted yet (%(note)s). Send new evidence by %(deadline)s.")
        % {
            "item": finding.item.code if finding.item_id else finding.description[:30],
            "note": note[:100],
            "deadline": finding.deadline.isoformat(),
        },
    )
