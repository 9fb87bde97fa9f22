"""Child health in a real browser (issue 14, SPEC §10): the institution's health staff record the morning
check of a class on a phone with three feverish children; the outbreak alert appears for the commission's
child-health officer, with the children numbered and not named; a guardian opens their child's record,
sees the growth chart drawn over the WHO curves, and sees that the health staff looked at the record.

Python seeds the district, the outbreak rules (the data file), the institution, its people and four
enrolled children through the services, and reads the database back to check what the pages claim.
Labels are not asserted: values, data-testids, URLs and stored rows are. Chromium talks only to the live
server. Screenshots: test-results/browser/health-*.png.
"""

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from e2e.browser import PHONE, Watch, open_context, path_of, screenshot, sign_in_with_password
from e2e.seed import filed_institution
from tuoyu.accounts.models import AccessKind, AccessLog, Role, User
from tuoyu.bookings.services import enrolment_record
from tuoyu.core.models import OutboxMessage
from tuoyu.health import services
from tuoyu.health.models import HealthRecord, OutbreakAlert
from tuoyu.institutions.models import InstitutionMembership
from tuoyu.institutions.services import ClassSpec
from tuoyu.regions.services import KAIZHOU_FILE, regions_load_file

NAME = "示例·健康浏览器测试托育园"
PASSWORD = "a-long-health-passphrase"
CLASS = "托小一班"
GUARDIAN_MOBILE = "13800001414"
CHILDREN = ["示例·甲宝", "示例·乙宝", "示例·丙宝", "示例·丁宝"]


@pytest.fixture
def health_setup(transactional_db):
    """A filed institution with a 托小班 of four children, its operator and health staff, a child-health
    officer, the guardian of the first child, and two earlier measurements of that child."""
    regions_load_file(path=KAIZHOU_FILE)
    services.outbreak_rules_load()
    institution = filed_institution(
        name=NAME,
        credit_stem="91500154MA0001414",
        filing_number="开州托备〔2025〕1414",
        house_number=14,
        classes=[ClassSpec(CLASS, "toddler", 15, 0)],
    )
    users = {}
    for username, role, display in (
        ("operator-health-e2e", Role.INSTITUTION_OPERATOR, "示例·钱园长"),
        ("health-e2e", Role.INSTITUTION_HEALTH, "示例·孙保健"),
        ("child-health-e2e", Role.HC_CHILD_HEALTH, "示例·妇幼健康科"),
    ):
        users[role] = User.objects.create_user(
            username=username, password=PASSWORD, role=role, display_name=display
        )
    for role in (Role.INSTITUTION_OPERATOR, Role.INSTITUTION_HEALTH):
        InstitutionMembership.objects.create(institution=institution, user=users[role])
    guardian = User.objects.create_user(
        username=GUARDIAN_MOBILE, phone=GUARDIAN_MOBILE, role=Role.FAMILY, display_name="示例·甲宝妈妈"
    )
    today = timezone.localdate()
    group = institution.classes.get(name=CLASS)
    enrolments = [
        enrolment_record(
            institution=institution,
            by=users[Role.INSTITUTION_OPERATOR],
            class_group=group,
            child_name=name,
            sex="M" if index % 2 == 0 else "F",
            birth_date=today - timedelta(days=540 + index * 20),
            service_type="full_day",
            start_date=today,
        )
        for index, name in enumerate(CHILDREN)
    ]
    first = enrolments[0].child
    first.family = guardian
    first.save(update_fields=["family"])
    record = HealthRecord.objects.get(child=first)
    for days_ago, weight, length in ((120, "9.4", "76.0"), (30, "10.2", "79.5")):
        services.measurement_record(
            record=record,
            by=users[Role.INSTITUTION_HEALTH],
            measured_on=today - timedelta(days=days_ago),
            weight_kg=Decimal(weight),
            length_cm=Decimal(length),
            lying=True,
        )
    return institution, group, enrolments, record, users


