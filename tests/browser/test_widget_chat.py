"""A resident chats through the widget on the demo page, with the real assistant behind it."""
from __future__ import annotations

import http.server
import threading

import pytest
from playwright.sync_api import expect

from tests.browser.widget import REPLY_TIMEOUT_MS, Widget, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_demo_page_embeds_the_widget_with_one_tag(page, hub_url):
    page.goto(hub_url + "/")
    assert page.evaluate("document.documentElement.lang") == "en-GB"
    expect(page).to_have_title(
        "Data protection and your rights – Cheshire West and Chester Council"
    )
    scripts = page.locator("script[src$='/widget.js']")
    expect(scripts).to_have_count(1)
    widget = Widget(page)
    expect(widget.launcher).to_be_visible()
    expect(widget.launcher).to_have_attribute("aria-expanded", "false")
    expect(widget.panel).to_be_hidden()
    # Nothing is stored, and no socket opened, before the resident opens the chat.
    assert widget.resident_id() is None


def test_short_exchange_with_the_real_assistant(page, hub_url, hub_transcript):
    page.goto(hub_url + "/")
    widget = Widget(page)
    widget.open()
    expect(widget.textbox).to_be_focused()
    intro = widget.log.locator(".dpa-chat__intro")
    expect(intro).to_contain_text("automated assistant")
    expect(intro.get_by_role("link", name="privacy notice")).to_have_attribute(
        "href", "/static/privacy.html"
    )

    widget.say_and_expect("hello", "automated")
    widget.say_and_expect("how much does it cost?", "free")

    expect(widget.resident_says("hello")).to_have_count(1)
    expect(widget.resident_says("how much does it cost?")).to_have_count(1)
    expect(widget.textbox).to_have_value("")
    stored = hub_transcript(widget.resident_id())["messages"]
    assert [m["text"] for m in stored if m["role"] == "resident"] == [
        "hello",
        "how much does it cost?",
    ]
    # The transcript is shown in the hub's order.
    seqs = [int(s) for s in widget.log.locator("[data-seq]").evaluate_all(
        "nodes => nodes.map(n => n.dataset.seq)")]
    assert seqs == sorted(seqs) and len(seqs) == len(stored)


def test_conversation_survives_reload_and_navigation(page, hub_url):
    page.goto(hub_url + "/")
    widget = Widget(page)
    widget.open()
    widget.say_and_expect("hello", "automated")
    resident = widget.resident_id()
    widget.textbox.fill("not sent yet")

    page.reload()
    widget = Widget(page)
    # The panel stays open on the next page, without taking the focus from the page.
    expect(widget.panel).to_be_visible()
    expect(widget.textbox).not_to_be_focused()
    expect(widget.resident_says("hello")).to_have_count(1)
    expect(widget.assistant_reply("automated")).to_have_count(1)
    expect(widget.textbox).to_have_value("not sent yet")

    page.get_by_role("link", name="Ask for your information (subject access request)").click()
    expect(page).to_have_url(hub_url + "/static/demo-page-2.html")
    widget = Widget(page)
    expect(widget.resident_says("hello")).to_have_count(1)
    expect(widget.assistant_reply("automated")).to_have_count(1)
    assert widget.resident_id() == resident

    # Closed on one page, closed on the next; the conversation is still there on opening.
    widget.textbox.focus()
    page.keyboard.press("Escape")
    expect(widget.panel).to_be_hidden()
    page.goto(hub_url + "/static/privacy.html")
    widget = Widget(page)
    expect(widget.panel).to_be_hidden()
    widget.open()
    expect(widget.resident_says("hello")).to_have_count(1)


def test_talk_to_a_person_shows_its_title_not_the_payload(page, hub_url, hub_transcript):
    page.goto(hub_url + "/")
    widget = Widget(page)
    widget.open()
    expect(widget.human_button).to_be_visible()
    widget.human_button.click()

    bubble = widget.resident_says("Talk to a person")
    expect(bubble.and_(page.locator("[data-id]"))).to_have_count(1)
    expect(widget.log).not_to_contain_text("/request_human")
    expect(widget.mode).to_contain_text("Waiting for a member of staff", timeout=REPLY_TIMEOUT_MS)
    expect(widget.human_button).to_be_visible()  # still there, at all times
    stored = hub_transcript(widget.resident_id())
    assert stored["mode"] == "waiting"
    resident = [m["text"] for m in stored["messages"] if m["role"] == "resident"]
    assert resident == ["Talk to a person"]


