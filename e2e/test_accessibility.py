"""axe-core, the accessibility engine, finds no serious or critical problem on the public pages.

Grandparents with large text and parents on small phones are the users; missing labels, low contrast
and unnamed buttons are what axe reports at these levels.
"""

import json

import pytest

from e2e.browser import Watch
from e2e.conftest import PROJECT_ROOT

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def register(transactional_db):
    from tuoyu.institutions.demo import seed_district, seed_personas
    from tuoyu.regions.services import KAIZHOU_FILE, regions_load_file

    regions_load_file(path=KAIZHOU_FILE)
    seed_district(count=12)
    seed_personas()
    from tuoyu.institutions.models import Institution

    return list(Institution.objects.filter(status="filed").order_by("id").values_list("id", flat=True)[:2])


@pytest.mark.browser
@pytest.mark.parametrize("large_text", [False, True], ids=["normal-text", "large-text"])
def test_public_pages_have_no_serious_accessibility_violations(chromium, live_server, register, large_text):
    first, second = register
    # axe is injected as an inline script, which our Content-Security-Policy (rightly) forbids.
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN", bypass_csp=True
    )
    if large_text:
        context.add_cookies([{"name": "tuoyu_large_text", "value": "1", "url": live_server.url}])
    page = context.new_page()
    page.route("**/*", Watch().keep_local)
    pages = [
        "/",
        "/institutions/",
        f"/institutions/{first}/",
        f"/institutions/compare/?ids={first}&ids={second}",
        "/accounts/login/phone/",
        "/accounts/login/",
        "/no-such-page/",
        "/filings/register/",
        "/filings/notices/",
        "/filings/verify/",
        "/complaints/new/",
        f"/complaints/new/?institution={first}",
        "/complaints/track/",
        "/complaints/statistics/",
        f"/institutions/{first}/reviews/",
    ]
    found = {}
    for path in pages:
        page.goto(live_server.url + path)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async () => JSON.stringify(await axe.run(document, {resultTypes: ['violations']}))"
        )
        serious = [
            f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
            for v in json.loads(result)["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        if serious:
            found[path] = serious
    # The engine itself works: a picture without alt text on a page is caught.
    page.set_content(
        '<html lang="zh"><head><title>t</title></head><body><main><img src="x.png"></main></body></html>'
    )
    page.add_script_tag(path=str(AXE))
    probe = json.loads(
        page.evaluate("async () => JSON.stringify(await axe.run(document, {resultTypes: ['violations']}))")
    )
    context.close()
    assert "image-alt" in {v["id"] for v in probe["violations"]}
    assert found == {}
