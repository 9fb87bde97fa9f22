"""Audited writes that bypass Model.save().

django-auditlog records what passes through save() and delete(). A counter is changed with a queryset
update() instead (`enrolled = enrolled + 1` under a row lock, so two acceptances never write the same
stale number), and auditlog never sees that. Every such write goes through `update_audited`, which
writes the auditlog entry itself: the same LogEntry table, the same admin, the same "who changed what".
"""

from typing import Any

from auditlog.models import LogEntry
from django.db import models, transaction


@transaction.atomic
def update_audited(model: type[models.Model], *, pk: Any, actor=None, **values: Any) -> dict[str, list[str]]:
    """Set one row's fields to `values` (plain values or expressions such as F("enrolled") + 1) and log
    each field that changed, with its old and new value and the acting user, as an auditlog UPDATE entry.

    The row is read under select_for_update before the update and re-read after it in the same
    transaction, so the entry shows exactly this write even while others queue on the row. A caller that
    already holds the lock (the bookings services lock the age group's classes first) keeps its lock
    order: locking a row twice in one transaction does not wait. With no `actor`, auditlog takes the
    signed-in user of the current request, as for every other entry. Returns the logged changes.
    """
    rows = model._base_manager.filter(pk=pk)
    before = rows.select_for_update().get()
    rows.update(**values)
    after = dict(values)
    computed = [name for name, value in values.items() if hasattr(value, "resolve_expression")]
    if computed:
        after.update(rows.values(*computed).get())
    changes = {
        name: [str(getattr(before, name)), str(after[name])]
        for name in values
        if getattr(before, name) != after[name]
    }
    if changes:
        kwargs = {"actor": actor, "actor_email": getattr(actor, "email", None)} if actor is not None else {}
        LogEntry.objects.log_create(before, action=LogEntry.Action.UPDATE, changes=changes, **kwargs)
    return changes
