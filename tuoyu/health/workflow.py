"""The outbreak alert's workflow, declared once: open (new) → acknowledged → closed, or open → closed.
Closing needs a note (what was done). Services move the status with core.statemachine.transition."""

from tuoyu.core.statemachine import Action, Workflow, event_writer

from .models import AlertEvent, AlertStatus, OutbreakAlert

A = AlertStatus

ALERT_TRANSITIONS: dict[str, frozenset[str]] = {
    A.OPEN: frozenset({A.ACKNOWLEDGED, A.CLOSED}),
    A.ACKNOWLEDGED: frozenset({A.CLOSED}),
    A.CLOSED: frozenset(),
}


def _handles(user, alert: OutbreakAlert) -> bool:
    from .selectors import may_handle_alert

    return may_handle_alert(user, alert)


ALERT_WORKFLOW = Workflow(
    model=OutbreakAlert,
    transitions=ALERT_TRANSITIONS,
    record=event_writer(AlertEvent, "alert"),
    actions=(
        Action("acknowledge", A.ACKNOWLEDGED, may=_handles),
        Action("close", A.CLOSED, may=_handles),
    ),
)
