"""The one state-machine helper every workflow uses, shown on a core model (the outbox's statuses)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from tuoyu.core.models import OutboxMessage
from tuoyu.core.statemachine import Action, Workflow, transition

S = OutboxMessage.Status


def _workflow(events: list) -> Workflow:
    def record(**kwargs):
        events.append(kwargs)
        return kwargs

    return Workflow(
        model=OutboxMessage,
        transitions={S.PENDING: {S.SENDING}, S.SENDING: {S.SENT, S.FAILED}},
        record=record,
        actions=(
            Action("claim", S.SENDING),
            Action("finish", S.SENT, may=lambda user, obj: user == "sender"),
        ),
    )


@pytest.fixture
def message(db):
    return OutboxMessage.objects.create(channel="sms", recipient="13800000001", body="hi")


def test_it_moves_the_status_writes_the_event_and_sets_the_other_fields(message):
    events = []
    moved = transition(_workflow(events), message, S.SENDING, by="sender", note="n", changes={"attempts": 1})
    message.refresh_from_db()
    assert (message.status, message.attempts) == (S.SENDING, 1) and moved.status == S.SENDING
    assert events == [
        {"obj": moved, "from_status": S.PENDING, "to_status": S.SENDING, "by": "sender", "note": "n"}
    ]


def test_it_refuses_a_change_the_table_does_not_allow_and_writes_nothing(message):
    events = []
    with pytest.raises(ValidationError) as refused:
        transition(_workflow(events), message, S.SENT, by="sender", changes={"attempts": 5})
    assert refused.value.code == "transition"
    message.refresh_from_db()
    assert (message.status, message.attempts, events) == (S.PENDING, 0, [])


def test_outward_effects_wait_for_the_commit(message, django_capture_on_commit_callbacks):
    sent = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        transition(_workflow([]), message, S.SENDING, by=None, after_commit=[lambda: sent.append(1)])
        assert sent == []
    assert len(callbacks) == 1 and sent == [1]


def test_the_actions_offered_follow_the_table_and_who_asks(message):
    workflow = _workflow([])
    assert workflow.allowed_actions(message, "anyone") == ["claim"]
    message.status = S.SENDING
    assert workflow.allowed_actions(message, "sender") == ["finish"]
    assert workflow.allowed_actions(message, "anyone") == []


def test_a_table_naming_a_status_the_model_lacks_is_refused_at_import():
    with pytest.raises(ValueError, match="no status"):
        Workflow(model=OutboxMessage, transitions={S.PENDING: {"posted"}}, record=lambda **kw: None)
