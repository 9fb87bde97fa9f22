"""Morning and midday checks: the service records a class's sheet and applies the outbreak rule (an alert
and outbox messages to each recipient group, never a child's name outside the institution), refuses wrong
sheets storing nothing, and admits only the class's own health staff; the pages and the API over it; the
sheet page's queries do not grow with the children."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuoyu.bookings.models import Enrolment
from tuoyu.core.models import OutboxMessage
from tuoyu.core.workdays import beijing_today
from tuoyu.health import services
from tuoyu.health.models import AlertEvent, AlertStatus, DailyCheck, OutbreakAlert
from tuoyu.health.services.rules import outbreak_rules_load

PHONES = {
    "health_staff": "13700000001",
    "operator": "13700000002",
    "hc_admin": "13700000003",
    "reviewer": "13700000004",
    "child_health_officer": "13700000005",
    "guidance_officer": "13700000006",
    "other_operator": "13700000007",
}
INSIDE = ("health_staff", "operator")
OUTSIDE = ("hc_admin", "reviewer", "child_health_officer", "guidance_officer")


@pytest.fixture
def outbreak_rules(db):
    outbreak_rules_load()


@pytest.fixture
def hc_admin(kaizhou):
    from tuoyu.accounts.models import User

    return User.objects.create_user(username="hc-admin", password="correct-horse-battery", role="hc_admin")


@pytest.fixture
def recipients(
    health_staff, operator, hc_admin, reviewer, child_health_officer, guidance_officer, other_operator
):
    """Everyone an alert may reach, each with a mobile number so the outbox has a row per person."""
    people = {
        "health_staff": health_staff,
        "operator": operator,
        "hc_admin": hc_admin,
        "reviewer": reviewer,
        "child_health_officer": child_health_officer,
        "guidance_officer": guidance_officer,
        "other_operator": other_operator,
    }
    for key, user in people.items():
        user.phone = PHONES[key]
        user.save(update_fields=["phone"])
    return people


@pytest.fixture
def toddlers(health_institution, enrol):
    """toddlers(n, class_name="托小一班") -> [Child]: n children enrolled since ten days ago, so a check of
    an earlier day of the week finds them enrolled."""

    def make(n, class_name="托小一班"):
        months = 30 if class_name == "托大一班" else 18
        children = [enrol(health_institution, class_name, months=months).child for _ in range(n)]
        Enrolment.objects.filter(child__in=children).update(start_date=beijing_today() - timedelta(days=10))
        return children

    return make


def toddler_class(institution, name="托小一班"):
    return institution.classes.get(name=name)


def ill(child, *symptoms, temperature=None):
    return {
        "child_id": child.pk,
        "attendance": "ill",
        "symptoms": list(symptoms or ["fever"]),
        "temperature": temperature,
    }


def present(child):
    return {"child_id": child.pk, "attendance": "present"}


def record(by, class_group, entries, *, day=None, session="morning"):
    return services.checks_record(
        class_group=class_group, day=day or beijing_today(), session=session, by=by, entries=entries
    )


# --- the outbreak rule through the service ------------------------------------------------------------


def test_three_feverish_children_raise_one_alert_told_to_each_group_without_names_outside(
    outbreak_rules, recipients, health_institution, toddlers
):
    children = toddlers(4)
    group = toddler_class(health_institution)
    result = record(
        recipients["health_staff"], group, [ill(c) for c in children[:3]] + [present(children[3])]
    )

    assert DailyCheck.objects.count() == 4
    (alert,) = OutbreakAlert.objects.all()
    assert result.raised == [alert]
    assert (alert.class_group, alert.symptom, alert.status, alert.cases) == (group, "fever", "open", 3)
    assert alert.rule.code == "same-day-3"
    assert alert.first_day == alert.last_day == beijing_today()
    assert set(alert.checks.values_list("child_id", flat=True)) == {c.pk for c in children[:3]}
    assert AlertEvent.objects.filter(alert=alert, to_status=AlertStatus.OPEN).count() == 1

    messages = {m.recipient: m.body for m in OutboxMessage.objects.all()}
    names = [c.name for c in children[:3]]
    for key in INSIDE:
        body = messages[PHONES[key]]
        assert all(name in body for name in names), key
    for key in OUTSIDE:
        body = messages[PHONES[key]]
        assert health_institution.name in body and group.name in body
        assert not any(name in body for name in names), key
        assert "3" in body
    assert PHONES["other_operator"] not in messages  # another institution's operator is not told


def test_a_fourth_child_the_next_day_extends_the_open_alert_without_telling_anyone_again(
    outbreak_rules, recipients, health_institution, toddlers
):
    children = toddlers(4)
    group = toddler_class(health_institution)
    today = beijing_today()
    record(recipients["health_staff"], group, [ill(c) for c in children[:3]], day=today - timedelta(days=1))
    (alert,) = OutbreakAlert.objects.all()
    told = OutboxMessage.objects.count()

    result = record(recipients["health_staff"], group, [ill(children[3])], day=today)

    alert.refresh_from_db()
    assert result.extended == [alert] and result.raised == []
    assert OutbreakAlert.objects.count() == 1
    assert alert.cases == 4
    assert (alert.first_day, alert.last_day) == (today - timedelta(days=1), today)
    assert alert.checks.count() == 4
    assert OutboxMessage.objects.count() == told


def test_two_feverish_children_raise_nothing(outbreak_rules, recipients, health_institution, toddlers):
    children = toddlers(3)
    record(
        recipients["health_staff"], toddler_class(health_institution), [ill(children[0]), ill(children[1])]
    )
    assert not OutbreakAlert.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_a_child_absent_for_illness_counts_toward_the_alert(
    outbreak_rules, recipients, health_institution, toddlers
):
    a, b, c = toddlers(3)
    absent = {"child_id": c.pk, "attendance": "absent", "absence_reason": "illness", "symptoms": ["fever"]}
    record(recipients["health_staff"], toddler_class(health_institution), [ill(a), ill(b), absent])
    assert OutbreakAlert.objects.get().cases == 3


def test_a_child_absent_for_personal_reasons_does_not_count(
    outbreak_rules, recipients, health_institution, toddlers
):
    a, b, c = toddlers(3)
    absent = {"child_id": c.pk, "attendance": "absent", "absence_reason": "personal"}
    record(recipients["health_staff"], toddler_class(health_institution), [ill(a), ill(b), absent])
    assert not OutbreakAlert.objects.exists()


def test_the_morning_and_midday_check_of_the_same_children_count_them_once(
    outbreak_rules, recipients, health_institution, toddlers
):
    a, b, _c = toddlers(3)
    group = toddler_class(health_institution)
    record(recipients["health_staff"], group, [ill(a), ill(b)], session="morning")
    record(recipients["health_staff"], group, [ill(a), ill(b)], session="midday")
    assert DailyCheck.objects.count() == 4
    assert not OutbreakAlert.objects.exists()


def test_five_children_over_three_days_raise_the_three_day_rule(
    outbreak_rules, recipients, health_institution, toddlers
):
    children = toddlers(5)
    group = toddler_class(health_institution)
    today = beijing_today()
    staff = recipients["health_staff"]
    record(staff, group, [ill(children[0]), ill(children[1])], day=today - timedelta(days=2))
    record(staff, group, [ill(children[2]), ill(children[3])], day=today - timedelta(days=1))
    assert not OutbreakAlert.objects.exists()
    record(staff, group, [ill(children[4])], day=today)
    alert = OutbreakAlert.objects.get()
    assert (alert.rule.code, alert.cases, alert.first_day) == ("three-days-5", 5, today - timedelta(days=2))


def test_cases_in_two_classes_are_counted_per_class(outbreak_rules, recipients, health_institution, toddlers):
    small = toddlers(2, "托小一班")
    big = toddlers(2, "托大一班")
    staff = recipients["health_staff"]
    record(staff, toddler_class(health_institution), [ill(c) for c in small])
    record(staff, toddler_class(health_institution, "托大一班"), [ill(c) for c in big])
    assert not OutbreakAlert.objects.exists()


def test_different_symptoms_do_not_add_up(outbreak_rules, recipients, health_institution, toddlers):
    a, b, c = toddlers(3)
    group = toddler_class(health_institution)
    record(recipients["health_staff"], group, [ill(a, "fever"), ill(b, "cough"), ill(c, "rash")])
    assert not OutbreakAlert.objects.exists()


def test_saving_the_same_sheet_again_after_the_alert_is_closed_raises_nothing(
    outbreak_rules, recipients, health_institution, toddlers
):
    children = toddlers(4)
    group = toddler_class(health_institution)
    staff = recipients["health_staff"]
    record(staff, group, [ill(c) for c in children[:3]])
    alert = OutbreakAlert.objects.get()
    services.alert_close(alert=alert, by=staff, note="已上报疾控中心，班级消毒")
    record(staff, group, [ill(c) for c in children[:3]], session="midday")
    assert OutbreakAlert.objects.count() == 1
    # Three new children the same day are a new cluster: a new alert.
    more = toddlers(3)
    record(staff, group, [ill(c) for c in more], session="midday")
    assert OutbreakAlert.objects.exclude(status="closed").get().cases == 3


def test_a_check_recorded_again_is_corrected_not_doubled(
    outbreak_rules, recipients, health_institution, toddlers
):
    (child,) = toddlers(1)
    group = toddler_class(health_institution)
    record(recipients["health_staff"], group, [ill(child, temperature="38.5")])
    record(recipients["health_staff"], group, [present(child)])
    check = DailyCheck.objects.get()
    assert (check.attendance, check.symptoms, check.temperature) == ("present", [], None)


# --- wrong sheets store nothing --------------------------------------------------------------------------


WRONG_SHEETS = [
    "future day",
    "too old",
    "another class",
    "ill without symptom",
    "absent without reason",
    "bad temperature",
]


def test_a_wrong_sheet_is_refused_with_a_message_and_nothing_stored(
    outbreak_rules, recipients, health_institution, toddlers
):
    a, b = toddlers(2)
    (elsewhere,) = toddlers(1, "托大一班")
    today = beijing_today()
    for case in WRONG_SHEETS:
        day, entries = today, [present(a), ill(b)]
        if case == "future day":
            day = today + timedelta(days=1)
        elif case == "too old":
            day = today - timedelta(days=8)
        elif case == "another class":
            entries = [present(a), present(elsewhere)]
        elif case == "ill without symptom":
            entries = [present(a), {"child_id": b.pk, "attendance": "ill", "symptoms": []}]
        elif case == "absent without reason":
            entries = [present(a), {"child_id": b.pk, "attendance": "absent"}]
        elif case == "bad temperature":
            entries = [present(a), ill(b, temperature="52")]
        with pytest.raises(ValidationError) as refused:
            record(recipients["health_staff"], toddler_class(health_institution), entries, day=day)
        assert refused.value.message_dict, case
        assert not DailyCheck.objects.exists(), case


def test_a_child_not_yet_enrolled_on_the_day_is_refused(
    outbreak_rules, health_staff, health_institution, enrol
):
    child = enrol(health_institution).child  # enrolled from today
    with pytest.raises(ValidationError):
        record(
            health_staff,
            toddler_class(health_institution),
            [present(child)],
            day=beijing_today() - timedelta(days=1),
        )
    assert not DailyCheck.objects.exists()


def test_only_the_institutions_own_health_staff_record_checks(
    outbreak_rules, health_institution, toddlers, other_health_staff, operator, child_health_officer
):
    (child,) = toddlers(1)
    for who in (other_health_staff, operator, child_health_officer):
        with pytest.raises(PermissionDenied):
            record(who, toddler_class(health_institution), [present(child)])
    assert not DailyCheck.objects.exists()


# --- pages ---------------------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client, health_staff):
    client.force_login(health_staff)
    return client


def test_the_checks_page_lists_the_classes_with_todays_checks_done_or_not(
    outbreak_rules, staff_client, health_staff, health_institution, toddlers
):
    children = toddlers(2)
    group = toddler_class(health_institution)
    record(health_staff, group, [present(c) for c in children])
    body = staff_client.get("/health/checks/").content.decode()
    assert f'data-class="{group.pk}" data-morning-done="yes" data-midday-done="no"' in body
    big = toddler_class(health_institution, "托大一班")
    assert f'data-class="{big.pk}" data-morning-done="no"' in body


def _sheet_post(children, **overrides) -> dict:
    data = {}
    for child in children:
        data[f"att-{child.pk}"] = "present"
    data.update(overrides)
    return data


def test_the_sheet_saves_every_child_at_once_and_links_the_alert_it_raised(
    outbreak_rules, staff_client, health_institution, toddlers
):
    children = toddlers(4)
    group = toddler_class(health_institution)
    url = f"/health/checks/{group.pk}/"
    assert staff_client.get(url).status_code == 200
    data = _sheet_post(children)
    for child in children[:3]:
        data[f"att-{child.pk}"] = "ill"
        data[f"sym-{child.pk}"] = ["fever", "cough"]
        data[f"temp-{child.pk}"] = "38.6"
    data[f"sym-{children[3].pk}"] = ["rash"]  # ticked, then marked present: left out
    response = staff_client.post(
        f"{url}?day={beijing_today().isoformat()}&session=morning", data, follow=True
    )
    assert response.status_code == 200
    assert DailyCheck.objects.count() == 4
    assert DailyCheck.objects.get(child=children[3]).symptoms == []
    alerts = OutbreakAlert.objects.order_by("symptom")
    assert [a.symptom for a in alerts] == ["cough", "fever"]
    body = response.content.decode()
    for alert in alerts:
        assert f'href="/health/alerts/{alert.pk}/"' in body
        assert f'data-alert="{alert.pk}" data-alert-status="open"' in body


def test_a_wrong_row_on_the_sheet_is_a_400_and_nothing_stored(
    outbreak_rules, staff_client, health_institution, toddlers
):
    children = toddlers(2)
    group = toddler_class(health_institution)
    data = _sheet_post(children, **{f"att-{children[0].pk}": "ill"})  # ill, no symptom
    response = staff_client.post(f"/health/checks/{group.pk}/", data)
    assert response.status_code == 400
    assert 'data-testid="sheet-errors"' in response.content.decode()
    assert not DailyCheck.objects.exists()


def test_a_wrong_day_or_check_in_the_query_is_a_400_not_a_500(staff_client, health_institution):
    group = toddler_class(health_institution)
    for query in ["day=2026-13-45", "day=yesterday", "session=evening", "day=2999-01-01"]:
        assert staff_client.get(f"/health/checks/{group.pk}/?{query}").status_code == 400, query
        assert staff_client.post(f"/health/checks/{group.pk}/?{query}", {}).status_code == 400, query


def test_another_institutions_class_is_a_404(client, other_health_staff, health_institution):
    client.force_login(other_health_staff)
    group = toddler_class(health_institution)
    assert client.get(f"/health/checks/{group.pk}/").status_code == 404


def test_the_operator_may_not_open_the_check_pages(client, operator, health_institution):
    client.force_login(operator)
    assert client.get("/health/checks/").status_code == 403
    assert client.get(f"/health/checks/{toddler_class(health_institution).pk}/").status_code == 403


def _sheet_queries(client, group) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/health/checks/{group.pk}/?session=midday")
    assert response.status_code == 200
    return len(queries)


def test_the_sheet_page_takes_a_fixed_number_of_queries_whatever_the_children(
    outbreak_rules, staff_client, health_staff, health_institution, toddlers
):
    group = toddler_class(health_institution)
    children = toddlers(2)
    record(health_staff, group, [ill(c) for c in children])
    _sheet_queries(staff_client, group)  # the session's first request reads more (the second factor)
    few = _sheet_queries(staff_client, group)
    more = toddlers(4)
    record(health_staff, group, [ill(c) for c in more[:1]] + [present(c) for c in more[1:]])
    record(health_staff, group, [present(c) for c in children + more], session="midday")
    assert OutbreakAlert.objects.exists()
    assert _sheet_queries(staff_client, group) == few


def test_the_checks_page_takes_a_fixed_number_of_queries_whatever_the_children(
    outbreak_rules, staff_client, health_institution, toddlers
):
    toddlers(2)
    staff_client.get("/health/checks/")
    with CaptureQueriesContext(connection) as few:
        staff_client.get("/health/checks/")
    toddlers(4, "托大一班")
    with CaptureQueriesContext(connection) as more:
        staff_client.get("/health/checks/")
    assert len(more) == len(few)


# --- API -----------------------------------------------------------------------------------------------


def test_the_api_reads_and_saves_a_class_sheet(outbreak_rules, staff_client, health_institution, toddlers):
    children = toddlers(3)
    group = toddler_class(health_institution)
    url = f"/api/v1/health/classes/{group.pk}/checks/?session=morning"
    answer = staff_client.get(url)
    assert answer.status_code == 200
    assert [row["child"] for row in answer.json()["rows"]] == sorted(
        (c.pk for c in children), key=lambda pk: next(c.name for c in children if c.pk == pk)
    )
    assert not any(row["checked"] for row in answer.json()["rows"])
    entries = [{"child": c.pk, "attendance": "ill", "symptoms": ["diarrhoea"]} for c in children]
    saved = staff_client.post(url, {"entries": entries}, content_type="application/json")
    assert saved.status_code == 200, saved.content
    alert = OutbreakAlert.objects.get()
    assert saved.json()["raised_alerts"] == [alert.pk]
    assert all(row["checked"] and row["symptoms"] == ["diarrhoea"] for row in saved.json()["rows"])


def test_the_api_refuses_a_wrong_sheet_with_a_400_and_stores_nothing(
    outbreak_rules, staff_client, health_institution, toddlers
):
    (child,) = toddlers(1)
    group = toddler_class(health_institution)
    url = f"/api/v1/health/classes/{group.pk}/checks/"
    answer = staff_client.post(
        url, {"entries": [{"child": child.pk, "attendance": "ill"}]}, content_type="application/json"
    )
    assert answer.status_code == 400
    assert "entries" in answer.json()["errors"]
    assert staff_client.get(f"{url}?day=not-a-day").status_code == 400
    assert staff_client.get(f"{url}?day=2999-01-01").status_code == 400
    assert not DailyCheck.objects.exists()


def test_the_api_hides_another_institutions_class(client, other_health_staff, health_institution):
    client.force_login(other_health_staff)
    group = toddler_class(health_institution)
    assert client.get(f"/api/v1/health/classes/{group.pk}/checks/").status_code == 404
