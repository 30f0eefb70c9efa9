"""What the hub sends is shown as text, in order, once: never as HTML."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.widget import REPLY_TIMEOUT_MS, FakeHub, Widget

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def _no_markup_in(widget: Widget) -> None:
    for tag in ("script", "img", "b", "i", "iframe"):
        expect(widget.log.locator(tag)).to_have_count(0)


def test_hostile_text_through_the_real_hub_is_shown_as_text(page, hub_url):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    failed_images: list[str] = []
    page.on("request", lambda request: failed_images.append(request.url)
            if request.url.endswith("/x") else None)
    page.goto(hub_url + "/")
    widget = Widget(page)
    widget.open()

    widget.send(HOSTILE)
    # Let the assistant answer it too, then look again after a reload (the history path).
    expect(widget.messages("assistant").first).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    expect(widget.resident_says(HOSTILE)).to_be_visible()
    _no_markup_in(widget)
    page.reload()
    widget = Widget(page)
    expect(widget.resident_says(HOSTILE)).to_have_count(1)
    _no_markup_in(widget)
    page.wait_for_timeout(300)
    assert dialogs == [] and failed_images == []


def test_assistant_and_staff_text_is_never_html(page, hub_url):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    hub = FakeHub().install(page)
    page.goto(hub_url + "/")
    widget = Widget(page)
    widget.open()
    hub.push({"type": "message", "id": 1, "seq": 1, "role": "assistant", "author": None,
              "text": f"{HOSTILE}\nYou can ask for:\n• a copy of your data\n• a correction",
              "buttons": [{"title": "<b>Yes</b>", "payload": "/affirm"}],
              "client_id": None, "at": "2026-11-23T10:00:00Z"})
    hub.push({"type": "message", "id": 2, "seq": 2, "role": "staff",
              "author": "<i>Sam</i> (Information Governance)", "text": "<iframe src=x></iframe>Hi",
              "buttons": [], "client_id": None, "at": "2026-11-23T10:01:00Z"})
    hub.push({"type": "notice", "kind": "staff_joined",
              "text": "<img src=x onerror=alert(4)> joined"})

    assistant = widget.messages("assistant")
    expect(assistant).to_have_count(1)
    text = assistant.locator(".dpa-chat__text")
    assert text.evaluate("n => getComputedStyle(n).whiteSpace") == "pre-wrap"
    # Line breaks and bullets survive, as text.
    assert text.inner_text().split("\n") == [
        HOSTILE, "You can ask for:", "• a copy of your data", "• a correction"]
    expect(page.get_by_role("button", name="<b>Yes</b>")).to_be_visible()
    staff = widget.messages("staff")
    expect(staff.locator(".dpa-chat__author")).to_have_text("<i>Sam</i> (Information Governance)")
    expect(staff.locator(".dpa-chat__text")).to_have_text("<iframe src=x></iframe>Hi")
    expect(widget.notices("staff_joined")).to_contain_text("<img src=x onerror=alert(4)> joined")
    _no_markup_in(widget)
    page.wait_for_timeout(300)
    assert dialogs == []


def test_messages_are_ordered_by_seq_and_shown_once(page, hub_url):
    hub = FakeHub().install(page)
    page.goto(hub_url + "/")
    widget = Widget(page)
    widget.open()

    def message(seq: int, text: str) -> dict:
        return {"type": "message", "id": 100 + seq, "seq": seq, "role": "assistant",
                "author": None, "text": text, "buttons": [], "client_id": None, "at": None}

    hub.push(message(3, "third"))
    hub.push(message(1, "first"))
    hub.push(message(2, "second"))
    hub.push(message(2, "second"))  # a repeat (e.g. history after a reconnect)
    hub.push({"type": "history", "messages": [message(1, "first"), message(4, "fourth")],
              "mode": "assistant"})
    expect(widget.messages("assistant")).to_have_count(4)
    expect(widget.messages("assistant").locator(".dpa-chat__text")).to_have_text(
        ["first", "second", "third", "fourth"])


def test_quick_replies_send_the_payload_and_show_the_title(page, hub_url):
    def acknowledge(hub: FakeHub, frame: dict) -> None:
        if frame.get("type") == "message":
            hub.push({"type": "message", "id": 50, "seq": 2, "role": "resident", "author": None,
                      "text": frame.get("display") or frame["text"], "buttons": [],
                      "client_id": frame["client_id"], "at": None})

    hub = FakeHub(on_message=acknowledge).install(page)
    page.goto(hub_url + "/")
    widget = Widget(page)
    widget.open()
    hub.push({"type": "message", "id": 40, "seq": 1, "role": "assistant", "author": None,
              "text": "Did you mean one of these?", "client_id": None, "at": None,
              "buttons": [{"title": "See my data", "payload": "/request_access"},
                          {"title": "Delete my data", "payload": "/request_erasure"}]})
    replies = widget.log.get_by_role("group", name="Suggested replies")
    expect(replies.get_by_role("button")).to_have_count(2)

    replies.get_by_role("button", name="See my data").click()
    sent = [f for f in hub.received if f.get("type") == "message"]
    assert len(sent) == 1
    assert sent[0]["text"] == "/request_access" and sent[0]["display"] == "See my data"
    assert sent[0]["page"] == hub_url + "/"
    expect(widget.resident_says("See my data")).to_have_count(1)
    expect(widget.log).not_to_contain_text("/request_access")
    # Answered buttons go away; the focus goes back to the text box, not to the page.
    expect(replies).to_have_count(0)
    expect(widget.textbox).to_be_focused()


def test_typing_is_announced_once_and_notices_are_lines_of_their_own(page, hub_url):
    hub = FakeHub().install(page)
    page.goto(hub_url + "/")
    widget = Widget(page)
    widget.open()
    status = page.locator(".dpa-chat__panel > [role=status].dpa-chat__sr")
    status.evaluate("""n => { window.__typingChanges = 0;
        new MutationObserver(() => window.__typingChanges++).observe(n,
            {childList: true, characterData: true, subtree: true}); }""")

    hub.push({"type": "typing", "on": True})
    hub.push({"type": "typing", "on": True})
    expect(status).to_have_text("The assistant is typing…")
    expect(page.locator(".dpa-chat__typing")).to_be_visible()
    hub.push({"type": "typing", "on": False})
    expect(page.locator(".dpa-chat__typing")).to_be_hidden()
    expect(status).to_have_text("")
    assert page.evaluate("window.__typingChanges") == 2  # on once, off once

    hub.push({"type": "notice", "kind": "staff_joined", "id": 7, "seq": 1,
              "text": "Sam (Information Governance) has joined the chat."})
    hub.push({"type": "mode", "mode": "staff"})
    hub.push({"type": "message", "id": 8, "seq": 2, "role": "staff",
              "author": "Sam (Information Governance)", "text": "Hello, how can I help?",
              "buttons": [], "client_id": None, "at": "2026-11-23T10:00:00Z"})
    hub.push({"type": "notice", "kind": "unavailable", "text": "The assistant is not available."})
    expect(widget.notices("staff_joined")).to_have_text(
        "Notice: Sam (Information Governance) has joined the chat.")
    expect(widget.mode).to_have_text("You are chatting with a member of council staff")
    expect(widget.messages("staff").locator(".dpa-chat__author")).to_have_text(
        "Sam (Information Governance)")
    expect(widget.notices("unavailable")).to_have_count(1)
    # Told apart by words, not only colour: each notice starts with "Notice:" for screen readers
    # and has its own line; staff messages carry the staff member's name.
    expect(widget.log.locator(".dpa-chat__notice .dpa-chat__sr")).to_have_text(
        ["Notice: ", "Notice: "])


def test_a_reply_while_minimised_shows_on_the_launcher(page, hub_url):
    hub = FakeHub().install(page)
    page.goto(hub_url + "/")
    widget = Widget(page)
    widget.open()
    widget.textbox.focus()
    page.keyboard.press("Escape")
    hub.push({"type": "message", "id": 9, "seq": 1, "role": "staff", "author": "Sam",
              "text": "Are you still there?", "buttons": [], "client_id": None, "at": None})
    expect(widget.launcher).to_contain_text("1 new message")
    widget.launcher.click()
    expect(widget.launcher).not_to_contain_text("new message")
    expect(widget.messages("staff")).to_contain_text("Are you still there?")
