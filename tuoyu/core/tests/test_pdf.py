"""The filing receipt PDF: one A4 page that shows Chinese anywhere and carries a QR code that scans.

The PDF is read back with a real PDF library (pypdf), rasterised with poppler's pdftoppm the way a
reader would see it, and its QR code is decoded with zxing-cpp, so each promise is checked on the
file itself rather than on the HTML it is made from.
"""

import io
import os
import re
import shutil
import socket
import subprocess
import tempfile
from dataclasses import replace
from datetime import date

import pytest
import qrcode
import zxingcpp
from PIL import Image, ImageChops
from pypdf import PdfReader

from tuoyu.core import pdf as receipt_pdf
from tuoyu.core.pdf import ReceiptData, ReceiptFontMissing, chinese_date, render_receipt_pdf, require_font

A4_POINTS = (595.28, 841.89)
DEMO_NOTICE = "示例数据 — 非真实回执"
VERIFY_URL = "https://tuoyu.example.cn/verify/K7Q2-M9XD"

SAMPLE = ReceiptData(
    filing_number="开州托备〔2025〕0012",
    institution_name="开州区汉丰街道小星星托育中心有限公司",
    uscc="91500154MA5U7AB12X",
    legal_representative="王晓梅",
    address="重庆市开州区汉丰街道安康路188号附2号1-2层",
    institution_type="托育机构",
    ownership="民办",
    is_puhui=True,
    capacity=80,
    classes=[
        ("小星班", "乳儿班（6—12个月）", 10),
        ("月亮班", "托小班（12—24个月）", 30),
        ("太阳班", "托大班（24—36个月）", 40),
    ],
    service_types=["全日托", "半日托"],
    issued_on=date(2025, 8, 9),
    issuer="重庆市开州区卫生健康委员会",
    verify_url=VERIFY_URL,
    verification_code="K7Q2-M9XD",
)


