"""One row of the sheet becomes one institution's register fields and classes, with its problems by column."""

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tuoyu.institutions.models import CLASS_SIZE_LIMITS
from tuoyu.institutions.services import ClassSpec
from tuoyu.regions.models import Unit
from tuoyu.regions.selectors import area_bounds

from .columns import (
    CLASS_COLUMNS,
    CLASS_STEM,
    MAX_SLOTS_PER_GROUP,
    OWNERSHIP_VALUES,
    REGISTRATION_BODY_VALUES,
    TYPE_VALUES,
)
from .values import (
    CellError,
    cell_text,
    parse_boolean,
    parse_choice,
    parse_coordinate,
    parse_count,
    parse_uscc,
)


def split_classes(group: str, count: int) -> list[ClassSpec]:
    """`count` slots of one age group as classes within the national limit, sized as evenly as possible.

    25 infant slots (limit 10) become 乳儿1班 9, 乳儿2班 8, 乳儿3班 8: three classes are needed either
    way, and even classes are what a kindergarten actually runs.
    """
    if count <= 0:
        return []
    limit = CLASS_SIZE_LIMITS[group]
    number = math.ceil(count / limit)
    base, extra = divmod(count, number)
    sizes = [base + 1] * extra + [base] * (number - extra)
    stem = CLASS_STEM[group]
    if number == 1:
        return [ClassSpec(name=f"{stem}班", age_group=group, capacity=count)]
    return [
        ClassSpec(name=f"{stem}{index}班", age_group=group, capacity=size)
        for index, size in enumerate(sizes, start=1)
    ]


