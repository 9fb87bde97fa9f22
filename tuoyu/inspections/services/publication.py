"""一公开: publishing inspection results.

A result is published once: by the plan's lead department or the commission when they are ready, or by
`publish_due` (daily, `manage.py publish_results`) once its `publish_due_on` has come, so no result is
published later than PUBLISH_WORKDAYS working days after its submission. Publication sets
`published_at` and `published_by` (audited); it is not a status (the inspection goes on to be closed as findings are put right,
and the public reads the rectification status live).
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.core.audit import update_audited
from tuoyu.core.workdays import add_workdays

from ..models import Inspection, InspectionStatus
from ..selectors import may_manage_plan

# The 双随机、一公开 rule: results public within 20 working days of the inspection's submission.
PUBLISH_WORKDAYS = 20
PUBLISHABLE = frozenset({InspectionStatus.SUBMITTED, InspectionStatus.CLOSED})


def publish_due_on(submitted_on: date) -> date:
    """The last day a result submitted on `submitted_on` may wait for publication."""
    return add_workdays(submitted_on, PUBLISH_WORKDAYS)


def _publish(pk: int, now, by=None) -> bool:
    """Set published_at (and who) once, under the row's lock and in the audit log; False when someone
    else published it first or it is no longer publishable."""
    row = Inspection.objects.select_for_update().filter(pk=pk).only("published_at", "status").first()
    if row is None or row.published_at is not None or row.status not in PUBLISHABLE:
        return False
    update_audited(Inspection, pk=pk, actor=by, published_at=now, published_by=by)
    return True


def inspection_publish(*, inspection: Inspection, by) -> Inspection:
    """The lead department or the commission publishes a submitted or closed inspection's result."""
    if not may_manage_plan(by, inspection.plan):
        raise PermissionDenied(
            _("Only the plan's lead department or the health commission publishes results.")
        )
    if inspection.published_at is not None:
        raise ValidationError(_("This result is already published."), code="status")
    if inspection.status not in PUBLISHABLE or inspection.submitted_at is None:
        raise ValidationError(_("Only a submitted inspection's result can be published."), code="status")
    with transaction.atomic():
        if not _publish(inspection.pk, timezone.now(), by):
            raise ValidationError(_("This result is already published."), code="status")
    inspection.refresh_from_db(fields=["published_at"])
    return inspection


def publish_due(*, today: date | None = None) -> int:
    """Publish every submitted or closed result whose day has come; how many were published.

    A result without `publish_due_on` (submitted before the field was set) is due 20 working days after
    its submission, counted here."""
    today = today or timezone.localdate()
    now = timezone.now()
    waiting = Inspection.objects.filter(
        published_at__isnull=True, status__in=PUBLISHABLE, submitted_at__isnull=False
    )
    due = list(waiting.filter(publish_due_on__lte=today).values_list("pk", flat=True))
    for pk, submitted_at in waiting.filter(publish_due_on__isnull=True).values_list("pk", "submitted_at"):
        if publish_due_on(timezone.localtime(submitted_at).date()) <= today:
            due.append(pk)
    if not due:
        return 0
    published = 0
    for pk in due:  # one audited write each; a daily job over the day's few results
        with transaction.atomic():
            published += _publish(pk, now)
    return published
