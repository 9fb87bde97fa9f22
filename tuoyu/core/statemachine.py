"""One way to change a status, for every model that has one (healthchecks' `Flip`, saleor's actions).

An app describes its workflow once, in its `workflow.py`:

    WORKFLOW = Workflow(
        model=Filing,
        transitions={S.DRAFT: {S.SUBMITTED, S.WITHDRAWN}, ...},   # the one table
        record=_record_event,          # writes the event row: who, from, to, when, note
        actions=(Action("submit", S.SUBMITTED, may=is_owner), ...),
    )

and every service changes the status through `transition(WORKFLOW, obj, to, by=..., note=...)`, which
in one transaction locks the row, checks the table, moves the status (with any other fields the change
sets), writes the event row and schedules what goes outward (an SMS, a notice) after commit. Pages, the
API and templates ask `WORKFLOW.allowed_actions(obj, user)` which buttons to show, so the meaning of a
status is decided in one place.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

# A service error with this code is a state conflict: the API answers 409 (core.api.CONFLICT_CODES).
REFUSED_CODE = "transition"


@dataclass(frozen=True)
class Action:
    """Something a person can do to an object: its name (the button, the API's sub-resource), the status
    it leads to, and who may do it (`may(user, obj)`; everyone the view admits when None)."""

    name: str
    to: str
    may: Callable[[Any, Any], bool] | None = None


@dataclass(frozen=True)
class Workflow:
    model: type[models.Model]
    transitions: Mapping[str, Iterable[str]]
    # record(obj=, from_status=, to_status=, by=, note=, **event_fields) writes and returns the event row.
    record: Callable[..., Any]
    field: str = "status"
    actions: tuple[Action, ...] = ()
    _table: dict[str, frozenset[str]] = dataclass_field(init=False, repr=False, compare=False)

    def __post_init__(self):
        table = {str(k): frozenset(str(v) for v in targets) for k, targets in self.transitions.items()}
        choices = {str(value) for value, _label in self.model._meta.get_field(self.field).choices}
        unknown = (set(table) | {t for targets in table.values() for t in targets}) - choices
        if unknown:  # a typo in a table would silently refuse (or allow) a real change
            raise ValueError(f"{self.model.__name__} has no status {sorted(unknown)}")
        object.__setattr__(self, "_table", table)

    def can(self, from_status: str, to_status: str) -> bool:
        return str(to_status) in self._table.get(str(from_status), frozenset())

    def targets(self, from_status: str) -> frozenset[str]:
        return self._table.get(str(from_status), frozenset())

    def statuses(self) -> frozenset[str]:
        return frozenset(self._table)

    def allowed_actions(self, obj, user) -> list[str]:
        """The actions `user` may take on `obj` now, in the order the workflow lists them."""
        current = getattr(obj, self.field)
        return [
            action.name
            for action in self.actions
            if self.can(current, action.to) and (action.may is None or action.may(user, obj))
        ]


def event_writer(event_model: type[models.Model], object_field: str) -> Callable[..., Any]:
    """The usual `record`: one `event_model` row (a core.models.TransitionEvent) with the object in
    `object_field`, and any extra event fields the service passes through `transition(event=...)`."""

    def record(*, obj, from_status, to_status, by, note="", **fields):
        return event_model._default_manager.create(
            **{object_field: obj}, from_status=from_status, to_status=to_status, by=by, note=note, **fields
        )

    return record


def refuse(from_status: str, to_status: str, *, model: type[models.Model], field_name: str = "status"):
    status_field = model._meta.get_field(field_name)
    labels = dict(status_field.choices)
    return ValidationError(
        _("This cannot be done while the status is %(status)s.")
        % {"status": labels.get(from_status, from_status)},
        code=REFUSED_CODE,
        params={"from": from_status, "to": to_status},
    )


def lock(workflow: Workflow, obj):
    """The row, locked for the rest of the transaction (a no-op on SQLite, which locks the database)."""
    return workflow.model._default_manager.select_for_update().get(pk=obj.pk)


def transition(
    workflow: Workflow,
    obj,
    to: str,
    *,
    by,
    note: str = "",
    changes: Mapping[str, Any] | None = None,
    event: Mapping[str, Any] | None = None,
    after_commit: Iterable[Callable[[], Any]] = (),
    locked: bool = False,
):
    """Move `obj` to `to`: lock, check the table, set the status and `changes`, save, write the event row,
    schedule `after_commit`. Returns the locked, saved object; its event is `obj._last_event`.

    `locked=True` when the caller already holds the row lock (it had to check a guard first, under the
    same lock: "assume every operation runs concurrently with itself"). Raises ValidationError with code
    "transition" when the table refuses the change, and then nothing is written.
    """
    with transaction.atomic():
        current = obj if locked else lock(workflow, obj)
        from_status = getattr(current, workflow.field)
        if not workflow.can(from_status, to):
            raise refuse(from_status, to, model=workflow.model, field_name=workflow.field)
        setattr(current, workflow.field, to)
        for name, value in (changes or {}).items():
            setattr(current, name, value)
        current.save()
        current._last_event = workflow.record(
            obj=current, from_status=from_status, to_status=to, by=by, note=note, **(event or {})
        )
        for effect in after_commit:
            transaction.on_commit(effect)
    return current
