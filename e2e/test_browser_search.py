"""The public search in a real browser: map markers, the 普惠 + 托小班 filter, a detail page and a comparison.

Data is written through the real services (the district's regions, the deterministic demo seed and three
institutions of our own whose place in the filter we know), and Chromium talks only to the live server:
the tile server and anything else off this machine is aborted, so the map draws markers on a grey
background. Screenshots of every page at phone and desktop size are kept for people to look at.
"""

import random
import re
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.db.models import F

from e2e.browser import Watch
from tuoyu.institutions.demo import make_uscc, seed_district
from tuoyu.institutions.models import (
    AgeGroup,
    Institution,
    InstitutionStatus,
    InstitutionType,
    Ownership,
    PriceType,
    RegistrationBody,
    ServiceType,
)
from tuoyu.institutions.services import ClassSpec, FeeSpec, institution_create, institution_transition
from tuoyu.regions.selectors import area_unit, grassroots_units
from tuoyu.regions.services import KAIZHOU_FILE, regions_load_file

PAGE_SIZE = 20  # the search view's default page size: the unfiltered list shows at most this many
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1366, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
}


@dataclass
class District:
    wanted: Institution  # 普惠 with a free place in a 托小班: must be listed
    full_toddler: Institution  # 普惠, but its 托小班 is full: must not be listed
    not_puhui: Institution  # a free 托小班 place, but not 普惠: must not be listed
    filed_count: int = 0


def _known_institution(
    rng: random.Random, serial: int, *, label: str, is_puhui: bool, classes: list[ClassSpec]
) -> Institution:
    units = list(grassroots_units())
    unit = units[serial % len(units)]
    public = is_puhui
    body = RegistrationBody.PUBLIC_INSTITUTION if public else RegistrationBody.ENTERPRISE
    fields = {
        "name": f"示例·测试{label}托育园",
        "type": InstitutionType.CHILDCARE,
        "ownership": Ownership.PUBLIC if public else Ownership.PRIVATE,
        "is_puhui": is_puhui,
        "registration_body": body,
        "uscc": make_uscc(rng, body, area_unit().code),
        "legal_representative": "示例测试",
        "unit": unit,
        "address": f"{unit.name}示例路{serial}号",
        # Each at its own street's centre, so the three markers never sit on top of each other.
        "lat": unit.center_lat,
        "lng": unit.center_lng,
        "phone": "023-52000000",
        "opens_at": time(7, 30),
        "closes_at": time(17, 30),
        "open_days": "周一至周五",
        "offers_full_day": True,
    }
    fees = [
        FeeSpec(
            service_type=ServiceType.FULL_DAY,
            amount=Decimal("1200"),
            price_type=PriceType.GOVERNMENT_GUIDED if public else PriceType.MARKET,
        )
    ]
    institution = institution_create(fields=fields, classes=classes, fees=fees, is_demo=True)
    return institution_transition(
        institution=institution,
        to_status=InstitutionStatus.FILED,
        filing_number=f"开州托备〔2026〕{9000 + serial:04d}",
        on=date(2026, 1, serial),
        note="browser test",
    )


@pytest.fixture
def district(transactional_db) -> District:
    regions_load_file(path=KAIZHOU_FILE)
    seed_district(count=40)
    rng = random.Random(9000)
    toddler = AgeGroup.TODDLER
    known = District(
        wanted=_known_institution(
            rng,
            1,
            label="甲",
            is_puhui=True,
            classes=[ClassSpec(name="托小班1", age_group=toddler, capacity=15, enrolled=10)],
        ),
        full_toddler=_known_institution(
            rng,
            2,
            label="乙",
            is_puhui=True,
            classes=[
                ClassSpec(name="托小班1", age_group=toddler, capacity=15, enrolled=15),
                ClassSpec(name="乳儿班1", age_group=AgeGroup.INFANT, capacity=10, enrolled=4),
            ],
        ),
        not_puhui=_known_institution(
            rng,
            3,
            label="丙",
            is_puhui=False,
            classes=[ClassSpec(name="托小班1", age_group=toddler, capacity=15, enrolled=3)],
        ),
    )
    known.filed_count = Institution.objects.filter(status=InstitutionStatus.FILED).count()
    return known


def expected_puhui_toddler_ids() -> set[int]:
    """Written apart from the selector on purpose: a join, where the view uses an EXISTS subquery."""
    return set(
        Institution.objects.filter(
            status=InstitutionStatus.FILED,
            is_puhui=True,
            classes__age_group=AgeGroup.TODDLER,
            classes__enrolled__lt=F("classes__capacity"),
        )
        .values_list("pk", flat=True)
        .distinct()
    )


