"""Subsidies in a real browser (issue 15, SPEC §8): the commission's administrator runs a what-if that
raises the 托小班 rate to 1,000 元 and sees the period's total change, then proposes the period; the
institution's operator confirms its operating subsidy on a phone; the commission's reviewer reviews it
from the workspace; finance approves it and records the payment; the ledger shows the voucher.

Python seeds the district, Kaizhou's rules (the data file), the year's budget, a filed 普惠 institution
with three children in its 托小班 through the whole previous half year (recorded through bookings'
services), the open period and the four people, and reads the database back to check what the pages
claim. Labels are not asserted: values, data-testids, URLs and stored rows are. Chromium talks only to
the live server. Screenshots: test-results/browser/subsidies-*.png.
"""

from datetime import time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from stdnum.cn import uscc

from e2e.browser import DESKTOP, PHONE, Watch, open_context, path_of, screenshot, sign_in_with_password
from tuoyu.accounts.models import Role, User
from tuoyu.bookings.services import enrolment_record
from tuoyu.institutions.models import InstitutionMembership
from tuoyu.institutions.services import ClassSpec, FeeSpec, institution_create, institution_transition
from tuoyu.regions.models import Department, Unit
from tuoyu.regions.services import KAIZHOU_FILE, regions_load_file
from tuoyu.subsidies.demo import previous_half_year
from tuoyu.subsidies.models import Entitlement, Payment
from tuoyu.subsidies.services.budget import budget_set
from tuoyu.subsidies.services.periods import period_create
from tuoyu.subsidies.services.rules import subsidy_rules_load

NAME = "示例·补贴浏览器测试托育园"
PASSWORD = "a-long-subsidy-passphrase"
CLASS = "托小一班"
CHILDREN = ["示例·补甲", "示例·补乙", "示例·补丙"]
VOUCHER = "开财拨〔2026〕0815"
# Three children through six months: 3 × 800 × 6 / 12 under the rules, 3 × 1,000 × 6 / 12 in the what-if.
IN_FORCE = Decimal("1200.00")
WHAT_IF = Decimal("1500.00")


def _puhui_institution(filed_on):
    unit = Unit.objects.get(name="汉丰街道")
    stem = "91500154MA0001515"
    institution = institution_create(
        fields={
            "name": NAME,
            "type": "childcare",
            "ownership": "private_public_aid",
            "is_puhui": True,
            "registration_body": "enterprise",
            "uscc": stem + uscc.calc_check_digit(stem),
            "unit": unit,
            "address": "汉丰街道滨湖路15号",
            "phone": "023-52210015",
            "lat": unit.center_lat,
            "lng": unit.center_lng,
            "opens_at": time(7, 30),
            "closes_at": time(17, 30),
            "offers_full_day": True,
        },
        classes=[ClassSpec(CLASS, "toddler", 15, 0)],
        fees=[FeeSpec(service_type="full_day", amount=Decimal("1200"), price_type="market")],
    )
    return institution_transition(
        institution=institution, to_status="filed", filing_number="开州托备〔2025〕1515", on=filed_on
    )


@pytest.fixture
def subsidy_setup(transactional_db):
    """Rules, a budget, the 普惠 institution with three children through the period, the open period, and
    the commission's administrator and reviewer, finance and the operator."""
    regions_load_file(path=KAIZHOU_FILE)
    subsidy_rules_load()
    today = timezone.localdate()
    name, start, end = previous_half_year(today)
    commission = Department.objects.get(code="KZ-WJW")
    users = {}
    for username, role, display, department in (
        ("hcadmin-subsidy-e2e", Role.HC_ADMIN, "示例·卫健委管理员", commission),
        ("reviewer-subsidy-e2e", Role.HC_REVIEWER, "示例·卫健委审核员", commission),
        (
            "finance-subsidy-e2e",
            Role.DEPARTMENT_OFFICER,
            "示例·财政局经办",
            Department.objects.get(code="KZ-CZ"),
        ),
        ("operator-subsidy-e2e", Role.INSTITUTION_OPERATOR, "示例·周园长", None),
    ):
        users[role] = User.objects.create_user(
            username=username, password=PASSWORD, role=role, display_name=display, department=department
        )
    institution = _puhui_institution(start - timedelta(days=365))
    operator = users[Role.INSTITUTION_OPERATOR]
    InstitutionMembership.objects.create(institution=institution, user=operator)
    enrolled_on = start - timedelta(days=10)
    group = institution.classes.get(name=CLASS)
    for index, child in enumerate(CHILDREN):
        enrolment_record(
            institution=institution,
            by=operator,
            class_group=group,
            child_name=child,
            sex="M" if index % 2 == 0 else "F",
            birth_date=enrolled_on - timedelta(days=450 + index * 20),
            service_type="full_day",
            start_date=enrolled_on,
        )
    budget_set(year=end.year, amount=Decimal("500000.00"), by=users[Role.HC_ADMIN])
    period = period_create(name=name, start=start, end=end, by=users[Role.HC_ADMIN])
    return institution, period, users


