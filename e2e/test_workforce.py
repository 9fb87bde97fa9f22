"""The workforce in a real browser (issue 13, SPEC §9): an operator, on a phone, adds two carers with
their certificates (a scanned PNG each), assigns them to the 托小班 of 9 children, which needs two carers
at 1:5, and sees the ratio met and every carer certified; an anonymous visitor then finds the certified
rate and the met ratio on the institution's public page, without a name.

Python seeds the district, the workforce rules (the data files), the institution and its operator through
the services, and reads the database back to check what the pages claim. Labels are not asserted (their
translations are being written): values, data-testids, element ids, URLs and stored rows are. Chromium
talks only to the live server. Screenshots: test-results/browser/workforce-*.png.
"""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image

from e2e.browser import PHONE, Watch, open_context, path_of, screenshot, sign_in_with_password
from e2e.seed import filed_institution
from tuoyu.accounts.models import Role, User
from tuoyu.core.crypto import blind_index
from tuoyu.institutions.models import InstitutionMembership
from tuoyu.institutions.services import ClassSpec
from tuoyu.regions.services import KAIZHOU_FILE, regions_load_file
from tuoyu.workforce.demo import demo_id_number
from tuoyu.workforce.models import CertificateKind, StaffMember
from tuoyu.workforce.services.rules import workforce_rules_load_files

NAME = "示例·人才队伍浏览器测试托育园"
PASSWORD = "a-long-workforce-passphrase"
OPERATOR = "operator-workforce-e2e"
CLASS = "托小一班"
# (name, ID number, mobile, certificate kind, certificate number)
CARERS = [
    ("示例·李保育", demo_id_number(801), "13900000801", "baoyushi-4", "示例BYS0801"),
    ("示例·王育婴", demo_id_number(802), "13900000802", "yuyingyuan-5", "示例YYY0802"),
]


