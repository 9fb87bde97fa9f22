"""Fixtures of the filing workflow: a complete application, built through the real pages' services."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from stdnum.cn import uscc as uscc_lib

from tuoyu.filings import services
from tuoyu.filings.models import MaterialKind


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploaded materials go to a temporary folder, never into the repository's var/."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def make_pdf(name: str = "licence.pdf") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(buffer, format="PDF")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def make_png(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "blue").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def new_uscc(n: int, prefix: str = "91") -> str:
    stem = f"{prefix}500154MA{n:07d}"
    return stem + uscc_lib.calc_check_digit(stem)


def complete_data(uscc: str, name: str = "阳光托育园") -> dict:
    return {
        "institution": {
            "name": name,
            "type": "childcare",
            "ownership": "private",
            "is_puhui": "on",
            "registration_body": "enterprise",
            "uscc": uscc,
            "legal_representative": "张敏",
            "unit": "500154001",
            "address": "汉丰街道滨湖路8号",
            "lat": "31.176",
            "lng": "108.396",
            "phone": "023-52210000",
            "opens_at": "07:30",
            "closes_at": "17:30",
            "open_days": "周一至周五",
            "offers_full_day": "on",
            "offers_half_day": "",
            "offers_hourly": "",
            "offers_temporary": "",
            "serves_meals": "",
            "description": "",
        },
        "classes": [
            {"name": "托小一班", "age_group": "toddler", "capacity": "15", "enrolled": "6"},
            {"name": "托大一班", "age_group": "preschool", "capacity": "20", "enrolled": "10"},
        ],
        "fees": [
            {
                "service_type": "full_day",
                "age_group": "",
                "amount": "1500",
                "period": "month",
                "price_type": "market",
            }
        ],
        "staff": {"total": "9", "caregivers": "6", "certified_caregivers": "5", "health_staff": "1"},
    }


def upload_all(filing, user):
    for kind in (
        MaterialKind.BUSINESS_LICENCE,
        MaterialKind.STAFF_QUALIFICATION,
        MaterialKind.STAFF_HEALTH,
        MaterialKind.FIRE_SAFETY,
    ):
        services.filing_add_material(filing=filing, by=user, kind=kind, upload=make_pdf(f"{kind}.pdf"))
    services.filing_add_material(
        filing=filing, by=user, kind=MaterialKind.HYGIENE_REPORT, upload=make_pdf(), hygiene_passed=True
    )
    today = date.today()
    services.filing_add_material(
        filing=filing,
        by=user,
        kind=MaterialKind.PREMISES_LEASE,
        upload=make_png("lease.png"),
        lease_start=today - timedelta(days=30),
        lease_end=today.replace(year=today.year + 4),
    )


@pytest.fixture
def applicant_and_filing(kaizhou):
    counter = {"n": 100}

    def make(*, complete=True, name="阳光托育园"):
        counter["n"] += 1
        code = new_uscc(counter["n"])
        user, filing = services.operator_register(
            uscc=code,
            registration_body="enterprise",
            name=name,
            legal_representative="张敏",
            phone=f"139{counter['n']:08d}",
            password="a-long-secret-passphrase",
        )
        if complete:
            services.filing_save_draft(filing=filing, by=user, data=complete_data(code, name), pledge=True)
            upload_all(filing, user)
            filing.refresh_from_db()
        return user, filing

    return make


@pytest.fixture
def submitted(applicant_and_filing):
    def make(**kwargs):
        user, filing = applicant_and_filing(**kwargs)
        return user, services.filing_submit(filing=filing, by=user)

    return make
