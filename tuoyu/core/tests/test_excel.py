"""Every sheet the project writes goes through tuoyu.core.excel, which keeps typed text from becoming a
live formula in the official's Excel."""

import ast
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from tuoyu.core.excel import new_workbook, safe_cell, workbook_bytes

HOSTILE = '=HYPERLINK("http://x","y")'


def _cells(content: bytes):
    """Every cell of every sheet, read back the way an official's Excel would load the file."""
    workbook = load_workbook(BytesIO(content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def _hostile_cells(content: bytes):
    return [cell for cell in _cells(content) if isinstance(cell.value, str) and "HYPERLINK" in cell.value]


def _assert_inert(content: bytes) -> None:
    found = _hostile_cells(content)
    assert found, "the hostile text is missing from the sheet"
    for cell in found:
        assert cell.data_type != "f"
        assert not cell.value.startswith("=")
        assert cell.value == "'" + HOSTILE  # the reader still sees what was typed


@pytest.mark.parametrize("typed", ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", HOSTILE])
def test_text_that_excel_would_run_gets_a_quote_in_front(typed):
    assert safe_cell(typed) == "'" + typed


@pytest.mark.parametrize("value", [-5, -2.5, Decimal("-12.50"), 0, date(2026, 1, 5), None, True])
def test_numbers_and_dates_stay_what_they_are(value):
    assert safe_cell(value) == value and type(safe_cell(value)) is type(value)


def test_ordinary_text_is_unchanged_and_control_characters_are_dropped():
    assert safe_cell("阳光托育园 023-52210000") == "阳光托育园 023-52210000"
    assert safe_cell("午餐\x01凉了") == "午餐凉了"  # openpyxl would refuse the whole file otherwise


def test_a_workbook_built_cell_by_cell_is_made_safe_when_saved():
    workbook = new_workbook()
    sheet = workbook.active
    sheet.append([HOSTILE, -3, "plain"])
    sheet["D1"] = "=1+1"  # openpyxl stores this as a formula
    assert sheet["D1"].data_type == "f"
    cells = {cell.coordinate: cell for cell in _cells(workbook_bytes(workbook))}
    assert cells["A1"].value == "'" + HOSTILE and cells["A1"].data_type == "s"
    assert cells["B1"].value == -3 and cells["B1"].data_type == "n"
    assert cells["C1"].value == "plain"
    assert cells["D1"].value == "'=1+1" and cells["D1"].data_type == "s"


@pytest.mark.django_db
def test_the_public_notice_export_does_not_run_typed_formulas(client, operator):
    from tuoyu.filings.models import Filing, Notice, NoticeKind

    filing = Filing.objects.create(applicant=operator)
    Notice.objects.create(kind=NoticeKind.FILED, filing=filing, institution_name=HOSTILE, summary=HOSTILE)
    response = client.get(reverse("filings:notices_export"))
    assert response.status_code == 200
    _assert_inert(response.content)


@pytest.mark.django_db
def test_the_register_export_does_not_run_typed_formulas(client, reviewer, make_institution):
    make_institution(address=HOSTILE)
    client.force_login(reviewer)
    response = client.get("/institutions/export.xlsx")
    assert response.status_code == 200
    _assert_inert(response.content)


@pytest.mark.django_db
def test_the_complaint_queue_export_does_not_run_typed_formulas(client, reviewer, kaizhou):
    from tuoyu.feedback.services import ROUTING_FILE, complaint_file, routing_load_file

    routing_load_file(ROUTING_FILE)
    complaint_file(
        category="food",
        description="午餐的饭菜是凉的。",
        place_name=HOSTILE,
        address=HOSTILE,
        lat=kaizhou.center_lat,
        lng=kaizhou.center_lng,
    )
    client.force_login(reviewer)
    response = client.get(reverse("feedback:queue_export"))
    assert response.status_code == 200
    _assert_inert(response.content)


@pytest.mark.django_db
def test_the_import_template_is_written_through_the_safe_writer(monkeypatch, kaizhou):
    from tuoyu.filings import importer

    monkeypatch.setattr(importer, "EXAMPLE_NAME", HOSTILE)
    _assert_inert(importer.legacy_template())


# --- no sheet bypasses the writer -----------------------------------------------------------------

WRITER = Path("tuoyu/core/excel.py")


def _imports_workbook(tree: ast.AST) -> bool:
    """`from openpyxl import Workbook`, `from openpyxl.workbook import …`, or `openpyxl.Workbook`."""
    for node in ast.walk(tree):
        module = (node.module or "") if isinstance(node, ast.ImportFrom) else ""
        if module.startswith("openpyxl.workbook") or (
            module.startswith("openpyxl") and any(a.name == "Workbook" for a in node.names)
        ):
            return True
        if isinstance(node, ast.Attribute) and node.attr == "Workbook":
            return True
    return False


def _project_modules():
    root = Path(settings.BASE_DIR)
    for folder in ("tuoyu", "config", "bench"):
        for path in (root / folder).rglob("*.py"):
            relative = path.relative_to(root)
            # Tests build workbooks to upload; they never serve one to a person.
            if (
                "tests" in relative.parts
                or relative.name.startswith("test_")
                or relative.name == "conftest.py"
            ):
                continue
            yield relative, path


def test_the_guard_recognises_every_way_of_importing_the_workbook():
    assert _imports_workbook(ast.parse("from openpyxl import Workbook"))
    assert _imports_workbook(ast.parse("from openpyxl.workbook.workbook import Workbook"))
    assert _imports_workbook(ast.parse("import openpyxl\nopenpyxl.Workbook()"))
    assert not _imports_workbook(ast.parse("from openpyxl import load_workbook"))


def test_no_module_but_the_writer_creates_an_excel_workbook():
    offenders = [
        str(relative)
        for relative, path in _project_modules()
        if relative != WRITER and _imports_workbook(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert offenders == [], f"write sheets through tuoyu.core.excel, not openpyxl directly: {offenders}"
