"""The workflow's moves: submit, return, approve, find non-compliant, withdraw. Each is one transaction
that locks the row, checks its guard and moves the status through core.statemachine.transition."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.models import User
from tuoyu.core.statemachine import transition
from tuoyu.core.workdays import add_workdays
from tuoyu.institutions.models import Institution, InstitutionMembership, InstitutionStatus
from tuoyu.institutions.services import institution_apply_change, institution_create, institution_transition

from ..data import parse_filing_data
from ..models import (
    Filing,
    FilingKind,
    FilingMaterial,
    FilingNumberSequence,
    FilingStatus,
    Notice,
    NoticeKind,
    ReviewComment,
)
from ..selectors import change_against_register
from ..workflow import WORKFLOW
from .drafts import filing_missing, material_messages
from .guards import check_transition, guard_owner, guard_reviewer, lock_filing, notify_applicant
from .receipts import receipt_code_for

DECISION_WORKDAYS = 5  # the commission files within 5 working days
CHECK_WORKDAYS = 15  # and reports non-compliance within 15 working days


@transaction.atomic
def filing_submit(*, filing: Filing, by: User) -> Filing:
    locked = lock_filing(filing)
    guard_owner(locked, by)
    missing = filing_missing(locked)
    if missing:
        raise ValidationError(missing, code="incomplete")
    now = timezone.now()
    today = timezone.localdate()
    changes = {
        "version": locked.version + 1,
        "submitted_at": now,
        "due_on": add_workdays(today, DECISION_WORKDAYS),
    }
    if locked.first_submitted_at is None:
        changes.update(first_submitted_at=now, check_due_on=add_workdays(today, CHECK_WORKDAYS))
    locked = transition(
        WORKFLOW,
        locked,
        FilingStatus.SUBMITTED,
        by=by,
        changes=changes,
        event={"snapshot": locked.data},
        locked=True,
    )
    FilingMaterial.objects.filter(filing=locked, superseded=False, version__lt=locked.version).update(
        version=locked.version
    )
    notify_applicant(
        locked,
        _(
            "The health commission received your application (version %(version)s). A decision is due by %(date)s."
        )
        % {"version": locked.version, "date": locked.due_on.isoformat()},
    )
    return locked


@transaction.atomic
def filing_return(*, filing: Filing, by: User, comments: dict[str, str], note: str = "") -> Filing:
    """Return for correction (退回补正) with a comment per item that needs work."""
    guard_reviewer(by)
    comments = {item: text.strip() for item, text in comments.items() if text and text.strip()}
    if not comments and not note.strip():
        raise ValidationError(
            _("Say what must be corrected: add a comment to at least one item."), code="comments"
        )
    locked = lock_filing(filing)
    locked = transition(
        WORKFLOW,
        locked,
        FilingStatus.RETURNED,
        by=by,
        note=note,
        changes={"decision_note": note},
        locked=True,
    )
    ReviewComment.objects.bulk_create(
        [
            ReviewComment(filing=locked, version=locked.version, item=item, text=text, by=by)
            for item, text in comments.items()
        ]
    )
    notify_applicant(
        locked,
        _(
            "Your childcare filing application was returned for correction. Please sign in to see the comments."
        ),
    )
    return locked


def _next_filing_number(year: int) -> str:
    sequence, _created = FilingNumberSequence.objects.select_for_update().get_or_create(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{settings.TUOYU_FILING_PREFIX}〔{year}〕{sequence.last:04d}"


@transaction.atomic
def filing_approve(*, filing: Filing, by: User, note: str = "") -> Filing:
    """File it: issue the number and receipt (initial), apply the change, or deregister."""
    guard_reviewer(by)
    locked = lock_filing(filing)
    check_transition(locked, FilingStatus.APPROVED)
    today = timezone.localdate()
    changed_topics: list[str] = []
    if locked.kind == FilingKind.DEREGISTRATION:
        institution = institution_transition(
            institution=locked.institution, to_status=InstitutionStatus.DEREGISTERED, by=by, note=note
        )
        notice_kind = NoticeKind.DEREGISTERED
        reason = (locked.data.get("deregistration") or {}).get("reason", "")
        summary = _("Filing deregistered on %(date)s. Reason: %(reason)s") % {
            "date": today.isoformat(),
            "reason": reason,
        }
    else:
        parsed, errors = parse_filing_data(locked.data, instance=locked.institution)
        if errors:
            raise ValidationError([m for messages in errors.values() for m in messages], code="invalid")
        # The same rule as on submit, checked again at the decision: an application submitted before
        # the rule asked for a material must not be filed without it. Nothing is written yet.
        diff = change_against_register(locked)
        missing = material_messages(locked, diff=diff)
        if missing:
            raise ValidationError([ValidationError(m, code="incomplete") for m in missing])
        if diff is not None:
            changed_topics = diff.topics
        # A change updates the filed record; so does filing an imported 存量 draft (never a duplicate).
        if locked.institution is not None:
            institution = institution_apply_change(
                institution=locked.institution,
                fields=parsed.fields,
                classes=parsed.classes,
                fees=parsed.fees,
                by=by,
            )
        else:
            institution = institution_create(
                fields=parsed.fields, classes=parsed.classes, fees=parsed.fees, by=by
            )
        if locked.kind == FilingKind.INITIAL:
            institution = institution_transition(
                institution=institution,
                to_status=InstitutionStatus.FILED,
                by=by,
                filing_number=_next_filing_number(today.year),
                note=note,
            )
            InstitutionMembership.objects.get_or_create(institution=institution, user=locked.applicant)
            locked.institution = institution
            notice_kind = NoticeKind.FILED
            summary = _("Filed on %(date)s with %(places)s places.") % {
                "date": today.isoformat(),
                "places": institution.capacity_total,
            }
        else:
            notice_kind = NoticeKind.CHANGED
            summary = _("Change filed on %(date)s. Now %(places)s places.") % {
                "date": today.isoformat(),
                "places": institution.capacity_total,
            }
        institution = Institution.objects.prefetch_related("classes").get(pk=institution.pk)
        locked.receipt_code = receipt_code_for(institution)
    locked = transition(
        WORKFLOW,
        locked,
        FilingStatus.APPROVED,
        by=by,
        note=note,
        changes={
            "filing_number": institution.filing_number,
            "decided_at": timezone.now(),
            "decided_by": by,
            "decision_note": note,
        },
        locked=True,
    )
    Notice.objects.create(
        kind=notice_kind,
        filing=locked,
        changes=changed_topics if notice_kind == NoticeKind.CHANGED else [],
        institution_name=institution.name,
        filing_number=institution.filing_number,
        unit_name=institution.unit.name,
        summary=summary,
    )
    notify_applicant(
        locked,
        _("Your application for %(name)s was approved. Filing number %(number)s.")
        % {"name": institution.name, "number": institution.filing_number},
    )
    return locked


@transaction.atomic
def filing_find_noncompliant(*, filing: Filing, by: User, reasons: str) -> Filing:
    """Record non-compliance with reasons; it is published, and a filed institution is suspended."""
    guard_reviewer(by)
    if not reasons.strip():
        raise ValidationError(_("Give the reasons: they are published."), code="reasons")
    locked = lock_filing(filing)
    from_status = locked.status
    locked = transition(
        WORKFLOW,
        locked,
        FilingStatus.NONCOMPLIANT,
        by=by,
        note=reasons,
        changes={"decided_at": timezone.now(), "decided_by": by, "decision_note": reasons},
        locked=True,
    )
    institution = locked.institution
    if (
        from_status == FilingStatus.APPROVED
        and locked.kind == FilingKind.INITIAL
        and institution.status == InstitutionStatus.FILED
    ):
        institution_transition(
            institution=institution, to_status=InstitutionStatus.SUSPENDED, by=by, note=reasons
        )
    name = institution.name if institution else locked.display_name
    Notice.objects.create(
        kind=NoticeKind.NONCOMPLIANT,
        filing=locked,
        institution_name=name,
        filing_number=institution.filing_number if institution else "",
        unit_name=institution.unit.name if institution else "",
        summary=reasons,
    )
    notify_applicant(
        locked,
        _(
            "The health commission found that %(name)s does not meet the filing requirements. Please sign in for the reasons."
        )
        % {"name": name},
    )
    return locked


@transaction.atomic
def filing_withdraw(*, filing: Filing, by: User) -> Filing:
    locked = lock_filing(filing)
    guard_owner(locked, by)
    return transition(WORKFLOW, locked, FilingStatus.WITHDRAWN, by=by, locked=True)
