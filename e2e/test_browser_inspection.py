"""A 双随机 inspection from the draw to the public result in a real browser (issue 12, SPEC §5, §6).

A 市场监管 planner signs in on a computer and draws a plan (the plan page's 抽取 button) whose lists are
one filed institution and two inspectors, so the draw sends both there. The first inspector, on a phone,
opens 我的检查任务, starts the inspection, answers every item (the fire exit item fails, with a note; the
rest pass), signs; the second signs on their own phone; the first submits, and the fire finding is open.
The institution's operator opens 整改通知 and the finding, and uploads a PNG with what was done. The first
inspector opens the evidence from their workspace (待验收整改) and accepts it, which closes the
inspection. The planner publishes the result from the plan's page, and an anonymous visitor finds it in
the public list and on its own page: the institution, one serious finding, put right.

Python seeds the district, the checklist, the institution, the people and the draft plan through the
services, and reads the database back to check what the pages claim. Labels are not asserted (their
translations are being written): names, values, data-testids, element ids, URLs and stored states are.
Chromium talks only to the live server. Screenshots: test-results/browser/inspection-*.png.
"""

from pathlib import Path

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from PIL import Image

from e2e.browser import DESKTOP, PHONE, Watch, open_context, path_of, screenshot, sign_in_with_password
from e2e.seed import filed_institution
from tuoyu.accounts.models import Role, User
from tuoyu.inspections.models import (
    ChecklistItem,
    Finding,
    FindingStatus,
    Inspection,
    InspectionStatus,
    Inspector,
    PlanStatus,
    Result,
    Severity,
)
from tuoyu.inspections.services.inspecting import checklist_load_file
from tuoyu.inspections.services.plans import plan_create
from tuoyu.institutions.models import InstitutionMembership
from tuoyu.institutions.services import ClassSpec
from tuoyu.regions.models import Department
from tuoyu.regions.services import KAIZHOU_FILE, regions_load_file

NAME = "示例·监督检查浏览器测试托育园"
PASSWORD = "a-long-inspection-passphrase"
PLANNER = "planner-inspection-e2e"
FIRST, SECOND = "inspector-fire-e2e", "inspector-market-e2e"
FIRST_NAME, SECOND_NAME = "消防检查员甲", "市场检查员乙"
OPERATOR = "operator-inspection-e2e"
ITEMS = ("FIRE-01", "FIRE-02", "FOOD-04", "CARE-01")  # none answered from the register (no auto_rule)
FIRE_ITEM = "FIRE-01"  # 疏散通道、安全出口畅通: usually serious
FIRE_NOTE = "二楼疏散通道堆放纸箱，东侧安全出口上锁。"
EVIDENCE_NOTE = "纸箱已清走，安全出口换成推闩门，白天保持开启。"
SIGNATORY = "张园长"


def _staff(username: str, role: str, department: str, name: str) -> User:
    return User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        department=Department.objects.get(code=department),
        display_name=name,
    )


