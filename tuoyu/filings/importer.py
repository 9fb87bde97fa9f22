"""Import of existing, not yet filed institutions (存量机构, plan §8) from the Excel sheet officials keep.

The sheet is read by its Chinese column headers (any order; surrounding spaces and a trailing * are
ignored; English aliases work too). Every row is checked with the register's own rules
(tuoyu.institutions.services) and becomes a DRAFT institution in its own transaction, so one bad row
never loses the good ones. Problems come back per row and column, in the words of the sheet.

A file that cannot be read as a whole (not an .xlsx, too large, a required column missing) raises
ValidationError before anything is written.
"""

import io
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from stdnum.cn import uscc as uscc_lib

from tuoyu.accounts.capabilities import can_review_filings
from tuoyu.accounts.models import User
from tuoyu.core.excel import new_workbook, workbook_bytes
from tuoyu.core.files import FILE_SIZE_MESSAGE, MB
from tuoyu.core.validators import normalize_uscc
from tuoyu.institutions.models import (
    CLASS_SIZE_LIMITS,
    AgeGroup,
    Institution,
    InstitutionType,
    Ownership,
    RegistrationBody,
)
from tuoyu.institutions.services import ClassSpec, institution_create, institution_validate
from tuoyu.regions.models import Unit
from tuoyu.regions.selectors import area_bounds, grassroots_units

MAX_BYTES = 5 * MB
# A 5 MB .xlsx is compressed XML; refusing more than this unpacked stops a zip bomb before openpyxl
# parses it. A sheet of a few thousand institutions unpacks to a few MB.
MAX_UNPACKED_BYTES = 60 * MB
# The district has about a hundred institutions, so a sheet never comes near this. The bound keeps one
# request's work predictable: each row costs ~30 ms in the register's checks (full_clean runs each check
# constraint as a query), so 500 rows finish in about 15 s, inside a web worker's timeout.
MAX_ROWS = 500
# One age group of one institution beyond this is a typing error, not a kindergarten.
MAX_SLOTS_PER_GROUP = 500
# The header row may sit under a title row or two ("开州区存量托育机构统计表").
HEADER_SCAN_ROWS = 10
# A row whose 机构名称 starts with this is the template's worked example: skipped, never imported.
EXAMPLE_MARK = "示例"
EXAMPLE_NAME = "【示例】开州区阳光托育园（导入时自动跳过此行）"

XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2: old .xls, and also password-protected .xlsx
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Chinese header the sheet uses and the report names
    aliases: tuple[str, ...] = ()  # English alternatives, compared in lower case
    required: bool = False


