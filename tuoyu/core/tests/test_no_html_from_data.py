"""Our scripts put data into the page as text, never as HTML.

An institution's name went into the map's tooltip as HTML (Leaflet's bindTooltip takes a string as
markup); only the Content-Security-Policy stopped `<img src=x onerror=…>` from running. This reads every
script of ours (static/js, not the vendored libraries) and fails on the ways a string becomes markup.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

SCRIPTS = Path(settings.BASE_DIR) / "static" / "js"

# Any use of these parses a string as HTML, whatever the string is.
HTML_SINKS = re.compile(
    r"\b(innerHTML|outerHTML|insertAdjacentHTML|document\s*\.\s*write(?:ln)?)\b|\.html\s*\("
)
# Leaflet's content setters take an HTMLElement or a string of HTML; only an element is allowed.
LEAFLET_SETTERS = re.compile(
    r"\.(bindTooltip|bindPopup|setContent|setTooltipContent|setPopupContent)\s*\(\s*([^,)]*)"
)
ELEMENT_MAKERS = re.compile(r"^(document\.createElement|L\.DomUtil\.create)\s*\(")
# A comment starts at the beginning of a line or after a space, so "http://" in a string is not one.
LINE_COMMENT = re.compile(r"(^|\s)//.*$", re.MULTILINE)
BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def _code(source: str) -> str:
    return LINE_COMMENT.sub(r"\1", BLOCK_COMMENT.sub("", source))


def problems(source: str) -> list[str]:
    """What in this script builds HTML from a string, as short descriptions (empty when it is clean)."""
    code = _code(source)
    found = [f"{m.group(0).strip()} parses a string as HTML" for m in HTML_SINKS.finditer(code)]
    # Names this script binds to a newly made element: `var label = document.createElement("span")`.
    elements = set(
        re.findall(
            r"\b(?:var|let|const)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:document\.createElement|L\.DomUtil\.create)\s*\(",
            code,
        )
    )
    for match in LEAFLET_SETTERS.finditer(code):
        method, argument = match.group(1), match.group(2).strip()
        if argument in elements or ELEMENT_MAKERS.match(argument):
            continue
        found.append(f"{method}({argument}…) is given a string; give it an element with textContent")
    return found


def _scripts():
    return sorted(SCRIPTS.rglob("*.js"))


def test_there_are_scripts_to_check():
    assert any(path.name == "map.js" for path in _scripts())


@pytest.mark.parametrize("path", _scripts(), ids=lambda path: path.name)
def test_no_script_of_ours_builds_html_from_a_string(path):
    assert problems(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "snippet",
    [
        "marker.bindTooltip(m.name);",
        'marker.bindPopup("<b>" + name + "</b>");',
        "popup.setContent(`<p>${text}</p>`);",
        "el.innerHTML = name;",
        "el.outerHTML = name;",
        'list.insertAdjacentHTML("beforeend", row);',
        "document.write(name);",
        "$(el).html(name);",
    ],
)
def test_the_check_catches_html_built_from_a_string(snippet):
    assert problems(snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        'var label = document.createElement("span");\nlabel.textContent = m.name;\nmarker.bindTooltip(label);',
        'marker.bindPopup(document.createElement("div"));',
        "el.textContent = name; // innerHTML would run a name's markup",
        'fetch("http://example.org/a"); el.textContent = name;',
    ],
)
def test_the_check_lets_text_set_as_text_pass(snippet):
    assert problems(snippet) == []
