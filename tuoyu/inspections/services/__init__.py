"""Every write of supervision, one module per subject; re-exported here."""

from .rectification import (  # noqa: F401 (rectification, decisions, escalation: helper "rectify")
    escalate_overdue,
    evidence_accept,
    evidence_return,
    evidence_submit,
    reinspection_order,
    reinspection_record,
)
from .suspensions import suspension_lift, suspension_order  # noqa: F401