def test_end_chat_clears_the_conversation_from_the_browser(page, hub_url, hub_transcript):
    page.goto(hub_url + "/")
    widget = Widget(page)
    widget.open()
    widget.say_and_expect("hello", "automated")
    resident = widget.resident_id()
    widget.textbox.fill("a draft")

    widget.end_button.click()
    confirm = page.get_by_role("button", name="Yes, end chat")
    expect(confirm).to_be_focused()
    confirm.click()

    expect(widget.log.locator("[data-id]")).to_have_count(0)
    expect(widget.notices("ended")).to_contain_text("cleared from this browser")
    expect(widget.textbox).to_have_value("")
    assert widget.resident_id() is None
    assert page.evaluate("sessionStorage.getItem('dpa-chat-draft')") is None
    assert page.evaluate("sessionStorage.getItem('dpa-chat-pending')") is None
    # The hub was told ({"type": "end"}): it recorded the end of the conversation.
    wait_until(
        page,
        lambda: any(m["role"] == "system" and m.get("kind") == "closed"
                    for m in hub_transcript(resident)["messages"]),
        "the hub recorded the end of the chat",
    )

    page.reload()
    widget = Widget(page)
    widget.open()
    expect(widget.log.locator("[data-id]")).to_have_count(0)
    wait_until(page, widget.resident_id, "the hub issued a new id")
    new_resident = widget.resident_id()
    assert new_resident and new_resident != resident


@pytest.mark.parametrize("stored", ["forged", "old"])
def test_an_id_the_hub_did_not_issue_starts_a_new_chat_and_says_so(page, hub_url, hub_transcript,
                                                                     stored):
    """A changed signature (or SESSION_SECRET), or an id an older widget made itself."""
    page.goto(hub_url + "/")
    widget = Widget(page)
    widget.open()
    widget.say_and_expect("hello", "automated")
    issued = widget.resident_id()
    conversation, tag = issued.split(".")
    bad = (f"{conversation}.{'A' if tag[0] != 'A' else 'B'}{tag[1:]}" if stored == "forged"
           else "a" * 22)
    page.evaluate("id => localStorage.setItem('dpa-chat-resident', id)", bad)

    page.reload()
    widget = Widget(page)
    expect(widget.notices("restarted")).to_contain_text("a new one has started")
    expect(widget.resident_says("hello")).to_have_count(0)
    wait_until(page, lambda: widget.resident_id() not in (None, bad), "the hub issued a new id")
    fresh = widget.resident_id()
    assert fresh != issued
    widget.say_and_expect("how much does it cost?", "free")
    assert [m["text"] for m in hub_transcript(fresh)["messages"] if m["role"] == "resident"] == [
        "how much does it cost?"]
    # The earlier conversation is untouched (staff still have it); only this browser moved on.
    assert [m["text"] for m in hub_transcript(issued)["messages"] if m["role"] == "resident"] == [
        "hello"]


def test_cancelling_end_chat_keeps_everything(page, hub_url):
    page.goto(hub_url + "/")
    widget = Widget(page)
    widget.open()
    widget.send("hello")
    widget.end_button.click()
    page.get_by_role("button", name="No, keep chatting").click()
    expect(widget.end_button).to_be_focused()
    expect(widget.resident_says("hello")).to_have_count(1)
    assert widget.resident_id() is not None


def test_a_message_that_is_too_long_stays_in_the_box(page, hub_url, hub_transcript):
    page.goto(hub_url + "/")
    widget = Widget(page)
    widget.open()
    long_text = "word " * 220  # 1,100 characters; the hub's default limit is 1,000
    widget.textbox.fill(long_text)
    widget.textbox.press("Enter")

    expect(widget.notices("too_long")).to_have_count(1)
    expect(widget.notices("too_long")).to_contain_text("too long")
    expect(widget.messages("resident")).to_have_count(0)
    expect(widget.textbox).to_have_value(long_text.strip())
    assert hub_transcript(widget.resident_id())["messages"] == []


