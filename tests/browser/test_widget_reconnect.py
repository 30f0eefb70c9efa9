"""When the hub cannot be reached the widget says so, keeps what the resident wrote, and
sends it once the socket is back: with the same client_id, never shown or stored twice."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.widget import (
    RECONNECT_TIMEOUT_MS,
    REPLY_TIMEOUT_MS,
    SocketProxy,
    Widget,
    wait_until,
)

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def _stored(hub_transcript, resident: str, text: str) -> list[dict]:
    return [m for m in hub_transcript(resident)["messages"]
            if m["role"] == "resident" and m["text"] == text]


def test_offline_then_back(page, context, hub_url, hub_transcript):
    page.goto(hub_url + "/")
    widget = Widget(page)
    widget.open()
    widget.say_and_expect("hello", "automated")

    context.set_offline(True)
    expect(widget.status).to_contain_text("Reconnecting…")
    expect(widget.status).to_be_visible()
    widget.textbox.fill("how much does it cost?")
    widget.textbox.press("Enter")
    pending = widget.resident_says("how much does it cost?")
    expect(pending).to_have_count(1)
    expect(pending).to_contain_text("Not sent yet")
    page.wait_for_timeout(2_500)  # a few refused reconnects while offline
    expect(widget.status).to_contain_text("Reconnecting…")

    context.set_offline(False)
    expect(widget.assistant_reply("free")).to_have_count(1, timeout=RECONNECT_TIMEOUT_MS)
    expect(widget.status).to_be_hidden()
    expect(widget.resident_says("how much does it cost?")).to_have_count(1)
    expect(widget.log.locator("[data-pending]")).to_have_count(0)
    assert len(_stored(hub_transcript, widget.resident_id(), "how much does it cost?")) == 1


def test_lost_acknowledgement_and_lost_message_are_sent_once(page, hub_url, hub_transcript):
    proxy = SocketProxy().install(page)
    page.goto(hub_url + "/")
    widget = Widget(page)
    widget.open()
    widget.say_and_expect("hello", "automated")
    resident = widget.resident_id()

    # 1. The hub stores the message but its acknowledgement never arrives; the socket drops.
    proxy.drop_to_page = True
    widget.textbox.fill("how much does it cost?")
    widget.textbox.press("Enter")
    expect(widget.resident_says("how much does it cost?")).to_have_count(1)
    wait_until(page, lambda: _stored(hub_transcript, resident, "how much does it cost?"),
               "the hub stored the message")
    proxy.refuse = True
    proxy.cut()
    expect(widget.status).to_contain_text("Reconnecting…")
    proxy.drop_to_page = False
    proxy.refuse = False
    expect(widget.assistant_reply("free")).to_have_count(1, timeout=RECONNECT_TIMEOUT_MS)
    expect(widget.resident_says("how much does it cost?")).to_have_count(1)

    # 2. The message never reaches the hub; the socket drops; it is sent again on return.
    answers = widget.messages("assistant").count()
    proxy.drop_to_hub = True
    widget.textbox.fill("what ID do I need?")
    widget.textbox.press("Enter")
    expect(widget.resident_says("what ID do I need?")).to_have_count(1)
    page.wait_for_timeout(300)
    assert _stored(hub_transcript, resident, "what ID do I need?") == []
    proxy.refuse = True
    proxy.cut()
    expect(widget.status).to_contain_text("Reconnecting…")
    expect(widget.resident_says("what ID do I need?")).to_contain_text("Not sent yet")
    proxy.drop_to_hub = False
    proxy.refuse = False
    expect(widget.log.locator("[data-pending]")).to_have_count(0, timeout=RECONNECT_TIMEOUT_MS)
    expect(widget.messages("assistant").nth(answers)).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    expect(widget.status).to_be_hidden()

    for text in ("how much does it cost?", "what ID do I need?"):
        expect(widget.resident_says(text)).to_have_count(1)
        assert len(_stored(hub_transcript, resident, text)) == 1, text
        # Every attempt carried the same client_id.
        assert len({frame["client_id"] for frame in proxy.messages_to_hub(text)}) == 1, text
    assert len(proxy.messages_to_hub("what ID do I need?")) == 2  # sent, lost, sent again
    assert proxy.connections >= 3


def test_a_pending_message_survives_a_reload_while_offline(page, context, hub_url, hub_transcript):
    page.goto(hub_url + "/")
    widget = Widget(page)
    widget.open()
    widget.say_and_expect("hello", "automated")
    resident = widget.resident_id()

    proxy = SocketProxy(refuse=True).install(page)
    page.reload()
    widget = Widget(page)
    expect(widget.status).to_contain_text("Reconnecting…")
    # No socket: the transcript so far still shows, from GET /chat/transcript.
    expect(widget.resident_says("hello")).to_have_count(1)
    expect(widget.assistant_reply("automated")).to_have_count(1)
    widget.textbox.fill("how much does it cost?")
    widget.textbox.press("Enter")
    expect(widget.resident_says("how much does it cost?")).to_contain_text("Not sent yet")
    page.reload()  # still unreachable: the unsent message is kept in this tab
    widget = Widget(page)
    expect(widget.resident_says("how much does it cost?")).to_contain_text("Not sent yet")

    proxy.refuse = False
    expect(widget.assistant_reply("free")).to_have_count(1, timeout=RECONNECT_TIMEOUT_MS)
    expect(widget.resident_says("how much does it cost?")).to_have_count(1)
    assert len(_stored(hub_transcript, resident, "how much does it cost?")) == 1
