"""Data the browser tests seed through the services: a filed institution in 汉丰街道 like a real one."""

from datetime import time
from decimal import Decimal

from stdnum.cn import uscc

from tuoyu.institutions.models import Institution
from tuoyu.institutions.services import ClassSpec, FeeSpec, institution_create, institution_transition
from tuoyu.regions.models import Unit


def filed_institution(
    *, name: str, credit_stem: str, filing_number: str, house_number: int, classes: list[ClassSpec]
) -> Institution:
    """A private full-day 托育 institution at 汉丰街道滨湖路<house_number>号, filed under `filing_number`,
    whose credit code is `credit_stem` (17 characters) with its check digit."""
    unit = Unit.objects.get(name="汉丰街道")
    institution = institution_create(
        fields={
            "name": name,
            "type": "childcare",
            "ownership": "private",
            "is_puhui": False,
            "registration_body": "enterprise",
            "uscc": credit_stem + uscc.calc_check_digit(credit_stem),
            "unit": unit,
            "address": f"汉丰街道滨湖路{house_number}号",
            "phone": f"023-522100{house_number:02d}",
            "lat": unit.center_lat,
            "lng": unit.center_lng,
            "opens_at": time(7, 30),
            "closes_at": time(17, 30),
            "offers_full_day": True,
        },
        classes=classes,
        fees=[FeeSpec(service_type="full_day", amount=Decimal("1500"), price_type="market")],
    )
    return institution_transition(institution=institution, to_status="filed", filing_number=filing_number)