def _press(page, selector: str) -> None:
    target = page.locator(selector)
    assert target.count() == 1, selector
    with page.expect_navigation(wait_until="load"):
        target.click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_what_if_then_the_period_proposed_confirmed_reviewed_approved_and_paid(
    subsidy_setup, live_server, chromium, output_dir
):
    institution, period, users = subsidy_setup
    for old in output_dir.glob("subsidies-*.png"):
        old.unlink()
    shots: list[Path] = []
    widths: dict[str, dict] = {}
    watch = Watch()
    base = live_server.url
    contexts = []

    def shot(page, name: str) -> None:
        path = output_dir / f"subsidies-{name}.png"
        screenshot(page, path)
        shots.append(path)
        widths[name] = page.evaluate(
            "() => ({page: document.documentElement.scrollWidth, screen: window.innerWidth})"
        )

    def signed_in(username: str, size: dict):
        context, page = open_context(chromium, size, watch)
        contexts.append(context)
        sign_in_with_password(page, base, username, PASSWORD)
        page.goto(f"{base}/", wait_until="load")
        return page

    try:
        # === 1. The administrator's what-if: 托小班 at 1,000 元, nothing saved =======================
        official = signed_in("hcadmin-subsidy-e2e", DESKTOP)
        _press(official, "nav.site-nav a[href='/subsidies/whatif/']")
        official.select_option("#id_period", str(period.pk))
        official.fill("#id_rate_toddler", "1000")
        _press(official, "form[data-testid=whatif-form] button[type=submit]")
        assert path_of(official) == "/subsidies/whatif/" and f"period={period.pk}" in official.url
        totals = official.get_by_test_id("totals")
        assert Decimal(totals.get_attribute("data-current")) == IN_FORCE
        assert Decimal(totals.get_attribute("data-whatif")) == WHAT_IF
        assert Decimal(totals.get_attribute("data-difference")) == WHAT_IF - IN_FORCE
        row = official.locator(f"[data-testid=institution-row][data-pk='{institution.pk}']")
        assert Decimal(row.get_attribute("data-difference")) == WHAT_IF - IN_FORCE
        shot(official, "desktop-01-whatif")
        assert not Entitlement.objects.exists(), "a what-if saved something"

        # === 2. … then proposes the period under the rules in force ===================================
        _press(official, "nav.site-nav a[href='/subsidies/periods/']")
        _press(
            official,
            f"[data-testid=period-row][data-pk='{period.pk}'] a[href='/subsidies/periods/{period.pk}/']",
        )
        _press(official, "[data-testid=propose]")
        assert official.get_by_test_id("period").get_attribute("data-status") == "proposed"
        entitlement = Entitlement.objects.get(period=period, institution=institution, kind="operating")
        assert (entitlement.status, entitlement.amount) == ("proposed", IN_FORCE)
        assert Decimal(official.get_by_test_id("totals").get_attribute("data-amount")) == IN_FORCE
        shot(official, "desktop-02-proposed")

        # === 3. The operator confirms it on a phone, after reading its lines ========================
        operator = signed_in("operator-subsidy-e2e", PHONE)
        _press(operator, "nav.site-nav a[href='/subsidies/mine/']")
        card = operator.locator(f"[data-testid=entitlement][data-entitlement='{entitlement.pk}']")
        assert card.get_attribute("data-status") == "proposed"
        _press(
            operator,
            f"[data-entitlement='{entitlement.pk}'] a[href='/subsidies/entitlements/{entitlement.pk}/']",
        )
        lines = operator.locator("[data-testid=line][data-kind=child]")
        assert lines.count() == len(CHILDREN)
        assert {lines.nth(i).get_attribute("data-months") for i in range(lines.count())} == {"6"}
        assert (
            sum(Decimal(lines.nth(i).get_attribute("data-amount")) for i in range(lines.count())) == IN_FORCE
        )
        shot(operator, "phone-03-explanation")
        _press(operator, "[data-testid=confirm]")
        entitlement.refresh_from_db()
        assert entitlement.status == "confirmed"

        # === 4. The commission's reviewer reviews it from the workspace ============================
        reviewer = signed_in("reviewer-subsidy-e2e", DESKTOP)
        _press(reviewer, "nav.site-nav a[href='/workspace/']")
        waiting = reviewer.locator(f"[data-testid=subsidies-to-review] [data-entitlement='{entitlement.pk}']")
        assert waiting.get_attribute("data-status") == "confirmed"
        _press(
            reviewer, f"[data-testid=subsidies-to-review] a[href='/subsidies/entitlements/{entitlement.pk}/']"
        )
        reviewer.locator("[data-testid=review-section] [name$=note]").fill("示例：在园记录已核对。")
        _press(reviewer, "[data-testid=review]")
        entitlement.refresh_from_db()
        assert entitlement.status == "reviewed"
        shot(reviewer, "desktop-04-reviewed")

        # === 5. Finance approves the amount as it is and records the payment ======================
        finance = signed_in("finance-subsidy-e2e", DESKTOP)
        _press(finance, "nav.site-nav a[href='/subsidies/approvals/']")
        queued = finance.locator(
            f"[data-testid=to-approve] [data-testid=queued][data-entitlement='{entitlement.pk}']"
        )
        assert Decimal(queued.get_attribute("data-amount")) == IN_FORCE
        _press(finance, f"[data-testid=to-approve] a[href='/subsidies/entitlements/{entitlement.pk}/']")
        # Finance cannot change the amount: the approval form has no amount field.
        assert finance.locator("[data-testid=approve-section] input[name=amount]").count() == 0
        _press(finance, "[data-testid=approve]")
        entitlement.refresh_from_db()
        assert entitlement.status == "approved"
        today = timezone.localdate()
        finance.fill("[data-testid=pay-section] input[name$=paid_on]", today.isoformat())
        finance.fill("[data-testid=pay-section] input[name$=voucher_number]", VOUCHER)
        _press(finance, "[data-testid=pay]")
        entitlement.refresh_from_db()
        assert entitlement.status == "paid"
        assert finance.get_by_test_id("payment").get_attribute("data-voucher") == VOUCHER

        # === 6. The ledger shows the payment with its voucher =====================================
        _press(finance, "nav.site-nav a[href='/subsidies/ledger/']")
        paid = finance.locator(f"[data-testid=payment][data-voucher='{VOUCHER}']")
        assert paid.is_visible() and VOUCHER in paid.inner_text()
        assert Decimal(paid.get_attribute("data-amount")) == IN_FORCE
        shot(finance, "desktop-05-ledger")
    finally:
        for context in contexts:
            context.close()

    payment = Payment.objects.get(entitlement=entitlement)
    assert (payment.amount, payment.voucher_number, payment.paid_on) == (IN_FORCE, VOUCHER, today)
    assert payment.recorded_by == users[Role.DEPARTMENT_OFFICER]
    events = list(entitlement.events.order_by("at", "id").values_list("to_status", "by__username"))
    assert [s for s, _by in events] == ["proposed", "confirmed", "reviewed", "approved", "paid"]
    for path in shots:
        assert path.stat().st_size > 0, path
    too_wide = {name: w for name, w in widths.items() if w["page"] > w["screen"]}
    assert not too_wide, too_wide
    assert watch.page_errors == [] and watch.console_errors == [] and watch.bad_responses == [], watch


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_operator_s_subsidy_pages_have_no_accessibility_violations(subsidy_setup, live_server, chromium):
    """The accessibility walk (e2e/test_accessibility.py) for the pages an operator answers on a phone:
    the list, a proposed entitlement with its answer forms, and the ledger, in normal and large text."""
    from e2e.test_accessibility import _violations
    from tuoyu.subsidies.services.periods import period_propose

    institution, period, users = subsidy_setup
    period_propose(period=period, by=users[Role.HC_ADMIN])
    entitlement = Entitlement.objects.get(period=period, institution=institution, kind="operating")
    paths = ["/subsidies/mine/", f"/subsidies/entitlements/{entitlement.pk}/", "/subsidies/ledger/"]
    found = {}
    for large_text in (False, True):
        # axe is injected as an inline script, which the Content-Security-Policy (rightly) forbids.
        context = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", bypass_csp=True, **PHONE)
        context.route("**/*", Watch().keep_local)
        if large_text:
            context.add_cookies([{"name": "tuoyu_large_text", "value": "1", "url": live_server.url}])
        page = context.new_page()
        sign_in_with_password(page, live_server.url, "operator-subsidy-e2e", PASSWORD)
        for path in paths:
            page.goto(live_server.url + path, wait_until="load")
            assert path_of(page) == path
            if problems := _violations(page):
                found[f"{'large' if large_text else 'normal'} {path}"] = problems
        context.close()
    assert found == {}, found
