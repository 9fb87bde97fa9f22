"""The routing table (which department answers a category, in how many working days) and its loading from
the district's data file."""

from django.conf import settings
from django.db import transaction

from tuoyu.regions.models import Department

from ..models import (
    Category,
    ComplaintStatus,
    RoutingRule,
)

S = ComplaintStatus


def routing_rule(category: str) -> RoutingRule | None:
    return RoutingRule.objects.select_related("department").filter(category=category).first()


def routing_load(*, rules: list[dict]) -> int:
    """Replace the routing table from data: [{"category", "department", "co_departments", "involve_street",
    "acknowledge_days", "answer_days"}], departments by code. All or nothing."""
    errors = []
    with transaction.atomic():
        for index, row in enumerate(rules, start=1):
            category = row.get("category")
            if category not in Category.values:
                errors.append(f"rule {index}: unknown category {category!r}")
                continue
            codes = [row.get("department"), *row.get("co_departments", [])]
            found = {d.code: d for d in Department.objects.filter(code__in=codes)}
            missing = [c for c in codes if c not in found]
            if missing:
                errors.append(f"rule {index}: unknown department {missing}")
                continue
            rule, _created = RoutingRule.objects.update_or_create(
                category=category,
                defaults={
                    "department": found[row["department"]],
                    "involve_street": bool(row.get("involve_street", False)),
                    "acknowledge_days": int(row.get("acknowledge_days", 1)),
                    "answer_days": int(row.get("answer_days", 15)),
                },
            )
            rule.co_departments.set([found[c] for c in row.get("co_departments", [])])
        if errors:
            transaction.set_rollback(True)
            raise ValueError("; ".join(errors))
    return len(rules)


def routing_load_file(path) -> int:
    import json
    from pathlib import Path

    return routing_load(rules=json.loads(Path(path).read_text(encoding="utf-8"))["rules"])


ROUTING_FILE = settings.BASE_DIR / "tuoyu" / "feedback" / "data" / "kaizhou_routing.json"