def spread_enrolled(classes: list[ClassSpec], enrolled: int) -> list[ClassSpec]:
    """Share the enrolled children over the classes in proportion to their slots, never above a class's slots."""
    capacity = sum(spec.capacity for spec in classes)
    if not classes or enrolled <= 0 or capacity == 0:
        return classes
    shares = [enrolled * spec.capacity // capacity for spec in classes]
    # The floors leave fewer children than there are classes; hand them out where there is room.
    left = enrolled - sum(shares)
    for index, spec in enumerate(classes):
        if left == 0:
            break
        if shares[index] < spec.capacity:
            shares[index] += 1
            left -= 1
    return [
        ClassSpec(name=spec.name, age_group=spec.age_group, capacity=spec.capacity, enrolled=share)
        for spec, share in zip(classes, shares, strict=True)
    ]


@dataclass
class ParsedRow:
    number: int
    fields: dict[str, Any] = field(default_factory=dict)
    classes: list[ClassSpec] = field(default_factory=list)
    class_columns: list[str] = field(default_factory=list)  # the column each class came from
    present: frozenset[str] = frozenset()  # the columns the sheet has
    errors: dict[str, list[str]] = field(default_factory=dict)  # by column key; "" is the whole row

    def add(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)


def parse_row(
    number: int, cells: dict[str, Any], units: dict[str, Unit], present: Iterable[str]
) -> ParsedRow:
    row = ParsedRow(number=number, present=frozenset(present))
    name = cell_text(cells.get("name"))
    text_fields = {
        "name": name,
        "address": cell_text(cells.get("address")),
        "phone": cell_text(cells.get("phone")),
    }
    for key in ("name", "address"):
        if not text_fields[key]:
            row.add(key, _("Fill in this cell."))
    row.fields.update(text_fields)
    parsers = {
        "uscc": parse_uscc,
        "registration_body": lambda v: parse_choice(v, REGISTRATION_BODY_VALUES, "registration_body"),
        "type": lambda v: parse_choice(v, TYPE_VALUES, "type"),
        "ownership": lambda v: parse_choice(v, OWNERSHIP_VALUES, "ownership"),
        "is_puhui": parse_boolean,
        "lat": lambda v: parse_coordinate(v, low=-90, high=90, example="31.176"),
        "lng": lambda v: parse_coordinate(v, low=-180, high=180, example="108.396"),
    }
    for key, parse in parsers.items():
        try:
            row.fields[key] = parse(cells.get(key))
        except CellError as exc:
            row.add(key, exc.message)
    unit_name = cell_text(cells.get("unit"))
    if not unit_name:
        row.add("unit", _("Fill in this cell."))
    elif unit_name not in units:
        row.add(
            "unit",
            _("There is no street or town called %(name)s in this district. Use the name as in the template.")
            % {"name": unit_name},
        )
    else:
        row.fields["unit"] = units[unit_name]
    _check_swapped(row, cells)
    counts: dict[str, int] = {}
    for key in CLASS_COLUMNS:
        if key not in present:
            continue
        try:
            counts[key] = parse_count(cells.get(key))
        except CellError as exc:
            row.add(key, exc.message)
            continue
        if counts[key] > MAX_SLOTS_PER_GROUP:
            row.add(
                key,
                _("%(count)s slots in one age group is more than one institution has; check the number.")
                % {"count": counts[key]},
            )
    class_keys = [key for key in CLASS_COLUMNS if key in present]
    if not any(row.errors.get(key) for key in class_keys):
        for key in class_keys:
            specs = split_classes(CLASS_COLUMNS[key], counts.get(key, 0))
            row.classes.extend(specs)
            row.class_columns.extend([key] * len(specs))
        if not row.classes:
            row.add(class_keys[0], _("Give the slots of at least one age group."))
    enrolled = 0
    if "enrolled" in present:
        try:
            enrolled = parse_count(cells.get("enrolled"))
        except CellError as exc:
            row.add("enrolled", exc.message)
    capacity = sum(spec.capacity for spec in row.classes)
    if row.classes and enrolled > capacity:
        row.add(
            "enrolled",
            _("%(enrolled)s children enrolled is more than the %(capacity)s slots of the classes.")
            % {"enrolled": enrolled, "capacity": capacity},
        )
    elif enrolled:
        row.classes = spread_enrolled(row.classes, enrolled)
    return row


def _check_swapped(row: ParsedRow, cells: dict[str, Any]) -> None:
    """Latitude and longitude typed into each other's column is the commonest slip in these sheets; say
    so instead of "not a latitude" (108 is no latitude, but it is this district's longitude)."""
    bounds = area_bounds()
    try:
        lat, lng = float(cell_text(cells.get("lat"))), float(cell_text(cells.get("lng")))
    except ValueError:
        return
    if bounds is None or bounds.contains(lat, lng) or not bounds.contains(lng, lat):
        return
    row.errors.pop("lat", None)
    row.errors.pop("lng", None)
    row.fields["lat"], row.fields["lng"] = lat, lng
    row.add("lat", _("The latitude and longitude look swapped: check which column each belongs in."))


_CLASS_KEY = re.compile(r"^classgroup\[(\d+)\]\.(\w+)$")
# Register fields that are one column each; the classes are several columns and handled below.
FIELD_COLUMNS = frozenset(
    {
        "name",
        "uscc",
        "registration_body",
        "type",
        "ownership",
        "is_puhui",
        "unit",
        "address",
        "lat",
        "lng",
        "phone",
    }
)


def _column_of(row: ParsedRow, field_name: str) -> str:
    """The column key a register error belongs to. ValidationError keys are model field names; the
    first class's errors carry no prefix, later ones "classgroup[i].field"."""
    if field_name == "lat":
        # The register reports a point outside the district on "lat"; name the coordinate that is off.
        bounds, lat = area_bounds(), row.fields.get("lat")
        if bounds is not None and lat is not None and bounds.min_lat <= lat <= bounds.max_lat:
            return "lng"
        return "lat"
    if field_name in FIELD_COLUMNS:
        return field_name
    match = _CLASS_KEY.match(field_name)
    index, attribute = (int(match.group(1)), match.group(2)) if match else (0, field_name)
    if attribute == "enrolled" and "enrolled" in row.present:
        return "enrolled"
    if attribute in ("capacity", "enrolled", "age_group", "classes") and row.class_columns:
        return row.class_columns[min(index, len(row.class_columns) - 1)]
    return ""


def add_register_errors(row: ParsedRow, exc: ValidationError) -> None:
    """Add the register's messages under their columns, except where a cell already has its own message
    (a cell we could not read is left out of the fields, and the register would only say it is empty)."""
    already = {key for key, messages in row.errors.items() if messages}
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            row.add("", message)
        return
    for field_name, messages in exc.message_dict.items():
        key = _column_of(row, field_name)
        if key in already:
            continue
        for message in messages:
            if message not in row.errors.get(key, []):
                row.add(key, message)
