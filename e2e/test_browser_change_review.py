"""A change filing (变更) reviewed in a real browser: the reviewer sees only what changed, old → new.

A filed institution (e2e/seed.py) and its operator's change raising the monthly fee from 1500 to 1800
are set up through the services (the operator's form is the filing journey's, tested there); the
reviewer signs in on a computer, opens the change, reads the fee's row in the change table, approves
it, and the public notice names what changed and links the institution's page. Chromium talks only to
the live server. Screenshots: test-results/browser/change-review-*.png.
"""

import copy
from decimal import Decimal

import pytest
from django.utils import translation

from e2e.browser import DESKTOP, Watch, open_context, path_of, screenshot, sign_in_with_password
from e2e.seed import filed_institution
from tuoyu.accounts.models import Role, User
from tuoyu.filings import services
from tuoyu.filings.models import FilingStatus, Notice, NoticeKind
from tuoyu.filings.selectors import topic_labels
from tuoyu.institutions.models import Institution, InstitutionMembership
from tuoyu.institutions.services import ClassSpec
from tuoyu.regions.models import Department
from tuoyu.regions.services import KAIZHOU_FILE, regions_load_file

REVIEWER, REVIEWER_PASSWORD = "reviewer-change-e2e", "correct-horse-battery-e2e"
FEE_ROW = "fee:full_day::month"  # the full-day monthly fee, for every age group


@pytest.fixture
def change_setup(transactional_db, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    regions_load_file(path=KAIZHOU_FILE)
    User.objects.create_user(
        username=REVIEWER,
        password=REVIEWER_PASSWORD,
        role=Role.HC_REVIEWER,
        department=Department.objects.get(code="KZ-WJW"),
        display_name="审核员",
    )
    institution = filed_institution(
        name="示例·变更审核托育园",
        credit_stem="91500154MA0000777",
        filing_number="开州托备〔2026〕0777",
        house_number=77,
        classes=[ClassSpec(name="托小一班", age_group="toddler", capacity=15, enrolled=4)],
    )
    # What a filing asks and the seed leaves blank: the register holds it once filed.
    Institution.objects.filter(pk=institution.pk).update(legal_representative="张敏", open_days="周一至周五")
    operator = User.objects.create_user(
        username="operator-change-e2e",
        role=Role.INSTITUTION_OPERATOR,
        display_name="张敏",
        phone="13900007777",
    )
    InstitutionMembership.objects.create(institution=institution, user=operator)
    change = services.filing_start_change(institution=institution, by=operator)
    data = copy.deepcopy(change.data)
    data["fees"][0]["amount"] = "1800"
    data["staff"] = {"total": "5", "caregivers": "3", "certified_caregivers": "3", "health_staff": "1"}
    services.filing_save_draft(filing=change, by=operator, data=data, pledge=True)
    change = services.filing_submit(filing=change, by=operator)  # a fee alone needs no material
    return institution, change


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_reviewer_sees_the_changed_fee_old_to_new_and_the_notice_says_so(
    change_setup, live_server, chromium, output_dir
):
    institution, change = change_setup
    for old in output_dir.glob("change-review-*.png"):
        old.unlink()
    base = live_server.url
    watch = Watch()
    context, page = open_context(chromium, DESKTOP, watch)
    try:
        sign_in_with_password(page, base, REVIEWER, REVIEWER_PASSWORD)
        page.goto(f"{base}/filings/review/{change.pk}/", wait_until="load")
        table = page.get_by_test_id("change-diff")
        rows = table.get_by_test_id("change-row")
        assert [rows.nth(i).get_attribute("data-key") for i in range(rows.count())] == [FEE_ROW]
        fee = table.locator(f"tr[data-key='{FEE_ROW}']")
        assert fee.get_attribute("data-change") == "changed"
        assert "1500" in fee.locator("td.change-old del").inner_text()
        assert "1800" in fee.locator("td.change-new ins").inner_text()
        assert "1500" not in fee.locator("td.change-new").inner_text()
        # The rest is folded away, and the change table's scroll box takes the keyboard.
        unchanged = page.get_by_test_id("change-unchanged")
        assert unchanged.get_attribute("open") is None and not unchanged.locator("dl").is_visible()
        wrapper = page.locator(".table-scroll:has([data-testid=change-diff])")
        wrapper.focus()
        assert wrapper.evaluate("el => el === document.activeElement && el.getAttribute('role') === 'region'")
        assert page.get_by_test_id("needed-none").is_visible()  # a fee needs no material
        assert "()" not in page.get_by_test_id("applicant").inner_text()
        screenshot(page, output_dir / "change-review-desktop.png")

        with page.expect_navigation(wait_until="load"):
            page.click("button[name=decision][value=approve]")
        assert path_of(page) == "/filings/review/"
        change.refresh_from_db()
        assert change.status == FilingStatus.APPROVED
        assert Institution.objects.get(pk=institution.pk).fees.get().amount == Decimal("1800")

        page.goto(f"{base}/filings/notices/?kind={NoticeKind.CHANGED}", wait_until="load")
        notice = page.locator(f"#notice-{Notice.objects.get(kind=NoticeKind.CHANGED).pk}")
        link = notice.get_by_test_id("notice-institution")
        assert link.get_attribute("href") == f"/institutions/{institution.pk}/"
        with translation.override("zh-hans"):
            (fees,) = topic_labels(["fees"])
        assert fees in notice.get_by_test_id("notice-changes").inner_text()
        screenshot(page, output_dir / "change-review-notice.png")
    finally:
        context.close()

    assert (output_dir / "change-review-desktop.png").stat().st_size > 0
    assert (output_dir / "change-review-notice.png").stat().st_size > 0
    assert watch.page_errors == []
    assert watch.console_errors == []
    assert watch.bad_responses == []
    assert set(watch.blocked) <= {f"webrd0{n}.is.autonavi.com" for n in "1234"}, watch.blocked
