"""The chat widget as a resident sees it: find its parts by role and name, talk through it."""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from playwright.sync_api import Locator, Page, WebSocketRoute, expect

# A real Rasa turn on two busy cores: seconds, rarely more. Generous, but bounded.
REPLY_TIMEOUT_MS = 60_000
# The widget's reconnect backoff is capped at 15 s; a few attempts fit in this.
RECONNECT_TIMEOUT_MS = 40_000
LAUNCHER_NAME = "Chat about your data"
PANEL_NAME = "Data protection help"
TEXTBOX_NAME = "Type your message"


def wait_until(
    page: Page, condition: Callable[[], object], what: str, timeout_ms: int = 10_000
) -> None:
    """Poll ``condition`` (e.g. the hub's stored transcript) without blocking the page."""
    waited = 0
    while not condition():
        if waited >= timeout_ms:
            raise AssertionError(f"timed out after {timeout_ms} ms waiting until {what}")
        page.wait_for_timeout(100)
        waited += 100


class Widget:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.launcher = page.get_by_role("button", name=LAUNCHER_NAME)
        self.panel = page.get_by_role("dialog", name=PANEL_NAME)
        self.log = page.get_by_role("log")
        self.textbox = page.get_by_role("textbox", name=TEXTBOX_NAME)
        self.send_button = page.get_by_role("button", name="Send", exact=True)
        self.human_button = page.get_by_role("button", name="Talk to a person")
        self.end_button = page.get_by_role("button", name="End chat", exact=True)
        self.status = page.locator(".dpa-chat__status")
        self.mode = page.locator(".dpa-chat__mode")

    # -- finding things ------------------------------------------------------------------

    def messages(self, role: str) -> Locator:
        """Messages of one role from the hub (the static opening message is not one)."""
        return self.log.locator(f".dpa-chat__message--{role}:not(.dpa-chat__intro)")

    def resident_says(self, text: str) -> Locator:
        """The resident's bubbles whose text is exactly ``text``."""
        return self.messages("resident").filter(
            has=self.page.locator(".dpa-chat__text", has_text=re.compile(rf"^{re.escape(text)}$"))
        )

    def assistant_reply(self, containing: str) -> Locator:
        return self.messages("assistant").filter(has_text=re.compile(re.escape(containing), re.I))

    def notices(self, kind: str | None = None) -> Locator:
        selector = ".dpa-chat__notice" + (f'[data-kind="{kind}"]' if kind else "")
        return self.log.locator(selector)

    def resident_id(self) -> str | None:
        return self.page.evaluate("localStorage.getItem('dpa-chat-resident')")

    # -- doing things --------------------------------------------------------------------

    def open(self) -> None:
        if not self.panel.is_visible():
            self.launcher.click()
        expect(self.panel).to_be_visible()

    def send(self, text: str) -> Locator:
        """Type and press Enter; wait until the hub acknowledged it (it has a hub id)."""
        self.textbox.fill(text)
        self.textbox.press("Enter")
        bubble = self.resident_says(text)
        expect(bubble.and_(self.page.locator("[data-id]"))).to_have_count(1)
        return bubble

    def say_and_expect(self, text: str, reply_containing: str) -> Locator:
        self.send(text)
        reply = self.assistant_reply(reply_containing)
        expect(reply.first).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        return reply


@dataclass
class SocketProxy:
    """Sits between the page and the real hub (``page.route_web_socket``) so a test can cut
    the connection, refuse reconnects, or lose frames in either direction."""

    refuse: bool = False
    drop_to_hub: bool = False
    drop_to_page: bool = False
    connections: int = 0
    to_hub: list[dict] = field(default_factory=list)
    routes: list[WebSocketRoute] = field(default_factory=list)

    def handler(self, ws: WebSocketRoute) -> None:
        if self.refuse:
            ws.close(code=1011, reason="test: hub unreachable")
            return
        self.connections += 1
        server = ws.connect_to_server()
        self.routes.append(ws)

        def up(message: str | bytes) -> None:
            if isinstance(message, str):
                self.to_hub.append(json.loads(message))
            if not self.drop_to_hub:
                server.send(message)

        def down(message: str | bytes) -> None:
            if not self.drop_to_page:
                ws.send(message)

        ws.on_message(up)
        server.on_message(down)
        ws.on_close(lambda code, reason: server.close())
        server.on_close(lambda code, reason: ws.close(code=code, reason=reason))

    def cut(self) -> None:
        """Close the page's current socket as a dropped network would."""
        self.routes[-1].close(code=1011, reason="test: connection lost")

    def install(self, page: Page) -> SocketProxy:
        page.route_web_socket(re.compile(r".*/chat/ws\b.*"), self.handler)
        return self

    def messages_to_hub(self, text: str) -> list[dict]:
        return [m for m in self.to_hub if m.get("type") == "message" and m.get("text") == text]


@dataclass
class FakeHub:
    """A scripted hub for rendering edge cases the real assistant never produces (hostile
    text, out-of-order and repeated frames, typing). The page, widget.js and widget.css
    still come from the real web app; only the socket's frames are written by the test."""

    received: list[dict] = field(default_factory=list)
    routes: list[WebSocketRoute] = field(default_factory=list)
    on_message: Callable[[FakeHub, dict], None] | None = None
    mode: str = "assistant"
    page: Page | None = None

    def handler(self, ws: WebSocketRoute) -> None:
        self.routes.append(ws)

        def receive(message: str | bytes) -> None:
            frame = json.loads(message)
            self.received.append(frame)
            if frame.get("type") == "ping":
                ws.send(json.dumps({"type": "pong"}))
            elif self.on_message is not None:
                self.on_message(self, frame)

        ws.on_message(receive)
        ws.send(json.dumps({"type": "history", "messages": [], "mode": self.mode}))

    def install(self, page: Page) -> FakeHub:
        page.route_web_socket(re.compile(r".*/chat/ws\b.*"), self.handler)
        self.page = page
        return self

    def push(self, frame: dict, timeout_ms: int = 10_000) -> None:
        """Send ``frame`` down the widget's socket, once it has one: the widget first asks
        the hub for its id (POST /chat/session), so the socket opens a moment after open()."""
        waited = 0
        while not self.routes and self.page is not None and waited < timeout_ms:
            self.page.wait_for_timeout(50)
            waited += 50
        assert self.routes, "the widget never opened its socket"
        self.routes[-1].send(json.dumps(frame))
