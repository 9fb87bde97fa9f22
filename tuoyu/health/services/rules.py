"""Loading the outbreak thresholds from data (`tuoyu/health/data/outbreak_rules.json`).

Idempotent by code: a rule is created, or updated in place when its file row changed (its alerts keep
pointing at it); a rule an administrator added stays. Everything is checked before the first row is
written: a bad file raises ValueError and leaves nothing.
"""

import json
from pathlib import Path

from django.db import transaction

from ..models import OutbreakRule

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
OUTBREAK_RULES_FILE = DATA_DIR / "outbreak_rules.json"


def _whole(value, *, least: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


def _check(data) -> list[dict]:
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object with a list of rules")
    errors, rows, seen = [], [], set()
    for index, row in enumerate(data.get("rules") or [], start=1):
        if not isinstance(row, dict):
            errors.append(f"rule {index}: not an object")
            continue
        code = str(row.get("code") or "").strip()
        problems = []
        if not code or code in seen:
            problems.append("missing or repeated code")
        name = str(row.get("name") or "").strip()
        if not name or len(name) > 100:
            problems.append("a name of 1 to 100 characters is needed")
        # The model's own lower bounds: a window of at least one day, at least two children.
        if not _whole(row.get("days"), least=1):
            problems.append("days must be a whole number of at least 1")
        if not _whole(row.get("min_cases"), least=2):
            problems.append("min_cases must be a whole number of at least 2")
        source = str(row.get("source") or "")
        if len(source) > 300:
            problems.append("the source is longer than 300 characters")
        if problems:
            errors.append(f"rule {index} ({code or '?'}): {', '.join(problems)}")
            continue
        seen.add(code)
        rows.append(
            {
                "code": code,
                "name": name,
                "days": row["days"],
                "min_cases": row["min_cases"],
                "source": source,
                "active": bool(row.get("active", True)),
            }
        )
    if not rows and not errors:
        errors.append("no rules")
    if errors:
        raise ValueError("; ".join(errors))
    return rows


def outbreak_rules_load(*, path: str | Path = OUTBREAK_RULES_FILE) -> int:
    """Load the file's rules (by default the project's own); how many rules were created."""
    with open(path, encoding="utf-8") as handle:
        rows = _check(json.load(handle))
    created = 0
    with transaction.atomic():
        for row in rows:
            code = row.pop("code")
            current = OutbreakRule.objects.filter(code=code).first()
            if current is None:
                OutbreakRule.objects.create(code=code, **row)
                created += 1
            elif any(getattr(current, field) != value for field, value in row.items()):
                for field, value in row.items():
                    setattr(current, field, value)
                current.save()
    return created


def outbreak_rules_loaded() -> bool:
    """Whether any rule in force is loaded (a demo loads the file when not)."""
    return OutbreakRule.objects.filter(active=True).exists()
