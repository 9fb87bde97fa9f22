"""axe-core, the accessibility engine, finds nothing at all on any public or family page.

Grandparents with large text and parents on small phones are the users. Every public page and every
page of a signed-in family (e2e/site_pages.py) is checked on a phone, in normal and in large text, and
every violation counts, whatever axe calls its impact: a "moderate" missing landmark or a "minor"
duplicate label is still something a screen reader user trips on.
"""

import json
from urllib.parse import unquote

import pytest

from e2e.browser import PHONE, Watch
from e2e.conftest import PROJECT_ROOT
from e2e.site_pages import family_pages, public_pages, seed_site, use_session, visitor_session

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
RUN_AXE = "async () => JSON.stringify(await axe.run(document, {resultTypes: ['violations']}))"


def _violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    return [
        f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
        for v in json.loads(page.evaluate(RUN_AXE))["violations"]
    ]


@pytest.mark.browser
def test_public_and_family_pages_have_no_accessibility_violations(chromium, live_server, transactional_db):
    site = seed_site()
    found = {}
    for large_text in (False, True):
        size = "large-text" if large_text else "normal-text"
        # axe is injected as an inline script, which our Content-Security-Policy (rightly) forbids.
        context = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", bypass_csp=True, **PHONE)
        context.route("**/*", Watch().keep_local)
        if large_text:
            context.add_cookies([{"name": "tuoyu_large_text", "value": "1", "url": live_server.url}])
        page = context.new_page()
        visited = []
        for session, paths in (
            (visitor_session(site), public_pages(site)),
            (site.family_session, family_pages(site)),
        ):
            use_session(context, live_server.url, session)
            for path in paths:
                page.goto(live_server.url + path)
                visited.append(page.url)
                if problems := _violations(page):
                    found[f"{size} {path}"] = problems
        context.close()
        # Each page was itself, not a sign-in page or a redirect elsewhere (the done page and the
        # review form, which send a visitor away when their data is missing, included).
        assert [unquote(url.removeprefix(live_server.url)) for url in visited] == [
            *public_pages(site),
            *family_pages(site),
        ], size
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)


@pytest.mark.browser
def test_the_engine_reports_a_minor_problem_too(chromium):
    """The check counts every impact: a page whose only fault is a "moderate" one (content outside any
    landmark) fails it, and so does a picture without alt text ("critical")."""
    context = chromium.new_context(bypass_csp=True)
    page = context.new_page()
    page.set_content(
        '<html lang="zh"><head><title>t</title></head><body><p>outside</p><main><img src="x.png"></main></body></html>'
    )
    problems = _violations(page)
    context.close()
    assert any(p.startswith("critical image-alt") for p in problems), problems
    assert any(p.startswith("moderate region") for p in problems), problems
