"""The health app's workflows, declared once; services move a status with core.statemachine.transition.

- An outbreak alert: open (new) → acknowledged → closed, or open → closed. Closing needs a note.
- A record's move to another institution: pending → consented or refused, decided once.
"""

from tuoyu.core.statemachine import Action, Workflow, event_writer

from .models import AlertEvent, AlertStatus, OutbreakAlert, RecordTransfer, TransferEvent, TransferStatus

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

T = TransferStatus

TRANSFER_TRANSITIONS: dict[str, frozenset[str]] = {
    T.PENDING: frozenset({T.CONSENTED, T.REFUSED}),
    T.CONSENTED: frozenset(),
    T.REFUSED: frozenset(),
}

# Who may answer is decided in services.records.may_decide_transfer (online: the guardian; paper: the
# new institution's health staff), which the service asks under the transfer's lock.
TRANSFER_WORKFLOW = Workflow(
    model=RecordTransfer,
    transitions=TRANSFER_TRANSITIONS,
    record=event_writer(TransferEvent, "transfer"),
)
