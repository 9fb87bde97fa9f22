"""The whole booking journey in a real browser (入托网上约, SPEC §3), on a phone, as a grandparent finishes
it without help (issue 11).

A family signs in with the SMS code and lands on an empty 我的办件; from an institution's booking page it
adds a child and comes back there with the child chosen; it books a visit in two steps (which child, the
day, time and address, then Confirm) and sees it in 我的办件 with its next step; it applies for a place
in the 托小班, the institution accepts, and 我的办件 shows the place with its start day and history; on
the public search page the institution's free places in that age group (in the list and on the map's
marker) drop by exactly one. Map tiles are blocked; any JavaScript error fails the test.

Python only seeds the district, the filed institution, its operator and a published visit slot, reads
the sign-in code from the outbox (the test SMS adapter writes nothing else) and reads the database
back to check what the pages claim. The labels are not asserted (their translations are being
written), only names, values, data-testids, URLs and the stored state. Chromium talks only to the
live server. Screenshots of every step are kept under test-results/browser/booking-*.png.
"""

import json
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from stdnum.cn import ric

from e2e.browser import PHONE, Watch, open_context, path_of, screenshot
from e2e.seed import filed_institution
from tuoyu.accounts.models import Role, User
from tuoyu.bookings.models import (
    Application,
    ApplicationStatus,
    Child,
    Enrolment,
    EnrolmentStatus,
    Visit,
    VisitStatus,
)
from tuoyu.bookings.services import visit_slot_create
from tuoyu.core.models import OutboxMessage
from tuoyu.institutions.models import AgeGroup, ClassGroup, Institution, InstitutionMembership
from tuoyu.institutions.services import ClassSpec
from tuoyu.regions.services import KAIZHOU_FILE, regions_load_file

NAME = "示例·入托浏览器测试托育园"
STEM = "91500154MA0000456"
OPERATOR = "operator-booking-e2e"
OPERATOR_PASSWORD = "a-long-operator-passphrase"
MOBILE = "13712345678"
CHILD_NAME = "小雨"
# 托小班 (toddler, 12–24 months) with free places, and a 托大班 beside it that must not move.
CLASSES = [ClassSpec("托小一班", "toddler", 15, 10), ClassSpec("托大一班", "preschool", 20, 18)]
TODDLER = "toddler"
SHOTS = 11


def _months_before(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 - months, 12)
    return date(day.year + year, month + 1, min(day.day, 28))


def _id_number(birth: date) -> str:
    """A resident ID number of Kaizhou for a boy born on `birth` (sequence 123: odd is a boy). stdnum
    computes the check digit from the whole number, so the stem gets a placeholder digit first."""
    stem = "500154" + birth.strftime("%Y%m%d") + "123"
    return stem + ric.calc_check_digit(stem + "0")


def _shot(page, folder: Path, name: str, shots: dict[str, Path]) -> None:
    path = folder / f"booking-{name}.png"
    screenshot(page, path, full_page=True)
    shots[name] = path


def _press(page, selector: str) -> None:
    """Tap a submit button or link and wait for the page the server answers with."""
    with page.expect_navigation(wait_until="load"):
        page.locator(selector).tap()


PHONE_LAYOUT_JS = """() => {
    const screen = window.visualViewport;
    const small = [];
    for (let el of document.querySelectorAll('main :is(a, button, input, select, textarea, summary)')) {
        // A radio button or checkbox is tapped through its label.
        if (el.type === 'radio' || el.type === 'checkbox') el = el.closest('label') || el;
        const box = el.getBoundingClientRect();
        if (!box.width || !box.height || el.type === 'hidden') continue;
        if (box.height < 44 && !(el.tagName === 'A' && el.closest('p, li, td, dd'))) {
            const input = el.tagName === 'LABEL' ? el.querySelector('input') : el;
            small.push(el.tagName.toLowerCase() + (input.name ? '[name=' + input.name + ']' : '') + ' '
                + Math.round(box.width) + 'x' + Math.round(box.height));
        }
    }
    const ids = {};
    for (const el of document.querySelectorAll('[id]')) ids[el.id] = (ids[el.id] || 0) + 1;
    return {
        screen_width: Math.round(screen.width),
        page_width: document.documentElement.scrollWidth,
        small_targets: small,
        duplicate_ids: Object.keys(ids).filter(id => ids[id] > 1),
    };
}"""


