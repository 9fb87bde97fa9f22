"""Synthetic filing applications for the demo, made through the real services (every name says 示例).

A reviewer signing in to the demo finds a queue to work: applications waiting (one of them overdue), one
returned for correction, one approved with its receipt and notice, and a coordination case.
"""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw
from stdnum.cn import uscc as uscc_lib

from tuoyu.accounts.models import Role, User
from tuoyu.regions.models import Department

from . import services
from .models import Filing, MaterialKind

DEMO_PASSWORD = "kaizhou-demo-2026"  # noqa: S105 - the demo's printed sign-in, as for the other personas


def _pdf(title: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (420, 595), "white")
    ImageDraw.Draw(image).text((40, 40), f"DEMO {title}", fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PDF")
    return SimpleUploadedFile(f"{title}.pdf", buffer.getvalue(), content_type="application/pdf")


def _data(code: str, name: str, unit_code: str, lat: float, lng: float) -> dict:
    return {
        "institution": {
            "name": name,
            "type": "childcare",
            "ownership": "private",
            "is_puhui": "on",
            "registration_body": "enterprise",
            "uscc": code,
            "legal_representative": "示例负责人",
            "unit": unit_code,
            "address": "示例大道88号",
            "lat": str(lat),
            "lng": str(lng),
            "phone": "023-52000000",
            "opens_at": "07:30",
            "closes_at": "17:30",
            "open_days": "周一至周五",
            "offers_full_day": "on",
            "description": "系统演示用的示例数据。",
        },
        "classes": [
            {"name": "托小一班", "age_group": "toddler", "capacity": "15", "enrolled": "8"},
            {"name": "托大一班", "age_group": "preschool", "capacity": "20", "enrolled": "12"},
        ],
        "fees": [
            {
                "service_type": "full_day",
                "age_group": "",
                "amount": "1350",
                "period": "month",
                "price_type": "market",
            }
        ],
        "staff": {"total": "8", "caregivers": "5", "certified_caregivers": "4", "health_staff": "1"},
    }


def _complete(filing: Filing, user: User, data: dict) -> None:
    services.filing_save_draft(filing=filing, by=user, data=data, pledge=True)
    for kind in (
        MaterialKind.BUSINESS_LICENCE,
        MaterialKind.STAFF_QUALIFICATION,
        MaterialKind.STAFF_HEALTH,
        MaterialKind.FIRE_SAFETY,
        MaterialKind.PREMISES_OWN,
    ):
        services.filing_add_material(filing=filing, by=user, kind=kind, upload=_pdf(kind))
    services.filing_add_material(
        filing=filing, by=user, kind=MaterialKind.HYGIENE_REPORT, upload=_pdf("hygiene"), hygiene_passed=True
    )


def seed_filings() -> int:
    if Filing.objects.filter(applicant__username__startswith="91500154MADE").exists():
        return 0
    reviewer = User.objects.filter(role=Role.HC_REVIEWER).order_by("id").first()
    if reviewer is None:
        return 0
    places = [
        ("500154002", 31.166, 108.421),
        ("500154003", 31.186, 108.376),
        ("500154004", 31.161, 108.446),
        ("500154005", 31.141, 108.386),
        ("500154101", 31.081, 108.286),
    ]
    made = 0
    for index, (unit_code, lat, lng) in enumerate(places, start=1):
        stem = f"91500154MADE{index:05d}"
        code = stem + uscc_lib.calc_check_digit(stem)
        name = f"示例·网上备案托育园{index}"
        with transaction.atomic():
            user, filing = services.operator_register(
                uscc=code,
                registration_body="enterprise",
                name=name,
                legal_representative="示例负责人",
                phone=f"1390000{index:04d}",
                password=DEMO_PASSWORD,
            )
            _complete(filing, user, _data(code, name, unit_code, lat, lng))
            if index == 5:
                made += 1
                continue  # left as a draft: what an operator sees half-way
            filing = services.filing_submit(filing=filing, by=user)
            if index == 1:
                # Submitted a while ago and not yet decided: the queue shows it overdue.
                Filing.objects.filter(pk=filing.pk).update(due_on=timezone.localdate() - timedelta(days=3))
            elif index == 2:
                services.filing_return(
                    filing=filing,
                    by=reviewer,
                    comments={"fire": "消防安全证明不清晰，请重新扫描上传。（示例）"},
                )
            elif index == 3:
                services.filing_approve(filing=filing, by=reviewer, note="材料齐全，予以备案。（示例）")
            elif index == 4:
                fire = Department.objects.filter(code="KZ-XF").first()
                if fire is not None:
                    services.case_open(
                        filing=filing,
                        by=reviewer,
                        title="示例：非独立场所消防验收备案",
                        domain="fire",
                        description="该机构位于商业综合体二层，需消防部门确认可否单独办理消防验收备案。（示例）",
                        departments=[fire],
                        deadline=timezone.localdate() + timedelta(days=14),
                    )
        made += 1
    return made
