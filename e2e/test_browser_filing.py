"""The whole filing journey in a real browser (网上备案, SPEC §2).

An operator registers and files on a phone, the reviewer returns the application on a computer with a
comment on the fire safety proof, the operator corrects it and submits again, the reviewer approves,
the institution appears on the public map and its receipt verifies.

Everything goes through the real pages; Python only seeds the district and the reviewer and reads
the database back to check what the pages claim. The labels are not asserted (their translations
change), only names, values, data-testids and the stored state. Chromium talks only to the live
server, so the location picker's map is grey but still reports taps. Screenshots of every main step
are kept under test-results/browser/filing-*.png for people to look at.
"""

import io
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from PIL import Image
from pypdf import PdfReader
from stdnum.cn import uscc

from e2e.browser import DESKTOP, PHONE, Watch, open_context, path_of, screenshot, sign_in_with_password
from tuoyu.accounts.models import Role, User
from tuoyu.core.workdays import deadline_status
from tuoyu.filings.data import parse_filing_data
from tuoyu.filings.models import Filing, FilingStatus, MaterialKind
from tuoyu.filings.services import filing_missing
from tuoyu.institutions.models import Institution, InstitutionStatus
from tuoyu.regions.models import Department
from tuoyu.regions.services import KAIZHOU_FILE, regions_load_file

NAME = "示例·浏览器测试托育园"
STEM = "91500154MA0000123"
USCC = STEM + uscc.calc_check_digit(STEM)
MOBILE = "13900001234"
OPERATOR_PASSWORD = "a-long-secret-passphrase"
REVIEWER = "reviewer-e2e"
REVIEWER_PASSWORD = "correct-horse-battery-e2e"
FIRE_COMMENT = "消防验收证明不清晰，请重新上传。"
# Kaizhou's extent, and a point in 汉丰街道 to type when a tap lands outside it.
KAIZHOU_LAT = (30.82, 31.70)
KAIZHOU_LNG = (107.92, 108.91)
TYPED_LOCATION = ("31.176", "108.396")

# What the browser types into the filing form: field name -> value (selects by value).
BASIC = {
    "inst-type": "childcare",
    "inst-ownership": "private",
    "inst-unit": "500154001",  # 汉丰街道
    "inst-address": "汉丰街道滨湖路18号",
    "inst-phone": "023-52210018",
    "inst-opens_at": "07:30",
    "inst-closes_at": "17:30",
}
CLASSES = [
    {"name": "托小一班", "age_group": "toddler", "capacity": "15", "enrolled": "5"},
    {"name": "托大一班", "age_group": "preschool", "capacity": "20", "enrolled": "8"},
]
FEE = {"service_type": "full_day", "amount": "1500", "period": "month", "price_type": "market"}
STAFF = {"total": "9", "caregivers": "6", "certified_caregivers": "5", "health_staff": "1"}
MATERIALS = [  # (kind, file name, tick 合格)
    (MaterialKind.BUSINESS_LICENCE, "营业执照.pdf", False),
    (MaterialKind.STAFF_QUALIFICATION, "资格证书.pdf", False),
    (MaterialKind.STAFF_HEALTH, "健康证明.pdf", False),
    (MaterialKind.FIRE_SAFETY, "消防安全.pdf", False),
    (MaterialKind.HYGIENE_REPORT, "卫生评价报告.pdf", True),
    (MaterialKind.PREMISES_OWN, "产权证明.pdf", False),
]


def _shot(page, folder: Path, name: str, shots: dict[str, Path], *, full_page: bool = True) -> None:
    path = folder / f"filing-{name}.png"
    screenshot(page, path, full_page=full_page)
    shots[name] = path


def _press(page, selector: str) -> None:
    """Click a submit button or link and wait for the page the server answers with."""
    with page.expect_navigation(wait_until="load"):
        page.click(selector)


def _press_key(page, selector: str) -> None:
    """Press a submit button with the keyboard (Enter) and wait for the server's answer.

    Used on the filing form on a phone: its classes and fees fieldsets are wider than the screen (see
    test_the_filing_form_fits_a_phone), so Chromium's mobile layout viewport grows past the visual one
    and a click's coordinates land on the wrong element. The keyboard needs no coordinates, and the
    button still submits itself (name=action, value=…) as the form's submitter.
    """
    with page.expect_navigation(wait_until="load"):
        page.locator(selector).press("Enter")