def test_keyboard_only(page, hub_url):
    page.goto(hub_url + "/")
    widget = Widget(page)
    is_launcher = "document.activeElement === document.querySelector('.dpa-chat__launcher')"
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate(is_launcher):
            break
    else:
        pytest.fail("Tab never reached the chat launcher")
    # A visible focus indicator: the yellow and black rings.
    shadow = widget.launcher.evaluate("n => getComputedStyle(n).boxShadow")
    assert "rgb(255, 221, 0)" in shadow and "rgb(11, 12, 12)" in shadow, shadow

    page.keyboard.press("Enter")
    expect(widget.panel).to_be_visible()
    expect(widget.launcher).to_have_attribute("aria-expanded", "true")
    expect(widget.textbox).to_be_focused()
    page.keyboard.type("hello")
    page.keyboard.press("Enter")
    expect(widget.assistant_reply("automated")).to_have_count(1, timeout=REPLY_TIMEOUT_MS)
    expect(widget.textbox).to_be_focused()

    # Shift+Enter is a new line, not a send.
    page.keyboard.type("first line")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("second line")
    expect(widget.textbox).to_have_value("first line\nsecond line")
    page.keyboard.press("Tab")
    expect(widget.send_button).to_be_focused()
    page.keyboard.press("Enter")
    expect(widget.resident_says("first line\nsecond line")).to_have_count(1)

    # Escape closes the panel and gives the focus back to the launcher.
    expect(widget.textbox).to_be_focused()  # sending keeps the focus in the text box
    page.keyboard.press("Escape")
    expect(widget.panel).to_be_hidden()
    expect(widget.launcher).to_be_focused()
    expect(widget.launcher).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(widget.textbox).to_be_focused()
    expect(widget.resident_says("hello")).to_have_count(1)

    # Every control in the panel is reachable with Tab, in reading order.
    names = []
    widget.panel.locator(".dpa-chat__minimise").focus()
    for _ in range(12):
        names.append(page.evaluate(
            "(() => { const n = document.activeElement;"
            " return n.getAttribute('aria-label')"
            " || (n.labels && n.labels[0] && n.labels[0].textContent) || n.textContent.trim(); })()"
        ))
        page.keyboard.press("Tab")
    for expected in ("Minimise chat", "Talk to a person", "End chat", "Type your message", "Send"):
        assert expected in names, names
    assert names.index("Talk to a person") < names.index("Type your message") < names.index("Send")


@pytest.fixture
def council_site(hub_url, council_site_port):
    """A council's own page on another origin (http://localhost:PORT, the exact origin the
    stack lists in CHAT_ALLOWED_ORIGINS), embedding the hub's widget with the single tag.
    Served by a tiny local server: the hub stays the real web app."""
    page_html = f"""<!DOCTYPE html><html lang="en-GB"><head><title>Your data</title></head>
        <body><main><h1>Your data</h1></main>
        <script src="{hub_url}/widget.js" data-hub="{hub_url}" data-title="Ask the council"
                data-privacy-url="https://council.example/privacy" data-position="left"
                defer></script>
        </body></html>""".encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page_html)))
            self.end_headers()
            self.wfile.write(page_html)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", council_site_port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_council_page_on_another_origin_embeds_it_with_one_tag(page, hub_url, council_site):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(council_site)
    launcher = page.get_by_role("button", name="Chat about your data")
    launcher.click()
    panel = page.get_by_role("dialog", name="Ask the council")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("link", name="privacy notice")).to_have_attribute(
        "href", "https://council.example/privacy")
    assert launcher.bounding_box()["x"] < 100  # data-position="left"
    widget = Widget(page)
    widget.say_and_expect("hello", "automated")
    # The stylesheet and the socket go to the hub; nothing goes anywhere else.
    assert f"{hub_url}/widget.css" in requests
    assert all(url.startswith((hub_url, council_site)) for url in requests), requests
