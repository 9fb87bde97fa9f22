"""Loading the subsidy rules from data (`tuoyu/subsidies/data/kaizhou.json`).

Idempotent by `effective_from`: a version is created, or updated in place when its file row changed; a
version an administrator added stays. Amounts are read as Decimal from strings (a float in the file is
refused: it has already lost the fen). Everything is checked before the first row is written: a bad file
raises ValueError and leaves nothing.
"""

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from ..models import RuleSet

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SUBSIDY_RULES_FILE = DATA_DIR / "kaizhou.json"

MONEY_FIELDS = (
    "rate_infant",
    "rate_toddler",
    "rate_preschool",
    "rate_mixed",
    "construction_amount",
    "demonstration_small_amount",
    "demonstration_medium_amount",
    "demonstration_large_amount",
)
# Whole numbers with the model's own bounds (count_day: 1 to 28, so every month has the day).
WHOLE_FIELDS = {
    "count_day": (1, 28),
    "chain_min_institutions": (1, 1000),
    "chain_min_slots_each": (1, 10000),
    "single_min_slots": (1, 10000),
    "demonstration_small_below": (1, 10000),
    "demonstration_large_from": (1, 10000),
    "rent_free_years": (0, 100),
    "rent_free_reminder_days": (0, 3650),
}


def _money(value) -> Decimal | None:
    if not isinstance(value, str):
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0 or amount.as_tuple().exponent < -2 or amount >= Decimal("1e12"):
        return None
    return amount


def _check(data) -> list[dict]:
    if not isinstance(data, dict) or not isinstance(data.get("rule_sets"), list):
        raise ValueError("expected a JSON object with a list of rule_sets")
    errors, rows, seen = [], [], set()
    for index, row in enumerate(data["rule_sets"], start=1):
        if not isinstance(row, dict):
            errors.append(f"rule set {index}: not an object")
            continue
        problems = []
        try:
            effective_from = date.fromisoformat(str(row.get("effective_from")))
        except ValueError:
            effective_from = None
            problems.append("effective_from must be a date (YYYY-MM-DD)")
        if effective_from in seen:
            problems.append("repeated effective_from")
        name = str(row.get("name") or "").strip()
        if not name or len(name) > 100:
            problems.append("a name of 1 to 100 characters is needed")
        source = str(row.get("source") or "")
        if len(source) > 200:
            problems.append("the source is longer than 200 characters")
        values = {}
        for field in MONEY_FIELDS:
            amount = _money(row.get(field))
            if amount is None:
                problems.append(f"{field} must be an amount in a string with at most two decimals")
            values[field] = amount
        for field, (least, most) in WHOLE_FIELDS.items():
            value = row.get(field, RuleSet._meta.get_field(field).default)
            if not isinstance(value, int) or isinstance(value, bool) or not least <= value <= most:
                problems.append(f"{field} must be a whole number from {least} to {most}")
            values[field] = value
        if (
            isinstance(values["demonstration_small_below"], int)
            and isinstance(values["demonstration_large_from"], int)
            and values["demonstration_small_below"] > values["demonstration_large_from"]
        ):
            problems.append("demonstration_small_below must not exceed demonstration_large_from")
        if problems:
            errors.append(f"rule set {index}: {', '.join(problems)}")
            continue
        seen.add(effective_from)
        rows.append({"effective_from": effective_from, "name": name, "source": source, **values})
    if not rows and not errors:
        errors.append("no rule sets")
    if errors:
        raise ValueError("; ".join(errors))
    return rows


def subsidy_rules_load(*, path: str | Path = SUBSIDY_RULES_FILE) -> int:
    """Load the file's versions (by default Kaizhou's); how many were created."""
    with open(path, encoding="utf-8") as handle:
        rows = _check(json.load(handle))
    created = 0
    with transaction.atomic():
        for row in rows:
            effective_from = row.pop("effective_from")
            _rule_set, was_created = RuleSet.objects.update_or_create(
                effective_from=effective_from, defaults=row
            )
            created += was_created
    return created