@pytest.fixture
def workforce_setup(transactional_db, settings, tmp_path):
    """The district, the workforce rules, a filed institution with a 托小班 of 9 children (1:5, so two
    carers) and its operator; uploads go to tmp_path."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    regions_load_file(path=KAIZHOU_FILE)
    workforce_rules_load_files()
    institution = filed_institution(
        name=NAME,
        credit_stem="91500154MA0001313",
        filing_number="开州托备〔2025〕1313",
        house_number=13,
        classes=[ClassSpec(CLASS, "toddler", 15, 9)],
    )
    operator = User.objects.create_user(
        username=OPERATOR, password=PASSWORD, role=Role.INSTITUTION_OPERATOR, display_name="示例·赵园长"
    )
    InstitutionMembership.objects.create(institution=institution, user=operator)
    scan = tmp_path / "certificate.png"
    Image.new("RGB", (600, 420), (250, 240, 210)).save(scan, format="PNG")
    return institution, scan


def _press(page, selector: str) -> None:
    """Tap a submit button or link and wait for the page that answers."""
    target = page.locator(selector)
    assert target.count() == 1, selector
    with page.expect_navigation(wait_until="load"):
        target.tap()


def _phone_page(page, name: str, widths: dict) -> None:
    """A phone page in Chinese that does not scroll sideways."""
    assert page.get_attribute("html", "lang") == "zh-hans", name
    widths[name] = page.evaluate(
        "() => ({page: document.documentElement.scrollWidth, screen: window.innerWidth})"
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_operator_staffs_a_class_on_a_phone_and_the_public_page_shows_the_certified_rate(
    workforce_setup, live_server, chromium, output_dir
):
    institution, scan = workforce_setup
    group = institution.classes.get(name=CLASS)
    kinds = {k.code: k.pk for k in CertificateKind.objects.all()}
    today = timezone.localdate()
    for old in output_dir.glob("workforce-*.png"):
        old.unlink()
    shots: list[Path] = []
    widths: dict[str, dict] = {}
    watch = Watch()
    base = live_server.url
    contexts = []

    def shot(page, name: str) -> None:
        path = output_dir / f"workforce-{name}.png"
        screenshot(page, path)
        shots.append(path)

    try:
        # === 1. The operator opens the staff page: the class needs two carers and has none ==============
        context, phone = open_context(chromium, PHONE, watch)
        contexts.append(context)
        sign_in_with_password(phone, base, OPERATOR, PASSWORD)
        phone.goto(f"{base}/", wait_until="load")
        _press(phone, "nav.site-nav a[href='/workforce/staff/']")  # 我们的员工 in the operator's menu
        assert path_of(phone) == "/workforce/staff/"
        ratio = phone.locator(f"[data-testid=class-ratio][data-class='{group.pk}']")
        assert (ratio.get_attribute("data-needed"), ratio.get_attribute("data-met")) == ("2", "no")
        assert phone.get_by_test_id("staffing-panel").get_attribute("data-all-met") == "no"
        _phone_page(phone, "staff-empty", widths)
        shot(phone, "phone-01-no-staff")

        # === 2. Two carers, each with a certificate and its scan, each assigned to the class ============
        for index, (name, number, mobile, kind, certificate) in enumerate(CARERS, start=1):
            _press(phone, "[data-testid=add-staff]")
            assert path_of(phone) == "/workforce/staff/new/"
            form = phone.get_by_test_id("staff-form")
            form.locator("#id_name").fill(name)
            form.locator("#id_id_number").fill(number)
            form.locator("#id_mobile").fill(mobile)
            form.locator("#id_post").select_option("carer")
            form.locator("#id_employment").select_option("full_time")
            form.locator("#id_started_on").fill((today - timedelta(days=60)).isoformat())
            form.locator("#id_background_checked_on").fill((today - timedelta(days=70)).isoformat())
            form.locator("#id_health_checked_on").fill((today - timedelta(days=65)).isoformat())
            _phone_page(phone, f"staff-new-{index}", widths)
            if index == 1:
                shot(phone, "phone-02-add-carer")
            _press(phone, "[data-testid=save-staff]")
            staff = StaffMember.objects.get(institution=institution, id_number_index=blind_index(number))
            assert path_of(phone) == f"/workforce/staff/{staff.pk}/"
            assert (staff.name, staff.id_number, staff.post) == (name, number, "carer")
            assert phone.get_by_test_id("masked-id").inner_text().strip() == staff.masked_id_number
            assert number not in phone.content()  # shown masked only

            _press(phone, "[data-testid=add-certificate]")
            form = phone.get_by_test_id("certificate-form")
            form.locator("#id_kind").select_option(str(kinds[kind]))
            form.locator("#id_number").fill(certificate)
            form.locator("#id_issuer").fill("示例·重庆市职业技能鉴定指导中心")
            form.locator("#id_issued_on").fill((today - timedelta(days=400)).isoformat())
            form.locator("#id_scan").set_input_files(str(scan))
            _phone_page(phone, f"certificate-{index}", widths)
            if index == 1:
                shot(phone, "phone-03-certificate")
            _press(phone, "[data-testid=save-certificate]")
            assert path_of(phone) == f"/workforce/staff/{staff.pk}/"
            stored = staff.certificates.get()
            assert (stored.kind.code, stored.number, stored.expires_on) == (kind, certificate, None)
            assert stored.scan.name, "the scan was not stored"
            assert (
                phone.locator(f"[data-testid=certificate][data-pk='{stored.pk}']").get_attribute("data-valid")
                == "yes"
            )

            phone.get_by_test_id("assign-class").locator("select").select_option(str(group.pk))
            _press(phone, "[data-testid=save-class]")
            staff.refresh_from_db()
            assert staff.class_group_id == group.pk
            assert phone.get_by_test_id("staff-class").inner_text().strip() == CLASS
            _phone_page(phone, f"staff-detail-{index}", widths)
            if index == 2:
                shot(phone, "phone-04-carer")
            phone.goto(f"{base}/workforce/staff/", wait_until="load")

        # === 3. The ratio is met and every carer is certified ===========================================
        ratio = phone.locator(f"[data-testid=class-ratio][data-class='{group.pk}']")
        assert (ratio.get_attribute("data-carers"), ratio.get_attribute("data-met")) == ("2", "yes")
        assert phone.get_by_test_id("staffing-panel").get_attribute("data-all-met") == "yes"
        assert phone.get_by_test_id("certified-rate").get_attribute("data-rate") == "100.0"
        rows = phone.get_by_test_id("staff-row")
        assert rows.count() == 2
        assert {rows.nth(i).get_attribute("data-certified") for i in range(2)} == {"yes"}
        _phone_page(phone, "staff-list", widths)
        shot(phone, "phone-05-ratio-met")

        # === 4. A visitor reads the institution's public page: the rate, the ratio, no names ============
        context, visitor = open_context(chromium, PHONE, watch)
        contexts.append(context)
        visitor.goto(f"{base}/institutions/{institution.pk}/", wait_until="load")
        staffing = visitor.get_by_test_id("staffing")
        assert staffing.get_by_test_id("staffing-carers").inner_text().strip() == "2"
        assert staffing.get_by_test_id("staffing-rate").get_attribute("data-rate") == "100.0"
        assert staffing.get_by_test_id("staffing-ratio").get_attribute("data-met") == "yes"
        page = visitor.content()
        for name, number, mobile, *_rest in CARERS:
            assert name not in page and number not in page and mobile not in page
        _phone_page(visitor, "public", widths)
        staffing.scroll_into_view_if_needed()
        shot(visitor, "phone-06-public-page")
    finally:
        for context in contexts:
            context.close()

    for path in shots:
        assert path.stat().st_size > 0, path
    too_wide = {name: w for name, w in widths.items() if w["page"] > w["screen"]}
    assert too_wide == {}, too_wide
    assert watch.page_errors == []
    assert watch.console_errors == []
    assert watch.bad_responses == []
    assert set(watch.blocked) <= {f"webrd0{n}.is.autonavi.com" for n in "1234"}, watch.blocked
