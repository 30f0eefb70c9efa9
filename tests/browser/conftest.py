"""Browser tests: Debian's Chromium, driven by Playwright, against the real stack.

The widget, the demo page and the chat hub are the real web app (``stack``: trained model,
Rasa, action server, web app on free ports). ``scripts/setup-browser.sh`` installs Chromium
and axe-core; Playwright's own browser downloads are never used.
"""
from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

# The stack fixtures (stack, stack_settings) come from tests/conftest.py, shared with
# tests/e2e, so one stack serves the whole session.

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "results" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}


def _missing(what: str) -> None:
    message = f"{what} is missing: run scripts/setup-browser.sh"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


# Package scope, not session: Playwright's sync API keeps its own event loop marked as running
# while it is open, and pytest-asyncio's fixtures elsewhere in the session would then fail with
# "Cannot run the event loop while another loop is running". Closing it after the last browser
# test keeps the rest of the session clean.
@pytest.fixture(scope="package")
def browser():
    if not CHROMIUM.exists():
        _missing(str(CHROMIUM))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="session")
def hub_url(stack, stack_settings) -> str:
    """The real web app; it serves the demo page, /widget.js, /widget.css and /chat/ws."""
    url = f"http://127.0.0.1:{stack_settings.web_port}"
    for path in ("/", "/widget.js", "/widget.css", "/static/demo-page-2.html"):
        with urllib.request.urlopen(url + path, timeout=10) as response:
            assert response.status == 200, f"{path} answered {response.status}"
    return url


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport=DESKTOP, locale="en-GB", timezone_id="Europe/London")
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context) -> Iterator:
    """A page that fails the test on any uncaught script error."""
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    assert not errors, f"script errors in the page: {errors}"


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        _missing(str(AXE))
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def hub_transcript(hub_url):
    """What the hub stored for a resident (GET /chat/transcript)."""

    def fetch(resident: str) -> dict:
        with urllib.request.urlopen(
            f"{hub_url}/chat/transcript?resident={resident}", timeout=10
        ) as response:
            return json.loads(response.read())

    return fetch
