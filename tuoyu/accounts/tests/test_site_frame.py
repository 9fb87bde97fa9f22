"""The frame of every page (base.html): the menu (accounts.context_processors.menu), the body named
in the footer and title, the demo line, the favicon."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _nav(html: str) -> str:
    return re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)


def test_the_menu_offers_families_their_matters_and_officials_their_workspace(
    client, kaizhou, family, reviewer, operator
):
    seen = {}
    for name, user in (("visitor", None), ("family", family), ("reviewer", reviewer), ("operator", operator)):
        if user is not None:
            client.force_login(user)
        nav = _nav(client.get("/").content.decode())
        seen[name] = ('href="/mine/"' in nav, 'href="/workspace/"' in nav)
    assert seen == {
        "visitor": (False, False),
        "family": (True, False),
        "reviewer": (False, True),
        "operator": (False, False),
    }


def test_every_page_names_the_body_that_runs_it_from_the_district_s_settings(client, kaizhou, settings):
    settings.TUOYU_ISSUER = "某某区卫生健康局"
    html = client.get("/no-such-page/").content.decode()
    assert "某某区卫生健康局" in re.search(r"<footer.*?</footer>", html, re.S).group(0)
    assert "某某区卫生健康局" in re.search(r"<title>.*?</title>", html, re.S).group(0)
    assert "开州" not in re.search(r"<footer.*?</footer>", html, re.S).group(0)


def test_the_demo_line_is_inside_the_page_header(client, kaizhou, settings):
    settings.TUOYU_DEMO = True
    header = re.search(r'<header class="site-header">.*?</header>', client.get("/").content.decode(), re.S)
    assert 'class="demo-banner"' in header.group(0)


def test_favicon_ico_leads_to_the_site_s_icon(client):
    response = client.get("/favicon.ico", follow=True)
    assert response.redirect_chain and response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file's signature
