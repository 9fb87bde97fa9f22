"""The access log: who saw a reporter's identity or downloaded personal data is recorded (who, what, when,
from where), and the health commission's administrators search it on /audit/access/."""

from datetime import datetime, timedelta
from io import BytesIO

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tuoyu.accounts.models import AccessKind, AccessLog, User
from tuoyu.accounts.services import access_record

pytestmark = pytest.mark.django_db

ACCESS_LOG = "/audit/access/"
ACCESS_LOG_EXPORT = "/audit/access/export/"


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def hc_admin(kaizhou):
    from tuoyu.regions.models import Department

    return User.objects.create_user(
        username="hc-admin",
        password="correct-horse-battery",
        role="hc_admin",
        display_name="卫健委管理员",
        department=Department.objects.get(code="KZ-WJW"),
    )


@pytest.fixture
def complaint(kaizhou, make_institution):
    """A named food complaint, routed through the service; its reporter is 王小明 13912345678."""
    from tuoyu.feedback.services import ROUTING_FILE, complaint_file, routing_load_file

    routing_load_file(ROUTING_FILE)
    return complaint_file(
        category="food",
        description="午餐的饭菜是凉的，孩子吃了肚子疼。",
        institution=make_institution(),
        anonymous=False,
        reporter_name="王小明",
        reporter_phone="13912345678",
    ).complaint


def _entries(kind=None) -> list[AccessLog]:
    qs = AccessLog.objects.order_by("id")
    return list(qs.filter(kind=kind) if kind else qs)


def _sheet(response) -> list[tuple]:
    workbook = load_workbook(BytesIO(response.content))
    return list(workbook.active.iter_rows(values_only=True))


# --- reading a reporter's identity ---------------------------------------------------------------


def test_a_reviewer_who_opens_a_named_case_is_recorded_with_the_case_and_the_address(
    client, reviewer, complaint
):
    client.force_login(reviewer)
    before = timezone.now()
    response = client.get(reverse("feedback:handle", args=[complaint.pk]), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert "13912345678" in response.content.decode()

    [entry] = _entries()
    assert entry.user == reviewer and entry.username == "reviewer"
    assert entry.kind == AccessKind.REPORTER_IDENTITY
    assert entry.content_type.model_class().__name__ == "Complaint"
    assert entry.object_id == str(complaint.pk)
    assert entry.object_label == complaint.tracking_number
    assert entry.ip == "10.1.2.3"
    assert before <= entry.at <= timezone.now()


def test_opening_an_anonymous_case_or_a_case_without_the_reporter_records_nothing(
    client, reviewer, street_officer, complaint, make_institution
):
    from tuoyu.feedback.services import complaint_file

    anonymous = complaint_file(
        category="food", description="午饭是凉的。", institution=make_institution(), anonymous=True
    ).complaint
    client.force_login(reviewer)
    assert client.get(reverse("feedback:handle", args=[anonymous.pk])).status_code == 200
    # A street officer sees the case in their unit but never who reported it.
    client.force_login(street_officer)
    response = client.get(reverse("feedback:handle", args=[complaint.pk]))
    assert response.status_code == 200 and "13912345678" not in response.content.decode()
    assert _entries() == []


# --- Excel exports of personal data --------------------------------------------------------------


def test_the_complaints_export_with_reporters_is_recorded_with_its_row_count_and_filter(
    client, reviewer, complaint
):
    client.force_login(reviewer)
    response = client.get(reverse("feedback:queue_export"), {"category": "food", "status": ""})
    assert response.status_code == 200
    assert any("13912345678" in map(str, row) for row in _sheet(response))

    [entry] = _entries(AccessKind.PERSONAL_EXPORT)
    assert entry.user == reviewer
    assert entry.content_type is None and entry.object_label
    assert entry.detail.startswith("1 ")
    assert "食品" in entry.detail or "food" in entry.detail.lower()


def test_a_complaints_export_without_the_reporter_columns_is_not_personal_data(
    client, street_officer, complaint
):
    client.force_login(street_officer)
    response = client.get(reverse("feedback:queue_export"), {"status": ""})
    assert response.status_code == 200
    assert not any("13912345678" in map(str, row) for row in _sheet(response))
    assert _entries() == []


def test_the_service_refuses_an_unknown_kind_and_keeps_a_bad_forwarded_address_out(settings, reviewer):
    settings.TUOYU_TRUSTED_PROXIES = 1
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="not-an-address")
    entry = access_record(user=reviewer, kind=AccessKind.PERSONAL_EXPORT, obj="x", request=request)
    assert entry.ip is None
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert access_record(user=reviewer, kind=AccessKind.ID_NUMBER, request=request).ip == "203.0.113.9"
    with pytest.raises(ValueError):
        access_record(user=reviewer, kind="anything")