def _tick(page, selector: str) -> None:
    """Tick a checkbox with the keyboard (Space), for the same reason as _press_key()."""
    box = page.locator(selector)
    if not box.is_checked():
        box.focus()
        box.press("Space")
    assert box.is_checked(), selector


def _make_pdf(folder: Path, name: str, colour: str = "white") -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), colour).save(buffer, format="PDF")
    path = folder / name
    path.write_bytes(buffer.getvalue())
    return path


def _upload(page, kind: str, path: Path, *, hygiene_passed: bool = False) -> None:
    page.select_option("#id_kind", kind)
    page.set_input_files("#id_file", str(path))
    if hygiene_passed:
        page.check("#id_hygiene_passed")
    _press(page, "main form[enctype='multipart/form-data'] button[type=submit]")


def _fill_class(page, index: int, row: dict) -> None:
    page.fill(f"[name=classes-{index}-name]", row["name"])
    page.select_option(f"[name=classes-{index}-age_group]", row["age_group"])
    page.fill(f"[name=classes-{index}-capacity]", row["capacity"])
    page.fill(f"[name=classes-{index}-enrolled]", row["enrolled"])


PHONE_LAYOUT_JS = """() => {
    const screen = window.visualViewport;
    const bar = document.querySelector('.sticky-actions').getBoundingClientRect();
    return {
        screen_width: Math.round(screen.width),
        page_width: document.documentElement.scrollWidth,
        wide_fieldsets: Array.from(document.querySelectorAll('main fieldset'))
            .filter(f => f.getBoundingClientRect().width > screen.width)
            .map(f => f.querySelector('legend').textContent.trim() + ': ' + Math.round(f.getBoundingClientRect().width) + 'px'),
        tables_scroll_inside: Array.from(document.querySelectorAll('table.formset'))
            .map(t => t.scrollWidth > t.clientWidth + 1),
        bar_on_screen: bar.top >= screen.offsetTop && bar.bottom <= screen.offsetTop + screen.height + 1,
    };
}"""


def _phone_layout(page) -> dict:
    """How the filing form sits on the phone's screen, half way down (the classes table in view)."""
    page.locator("[name=classes-0-name]").scroll_into_view_if_needed()
    return page.evaluate(PHONE_LAYOUT_JS)


def _pick_location(page) -> tuple[float, float]:
    """Tap the middle of the location picker; type the coordinates if the tap lands outside Kaizhou."""
    page.wait_for_selector("#pick-map.leaflet-container")
    page.locator("#pick-map").scroll_into_view_if_needed()
    box = page.locator("#pick-map").bounding_box()
    assert box and box["width"] > 100 and box["height"] > 100, f"the map is too small to tap: {box}"
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => document.getElementById('id_inst-lat').value !== ''", timeout=5_000)
    lat, lng = float(page.input_value("#id_inst-lat")), float(page.input_value("#id_inst-lng"))
    assert page.locator("#pick-map .picked-marker").count() == 1
    if not (KAIZHOU_LAT[0] < lat < KAIZHOU_LAT[1] and KAIZHOU_LNG[0] < lng < KAIZHOU_LNG[1]):
        page.fill("#id_inst-lat", TYPED_LOCATION[0])
        page.fill("#id_inst-lng", TYPED_LOCATION[1])
        lat, lng = float(TYPED_LOCATION[0]), float(TYPED_LOCATION[1])
    return lat, lng


