"""Is the upload an .xlsx we may open? Decided by content and size before openpyxl parses anything."""

import io
import math
import zipfile
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tuoyu.core.files import FILE_SIZE_MESSAGE, MB

MAX_BYTES = 5 * MB
# A 5 MB .xlsx is compressed XML; refusing more than this unpacked stops a zip bomb before openpyxl
# parses it. A sheet of a few thousand institutions unpacks to a few MB.
MAX_UNPACKED_BYTES = 60 * MB
# The district has about a hundred institutions, so a sheet never comes near this. The bound keeps one

XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2: old .xls, and also password-protected .xlsx
ZIP_MAGIC = b"PK\x03\x04"


def not_xlsx() -> ValidationError:
    return ValidationError(
        _(
            "This file is not an Excel workbook (.xlsx). Save it in Excel or WPS as “Excel workbook (*.xlsx)” and upload it again."
        ),
        code="file_type",
    )


def read_upload(file: Any) -> bytes:
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


def check_xlsx_container(data: bytes) -> None:
    """Decide by content, never by the file's name: an .xlsx is a zip holding xl/workbook.xml."""
    if data.startswith(XLS_MAGIC):
        raise ValidationError(
            _(
                "This is an old-format Excel file (.xls) or a password-protected workbook. Open it in Excel or WPS, save it without a password as “Excel workbook (*.xlsx)” and upload it again."
            ),
            code="file_type",
        )
    if not data.startswith(ZIP_MAGIC):
        raise not_xlsx()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise not_xlsx() from exc
    if "xl/workbook.xml" not in {entry.filename for entry in entries}:
        raise not_xlsx()
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
        raise ValidationError(
            _("This workbook is too large to import at once. Split it into smaller files."), code="file_size"
        )
