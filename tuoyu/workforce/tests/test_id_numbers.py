"""A staff member's ID number never leaves the server in full: every GET route of the workforce app (pages
and API, found from the URL resolver, not a hand list) is fetched as every role — the operator a member
of the institution, the commission, a street officer with the unit, anonymous — and every answer (HTML,
JSON, Excel unzipped) is searched for the full number and for its blind index. So are the register's
public institution page and API, and every admin page of the workforce models. The number is stored
encrypted, and a person at two institutions is matched by the blind index alone.

In the spirit of feedback/tests/test_identity.py (the reporter's identity).
"""

import itertools
import re
import zipfile
from datetime import timedelta
from io import BytesIO

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from tuoyu.accounts import capabilities
from tuoyu.accounts.models import Role, User
from tuoyu.core.crypto import blind_index
from tuoyu.core.tests.test_routes import all_routes
from tuoyu.workforce.models import Course, CourseEnrolment, Expert, StaffMember

from .conftest import id_number

# Known numbers (valid check digits, synthetic): a carer at one institution, and one person at two (挂靠).
CARER = id_number(901)
TWICE = id_number(902)
HEALTH = id_number(903)
NUMBERS = [CARER, TWICE, HEALTH]
MASKED = CARER[:3] + "*" * 11 + CARER[-4:]
PREFIXES = ("workforce/", "api/v1/workforce/")
# An int converter is filled with the rows of the kind the segment before it names; any other with all.
SEGMENT_KIND = {
    "staff": "staff",
    "certificates": "certificate",
    "courses": "course",
    "enrolments": "enrolment",
    "experts": "expert",
}
# Excel answers of a list page, whatever name a view gives the parameter.
EXPORT_QUERIES = ("", "?format=xlsx", "?export=xlsx")