COLUMNS = (
    Column("name", "机构名称", ("name", "institution name"), required=True),
    Column("uscc", "统一社会信用代码", ("uscc", "credit code", "unified social credit code"), required=True),
    Column("registration_body", "登记机关", ("registration body", "registered with"), required=True),
    Column("type", "机构类型", ("type", "institution type"), required=True),
    Column("ownership", "举办性质", ("ownership",), required=True),
    Column("is_puhui", "是否普惠", ("inclusive", "puhui"), required=True),
    Column("unit", "街道乡镇", ("street or town", "street", "town", "unit"), required=True),
    Column("address", "地址", ("address",), required=True),
    Column("lat", "纬度", ("latitude", "lat"), required=True),
    Column("lng", "经度", ("longitude", "lng"), required=True),
    Column("phone", "联系电话", ("phone", "telephone", "contact telephone")),
    Column("infant", "乳儿班托位", ("infant slots",)),
    Column("toddler", "托小班托位", ("toddler slots",)),
    Column("preschool", "托大班托位", ("older toddler slots", "preschool slots")),
    Column("mixed", "混合班托位", ("mixed slots", "mixed-age slots")),
    Column("enrolled", "在托人数", ("enrolled", "children enrolled")),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
HEADER = {column.key: column.header for column in COLUMNS}
CLASS_COLUMNS = {
    "infant": AgeGroup.INFANT,
    "toddler": AgeGroup.TODDLER,
    "preschool": AgeGroup.PRESCHOOL,
    "mixed": AgeGroup.MIXED,
}
# Class names as a kindergarten writes them: 乳儿班, or 乳儿1班, 乳儿2班 … when one group needs several.
CLASS_STEM = {
    AgeGroup.INFANT: "乳儿",
    AgeGroup.TODDLER: "托小",
    AgeGroup.PRESCHOOL: "托大",
    AgeGroup.MIXED: "混合",
}

REGISTRATION_BODY_VALUES = {
    "事业单位": RegistrationBody.PUBLIC_INSTITUTION,
    "编制部门": RegistrationBody.PUBLIC_INSTITUTION,
    "社会服务机构": RegistrationBody.SOCIAL_ORGANISATION,
    "民办非企业单位": RegistrationBody.SOCIAL_ORGANISATION,  # the older name of 社会服务机构
    "民政部门": RegistrationBody.SOCIAL_ORGANISATION,
    "企业": RegistrationBody.ENTERPRISE,
    "市场监管部门": RegistrationBody.ENTERPRISE,
}
TYPE_VALUES = {
    "托育机构": InstitutionType.CHILDCARE,
    "幼儿园托班": InstitutionType.KINDERGARTEN,
    "用人单位办托": InstitutionType.EMPLOYER,
    "社区托育点": InstitutionType.COMMUNITY,
    "托育综合服务中心": InstitutionType.SERVICE_CENTRE,
    "综合服务中心": InstitutionType.SERVICE_CENTRE,
}
OWNERSHIP_VALUES = {
    "公办": Ownership.PUBLIC,
    "民办": Ownership.PRIVATE,
    "公建民营": Ownership.PUBLIC_BUILT_PRIVATE_RUN,
    "民办公助": Ownership.PRIVATE_WITH_PUBLIC_AID,
}
BOOLEAN_VALUES = {
    "是": True,
    "否": False,
    "y": True,
    "n": False,
    "yes": True,
    "no": False,
    "true": True,
    "false": False,
    "1": True,
    "0": False,
}
# What the template's drop-downs offer and an error message lists: the first spelling of each value.
CHOICES_SHOWN = {
    "registration_body": ("事业单位", "社会服务机构", "企业"),
    "type": ("托育机构", "幼儿园托班", "用人单位办托", "社区托育点", "托育综合服务中心"),
    "ownership": ("公办", "民办", "公建民营", "民办公助"),
    "is_puhui": ("是", "否"),
}


class RowError(NamedTuple):
    row: int  # the Excel row number, as the official sees it at the left of the sheet
    column: str  # the column header, or "" for the row as a whole
    message: str


@dataclass
class ImportReport:
    created: list[Institution] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total: int = 0  # data rows read, without blank rows and the template's example row
    skipped_examples: int = 0

    @property
    def failed_rows(self) -> int:
        return len({error.row for error in self.errors})


# --- reading the file ----------------------------------------------------------------------------


def _not_xlsx() -> ValidationError:
    return ValidationError(
        _(
            "This file is not an Excel workbook (.xlsx). Save it in Excel or WPS as “Excel workbook (*.xlsx)” and upload it again."
        ),
        code="file_type",
    )


def _read_bytes(file: Any) -> bytes:
    size = getattr(file, "size", None)
    if size is not None and size > MAX_BYTES:
        raise _too_big(size)
    file.seek(0)
    data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _too_big(len(data))
    return data


def _too_big(size: int) -> ValidationError:
    return ValidationError(
        FILE_SIZE_MESSAGE,
        code="file_size",
        params={"size": f"{math.ceil(size * 10 / MB) / 10:g}", "limit": f"{MAX_BYTES // MB}"},
    )


def _check_container(data: bytes) -> None:
    """Decide by content, never by the file's name: an .xlsx is a zip holding xl/workbook.xml."""
    if data.startswith(XLS_MAGIC):
        raise ValidationError(
            _(
                "This is an old-format Excel file (.xls) or a password-protected workbook. Open it in Excel or WPS, save it without a password as “Excel workbook (*.xlsx)” and upload it again."
            ),
            code="file_type",
        )
    if not data.startswith(ZIP_MAGIC):
        raise _not_xlsx()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _not_xlsx() from exc
    if "xl/workbook.xml" not in {entry.filename for entry in entries}:
        raise _not_xlsx()
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
        raise ValidationError(
            _("This workbook is too large to import at once. Split it into smaller files."), code="file_size"
        )


def _header_text(value: Any) -> str:
    return str(value).strip().strip("*＊").strip() if value is not None else ""


def _match_header(text: str) -> str | None:
    if not text:
        return None
    folded = " ".join(text.lower().split())
    for column in COLUMNS:
        if text == column.header or folded in column.aliases:
            return column.key
    return None


def _find_header(rows: Sequence[tuple]) -> int | None:
    """The index of the header row: the first of the top rows naming at least three known columns."""
    for index, row in enumerate(rows):
        if sum(1 for value in row if _match_header(_header_text(value))) >= 3:
            return index
    return None


def _read_sheet(data: bytes) -> tuple[int, dict[str, int], list[tuple[int, dict[str, Any]]]]:
    """Header row number, column positions by key, and the non-blank data rows with their row numbers."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - a damaged or hostile file can make openpyxl raise anything
        raise _not_xlsx() from exc
    try:
        return _read_rows(workbook)
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - read-only mode parses lazily, so damage surfaces here too
        raise _not_xlsx() from exc
    finally:
        workbook.close()


def _read_rows(workbook) -> tuple[int, dict[str, int], list[tuple[int, dict[str, Any]]]]:
    sheets = workbook.worksheets
    if not sheets:
        raise ValidationError(_("The workbook has no sheet to import."), code="empty")
    # The first sheet with a header row; the template's second sheet (explanations) never has one.
    chosen, top, header_index = sheets[0], [], None
    for sheet in sheets:
        # Some programs write a wrong sheet size into the file; read what is really there.
        sheet.reset_dimensions()
        rows = list(sheet.iter_rows(max_row=HEADER_SCAN_ROWS, values_only=True))
        header_index = _find_header(rows)
        if header_index is not None:
            chosen, top = sheet, rows
            break
    if header_index is None:
        chosen.reset_dimensions()
        top = list(chosen.iter_rows(max_row=HEADER_SCAN_ROWS, values_only=True))
        header_index = next((i for i, row in enumerate(top) if any(_header_text(v) for v in row)), None)
        if header_index is None:
            raise ValidationError(_("The sheet is empty."), code="empty")
    positions: dict[str, int] = {}
    for position, value in enumerate(top[header_index]):
        key = _match_header(_header_text(value))
        if key is None:
            continue  # officials' own extra columns (备注, 序号 …) are fine
        if key in positions:
            raise ValidationError(
                _("The column %(name)s appears more than once. Keep one and delete the other.")
                % {"name": HEADER[key]},
                code="duplicate_column",
            )
        positions[key] = position
    missing = [column.header for column in COLUMNS if column.required and column.key not in positions]
    if missing:
        raise ValidationError(
            _("The sheet has no column %(names)s. Download the template to see the columns it needs.")
            % {"names": "、".join(missing)},
            code="missing_columns",
        )
    if not any(key in positions for key in CLASS_COLUMNS):
        raise ValidationError(
            _("The sheet has no column %(names)s. Download the template to see the columns it needs.")
            % {"names": " / ".join(HEADER[key] for key in CLASS_COLUMNS)},
            code="missing_columns",
        )
    header_row = header_index + 1
    rows: list[tuple[int, dict[str, Any]]] = []
    # openpyxl yields empty tuples for rows missing from the file, so the count is the sheet's row number.
    for number, row in enumerate(
        chosen.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1
    ):
        values = tuple(row[positions[key]] if positions[key] < len(row) else None for key in positions)
        if all(_text(value) == "" for value in values):
            continue
        if len(rows) >= MAX_ROWS:
            raise ValidationError(
                _(
                    "The sheet has more than %(limit)s institutions. Split it into files of at most %(limit)s rows."
                )
                % {"limit": MAX_ROWS},
                code="too_many_rows",
            )
        rows.append((number, dict(zip(positions, values, strict=True))))
    return header_row, positions, rows


# --- reading one cell ----------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell as text: numbers typed into text columns (a phone number, a code) come back as digits."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


class _CellError(Exception):
    def __init__(self, message: str):
        self.message = message


def _choice(value: Any, mapping: dict[str, str], key: str) -> str:
    text = _text(value)
    if not text:
        raise _CellError(_("Fill in this cell."))
    found = mapping.get(text) or mapping.get(text.replace(" ", ""))
    if found is None:
        values = {choice.lower(): choice for choice in set(mapping.values())}
        found = values.get(text.lower())
    if found is None:
        raise _CellError(
            _("%(value)s is not one of the allowed values: %(choices)s.")
            % {"value": text, "choices": "、".join(CHOICES_SHOWN[key])}
        )
    return found


def _boolean(value: Any) -> bool:
    text = _text(value)
    if not text:
        raise _CellError(_("Fill in this cell."))
    if text.lower() not in BOOLEAN_VALUES:
        raise _CellError(
            _("%(value)s is not one of the allowed values: %(choices)s.")
            % {"value": text, "choices": "、".join(CHOICES_SHOWN["is_puhui"])}
        )
    return BOOLEAN_VALUES[text.lower()]


def _coordinate(value: Any, *, low: float, high: float, example: str) -> float:
    if _text(value) == "":
        raise _CellError(_("Fill in this cell."))
    try:
        number = float(value) if isinstance(value, int | float) else float(_text(value).rstrip("°"))
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or not low <= number <= high:
        raise _CellError(_("Enter a number in degrees, such as %(example)s.") % {"example": example})
    return number


def _count(value: Any) -> int:
    text = _text(value)
    if text == "":
        return 0
    try:
        number = float(value) if isinstance(value, int | float) else float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number < 0 or not number.is_integer():
        raise _CellError(_("Enter a whole number, 0 or more."))
    return int(number)


def _uscc(value: Any) -> str:
    if isinstance(value, float) and value >= 1e15:
        # An 18-digit code typed into a number cell has lost its last digits to Excel's 15-digit precision.
        raise _CellError(
            _(
                "Excel has stored this code as a number and rounded it. Format the column as text and type the code again."
            )
        )
    text = _text(value)
    if not text:
        raise _CellError(_("Fill in this cell."))
    try:
        return normalize_uscc(text.upper())
    except ValidationError as exc:
        raise _CellError(exc.messages[0]) from exc


# --- building one institution --------------------------------------------------------------------


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
class _Row:
    number: int
    fields: dict[str, Any] = field(default_factory=dict)
    classes: list[ClassSpec] = field(default_factory=list)
    class_columns: list[str] = field(default_factory=list)  # the column each class came from
    present: frozenset[str] = frozenset()  # the columns the sheet has
    errors: dict[str, list[str]] = field(default_factory=dict)  # by column key; "" is the whole row

    def add(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)


def _parse_row(number: int, cells: dict[str, Any], units: dict[str, Unit], present: Iterable[str]) -> _Row:
    row = _Row(number=number, present=frozenset(present))
    name = _text(cells.get("name"))
    text_fields = {"name": name, "address": _text(cells.get("address")), "phone": _text(cells.get("phone"))}
    for key in ("name", "address"):
        if not text_fields[key]:
            row.add(key, _("Fill in this cell."))
    row.fields.update(text_fields)
    parsers = {
        "uscc": _uscc,
        "registration_body": lambda v: _choice(v, REGISTRATION_BODY_VALUES, "registration_body"),
        "type": lambda v: _choice(v, TYPE_VALUES, "type"),
        "ownership": lambda v: _choice(v, OWNERSHIP_VALUES, "ownership"),
        "is_puhui": _boolean,
        "lat": lambda v: _coordinate(v, low=-90, high=90, example="31.176"),
        "lng": lambda v: _coordinate(v, low=-180, high=180, example="108.396"),
    }
    for key, parse in parsers.items():
        try:
            row.fields[key] = parse(cells.get(key))
        except _CellError as exc:
            row.add(key, exc.message)
    unit_name = _text(cells.get("unit"))
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
            counts[key] = _count(cells.get(key))
        except _CellError as exc:
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
            enrolled = _count(cells.get("enrolled"))
        except _CellError as exc:
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


def _check_swapped(row: _Row, cells: dict[str, Any]) -> None:
    """Latitude and longitude typed into each other's column is the commonest slip in these sheets; say
    so instead of "not a latitude" (108 is no latitude, but it is this district's longitude)."""
    bounds = area_bounds()
    try:
        lat, lng = float(_text(cells.get("lat"))), float(_text(cells.get("lng")))
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


def _column_of(row: _Row, field_name: str) -> str:
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


def _register_errors(row: _Row, exc: ValidationError) -> None:
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


# --- the import ----------------------------------------------------------------------------------


def import_legacy_institutions(*, file: Any, by: User) -> ImportReport:
    """Read the sheet and create each good row as a DRAFT institution, each in its own transaction.

    Raises ValidationError (nothing written) when the file cannot be used as a whole; otherwise returns
    the report of what was created and which rows, by row number and column header, were not.
    """
    if not can_review_filings(by):
        raise PermissionDenied
    data = _read_bytes(file)
    _check_container(data)
    _header_row, positions, rows = _read_sheet(data)
    units = {unit.name: unit for unit in grassroots_units()}
    report = ImportReport()
    seen: dict[str, int] = {}
    for number, cells in rows:
        if _text(cells.get("name")).lstrip("【[（( ").startswith(EXAMPLE_MARK):
            report.skipped_examples += 1
            continue
        report.total += 1
        row = _parse_row(number, cells, units, positions.keys())
        _check_duplicates(row, seen)
        if row.errors:
            _collect_more_errors(row)
        else:
            created = _create(row, by)
            if created is not None:
                report.created.append(created)
        for key, messages in row.errors.items():
            for message in messages:
                report.errors.append(RowError(number, HEADER.get(key, ""), message))
    return report


def _check_duplicates(row: _Row, seen: dict[str, int]) -> None:
    code = row.fields.get("uscc")
    if not code:
        return
    if code in seen:
        row.add(
            "uscc",
            _("This credit code is already in row %(row)s of this file.") % {"row": seen[code]},
        )
        return
    seen[code] = row.number
    if Institution.objects.filter(uscc=code).exists():
        row.add("uscc", _("An institution with this credit code is already in the register."))
    elif User.objects.filter(username=code).exists():
        # operator_register() made an account named by the code: the institution is filing online and
        # enters the register when that filing is approved.
        row.add(
            "uscc",
            _(
                "This institution already has an online filing account; it enters the register through its filing."
            ),
        )


def _fields_for_register(row: _Row) -> dict[str, Any]:
    return {key: value for key, value in row.fields.items() if not row.errors.get(key)}


def _collect_more_errors(row: _Row) -> None:
    """A bad row still goes through the register's checks, so the official sees all its problems at once."""
    fields = _fields_for_register(row)
    try:
        institution_validate(fields=fields, classes=row.classes, fees=[])
    except ValidationError as exc:
        _register_errors(row, exc)
    except (TypeError, ValueError):
        pass  # a field left out made the row unbuildable; its own cell error already says why


def _create(row: _Row, by: User) -> Institution | None:
    try:
        with transaction.atomic():
            return institution_create(fields=row.fields, classes=row.classes, fees=[], by=by)
    except ValidationError as exc:
        _register_errors(row, exc)
    except IntegrityError:
        # Someone registered the same code between our check and the insert, and the database's unique
        # constraint said no; any other constraint means a value our checks let through.
        if Institution.objects.filter(uscc=row.fields["uscc"]).exists():
            row.add("uscc", _("An institution with this credit code is already in the register."))
        else:
            row.add("", _("The register refused this row. Check its values and try again."))
    return None


# --- the template --------------------------------------------------------------------------------


def _example_uscc() -> str:
    stem = "91500154MA6C00000"
    return stem + uscc_lib.calc_check_digit(stem)


def legacy_template() -> bytes:
    """The workbook officials fill in: the columns, drop-downs for the fixed values, one worked example
    row (marked 示例, skipped on import) and a sheet explaining each column."""
    units = list(grassroots_units())
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = "存量机构"
    sheet.append([column.header for column in COLUMNS])
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        if column.required:
            cell.fill = required_fill
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(column.header) * 2 + 4)
    sheet.freeze_panes = "A2"
    unit = units[0] if units else None
    example = {
        "name": EXAMPLE_NAME,
        "uscc": _example_uscc(),
        "registration_body": "企业",
        "type": "托育机构",
        "ownership": "民办",
        "is_puhui": "是",
        "unit": unit.name if unit else "",
        "address": f"{unit.name}滨湖路8号" if unit else "",
        "lat": round(unit.center_lat, 6) if unit and unit.center_lat is not None else None,
        "lng": round(unit.center_lng, 6) if unit and unit.center_lng is not None else None,
        "phone": "023-52210000",
        "infant": 10,
        "toddler": 15,
        "preschool": 20,
        "mixed": 0,
        "enrolled": 30,
    }
    sheet.append([example[column.key] for column in COLUMNS])
    last = 1 + MAX_ROWS
    position = {column.key: get_column_letter(index) for index, column in enumerate(COLUMNS, start=1)}
    # Codes and phone numbers are text: as numbers Excel would round an 18-digit code and drop a leading 0.
    for key in ("uscc", "phone"):
        for row in range(2, min(last, 502) + 1):
            sheet[f"{position[key]}{row}"].number_format = "@"
    for key, values in CHOICES_SHOWN.items():
        validation = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
        validation.add(f"{position[key]}2:{position[key]}{last}")
        sheet.add_data_validation(validation)
    if units:
        # A list of forty-odd names is too long for an inline drop-down; it lives on its own sheet.
        names = workbook.create_sheet("街道乡镇")
        for item in units:
            names.append([item.name])
        validation = DataValidation(
            type="list", formula1=f"'街道乡镇'!$A$1:$A${len(units)}", allow_blank=True
        )
        validation.add(f"{position['unit']}2:{position['unit']}{last}")
        sheet.add_data_validation(validation)
    notes = workbook.create_sheet("填写说明")
    notes.append([_("Column"), _("Required"), _("What to enter")])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    explanations = {
        "name": _("The name as on the licence or certificate."),
        "uscc": _("18 characters, as on the licence. Format the column as text."),
        "registration_body": "、".join(CHOICES_SHOWN["registration_body"]),
        "type": "、".join(CHOICES_SHOWN["type"]),
        "ownership": "、".join(CHOICES_SHOWN["ownership"]),
        "is_puhui": "、".join(CHOICES_SHOWN["is_puhui"]),
        "unit": _("The street or town name, as on the sheet 街道乡镇."),
        "address": _("Street address."),
        "lat": _("Latitude in degrees (WGS-84), such as 31.176."),
        "lng": _("Longitude in degrees (WGS-84), such as 108.396."),
        "phone": _("Contact telephone."),
        "infant": _("Number of slots; more than the class limit becomes several classes."),
        "toddler": _("Number of slots; more than the class limit becomes several classes."),
        "preschool": _("Number of slots; more than the class limit becomes several classes."),
        "mixed": _("Number of slots; more than the class limit becomes several classes."),
        "enrolled": _("Children now enrolled, at most the slots."),
    }
    for column in COLUMNS:
        notes.append([column.header, _("yes") if column.required else "", str(explanations[column.key])])
    notes.append([])
    notes.append(
        [
            _(
                "Row 2 is an example: its name starts with 示例, so it is skipped on import. Keep or delete it, and enter one institution per row below."
            )
        ]
    )
    notes.append(
        [
            _(
                "Each row becomes an unfiled (draft) institution; rows with problems are listed with their row number."
            )
        ]
    )
    notes.column_dimensions["A"].width = 20
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 70
    return workbook_bytes(workbook)