def page_text(document: bytes) -> str:
    """All text of the PDF without whitespace: letter-spacing and wrapping add spaces and breaks."""
    reader = PdfReader(io.BytesIO(document))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def rasterise(document: bytes, dpi: int = 150, env: dict | None = None) -> Image.Image:
    """Page 1 as a reader's screen shows it, drawn by poppler (stdin to stdout: no files)."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.fail("pdftoppm is missing: install Debian's poppler-utils (.ci/system-packages.sh)")
    png = subprocess.run(  # noqa: S603 -- a fixed argument list and no shell
        [pdftoppm, "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-"],
        input=document,
        capture_output=True,
        check=True,
        timeout=60,
        env=env,
    ).stdout
    return Image.open(io.BytesIO(png))


def cjk_fonts(document: bytes) -> list[dict]:
    """Every font on page 1 with its base name and the font program embedded for it, if any."""
    page = PdfReader(io.BytesIO(document)).pages[0]
    found = []
    for font in page["/Resources"]["/Font"].values():
        font = font.get_object()
        # A CJK font is a composite (Type0) font: its glyphs and descriptor live in the descendant.
        descendants = font.get("/DescendantFonts") or [font]
        for descendant in descendants:
            descriptor = descendant.get_object()["/FontDescriptor"].get_object()
            files = [key for key in ("/FontFile", "/FontFile2", "/FontFile3") if key in descriptor]
            found.append(
                {
                    "name": str(font["/BaseFont"]),
                    "files": files,
                    "program": descriptor[files[0]].get_object().get_data() if files else b"",
                    "to_unicode": "/ToUnicode" in font,
                }
            )
    return found


@pytest.fixture(scope="module")
def receipt() -> bytes:
    return render_receipt_pdf(SAMPLE)


@pytest.fixture(scope="module")
def demo_receipt() -> bytes:
    return render_receipt_pdf(replace(SAMPLE, demo=True))


def test_the_receipt_is_a_one_page_a4_pdf(receipt):
    assert receipt.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(receipt))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4_POINTS, abs=0.5)


def test_its_chinese_text_reads_back_from_the_pdf(receipt):
    text = page_text(receipt)
    for expected in (
        "托育机构备案回执",
        "开州托备〔2025〕0012",
        "开州区汉丰街道小星星托育中心有限公司",
        "91500154MA5U7AB12X",
        "王晓梅",
        "重庆市开州区汉丰街道安康路188号附2号1-2层",
        "民办",
        "全日托、半日托",
        "托大班（24—36个月）",
        "经审核，开州区汉丰街道小星星托育中心有限公司已按《托育机构登记和备案办法（试行）》完成备案",
        "重庆市开州区卫生健康委员会",
        "2025年8月9日",
        "K7Q2-M9XD",
        "扫码或访问",
    ):
        assert expected in text, expected


def test_it_says_whether_the_institution_is_puhui(receipt):
    assert "普惠性托育是" in page_text(receipt)
    assert "普惠性托育否" in page_text(render_receipt_pdf(replace(SAMPLE, is_puhui=False)))


def test_the_cjk_font_is_embedded_so_readers_without_one_see_chinese(receipt):
    fonts = cjk_fonts(receipt)
    assert fonts, "the page uses no font at all"
    for font in fonts:
        # Subset fonts are named ABCDEF+Family; the family must be the CJK one the template asks for.
        assert re.fullmatch(r"/[A-Z]{6}\+Noto-Serif-CJK-SC(-Bold)?", font["name"]), font["name"]
        assert font["files"], f"{font['name']} is referenced but not embedded"
        assert len(font["program"]) > 10_000, f"{font['name']} embeds an empty font program"
        assert font["to_unicode"], f"{font['name']} has no ToUnicode map: its text could not be copied"


def test_the_page_looks_the_same_on_a_machine_without_any_font_installed(receipt, tmp_path):
    # A fontconfig that knows no font at all stands in for a reader's machine without CJK fonts:
    # poppler then has only what the PDF embeds to draw with.
    config = tmp_path / "fonts.conf"
    config.write_text(
        f"<?xml version='1.0'?><fontconfig><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    bare = rasterise(
        receipt, dpi=60, env={"PATH": os.environ.get("PATH", ""), "FONTCONFIG_FILE": str(config)}
    )
    assert ImageChops.difference(bare.convert("L"), rasterise(receipt, dpi=60).convert("L")).getbbox() is None


def test_the_printed_qr_code_scans_to_the_verification_url(receipt):
    results = zxingcpp.read_barcodes(rasterise(receipt))
    assert [(result.format, result.text) for result in results] == [
        (zxingcpp.BarcodeFormat.QRCode, VERIFY_URL)
    ]


def test_the_embedded_qr_image_is_exactly_the_code_for_the_verification_url(receipt):
    images = PdfReader(io.BytesIO(receipt)).pages[0].images
    assert len(images) == 1
    embedded = images[0].image.convert("L")
    expected = qrcode.QRCode(
        error_correction=receipt_pdf.QR_ERROR_CORRECTION,
        box_size=receipt_pdf.QR_BOX_SIZE,
        border=receipt_pdf.QR_BORDER,
    )
    expected.add_data(VERIFY_URL)
    expected.make(fit=True)
    modules = 4 * expected.version + 17 + 2 * receipt_pdf.QR_BORDER
    assert embedded.size == (modules * receipt_pdf.QR_BOX_SIZE,) * 2
    assert ImageChops.difference(embedded, expected.make_image().get_image().convert("L")).getbbox() is None


def test_a_demo_receipt_says_it_is_not_real(demo_receipt):
    assert DEMO_NOTICE.replace(" ", "") in page_text(demo_receipt)


def test_a_real_receipt_has_no_demo_notice(receipt):
    assert "示例数据" not in page_text(receipt)
    assert "非真实" not in page_text(receipt)


def test_dates_are_written_the_chinese_way_without_leading_zeros():
    assert chinese_date(date(2025, 8, 9)) == "2025年8月9日"
    assert chinese_date(date(2026, 12, 31)) == "2026年12月31日"


def test_a_large_centre_with_a_dozen_classes_still_gets_one_page():
    classes = [(f"第{n}班", "托大班（24—36个月）", 25) for n in range(1, 13)]
    data = replace(
        SAMPLE,
        institution_name="重庆市开州区汉丰街道某某教育咨询服务有限公司附属小星星托育中心（普惠性示范点）",
        address="重庆市开州区汉丰街道安康路188号附2号1-2层，及安康路190号3层（原汉丰街道社区服务中心旧址）",
        classes=classes,
        capacity=300,
    )
    document = render_receipt_pdf(data)
    assert len(PdfReader(io.BytesIO(document)).pages) == 1
    text = page_text(document)
    assert all(name in text for name, _, _ in classes)


def test_rendering_reaches_no_network_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    # Markup typed in as institution data must stay text: no image is fetched from anywhere.
    hostile = replace(SAMPLE, institution_name='<img src="http://192.0.2.1/x.png">小星星托育中心')

    attempts = []

    def refuse(*args, **kwargs):
        # Recorded as well as refused: a renderer may swallow the error and carry on without the image.
        attempts.append(args)
        raise OSError("rendering a receipt must not reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    # A private temporary directory: other processes may write to the shared one meanwhile.
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    monkeypatch.setenv("TMPDIR", str(private))

    document = render_receipt_pdf(hostile)

    assert attempts == []
    assert list(private.iterdir()) == []
    # Shown as text twice, in the table and in the statement, not once (statement only) or never.
    assert page_text(document).count('<imgsrc="http://192.0.2.1/x.png">小星星托育中心') == 2
    assert len(PdfReader(io.BytesIO(document)).pages[0].images) == 1  # the QR code only


def test_a_missing_cjk_font_stops_the_render_instead_of_printing_empty_boxes():
    require_font(receipt_pdf.FONT_FAMILY)  # installed here: no error
    with pytest.raises(ReceiptFontMissing, match="fonts-noto-cjk"):
        require_font("No Such Font Family Anywhere")
