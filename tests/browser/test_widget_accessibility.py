"""WCAG 2.2 AA checks of the widget on the demo page: names and roles, target sizes, focus,
reflow at 320 CSS px (400% zoom), reduced motion, and axe-core's automated rules."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser.axe import serious_violations
from tests.browser.conftest import SCREENSHOTS
from tests.browser.widget import REPLY_TIMEOUT_MS, Widget

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

NARROW = {"width": 320, "height": 640}
ZOOM_400 = {"width": 320, "height": 256}  # a 1280x1024 screen at 400% zoom
# A word with no break opportunity: it must wrap inside the bubble, not widen the page.
LONG_WORD = "https://www.example.gov.uk/" + "a" * 120


def _open_with_a_conversation(page, hub_url) -> Widget:
    page.goto(hub_url + "/")
    widget = Widget(page)
    widget.open()
    widget.say_and_expect("hello", "automated")
    return widget


def _controls(widget: Widget):
    return widget.page.locator(
        ".dpa-chat button:visible, .dpa-chat textarea:visible, .dpa-chat a:visible")


def test_roles_names_and_live_regions(page, hub_url):
    widget = _open_with_a_conversation(page, hub_url)
    expect(widget.log).to_have_attribute("aria-live", "polite")
    expect(widget.log).to_have_attribute("aria-label", "Conversation")
    expect(widget.panel).to_have_attribute("aria-labelledby", "dpa-chat-title")
    expect(widget.launcher).to_have_attribute("aria-controls", "dpa-chat-panel")
    expect(widget.launcher).to_have_attribute("aria-expanded", "true")
    expect(widget.textbox).to_have_attribute("aria-describedby", "dpa-chat-hint")
    expect(page.get_by_role("button", name="Minimise chat")).to_be_visible()
    for button in page.locator(".dpa-chat button:visible").all():
        name = button.evaluate("n => n.getAttribute('aria-label') || n.textContent.trim()")
        assert name, button.evaluate("n => n.outerHTML")
    # Typing is announced through a polite status region, not through the log.
    typing_status = page.locator(".dpa-chat__panel > [role=status].dpa-chat__sr")
    expect(typing_status).to_have_count(1)
    expect(page.locator(".dpa-chat__typing")).to_have_attribute("aria-hidden", "true")
    # The connection status is a status region too, and says it in words.
    expect(widget.status).to_have_attribute("role", "status")


@pytest.mark.parametrize(
    "viewport", [None, NARROW, ZOOM_400], ids=["desktop", "320px", "400pc-zoom"]
)
def test_targets_are_at_least_44_css_pixels(page, hub_url, viewport):
    if viewport:
        page.set_viewport_size(viewport)
    widget = _open_with_a_conversation(page, hub_url)
    checked = 0
    for control in _controls(widget).all():
        if control.evaluate("n => n.closest('.dpa-chat__text') !== null"):
            continue  # a link inside a sentence: exempt from 2.5.8
        control.scroll_into_view_if_needed()
        box = control.bounding_box()
        assert box is not None
        label = control.evaluate(
            "n => n.getAttribute('aria-label') || n.textContent.trim() || n.id"
        )
        # WCAG 2.2 AA asks for 24x24; the widget aims at 44x44 everywhere.
        assert box["width"] >= 44 and box["height"] >= 44, (label, box)
        checked += 1
    assert checked >= 5


def test_every_control_shows_a_visible_focus_indicator(page, hub_url):
    _open_with_a_conversation(page, hub_url)
    page.get_by_role("button", name="Minimise chat").focus()
    seen = set()
    for _ in range(10):
        element = page.evaluate_handle("document.activeElement")
        in_widget = element.evaluate("n => !!n.closest('.dpa-chat')")
        if not in_widget:
            break
        key = element.evaluate(
            "n => n.className + ':' + (n.getAttribute('aria-label') || n.textContent)"
        )
        if key in seen:
            break
        seen.add(key)
        style = element.evaluate(
            "n => ({shadow: getComputedStyle(n).boxShadow, bg: getComputedStyle(n).backgroundColor,"
            " outline: getComputedStyle(n).outlineStyle})")
        assert ("rgb(255, 221, 0)" in style["shadow"] and "rgb(11, 12, 12)" in style["shadow"]) \
            or style["bg"] == "rgb(255, 221, 0)", (key, style)
        page.keyboard.press("Tab")
    assert len(seen) >= 5, seen


@pytest.mark.parametrize("viewport", [NARROW, ZOOM_400], ids=["320px", "400pc-zoom"])
def test_narrow_viewports_get_a_full_screen_panel_without_horizontal_scrolling(
    page, hub_url, viewport
):
    page.set_viewport_size(viewport)
    widget = _open_with_a_conversation(page, hub_url)
    widget.send(LONG_WORD)
    box = widget.panel.bounding_box()
    assert box == {"x": 0, "y": 0, "width": viewport["width"], "height": viewport["height"]}, box
    expect(widget.panel).to_have_attribute("aria-modal", "true")
    overflow = page.evaluate("""() => {
        const doc = document.scrollingElement, panel = document.querySelector('.dpa-chat__panel'),
              log = document.querySelector('.dpa-chat__log');
        return {doc: doc.scrollWidth - doc.clientWidth,
                panel: panel.scrollWidth - panel.clientWidth,
                log: log.scrollWidth - log.clientWidth};
    }""")
    assert overflow == {"doc": 0, "panel": 0, "log": 0}, overflow
    # Every control can be reached and seen (the panel scrolls vertically when short).
    for control in _controls(widget).all():
        control.scroll_into_view_if_needed()
        assert control.is_visible()
    # Full screen hides the page: Tab stays inside the panel, where the focus can be seen.
    widget.textbox.focus()
    for _ in range(15):
        page.keyboard.press("Tab")
        assert page.evaluate("!!document.activeElement.closest('.dpa-chat__panel')")
    # Escape still closes it, and the launcher comes back with the focus.
    page.keyboard.press("Escape")
    expect(widget.launcher).to_be_focused()
    assert widget.launcher.bounding_box()["width"] <= viewport["width"]


def test_reduced_motion_is_respected(browser, hub_url):
    for motion, expected in (("reduce", "none"), ("no-preference", "dpa-chat-rise")):
        context = browser.new_context(reduced_motion=motion)
        try:
            page = context.new_page()
            page.goto(hub_url + "/")
            widget = Widget(page)
            widget.open()
            assert widget.panel.evaluate("n => getComputedStyle(n).animationName") == expected
            assert page.locator(".dpa-chat__dots").evaluate(
                "n => getComputedStyle(n).animationName") == (
                "none" if motion == "reduce" else "dpa-chat-dots")
        finally:
            context.close()


@pytest.mark.parametrize("viewport", [None, NARROW], ids=["desktop", "320px"])
def test_axe_finds_no_serious_or_critical_violations(page, hub_url, axe_source, viewport):
    if viewport:
        page.set_viewport_size(viewport)
    page.goto(hub_url + "/")
    closed = serious_violations(page, axe_source)
    assert closed == [], json.dumps(closed, indent=1)

    widget = Widget(page)
    widget.open()
    widget.say_and_expect("hello", "automated")
    widget.say_and_expect("how much does it cost?", "free")
    widget.textbox.fill("a draft")
    opened = serious_violations(page, axe_source)
    assert opened == [], json.dumps(opened, indent=1)


def test_screenshots_of_the_open_widget(page, hub_url):
    """For people to look at (results/screenshots/); not compared pixel by pixel."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    widget = _open_with_a_conversation(page, hub_url)
    widget.say_and_expect("how much does it cost?", "free")
    expect(page.locator(".dpa-chat__typing")).to_be_hidden(timeout=REPLY_TIMEOUT_MS)
    widget.textbox.fill("Can I ask for my council tax records?")
    question = widget.resident_says("how much does it cost?")
    show_question = (
        "(n, log) => { log.scrollTop += "
        "n.getBoundingClientRect().top - log.getBoundingClientRect().top - 8; }"
    )
    question.evaluate(show_question, widget.log.element_handle())
    page.screenshot(path=str(SCREENSHOTS / "widget-desktop.png"))
    page.set_viewport_size(NARROW)
    question.evaluate(show_question, widget.log.element_handle())
    page.screenshot(path=str(SCREENSHOTS / "widget-320px.png"))
    page.set_viewport_size({"width": 1280, "height": 800})
    widget.textbox.focus()
    page.keyboard.press("Escape")
    page.screenshot(path=str(SCREENSHOTS / "widget-closed.png"))
