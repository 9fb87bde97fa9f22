"""Comparing institutions on a phone, as a grandparent would: a tick on the first page of results, more on
the second, a fourth refused in words, and a comparison whose row labels stay in view while the table
scrolls sideways. Map tiles and everything off this machine are blocked; any JavaScript error fails."""

import random
from datetime import time
from decimal import Decimal

import pytest

from e2e.browser import PHONE, Watch, open_context, screenshot
from tuoyu.institutions.demo import make_uscc
from tuoyu.institutions.models import InstitutionStatus
from tuoyu.institutions.services import ClassSpec, FeeSpec, institution_create, institution_transition
from tuoyu.regions.selectors import area_unit, grassroots_units
from tuoyu.regions.services import KAIZHOU_FILE, regions_load_file

ROWS = 23  # more than one page of 20, ordered by name


@pytest.fixture
def listed(transactional_db) -> list[str]:
    regions_load_file(path=KAIZHOU_FILE)
    rng = random.Random(11)
    units = list(grassroots_units())
    names = []
    for n in range(ROWS):
        unit = units[n % len(units)]
        name = f"比较测试托育园{n:02d}"
        institution = institution_create(
            fields={
                "name": name,
                "type": "childcare",
                "ownership": "private",
                "is_puhui": n % 2 == 0,
                "registration_body": "enterprise",
                "uscc": make_uscc(rng, "enterprise", area_unit().code),
                "unit": unit,
                "address": f"{unit.name}比较路{n}号",
                "lat": unit.center_lat,
                "lng": unit.center_lng,
                "opens_at": time(7, 30),
                "closes_at": time(17, 30),
                "offers_full_day": True,
                "offers_hourly": True,
            },
            classes=[ClassSpec(name="托小一班", age_group="toddler", capacity=15, enrolled=n % 15)],
            fees=[FeeSpec(service_type="full_day", amount=Decimal(1200 + n * 10), price_type="market")],
        )
        institution_transition(
            institution=institution,
            to_status=InstitutionStatus.FILED,
            filing_number=f"开州托备〔2026〕{n + 1:04d}",
        )
        names.append(name)
    return sorted(names)


def test_ticks_survive_result_pages_a_fourth_is_refused_and_labels_stay_in_view(
    listed, live_server, chromium, output_dir
):
    watch = Watch()
    context, page = open_context(chromium, PHONE, watch)
    try:
        page.goto(f"{live_server.url}/institutions/?ordering=name", wait_until="load")
        boxes = page.locator("li.result input[name=ids]")
        boxes.nth(0).check()
        first = listed[0]
        assert page.get_by_test_id("compare-chosen-item").all_inner_texts()[0].startswith(first)

        with page.expect_navigation(wait_until="load"):
            page.locator("nav.pager a").last.click()
        assert "page=2" in page.url
        # The tick from page 1 is remembered here, listed by name.
        chosen = page.get_by_test_id("compare-chosen-item")
        assert chosen.count() == 1 and chosen.first.inner_text().startswith(first)
        boxes = page.locator("li.result input[name=ids]")
        boxes.nth(0).check()
        boxes.nth(1).check()
        assert chosen.count() == 3
        message = page.get_by_test_id("compare-full")
        assert message.is_hidden()
        boxes.nth(2).click()  # a fourth: refused, and nothing already chosen is dropped
        assert not boxes.nth(2).is_checked()
        assert message.is_visible() and message.inner_text().strip()
        beside = page.get_by_test_id("compare-full-here")  # where the finger is, too
        assert beside.is_visible() and beside.inner_text() == message.inner_text()
        assert chosen.count() == 3
        screenshot(page, output_dir / "compare-phone-fourth-refused.png")
        boxes.nth(1).uncheck()  # untick one: the message goes, and the other box may be ticked
        assert message.is_hidden() and beside.count() == 0
        boxes.nth(2).check()
        boxes.nth(1).click()
        assert not boxes.nth(1).is_checked() and message.is_visible()

        with page.expect_navigation(wait_until="load"):
            page.locator("#compare-form button[type=submit]").click()
        table = page.get_by_test_id("compare-table")
        heads = table.locator("thead th").all_inner_texts()
        assert heads[1:] == [first, listed[20], listed[22]]
        assert page.locator("main .error[role=alert]").count() == 0

        # Scrolled sideways, the row labels stay at the left edge of the table's frame.
        scroller = page.get_by_test_id("compare-scroll")
        label = table.locator("tbody th[scope=row]").first
        frame_x = scroller.bounding_box()["x"]
        assert abs(label.bounding_box()["x"] - frame_x) <= 1
        cell_before = table.locator("tbody td").first.bounding_box()["x"]
        scrolled = scroller.evaluate("el => { el.scrollLeft = el.scrollWidth; return el.scrollLeft; }")
        assert scrolled > 50, "the table should be wider than a phone"
        page.wait_for_function(
            "x => document.querySelector('[data-testid=compare-table] tbody td').getBoundingClientRect().x < x",
            arg=cell_before,
        )
        assert abs(label.bounding_box()["x"] - frame_x) <= 1
        assert label.is_visible()
        screenshot(page, output_dir / "compare-phone-scrolled.png", full_page=False)
    finally:
        context.close()
    assert watch.page_errors == [], watch.page_errors
    assert watch.console_errors == [], watch.console_errors
    assert watch.bad_responses == [], watch.bad_responses
