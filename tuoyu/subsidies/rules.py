"""The subsidy rules as pure functions: facts in (dataclasses read by selectors/compute.py in a fixed
number of queries per batch of institutions), entitlements with their lines out. No database here, so the
hand-computed cases in tests/test_rules.py run in microseconds and a what-if uses the very same code with
other rates.

`explain(line)` writes a line's words (the same in the page, the PDF notice and the Excel).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class NilReason(models.TextChoices):
    """Why an institution is due nothing of a kind: shown with every zero."""

    NOT_PUHUI = "not_puhui", _("Not an inclusive (普惠) institution")
    NOT_FILED = "not_filed", _("Not filed in the period")
    NO_CHILDREN = "no_children", _("No child enrolled on a counting day in the period")
    SUSPENDED = "suspended", _("Suspended for the whole period")
    ALREADY_RECEIVED = "already_received", _("Already received the one-time subsidy")
    BELOW_THRESHOLD = "below_threshold", _("Does not meet the slot thresholds")
    NO_TITLE = "no_title", _("No demonstration title in the period")


@dataclass(frozen=True)
class ComputedLine:
    """One line of an explanation, before it is saved as an EntitlementLine (same fields)."""

    kind: str  # models.LineKind
    amount: Decimal
    child_id: int | None = None
    age_group: str = ""
    months: int | None = None
    rate: Decimal | None = None
    rule_set_id: int | None = None
    adjusted_period_id: int | None = None
    reason: str = ""  # NilReason, for a NIL line
    params: dict = field(default_factory=dict)  # strings only (never a float)


@dataclass(frozen=True)
class ComputedEntitlement:
    institution_id: int
    kind: str  # models.SubsidyKind
    amount: Decimal  # the sum of the lines' amounts, never rounded again
    lines: tuple[ComputedLine, ...]
    nil_reason: str = ""
    investor_uscc: str = ""
