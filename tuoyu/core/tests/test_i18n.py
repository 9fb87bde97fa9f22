"""Simplified Chinese is the language everyone sees first, and English works too.

The catalogue must be complete: every message the code and templates mark for translation has a
Chinese translation that is neither empty nor fuzzy, and keeps its placeholders. Pages and API errors
come out in the visitor's language.
"""

import ast
import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.commands import makemessages
from django.test import override_settings

from tuoyu.regions.services import KAIZHOU_FILE, regions_load_file

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
IGNORE = [".venv", "node_modules", "var", "e2e", "bench", "test-results"]
CHINESE = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]")


def parse_po(text: str) -> list[dict]:
    """The active entries of a .po file: msgid, plural, msgstrs and flags (obsolete #~ entries skipped)."""
    entries = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.splitlines()
        if any(line.startswith("#~") for line in lines):
            continue
        entry = {"flags": set(), "msgstr": {}}
        key = None
        for line in lines:
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
                continue
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
            if match:
                key = match.group(1)
                value = ast.literal_eval(match.group(3))
                if key.startswith("msgstr"):
                    key = int(match.group(2) or 0)
                    entry["msgstr"][key] = value
                else:
                    entry[key] = value
            elif line.startswith('"') and key is not None:
                if isinstance(key, int):
                    entry["msgstr"][key] += ast.literal_eval(line)
                else:
                    entry[key] += ast.literal_eval(line)
        if entry.get("msgid"):  # the header has an empty msgid
            entries.append(entry)
    return entries


def problems(entries: list[dict]) -> list[str]:
    found = []
    for entry in entries:
        msgid = entry["msgid"]
        if "fuzzy" in entry["flags"]:
            found.append(f"fuzzy: {msgid!r}")
        elif not entry["msgstr"] or not all(entry["msgstr"].values()):
            found.append(f"untranslated: {msgid!r}")
    return found


class TemporaryCatalogueMakemessages(makemessages.Command):
    """makemessages that writes only into LOCALE_PATHS[0].

    Run from the project root, stock makemessages picks the catalogue for each source file by path:
    it adds ./locale (the real catalogue) to its list, and since every source file sits under the
    project root, that real directory wins over LOCALE_PATHS. Pinning every file to the first
    LOCALE_PATHS entry, and forgetting the others, keeps the real catalogue out of reach.
    """

    def find_files(self, root):
        files = super().find_files(root)
        self.locale_paths = [self.default_locale_path]
        for translatable in files:
            translatable.locale_dir = self.default_locale_path
        return files


def test_the_chinese_catalogue_has_no_empty_or_fuzzy_message():
    entries = parse_po(CATALOGUE.read_text(encoding="utf-8"))
    assert len(entries) > 200, "the catalogue looks truncated"
    found = problems(entries)
    assert not found, "\n".join(found)


def test_translations_keep_every_placeholder_and_are_not_the_english_copied():
    wrong = []
    for entry in parse_po(CATALOGUE.read_text(encoding="utf-8")):
        source = entry["msgid"] + entry.get("msgid_plural", "")
        for msgstr in entry["msgstr"].values():
            if set(PLACEHOLDER.findall(msgstr)) != set(PLACEHOLDER.findall(source)):
                wrong.append(f"placeholders differ: {entry['msgid']!r} -> {msgstr!r}")
            # A pure format string ("%(label)s: %(message)s") has no words to translate, only
            # punctuation to make full-width; anything with letters must come out in Chinese.
            words = re.sub(r"[^A-Za-z]", "", PLACEHOLDER.sub("", entry["msgid"]))
            if msgstr and words and not CHINESE.search(msgstr):
                wrong.append(f"not Chinese: {entry['msgid']!r} -> {msgstr!r}")
            elif msgstr and not words and msgstr == entry["msgid"]:
                wrong.append(f"format copied unchanged: {entry['msgid']!r}")
    assert not wrong, "\n".join(wrong)


def test_the_chinese_catalogue_covers_every_message_in_the_code(tmp_path, monkeypatch):
    """Extract the messages afresh into a copy of the catalogue: nothing may be missing or fuzzy."""
    shutil.copytree(Path(settings.BASE_DIR) / "locale", tmp_path / "locale")
    copy = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    os.utime(copy, ns=(0, 0))
    real_before = (CATALOGUE.stat().st_mtime_ns, CATALOGUE.read_bytes())
    monkeypatch.chdir(settings.BASE_DIR)

    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command(
            TemporaryCatalogueMakemessages(),
            locale=["zh_Hans"],
            no_location=True,
            ignore_patterns=IGNORE,
            verbosity=0,
        )

    assert (CATALOGUE.stat().st_mtime_ns, CATALOGUE.read_bytes()) == real_before, "wrote the real catalogue"
    assert copy.stat().st_mtime_ns > 0, "makemessages did not write the copy"
    entries = parse_po(copy.read_text(encoding="utf-8"))
    # Run from the wrong directory, it would find no sources and leave only obsolete (#~) entries.
    extracted = {entry["msgid"] for entry in entries}
    assert {"Find childcare", "Please sign in first.", "Inclusive only"} <= extracted
    missing = problems(entries)
    assert not missing, (
        "Translate these in locale/zh_Hans/LC_MESSAGES/django.po (make messages), then compilemessages:\n"
        + "\n".join(missing)
    )


@pytest.fixture
def district(db):
    regions_load_file(path=KAIZHOU_FILE)


@pytest.mark.parametrize("path", ["/", "/institutions/"])
def test_pages_are_in_chinese_by_default_and_in_english_on_request(client, district, path):
    page = client.get(path).content.decode()
    assert '<html lang="zh-hans">' in page
    for words in ("托育服务一件事", "托位", "查找托育机构"):
        assert words in page, f"{words!r} missing: is locale/zh_Hans/LC_MESSAGES/django.mo compiled?"
    assert "Find childcare" not in page

    switched = client.post("/i18n/setlang/", {"language": "en", "next": path})
    assert switched.status_code == 302 and switched["Location"] == path
    page = client.get(path).content.decode()
    assert '<html lang="en">' in page
    assert "Find childcare" in page and "One-stop childcare service" in page
    assert "查找托育机构" not in page and "托育服务一件事" not in page

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": path})
    assert "查找托育机构" in client.get(path).content.decode()


@pytest.mark.parametrize(
    ("query", "chinese", "english"),
    [
        ("age_group=bogus", "选择一个有效的选项", "Select a valid choice"),  # Django's own catalogue
        ("unit=nowhere", "找不到该街道/镇/乡", "Unknown street or town"),  # ours
    ],
)
def test_api_errors_follow_the_language_of_the_request(client, district, query, chinese, english):
    url = f"/api/v1/institutions/?{query}"

    default = client.get(url)
    assert default.status_code == 400
    assert chinese in default.json()["message"]
    assert "Accept-Language" in default["Vary"], "a cache must not serve one language to the other"

    # Browsers say which languages they prefer; zh-CN maps to zh-hans.
    for header, expected in (("en", english), ("en-US,en;q=0.9", english), ("zh-CN,zh;q=0.9", chinese)):
        response = client.get(url, headers={"accept-language": header})
        assert response.status_code == 400
        assert expected in response.json()["message"], header

    # A language chosen on the site (the cookie set by /i18n/setlang/) wins over the browser's.
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert chinese in client.get(url, headers={"accept-language": "en"}).json()["message"]
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert english in client.get(url).json()["message"]
