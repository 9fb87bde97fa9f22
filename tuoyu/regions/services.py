"""Writes to the district configuration. A district is loaded from one JSON file (see data/kaizhou.json)."""

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Department, Population, Unit

REQUIRED_UNIT_KEYS = {"code", "name", "level"}


def _validate(data: dict[str, Any]) -> None:
    codes = set()
    levels = set(Unit.Level.values)
    for index, unit in enumerate(data.get("units", []), start=1):
        missing = REQUIRED_UNIT_KEYS - unit.keys()
        if missing:
            raise ValidationError(f"unit #{index}: missing {', '.join(sorted(missing))}")
        if unit["level"] not in levels:
            raise ValidationError(f"unit {unit['code']}: unknown level {unit['level']!r}")
        if (
            unit.get("parent")
            and unit["parent"] not in codes
            and not Unit.objects.filter(code=unit["parent"]).exists()
        ):
            raise ValidationError(f"unit {unit['code']}: parent {unit['parent']} must come before it")
        codes.add(unit["code"])
    if data.get("area") and data["area"] not in codes and not Unit.objects.filter(code=data["area"]).exists():
        raise ValidationError(f"area {data['area']} is not among the units")


@transaction.atomic
def regions_load(*, data: dict[str, Any]) -> dict[str, int]:
    """Create or update units (parents first), population and departments; idempotent."""
    _validate(data)
    counts = {"units": 0, "population": 0, "departments": 0}
    by_code: dict[str, Unit] = {
        u.code: u
        for u in Unit.objects.filter(
            code__in=[x.get("parent") for x in data.get("units", []) if x.get("parent")]
        )
    }
    for order, item in enumerate(data.get("units", [])):
        bounds = item.get("bounds") or [None] * 4
        center = item.get("center") or [None, None]
        unit, _created = Unit.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                # Empty: the English name follows the Chinese one's pinyin again (Unit.save).
                "name_en": item.get("name_en", ""),
                "level": item["level"],
                "parent": by_code.get(item.get("parent")) if item.get("parent") else None,
                "center_lat": center[0],
                "center_lng": center[1],
                "min_lat": bounds[0],
                "max_lat": bounds[1],
                "min_lng": bounds[2],
                "max_lng": bounds[3],
                "sort_order": order,
            },
        )
        by_code[unit.code] = unit
        counts["units"] += 1
    source = data.get("population_source", "")
    illustrative = bool(data.get("population_illustrative", False))
    for item in data.get("population", []):
        Population.objects.update_or_create(
            unit=by_code.get(item["unit"]) or Unit.objects.get(code=item["unit"]),
            year=item["year"],
            defaults={
                "total": item["total"],
                "under_three": item.get("under_three"),
                "illustrative": illustrative,
                "source": source,
            },
        )
        counts["population"] += 1
    for item in data.get("departments", []):
        Department.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                "short_name": item.get("short_name", ""),
                "unit": by_code.get(item["unit"]) or Unit.objects.get(code=item["unit"]),
                "is_health_commission": item.get("is_health_commission", False),
            },
        )
        counts["departments"] += 1
    return counts


def regions_load_file(*, path: Path) -> dict[str, int]:
    with open(path, encoding="utf-8") as handle:
        return regions_load(data=json.load(handle))


KAIZHOU_FILE = Path(__file__).resolve().parent / "data" / "kaizhou.json"
