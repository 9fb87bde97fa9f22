"""The photos on an institution's public page, kept by its own people."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuoyu.core import limits

from ..models import Institution, InstitutionPhoto
from .members import guard_member

MAX_PHOTOS = limits.INSTITUTION_MAX_PHOTOS


def institution_photo_add(*, institution: Institution, by, upload, caption: str = ""):
    """Add a photo to the institution's public page: a JPEG or PNG, re-encoded without its EXIF (the
    camera's GPS position and times), so nothing but the picture is published."""
    from tuoyu.core.files import IMAGE_KINDS, strip_image_metadata, validate_upload

    guard_member(institution, by)
    caption = (caption or "").strip()
    if len(caption) > limits.PHOTO_CAPTION_MAX_CHARS:
        raise ValidationError(
            {"caption": _("Please keep the caption under 100 characters.")}, code="max_length"
        )
    try:
        validate_upload(upload, allowed=IMAGE_KINDS)
        clean = strip_image_metadata(upload)
    except ValidationError as exc:
        raise ValidationError({"image": exc.messages}, code=exc.code) from exc
    with transaction.atomic():
        locked = Institution.objects.select_for_update().get(pk=institution.pk)
        count = locked.photos.count()
        if count >= MAX_PHOTOS:
            raise ValidationError(
                {
                    "image": _("An institution shows at most %(max)s photos. Remove one first.")
                    % {"max": MAX_PHOTOS}
                },
                code="too_many",
            )
        photo = InstitutionPhoto(institution=locked, caption=caption, sort_order=count)
        photo.image.save(clean.name, clean, save=False)
        photo.save()
    return photo


def institution_photo_remove(*, photo, by) -> None:
    guard_member(photo.institution_id, by)
    name, storage = photo.image.name, photo.image.storage
    photo.delete()
    # The file goes only once the row is gone for good: a rolled-back delete keeps its picture.
    transaction.on_commit(lambda: storage.delete(name))
