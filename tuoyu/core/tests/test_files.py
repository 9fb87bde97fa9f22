"""Uploads are recognised by content, checked cheaply, stripped of location data, stored privately
under random names and served with headers that keep browsers from doing anything clever."""

import io
import re
import stat
import struct
import zlib
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile
from django.db.models import FileField
from django.db.models.fields.files import FieldFile
from django.forms import ClearableFileInput
from django.http import Http404
from django.test import override_settings
from django.utils import translation
from PIL import ExifTags, Image, PngImagePlugin

from tuoyu.core.files import (
    MB,
    PNG_MAGIC,
    SERVED_FILE_CSP,
    PrivateFileURLError,
    clean_original_name,
    file_named_by_kind,
    private_media_root,
    private_storage,
    private_upload_to,
    random_name,
    serve_private,
    sniff_kind,
    strip_image_metadata,
    validate_upload,
)

STORED_NAME = re.compile(r"^\d{4}/\d{2}/[0-9a-f]{32}\.(pdf|jpg|png)$")


# --- Real files, made in memory -------------------------------------------------------------------


def pdf_bytes(image=None) -> bytes:
    buffer = io.BytesIO()
    (image or Image.new("RGB", (20, 10), "white")).save(buffer, format="PDF")
    return buffer.getvalue()


def noisy_image(size=(120, 80)) -> Image.Image:
    # Noise does not compress, so cutting the file in half really cuts into the pixel data.
    return Image.effect_noise(size, 60).convert("RGB")


def jpeg_bytes(image=None, **save) -> bytes:
    buffer = io.BytesIO()
    (image or noisy_image()).save(buffer, format="JPEG", **save)
    return buffer.getvalue()