def _layout(page, name: str, layouts: dict) -> None:
    """What the page looks like on the phone, for the report (printed, and asserted only for width)."""
    layouts[name] = page.evaluate(PHONE_LAYOUT_JS)


def _search_row(page, institution: Institution) -> tuple[list[int], int]:
    """The public search page: the free places per age group in the institution's list row (in the
    order of the age groups it has), and the free places its map marker carries."""
    page.wait_for_selector(".inst-marker")
    row = page.locator(f"li.result[data-id='{institution.pk}']")
    assert row.count() == 1
    numbers = []
    for text in row.locator("p.vacancies .vac").all_inner_texts():
        found = re.findall(r"\d+", text)
        assert found, text
        numbers.append(int(found[-1]))
    markers = json.loads(page.locator("#map-markers").text_content())
    ours = [m for m in markers if m["id"] == institution.pk]
    assert len(ours) == 1, markers
    return numbers, ours[0]["vacancies"]


def _free_by_group(institution: Institution) -> list[tuple[str, int]]:
    """The same numbers from the database, in the page's order (the national order of age groups)."""
    free: dict[str, int] = {}
    for c in ClassGroup.objects.filter(institution=institution):
        free[c.age_group] = free.get(c.age_group, 0) + c.capacity - c.enrolled
    return [(g, free[g]) for g in AgeGroup.values if g in free]


