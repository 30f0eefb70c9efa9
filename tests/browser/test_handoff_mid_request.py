"""Done when (issue 15): a resident asks for a person halfway through a request, staff chat
and hand back, and the resident finishes the same request without retyping an answer.
Chromium against the real stack (model, action server, hub, console); axe at 1280 and
390 px on the pages this adds (the request so far beside the chat, the hand-back question,
complaints)."""
from __future__ import annotations

import json
import re
import time
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from bot.cases.complaints import ComplaintStore
from bot.cases.repository import CaseRepository
from tests.browser.axe import serious_violations
from tests.browser.conftest import SCREENSHOTS
from tests.browser.staff_pages import check_pages, shoot, signed_in_page
from tests.browser.test_staff_console import staff_account, staff_page
from tests.browser.widget import REPLY_TIMEOUT_MS, Widget

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
__all__ = ["staff_account", "staff_page"]  # fixtures, shared with the console's tests

NAME = "Ann Browserfield"


# The hub allows CHAT_RATE_PER_MINUTE (30) messages a minute after a burst of 5: a
# resident answering sixteen questions types no faster than one every two seconds.
PACE_SECONDS = 2.05
_last_sent = [0.0]


def answer(widget: Widget, text: str, expecting: str | None = None) -> None:
    """Type one answer and wait for the assistant's reply (containing ``expecting``)."""
    wait = _last_sent[0] + PACE_SECONDS - time.monotonic()
    if wait > 0:
        widget.page.wait_for_timeout(wait * 1000)
    _last_sent[0] = time.monotonic()
    before = widget.messages("assistant").count()
    # Typed, as a resident would (a typed button payload such as "passport" is shown with
    # the button's title, so the bubble is not looked up by its text).
    widget.textbox.fill(text)
    widget.textbox.press("Enter")
    try:
        expect(widget.messages("assistant")).not_to_have_count(before,
                                                               timeout=REPLY_TIMEOUT_MS)
    except AssertionError as exc:
        raise AssertionError(f"no reply to {text!r}; the chat: {widget.log.inner_text()}") \
            from exc
    if expecting:
        expect(widget.assistant_reply(expecting).last).to_be_visible(timeout=REPLY_TIMEOUT_MS)


def test_handoff_mid_request_staff_chat_hand_back_and_the_request_is_finished(
        page: Page, hub_url, staff_page: Page, stack_settings):
    page.goto(hub_url + "/")
    widget = Widget(page)
    widget.open()
    answer(widget, "I want a copy of the information you hold about me", "about you")
    answer(widget, "myself", "full name")
    answer(widget, NAME)
    answer(widget, "none")
    answer(widget, "2 March 1984")
    answer(widget, "12 High Street, Chester CH1 1AA", "email address can we use")

    staff_page.goto(hub_url + "/staff/handoffs")
    queue = staff_page.get_by_role("table", name=re.compile("waiting for a person"))
    links = queue.get_by_role("link", name=re.compile(r"Open chat \d+"))
    before = links.count()
    widget.human_button.click()
    expect(links).to_have_count(before + 1, timeout=REPLY_TIMEOUT_MS)
    # The count of waiting chats is in the navigation and the title, live (no reload).
    expect(staff_page.locator("#nav-waiting")).to_have_text(re.compile(r"^\d+ waiting$"))
    expect(staff_page).to_have_title(re.compile(r"^\(\d+ waiting\) Live chats"))

    links.last.click()
    staff_page.get_by_role("button", name="Claim this conversation").click()
    panel = staff_page.locator("#request-so-far")
    expect(panel).to_contain_text("Subject access (a copy of their information)")
    expect(panel).to_contain_text(NAME)
    expect(panel).to_contain_text("Fri 2 Mar 1984")
    expect(staff_page.locator("#request-pending")).to_have_text("Email")
    shoot(staff_page, "staff-chat-request-so-far-1280")
    staff_page.get_by_label("Your reply to the resident").fill(
        "Hello, this is Sam. I will hand you back to finish your request.")
    staff_page.get_by_role("button", name="Send", exact=True).click()
    expect(widget.messages("staff").filter(has_text="this is Sam")).to_have_count(1)

    staff_page.get_by_role("link", name="Hand back to the assistant…").click()
    will_see = staff_page.locator(".will-see")
    expect(will_see).to_contain_text("Sam has left the chat")
    expect(will_see).to_contain_text("We were at: your email address.")
    shoot(staff_page, "staff-hand-back-mid-request-1280")
    staff_page.get_by_role("button", name="Yes, hand back to the assistant").click()

    expect(widget.notices("handed_back")).to_contain_text("Sam has left the chat")
    expect(widget.assistant_reply("We were at: your email address.").last).to_be_visible(
        timeout=REPLY_TIMEOUT_MS)
    expect(widget.assistant_reply("email address can we use").last).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    widget.panel.screenshot(path=str(SCREENSHOTS / "widget-after-hand-back.png"))

    # The resident carries on from the email: nothing asked before is asked again.
    asked_before = widget.messages("assistant").count()
    answer(widget, "ann.browserfield@example.org", "phone number")
    answer(widget, "skip")
    answer(widget, "none")
    answer(widget, "my housing file")
    answer(widget, "all", "receive our response")
    answer(widget, "electronic")
    answer(widget, "passport", "proof of your address")
    answer(widget, "council tax bill", "Yes, send it")
    later = widget.messages("assistant")
    texts = " ".join(later.nth(i).inner_text() for i in range(asked_before, later.count()))
    assert "full name" not in texts.split("Your full name")[0], texts  # not asked again
    answer(widget, "yes", "DPA-")

    repo = CaseRepository.from_url(stack_settings.database_url)
    [case] = [c for c in repo.list_cases() if c.full_name == NAME]
    assert case.email == "ann.browserfield@example.org"
    assert case.date_of_birth is not None and case.date_of_birth.isoformat() == "1984-03-02"
    assert case.postcode == "CH1 1AA" and case.request_type == "request_access"