def png_bytes(image=None, **save) -> bytes:
    buffer = io.BytesIO()
    (image or noisy_image()).save(buffer, format="PNG", **save)
    return buffer.getvalue()


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def blank_png(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of any size; all-zero rows compress ~1000:1, which is what makes a bomb."""
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed pixels
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(row * 500) for _ in range(height // 500)]
    parts += [compressor.compress(row * (height % 500)), compressor.flush()]
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        PNG_MAGIC
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", b"".join(parts))
        + _png_chunk(b"IEND", b"")
    )


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    # The browser's content type is whatever the user's machine guessed; we never look at it.
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


class UnreadableFile:
    """Stands in for a 50 MB body: any attempt to read it fails the test."""

    def read(self, *args):
        raise AssertionError("the file was read")

    def seek(self, *args):
        raise AssertionError("the file was read")

    def tell(self):
        raise AssertionError("the file was read")

    def __iter__(self):
        raise AssertionError("the file was read")


def unreadable_upload(size: int) -> InMemoryUploadedFile:
    return InMemoryUploadedFile(UnreadableFile(), "file", "huge.pdf", "application/pdf", size, None)


@pytest.fixture
def private_root(tmp_path):
    root = tmp_path / "private"
    with override_settings(PRIVATE_MEDIA_ROOT=root):
        yield root


# --- Recognising files by content -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"%PDF-1.7\n", "pdf"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "png"),
        (b"\x7fELF\x02\x01\x01", None),
        (b"MZ\x90\x00\x03\x00", None),
        (b"<!DOCTYPE html>", None),
        (b"GIF89a", None),
        (b"\n%PDF-1.7", None),  # the header must come first: no bytes may hide in front of it
        (b"\x89PNG\r\n", None),  # a PNG signature cut short
        (b"", None),
    ],
)
def test_it_recognises_pdf_jpeg_and_png_by_their_first_bytes_only(head, kind):
    assert sniff_kind(head) == kind


@pytest.mark.parametrize(
    ("content", "kind"),
    [(pdf_bytes(), "pdf"), (jpeg_bytes(), "jpeg"), (png_bytes(), "png")],
)
def test_it_accepts_a_real_pdf_jpeg_or_png_and_rewinds_it_for_saving(content, kind):
    file = upload("材料", content)
    assert validate_upload(file) == kind
    assert file.tell() == 0


def test_it_accepts_a_pdf_named_jpg_as_a_pdf_and_stores_it_as_pdf(private_root):
    file = upload("营业执照.jpg", pdf_bytes())
    kind = validate_upload(file)
    assert kind == "pdf"
    content = file_named_by_kind(file, kind=kind)
    stored = private_storage.save(private_upload_to(None, content.name), content)
    assert stored.endswith(".pdf")
    assert (private_root / stored).read_bytes() == pdf_bytes()


@pytest.mark.parametrize(
    "content",
    [
        b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200,  # Linux executable
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200,  # Windows executable
    ],
)
def test_it_refuses_an_executable_renamed_pdf(content):
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        validate_upload(upload("营业执照.pdf", content))
    assert exc.value.code == "file_type"
    with translation.override("en"):  # lazy messages render in the active language
        assert exc.value.messages == [
            "This file is not a PDF, JPEG or PNG file. Please upload a scan or photo."
        ]


def test_it_refuses_an_html_page_renamed_png():
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("photo.png", b"<!DOCTYPE html><script>alert(document.cookie)</script>"))
    assert exc.value.code == "file_type"


def test_it_refuses_a_pdf_with_bytes_hidden_before_its_header():
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("scan.pdf", b"<html><!--" + pdf_bytes()))
    assert exc.value.code == "file_type"


def test_it_refuses_a_pdf_where_only_photos_are_allowed_and_says_so():
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        validate_upload(upload("photo.jpg", pdf_bytes()), allowed=("jpeg", "png"))
    assert exc.value.code == "file_type"
    with translation.override("en"):  # lazy messages render in the active language
        assert exc.value.messages == ["This file is not a JPEG or PNG image. Please upload a photo."]


def test_it_refuses_a_50_mb_upload_by_its_size_without_reading_it():
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        validate_upload(unreadable_upload(50 * MB))
    assert exc.value.code == "file_size"
    with translation.override("en"):  # lazy messages render in the active language
        assert exc.value.messages == ["The file is 50 MB; the limit is 10 MB."]


def test_it_rounds_the_size_up_so_a_file_just_over_the_limit_does_not_look_equal_to_it():
    with pytest.raises(ValidationError) as exc:
        validate_upload(unreadable_upload(10 * MB + 1))
    assert exc.value.params == {"size": "10.1", "limit": "10"}


def test_it_accepts_a_file_of_exactly_the_limit():
    content = pdf_bytes()
    assert validate_upload(upload("scan.pdf", content), max_bytes=len(content)) == "pdf"


def test_it_refuses_a_pdf_cut_off_before_its_end():
    content = pdf_bytes(noisy_image())  # tens of kilobytes, far longer than the 1024-byte tail window
    assert content.count(b"%%EOF") == 1
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("scan.pdf", content[: len(content) // 2]))
    assert exc.value.code == "file_corrupt"


def test_it_accepts_a_pdf_with_a_little_padding_after_its_end_marker():
    assert validate_upload(upload("scan.pdf", pdf_bytes() + b"\r\n\x00\x00")) == "pdf"


@pytest.mark.parametrize(("make", "name"), [(png_bytes, "photo.png"), (jpeg_bytes, "photo.jpg")])
def test_it_refuses_a_truncated_image(make, name):
    content = make()
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload(name, content[: len(content) // 2]))
    assert exc.value.code == "file_corrupt"


def test_it_refuses_a_png_whose_pixel_data_was_altered():
    content = bytearray(png_bytes())
    content[len(content) // 2] ^= 0xFF  # the chunk's CRC no longer matches
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("photo.png", bytes(content)))
    assert exc.value.code == "file_corrupt"


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (20000, 20000),  # 400 MP: past Pillow's own bomb limit
        (8000, 6000),  # 48 MP: under Pillow's limit, over ours
    ],
)
def test_it_refuses_a_decompression_bomb_before_decoding_it(width, height):
    content = blank_png(width, height)
    assert len(content) < 100_000  # tiny on the wire, gigabytes once decoded
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        validate_upload(upload("photo.png", content))
    assert exc.value.code == "image_too_large"
    with translation.override("en"):  # lazy messages render in the active language
        assert "40 megapixels" in exc.value.messages[0]


def test_it_accepts_a_large_but_reasonable_photo():
    assert validate_upload(upload("photo.png", blank_png(4000, 3000))) == "png"


# --- Metadata -------------------------------------------------------------------------------------


def photo_with_location() -> bytes:
    image = Image.new("RGB", (40, 20), "blue")
    image.paste((255, 0, 0), (0, 0, 20, 20))  # left half red
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.Base.Orientation] = 6  # the camera was held upright: rotate 90° clockwise to view
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (31.0, 10.0, 5.5),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (108.0, 23.0, 1.0),
    }
    return jpeg_bytes(image, exif=exif, comment=b"home of the reporter", quality=95)


def test_the_photo_made_for_the_test_really_carries_a_location():
    image = Image.open(io.BytesIO(photo_with_location()))
    assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"


def test_it_removes_gps_and_all_exif_from_a_complaint_photo():
    cleaned = strip_image_metadata(upload("IMG_0001.jpg", photo_with_location()))
    data = cleaned.read()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert "exif" not in image.info
    assert len(image.getexif()) == 0
    assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert b"Exif" not in data
    assert b"PhoneCo" not in data
    assert b"home of the reporter" not in data
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", cleaned.name)


def test_it_keeps_the_photo_upright_after_dropping_its_orientation_tag():
    image = Image.open(io.BytesIO(strip_image_metadata(upload("IMG.jpg", photo_with_location())).read()))
    assert image.size == (20, 40)
    top, bottom = image.convert("RGB").getpixel((10, 5)), image.convert("RGB").getpixel((10, 35))
    assert top[0] > 200 and top[2] < 60  # the red left half is now on top
    assert bottom[2] > 200 and bottom[0] < 60


def test_it_removes_exif_and_text_chunks_from_a_png_and_keeps_transparency():
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "home of the reporter")
    content = png_bytes(Image.new("RGBA", (8, 8), (255, 0, 0, 0)), exif=exif, pnginfo=text)
    assert b"eXIf" in content and b"home of the reporter" in content
    data = strip_image_metadata(upload("shot.png", content)).read()
    assert b"eXIf" not in data
    assert b"tEXt" not in data
    assert b"home of the reporter" not in data
    image = Image.open(io.BytesIO(data))
    assert image.mode == "RGBA"
    assert image.getpixel((0, 0)) == (255, 0, 0, 0)


def test_it_refuses_to_strip_a_pdf_as_if_it_were_a_photo():
    with pytest.raises(ValueError):
        strip_image_metadata(upload("photo.jpg", pdf_bytes()))


# --- Private storage ------------------------------------------------------------------------------


def test_private_files_live_outside_media_root_and_static_root():
    root = private_media_root()
    assert Path(private_storage.location) == root
    for public in (settings.MEDIA_ROOT, settings.STATIC_ROOT):
        public = Path(public).resolve()
        assert root != public
        assert not root.is_relative_to(public)


@pytest.mark.parametrize("setting", ["MEDIA_ROOT", "STATIC_ROOT"])
def test_it_refuses_a_private_root_inside_a_published_directory(setting, tmp_path):
    with (
        override_settings(**{setting: tmp_path, "PRIVATE_MEDIA_ROOT": tmp_path / "private"}),
        pytest.raises(ImproperlyConfigured),
    ):
        private_storage.save("x.pdf", ContentFile(pdf_bytes()))


def test_two_saves_of_the_same_upload_get_different_random_names(private_root):
    names = []
    for _ in range(2):
        file = upload("开州区幸福托育园营业执照.pdf", pdf_bytes())
        content = file_named_by_kind(file, kind=validate_upload(file))
        names.append(private_storage.save(private_upload_to(None, content.name), content))
    assert names[0] != names[1]
    for name in names:
        assert STORED_NAME.match(name)
        assert "营业执照" not in name and "幸福" not in name
        assert (private_root / name).is_file()


def test_private_files_are_not_readable_by_other_users_of_the_machine(private_root):
    name = private_storage.save(random_name("pdf"), ContentFile(pdf_bytes()))
    assert stat.S_IMODE((private_root / name).stat().st_mode) & stat.S_IRWXO == 0


def test_random_names_are_dated_and_carry_the_extension_of_the_kind():
    assert STORED_NAME.match(random_name("jpeg")) and random_name("jpeg").endswith(".jpg")
    with pytest.raises(ValueError):
        random_name("exe")


def test_upload_to_refuses_a_name_that_was_not_given_by_the_detected_kind():
    assert private_upload_to(None, "0123.png").endswith(".png")
    with pytest.raises(ValueError):
        private_upload_to(None, "营业执照.exe")


def test_private_files_have_no_url_yet_a_file_widget_still_renders(private_root):
    name = private_storage.save(random_name("pdf"), ContentFile(pdf_bytes()))
    field_file = FieldFile(None, FileField(storage=private_storage), name)
    with pytest.raises(PrivateFileURLError):
        private_storage.url(name)
    html = ClearableFileInput().render("file", field_file)
    assert "href" not in html
    assert name not in html


@pytest.mark.django_db  # closing a response fires request_finished, which checks the connection
def test_private_storage_can_be_referenced_from_a_migration():
    assert private_storage.deconstruct() == ("tuoyu.core.files.PrivateStorage", (), {})


# --- Serving --------------------------------------------------------------------------------------


def stored(content: bytes, kind: str) -> FieldFile:
    name = private_storage.save(random_name(kind), ContentFile(content))
    return FieldFile(None, FileField(storage=private_storage), name)


def body(response) -> bytes:
    try:
        return b"".join(response.streaming_content)
    finally:
        response.close()


@pytest.mark.django_db  # closing a response fires request_finished, which checks the connection
def test_it_serves_a_pdf_inline_with_a_chinese_name_and_protective_headers(private_root):
    content = pdf_bytes()
    response = serve_private(stored(content, "pdf"), download_name="营业执照.pdf")
    assert body(response) == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(content))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == SERVED_FILE_CSP
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Disposition"] == (
        "inline; filename=\"file.pdf\"; filename*=UTF-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7.pdf"
    )
    assert unquote(response["Content-Disposition"].split("''", 1)[1]) == "营业执照.pdf"


@pytest.mark.django_db  # closing a response fires request_finished, which checks the connection
def test_it_serves_a_photo_as_an_attachment_when_asked(private_root):
    content = jpeg_bytes()
    response = serve_private(stored(content, "jpeg"), download_name="现场照片.jpg", inline=False)
    assert body(response) == content
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("attachment; filename=\"file.jpg\"; filename*=UTF-8''")


@pytest.mark.django_db  # closing a response fires request_finished, which checks the connection
def test_it_keeps_an_ascii_name_readable_and_escapes_quotes(private_root):
    response = serve_private(stored(png_bytes(), "png"), download_name='fire "exit" plan.png')
    body(response)
    assert response["Content-Disposition"] == 'inline; filename="fire \\"exit\\" plan.png"'


@pytest.mark.django_db  # closing a response fires request_finished, which checks the connection
def test_it_offers_a_pdf_uploaded_as_jpg_under_a_pdf_name(private_root):
    response = serve_private(stored(pdf_bytes(), "pdf"), download_name="licence.jpg")
    body(response)
    assert response["Content-Disposition"] == 'inline; filename="licence.pdf"'


@pytest.mark.django_db  # closing a response fires request_finished, which checks the connection
def test_it_takes_the_content_type_from_the_content_even_under_a_wrong_extension(private_root):
    name = private_storage.save("2026/01/" + "1" * 32 + ".jpg", ContentFile(pdf_bytes()))
    response = serve_private(FieldFile(None, FileField(storage=private_storage), name), download_name="a.jpg")
    body(response)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="a.pdf"'


@pytest.mark.django_db  # closing a response fires request_finished, which checks the connection
def test_it_only_offers_a_download_when_the_content_is_none_of_our_kinds(private_root):
    name = private_storage.save(random_name("png"), ContentFile(b"<!DOCTYPE html><script>x()</script>"))
    response = serve_private(FieldFile(None, FileField(storage=private_storage), name), download_name="a.png")
    body(response)
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.django_db  # closing a response fires request_finished, which checks the connection
def test_a_download_name_cannot_inject_headers_or_reverse_its_extension(private_root):
    response = serve_private(
        stored(pdf_bytes(), "pdf"), download_name="C:\\fakepath\\a\r\nSet-Cookie: x=1\u202egpj.pdf"
    )
    body(response)
    disposition = response["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert "%E2%80%AE" not in disposition  # the right-to-left override is gone
    assert "fakepath" not in disposition


def test_clean_original_name_keeps_a_chinese_name_and_drops_paths_and_invisible_characters():
    assert clean_original_name("营业执照（副本）.pdf") == "营业执照（副本）.pdf"
    assert clean_original_name("C:\\Users\\王\\Desktop\\租赁合同.pdf") == "租赁合同.pdf"
    assert clean_original_name("invoice\u202efdp.exe") == "invoicefdp.exe"
    long = clean_original_name("很" * 300 + ".pdf")
    assert len(long) == 150 and long.endswith(".pdf")


def test_it_answers_not_found_for_an_empty_or_missing_file(private_root):
    with pytest.raises(Http404):
        serve_private(FieldFile(None, FileField(storage=private_storage), ""), download_name="a.pdf")
    with pytest.raises(Http404):
        serve_private(
            FieldFile(None, FileField(storage=private_storage), "2026/01/" + "0" * 32 + ".pdf"),
            download_name="a.pdf",
        )
