"""Uploaded files: recognised by their content, kept in private storage, served only after an access check.

Institutions upload filing materials (营业执照, lease contracts, staff certificates, 卫生评价报告,
消防 proof …) as PDF, JPEG or PNG; complaint photos are JPEG or PNG only. None of them is public, so
they never live under MEDIA_ROOT and never get a URL: a view checks access and streams them.

A form or service handles an upload like this::

    kind = validate_upload(upload)  # size first, then type by content, then integrity
    content = strip_image_metadata(upload) if kind != "pdf" else file_named_by_kind(upload, kind=kind)
    document.original_name = clean_original_name(upload.name)  # the user's name is data, never a path
    document.file.save(content.name, content, save=False)
    # with  file = models.FileField(storage=private_storage, upload_to=private_upload_to, max_length=100)

and a view, after the `access_<thing>_for_<user>` helper has allowed the user::

    return serve_private(document.file, download_name=document.original_name)

The filename a user chose never decides anything: the type comes from the first bytes, the stored
name is random with the extension of the detected type, and the original name is only shown back.
"""

import logging
import os
import re
import unicodedata
import uuid
from collections.abc import Collection
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile, ImageOps

logger = logging.getLogger(__name__)

KINDS = ("pdf", "jpeg", "png")
IMAGE_KINDS = ("jpeg", "png")
EXTENSIONS = {"pdf": "pdf", "jpeg": "jpg", "png": "png"}
CONTENT_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
_KIND_BY_EXTENSION = {"pdf": "pdf", "jpg": "jpeg", "jpeg": "jpeg", "png": "png"}
_PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG"}

PDF_MAGIC = b"%PDF-"
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# The PDF spec lets readers look for the header in the first 1024 bytes and the %%EOF marker in the
# last 1024; we read the same windows.
HEAD_BYTES = 1024
PDF_TAIL_BYTES = 1024

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 10 * MB
# A 48-megapixel phone photo is the largest honest upload we expect to refuse; 40 MP keeps the decoded
# image (4 bytes a pixel) around 160 MB, which one worker can afford. Pillow's own bomb limit is ~89 MP.
DEFAULT_MAX_PIXELS = 40_000_000

# Served files never run anything: no scripts, no plugins, no forms, no same-origin access, even if a
# browser renders a hostile PDF. 'unsafe-inline' styles and img-src 'self' are what the browsers'
# built-in PDF and image viewers need to draw the page.
SERVED_FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"

FILE_TYPE_MESSAGES = {
    frozenset(KINDS): _("This file is not a PDF, JPEG or PNG file. Please upload a scan or photo."),
    frozenset(IMAGE_KINDS): _("This file is not a JPEG or PNG image. Please upload a photo."),
    frozenset({"pdf"}): _("This file is not a PDF file. Please upload a PDF scan."),
}
FILE_TYPE_OTHER_MESSAGE = _("This type of file is not accepted here. Please upload one of: %(types)s.")
FILE_SIZE_MESSAGE = _("The file is %(size)s MB; the limit is %(limit)s MB.")
PDF_CORRUPT_MESSAGE = _(
    "This PDF file is incomplete or damaged. Please save or scan it again and upload it once more."
)
IMAGE_CORRUPT_MESSAGE = _(
    "This image is incomplete or damaged. Please save or take it again and upload it once more."
)
IMAGE_TOO_LARGE_MESSAGE = _(
    "This image has too many pixels (more than %(limit)s megapixels). Please upload a smaller photo."
)


# --- Recognising and checking uploads -------------------------------------------------------------


def sniff_kind(head: bytes) -> str | None:
    """The kind of a file ("pdf", "jpeg" or "png") from its first bytes, or None for anything else.

    The PDF spec lets a reader find `%PDF-` anywhere in the first 1024 bytes, but we require it at
    offset 0: bytes before the header would let a file start as HTML, a script or another format and
    still pass as a PDF (a polyglot). Scanners, phones and office suites all write the header first;
    the rare file with junk in front is refused and the user saves it again.
    """
    if head.startswith(PDF_MAGIC):
        return "pdf"
    if head.startswith(JPEG_MAGIC):
        return "jpeg"
    if head.startswith(PNG_MAGIC):
        return "png"
    return None