def _text_of(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":  # xlsx: the strings live in the zipped XML parts
        with zipfile.ZipFile(BytesIO(body)) as archive:
            return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return body.decode("utf-8", "replace")


def _secrets() -> list[str]:
    return [*NUMBERS, *(blind_index(n) for n in NUMBERS)]


def _urls(route: str, rows: dict[str, list[int]]) -> list[str]:
    """Every way to fill the route's int converters with the rows it names; other converters get "x"."""
    if route.startswith("^") or "(?P<" in route:
        return []
    route = re.sub(r"<(?:str|slug|path):\w+>", "x", route)
    slots = list(re.finditer(r"([\w-]*)/<int:\w+>", route))
    everything = sorted({pk for pks in rows.values() for pk in pks})
    choices = [rows.get(SEGMENT_KIND.get(m.group(1), ""), everything) for m in slots]
    urls = []
    for combination in itertools.product(*choices):
        path = route
        for pk in combination:
            path = re.sub(r"<int:\w+>", str(pk), path, count=1)
        urls.append("/" + path.lstrip("^").rstrip("$"))
    return urls


def _fetchable(routes: list[str], rows: dict[str, list[int]], *, operator: bool):
    """Each route filled with the rows it names; a list (no row in its path) also as Excel and, for an
    operator, for each institution they might pick."""
    for route in routes:
        for url in _urls(route, rows):
            yield url
            if "<int:" in route:
                continue
            for query in EXPORT_QUERIES[1:]:
                yield url + query
            if operator:
                for pk in rows["institution"]:
                    yield f"{url}?institution={pk}"


def _workforce_routes() -> list[str]:
    return sorted({route for route, _name, _view in all_routes() if route.startswith(PREFIXES)})


@pytest.fixture
def people(workforce_rules, staffed_institution, make_institution, make_staff, operator, other_operator):
    """A carer with certificates in a class, a health staff member, one person at two institutions (the
    other institution is another operator's), a course with an enrolment and an expert."""
    from tuoyu.institutions.models import InstitutionMembership

    today = timezone.localdate()
    classes = list(staffed_institution.classes.order_by("pk"))
    carer = make_staff(
        staffed_institution,
        class_group=classes[0],
        certificates=["baoyushi-4", "health-certificate"],
        number=CARER,
        mobile="13900001234",
    )
    health = make_staff(staffed_institution, post="health", certificates=["health-training"], number=HEALTH)
    here = make_staff(
        staffed_institution, class_group=classes[1], certificates=["yuyingyuan-5"], number=TWICE
    )
    elsewhere = make_institution(name="人才测试另一托育园")
    InstitutionMembership.objects.create(institution=elsewhere, user=other_operator)
    there = make_staff(elsewhere, number=TWICE, started_on=today - timedelta(days=400))
    manager = User.objects.create_user(username="wf-manager", password="x-long-password", role=Role.HC_ADMIN)
    course = Course.objects.create(
        title="岗前培训（测试）",
        kind="pre_service",
        organiser="开州区妇幼保健院",
        place="开州区妇幼保健院三楼",
        starts_on=today + timedelta(days=10),
        ends_on=today + timedelta(days=11),
        hours=16,
        capacity=30,
        enrolled=1,
        status="open",
        created_by=manager,
    )
    enrolment = CourseEnrolment.objects.create(course=course, staff=carer, enrolled_by=operator)
    expert = Expert.objects.create(
        code="KZ-ZJ-T001", name="测试专家", field="care", title="主任医师", unit="开州区妇幼保健院"
    )
    return {
        "staff": [carer.pk, health.pk, here.pk, there.pk],
        "certificate": list(
            StaffMember.objects.filter(pk__in=[carer.pk, health.pk, here.pk])
            .values_list("certificates__pk", flat=True)
            .order_by("certificates__pk")
        ),
        "course": [course.pk],
        "enrolment": [enrolment.pk],
        "expert": [expert.pk],
        "institution": [staffed_institution.pk, elsewhere.pk],
    }


def test_the_number_is_stored_encrypted_and_the_two_rows_of_one_person_share_the_blind_index(people):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, id_number_index FROM workforce_staffmember")
        stored = cursor.fetchall()
    assert len(stored) == 4
    for number, index in stored:
        assert not any(n in number for n in NUMBERS)
        assert index in {blind_index(n) for n in NUMBERS}
    twice = StaffMember.objects.filter(id_number_index=blind_index(TWICE))
    assert twice.values("institution").distinct().count() == 2
    assert {s.id_number for s in twice} == {TWICE}
    assert StaffMember.objects.get(pk=people["staff"][0]).masked_id_number == MASKED


def _signed_in(client, role, *, operator, hanfeng):
    from tuoyu.regions.models import Department

    if role == Role.INSTITUTION_OPERATOR:
        client.force_login(operator)  # a member of the institution: sees its people, masked
    elif role is not None:
        extra = {}
        if role == Role.STREET_OFFICER:
            extra["unit"] = hanfeng
        if role == Role.DEPARTMENT_OFFICER:
            extra["department"] = Department.objects.get(code="KZ-SCJG")
        user = User.objects.create_user(username=f"id-{role}", password="x-long-password", role=role, **extra)
        client.force_login(user)


def _sweep(client, people, role) -> tuple[int, bool, list]:
    """Every workforce answer the client gets: how many were read (200), whether the carer's masked
    number was among them, and each (url, secret) found in full."""
    secrets = _secrets()
    fetched, masked_seen, leaks = 0, False, []
    for url in _fetchable(_workforce_routes(), people, operator=role == Role.INSTITUTION_OPERATOR):
        response = client.get(url)
        if response.status_code != 200:
            continue
        text = _text_of(response)
        leaks.extend((url, s) for s in secrets if s in text)
        masked_seen = masked_seen or MASKED in text
        fetched += 1
    return fetched, masked_seen, leaks


@pytest.mark.parametrize("role", [None, *sorted(Role.values)], ids=lambda r: r or "anonymous")
def test_no_workforce_answer_shows_a_full_id_number(client, people, role, operator, hanfeng):
    assert _workforce_routes(), "the workforce app has no routes"
    _signed_in(client, role, operator=operator, hanfeng=hanfeng)
    fetched, masked_seen, leaks = _sweep(client, people, role)
    assert leaks == [], role
    if role in (Role.INSTITUTION_OPERATOR, *capabilities.WORKFORCE_OVERSEERS):
        assert masked_seen, role  # the people were on a page, masked
    if role is None:
        assert fetched == 0  # nothing of the workforce app is public
    if role in (Role.INSTITUTION_OPERATOR, *capabilities.WORKFORCE_VIEWERS):
        assert fetched > 0, role  # each of them has pages to read


def test_the_sweep_finds_a_number_shown_in_full(client, people, operator, hanfeng, monkeypatch):
    """The sweep itself works: were the pages to show the number where they show it masked, it fails."""
    monkeypatch.setattr(StaffMember, "masked_id_number", property(lambda staff: staff.id_number))
    _signed_in(client, Role.INSTITUTION_OPERATOR, operator=operator, hanfeng=hanfeng)
    _fetched, _masked, leaks = _sweep(client, people, Role.INSTITUTION_OPERATOR)
    assert {secret for _url, secret in leaks} >= {CARER, HEALTH, TWICE}
    assert any(url.startswith("/api/") for url, _secret in leaks)  # the API answers too
    assert any(url.startswith("/workforce/staff/") for url, _secret in leaks)


def test_the_public_institution_page_and_api_show_no_number(client, people):
    for pk in people["institution"]:
        for url in (reverse("institutions:detail", args=[pk]), reverse("api:institution", args=[pk])):
            response = client.get(url)
            assert response.status_code == 200, url
            text = _text_of(response)
            assert not [s for s in _secrets() if s in text], url
            assert "员工" not in text  # no staff names on the public page either


def _admin_urls(people) -> list[str]:
    urls = []
    for model in admin.site._registry:
        if model._meta.app_label not in ("workforce", "auditlog"):
            continue
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        for obj in model._default_manager.all()[:20]:
            for view in ("change", "history"):
                urls.append(reverse("admin:{}_{}_{}".format(*info, view), args=[obj.pk]))
        urls.append(reverse("admin:{}_{}_add".format(*info)))
    return urls


def test_no_admin_page_of_the_workforce_shows_a_full_number(admin_client, people):
    urls = _admin_urls(people)
    staff_pages = [u for u in urls if "/workforce/staffmember/" in u]
    fetched = 0
    for url in urls:
        response = admin_client.get(url)
        if response.status_code != 200:
            continue
        text = _text_of(response)
        assert not [s for s in _secrets() if s in text], url
        fetched += 1
    if staff_pages:  # the staff admin is registered: its change pages were read
        assert any(admin_client.get(u).status_code == 200 for u in staff_pages if "/change/" in u)
    assert fetched > 0
