"""Fixtures for the browser tests: one Chromium per session, driven through Playwright's sync API."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio loop in the test's thread, so Django would refuse the ORM calls
# the test makes to seed and check data. The live server answers in its own thread, so this is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"  # Debian's package; there is no network to `playwright install` a build
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
]


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """Where screenshots are kept: TEST_OUTPUT_DIR (CI's artefact folder) or test-results/, git-ignored."""
    base = Path(os.environ.get("TEST_OUTPUT_DIR", "test-results"))
    if not base.is_absolute():
        base = PROJECT_ROOT / base
    folder = base / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