def validate_upload(
    upload: File,
    *,
    allowed: Collection[str] = KINDS,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> str:
    """Check an uploaded file and return its kind by content: "pdf", "jpeg" or "png".

    In order, so that the cheap refusals come first:
    1. size, from `upload.size` (set by Django's upload handler) without reading the file;
    2. kind, from the first bytes; the filename and the browser's content type are ignored;
    3. integrity: a PDF must end with %%EOF in its last 1024 bytes (a cut-off upload does not);
       an image must open with Pillow, have at most `max_pixels` pixels (decompression bombs) and
       decode (PNG: every chunk's CRC up to IEND; JPEG: the whole scan, decoded at 1/8 scale).

    Raises ValidationError with code file_size, file_type, file_corrupt or image_too_large. Leaves the
    file at position 0, ready to be saved.

    Django has already written the whole request body to memory or a temporary file when this runs:
    the front proxy's request size limit (nginx `client_max_body_size`) is what stops a huge upload
    from costing bandwidth and disk.
    """
    unknown = set(allowed) - set(KINDS)
    if unknown:
        raise ValueError(f"Unknown file kinds: {sorted(unknown)}")
    size = upload.size
    if size > max_bytes:
        raise ValidationError(
            FILE_SIZE_MESSAGE,
            code="file_size",
            params={"size": _megabytes(size), "limit": _megabytes(max_bytes)},
        )
    upload.seek(0)
    kind = sniff_kind(upload.read(HEAD_BYTES))
    if kind is None or kind not in allowed:
        raise _file_type_error(allowed)
    if kind == "pdf":
        _check_pdf(upload, size)
    else:
        _check_image(upload, kind, max_pixels)
    upload.seek(0)
    return kind


def _megabytes(n: int) -> str:
    """Megabytes to one decimal, rounded up so that a file just over the limit never reads as equal to it."""
    tenths = -(-n * 10 // MB)
    whole, fraction = divmod(tenths, 10)
    return str(whole) if fraction == 0 else f"{whole}.{fraction}"


def _file_type_error(allowed: Collection[str]) -> ValidationError:
    key = frozenset(allowed)
    if key in FILE_TYPE_MESSAGES:
        return ValidationError(FILE_TYPE_MESSAGES[key], code="file_type")
    types = ", ".join(kind.upper() for kind in KINDS if kind in key)
    return ValidationError(FILE_TYPE_OTHER_MESSAGE, code="file_type", params={"types": types})


def _check_pdf(upload: File, size: int) -> None:
    # Incremental updates append sections each ending in %%EOF, and some tools add a newline or NULs
    # after the last one; readers accept the marker anywhere in the last 1024 bytes, so do we. We do not
    # parse the PDF: the browser's sandboxed viewer or the reviewer's reader does that.
    upload.seek(max(0, size - PDF_TAIL_BYTES))
    if b"%%EOF" not in upload.read(PDF_TAIL_BYTES):
        raise ValidationError(PDF_CORRUPT_MESSAGE, code="file_corrupt")


def _check_image(upload: File, kind: str, max_pixels: int) -> None:
    # Pillow is told the format we sniffed, so a file reaches exactly one of its parsers.
    formats = [_PILLOW_FORMATS[kind]]
    # WeasyPrint (the receipt PDF) sets Pillow's process-wide LOAD_TRUNCATED_IMAGES on import, which
    # would let a cut-off JPEG decode "successfully"; a check must not tolerate truncation.
    tolerant = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        upload.seek(0)
        # Pillow reads only the header here; the pixel count is checked before anything is decoded.
        # Images between Pillow's limit (~89 MP) and twice it make Pillow log a DecompressionBombWarning
        # first; beyond that it raises DecompressionBombError itself.
        with Image.open(upload, formats=formats) as image:
            _check_pixels(image.size, max_pixels)
            if kind == "png":
                # Walks every chunk to IEND checking CRCs: catches truncation and damage cheaply.
                image.verify()
            else:
                # JPEG has no checksums and Pillow's verify() does nothing for it, so decode the whole
                # scan; at 1/8 scale (DCT scaling) that costs 1/64 of the memory of a full decode.
                image.draft(None, (max(1, image.width // 8), max(1, image.height // 8)))
                image.load()
    except Image.DecompressionBombError as exc:
        raise _too_large(max_pixels) from exc
    except ValidationError:
        raise
    except Exception as exc:
        # Like Django's ImageField: a hostile file can make a parser raise almost anything
        # (OSError, SyntaxError, EOFError, struct.error, ValueError …); all of them mean "not a good image".
        raise ValidationError(IMAGE_CORRUPT_MESSAGE, code="file_corrupt") from exc
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = tolerant


def _check_pixels(size: tuple[int, int], max_pixels: int) -> None:
    width, height = size
    if width * height > max_pixels:
        raise _too_large(max_pixels)


def _too_large(max_pixels: int) -> ValidationError:
    return ValidationError(
        IMAGE_TOO_LARGE_MESSAGE, code="image_too_large", params={"limit": max_pixels // 1_000_000}
    )


# --- Metadata -------------------------------------------------------------------------------------


def strip_image_metadata(upload: File) -> ContentFile:
    """A re-encoded copy of a JPEG or PNG without EXIF (GPS location, camera, times), XMP, comments or text.

    The EXIF orientation is applied to the pixels first, so the photo still stands the right way up.
    Kept: the pixels, PNG transparency and the ICC colour profile (it describes colours, not the
    person, and dropping it makes wide-gamut phone photos look washed out). Only the first frame of an
    animated PNG or a multi-picture JPEG is kept. Call validate_upload() first: it bounds the pixel
    count this decodes. The result is named "<random hex>.jpg" or ".png".
    """
    upload.seek(0)
    kind = sniff_kind(upload.read(HEAD_BYTES))
    if kind not in IMAGE_KINDS:
        raise ValueError("strip_image_metadata() takes a JPEG or PNG file; call validate_upload() first")
    upload.seek(0)
    try:
        with Image.open(upload, formats=[_PILLOW_FORMATS[kind]]) as image:
            clean = ImageOps.exif_transpose(image)
        # The transposed copy carries the source's info dict (EXIF, XMP, comment, text chunks, dpi);
        # the JPEG and PNG writers take metadata from it, so start from an empty one and add back only
        # what describes the pixels.
        kept = {key: clean.info[key] for key in ("icc_profile", "transparency") if key in clean.info}
        clean.info = {}
        out = BytesIO()
        if kind == "jpeg":
            if clean.mode not in ("L", "RGB", "CMYK"):
                clean = clean.convert("RGB")
            icc = {"icc_profile": kept["icc_profile"]} if "icc_profile" in kept else {}
            clean.save(out, format="JPEG", quality=90, optimize=True, **icc)
        else:
            clean.save(out, format="PNG", **kept)
    except Exception as exc:
        # validate_upload() does not decompress PNG pixel data, so damage there surfaces only here.
        raise ValidationError(IMAGE_CORRUPT_MESSAGE, code="file_corrupt") from exc
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{EXTENSIONS[kind]}")


# --- Private storage ------------------------------------------------------------------------------


def private_media_root() -> Path:
    """settings.PRIVATE_MEDIA_ROOT, refused if it lies inside a directory the web server publishes."""
    root = Path(getattr(settings, "PRIVATE_MEDIA_ROOT", Path(settings.BASE_DIR) / "var" / "private"))
    root = root.resolve()
    for name in ("MEDIA_ROOT", "STATIC_ROOT"):
        public = getattr(settings, name, None)
        if not public:
            continue
        public = Path(public).resolve()
        if root == public or public in root.parents:
            raise ImproperlyConfigured(
                f"PRIVATE_MEDIA_ROOT ({root}) must lie outside {name} ({public}): the web server publishes that."
            )
    return root


class PrivateFileURLError(AttributeError):
    """Private files have no URL.

    An AttributeError on purpose: Django's file widgets (`getattr(value, "url", False)`) and templates
    treat a missing attribute as "no link" and render without one, so an admin form with a private
    file still works, while Python code that asks for `.url` fails loudly.
    """


@deconstructible(path="tuoyu.core.files.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """Files outside the web root, readable only through a view that calls serve_private().

    The location is read from settings on every use (not frozen at import), so override_settings in
    tests and a changed environment both take effect.
    """

    def __init__(self) -> None:
        # Not world-readable: only the application's user and group may read these files.
        super().__init__(base_url=None, file_permissions_mode=0o640, directory_permissions_mode=0o750)

    @property
    def base_location(self) -> str:  # type: ignore[override]
        return str(private_media_root())

    @property
    def location(self) -> str:  # type: ignore[override]
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise PrivateFileURLError("Private files have no URL: serve them from a view with serve_private().")


private_storage = PrivateStorage()


def random_name(kind: str) -> str:
    """A storage name such as "2026/11/<uuid4 hex>.pdf": random, so never the user's filename and never guessable.

    Monthly folders keep directories small and make retention sweeps by age simple.
    """
    if kind not in EXTENSIONS:
        raise ValueError(f"Unknown file kind: {kind!r}")
    return f"{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.{EXTENSIONS[kind]}"


def private_upload_to(instance: object, filename: str) -> str:
    """`upload_to` for private files: a random_name() with the kind named by `filename`'s extension.

    `filename` must already carry the extension of the kind validate_upload() detected: pass the file
    through file_named_by_kind() or strip_image_metadata() first. Any other extension is a bug in the
    caller, so it raises instead of storing a file under a name that lies about its content.
    """
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in _KIND_BY_EXTENSION:
        raise ValueError(
            f"private_upload_to() got {filename!r}: name the file by its detected kind with file_named_by_kind()"
        )
    return random_name(_KIND_BY_EXTENSION[extension])


def file_named_by_kind(upload: File, *, kind: str) -> File:
    """The upload's content under a name with the right extension for `kind` (a PDF named .jpg becomes .pdf)."""
    if kind not in EXTENSIONS:
        raise ValueError(f"Unknown file kind: {kind!r}")
    upload.seek(0)
    return File(upload, name=f"{uuid.uuid4().hex}.{EXTENSIONS[kind]}")


def clean_original_name(name: str, *, max_length: int = 150) -> str:
    """The user's filename, safe to keep as data and to offer back as a download name.

    Keeps the last path component only, drops control and format characters (CR/LF for headers,
    right-to-left overrides that make "exe.pdf" read as "fdp.exe"), and shortens long names while
    keeping their extension.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf")).strip().strip(".")
    if len(name) > max_length:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: max_length - len(extension) - 1] + "." + extension
        else:
            name = name[:max_length]
    return name


# --- Serving --------------------------------------------------------------------------------------


def serve_private(file_field_file: FieldFile, *, download_name: str, inline: bool = True) -> FileResponse:
    """Stream a private file to a user who has ALREADY been allowed to see it.

    This function checks no permission: the calling view must first fetch the owning object through
    its `access_<thing>_for_<user>` helper (which raises for anyone else) and only then call this.

    The Content-Type comes from the file's own first bytes, like at upload: normally they agree with
    the extension we stored it under (a disagreement is logged). Content that is none of our kinds is
    offered as an application/octet-stream download, never rendered. Headers: nosniff, `Cache-Control: private, no-store` (shared
    computers, proxies), a sandboxing Content-Security-Policy, and a Content-Disposition whose
    `filename*` carries the UTF-8 name per RFC 5987/6266 with an ASCII `filename` fallback for old
    browsers. `download_name` is the user's original filename; its extension is corrected to match
    the content.

    Browser notes: Chrome drops this CSP for its PDF viewer; Safari may show a blank page for some
    PDFs served with `sandbox`. Use `inline=False` where a download is preferable anyway.
    """
    name = file_field_file.name
    if not name:
        raise Http404("No file.")
    storage = file_field_file.storage
    try:
        handle = storage.open(name, "rb")
    except FileNotFoundError as exc:
        logger.error("Private file %s is missing from storage", name)
        raise Http404("No file.") from exc
    head = handle.read(HEAD_BYTES)
    handle.seek(0)
    kind = sniff_kind(head)
    if kind != _KIND_BY_EXTENSION.get(name.rsplit(".", 1)[-1].lower()):
        # Stored without file_named_by_kind(), or changed on disk: the content still decides.
        logger.warning("Private file %s holds %s content, not what its extension says", name, kind)
    response = FileResponse(handle, content_type=CONTENT_TYPES.get(kind, "application/octet-stream"))
    response["Content-Disposition"] = content_disposition(
        _download_name(download_name, kind), inline=inline and kind is not None
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = SERVED_FILE_CSP
    return response


def _download_name(download_name: str, kind: str | None) -> str:
    name = clean_original_name(download_name)
    if kind is None:
        return name or "file"
    extension = EXTENSIONS[kind]
    stem, dot, current = name.rpartition(".")
    if dot and _KIND_BY_EXTENSION.get(current.lower()) == kind:
        return name
    # A name whose extension names another of our kinds ("licence.jpg" holding a PDF) gets the right
    # one instead, so the user's computer opens it with the right program; any other name gets it added.
    if dot and current.lower() in _KIND_BY_EXTENSION:
        name = stem
    return f"{name or 'file'}.{extension}"


def content_disposition(filename: str, *, inline: bool) -> str:
    """`inline` or `attachment` with the filename per RFC 6266: `filename*=UTF-8''…` for non-ASCII names."""
    disposition = "inline" if inline else "attachment"
    if filename.isascii() and filename.isprintable():
        escaped = filename.replace("\\", "\\\\").replace('"', '\\"')
        return f'{disposition}; filename="{escaped}"'
    extension = filename.rsplit(".", 1)[-1] if "." in filename else ""
    fallback = f"file.{extension}" if extension.isascii() and extension.isalnum() else "file"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
