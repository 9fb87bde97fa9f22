"""An institution's people keep the photos of its public page; the public sees them, without EXIF."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tuoyu.institutions.models import InstitutionMembership, InstitutionPhoto


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded photos go to a temporary folder, never into the repository's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _jpeg_with_gps(name="room.jpg") -> SimpleUploadedFile:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x8825] = {1: "N", 2: (31.0, 10.0, 30.0), 3: "E", 4: (108.0, 23.0, 15.0)}  # GPS position
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), "orange").save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def nursery(make_institution, operator):
    institution = make_institution()
    InstitutionMembership.objects.create(institution=institution, user=operator)
    return institution


def test_the_operator_adds_a_photo_that_the_public_page_shows_without_its_location(client, nursery, operator):
    client.force_login(operator)
    response = client.post(
        f"/institutions/{nursery.pk}/photos/manage/", {"image": _jpeg_with_gps(), "caption": "活动室"}
    )
    assert response.status_code == 302
    photo = InstitutionPhoto.objects.get()
    assert photo.caption == "活动室"
    with photo.image.open("rb") as stored, Image.open(stored) as image:
        assert not image.getexif()
    client.logout()
    page = client.get(f"/institutions/{nursery.pk}/").content.decode()
    url = f"/institutions/{nursery.pk}/photos/{photo.pk}/"
    assert url in page and "活动室" in page
    served = client.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content)[:2] == b"\xff\xd8"


def test_a_file_that_is_not_a_picture_is_refused_and_nothing_is_kept(client, nursery, operator, media):
    client.force_login(operator)
    fake = SimpleUploadedFile("room.jpg", b"#!/bin/sh\necho hello\n", content_type="image/jpeg")
    response = client.post(f"/institutions/{nursery.pk}/photos/manage/", {"image": fake})
    assert response.status_code == 400
    assert 'data-testid="form-errors"' in response.content.decode()
    assert InstitutionPhoto.objects.count() == 0
    assert not media.exists() or not any(media.rglob("*.*"))


def test_another_institution_s_operator_cannot_see_add_or_remove_photos(
    client, nursery, operator, other_operator
):
    client.force_login(operator)
    client.post(f"/institutions/{nursery.pk}/photos/manage/", {"image": _jpeg_with_gps()})
    photo = InstitutionPhoto.objects.get()
    client.force_login(other_operator)
    assert client.get(f"/institutions/{nursery.pk}/photos/manage/").status_code == 404
    assert (
        client.post(f"/institutions/{nursery.pk}/photos/manage/", {"image": _jpeg_with_gps()}).status_code
        == 404
    )
    assert client.post(f"/institutions/{nursery.pk}/photos/{photo.pk}/remove/").status_code == 404
    assert InstitutionPhoto.objects.count() == 1


def test_the_operator_removes_a_photo_and_its_file(
    client, nursery, operator, django_capture_on_commit_callbacks
):
    client.force_login(operator)
    client.post(f"/institutions/{nursery.pk}/photos/manage/", {"image": _jpeg_with_gps()})
    photo = InstitutionPhoto.objects.get()
    path = photo.image.path
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/institutions/{nursery.pk}/photos/{photo.pk}/remove/")
    assert response.status_code == 302
    assert InstitutionPhoto.objects.count() == 0
    assert not os.path.exists(path)


def test_at_most_twelve_photos(nursery, operator):
    from django.core.exceptions import ValidationError

    from tuoyu.institutions.services import MAX_PHOTOS, institution_photo_add

    for _ in range(MAX_PHOTOS):
        institution_photo_add(institution=nursery, by=operator, upload=_jpeg_with_gps())
    with pytest.raises(ValidationError) as refused:
        institution_photo_add(institution=nursery, by=operator, upload=_jpeg_with_gps())
    assert "image" in refused.value.message_dict
    assert InstitutionPhoto.objects.count() == MAX_PHOTOS


def test_a_photo_of_an_institution_that_is_not_public_is_not_served(client, make_institution, operator):
    from tuoyu.institutions.services import institution_photo_add

    draft = make_institution(status="draft")
    InstitutionMembership.objects.create(institution=draft, user=operator)
    photo = institution_photo_add(institution=draft, by=operator, upload=_jpeg_with_gps())
    assert client.get(f"/institutions/{draft.pk}/photos/{photo.pk}/").status_code == 404
    # Nor under another institution's number.
    other = make_institution()
    assert client.get(f"/institutions/{other.pk}/photos/{photo.pk}/").status_code == 404
