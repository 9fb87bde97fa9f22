"""A complaint from the first tap to the closed case in a real browser (投诉举报马上查, SPEC §4).

An anonymous visitor on a phone opens a filed institution's page, follows its 投诉举报 link and reports
a food problem with a photo that carries GPS data; the done page shows the tracking number and the
query code. In a fresh browser (no session) the visitor looks the case up: a wrong code shows nothing,
the right one shows the status and the timeline. The 市场监管 officer the food category routes to
signs in on a computer, takes the case up from the queue and answers it (部分属实). The visitor reloads
the case, reads the answer and rates it satisfied, which closes it.

Python only seeds the district, the routing table, the filed institution and the officer, and reads
the database back to check what the pages claim (among it: the stored photo has no EXIF left). The
labels are not asserted (their translations are being written), only names, values, data-testids,
URLs and the stored state. Chromium talks only to the live server. Screenshots of every step are kept
under test-results/browser/complaint-*.png.
"""

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from e2e.browser import DESKTOP, PHONE, Watch, open_context, path_of, screenshot, sign_in_with_password
from e2e.seed import filed_institution
from tuoyu.accounts.models import Role, User
from tuoyu.feedback.models import Complaint, ComplaintPhoto, ComplaintStatus, EventKind, Finding
from tuoyu.feedback.services import ROUTING_FILE, public_timeline, routing_load_file
from tuoyu.institutions.services import ClassSpec
from tuoyu.regions.models import Department
from tuoyu.regions.services import KAIZHOU_FILE, regions_load_file

NAME = "示例·投诉浏览器测试托育园"
STEM = "91500154MA0000789"
DEPARTMENT = "KZ-SCJG"  # 市场监管: food complaints route there (tuoyu/feedback/data/kaizhou_routing.json)
OFFICER = "officer-complaint-e2e"
OFFICER_PASSWORD = "a-long-officer-passphrase"
CATEGORY = "food"
DESCRIPTION = "午餐的米饭有异味，孩子回家后肚子不舒服。厨房的垃圾桶没有盖子。"
ANSWER = "经现场检查，厨房垃圾桶未加盖，已责令整改；当日留样检测未见异常。"
GPS = {1: "N", 2: (31.0, 10.0, 30.0), 3: "E", 4: (108.0, 23.0, 15.0)}  # a point in 汉丰街道
GPS_IFD = 0x8825
SHOTS = 11


def _shot(page, folder: Path, name: str, shots: dict[str, Path]) -> None:
    path = folder / f"complaint-{name}.png"
    screenshot(page, path, full_page=True)
    shots[name] = path


def _press(page, selector: str) -> None:
    """Tap a submit button or link on the phone (click on the computer) and wait for the page the server
    answers with."""
    target = page.locator(selector)
    assert target.count() == 1, selector
    with page.expect_navigation(wait_until="load"):
        if page.viewport_size["width"] == PHONE["viewport"]["width"]:
            target.tap()
        else:
            target.click()


def _phone_page(page, name: str, widths: dict) -> None:
    """A phone page: in Chinese, and no wider than the screen (it does not scroll sideways)."""
    assert page.get_attribute("html", "lang") == "zh-hans", name
    widths[name] = page.evaluate(
        "() => ({page: document.documentElement.scrollWidth, screen: window.innerWidth})"
    )


def _gps_photo(folder: Path) -> Path:
    """A real JPEG from a phone camera, as far as its metadata goes: a make, a model and a GPS position."""
    image = Image.new("RGB", (640, 480))
    image.putdata([(x % 256, y % 256, (x + y) % 256) for y in range(480) for x in range(640)])
    exif = Image.Exif()
    exif[0x010F] = "TestPhone"  # Make
    exif[0x0110] = "Model E2E"  # Model
    exif.get_ifd(GPS_IFD).update(GPS)
    path = folder / "kitchen.jpg"
    image.save(path, format="JPEG", quality=85, exif=exif)
    with Image.open(path) as check:  # the fixture really carries what the site must remove
        assert check.getexif().get_ifd(GPS_IFD).get(2) is not None
    return path