def _listed_ids(page) -> list[int]:
    return [int(i) for i in page.locator("li.result").evaluate_all("els => els.map(e => e.dataset.id)")]


def _wait_for_markers(page) -> int:
    page.wait_for_selector(".inst-marker")
    return page.locator(".inst-marker").count()


def _shot(page, folder: Path, name: str) -> Path:
    # Full page, after web fonts and images settle, so the CJK glyphs are in the picture.
    page.evaluate("() => document.fonts.ready")
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_map_search_filter_detail_and_compare(size, district, live_server, chromium, output_dir):
    shots = {
        step: output_dir / f"{size}-{step}.png" for step in ("search", "filtered", "institution", "compare")
    }
    for path in shots.values():
        path.unlink(missing_ok=True)  # an old run's file must not satisfy the existence checks below

    # A Chinese-speaking family's phone or computer: LocaleMiddleware follows Accept-Language.
    context = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **VIEWPORTS[size])
    watch = Watch()
    context.route("**/*", watch.keep_local)
    page = context.new_page()
    page.set_default_timeout(20_000)
    watch.observe(page)
    try:
        # --- the map page: Leaflet from our static files, one marker per listed institution ---------
        with page.expect_response(lambda r: r.url.endswith("/static/vendor/leaflet/leaflet.js")) as leaflet:
            page.goto(f"{live_server.url}/institutions/", wait_until="load")
        assert leaflet.value.status == 200
        assert page.evaluate("() => typeof L === 'object' && typeof L.version === 'string'")
        assert page.get_attribute("html", "lang") == "zh-hans"
        markers = _wait_for_markers(page)
        listed = _listed_ids(page)
        assert len(listed) == min(PAGE_SIZE, district.filed_count)
        assert markers == len(listed) > 0
        shots["search"] = _shot(page, output_dir, f"{size}-search")

        # --- filter: 普惠 only, with a free place in a 托小班 ----------------------------------------
        page.select_option("select[name=puhui]", "true")
        page.select_option("select[name=age_group]", AgeGroup.TODDLER.value)
        with page.expect_navigation(wait_until="load"):
            page.click("#filter-form button[type=submit]")
        query = parse_qs(urlparse(page.url).query)
        assert query["puhui"] == ["true"]
        assert query["age_group"] == ["toddler"]
        assert page.input_value("select[name=puhui]") == "true"  # the form keeps the choice

        expected = expected_puhui_toddler_ids()
        assert district.wanted.pk in expected
        assert district.full_toddler.pk not in expected
        assert district.not_puhui.pk not in expected
        assert 2 <= len(expected) <= PAGE_SIZE  # two to compare, and all of them on the first page

        markers = _wait_for_markers(page)
        listed = _listed_ids(page)
        assert set(listed) == expected
        assert len(listed) == len(expected)  # no institution listed twice
        # The sentence's word order differs by language ("10 institutions found" / "找到10家机构").
        count_text = page.get_by_test_id("result-count").inner_text()
        assert re.search(r"\d+", count_text).group() == str(len(expected))
        assert markers == len(listed)
        assert page.locator(".inst-marker.puhui").count() == markers
        badges = page.locator("li.result .result-head .badge.puhui")
        assert badges.count() == len(listed)
        assert all("普惠" in text for text in badges.all_inner_texts())
        filtered_url = page.url
        shots["filtered"] = _shot(page, output_dir, f"{size}-filtered")

        # --- one institution's page ------------------------------------------------------------------
        wanted = district.wanted
        with page.expect_navigation(wait_until="load"):
            page.click(f'li.result[data-id="{wanted.pk}"] a.result-name')
        assert urlparse(page.url).path == f"/institutions/{wanted.pk}/"
        assert page.locator("h1").inner_text() == wanted.name
        assert page.get_by_test_id("filing-number").inner_text() == wanted.filing_number
        assert _wait_for_markers(page) == 1
        shots["institution"] = _shot(page, output_dir, f"{size}-institution")

        # --- back to the list, tick two, compare -----------------------------------------------------
        page.go_back(wait_until="load")
        assert page.url == filtered_url
        _wait_for_markers(page)
        listed = _listed_ids(page)
        other = next(pk for pk in listed if pk != wanted.pk)
        for pk in (wanted.pk, other):
            page.check(f'li.result[data-id="{pk}"] input[name=ids][form=compare-form]')
        with page.expect_navigation(wait_until="load"):
            page.click("#compare-form button[type=submit]")
        assert urlparse(page.url).path == "/institutions/compare/"
        assert sorted(int(i) for i in parse_qs(urlparse(page.url).query)["ids"]) == sorted([wanted.pk, other])

        names = dict(Institution.objects.filter(pk__in=[wanted.pk, other]).values_list("pk", "name"))
        in_list_order = [names[pk] for pk in listed if pk in names]  # checkboxes submit in document order
        headers = page.get_by_test_id("compare-table").locator("thead th").all_inner_texts()
        assert headers[1:] == in_list_order
        shots["compare"] = _shot(page, output_dir, f"{size}-compare")
    finally:
        context.close()

    for step, path in shots.items():
        assert path.is_file() and path.stat().st_size > 0, f"no {step} screenshot at {path}"
    assert watch.page_errors == []
    assert watch.console_errors == []
    assert watch.bad_responses == []


