"""Outbreak alerts after they are raised: acknowledged and closed with a note (a close without one is
refused), the children named inside the institution and numbered outside it on the page and in the API,
another institution's alert a 404, and the list's queries fixed whatever the alerts."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuoyu.health import services
from tuoyu.health.models import AlertEvent, AlertStatus, OutbreakAlert

from .test_checks import (  # noqa: F401 - fixtures
    hc_admin,
    ill,
    outbreak_rules,
    recipients,
    record,
    toddler_class,
    toddlers,
)


@pytest.fixture
def raised(outbreak_rules, recipients, health_institution, toddlers):  # noqa: F811
    """An open fever alert in 托小一班 with three named children; (alert, children)."""
    children = toddlers(3)
    record(recipients["health_staff"], toddler_class(health_institution), [ill(c) for c in children])
    return OutbreakAlert.objects.get(), children


def test_the_health_staff_acknowledge_then_close_with_a_note(raised, health_staff):
    alert, _children = raised
    services.alert_acknowledge(alert=alert, by=health_staff, note="已电话告知家长")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED
    services.alert_close(alert=alert, by=health_staff, note="已上报疾控中心，班级终末消毒，患儿居家观察")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED
    events = list(AlertEvent.objects.filter(alert=alert).values_list("from_status", "to_status", "note"))
    assert [(f, t) for f, t, _n in events] == [
        ("", "open"),
        ("open", "acknowledged"),
        ("acknowledged", "closed"),
    ]
    assert events[-1][2].startswith("已上报")


def test_closing_without_a_note_is_refused_and_changes_nothing(raised, health_staff):
    alert, _children = raised
    with pytest.raises(ValidationError) as refused:
        services.alert_close(alert=alert, by=health_staff, note="   ")
    assert "note" in refused.value.message_dict
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN
    assert AlertEvent.objects.filter(alert=alert).count() == 1


def test_a_closed_alert_cannot_be_acknowledged(raised, operator):
    alert, _children = raised
    services.alert_close(alert=alert, by=operator, note="处理完毕")
    with pytest.raises(ValidationError):
        services.alert_acknowledge(alert=alert, by=operator)


def test_the_operator_closes_on_the_page_and_a_close_without_a_note_is_a_400(raised, client, operator):
    alert, _children = raised
    client.force_login(operator)
    response = client.post(f"/health/alerts/{alert.pk}/close/", {"close-note": ""})
    assert response.status_code == 400
    assert response.context["close_form"].errors["note"]
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN
    response = client.post(f"/health/alerts/{alert.pk}/acknowledge/", {"ack-note": ""}, follow=True)
    assert response.status_code == 200
    assert 'data-alert-status="acknowledged"' in response.content.decode()
    client.post(f"/health/alerts/{alert.pk}/close/", {"close-note": "班级已消毒"})
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED
    assert client.post(f"/health/alerts/{alert.pk}/close/", {"close-note": "again"}).status_code == 409


def test_the_institution_sees_the_childrens_names(raised, client, health_staff, operator):
    alert, children = raised
    for who in (health_staff, operator):
        client.force_login(who)
        body = client.get(f"/health/alerts/{alert.pk}/").content.decode()
        assert 'data-names="yes"' in body
        assert body.count("data-case=") == 3
        assert all(child.name in body for child in children)
        cases = client.get(f"/api/v1/health/alerts/{alert.pk}/").json()["case_list"]
        assert sorted(c["name"] for c in cases) == sorted(child.name for child in children)


def test_officials_see_the_cases_numbered_never_named(
    raised,
    client,
    guidance_officer,
    reviewer,
    hc_admin,  # noqa: F811
    child_health_officer,  # noqa: F811
):
    alert, children = raised
    for who in (guidance_officer, reviewer, hc_admin, child_health_officer):
        client.force_login(who)
        response = client.get(f"/health/alerts/{alert.pk}/")
        assert response.status_code == 200
        body = response.content.decode()
        assert 'data-names="no"' in body
        assert body.count("data-case=") == 3
        assert not any(child.name in body for child in children)
        answer = client.get(f"/api/v1/health/alerts/{alert.pk}/")
        assert answer.status_code == 200
        cases = answer.json()["case_list"]
        assert [c["number"] for c in cases] == [1, 2, 3]
        assert all(c["name"] is None for c in cases)
        assert not any(child.name in answer.content.decode() for child in children)
        listing = client.get("/health/alerts/").content.decode()
        assert f'data-alert="{alert.pk}" data-alert-status="open"' in listing


def test_the_guidance_centre_follows_but_does_not_handle(raised, client, guidance_officer):
    alert, _children = raised
    client.force_login(guidance_officer)
    body = client.get(f"/health/alerts/{alert.pk}/").content.decode()
    assert 'data-testid="close-alert"' not in body
    assert client.post(f"/health/alerts/{alert.pk}/close/", {"close-note": "x"}).status_code == 403
    assert client.post(f"/api/v1/health/alerts/{alert.pk}/close/", {"note": "x"}).status_code == 403


def test_the_child_health_officer_closes_through_the_api_and_needs_a_note(
    raised, client, child_health_officer
):
    alert, _children = raised
    client.force_login(child_health_officer)
    url = f"/api/v1/health/alerts/{alert.pk}/close/"
    refused = client.post(url, {}, content_type="application/json")
    assert refused.status_code == 400
    assert "note" in refused.json()["errors"]
    closed = client.post(url, {"note": "疾控已流调"}, content_type="application/json")
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    again = client.post(f"/api/v1/health/alerts/{alert.pk}/acknowledge/", {}, content_type="application/json")
    assert again.status_code == 409


def test_another_institutions_alert_is_a_404(raised, client, other_operator, other_health_staff):
    alert, _children = raised
    for who in (other_operator, other_health_staff):
        client.force_login(who)
        assert client.get(f"/health/alerts/{alert.pk}/").status_code == 404
        assert client.post(f"/health/alerts/{alert.pk}/close/", {"close-note": "x"}).status_code == 404
        assert client.get(f"/api/v1/health/alerts/{alert.pk}/").status_code == 404
        assert client.post(f"/api/v1/health/alerts/{alert.pk}/acknowledge/").status_code == 404
        assert f'data-alert="{alert.pk}"' not in client.get("/health/alerts/").content.decode()
        assert client.get("/api/v1/health/alerts/").json()["count"] == 0
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_the_alert_list_and_page_take_a_fixed_number_of_queries(
    raised,
    client,
    reviewer,
    health_staff,
    health_institution,
    toddlers,  # noqa: F811
):
    alert, _children = raised
    client.force_login(reviewer)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    count("/health/alerts/")  # the session's first request reads more (the second factor, the menu)
    few_list, few_page = count("/health/alerts/"), count(f"/health/alerts/{alert.pk}/")
    few_api = count(f"/api/v1/health/alerts/{alert.pk}/")
    more = toddlers(3)
    record(health_staff, toddler_class(health_institution), [ill(c, "fever", "cough") for c in more])
    assert OutbreakAlert.objects.count() == 2
    assert alert.checks.count() == 6
    assert count("/health/alerts/") == few_list
    assert count(f"/health/alerts/{alert.pk}/") == few_page
    assert count(f"/api/v1/health/alerts/{alert.pk}/") == few_api


def test_a_wrong_status_filter_shows_no_alerts_not_an_error(raised, client, reviewer):
    client.force_login(reviewer)
    assert client.get("/health/alerts/?status=nonsense").status_code == 200
    assert client.get("/api/v1/health/alerts/?status=nonsense").status_code == 400