def _no_exif(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as image:
        return image.format == "JPEG" and not image.getexif() and "exif" not in image.info


@pytest.fixture
def complaint_setup(transactional_db, settings, tmp_path):
    """The district, the routing table, a filed institution and an officer of 市场监管; photos go to
    tmp_path, never var/."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    regions_load_file(path=KAIZHOU_FILE)
    routing_load_file(ROUTING_FILE)
    institution = filed_institution(
        name=NAME,
        credit_stem=STEM,
        filing_number="开州托备〔2025〕0789",
        house_number=36,
        classes=[ClassSpec("托小一班", "toddler", 15, 10)],
    )
    User.objects.create_user(
        username=OFFICER,
        password=OFFICER_PASSWORD,
        role=Role.DEPARTMENT_OFFICER,
        department=Department.objects.get(code=DEPARTMENT),
        display_name="市场监管员",
    )
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    return institution, _gps_photo(uploads)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_visitor_reports_anonymously_the_department_answers_and_the_visitor_closes_it(
    complaint_setup, live_server, chromium, output_dir
):
    institution, photo_path = complaint_setup
    for old in output_dir.glob("complaint-*.png"):
        old.unlink()  # an old run's file must not satisfy the existence checks below
    shots: dict[str, Path] = {}
    widths: dict[str, dict] = {}
    watch = Watch()
    base = live_server.url
    reporter_context, rep = open_context(chromium, PHONE, watch)
    visitor_context = officer_context = None
    try:
        # === 1. An anonymous visitor reports a food problem from the institution's page ===============
        rep.goto(f"{base}/institutions/{institution.pk}/", wait_until="load")
        _phone_page(rep, "institution", widths)
        link = f"[data-testid=report-link][href*='/complaints/new/?institution={institution.pk}']"
        assert rep.locator(link).count() == 1
        _shot(rep, output_dir, "phone-01-institution", shots)
        _press(rep, link)
        assert path_of(rep) == "/complaints/new/"
        assert NAME in rep.get_by_test_id("institution").inner_text()
        form = rep.get_by_test_id("report-form")
        assert form.locator("input[name=institution]").input_value() == str(institution.pk)
        form.locator(f"input[name=category][value={CATEGORY}]").check()
        form.locator("textarea[name=description]").fill(DESCRIPTION)
        form.locator("input[name=photos]").set_input_files(str(photo_path))
        anonymous = form.locator("input[name=anonymous][value='1']")
        assert anonymous.is_checked()  # anonymous is the default, and the visitor keeps it
        _phone_page(rep, "report-form", widths)
        _shot(rep, output_dir, "phone-02-report-form", shots)
        _press(rep, "[data-testid=report-form] button[type=submit]")

        # === 2. The done page: the tracking number and the query code, as stored =======================
        assert path_of(rep) == "/complaints/done/", rep.get_by_test_id("form-errors").all_inner_texts()
        number = rep.get_by_test_id("tracking-number").inner_text().strip()
        shown_code = rep.get_by_test_id("query-code").inner_text().strip()
        assert re.fullmatch(r"TS\d{8}-\d{5}", number), number
        code = re.sub(r"\D", "", shown_code)
        assert len(code) == 8, shown_code
        complaint = Complaint.objects.select_related("department").get(tracking_number=number)
        assert complaint.query_code == code
        assert (complaint.category, complaint.status, complaint.institution_id) == (
            CATEGORY,
            ComplaintStatus.ASSIGNED,
            institution.pk,
        )
        assert complaint.department.code == DEPARTMENT
        assert complaint.description == DESCRIPTION
        assert complaint.anonymous and not complaint.reporter_name and not complaint.reporter_phone
        photos = list(ComplaintPhoto.objects.filter(complaint=complaint))
        assert len(photos) == 1 and photos[0].file_kind == "jpeg"
        with photos[0].file.open("rb") as stored:
            stored_bytes = stored.read()
        assert _no_exif(stored_bytes), "the stored photo still carries EXIF (GPS, camera)"
        assert stored_bytes != photo_path.read_bytes()
        _phone_page(rep, "done", widths)
        _shot(rep, output_dir, "phone-03-done", shots)
        # The code is shown once: the done page does not come back.
        rep.goto(f"{base}/complaints/done/", wait_until="load")
        assert path_of(rep) == "/complaints/track/"
        assert code not in rep.content()

        # === 3. A fresh browser: a wrong code shows nothing, the right one shows the case ============
        visitor_context, vis = open_context(chromium, PHONE, watch)
        vis.goto(f"{base}/complaints/track/", wait_until="load")
        assert vis.get_by_test_id("lookup-error").count() == 0
        wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
        vis.fill("[data-testid=track-form] input[name=tracking_number]", number)
        vis.fill("[data-testid=track-form] input[name=query_code]", wrong)
        _press(vis, "[data-testid=track-form] button[type=submit]")
        assert path_of(vis) == "/complaints/track/"
        assert vis.get_by_test_id("lookup-error").is_visible()
        assert vis.get_by_test_id("case").count() == 0 and vis.get_by_test_id("timeline").count() == 0
        page_text = vis.content()
        assert DESCRIPTION not in page_text and NAME not in page_text
        _phone_page(vis, "track-wrong-code", widths)
        _shot(vis, output_dir, "phone-04-wrong-code", shots)
        # Without a look-up this session cannot open the case's page either.
        vis.goto(f"{base}/complaints/track/{number}/", wait_until="load")
        assert path_of(vis) == "/complaints/track/"

        vis.fill("[data-testid=track-form] input[name=tracking_number]", number)
        vis.fill("[data-testid=track-form] input[name=query_code]", shown_code)  # as printed, with its space
        _press(vis, "[data-testid=track-form] button[type=submit]")
        track_url = f"/complaints/track/{number}/"
        assert path_of(vis) == track_url
        assert number in vis.get_by_test_id("case").inner_text()
        status = vis.get_by_test_id("status")
        assert f"status-{ComplaintStatus.ASSIGNED}" in status.get_attribute("class")
        assert status.inner_text().strip() == complaint.get_status_display()
        timeline = vis.get_by_test_id("timeline").locator("li")
        assert timeline.count() == len(public_timeline(complaint)) >= 2
        assert vis.get_by_test_id("description").inner_text().strip() == DESCRIPTION
        assert vis.get_by_test_id("photos").locator("img").count() == 1
        assert vis.get_by_test_id("answer").count() == 0 and vis.get_by_test_id("rate").count() == 0
        _phone_page(vis, "track-detail", widths)
        _shot(vis, output_dir, "phone-05-tracked", shots)

        # === 4. The 市场监管 officer takes it up from the queue and answers ===========================
        officer_context, off = open_context(chromium, DESKTOP, watch)
        sign_in_with_password(off, base, OFFICER, OFFICER_PASSWORD)
        assert path_of(off) != "/accounts/login/", "the officer could not sign in"
        _press(off, "header nav a[href='/complaints/queue/']")
        assert path_of(off) == "/complaints/queue/"
        row = off.locator(f"[data-testid=queue-row][data-number='{number}']")
        assert row.count() == 1
        assert NAME in row.inner_text()
        _shot(off, output_dir, "officer-06-queue", shots)
        case_url = f"/complaints/{complaint.pk}/"
        _press(off, f"[data-testid=queue-row][data-number='{number}'] a[href='{case_url}']")
        assert path_of(off) == case_url
        assert off.get_by_test_id("description").inner_text().strip() == DESCRIPTION
        assert (
            off.get_by_test_id("complaint-department")
            .inner_text()
            .strip()
            .startswith(str(complaint.department))
        )
        # The officer's copy of the photo has no location either.
        photo_src = off.get_by_test_id("photos").locator("img").get_attribute("src")
        served = off.request.get(f"{base}{photo_src}")
        assert served.ok and _no_exif(served.body())
        _shot(off, output_dir, "officer-07-case", shots)

        acknowledge = f"{case_url}acknowledge/"
        _press(off, f"[data-testid=actions] form[action='{acknowledge}'] button[type=submit]")
        assert path_of(off) == case_url
        assert off.get_by_test_id("action-errors").count() == 0
        complaint.refresh_from_db()
        assert complaint.status == ComplaintStatus.IN_PROGRESS and complaint.acknowledged_at is not None
        assert off.locator(f"[data-testid=actions] form[action='{acknowledge}']").count() == 0

        answer_url = f"{case_url}answer/"
        answer_form = off.locator(f"[data-testid=actions] form[action='{answer_url}']")
        off.locator(f"[data-testid=actions] details:has(form[action='{answer_url}']) > summary").click()
        answer_form.locator(f"input[name=finding][value={Finding.PARTLY}]").check()
        answer_form.locator("textarea[name=answer]").fill(ANSWER)
        _shot(off, output_dir, "officer-08-answer", shots)
        _press(off, f"[data-testid=actions] form[action='{answer_url}'] button[type=submit]")
        assert path_of(off) == case_url
        assert off.get_by_test_id("action-errors").count() == 0
        complaint.refresh_from_db()
        assert (complaint.status, complaint.finding, complaint.answer) == (
            ComplaintStatus.ANSWERED,
            Finding.PARTLY,
            ANSWER,
        )
        assert off.get_by_test_id("actions").count() == 0  # nothing left to act on
        assert (
            off.get_by_test_id("complaint-status")
            .inner_text()
            .strip()
            .startswith(complaint.get_status_display())
        )

        # === 5. The visitor reads the answer and rates it: the case closes ============================
        vis.reload(wait_until="load")
        assert path_of(vis) == track_url
        assert f"status-{ComplaintStatus.ANSWERED}" in vis.get_by_test_id("status").get_attribute("class")
        answer = vis.get_by_test_id("answer")
        assert ANSWER in answer.inner_text()
        assert complaint.get_finding_display() in answer.inner_text()
        assert vis.get_by_test_id("timeline").locator("li").count() == len(public_timeline(complaint))
        assert ANSWER in vis.get_by_test_id("timeline").inner_text()  # the answer's note is public
        vis.locator("[data-testid=rate] input[name=satisfied][value='1']").check()
        _phone_page(vis, "track-answered", widths)
        _shot(vis, output_dir, "phone-09-answered", shots)
        _press(vis, "[data-testid=rate] button[type=submit]")
        assert path_of(vis) == track_url
        complaint.refresh_from_db()
        assert complaint.status == ComplaintStatus.CLOSED and complaint.satisfied is True
        assert complaint.closed_at is not None
        assert list(complaint.events.order_by("at", "id").values_list("kind", flat=True)) == [
            EventKind.FILED,
            EventKind.ASSIGNED,
            EventKind.ACKNOWLEDGED,
            EventKind.ANSWERED,
            EventKind.RATED,
            EventKind.CLOSED,
        ]
        status = vis.get_by_test_id("status")
        assert f"status-{ComplaintStatus.CLOSED}" in status.get_attribute("class")
        assert status.inner_text().strip() == complaint.get_status_display()
        assert vis.get_by_test_id("rate").count() == 0 and vis.get_by_test_id("add-information").count() == 0
        assert vis.get_by_test_id("answer-due").count() == 0
        assert vis.get_by_test_id("timeline").locator("li").count() == len(public_timeline(complaint))
        _phone_page(vis, "track-closed", widths)
        _shot(vis, output_dir, "phone-10-closed", shots)

        # The officer sees the rating on the case.
        off.reload(wait_until="load")
        assert (
            off.get_by_test_id("complaint-status")
            .inner_text()
            .strip()
            .startswith(complaint.get_status_display())
        )
        _shot(off, output_dir, "officer-11-closed", shots)
    finally:
        for context in (reporter_context, visitor_context, officer_context):
            if context is not None:
                context.close()

    for step, path in shots.items():
        assert path.is_file() and path.stat().st_size > 0, f"no {step} screenshot at {path}"
    assert len(shots) == SHOTS
    assert watch.page_errors == []
    assert watch.console_errors == []
    assert watch.bad_responses == []
    assert set(watch.blocked) <= {f"webrd0{n}.is.autonavi.com" for n in "1234"}, watch.blocked
    for name, width in widths.items():
        assert width["page"] <= width["screen"] + 1, (name, width)


# === A place that is not in the register, reported from where the visitor stands (issue 11) ==========

SMS_PHONE = "13987654321"
PLACE_DESCRIPTION = "小区里有人在家收托十几个孩子，没有任何标识。"


@pytest.fixture
def district(transactional_db, settings, tmp_path):
    """The district and the routing table only: this visitor reports a place, not an institution."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    regions_load_file(path=KAIZHOU_FILE)
    routing_load_file(ROUTING_FILE)
    from tuoyu.regions.models import Unit

    return Unit.objects.get(name="汉丰街道")


def _place_status(page) -> str:
    return page.get_by_test_id("place-status").inner_text().strip()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_grandparent_reports_a_place_with_the_phones_location_and_keeps_the_code(
    district, live_server, chromium, output_dir
):
    """On a phone with the map tiles blocked: the coordinates are never shown; "use where I am now"
    first meets a refusal (a clear message) and then, allowed, puts the phone's own WGS-84 position in
    the form and names the street; no place at all is a clear error; the anonymous reporter asks for
    the code by SMS (one message, the number kept nowhere on the case) and copies the number and saves
    both as a picture on the done page."""
    from tuoyu.core.models import OutboxMessage

    for old in output_dir.glob("report-phone-*.png"):
        old.unlink()
    watch = Watch()
    base = live_server.url
    here = {"latitude": district.center_lat + 0.001, "longitude": district.center_lng + 0.001}
    context, page = open_context(chromium, PHONE, watch)
    try:
        page.goto(f"{base}/complaints/new/", wait_until="load")
        page.wait_for_selector("#place-map.leaflet-container")
        # The map's zoom buttons speak the page's language, not Leaflet's English.
        assert page.locator("#place-map .leaflet-control-zoom-in").get_attribute("title") == "放大"
        form = page.get_by_test_id("report-form")
        # No box of raw numbers for the public: the picker made them hidden inputs.
        assert form.locator("input[name=lat]").get_attribute("type") == "hidden"
        assert form.locator("input[name=lng]").get_attribute("type") == "hidden"
        assert not page.locator("#place-coordinates").is_visible()
        assert page.locator("input[type=number]:visible").count() == 0

        # Sent without a place: the error stands beside the map, in words.
        form.locator("input[name=category][value=unlicensed]").check()
        form.locator("textarea[name=description]").fill(PLACE_DESCRIPTION)
        form.locator("input[name=place_name]").fill("某小区家庭托儿点")
        _press(page, "[data-testid=report-form] button[type=submit]")
        assert path_of(page) == "/complaints/new/"
        assert page.get_by_test_id("place-error").is_visible()
        assert Complaint.objects.count() == 0
        page.wait_for_selector("#place-map.leaflet-container")
        assert page.locator("input[type=number]:visible").count() == 0  # still hidden after the error

        # The phone refuses the location first: a message says so, nothing is filled in.
        locate = page.get_by_test_id("locate-me")
        assert locate.is_visible()
        denied = page.locator("#place-map").get_attribute("data-msg-denied")
        locate.tap()
        page.wait_for_function(
            "text => document.getElementById('place-status').textContent === text", arg=denied
        )
        assert "place-problem" in page.get_by_test_id("place-status").get_attribute("class")
        assert form.locator("input[name=lat]").input_value() == ""
        screenshot(page, output_dir / "report-phone-1-location-refused.png")

        # Allowed: the position goes in as the phone gives it (WGS-84), and the street is named.
        context.grant_permissions(["geolocation"], origin=base)
        context.set_geolocation(here)
        locate.tap()
        page.wait_for_function("() => document.getElementById('id_lat').value !== ''")
        assert form.locator("input[name=lat]").input_value() == f"{here['latitude']:.6f}"
        assert form.locator("input[name=lng]").input_value() == f"{here['longitude']:.6f}"
        assert page.locator("#place-map .picked-marker").count() == 1
        page.wait_for_function(
            "() => document.getElementById('place-status').textContent.includes('汉丰街道')"
        )
        assert "place-problem" not in page.get_by_test_id("place-status").get_attribute("class")
        # The SMS number is for anonymous reporters only: "with my name" puts it away.
        form.locator("input[name=anonymous][value='0']").check()
        assert not page.get_by_test_id("sms-option").is_visible()
        form.locator("input[name=anonymous][value='1']").check()
        assert page.get_by_test_id("sms-option").is_visible()
        form.locator("input[name=sms_phone]").fill(SMS_PHONE)
        screenshot(page, output_dir / "report-phone-2-located.png")
        _press(page, "[data-testid=report-form] button[type=submit]")

        assert path_of(page) == "/complaints/done/", page.get_by_test_id("form-errors").all_inner_texts()
        complaint = Complaint.objects.select_related("unit").get()
        assert complaint.lat == pytest.approx(here["latitude"], abs=1e-6)
        assert complaint.lng == pytest.approx(here["longitude"], abs=1e-6)
        assert complaint.unit == district
        assert complaint.anonymous and complaint.reporter_phone == "" and complaint.reporter_name == ""
        sms = OutboxMessage.objects.filter(recipient=SMS_PHONE)
        assert sms.count() == 1 and complaint.tracking_number in sms.get().body

        # The done page: copy the number (the clipboard holds it) and save both as a picture.
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
        copied = page.get_by_test_id("save-codes").get_attribute("data-msg-copied")
        page.get_by_test_id("copy-number").tap()
        status = page.locator("[data-testid=copy-number] + .copy-status")
        page.wait_for_function(
            "text => document.querySelector('[data-testid=copy-number] + .copy-status').textContent === text",
            arg=copied,
        )
        assert status.inner_text().strip() == copied
        assert page.evaluate("() => navigator.clipboard.readText()") == complaint.tracking_number
        page.get_by_test_id("save-image").tap()
        picture = page.get_by_test_id("codes-picture")
        picture.wait_for()
        assert picture.get_attribute("src").startswith("data:image/png;base64,")
        assert (
            page.evaluate("() => document.querySelector('[data-testid=codes-picture]').naturalWidth") == 720
        )
        download = page.get_by_test_id("download-picture")
        assert download.get_attribute("download") == f"{complaint.tracking_number}.png"
        width = page.evaluate(
            "() => ({page: document.documentElement.scrollWidth, screen: window.innerWidth})"
        )
        assert width["page"] <= width["screen"] + 1, width
        screenshot(page, output_dir / "report-phone-3-done.png")
    finally:
        context.close()

    for name in ("1-location-refused", "2-located", "3-done"):
        assert (output_dir / f"report-phone-{name}.png").stat().st_size > 0
    assert watch.page_errors == []
    assert watch.console_errors == []
    assert watch.bad_responses == []
    assert watch.blocked and set(watch.blocked) <= {f"webrd0{n}.is.autonavi.com" for n in "1234"}, (
        watch.blocked
    )