def _press(page, selector: str) -> None:
    target = page.locator(selector)
    assert target.count() == 1, selector
    with page.expect_navigation(wait_until="load"):
        target.tap()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_fever_cluster_at_the_morning_check_alerts_the_commission_and_a_guardian_sees_the_chart(
    health_setup, live_server, chromium, output_dir
):
    institution, group, enrolments, record, users = health_setup
    for old in output_dir.glob("health-*.png"):
        old.unlink()
    shots: list[Path] = []
    widths: dict[str, dict] = {}
    watch = Watch()
    base = live_server.url
    contexts = []

    def shot(page, name: str) -> None:
        path = output_dir / f"health-{name}.png"
        screenshot(page, path)
        shots.append(path)
        widths[name] = page.evaluate(
            "() => ({page: document.documentElement.scrollWidth, screen: window.innerWidth})"
        )

    try:
        # === 1. The health staff open the class's morning check from the menu, on a phone ============
        context, staff = open_context(chromium, PHONE, watch)
        contexts.append(context)
        sign_in_with_password(staff, base, "health-e2e", PASSWORD)
        staff.goto(f"{base}/", wait_until="load")
        _press(staff, "nav.site-nav a[href='/health/checks/']")
        card = staff.locator(f"[data-testid=check-class][data-class='{group.pk}']")
        assert card.get_attribute("data-morning-done") == "no"
        with staff.expect_navigation(wait_until="load"):
            card.get_by_test_id("morning-sheet").tap()
        assert path_of(staff) == f"/health/checks/{group.pk}/"
        assert staff.get_attribute("html", "lang") == "zh-hans"

        # === 2. Three children are ill with fever, the fourth is present =============================
        feverish = [e.child for e in enrolments[:3]]
        for child in feverish:
            staff.locator(f"input[name='att-{child.pk}'][value='ill']").check()
            staff.locator(f"input[name='sym-{child.pk}'][value='fever']").check()
            staff.locator(f"input[name='temp-{child.pk}']").fill("38.6")
        staff.locator(f"input[name='att-{enrolments[3].child.pk}'][value='present']").check()
        shot(staff, "phone-01-check-sheet")
        _press(staff, "[data-testid=save-checks]")
        alert = OutbreakAlert.objects.get(class_group=group)
        assert (alert.symptom, alert.cases, alert.status) == ("fever", 3, "open")
        assert staff.locator(f"[data-testid=class-alert][data-alert='{alert.pk}']").count() == 1
        shot(staff, "phone-02-alert-raised")
        # The health staff open the guardian's child's record (a read the guardian will see).
        staff.goto(f"{base}/health/records/{record.pk}/", wait_until="load")
        assert staff.get_by_test_id("growth").is_visible()

        # === 3. The child-health officer sees the alert, the children numbered, no names =============
        context, officer = open_context(chromium, PHONE, watch)
        contexts.append(context)
        sign_in_with_password(officer, base, "child-health-e2e", PASSWORD)
        officer.goto(f"{base}/", wait_until="load")
        _press(officer, "nav.site-nav a[href='/health/alerts/']")
        listed = officer.locator(f"[data-testid=alert][data-alert='{alert.pk}']")
        assert listed.get_attribute("data-alert-status") == "open"
        with officer.expect_navigation(wait_until="load"):
            listed.locator(f"a[href='/health/alerts/{alert.pk}/']").tap()
        detail = officer.locator("dl[data-testid=alert]")
        assert detail.get_attribute("data-names") == "no"
        assert officer.get_by_test_id("alert-cases").get_attribute("data-cases") == "3"
        assert officer.locator("tr[data-case]").count() == 3
        page = officer.content()
        for child in feverish:
            assert child.name not in page
        shot(officer, "phone-03-officer-alert")

        # === 4. The guardian signs in with the SMS code and opens the child's record ==================
        context, guardian = open_context(chromium, PHONE, watch)
        contexts.append(context)
        guardian.goto(f"{base}/accounts/login/phone/", wait_until="load")
        guardian.fill("#id_phone", GUARDIAN_MOBILE)
        _press(guardian, "main form button[type=submit]")
        sms = OutboxMessage.objects.filter(channel="sms", recipient=GUARDIAN_MOBILE).latest("pk")
        code = re.findall(r"(?<!\d)\d{6}(?!\d)", sms.body)
        assert len(code) == 1, sms.body
        guardian.fill("#id_code", code[0])
        _press(guardian, "main form:has(input[name=code]) button[type=submit]")
        _press(guardian, "nav.site-nav a[href='/health/my/']")
        card = guardian.locator(f"[data-testid=family-record][data-pk='{record.pk}']")
        assert card.count() == 1
        with guardian.expect_navigation(wait_until="load"):
            card.locator(f"h2 a[href='/health/records/{record.pk}/']").tap()
        chart = guardian.locator("[data-chart='wfa']")
        chart.locator("canvas").first.wait_for(state="attached")
        assert chart.is_visible() and chart.locator("canvas").count() >= 1
        assert guardian.locator("[data-testid=growth-table] tr[data-measurement]").count() == 2
        guardian.locator("#growth").scroll_into_view_if_needed()
        shot(guardian, "phone-04-growth-chart")

        # === 5. … and who looked at it: the health staff, with their role ============================
        guardian.goto(f"{base}/health/records/{record.pk}/access/", wait_until="load")
        rows = guardian.locator("[data-testid=record-access]")
        roles = {rows.nth(i).get_attribute("data-role") for i in range(rows.count())}
        assert Role.INSTITUTION_HEALTH in roles, roles
        assert "示例·孙保健" in guardian.get_by_test_id("record-accesses").inner_text()
        shot(guardian, "phone-05-who-looked")
    finally:
        for context in contexts:
            context.close()

    reads = AccessLog.objects.filter(kind=AccessKind.HEALTH_RECORD, object_id=str(record.pk))
    assert reads.filter(user=users[Role.INSTITUTION_HEALTH]).exists()
    assert reads.filter(user__role=Role.FAMILY).exists()
    for path in shots:
        assert path.stat().st_size > 0, path
    too_wide = {name: w for name, w in widths.items() if w["page"] > w["screen"]}
    assert not too_wide, too_wide
    assert watch.page_errors == [] and watch.console_errors == [] and watch.bad_responses == [], watch
