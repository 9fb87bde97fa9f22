"""Finding the header row and the data rows of the sheet, by the columns' Chinese headers."""

import io
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from .columns import CLASS_COLUMNS, COLUMNS, HEADER, HEADER_SCAN_ROWS, MAX_ROWS
from .upload import not_xlsx
from .values import cell_text


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


def read_sheet(data: bytes) -> tuple[int, dict[str, int], list[tuple[int, dict[str, Any]]]]:
    """Header row number, column positions by key, and the non-blank data rows with their row numbers."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - a damaged or hostile file can make openpyxl raise anything
        raise not_xlsx() from exc
    try:
        return _read_rows(workbook)
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - read-only mode parses lazily, so damage surfaces here too
        raise not_xlsx() from exc
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
        if all(cell_text(value) == "" for value in values):
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