@pytest.mark.parametrize("width", [1280, 390])
def test_new_console_pages_pass_axe_and_fit_the_screen(browser, hub_url, stack_settings,
                                                       staff_account, axe_source, width):
    from bot.chat.handoffs import HandoffStore
    from bot.chat.transcripts import NewMessage, TranscriptStore
    from bot.web.resident_ids import new_conversation_id

    resident = new_conversation_id()
    TranscriptStore.from_url(stack_settings.database_url).append(
        resident, NewMessage(role="resident", text="I am not happy with how you used my data"))
    complaint = ComplaintStore.from_url(stack_settings.database_url).record(
        resident, "I am not happy with how you used my data")
    handoffs = HandoffStore.from_url(stack_settings.database_url)
    handoff = handoffs.request(resident, "complaint")
    handoffs.claim(handoff.id, staff_account)
    # The request the resident was making, on Rasa's own tracker (as the form leaves it).
    slots = {"request_type": "request_erasure", "subject": "other", "relationship": "parent",
             "full_name": "Pat Example-Longname", "previous_names": "none",
             "date_of_birth": "1950-01-31"}
    request = urllib.request.Request(
        f"{stack_settings.rasa_url}/conversations/{resident}/tracker/events"
        f"?token={stack_settings.rasa_token}&include_events=NONE",
        data=json.dumps([{"event": "slot", "name": k, "value": v}
                         for k, v in slots.items()]).encode(),
        headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
    context, page = signed_in_page(browser, hub_url, staff_account, bypass_csp=True)
    page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
    pages = {"chat-claimed": f"/staff/handoffs/{handoff.id}",
             "hand-back": f"/staff/handoffs/{handoff.id}/hand-back",
             "finish-request": f"/staff/handoffs/{handoff.id}/request",
             "complaints": "/staff/complaints",
             "complaint": f"/staff/complaints/{complaint.id}"}
    try:
        check_pages(page, hub_url, pages, width=width, axe_source=axe_source, prefix="staff-")
        page.goto(hub_url + pages["chat-claimed"])
        expect(page.locator("#request-so-far")).to_contain_text("Pat Example-Longname")
        expect(page.locator("#request-pending")).to_have_text("Authority to act for them")
        # A refused answer is marked and explained, and still passes axe.
        page.goto(hub_url + pages["finish-request"])
        page.get_by_label("Email").fill("pat@example")
        page.get_by_role("button", name="Log the request").click()
        expect(page.get_by_role("alert")).to_contain_text("cannot be used yet")
        expect(page.locator("#answer-email")).to_have_attribute("aria-invalid", "true")
        violations = serious_violations(page, axe_source)
        assert violations == [], ("finish-request refused", width, json.dumps(violations))
        shoot(page, f"staff-finish-request-refused-{width}")
    finally:
        context.close()