# --- the search page -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["reviewer", "inspector", "street_officer", "family", "operator"])
def test_only_the_health_commissions_administrators_open_the_access_log(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(ACCESS_LOG).status_code == 403
    assert client.get(ACCESS_LOG_EXPORT).status_code == 403


def test_an_administrator_finds_entries_by_user_kind_dates_and_object(client, hc_admin, reviewer, inspector):
    now = timezone.now()

    def log(user, kind, label, days_ago):
        return AccessLog.objects.create(
            user=user,
            username=user.username,
            kind=kind,
            object_label=label,
            at=now - timedelta(days=days_ago),
        )

    log(reviewer, AccessKind.REPORTER_IDENTITY, "TS20260101-00001", 10)
    log(reviewer, AccessKind.PERSONAL_EXPORT, "投诉导出", 1)
    log(inspector, AccessKind.REPORTER_IDENTITY, "TS20260102-00002", 1)
    client.force_login(hc_admin)

    def labels(**query) -> list[str]:
        response = client.get(ACCESS_LOG, query)
        assert response.status_code == 200
        return [e.object_label for e in response.context["page"]]

    assert labels() == ["TS20260102-00002", "投诉导出", "TS20260101-00001"]
    assert labels(user="inspect") == ["TS20260102-00002"]
    assert labels(kind="reporter_identity") == ["TS20260102-00002", "TS20260101-00001"]
    five_days_ago = timezone.localdate() - timedelta(days=5)
    assert labels(date_from=five_days_ago.isoformat(), kind="reporter_identity") == ["TS20260102-00002"]
    assert labels(date_to=five_days_ago.isoformat()) == ["TS20260101-00001"]
    assert labels(object="00001") == ["TS20260101-00001"]
    # A date that does not parse is ignored rather than refused.
    assert len(labels(date_from="yesterday")) == 3


def test_the_page_is_in_chinese_and_shows_who_what_and_where(client, hc_admin, reviewer):
    AccessLog.objects.create(
        user=reviewer,
        username="reviewer",
        kind=AccessKind.REPORTER_IDENTITY,
        object_label="TS1",
        ip="10.0.0.1",
    )
    client.force_login(hc_admin)
    html = client.get(ACCESS_LOG, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "访问记录" in html and "举报人身份" in html
    assert "reviewer" in html and "TS1" in html and "10.0.0.1" in html


def _fill(n: int, users: list[User]) -> None:
    now = timezone.now()
    AccessLog.objects.bulk_create(
        AccessLog(
            user=users[i % len(users)],
            username=users[i % len(users)].username,
            kind=AccessKind.REPORTER_IDENTITY,
            object_label=f"TS{i:05d}",
            at=now - timedelta(minutes=i),
        )
        for i in range(n)
    )


def test_the_page_issues_a_fixed_number_of_queries_whatever_the_rows(
    client, hc_admin, reviewer, inspector, django_assert_num_queries
):
    client.force_login(hc_admin)
    _fill(3, [reviewer, inspector])
    client.get(ACCESS_LOG)  # warm caches (content types, the session) that are not per row
    with CaptureQueriesContext(connection) as three:
        assert client.get(ACCESS_LOG).status_code == 200
    AccessLog.objects.all().delete()
    _fill(30, [reviewer, inspector, hc_admin])
    with django_assert_num_queries(len(three)):
        response = client.get(ACCESS_LOG)
    assert len(response.context["page"]) == 30


def test_the_export_holds_the_filtered_entries_and_is_itself_recorded(client, hc_admin, reviewer, inspector):
    _fill(4, [reviewer, inspector])
    client.force_login(hc_admin)
    response = client.get(ACCESS_LOG_EXPORT, {"user": "reviewer"})
    assert response.status_code == 200
    rows = _sheet(response)[1:]
    assert len(rows) == 2 and {row[1] for row in rows} == {"reviewer"}

    entry = AccessLog.objects.filter(user=hc_admin).get()
    assert entry.kind == AccessKind.PERSONAL_EXPORT
    assert entry.detail.startswith("2 ") and "reviewer" in entry.detail


def test_nobody_changes_or_deletes_an_entry_in_the_admin(rf, sys_admin, reviewer):
    entry = access_record(user=reviewer, kind=AccessKind.REPORTER_IDENTITY, obj="TS1")
    model_admin = admin.site._registry[AccessLog]
    request = rf.get("/")
    request.user = sys_admin
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)


def test_an_entry_outlives_the_account_that_made_it(reviewer):
    entry = access_record(user=reviewer, kind=AccessKind.REPORTER_IDENTITY, obj="TS1")
    reviewer.delete()
    entry.refresh_from_db()
    assert entry.user is None and entry.username == "reviewer"
    assert entry.at < timezone.make_aware(datetime(9999, 1, 1))
