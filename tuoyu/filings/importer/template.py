"""The workbook officials fill in, written through core.excel's safe writer."""

from django.utils.translation import gettext as _
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from stdnum.cn import uscc as uscc_lib

from tuoyu.core.excel import new_workbook, workbook_bytes
from tuoyu.regions.selectors import grassroots_units

from .columns import CHOICES_SHOWN, COLUMNS, MAX_ROWS


def _example_uscc() -> str:
    stem = "91500154MA6C00000"
    return stem + uscc_lib.calc_check_digit(stem)


def legacy_template() -> bytes:
    """The workbook officials fill in: the columns, drop-downs for the fixed values, one worked example
    row (marked 示例, skipped on import) and a sheet explaining each column."""
    # The example's name is read from the package at call time, so rebinding importer.EXAMPLE_NAME (as
    # core's test of the safe writer does with a hostile name) reaches the workbook.
    from tuoyu.filings import importer

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
        "name": importer.EXAMPLE_NAME,
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
