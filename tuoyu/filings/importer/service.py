"""The import: each good row becomes a DRAFT institution in its own transaction; the report says which
rows, by row number and column header, were not."""

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tuoyu.accounts.capabilities import can_review_filings
from tuoyu.accounts.models import User
from tuoyu.institutions.models import Institution
from tuoyu.institutions.services import institution_create, institution_validate
from tuoyu.regions.selectors import grassroots_units

from .columns import EXAMPLE_MARK, HEADER
from .rows import ParsedRow, add_register_errors, parse_row
from .sheet import read_sheet
from .upload import check_xlsx_container, read_upload
from .values import cell_text


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


def import_legacy_institutions(*, file: Any, by: User) -> ImportReport:
    """Read the sheet and create each good row as a DRAFT institution, each in its own transaction.

    Raises ValidationError (nothing written) when the file cannot be used as a whole; otherwise returns
    the report of what was created and which rows, by row number and column header, were not.
    """
    if not can_review_filings(by):
        raise PermissionDenied
    data = read_upload(file)
    check_xlsx_container(data)
    _header_row, positions, rows = read_sheet(data)
    units = {unit.name: unit for unit in grassroots_units()}
    report = ImportReport()
    seen: dict[str, int] = {}
    for number, cells in rows:
        if cell_text(cells.get("name")).lstrip("【[（( ").startswith(EXAMPLE_MARK):
            report.skipped_examples += 1
            continue
        report.total += 1
        row = parse_row(number, cells, units, positions.keys())
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


def _check_duplicates(row: ParsedRow, seen: dict[str, int]) -> None:
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


def _fields_for_register(row: ParsedRow) -> dict[str, Any]:
    return {key: value for key, value in row.fields.items() if not row.errors.get(key)}


def _collect_more_errors(row: ParsedRow) -> None:
    """A bad row still goes through the register's checks, so the official sees all its problems at once."""
    fields = _fields_for_register(row)
    try:
        institution_validate(fields=fields, classes=row.classes, fees=[])
    except ValidationError as exc:
        add_register_errors(row, exc)
    except (TypeError, ValueError):
        pass  # a field left out made the row unbuildable; its own cell error already says why


def _create(row: ParsedRow, by: User) -> Institution | None:
    try:
        with transaction.atomic():
            return institution_create(fields=row.fields, classes=row.classes, fees=[], by=by)
    except ValidationError as exc:
        add_register_errors(row, exc)
    except IntegrityError:
        # Someone registered the same code between our check and the insert, and the database's unique
        # constraint said no; any other constraint means a value our checks let through.
        if Institution.objects.filter(uscc=row.fields["uscc"]).exists():
            row.add("uscc", _("An institution with this credit code is already in the register."))
        else:
            row.add("", _("The register refused this row. Check its values and try again."))
    return None
