"""Every write of complaints and reports (投诉举报), one module per subject. Each write is one transaction:
the complaint row is locked, the guard is checked, the status changes through the one workflow
(workflow.WORKFLOW_COMPLAINT), an event row is written, and messages leave only after commit. Reads are
selectors.py's; reviews live in reviews.py.

Nobody outside the handling departments learns who reported: the institution, the public pages, the
API and Open311 see the case, never the reporter (tests search every response for the name and number).

The names below are re-exported so that `from tuoyu.feedback.services import complaint_file` (and the
reads it always offered) keep working.
"""

from tuoyu.core.workdays import add_workdays

from ..selectors import (
    complaints_for_institution_user,
    complaints_for_user,
    duplicate_suggestions,
    is_overdue,
    overdue_q,
    public_timeline,
    today,
)
from ..workflow import can_handle
from .common import (
    CLOSE_UNRATED_AFTER_DAYS,
    MAX_DESCRIPTION,
    MAX_PHOTOS,
    MAX_REPORT_DESCRIPTION,
    QUERY_CODE_DIGITS,
    REOPEN_WITHIN_DAYS,
)
from .filing import Filed, complaint_file, normalize_reporter_phone
from .geography import health_commission, unit_for_point
from .handling import (
    complaint_acknowledge,
    complaint_answer,
    complaint_institution_reply,
    complaint_merge,
    complaint_note,
    complaint_place,
    complaint_reassign,
)
from .jobs import complaints_close_unrated, complaints_escalate_overdue
from .lookup import (
    LOOKUP_FAILURES_PER_CLIENT_HOUR,
    LOOKUP_FAILURES_PER_COMPLAINT,
    LookupRefused,
    client_key,
    complaint_lookup,
    lookup_attempts_forget,
)
from .notifications import is_mobile
from .reporter import can_reopen, complaint_add_information, complaint_rate
from .routing import ROUTING_FILE, routing_load, routing_load_file, routing_rule

__all__ = [
    "CLOSE_UNRATED_AFTER_DAYS",
    "LOOKUP_FAILURES_PER_CLIENT_HOUR",
    "LOOKUP_FAILURES_PER_COMPLAINT",
    "MAX_DESCRIPTION",
    "MAX_PHOTOS",
    "MAX_REPORT_DESCRIPTION",
    "QUERY_CODE_DIGITS",
    "REOPEN_WITHIN_DAYS",
    "ROUTING_FILE",
    "Filed",
    "LookupRefused",
    "add_workdays",
    "can_handle",
    "can_reopen",
    "client_key",
    "complaint_acknowledge",
    "complaint_add_information",
    "complaint_answer",
    "complaint_file",
    "complaint_institution_reply",
    "complaint_lookup",
    "complaint_merge",
    "complaint_note",
    "complaint_place",
    "complaint_rate",
    "complaint_reassign",
    "complaints_close_unrated",
    "complaints_escalate_overdue",
    "complaints_for_institution_user",
    "complaints_for_user",
    "duplicate_suggestions",
    "health_commission",
    "is_mobile",
    "is_overdue",
    "lookup_attempts_forget",
    "normalize_reporter_phone",
    "overdue_q",
    "public_timeline",
    "routing_load",
    "routing_load_file",
    "routing_rule",
    "today",
    "unit_for_point",
]