@pytest.fixture
def journey_setup(transactional_db, settings, tmp_path):
    """The district and a reviewer of the health commission; uploads go to tmp_path, never var/."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    regions_load_file(path=KAIZHOU_FILE)
    User.objects.create_user(
        username=REVIEWER,
        password=REVIEWER_PASSWORD,
        role=Role.HC_REVIEWER,
        department=Department.objects.get(code="KZ-WJW"),
        display_name="审核员",
    )
    files = tmp_path / "uploads"
    files.mkdir()
    return files


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_operator_files_reviewer_returns_then_approves_and_the_receipt_verifies(
    journey_setup, live_server, chromium, output_dir, tmp_path
):
    files = journey_setup
    for old in output_dir.glob("filing-*.png"):
        old.unlink()  # an old run's file must not satisfy the existence checks below
    shots: dict[str, Path] = {}
    watch = Watch()
    base = live_server.url
    operator_context, op = open_context(chromium, PHONE, watch)
    reviewer_context = public_context = None
    try:
        # === 1. The operator opens an account on a phone ==============================================
        op.goto(f"{base}/filings/register/", wait_until="load")
        assert op.get_attribute("html", "lang") == "zh-hans"
        op.fill("#id_name", NAME)
        op.select_option("#id_registration_body", "enterprise")
        op.fill("#id_uscc", USCC)
        op.fill("#id_legal_representative", "张敏")
        op.fill("#id_phone", MOBILE)
        op.fill("#id_password", OPERATOR_PASSWORD)
        op.fill("#id_password2", OPERATOR_PASSWORD)
        _shot(op, output_dir, "phone-01-register", shots)
        _press(op, "main form button[type=submit]")
        filing = Filing.objects.get(applicant__username=USCC)
        edit_url = f"{base}/filings/{filing.pk}/edit/"
        assert path_of(op) == f"/filings/{filing.pk}/edit/"
        assert filing.status == FilingStatus.DRAFT
        op.wait_for_selector("#pick-map .leaflet-control-zoom-in")
        assert op.locator("#pick-map .leaflet-control-zoom-in").get_attribute("title") == "放大"
        # What was typed at registration is already in the form.
        assert op.input_value("#id_inst-name") == NAME
        assert op.input_value("#id_inst-uscc") == USCC

        # === 2. The filing form: basic information, location, classes, fees, staff, pledge ============
        for name, value in BASIC.items():
            if op.locator(f"select[name='{name}']").count():
                op.select_option(f"select[name='{name}']", value)
            else:
                op.fill(f"[name='{name}']", value)
        _tick(op, "[name=inst-offers_full_day]")
        lat, lng = _pick_location(op)
        assert KAIZHOU_LAT[0] < lat < KAIZHOU_LAT[1] and KAIZHOU_LNG[0] < lng < KAIZHOU_LNG[1]
        _fill_class(op, 0, CLASSES[0])
        # 添加班级 saves what was typed and comes back with one more row.
        _press_key(op, "button[name=action][value=add_class]")
        assert path_of(op) == f"/filings/{filing.pk}/edit/"
        assert op.locator("[name=classes-1-name]").count() == 1
        assert op.input_value("[name=classes-0-name]") == CLASSES[0]["name"]
        assert op.input_value("[name=classes-0-capacity]") == CLASSES[0]["capacity"]
        assert op.input_value("[name=inst-address]") == BASIC["inst-address"]
        assert op.input_value("#id_inst-lat") and op.input_value("#id_inst-lng")
        _fill_class(op, 1, CLASSES[1])
        for key, value in FEE.items():
            if key in ("service_type", "period", "price_type"):
                op.select_option(f"[name=fees-0-{key}]", value)
            else:
                op.fill(f"[name=fees-0-{key}]", value)
        for key, value in STAFF.items():
            op.fill(f"[name=staff-{key}]", value)
        _tick(op, "[name=pledge]")
        # Half way down the form on the phone: what is on the screen, with the sticky save/submit bar.
        print("filing form on a phone:", _phone_layout(op))  # asserted in test_the_filing_form_fits_a_phone
        _shot(op, output_dir, "phone-02-form-viewport", shots, full_page=False)
        _shot(op, output_dir, "phone-03-form-filled", shots)

        # 保存草稿, and the draft resumes with everything in it.
        _press_key(op, "button[name=action][value=save]")
        assert path_of(op) == f"/filings/{filing.pk}/edit/"
        for name, value in BASIC.items():
            assert op.input_value(f"[name='{name}']") == value, name
        assert op.is_checked("[name=inst-offers_full_day]")
        assert float(op.input_value("#id_inst-lat")) == pytest.approx(lat, abs=1e-6)
        assert float(op.input_value("#id_inst-lng")) == pytest.approx(lng, abs=1e-6)
        for index, row in enumerate(CLASSES):
            for key, value in row.items():
                assert op.input_value(f"[name=classes-{index}-{key}]") == value, (index, key)
        for key, value in FEE.items():
            assert op.input_value(f"[name=fees-0-{key}]") == value, key
        for key, value in STAFF.items():
            assert op.input_value(f"[name=staff-{key}]") == value, key
        assert op.is_checked("[name=pledge]")
        filing.refresh_from_db()
        assert filing.status == FilingStatus.DRAFT and filing.pledge_accepted_at is not None
        assert [c["name"] for c in filing.data["classes"]] == [c["name"] for c in CLASSES]
        assert parse_filing_data(filing.data)[1] == {}, "the typed form should be complete and valid"
        _shot(op, output_dir, "phone-04-draft-resumed", shots)

        # 提交备案 without materials: the page lists exactly what is missing, all of it materials.
        _press_key(op, "button[name=action][value=submit]")
        missing = op.get_by_test_id("missing")
        assert missing.is_visible()
        expected_missing = filing_missing(filing)
        assert len(expected_missing) == len(MATERIALS)  # five required materials and the premises proof
        assert missing.locator("li").count() == len(expected_missing)
        filing.refresh_from_db()
        assert filing.status == FilingStatus.DRAFT and filing.version == 0
        _shot(op, output_dir, "phone-05-missing", shots)

        # === 3. The materials: real PDF files through the file input ===================================
        op.click(f"nav.steps a[href='/filings/{filing.pk}/materials/']")
        op.wait_for_url(f"**/filings/{filing.pk}/materials/")
        for kind, file_name, passed in MATERIALS:
            _upload(op, kind, _make_pdf(files, file_name), hygiene_passed=passed)
            assert path_of(op) == f"/filings/{filing.pk}/materials/"
            assert op.locator("[role=alert]").count() == 0, op.locator("[role=alert]").all_inner_texts()
        stored = {m.kind: m for m in filing.materials.filter(superseded=False)}
        assert set(stored) == {kind for kind, _, _ in MATERIALS}
        assert stored[MaterialKind.HYGIENE_REPORT].hygiene_passed is True
        for material in stored.values():
            assert material.file_kind == "pdf"
            assert Path(material.file.path).is_relative_to(tmp_path), "uploads must not go to var/"
        links = op.get_by_test_id("materials").locator("a[href*='/materials/']")
        assert links.count() == len(MATERIALS)
        _shot(op, output_dir, "phone-06-materials", shots)

        op.goto(edit_url, wait_until="load")
        _press_key(op, "button[name=action][value=submit]")
        assert path_of(op) == f"/filings/{filing.pk}/"
        filing.refresh_from_db()
        assert filing.status == FilingStatus.SUBMITTED and filing.version == 1
        assert f"status-{filing.status}" in op.get_by_test_id("filing-status").get_attribute("class")
        _shot(op, output_dir, "phone-07-submitted", shots)

        # === 4. The reviewer, on a computer: queue, review page, a material, return with a comment ====
        reviewer_context, rv = open_context(chromium, DESKTOP, watch)
        sign_in_with_password(rv, base, REVIEWER, REVIEWER_PASSWORD)
        assert path_of(rv) != "/accounts/login/", "the reviewer could not sign in"
        rv.goto(f"{base}/filings/review/", wait_until="load")
        row = rv.get_by_test_id("queue").locator("tbody tr", has_text=NAME)
        assert row.count() == 1
        decision_cell = row.locator("td").nth(2).inner_text()
        days_left = deadline_status(due=filing.due_on).days_left
        assert filing.due_on.isoformat() in decision_cell
        after_date = decision_cell.split(filing.due_on.isoformat(), 1)[1]
        assert re.findall(r"\d+", after_date) == [str(days_left)], decision_cell
        _shot(rv, output_dir, "desktop-08-queue", shots)

        _press(rv, f"a[href='/filings/review/{filing.pk}/']")
        assert re.findall(r"\d+", rv.get_by_test_id("filing-status").inner_text()) == [str(filing.version)]
        frames = rv.locator("section iframe.pdf-view")
        assert frames.count() == len(MATERIALS)
        fire = stored[MaterialKind.FIRE_SAFETY]
        fire_url = f"/filings/{filing.pk}/materials/{fire.pk}/"
        assert rv.locator(f"iframe.pdf-view[src='{fire_url}']").count() == 1
        served = rv.request.get(base + fire_url)
        assert served.status == 200
        assert served.headers["content-type"] == "application/pdf"
        assert served.body().startswith(b"%PDF")
        # The reviewer's "Open" link leads to the same file.
        fire_item = rv.locator("details.material-view", has=rv.locator(f"iframe.pdf-view[src='{fire_url}']"))
        assert fire_item.locator(f"a[href='{fire_url}']").count() == 1
        # Each material folds open with its own comment box beneath it.
        if fire_item.get_attribute("open") is None:
            fire_item.locator("summary").click()
        comment = fire_item.locator("textarea[name=comment-fire]")
        assert comment.is_visible()
        comment.fill(FIRE_COMMENT)
        _shot(rv, output_dir, "desktop-09-review", shots)
        _press(rv, "button[name=decision][value=return]")
        assert path_of(rv) == "/filings/review/"
        filing.refresh_from_db()
        assert filing.status == FilingStatus.RETURNED
        assert list(filing.comments.values_list("item", "text")) == [("fire", FIRE_COMMENT)]

        # === 5. The operator sees the comment, replaces the fire safety proof and submits again ========
        op.goto(edit_url, wait_until="load")
        assert FIRE_COMMENT in op.locator("main").inner_text()
        for key, value in STAFF.items():  # the returned application still holds what was filed
            assert op.input_value(f"[name=staff-{key}]") == value
        _shot(op, output_dir, "phone-10-returned", shots)
        op.goto(f"{base}/filings/{filing.pk}/materials/", wait_until="load")
        assert FIRE_COMMENT in op.locator("main").inner_text()
        _upload(op, MaterialKind.FIRE_SAFETY, _make_pdf(files, "消防安全-补正.pdf", "grey"))
        new_fire = filing.materials.get(kind=MaterialKind.FIRE_SAFETY, superseded=False)
        assert new_fire.pk != fire.pk and new_fire.original_name == "消防安全-补正.pdf"
        op.goto(edit_url, wait_until="load")
        _press_key(op, "button[name=action][value=submit]")
        assert path_of(op) == f"/filings/{filing.pk}/"
        filing.refresh_from_db()
        assert filing.status == FilingStatus.SUBMITTED and filing.version == 2
        assert f"status-{filing.status}" in op.get_by_test_id("filing-status").get_attribute("class")
        _shot(op, output_dir, "phone-11-resubmitted", shots)

        # === 6. The reviewer approves ==================================================================
        rv.goto(f"{base}/filings/review/{filing.pk}/", wait_until="load")
        assert (
            rv.locator(f"iframe.pdf-view[src='/filings/{filing.pk}/materials/{new_fire.pk}/']").count() == 1
        )
        _press(rv, "button[name=decision][value=approve]")
        assert path_of(rv) == "/filings/review/"
        filing.refresh_from_db()
        assert filing.status == FilingStatus.APPROVED and filing.filing_number and filing.receipt_code
        assert rv.get_by_test_id("queue").locator("tbody tr", has_text=NAME).count() == 0
        _shot(rv, output_dir, "desktop-12-queue-after-approval", shots)
        rv.goto(f"{base}/filings/{filing.pk}/", wait_until="load")
        assert rv.get_by_test_id("filing-number").inner_text() == filing.filing_number
        assert f"status-{filing.status}" in rv.get_by_test_id("filing-status").get_attribute("class")
        _shot(rv, output_dir, "desktop-13-approved", shots)

        institution = Institution.objects.get(uscc=USCC)
        assert institution.status == InstitutionStatus.FILED
        assert institution.filing_number == filing.filing_number
        assert institution.capacity_total == sum(int(c["capacity"]) for c in CLASSES)

        # The operator downloads the receipt.
        op.goto(f"{base}/filings/{filing.pk}/", wait_until="load")
        assert op.get_by_test_id("receipt-link").is_visible()
        receipt = op.request.get(f"{base}/filings/{filing.pk}/receipt.pdf")
        assert receipt.status == 200 and receipt.headers["content-type"] == "application/pdf"
        assert receipt.body().startswith(b"%PDF")
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(receipt.body())).pages)
        assert filing.filing_number in re.sub(r"\s+", "", text)
        _shot(op, output_dir, "phone-14-approved", shots)

        # === 7. Anyone, on a phone: the map, the institution's page, the receipt's verification =======
        public_context, pub = open_context(chromium, PHONE, watch)
        pub.goto(f"{base}/institutions/", wait_until="load")
        pub.wait_for_selector(".inst-marker")
        listed = pub.locator("li.result")
        assert listed.count() == pub.locator(".inst-marker").count() == 1  # the only filed institution
        ours = pub.locator(f"li.result[data-id='{institution.pk}']")
        assert ours.locator("a.result-name").inner_text() == NAME
        _shot(pub, output_dir, "phone-15-search", shots)
        _press(pub, f"li.result[data-id='{institution.pk}'] a.result-name")
        assert path_of(pub) == f"/institutions/{institution.pk}/"
        assert pub.get_by_test_id("filing-number").inner_text() == filing.filing_number
        pub.wait_for_selector(".inst-marker")
        _shot(pub, output_dir, "phone-16-institution", shots)
        pub.goto(f"{base}/filings/verify/{filing.receipt_code}/", wait_until="load")
        result = pub.get_by_test_id("verify-result")
        assert result.get_attribute("data-result") == "valid"
        assert filing.filing_number in result.inner_text()
        _shot(pub, output_dir, "phone-17-verify", shots)
    finally:
        for context in (operator_context, reviewer_context, public_context):
            if context is not None:
                context.close()

    for step, path in shots.items():
        assert path.is_file() and path.stat().st_size > 0, f"no {step} screenshot at {path}"
    assert len(shots) == 17
    assert watch.page_errors == []
    assert watch.console_errors == []
    assert watch.bad_responses == []
    assert set(watch.blocked) <= {f"webrd0{n}.is.autonavi.com" for n in "1234"}, watch.blocked
    history = list(filing.events.values_list("to_status", flat=True))
    assert history == ["submitted", "returned", "submitted", "approved"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_filing_form_fits_a_phone(journey_setup, live_server, chromium, output_dir):
    """The filing form on a phone: no sideways scrolling, wide tables scroll in their own box, and the
    save/submit bar stays on the screen."""
    from tuoyu.filings.services import operator_register

    operator_register(
        uscc=USCC,
        registration_body="enterprise",
        name=NAME,
        legal_representative="张敏",
        phone=MOBILE,
        password=OPERATOR_PASSWORD,
    )
    watch = Watch()
    context, page = open_context(chromium, PHONE, watch)
    try:
        page.goto(f"{live_server.url}/accounts/login/", wait_until="load")
        page.fill("#id_username", USCC)
        page.fill("#id_password", OPERATOR_PASSWORD)
        _press(page, "main form button[type=submit]")
        page.goto(f"{live_server.url}/filings/{Filing.objects.get().pk}/edit/", wait_until="load")
        layout = _phone_layout(page)
    finally:
        context.close()
    assert layout["wide_fieldsets"] == []
    assert layout["page_width"] <= layout["screen_width"]
    assert layout["bar_on_screen"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_reviewer_sees_a_pdf_material_inline(journey_setup, live_server, chromium):
    """On the review page every PDF material opens in its frame, in the browser's PDF viewer."""
    from tuoyu.filings.services import filing_save_draft, filing_submit, operator_register
    from tuoyu.filings.tests.conftest import complete_data, upload_all

    user, filing = operator_register(
        uscc=USCC,
        registration_body="enterprise",
        name=NAME,
        legal_representative="张敏",
        phone=MOBILE,
        password=OPERATOR_PASSWORD,
    )
    filing_save_draft(filing=filing, by=user, data=complete_data(USCC, NAME), pledge=True)
    upload_all(filing, user)
    filing_submit(filing=filing, by=user)
    watch = Watch()
    context, page = open_context(chromium, DESKTOP, watch)
    try:
        sign_in_with_password(page, live_server.url, REVIEWER, REVIEWER_PASSWORD)
        page.goto(f"{live_server.url}/filings/review/{filing.pk}/", wait_until="load")
        frames = page.locator("iframe.pdf-view")
        assert frames.count() == filing.materials.filter(superseded=False, file_kind="pdf").count() > 0
        shown = []
        for index in range(frames.count()):
            frame = frames.nth(index)
            content = frame.element_handle().content_frame()
            shown.append(
                (
                    urlparse(content.url).path == frame.get_attribute("src"),
                    content.evaluate("() => document.contentType"),
                )
            )
    finally:
        context.close()
    assert shown == [(True, "application/pdf")] * len(shown)
