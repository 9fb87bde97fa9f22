"""The filing receipt (备案回执) as a PDF: the paper an approved childcare institution keeps and shows.

Why WeasyPrint: the receipt must show Chinese on a reader's machine that has no CJK font, so the PDF
has to embed one. ReportLab's TTFont can embed only TrueType outlines, and the CJK fonts Debian ships
for print quality (fonts-noto-cjk) are CFF-outline OpenType collections (.ttc) that it cannot read.
WeasyPrint lays out an HTML template through Pango and fontconfig, finds Noto Serif CJK SC in the
system's collection, and embeds a subset of it (FontFile3) with a ToUnicode map, so the text can
also be searched and copied. It installs from PyPI (pure Python + cffi) on top of Debian's Pango
(in the machine image) and HarfBuzz's subsetter (libharfbuzz-subset0; without it WeasyPrint falls
back to fontTools, slower, with a warning), so it needs nothing beyond the package registries.
The alternative, ReportLab with fonts-droid-fallback's TrueType font, would give up the Song face
official documents are set in and lay out a table and wrapping Chinese text by hand.

This module takes plain data, not models: `core` imports no other app of the project.
"""

import base64
import functools
import io
from dataclasses import dataclass
from datetime import date

import qrcode
import qrcode.constants
from django.template.loader import render_to_string
from weasyprint import HTML, URLFetcher

# WeasyPrint's own binding of the fontconfig it renders with (see require_font).
from weasyprint.text.ffi import ffi, fontconfig

TEMPLATE = "core/receipt.html"

# The one family the template uses, in fontconfig's spelling. A Song (serif) face is what Chinese
# official documents are set in. One family in two weights (regular, bold) keeps the PDF near
# 300 kB: every embedded CJK face costs about 150 kB even subset, as WeasyPrint keeps the glyph
# ids (and so the empty slots below the highest one used). It is checked before rendering (see
# require_font) because fontconfig otherwise substitutes quietly and the receipt would come out
# with empty boxes where the Chinese should be.
FONT_FAMILY = "Noto Serif CJK SC"

# Medium error correction survives a crease or a smudge on a printed receipt while keeping the
# modules big enough to scan from paper at the size the template prints (about 30 mm).
QR_ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
# Ten pixels a module keeps the modules square even in a viewer that ignores the template's request
# not to smooth the image (image-rendering: pixelated); four modules of quiet zone
# is what the QR standard asks for, so scanners find the code next to the table's lines.
QR_BOX_SIZE = 10
QR_BORDER = 4

# Up to this many classes get a row each; more are set two to a row, which keeps a large centre's
# receipt (a dozen classes and more) on one page.
CLASSES_ONE_PER_ROW = 6


@dataclass(frozen=True)
class ReceiptData:
    """What the receipt prints, as display-ready values (labels already in Chinese)."""

    filing_number: str  # e.g. "开州托备〔2025〕0012"
    institution_name: str
    uscc: str  # unified social credit code
    legal_representative: str
    address: str
    institution_type: str  # display label, e.g. "托育机构"
    ownership: str  # display label, e.g. "民办"
    is_puhui: bool
    capacity: int  # slots
    classes: list[tuple[str, str, int]]  # (class name, age group label, capacity)
    service_types: list[str]  # labels, e.g. ["全日托", "半日托"]
    issued_on: date
    issuer: str  # e.g. "重庆市开州区卫生健康委员会"
    verify_url: str  # absolute URL of the public verification page, encoded in the QR code
    verification_code: str  # short code printed under the QR for typing in by hand
    demo: bool = False  # True: print a clear "示例数据 — 非真实回执" watermark/notice


class ReceiptFontMissing(RuntimeError):
    """The CJK font is not installed, so a receipt would print boxes instead of Chinese."""


def chinese_date(value: date) -> str:
    """2025年8月9日: the way a Chinese official document dates itself (no leading zeros)."""
    return f"{value.year}年{value.month}月{value.day}日"


def qr_png(url: str) -> bytes:
    """The QR code for `url` as a black-and-white PNG, built in memory (no temporary file)."""
    code = qrcode.QRCode(error_correction=QR_ERROR_CORRECTION, box_size=QR_BOX_SIZE, border=QR_BORDER)
    code.add_data(url)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


@functools.cache
def require_font(family: str) -> None:
    """Fail loudly when fontconfig has no `family` rather than issue a receipt full of empty boxes.

    The machine image has no CJK font until fonts-noto-cjk is installed, and fontconfig always
    "matches" some font, so the check compares the family it actually picked. It asks the same
    fontconfig library WeasyPrint renders with, so the answer cannot disagree with the render.
    Only success is cached (the installed fonts do not change while the process runs); a failure
    is checked again next time, so installing the font fixes a running server.
    """
    config = fontconfig.FcInitLoadConfigAndFonts()
    pattern = fontconfig.FcPatternCreate()
    try:
        fontconfig.FcPatternAddString(pattern, b"family", family.encode())
        fontconfig.FcConfigSubstitute(config, pattern, 0)  # FcMatchPattern
        fontconfig.FcDefaultSubstitute(pattern)
        result = ffi.new("FcResult *")
        match = fontconfig.FcFontMatch(config, pattern, result)
        found = []
        if match != ffi.NULL:
            value = ffi.new("FcChar8 **")
            index = 0
            # A collection names its family in several languages; any of them may be the one asked for.
            while fontconfig.FcPatternGetString(match, b"family", index, value) == 0:  # FcResultMatch
                found.append(ffi.string(value[0]).decode())
                index += 1
            fontconfig.FcPatternDestroy(match)
    finally:
        fontconfig.FcPatternDestroy(pattern)
        fontconfig.FcConfigDestroy(config)
    if family not in found:
        raise ReceiptFontMissing(
            f"The font {family!r} is not installed (fontconfig offers {found or 'nothing'}); "
            "install Debian's fonts-noto-cjk so that receipts show Chinese."
        )


def _class_rows(classes: list[tuple[str, str, int]]) -> tuple[int, list[list[tuple[str, str, int]]]]:
    """The classes laid out for the table: (columns, rows), two to a row when there are many."""
    columns = 1 if len(classes) <= CLASSES_ONE_PER_ROW else 2
    return columns, [list(classes[i : i + columns]) for i in range(0, len(classes), columns)]


def render_receipt_html(data: ReceiptData) -> str:
    """The receipt as HTML (what the PDF is made from; also handy to look at in a browser)."""
    columns, class_rows = _class_rows(data.classes)
    qr_uri = "data:image/png;base64," + base64.b64encode(qr_png(data.verify_url)).decode("ascii")
    context = {
        "r": data,
        "issued_on_text": chinese_date(data.issued_on),
        "qr_uri": qr_uri,
        "service_types_text": "、".join(data.service_types),
        "class_columns": range(columns),
        "class_rows": class_rows,
        "font_family": FONT_FAMILY,
    }
    # No request: the receipt must not depend on who downloads it, so no context processors run.
    return render_to_string(TEMPLATE, context)


def render_receipt_pdf(data: ReceiptData) -> bytes:
    """One A4 page: the filing receipt with an embedded CJK font and a QR code to verify it."""
    require_font(FONT_FAMILY)
    # Only data: URIs may be loaded. The one image is inlined, and institution data typed in by
    # applicants must never make the server fetch a URL (network) or read a local file.
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    document = HTML(string=render_receipt_html(data), url_fetcher=fetcher)
    # write_pdf() without a target returns bytes: the PDF is built in memory, nothing touches disk.
    return document.write_pdf()
