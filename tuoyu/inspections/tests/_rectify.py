"""Fixtures of the rectification tests: an inspection set to submitted and findings written directly on
top of the shared `drawn_inspection` (test data, not the on-site submit under test), the institution's
member, the commission's administrator and small files to upload. Test modules import what they use."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tuoyu.core.workdays import add_workdays


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Evidence goes to a temporary folder, never into the repository's var/."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def make_pdf(name: str = "整改报告.pdf") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(buffer, format="PDF")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def make_jpeg_with_gps(name: str = "现场照片.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "PhoneCo"
    exif[0x8825] = {1: "N", 2: (29.0, 10.0, 0.0), 3: "E", 4: (108.0, 23.0, 1.0)}
    Image.new("RGB", (40, 30), "red").save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def make_text(name: str = "notes.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"<html>not a pdf</html>", content_type="application/pdf")


def _user(username, role, **extra):
    from tuoyu.accounts.models import User

    return User.objects.create_user(username=username, password="correct-horse-battery", role=role, **extra)


@pytest.fixture
def submitted(drawn_inspection):
    """The drawn inspection, as if its record had been signed and submitted."""
    from tuoyu.inspections.models import Inspection, InspectionStatus, Result

    Inspection.objects.filter(pk=drawn_inspection.pk).update(
        status=InspectionStatus.SUBMITTED,
        submitted_at=timezone.now(),
        inspected_on=date(2026, 11, 20),
        result=Result.FINDINGS,
    )
    drawn_inspection.refresh_from_db()
    return drawn_inspection


@pytest.fixture
def make_finding(submitted, checklist_items):
    from tuoyu.inspections.models import Finding, Severity

    def make(*, inspection=None, severity=Severity.MINOR, deadline=None, status="open", description=""):
        return Finding.objects.create(
            inspection=inspection or submitted,
            item=checklist_items[0],
            description=description or "疏散通道堆放杂物",
            severity=severity,
            deadline=deadline or add_workdays(timezone.localdate(), 10),
            status=status,
        )

    return make


@pytest.fixture
def finding(make_finding):
    return make_finding()


@pytest.fixture
def member(operator, submitted):
    """The operator acts for the inspected institution."""
    from tuoyu.institutions.models import InstitutionMembership

    InstitutionMembership.objects.create(user=operator, institution=submitted.institution)
    operator.phone = "13900000010"
    operator.save(update_fields=["phone"])
    return operator


@pytest.fixture
def inspector_user(roster):
    """The first drawn inspector (市场监管)."""
    return roster[0].user


@pytest.fixture
def undrawn_inspector(roster):
    """On the roster, in the plan's pool, not drawn for this inspection."""
    return roster[2].user


@pytest.fixture
def hc_admin(kaizhou):
    from tuoyu.regions.models import Department

    return _user(
        "hc-admin", "hc_admin", department=Department.objects.get(code="KZ-WJW"), phone="13900000001"
    )


def later(days: int = 30) -> date:
    return timezone.localdate() + timedelta(days=days)
