"""The official workspace in a real browser (issue 11): a health-commission reviewer signs in with a
password and the authenticator code, lands on /workspace/, sees the filing waiting for a decision with
its working days left, the counts per street and town and the map with its markers (every tile blocked,
no JavaScript error, no failed request to the site), and one click takes them to the filing's page.

Python seeds the district, the routing table, two filed institutions, a complaint (through the service)
and a submitted filing (its workflow fields set as submission leaves them). Screenshots at desktop size,
where officials work, and a quick one at phone size go to test-results/browser/workspace-*.png.
"""

import json

import pytest
from django.utils import timezone

from e2e.browser import DESKTOP, Watch, open_context, path_of, screenshot, sign_in_with_password
from e2e.seed import filed_institution
from tuoyu.accounts.models import Role, User
from tuoyu.core.workdays import SHANGHAI, add_workdays, deadline_status
from tuoyu.feedback.services import ROUTING_FILE, complaint_file, routing_load_file
from tuoyu.filings.models import Filing, FilingStatus
from tuoyu.institutions.services import ClassSpec
from tuoyu.regions.models import Department, Unit
from tuoyu.regions.services import KAIZHOU_FILE, regions_load_file

REVIEWER = "reviewer-workspace"
PASSWORD = "correct-horse-battery-ws"
FILING_NAME = "示例·工作台待审托育园"


@pytest.fixture
def workspace_setup(transactional_db):
    regions_load_file(path=KAIZHOU_FILE)
    routing_load_file(ROUTING_FILE)
    first = filed_institution(
        name="示例·工作台甲托育园",
        credit_stem="91500154MA0000711",
        filing_number="开州托备〔2025〕0711",
        house_number=11,
        classes=[ClassSpec("托小一班", "toddler", 15, 10)],
    )
    filed_institution(
        name="示例·工作台乙托育园",
        credit_stem="91500154MA0000712",
        filing_number="开州托备〔2025〕0712",
        house_number=12,
        classes=[ClassSpec("托大一班", "preschool", 20, 20)],
    )
    complaint = complaint_file(
        category="hygiene", description="厕所很脏，没人打扫。", institution=first
    ).complaint
    reviewer = User.objects.create_user(
        username=REVIEWER,
        password=PASSWORD,
        role=Role.HC_REVIEWER,
        department=Department.objects.get(code="KZ-WJW"),
        display_name="卫健委审核员",
    )
    operator = User.objects.create_user(
        username="operator-workspace", password=PASSWORD, role=Role.INSTITUTION_OPERATOR
    )
    today = timezone.localdate(timezone=SHANGHAI)
    filing = Filing.objects.create(
        applicant=operator,
        status=FilingStatus.SUBMITTED,
        data={"institution": {"name": FILING_NAME, "unit": "500154001"}},
        submitted_at=timezone.now(),
        first_submitted_at=timezone.now(),
        due_on=add_workdays(today, 3),
        check_due_on=add_workdays(today, 13),
        version=1,
    )
    return reviewer, filing, complaint, today


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_reviewer_lands_on_the_workspace_and_reaches_a_filing_in_one_click(
    workspace_setup, live_server, chromium, output_dir
):
    reviewer, filing, complaint, today = workspace_setup
    for old in output_dir.glob("workspace-*.png"):
        old.unlink()  # an old run's file must not satisfy the checks below
    watch = Watch()
    base = live_server.url
    context, page = open_context(chromium, DESKTOP, watch)
    try:
        sign_in_with_password(page, base, REVIEWER, PASSWORD)
        assert path_of(page) == "/workspace/", "an official lands on the workspace"

        # What waits: the filing with its working days left, linked to its review page.
        row = page.get_by_test_id("filing-row").filter(has_text=FILING_NAME)
        assert row.count() == 1
        left = deadline_status(due=filing.due_on, today=today).days_left
        assert left > 0 and str(left) in row.get_by_test_id("days-left").inner_text()
        assert page.get_by_test_id("count-filings").inner_text().strip() == "1"
        assert (
            page.locator(f"[data-testid=complaint-row][data-number='{complaint.tracking_number}']").count()
            == 1
        )

        # Counts: one row per street and town of the district, and the district's total.
        streets = Unit.objects.filter(level__in=["street", "town", "township"]).count()
        assert page.get_by_test_id("counts-row").count() == streets
        hanfeng = page.locator("[data-testid=counts-row][data-unit='500154001'] td")
        assert hanfeng.first.inner_text().strip() == "2"  # the two filed institutions of 汉丰街道
        assert page.get_by_test_id("counts-total").count() == 1

        # The map draws its markers on a grey background: the tiles are blocked.
        markers = json.loads(page.locator("#map-markers").text_content())
        assert {m["kind"] for m in markers} == {"institution", "case"} and len(markers) == 3
        page.wait_for_selector("#map .leaflet-interactive")
        assert page.locator("#map .leaflet-interactive").count() >= 1
        # An open case has its own colour and key, so it is not read as a full institution.
        assert page.locator("#map .case-marker").count() == 1
        assert page.locator("[data-testid=map-legend] .key.case").count() == 1
        screenshot(page, output_dir / "workspace-desktop.png")

        # A quick look at phone size: nothing wider than the screen.
        page.set_viewport_size({"width": 390, "height": 844})
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 391, width
        screenshot(page, output_dir / "workspace-phone.png", full_page=False)
        page.set_viewport_size(DESKTOP["viewport"])

        # One click from the item to its page.
        review_url = f"/filings/review/{filing.pk}/"
        with page.expect_navigation(wait_until="load"):
            page.click(f"[data-testid=filing-row] a[href='{review_url}']")
        assert path_of(page) == review_url
        assert FILING_NAME in page.content()
        screenshot(page, output_dir / "workspace-filing.png")
    finally:
        context.close()

    for name in ("desktop", "phone", "filing"):
        path = output_dir / f"workspace-{name}.png"
        assert path.is_file() and path.stat().st_size > 0, path
    assert watch.page_errors == []
    assert watch.console_errors == []
    assert watch.bad_responses == []
    assert watch.blocked, "the map asked for tiles, which must be blocked"
