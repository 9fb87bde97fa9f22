"""Every control on a phone page is big enough for a grandparent's thumb: 44 × 44 CSS pixels.

The rule (WCAG 2.2, 2.5.5 "Target Size (Enhanced)", whose size 2.5.8 relaxes to 24 px): on every
public and family page (e2e/site_pages.py) at the PHONE size, every visible link, button, select,
summary, checkbox and radio button in the page header and in the main content has a clickable box of
at least 44 × 44 CSS pixels, either its own or, for a checkbox or radio button, its label's (tapping
the label ticks the box). Exempt, as both criteria exempt them, are links *inline in running text*: a
link drawn inline whose nearest block holds words other than the link's own, so its height is the
line's. A link alone on its line is not running text and must be a real target. Hidden controls (a
closed disclosure's content, a visually hidden input whose label is the target) are not checked.

The header is also checked for what it costs: at most a sixth of the phone's screen, so the results
of a search start on the first screen.
"""

import json

import pytest

from e2e.browser import PHONE, Watch, open_context
from e2e.site_pages import family_pages, public_pages, seed_site, use_session, visitor_session

MIN = 44
SELECTOR = ", ".join(
    f"{scope} :is(a[href], button, select, summary, input[type=checkbox], input[type=radio])"
    for scope in ("header", "main")
)

SMALL_TARGETS_JS = """([selector, min]) => {
    const blockOf = el => {
        let node = el.parentElement;
        while (node && getComputedStyle(node).display.startsWith('inline')) node = node.parentElement;
        return node;
    };
    const words = text => (text || '').replace(/\\s+/g, '');
    // A link in running text: drawn inline, in a block that says more than the link itself.
    const inRunningText = el => {
        if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
        const block = blockOf(el);
        return block && words(block.textContent).length > words(el.textContent).length;
    };
    const small = [];
    for (const el of document.querySelectorAll(selector)) {
        let target = el;
        if (el.type === 'checkbox' || el.type === 'radio') {
            target = el.closest('label') || (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)) || el;
        }
        const box = target.getBoundingClientRect();
        const style = getComputedStyle(target);
        if (box.width <= 1 || box.height <= 1 || style.visibility === 'hidden' || !target.checkVisibility()) continue;
        if (inRunningText(el)) continue;
        if (box.width < min - 0.5 || box.height < min - 0.5) {
            const name = (el.name ? `[name=${el.name}]` : '') + (el.getAttribute('href') ? `[href=${el.getAttribute('href')}]` : '');
            const text = words(target.textContent).slice(0, 20);
            small.push(`${target.tagName.toLowerCase()}${target === el ? '' : '>' + el.type}${name} "${text}" ${Math.round(box.width)}x${Math.round(box.height)}`);
        }
    }
    return small;
}"""


@pytest.mark.browser
def test_every_control_on_phone_pages_is_a_44px_target(chromium, live_server, transactional_db):
    site = seed_site()
    context, page = open_context(chromium, PHONE, Watch())
    found = {}
    for session, paths in (
        (visitor_session(site), public_pages(site)),
        (site.family_session, family_pages(site)),
    ):
        use_session(context, live_server.url, session)
        for path in paths:
            page.goto(live_server.url + path)
            if small := page.evaluate(SMALL_TARGETS_JS, [SELECTOR, MIN]):
                found[path] = small
    # The check sees a small target: a checkbox without a label and a link alone on its line.
    page.set_content(
        '<main><input type="checkbox" name="probe"><p><a href="/x">x</a></p><p>a <a href="/y">y</a></p></main>'
    )
    probe = page.evaluate(SMALL_TARGETS_JS, [SELECTOR, MIN])
    context.close()
    assert len(probe) == 2 and "[name=probe]" in probe[0] and "[href=/x]" in probe[1], probe
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)


@pytest.mark.browser
def test_the_header_leaves_a_search_s_results_on_the_first_phone_screen(
    chromium, live_server, transactional_db
):
    from tuoyu.institutions.demo import seed_district
    from tuoyu.regions.models import Unit
    from tuoyu.regions.services import KAIZHOU_FILE, regions_load_file

    regions_load_file(path=KAIZHOU_FILE)
    seed_district(count=12)
    street = Unit.objects.get(name="汉丰街道")
    context, page = open_context(chromium, PHONE, Watch())
    page.goto(f"{live_server.url}/institutions/?near={street.center_lat},{street.center_lng}")
    header = page.locator("header.site-header").bounding_box()
    first_result = page.locator("li.result").first.bounding_box()
    height = PHONE["viewport"]["height"]
    context.close()
    assert header["height"] <= height / 6, header
    assert first_result["y"] < height, first_result
