"""Excel out: officials live in Excel, so every list they work from can be downloaded as .xlsx.

This module is the project's only Excel writer (tuoyu/core/tests/test_excel.py fails if another module
imports openpyxl's Workbook), because every sheet must neutralise text that Excel would run as a
formula. Free text typed by the public or by operators (an institution's name, a complaint's place, a
notice's content) reaches these sheets, and `=HYPERLINK("http://x","y")` in a cell is a live link, and
worse formulas can leak other cells or start programs (OWASP, "CSV injection").
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .text import xml_safe

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Excel, WPS and LibreOffice read a cell starting with one of these as a formula: when openpyxl writes
# the value (it stores a str starting with "=" as a formula), when someone presses F2 and Enter in the
# cell, or when the sheet is saved as CSV and opened again. Tab and CR let a formula hide behind them.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# OWASP's advice: put a single quote in front. openpyxl then stores the text as a plain string and reads
# it back exactly, quote included, and Excel shows the quote: it hides a leading quote only when a
# person types it (that becomes the cell's quotePrefix style, not part of the value). So the reader sees
# '=HYPERLINK(...) as the visible, inert text it is, and it stays inert through editing and CSV. Forcing
# the cell's type to string instead would keep a value starting with "=", live again after one edit.
FORMULA_GUARD = "'"


def safe_cell(value):
    """A value as a cell may hold it: numbers and dates stay numbers and dates (a negative number is a
    number, not a formula), text loses the characters XML cannot hold (openpyxl refuses them, and a
    stored control character must not make the whole export fail) and text that Excel would read as a
    formula gets the guard in front."""
    if isinstance(value, datetime):
        # Excel cannot hold timezone-aware datetimes; show local time.
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if value is None or isinstance(value, int | float | Decimal | date):
        return value
    text = xml_safe(str(value))  # str() also makes lazy translations real
    if text.startswith(FORMULA_TRIGGERS):
        return FORMULA_GUARD + text
    return text


def xlsx_response(
    *, filename: str, sheet: str, headers: Sequence[str], rows: Iterable[Sequence], note: str = ""
) -> HttpResponse:
    """Stream rows into a write-only workbook (constant memory for big exports) with a bold header row."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet[:31])
    for index, header in enumerate(headers, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = max(
            10, min(40, len(str(header)) * 2 + 4)
        )
    worksheet.freeze_panes = "A2"
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(worksheet, value=safe_cell(header))
        cell.font = Font(bold=True)
        header_cells.append(cell)
    worksheet.append(header_cells)
    for row in rows:
        worksheet.append([safe_cell(value) for value in row])
    if note:
        worksheet.append([])
        worksheet.append([safe_cell(note)])
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def new_workbook() -> Workbook:
    """A workbook in normal mode, for a sheet with styles, drop-downs and several tabs (the import
    template). Save it only with workbook_bytes(), which makes every cell safe."""
    return Workbook()


def workbook_bytes(workbook: Workbook) -> bytes:
    """The .xlsx file of a workbook from new_workbook(), every text and formula cell passed through
    safe_cell() first, so a sheet built cell by cell is as safe as a streamed export. The project writes
    no formulas of its own; a drop-down's list is a data validation, not a cell, and is untouched."""
    for worksheet in workbook.worksheets:
        for row in worksheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or isinstance(cell.value, str):
                    value = cell.value
                    cell.value = safe_cell(value if isinstance(value, str) else getattr(value, "text", ""))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
