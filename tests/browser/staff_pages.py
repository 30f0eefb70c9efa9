"""Staff console pages in a browser: signing a member of staff in, and checking pages
(axe, no sideways scroll on a phone, a screenshot each) the same way in every suite."""
from __future__ import annotations

import json
import re

from playwright.sync_api import Page, expect

from tests.browser.axe import serious_violations
from tests.browser.conftest import SCREENSHOTS

PASSWORD = "browser test password"


def signed_in_page(browser, hub_url, username, landing="Dashboard", **options):
    """A browser context of its own (its own cookies), signed in to the console, on the
    page the role lands on (its level-1 heading is ``landing``)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB",
                                  timezone_id="Europe/London", **options)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(hub_url + "/staff")
    expect(page).to_have_url(re.compile(r"/staff/login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name=landing)).to_be_visible()
    return context, page


def shoot(page: Page, name: str) -> None:
    """A full-page screenshot, results/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def check_pages(page: Page, hub_url: str, pages: dict[str, str], *, width: int,
                axe_source: str, prefix: str) -> None:
    """Visit each page: no serious axe violation, no sideways scroll at 390 px or less, and
    a screenshot ``<prefix><name>-<width>.png``."""
    for name, path in pages.items():
        page.goto(hub_url + path)
        violations = serious_violations(page, axe_source)
        assert violations == [], (path, width, json.dumps(violations, indent=1))
        if width <= 390:
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, (path, scroll)
        shoot(page, f"{prefix}{name}-{width}")
