"""Every write of the filing workflow. Each is one transaction: lock the row, check the guard, change
state, write the event, and send messages only after commit (core.notifications does that).

One module per subject: drafts (registration, the draft, materials), decisions (submit, return,
approve, non-compliance, withdraw), changes (change and deregistration applications), receipts, and
cases (一事一议); guards holds what they all check first. The names here are the public ones.
"""

from .cases import case_add_opinion, case_open, case_resolve
from .changes import filing_start_change, filing_start_deregistration
from .decisions import (
    CHECK_WORKDAYS,
    DECISION_WORKDAYS,
    filing_approve,
    filing_find_noncompliant,
    filing_return,
    filing_submit,
    filing_withdraw,
)
from .drafts import (
    MAX_MATERIAL_BYTES,
    MIN_LEASE_YEARS,
    current_materials,
    filing_add_material,
    filing_missing,
    filing_remove_material,
    filing_save_draft,
    material_messages,
    operator_register,
)
from .receipts import receipt_code_for, receipt_verify

__all__ = [
    "CHECK_WORKDAYS",
    "DECISION_WORKDAYS",
    "MAX_MATERIAL_BYTES",
    "MIN_LEASE_YEARS",
    "case_add_opinion",
    "case_open",
    "case_resolve",
    "current_materials",
    "filing_add_material",
    "filing_approve",
    "filing_find_noncompliant",
    "filing_missing",
    "filing_remove_material",
    "filing_return",
    "filing_save_draft",
    "filing_start_change",
    "filing_start_deregistration",
    "filing_submit",
    "filing_withdraw",
    "material_messages",
    "operator_register",
    "receipt_code_for",
    "receipt_verify",
]