@pytest.fixture
def booking_setup(transactional_db):
    """The district; a filed institution with a 托小班 and a 托大班 that have free places; its operator;
    and a visit time published for tomorrow morning."""
    regions_load_file(path=KAIZHOU_FILE)
    institution = filed_institution(
        name=NAME, credit_stem=STEM, filing_number="开州托备〔2025〕0456", house_number=28, classes=CLASSES
    )
    operator = User.objects.create_user(
        username=OPERATOR, password=OPERATOR_PASSWORD, role=Role.INSTITUTION_OPERATOR, display_name="园长"
    )
    InstitutionMembership.objects.create(institution=institution, user=operator)
    tomorrow = timezone.localdate() + timedelta(days=1)
    slot = visit_slot_create(
        institution=institution,
        by=operator,
        starts_at=timezone.make_aware(datetime.combine(tomorrow, time(9, 30))),
        ends_at=timezone.make_aware(datetime.combine(tomorrow, time(10, 30))),
        capacity=5,
        note="请从南门进",
    )
    return institution, slot


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_family_signs_in_books_a_visit_applies_and_the_accepted_place_leaves_the_map(
    booking_setup, live_server, chromium, output_dir
):
    institution, slot = booking_setup
    for old in output_dir.glob("booking-*.png"):
        old.unlink()  # an old run's file must not satisfy the existence checks below
    shots: dict[str, Path] = {}
    layouts: dict[str, dict] = {}
    watch = Watch()
    base = live_server.url
    today = timezone.localdate()
    start = today + timedelta(days=7)
    birth = _months_before(start, 16)  # 16 months old on the start date: fits the 托小班 (12–24 months)
    id_number = _id_number(birth)
    toddler_index = [g for g, _ in _free_by_group(institution)].index(TODDLER)
    booking_url = f"/bookings/institutions/{institution.pk}/"
    family_context, fam = open_context(chromium, PHONE, watch)
    operator_context = None
    try:
        # === 1. The family signs in with the code sent by SMS and lands on 我的办件, empty ==============
        fam.goto(f"{base}/accounts/login/phone/", wait_until="load")
        assert fam.get_attribute("html", "lang") == "zh-hans"
        fam.fill("#id_phone", MOBILE)
        _shot(fam, output_dir, "phone-01-sign-in", shots)
        _press(fam, "main form button[type=submit]")
        sms = list(OutboxMessage.objects.filter(channel="sms", recipient=MOBILE))
        assert len(sms) == 1
        code = re.findall(r"(?<!\d)\d{6}(?!\d)", sms[0].body)
        assert len(code) == 1, sms[0].body
        assert fam.locator("input[name=phone][type=hidden]").first.input_value() == MOBILE
        fam.fill("#id_code", code[0])
        _press(fam, "main form:has(input[name=code]) button[type=submit]")
        family = User.objects.get(phone=MOBILE)
        assert family.role == Role.FAMILY
        assert path_of(fam) == "/mine/"  # a family lands on 我的办件 (issue 11)
        empty = fam.get_by_test_id("mine-empty")
        assert empty.is_visible()
        assert empty.locator("a[href='/complaints/new/']").count() == 1  # where to report a problem
        _layout(fam, "mine-empty", layouts)
        _shot(fam, output_dir, "phone-02-mine-empty", shots)

        # === 2. The public search page, the institution's page, its booking panel =====================
        fam.goto(f"{base}/institutions/", wait_until="load")
        first_list, first_marker = _search_row(fam, institution)
        assert first_list == [n for _, n in _free_by_group(institution)]
        assert first_marker == institution.capacity_total - institution.enrolled_total
        _press(fam, f"li.result[data-id='{institution.pk}'] a.result-name")
        assert path_of(fam) == f"/institutions/{institution.pk}/"
        panel = fam.get_by_test_id("booking-panel")
        assert panel.locator(f"a[href='{booking_url}']").count() == 1
        _press(fam, f"[data-testid=booking-panel] a[href='{booking_url}']")
        assert path_of(fam) == booking_url

        # === 3. No child yet: add one from here and come back here, with the child chosen ==============
        _press(fam, "[data-testid=add-child-link]")
        assert path_of(fam) == "/bookings/children/new/"
        fam.fill("#add-child [name=name]", CHILD_NAME)
        fam.locator("#add-child [name=sex][value=M]").check()
        fam.fill("#add-child [name=birth_date]", birth.isoformat())
        fam.fill("#add-child [name=id_number]", id_number)
        _layout(fam, "add-child", layouts)
        _shot(fam, output_dir, "phone-03-add-child", shots)
        _press(fam, "#add-child button[type=submit]")
        errors = fam.locator("#add-child [role=alert]").all_inner_texts()
        assert errors == [], errors
        child = Child.objects.get(family=family)
        assert (child.name, child.sex, child.birth_date, child.id_number) == (
            CHILD_NAME,
            "M",
            birth,
            id_number,
        )
        assert path_of(fam) == booking_url  # back where the family was
        assert fam.url.endswith(f"?child={child.pk}")
        assert CHILD_NAME in fam.locator(".messages .message.success").inner_text()
        assert id_number not in fam.content()
        toddler_row = fam.get_by_test_id("groups").locator(f"tr[data-group='{TODDLER}']")
        assert toddler_row.locator(".vac").get_attribute("data-free") == str(first_list[toddler_index])
        assert fam.get_by_test_id(f"fit-{TODDLER}").locator(".fit.yes").count() == 1
        _layout(fam, "booking-page", layouts)
        _shot(fam, output_dir, "phone-04-back-on-the-booking-page", shots)

        # === 4. Book the visit: choose the child, read the day, time and address, then confirm =========
        _press(fam, f"[data-testid=book-slot][data-slot='{slot.pk}']")
        assert path_of(fam) == f"{booking_url}visits/{slot.pk}/"
        assert Visit.objects.count() == 0  # nothing is booked before "Confirm"
        facts = fam.get_by_test_id("visit-facts")
        assert facts.get_by_test_id("visit-time").inner_text().strip() == "09:30–10:30"
        assert institution.address in facts.get_by_test_id("visit-address").inner_text()
        assert (
            str(slot.starts_at.astimezone(timezone.get_current_timezone()).day)
            in facts.get_by_test_id("visit-day").inner_text()
        )
        form = fam.get_by_test_id("visit-confirm")
        assert form.locator(f"input[name=child][value='{child.pk}']").is_checked()
        assert form.locator("input[name=child][value='']").count() == 1  # "just looking" is a choice too
        _layout(fam, "visit-confirm", layouts)
        _shot(fam, output_dir, "phone-05-visit-confirm", shots)
        _press(fam, "[data-testid=visit-confirm] button[type=submit]")
        assert path_of(fam) == "/mine/"
        assert fam.locator(".messages .message.success").count() == 1
        visit = Visit.objects.get(family=family)
        assert (visit.slot_id, visit.child_id, visit.status) == (slot.pk, child.pk, VisitStatus.BOOKED)
        slot.refresh_from_db()
        assert slot.booked == 1
        card = fam.locator(f"[data-testid=matter][data-kind=visit][data-pk='{visit.pk}']")
        assert card.get_attribute("data-status") == VisitStatus.BOOKED
        step = card.get_by_test_id("next-step")
        assert (
            step.get_attribute("data-due")
            == slot.starts_at.astimezone(timezone.get_current_timezone()).date().isoformat()
        )
        assert institution.address in step.inner_text() and "09:30" in step.inner_text()
        assert (
            fam.get_by_test_id("mine-yours").locator(f"[data-pk='{visit.pk}']").count() == 1
        )  # the family's turn
        _layout(fam, "mine-visit", layouts)
        _shot(fam, output_dir, "phone-06-mine-visit", shots)

        # === 5. Apply for a place from the booking page ===============================================
        fam.goto(f"{base}{booking_url}", wait_until="load")
        assert fam.get_by_test_id("slots").locator(".slot .status-booked").count() == 1  # no second booking
        assert fam.locator(f"[data-testid=book-slot][data-slot='{slot.pk}']").count() == 0
        form = fam.get_by_test_id("apply-form")
        form.locator("select[name=child]").select_option(str(child.pk))
        form.locator("select[name=age_group]").select_option(TODDLER)
        form.locator("input[name=service_type][value=full_day]").check()
        form.locator("input[name=start_date]").fill(start.isoformat())
        form.locator("input[name=start_date]").blur()
        _layout(fam, "apply-form", layouts)
        _shot(fam, output_dir, "phone-07-apply-form", shots)
        _press(fam, "[data-testid=apply-form] button[type=submit]")
        assert path_of(fam) == "/mine/"
        application = Application.objects.get(family=family)
        assert (
            application.child_id,
            application.institution_id,
            application.age_group,
            application.service_type,
            application.start_date,
            application.status,
        ) == (child.pk, institution.pk, TODDLER, "full_day", start, ApplicationStatus.SUBMITTED)
        card = fam.locator(f"[data-testid=matter][data-kind=application][data-pk='{application.pk}']")
        assert card.get_attribute("data-status") == ApplicationStatus.SUBMITTED
        # Waiting for the institution, with the day an answer is usually given by.
        answer_by = timezone.localdate(application.created_at) + timedelta(days=7)
        assert card.get_by_test_id("next-step").get_attribute("data-due") == answer_by.isoformat()
        _shot(fam, output_dir, "phone-08-mine-applied", shots)

        # The child's ID number is only ever shown masked, on the children's page too.
        fam.goto(f"{base}/bookings/me/", wait_until="load")
        listed = fam.get_by_test_id("children").get_by_test_id("child")
        assert listed.count() == 1
        masked = listed.get_by_test_id("masked-id").inner_text().strip()
        assert masked == child.masked_id_number and "*" in masked
        assert id_number not in fam.content() and id_number[3:-4] not in fam.content()

        # An application alone holds no place: the public numbers have not moved.
        fam.goto(f"{base}/institutions/", wait_until="load")
        before_list, before_marker = _search_row(fam, institution)
        assert (before_list, before_marker) == (first_list, first_marker)

        # === 6. The operator signs in with a password and accepts, on a phone too ======================
        operator_context, op = open_context(chromium, PHONE, watch)
        op.goto(f"{base}/accounts/login/", wait_until="load")
        op.fill("#id_username", OPERATOR)
        op.fill("#id_password", OPERATOR_PASSWORD)
        _press(op, "main form button[type=submit]")
        assert path_of(op) != "/accounts/login/", "the operator could not sign in"
        _press(op, "header nav a[href='/bookings/manage/']")
        manage_url = f"/bookings/manage/{institution.pk}/"
        assert path_of(op) == manage_url  # one institution: straight to its admissions page
        waiting = op.locator(f"[data-testid=application][data-application='{application.pk}']")
        assert waiting.get_attribute("data-status") == ApplicationStatus.SUBMITTED
        assert CHILD_NAME in waiting.inner_text()
        _layout(op, "manage", layouts)
        _shot(op, output_dir, "operator-09-admissions", shots)
        accept = f"/bookings/manage/applications/{application.pk}/accept/"
        _press(
            op,
            f"[data-testid=application][data-application='{application.pk}'] form[action='{accept}'] button",
        )
        assert path_of(op) == manage_url
        assert op.get_by_test_id("no-place").count() == 0
        application.refresh_from_db()
        assert application.status == ApplicationStatus.ENROLLED
        enrolment = Enrolment.objects.get()
        assert (enrolment.child_id, enrolment.application_id, enrolment.status) == (
            child.pk,
            application.pk,
            EnrolmentStatus.ACTIVE,
        )
        assert (
            ClassGroup.objects.get(institution=institution, age_group=TODDLER).enrolled
            == CLASSES[0].enrolled + 1
        )

        # === 7. 我的办件 shows the place, its start day and its history; the map one place fewer =========
        fam.goto(f"{base}/mine/", wait_until="load")
        card = fam.locator(f"[data-testid=matter][data-kind=application][data-pk='{application.pk}']")
        assert card.get_attribute("data-status") == ApplicationStatus.ENROLLED
        assert fam.get_by_test_id("mine-finished").locator(f"[data-pk='{application.pk}']").count() == 1
        card.locator("details.booking-timeline summary").tap()
        timeline = card.get_by_test_id("timeline")
        assert timeline.is_visible()
        assert timeline.locator("li").count() == application.events.count() == 2
        place = fam.locator(f"[data-testid=matter][data-kind=enrolment][data-pk='{enrolment.pk}']")
        assert (
            place.count() == 1
            and place.get_by_test_id("next-step").get_attribute("data-due") == start.isoformat()
        )
        _layout(fam, "mine-enrolled", layouts)
        _shot(fam, output_dir, "phone-10-mine-enrolled", shots)
        placed = OutboxMessage.objects.filter(channel="sms", recipient=MOBILE).order_by("-id").first()
        assert CHILD_NAME in placed.body and NAME in placed.body and start.isoformat() in placed.body

        fam.goto(f"{base}/institutions/", wait_until="load")
        after_list, after_marker = _search_row(fam, institution)
        expected = list(before_list)
        expected[toddler_index] -= 1  # the 托小班 exactly one fewer, the others as they were
        assert after_list == expected == [n for _, n in _free_by_group(institution)]
        assert after_marker == before_marker - 1
        _shot(fam, output_dir, "phone-11-search-after", shots)
    finally:
        for context in (family_context, operator_context):
            if context is not None:
                context.close()

    print("booking pages on a phone:", json.dumps(layouts, ensure_ascii=False, indent=1))
    for step_name, path in shots.items():
        assert path.is_file() and path.stat().st_size > 0, f"no {step_name} screenshot at {path}"
    assert len(shots) == SHOTS
    assert watch.page_errors == []
    assert watch.console_errors == []
    assert watch.bad_responses == []
    assert set(watch.blocked) <= {f"webrd0{n}.is.autonavi.com" for n in "1234"}, watch.blocked
    for name, layout in layouts.items():
        assert layout["page_width"] <= layout["screen_width"], (name, layout)