HOSTILE_NAME = "<img src=x onerror=alert(1)>"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_name_written_as_markup_shows_as_text_in_the_map_tooltip(live_server, chromium):
    """Leaflet reads a tooltip string as HTML; the name must arrive as the text its institution typed."""
    regions_load_file(path=KAIZHOU_FILE)
    hostile = _known_institution(
        random.Random(9100),
        4,
        label="丁",
        is_puhui=True,
        classes=[ClassSpec(name="托小班1", age_group=AgeGroup.TODDLER, capacity=15, enrolled=3)],
    )
    Institution.objects.filter(pk=hostile.pk).update(name=HOSTILE_NAME)
    context = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **VIEWPORTS["desktop"])
    watch = Watch()
    context.route("**/*", watch.keep_local)
    page = context.new_page()
    page.set_default_timeout(20_000)
    watch.observe(page)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(f"{live_server.url}/institutions/", wait_until="load")
        assert _wait_for_markers(page) == 1
        page.locator(".inst-marker").first.hover()
        tooltip = page.locator(".leaflet-tooltip")
        tooltip.wait_for()
        assert tooltip.inner_text() == HOSTILE_NAME
        assert tooltip.locator("img").count() == 0
        assert page.locator(".leaflet-pane img[src='x']").count() == 0
    finally:
        context.close()
    assert dialogs == []
    assert watch.page_errors == []


# --- a phone's search with a point: the typed town, the map tap and the phone's location ----------------

PAGE_WEIGHT_LIMIT = 300 * 1024  # bytes of our own responses a phone fetches for a page, before tiles
# The phone's location in the granted case: 汉丰街道, the district's seat (WGS-84, as a browser reports it).
PHONE_POSITION = {"latitude": 31.1617, "longitude": 108.3934}

# Every same-origin response of the page now shown, from the browser's own resource timing: the larger
# of the bytes on the wire and the decoded body, so compression on the server cannot flatter the figure.
SAME_ORIGIN_BYTES = """() => performance.getEntriesByType('navigation')
    .concat(performance.getEntriesByType('resource'))
    .filter(e => new URL(e.name).origin === location.origin)
    .map(e => [new URL(e.name).pathname, Math.max(e.transferSize || 0, e.decodedBodySize || 0)])"""


def _page_weight(page) -> tuple[int, dict[str, int]]:
    entries = page.evaluate(SAME_ORIGIN_BYTES)
    return sum(size for _, size in entries), dict(entries)


def _assert_point_search(page, *, viewport_height: int) -> None:
    """A search around a point: markers and the point drawn, distances and a way there on every result,
    and the count and the nearest result on the phone's first screen."""
    assert "near" in parse_qs(urlparse(page.url).query) or "place" in parse_qs(urlparse(page.url).query)
    assert _wait_for_markers(page) > 0
    assert page.locator(".here-marker").count() == 1
    assert page.get_attribute(".leaflet-control-zoom-in", "title") == "放大"  # Leaflet's title, in Chinese
    rows = page.locator("li.result")
    assert rows.count() > 0
    assert page.locator("li.result .distance").count() == rows.count()
    for href in page.locator("li.result a[data-testid=navigate]").evaluate_all("els => els.map(e => e.href)"):
        assert href.startswith("https://uri.amap.com/marker?"), href
        assert "position=108." in href and "coordinate=wgs84" in href
    assert page.locator("li.result a[data-testid=navigate]").count() == rows.count()
    # The results come first on a phone: the filters are folded under "Change search".
    assert page.locator("details[data-filters-fold]").get_attribute("open") is None
    count_box = page.get_by_test_id("result-count").bounding_box()
    assert count_box["y"] + count_box["height"] <= viewport_height, count_box
    assert rows.first.bounding_box()["y"] < viewport_height
    # No tiles reach this machine: the notice says so over the map, and the key explains the colours.
    page.locator("[data-map-notice]").wait_for(state="visible")
    legend = page.get_by_test_id("map-legend")
    assert legend.is_visible()
    assert legend.locator("li").count() == 4  # 普惠 free, other free, full, your point


