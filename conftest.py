"""Fixed personas and the Kaizhou configuration, shared by every app's tests."""

from datetime import time
from decimal import Decimal

import pytest

from tuoyu.regions.services import KAIZHOU_FILE, regions_load_file


@pytest.fixture
def client():
    """Like pytest-django's, but a staff member signed in by force_login or login has also passed the
    second factor with a real TOTP device (tuoyu.core.testing.StaffVerifiedClient)."""
    from tuoyu.core.testing import StaffVerifiedClient

    return StaffVerifiedClient()


@pytest.fixture
def plain_client():
    """Django's own client: a staff session has not passed the second factor, for tests of that rule."""
    from django.test import Client

    return Client()


@pytest.fixture
def admin_client(db, admin_user):
    from tuoyu.core.testing import StaffVerifiedClient

    client = StaffVerifiedClient()
    client.force_login(admin_user)
    return client


@pytest.fixture
def kaizhou(db):
    regions_load_file(path=KAIZHOU_FILE)
    from tuoyu.regions.models import Unit

    return Unit.objects.get(code="500154")


@pytest.fixture
def hanfeng(kaizhou):
    from tuoyu.regions.models import Unit

    return Unit.objects.get(name="汉丰街道")


@pytest.fixture
def make_institution(kaizhou):
    """Build a valid institution through the service; keyword overrides change any field."""
    from stdnum.cn import uscc

    from tuoyu.institutions.models import InstitutionStatus
    from tuoyu.institutions.services import ClassSpec, FeeSpec, institution_create, institution_transition
    from tuoyu.regions.models import Unit

    counter = {"n": 0}

    def make(*, status="filed", classes=None, fees=None, unit=None, **fields):
        counter["n"] += 1
        n = counter["n"]
        unit = unit or Unit.objects.get(name="汉丰街道")
        stem = f"91500154MA{n:07d}"
        defaults = {
            "name": f"测试托育园{n}",
            "type": "childcare",
            "ownership": "private",
            "is_puhui": False,
            "registration_body": "enterprise",
            "uscc": stem + uscc.calc_check_digit(stem),
            "unit": unit,
            "address": "测试路1号",
            "lat": unit.center_lat,
            "lng": unit.center_lng,
            "opens_at": time(8),
            "closes_at": time(17, 30),
            "offers_full_day": True,
        }
        defaults.update(fields)
        if classes is None:
            classes = [ClassSpec(name="托小一班", age_group="toddler", capacity=15, enrolled=10)]
        if fees is None:
            fees = [FeeSpec(service_type="full_day", amount=Decimal("1500"), price_type="market")]
        institution = institution_create(fields=defaults, classes=classes, fees=fees)
        if status != InstitutionStatus.DRAFT:
            institution = institution_transition(
                institution=institution,
                to_status=InstitutionStatus.FILED,
                filing_number=f"开州托备〔2025〕{n:04d}",
            )
        if status in (InstitutionStatus.SUSPENDED, InstitutionStatus.DEREGISTERED):
            institution = institution_transition(institution=institution, to_status=status)
        return institution

    return make


def _user(username, role, **extra):
    from tuoyu.accounts.models import User

    user = User.objects.create_user(username=username, password="correct-horse-battery", role=role, **extra)
    return user


@pytest.fixture
def family(db):
    return _user("13800000001", "family", phone="13800000001")


@pytest.fixture
def operator(db):
    return _user("operator", "inst_operator")


@pytest.fixture
def other_operator(db):
    return _user("other-operator", "inst_operator")


@pytest.fixture
def reviewer(kaizhou):
    from tuoyu.regions.models import Department

    return _user("reviewer", "hc_reviewer", department=Department.objects.get(code="KZ-WJW"))


@pytest.fixture
def inspector(kaizhou):
    from tuoyu.regions.models import Department

    return _user("inspector", "dept_officer", department=Department.objects.get(code="KZ-SCJG"))


@pytest.fixture
def street_officer(hanfeng):
    return _user("street", "street_officer", unit=hanfeng)


@pytest.fixture
def sys_admin(db):
    return _user("sysadmin", "sys_admin", is_staff=True, is_superuser=True)
