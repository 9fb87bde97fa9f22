"""The outbox message's status: the one table the worker and the administrator's retry move it through.

A message is claimed (→ sending) by exactly one sender, which then records the attempt's outcome: sent,
failed (tried again once its pause is over, by claiming it again) or abandoned after MAX_ATTEMPTS. Only an
administrator puts an abandoned message back in the queue. A sent message never moves again, which is
what keeps it from being sent twice.
"""

from .models import OutboxEvent, OutboxMessage
from .statemachine import Workflow

S = OutboxMessage.Status

TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.SENDING}),
    # sending → sending: a sender that died mid-send is taken over once its claim is stale.
    S.SENDING: frozenset({S.SENT, S.FAILED, S.ABANDONED, S.SENDING}),
    S.FAILED: frozenset({S.SENDING}),
    S.ABANDONED: frozenset({S.PENDING}),
    S.SENT: frozenset(),  # final: never sent twice
}

# What the worker may claim (each with its own condition in notifications._due).
CLAIMABLE = frozenset(status for status, targets in TRANSITIONS.items() if S.SENDING in targets)


def _record(*, obj, from_status, to_status, by, note="", **_fields):
    """One event per attempt and per retry. The claim itself (→ sending) is a lease, not an outcome: the
    attempt's row (sending → sent/failed/abandoned) follows it within seconds, with the provider's error
    as its note, so a claim row would only double the table on the busiest path. Taking over a dead
    sender's claim is recorded: that attempt has no outcome row of its own."""
    if to_status == S.SENDING and from_status != S.SENDING:
        return None
    return OutboxEvent.objects.create(
        message=obj, from_status=from_status, to_status=to_status, by=by, note=note
    )


WORKFLOW = Workflow(model=OutboxMessage, transitions=TRANSITIONS, record=_record)