@pytest.fixture
def inspection_setup(transactional_db, settings, tmp_path):
    """The district, the checklist, a filed institution with its operator, two inspectors on the roster
    and a draft plan of 市场监管 and 消防 over that one institution; uploads go to tmp_path."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    regions_load_file(path=KAIZHOU_FILE)
    checklist_load_file()
    institution = filed_institution(
        name=NAME,
        credit_stem="91500154MA0000812",
        filing_number="开州托备〔2025〕0812",
        house_number=12,
        classes=[ClassSpec("托小一班", "toddler", 15, 9)],
    )
    operator = User.objects.create_user(
        username=OPERATOR, password=PASSWORD, role=Role.INSTITUTION_OPERATOR, display_name="张园长"
    )
    InstitutionMembership.objects.create(institution=institution, user=operator)
    planner = _staff(PLANNER, Role.DEPARTMENT_OFFICER, "KZ-SCJG", "抽查计划员")
    roster = []
    for username, name, department, number in (
        (FIRST, FIRST_NAME, "KZ-XF", "KZ-XF-E2E-01"),
        (SECOND, SECOND_NAME, "KZ-SCJG", "KZ-SCJG-E2E-02"),
    ):
        user = _staff(username, Role.DEPARTMENT_OFFICER, department, name)
        roster.append(
            Inspector.objects.create(
                user=user, name=name, department=user.department, certificate_number=number
            )
        )
    today = timezone.localdate()
    plan = plan_create(
        by=planner,
        title="2026年托育机构消防和食品安全联合抽查（浏览器测试）",
        lead_department=planner.department,
        departments=[planner.department, Department.objects.get(code="KZ-XF")],
        period_start=today,
        period_end=today.replace(year=today.year + 1),
        domains=["fire", "food", "care"],
        checklist=list(ChecklistItem.objects.filter(code__in=ITEMS)),
        inspectors=roster,
        institutions=[institution],
        sample_size=1,
    )
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    evidence = uploads / "exit-cleared.png"
    Image.new("RGB", (480, 320), (40, 160, 80)).save(evidence, format="PNG")
    return plan, institution, evidence


def _press(page, selector: str) -> None:
    """Tap a submit button or link on a phone (click on a computer) and wait for the page that answers."""
    target = page.locator(selector)
    assert target.count() == 1, selector
    with page.expect_navigation(wait_until="load"):
        if page.viewport_size["width"] == PHONE["viewport"]["width"]:
            target.tap()
        else:
            target.click()


def _phone_page(page, name: str, widths: dict) -> None:
    """A phone page in Chinese that does not scroll sideways."""
    assert page.get_attribute("html", "lang") == "zh-hans", name
    widths[name] = page.evaluate(
        "() => ({page: document.documentElement.scrollWidth, screen: window.innerWidth})"
    )


def _shot(page, folder: Path, name: str, shots: dict) -> None:
    path = folder / f"inspection-{name}.png"
    screenshot(page, path)
    shots[name] = path


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_drawn_inspection_is_recorded_on_a_phone_put_right_and_published(
    inspection_setup, live_server, chromium, output_dir
):
    plan, institution, evidence_path = inspection_setup
    for old in output_dir.glob("inspection-*.png"):
        old.unlink()
    shots: dict[str, Path] = {}
    widths: dict[str, dict] = {}
    watch = Watch()
    base = live_server.url
    contexts = []

    def browser(size):
        context, page = open_context(chromium, size, watch)
        contexts.append(context)
        return page

    try:
        # === 1. The planner draws the plan on its page ===============================================
        desk = browser(DESKTOP)
        sign_in_with_password(desk, base, PLANNER, PASSWORD)
        desk.goto(f"{base}/inspections/plans/{plan.pk}/", wait_until="load")
        assert desk.get_by_test_id("plan-status").locator(f".status-{PlanStatus.DRAFT}").count() == 1
        _shot(desk, output_dir, "desktop-01-plan", shots)
        _press(desk, "#plan-draw button[type=submit]")
        assert path_of(desk) == f"/inspections/plans/{plan.pk}/"
        plan.refresh_from_db()
        assert plan.status == PlanStatus.DRAWN
        draw = plan.draws.get()
        inspection = Inspection.objects.get(plan=plan, draw=draw)
        assert inspection.institution_id == institution.pk
        assert set(inspection.inspectors.values_list("user__username", flat=True)) == {FIRST, SECOND}
        row = desk.locator(f"[data-draw='{draw.number}'] tr[data-inspection='{inspection.pk}']")
        assert NAME in row.inner_text()
        assert desk.locator(f"a[href='/inspections/draws/{draw.pk}/']").count() == 1
        _shot(desk, output_dir, "desktop-02-drawn", shots)

        # === 2. The first inspector, on a phone: 我的检查任务, start, answer every item ===============
        phone = browser(PHONE)
        sign_in_with_password(phone, base, FIRST, PASSWORD)
        phone.goto(f"{base}/workspace/", wait_until="load")
        card = phone.locator(f"[data-testid=to-inspect-row][data-inspection='{inspection.pk}']")
        assert card.count() == 1, "the workspace does not list the inspection drawn for me"
        _press(phone, "nav.site-nav a[href='/inspections/mine/']")
        assert path_of(phone) == "/inspections/mine/"
        mine = phone.locator(f"#inspection-{inspection.pk}")
        assert NAME in mine.inner_text()
        _phone_page(phone, "my-inspections", widths)
        _shot(phone, output_dir, "phone-01-my-inspections", shots)
        _press(phone, f"#inspection-{inspection.pk} a[href='/inspections/{inspection.pk}/inspect/']")
        _press(phone, "#start-inspection")
        assert path_of(phone) == f"/inspections/{inspection.pk}/inspect/"
        codes = phone.locator("#checklist-form fieldset[data-item]").evaluate_all(
            "nodes => nodes.map(n => n.dataset.item)"
        )
        assert sorted(codes) == sorted(ITEMS)
        for code in codes:
            if code == FIRE_ITEM:
                phone.locator(f"label[for='answer-{code}-fail']").tap()
                phone.fill(f"#note-{code}", FIRE_NOTE)
            else:
                phone.locator(f"label[for='answer-{code}-pass']").tap()
        assert phone.locator(f"#answer-{FIRE_ITEM}-fail").is_checked()
        _phone_page(phone, "checklist", widths)
        _shot(phone, output_dir, "phone-02-checklist", shots)
        _press(phone, "#go-submit")
        assert path_of(phone) == f"/inspections/{inspection.pk}/inspect/submit/"
        answers = dict(inspection.answers.values_list("item__code", "answer"))
        assert answers == {code: ("fail" if code == FIRE_ITEM else "pass") for code in ITEMS}
        assert phone.locator(f"#finding-{FIRE_ITEM}").count() == 1
        phone.fill("#sign-name", FIRST_NAME)
        _press(phone, "#sign-button")
        assert path_of(phone) == f"/inspections/{inspection.pk}/inspect/submit/"
        assert phone.get_by_test_id("you-signed").is_visible()

        # === 3. The second inspector signs on their own phone ==========================================
        second = browser(PHONE)
        sign_in_with_password(second, base, SECOND, PASSWORD)
        second.goto(f"{base}/inspections/{inspection.pk}/inspect/submit/", wait_until="load")
        second.fill("#sign-name", SECOND_NAME)
        _press(second, "#sign-button")
        assert second.get_by_test_id("you-signed").is_visible()
        assert inspection.signatures.count() == 2

        # === 4. The first inspector submits the record ================================================
        phone.reload(wait_until="load")
        assert phone.get_by_test_id("signatures").locator("li").count() == 2
        phone.fill("#institution_signatory", SIGNATORY)
        phone.fill("#summary", "现场检查发现消防问题一项，已当场告知。")
        _phone_page(phone, "submit", widths)
        _shot(phone, output_dir, "phone-03-submit", shots)
        _press(phone, "#submit-inspection")
        assert path_of(phone) == f"/inspections/{inspection.pk}/"
        inspection.refresh_from_db()
        assert inspection.status == InspectionStatus.SUBMITTED
        assert inspection.result == Result.SERIOUS
        finding = Finding.objects.get(inspection=inspection)
        assert (finding.item.code, finding.status, finding.severity) == (
            FIRE_ITEM,
            FindingStatus.OPEN,
            Severity.SERIOUS,
        )
        assert FIRE_NOTE in finding.description
        _phone_page(phone, "record", widths)
        _shot(phone, output_dir, "phone-04-record", shots)

        # === 5. The institution uploads its evidence ===================================================
        office = browser(DESKTOP)
        sign_in_with_password(office, base, OPERATOR, PASSWORD)
        office.goto(f"{base}/", wait_until="load")
        _press(office, "nav.site-nav a[href='/inspections/institution/']")
        row = office.locator(f"[data-testid=institution-finding-row][data-pk='{finding.pk}']")
        assert row.get_attribute("data-status") == FindingStatus.OPEN
        _shot(office, output_dir, "desktop-03-rectification-notice", shots)
        _press(office, f"[data-testid=institution-finding-row][data-pk='{finding.pk}'] a")
        assert path_of(office) == f"/inspections/institution/findings/{finding.pk}/"
        form = office.locator("#evidence-form")
        form.locator("textarea[name=note]").fill(EVIDENCE_NOTE)
        form.locator("input[name=file]").set_input_files(str(evidence_path))
        _shot(office, output_dir, "desktop-04-evidence", shots)
        _press(office, "[data-testid=send-evidence]")
        finding.refresh_from_db()
        assert finding.status == FindingStatus.SUBMITTED, office.get_by_test_id(
            "evidence-errors"
        ).all_inner_texts()
        evidence = finding.rectifications.get()
        assert (evidence.note, evidence.file_kind) == (EVIDENCE_NOTE, "png")

        # === 6. The inspector accepts it from the workspace (待验收整改) ================================
        phone.goto(f"{base}/workspace/", wait_until="load")
        _press(phone, f"[data-testid=to-decide-row][data-finding='{finding.pk}'] a")
        assert path_of(phone) == f"/inspections/findings/{finding.pk}/"
        assert phone.locator(f"[data-testid=evidence][data-pk='{evidence.pk}']").count() == 1
        _phone_page(phone, "finding", widths)
        _shot(phone, output_dir, "phone-05-finding", shots)
        _press(phone, "[data-testid=accept]")
        finding.refresh_from_db()
        inspection.refresh_from_db()
        assert finding.status == FindingStatus.RECTIFIED
        assert inspection.status == InspectionStatus.CLOSED

        # === 7. The planner publishes the result from the plan's page; an anonymous visitor reads it ====
        desk.goto(f"{base}/inspections/plans/{plan.pk}/", wait_until="load")
        _press(desk, f"tr[data-inspection='{inspection.pk}'] [data-testid=publish-result]")
        assert path_of(desk) == f"/inspections/plans/{plan.pk}/"
        inspection.refresh_from_db()
        assert inspection.published_at is not None
        assert (
            desk.locator(
                f"tr[data-inspection='{inspection.pk}'] a[href='/inspections/results/{inspection.pk}/']"
            ).count()
            == 1
        )
        _shot(desk, output_dir, "desktop-05-published", shots)
        visitor = browser(PHONE)
        visitor.goto(f"{base}/", wait_until="load")
        _press(visitor, "footer a[href='/inspections/results/']")
        assert path_of(visitor) == "/inspections/results/"
        listed = visitor.locator(f"#result-{inspection.pk}")
        assert NAME in listed.inner_text()
        # minor / major / serious: the one fire finding, serious.
        assert listed.get_by_test_id("severity-counts").inner_text().split() == ["0", "/", "0", "/", "1"]
        _phone_page(visitor, "results", widths)
        _shot(visitor, output_dir, "phone-06-results", shots)
        _press(visitor, f"#result-{inspection.pk} a[href='/inspections/results/{inspection.pk}/']")
        result = visitor.get_by_test_id("result")
        assert NAME in result.locator("h1").inner_text()
        with translation.override("zh-hans"):
            put_right = gettext("%(r)s put right, %(o)s open, %(d)s overdue") % {"r": 1, "o": 0, "d": 0}
        assert result.get_by_test_id("rectification").inner_text().strip() == put_right
        assert FIRE_NOTE not in visitor.content()  # the on-site record is not public
        _phone_page(visitor, "result", widths)
        _shot(visitor, output_dir, "phone-07-result", shots)
    finally:
        for context in contexts:
            context.close()

    for name, path in shots.items():
        assert path.stat().st_size > 0, name
    too_wide = {name: w for name, w in widths.items() if w["page"] > w["screen"]}
    assert too_wide == {}, too_wide
    assert watch.page_errors == []
    assert watch.console_errors == []
    assert watch.bad_responses == []
    assert set(watch.blocked) <= {f"webrd0{n}.is.autonavi.com" for n in "1234"}, watch.blocked
