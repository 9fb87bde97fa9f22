"""The 马上查 query code opens a case: it stays readable in the outbox only until the reporter has it."""

import pytest

from tuoyu.core.models import OutboxMessage
from tuoyu.core.notifications import deliver_due

pytestmark = pytest.mark.django_db


def test_the_query_code_is_masked_in_the_outbox_once_sent(file_complaint, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        filed = file_complaint()
    told = OutboxMessage.objects.get(recipient="13912345678")
    assert filed.query_code in told.body
    deliver_due()
    told.refresh_from_db()
    assert told.status == OutboxMessage.Status.SENT
    assert filed.query_code not in told.body and "*" * len(filed.query_code) in told.body
    assert filed.complaint.tracking_number in told.body  # the rest stays readable for support
