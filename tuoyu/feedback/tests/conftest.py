"""Fixtures for feedback: the Kaizhou routing table and a helper that files a report through the service."""

import pytest


@pytest.fixture
def routing(kaizhou):
    from tuoyu.feedback.services import ROUTING_FILE, routing_load_file

    routing_load_file(ROUTING_FILE)


@pytest.fixture
def file_complaint(routing, make_institution):
    """file_complaint(**overrides) -> Filed (complaint, query_code). Defaults: a named food complaint
    about a fresh institution, with the reporter 王小明 13912345678."""
    from tuoyu.feedback.services import complaint_file

    def make(**overrides):
        fields = {
            "category": "food",
            "description": "午餐的饭菜是凉的，孩子吃了肚子疼。",
            "anonymous": False,
            "reporter_name": "王小明",
            "reporter_phone": "13912345678",
        }
        fields.update(overrides)
        if "institution" not in fields and "lat" not in fields:
            fields["institution"] = make_institution()
        return complaint_file(**fields)

    return make


@pytest.fixture
def food_officer(kaizhou):
    """An officer of 市场监管, the department food complaints are routed to."""
    from tuoyu.accounts.models import User
    from tuoyu.regions.models import Department

    return User.objects.create_user(
        username="food-officer",
        password="correct-horse-battery",
        role="dept_officer",
        department=Department.objects.get(code="KZ-SCJG"),
        phone="13700000009",
    )


@pytest.fixture
def hc_lead(kaizhou):
    from tuoyu.accounts.models import User
    from tuoyu.regions.models import Department

    return User.objects.create_user(
        username="hc-lead",
        password="correct-horse-battery",
        role="hc_admin",
        department=Department.objects.get(code="KZ-WJW"),
        phone="13700000010",
    )


@pytest.fixture
def member_of():
    """member_of(user, institution): make the user work at the institution."""
    from tuoyu.institutions.models import InstitutionMembership

    def make(user, institution):
        InstitutionMembership.objects.create(user=user, institution=institution)
        return user

    return make