def _map_point(page, *, right: float, down: float) -> tuple[float, float]:
    """A point on the map, as fractions of its box, clear of the controls and of the markers (fitBounds
    pads the markers' box by a fifth on each side)."""
    box = page.locator("#map").bounding_box()
    return box["x"] + box["width"] * right, box["y"] + box["height"] * down


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_phone_search_with_a_point(district, live_server, chromium, output_dir):
    """At phone size with every tile blocked: the home page, 'use my location' refused and then allowed,
    a marker's popup closed by a tap (no search), a tap and 'search around here', a typed town; every
    point search shows its markers, and no page sends a script error or a failed request."""
    from e2e.browser import PHONE, open_context, screenshot

    watch = Watch()
    context, page = open_context(chromium, PHONE, watch)
    height = PHONE["viewport"]["height"]
    weights = {}
    try:
        # --- home: weight, zoom buttons in Chinese, the key, and a refused location said in words ------
        page.goto(f"{live_server.url}/", wait_until="load")
        weights["home"], files = _page_weight(page)
        print(f"home page, same-origin bytes: {files}")
        assert "/static/vendor/leaflet/leaflet.js" in files  # the map's script is counted
        assert page.get_attribute(".leaflet-control-zoom-in", "title") == "放大"
        assert page.get_attribute(".leaflet-control-zoom-out", "title") == "缩小"
        page.locator("[data-map-notice]").wait_for(state="visible")
        assert page.get_by_test_id("map-legend").is_visible()
        home_url = page.url
        page.click("[data-locate]")  # this context was given no permission: the browser refuses
        message = page.locator(".locate-message.error")
        message.wait_for(state="visible")
        assert message.get_attribute("role") == "status"
        assert message.inner_text() == page.get_attribute("#map", "data-locate-denied")
        assert page.url == home_url
        _shot(page, output_dir, "phone-location-refused")

        # --- allowed: the phone's position becomes a search around it -----------------------------------
        context.grant_permissions(["geolocation"], origin=live_server.url)
        context.set_geolocation(PHONE_POSITION)
        with page.expect_navigation(wait_until="load"):
            page.click("[data-locate]")
        query = parse_qs(urlparse(page.url).query)
        assert query["crs"] == ["wgs84"]
        assert query["near"] == [f"{PHONE_POSITION['latitude']:.6f},{PHONE_POSITION['longitude']:.6f}"]
        weights["search"], files = _page_weight(page)
        print(f"search page, same-origin bytes: {files}")
        _assert_point_search(page, viewport_height=height)
        _shot(page, output_dir, "phone-search-my-location")
        located_url = page.url

        # --- a marker's popup, closed by a tap on the map: no search starts ------------------------------
        # Markers near each other overlap: the tap opens whichever is on top, which is all this needs.
        page.locator(".inst-marker").last.tap(force=True)
        page.locator(".leaflet-popup-content a").wait_for(state="visible")
        close_label = page.get_attribute(".leaflet-popup-close-button", "aria-label")
        assert close_label == page.get_attribute("#map", "data-close-popup")  # not Leaflet's English
        x, y = _map_point(page, right=0.45, down=0.95)
        page.touchscreen.tap(x, y)
        page.locator(".leaflet-popup").wait_for(state="detached")
        # --- the next tap offers a search there (had the first one navigated, this page would be gone) ---
        page.touchscreen.tap(x, y)
        offer = page.locator(".search-here-popup button")
        offer.wait_for(state="visible")
        assert page.url == located_url
        screenshot(page, output_dir / "phone-search-here.png", full_page=False)  # the first screen
        with page.expect_navigation(wait_until="load"):
            offer.tap()
        query = parse_qs(urlparse(page.url).query)
        assert query["crs"] == [page.get_attribute("#map", "data-crs")]
        assert "place" not in query
        _assert_point_search(page, viewport_height=height)

        # --- a typed town, from the folded form -----------------------------------------------------------
        page.click("details[data-filters-fold] > summary")
        page.fill("#id_place", "汉丰街道")
        with page.expect_navigation(wait_until="load"):
            page.click("#filter-form button[type=submit]")
        assert parse_qs(urlparse(page.url).query)["place"] == ["汉丰街道"]
        _assert_point_search(page, viewport_height=height)
        _shot(page, output_dir, "phone-search-place")
    finally:
        context.close()

    print(f"page weight on a phone, same-origin bytes before tiles: {weights}")
    for name, weight in weights.items():
        assert weight < PAGE_WEIGHT_LIMIT, f"the {name} page weighs {weight} bytes"
    assert watch.blocked  # the tiles were asked for and refused: the notice above was earned
    assert watch.page_errors == []
    assert watch.console_errors == []
    assert watch.bad_responses == []
