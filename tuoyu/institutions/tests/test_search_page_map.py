"""The search page's parts for a phone that the server builds: the way there, distances, the folded
filters, and the map's words in the page's language (the browser half is e2e/test_browser_search.py)."""

import html
import re
from urllib.parse import parse_qs, urlparse

import pytest

pytestmark = pytest.mark.django_db

NAVIGATE = re.compile(r'<a href="([^"]+)" rel="noreferrer" data-testid="navigate">')
FOLD = re.compile(r"<details class=\"filters-fold\" data-filters-fold ([^>]*)>")


def _navigate_links(body: str) -> list[str]:
    return [html.unescape(href) for href in NAVIGATE.findall(body)]


def test_each_result_has_a_way_there_and_its_distance_when_the_search_has_a_point(client, make_institution):
    institution = make_institution(name="测试&托育<园>")
    body = client.get("/institutions/", {"near": "31.175,108.395"}).content.decode()
    [href] = _navigate_links(body)
    url = urlparse(href)
    assert (url.scheme, url.netloc, url.path) == ("https", "uri.amap.com", "/marker")
    query = parse_qs(url.query)
    # The stored WGS-84 point, longitude first as 高德 wants it, and the name whole (its & and < too).
    assert query["position"] == [f"{institution.lng:.6f},{institution.lat:.6f}"]
    assert query["coordinate"] == ["wgs84"]
    assert query["name"] == ["测试&托育<园>"]
    assert query["callnative"] == ["1"]
    assert body.count('class="distance"') == 1


def test_without_a_point_there_is_no_distance_but_still_a_way_there(client, make_institution):
    make_institution()
    body = client.get("/institutions/").content.decode()
    assert 'class="distance"' not in body
    assert len(_navigate_links(body)) == 1


def test_a_search_folds_the_filters_and_a_bare_page_or_a_mistake_keeps_them_open(client, make_institution):
    make_institution()
    bare = FOLD.search(client.get("/institutions/").content.decode()).group(1)
    assert bare == "open"
    searched = FOLD.search(client.get("/institutions/", {"place": "汉丰"}).content.decode()).group(1)
    assert searched == "data-searched"  # closed: the count and the nearest results come first
    paged = FOLD.search(client.get("/institutions/", {"page": "1"}).content.decode()).group(1)
    assert paged == "open"  # only a page number is not a search
    mistake = client.get("/institutions/", {"near": "not a point"})
    assert mistake.status_code == 400
    assert FOLD.search(mistake.content.decode()).group(1) == "open"


@pytest.mark.parametrize("path", ["/", "/institutions/", "/institutions/?place=汉丰", "detail"])
def test_every_page_with_the_map_names_its_buttons_in_the_page_language(client, make_institution, path):
    institution = make_institution()
    if path == "detail":
        path = f"/institutions/{institution.pk}/"
    body = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-zoom-in="放大"' in body
    assert 'data-zoom-out="缩小"' in body
    # The texts map.js shows (search here, location refused or not found, close) come from the page too.
    for name in ("search-here", "locate-denied", "locate-failed", "locate-waiting", "close-popup"):
        assert re.search(rf'data-{name}="[^"]+"', body), name
    assert 'data-testid="map-legend"' in body
    assert "data-map-notice" in body
