"""Import of existing, not yet filed institutions (存量机构, plan §8) from the Excel sheet officials keep.

The sheet is read by its Chinese column headers (any order; surrounding spaces and a trailing * are
ignored; English aliases work too). Every row is checked with the register's own rules
(tuoyu.institutions.services) and becomes a DRAFT institution in its own transaction, so one bad row
never loses the good ones. Problems come back per row and column, in the words of the sheet.

A file that cannot be read as a whole (not an .xlsx, too large, a required column missing) raises
ValidationError before anything is written.

One module per subject: upload (is it an .xlsx we may open), columns (the headers and the words in
them), sheet (finding the header and the rows), values (reading one cell), rows (one row to one
institution), service (the import and its report) and template (the workbook officials fill in).
"""

from .columns import (
    CHOICES_SHOWN,
    COLUMNS,
    EXAMPLE_MARK,
    EXAMPLE_NAME,
    HEADER,
    MAX_ROWS,
    MAX_SLOTS_PER_GROUP,
    Column,
)
from .rows import split_classes, spread_enrolled
from .service import ImportReport, RowError, import_legacy_institutions
from .template import legacy_template
from .upload import MAX_BYTES, MAX_UNPACKED_BYTES

__all__ = [
    "CHOICES_SHOWN",
    "COLUMNS",
    "EXAMPLE_MARK",
    "EXAMPLE_NAME",
    "HEADER",
    "MAX_BYTES",
    "MAX_ROWS",
    "MAX_SLOTS_PER_GROUP",
    "MAX_UNPACKED_BYTES",
    "Column",
    "ImportReport",
    "RowError",
    "import_legacy_institutions",
    "legacy_template",
    "split_classes",
    "spread_enrolled",
]
