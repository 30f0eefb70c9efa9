"""The widget's endpoints: ``/chat/session``, ``/chat/ws`` (the WebSocket), ``/chat/transcript``.

This module checks and parses what a browser sends (origin, resident id, message shape,
limits); :mod:`bot.web.hub` does the conversation. See docs/chat-protocol.md.
"""
from __future__ import annotations

import json
import logging
import re
from typing import Any

from aiohttp import WSMsgType, web

from bot.cases.status_limits import client_tag
from bot.chat.transcripts import MAX_CLIENT_ID, MAX_PAGE
from bot.conversation.plain_text import clean
from bot.web import notices
from bot.web.keys import HUB_KEY, ORIGINS_KEY, READINESS_KEY, RESIDENT_IDS_KEY, SETTINGS_KEY
from bot.web.limits import TokenBucket

log = logging.getLogger(__name__)

CLIENT_ID = re.compile(rf"[A-Za-z0-9_.:-]{{1,{MAX_CLIENT_ID}}}")
# Pings from aiohttp find tabs whose network went away without a close frame.
HEARTBEAT_SECONDS = 30.0
# The body of the 403 for a resident id the hub did not issue; the widget looks for this
# ``error`` to start a new conversation (after SESSION_SECRET changed, say).
RESIDENT_NOT_VALID = "resident_not_valid"
RESIDENT_NOT_VALID_TEXT = (
    "this resident id was not issued by this hub (made up, altered, or signed with an "
    "earlier secret): ask for a new one with POST /chat/session"
)


def _cors(origin: str | None) -> dict[str, str]:
    headers = {"Cache-Control": "no-store", "Vary": "Origin"}
    if origin is not None:
        headers["Access-Control-Allow-Origin"] = origin
    return headers


def _conversation_id(request: web.Request, origin: str | None) -> str:
    """The conversation the request's resident id opens; 403 unless the hub signed it."""
    conversation_id = request.app[RESIDENT_IDS_KEY].conversation_id(
        request.query.get("resident", "")
    )
    if conversation_id is None:
        raise web.HTTPForbidden(
            text=json.dumps({"error": RESIDENT_NOT_VALID, "text": RESIDENT_NOT_VALID_TEXT}),
            content_type="application/json",
            headers=_cors(origin),
        )
    return conversation_id


def _check_origin(request: web.Request, *, required: bool) -> str | None:
    origin = request.headers.get("Origin")
    if origin is None and not required:
        return None  # a same-origin GET, or a tool: browsers always send Origin cross-site
    if not request.app[ORIGINS_KEY].allows(origin, request.host):
        raise web.HTTPForbidden(text="this page may not use the chat (origin not allowed)")
    return origin


async def new_session(request: web.Request) -> web.Response:
    """``POST /chat/session``: a new resident id, for a new conversation (nothing stored)."""
    origin = _check_origin(request, required=True)  # browsers send Origin with every POST
    resident = request.app[RESIDENT_IDS_KEY].issue()
    return web.json_response({"resident": resident}, headers=_cors(origin))


async def _require_database(request: web.Request) -> None:
    readiness = request.app[READINESS_KEY]
    if not await readiness.ready():
        raise web.HTTPServiceUnavailable(text=await readiness.status())


async def transcript(request: web.Request) -> web.Response:
    """``GET /chat/transcript?resident=``: the ``history`` payload, for tabs without a socket."""
    origin = _check_origin(request, required=False)
    conversation_id = _conversation_id(request, origin)
    await _require_database(request)
    payload = await request.app[HUB_KEY].transcript(conversation_id)
    return web.json_response(payload, headers=_cors(origin))


def _max_frame_bytes(max_chars: int) -> int:
    """Big enough to answer any plausible paste with ``too_long`` instead of dropping the
    socket (the widget would reconnect and resend it forever); text and display, escaped."""
    return max(256 * 1024, max_chars * 24)


async def chat_socket(request: web.Request) -> web.WebSocketResponse:
    """``GET /chat/ws?resident=``: one tab of a resident's conversation."""
    origin = _check_origin(request, required=True)
    conversation_id = _conversation_id(request, origin)
    await _require_database(request)
    settings = request.app[SETTINGS_KEY]
    ws = web.WebSocketResponse(
        heartbeat=HEARTBEAT_SECONDS, max_msg_size=_max_frame_bytes(settings.chat_max_message_chars)
    )
    if not ws.can_prepare(request).ok:
        raise web.HTTPBadRequest(text="expected a WebSocket upgrade")
    await ws.prepare(request)
    session = _Session(request, ws, conversation_id)
    hub = request.app[HUB_KEY]
    try:
        await hub.connect(conversation_id, ws)
        async for frame in ws:
            if frame.type == WSMsgType.TEXT:
                if not await session.handle(frame.data):
                    break
            elif frame.type == WSMsgType.BINARY:
                await session.error("send JSON text frames")
    except Exception as exc:
        log.error("chat socket failed: %s", type(exc).__name__)
        if not ws.closed:
            await ws.close(code=1011, message=b"server error")
    finally:
        hub.disconnect(conversation_id, ws)
    return ws


class _Session:
    """One tab: its rate limit, and the parsing of what it sends."""

    def __init__(
        self, request: web.Request, ws: web.WebSocketResponse, conversation_id: str
    ) -> None:
        settings = request.app[SETTINGS_KEY]
        self.hub = request.app[HUB_KEY]
        self.ws = ws
        self.conversation_id = conversation_id
        self.max_chars = settings.chat_max_message_chars
        self.bucket = TokenBucket(settings.chat_rate_per_minute, settings.chat_rate_burst)
        # Which address the status check's per-address limit counts this tab under (signed,
        # so a caller that talks to Rasa directly cannot make one up; no secret: unknown).
        self.client_tag = (
            client_tag(settings.status_check_secret, request.remote)
            if settings.status_check_secret and request.remote else None
        )

    async def handle(self, data: str) -> bool:
        """Act on one frame; False when the tab should be closed."""
        try:
            frame = json.loads(data)
        except (ValueError, RecursionError):  # RecursionError: nested too deep to parse
            frame = None
        if not isinstance(frame, dict):
            await self.error("not a JSON object")
            return True
        kind = frame.get("type")
        if kind == "ping":
            await self.ws.send_json({"type": "pong"})
        elif kind == "message":
            await self.message(frame)
        elif kind == "end":
            await self.hub.resident_ended(self.conversation_id)
            return False
        else:
            await self.error("unknown message type")
        return True

    async def message(self, frame: dict[str, Any]) -> None:
        text, display = frame.get("text"), frame.get("display")
        client_id, page = frame.get("client_id"), frame.get("page")
        # Control characters are dropped before anything is checked or stored.
        text = clean(text) if isinstance(text, str) else text
        display = clean(display) if isinstance(display, str) else display
        page = clean(page) if isinstance(page, str) else page
        if client_id is not None and not (
            isinstance(client_id, str) and CLIENT_ID.fullmatch(client_id)
        ):
            await self.error("client_id must be up to 64 URL-safe characters")
            return
        if not isinstance(text, str) or not text.strip():
            await self.error("empty message", client_id=client_id)
            return
        if display is not None and (not isinstance(display, str) or not display.strip()):
            display = None
        if len(text) > self.max_chars or (display is not None and len(display) > self.max_chars):
            await self.refuse(notices.TOO_LONG, notices.too_long_text(self.max_chars), client_id)
            return
        if not self.bucket.take():
            await self.refuse(notices.RATE_LIMITED, notices.RATE_LIMITED_TEXT, client_id)
            return
        page = page[:MAX_PAGE] if isinstance(page, str) and page else None
        try:
            await self.hub.resident_message(
                self.conversation_id, self.ws, text=text.strip(),
                display=display.strip() if display else None, client_id=client_id, page=page,
                client_tag=self.client_tag,
            )
        except Exception as exc:
            log.error("could not store a resident message: %s", type(exc).__name__)
            await self.error("Your message could not be sent. Please try again.",
                             client_id=client_id, kind="not_stored")

    async def refuse(self, kind: str, text: str, client_id: str | None) -> None:
        """Not stored: a line in the transcript, and an error so the widget keeps the text."""
        await self.ws.send_json({"type": "notice", "kind": kind, "text": text})
        await self.error(text, client_id=client_id, kind=kind)

    async def error(
        self, text: str, *, client_id: str | None = None, kind: str | None = None
    ) -> None:
        payload: dict[str, Any] = {"type": "error", "text": text}
        if kind is not None:
            payload["kind"] = kind
        if client_id is not None:
            payload["client_id"] = client_id
        await self.ws.send_json(payload)


def add_chat_routes(app: web.Application) -> None:
    app.router.add_post("/chat/session", new_session)
    app.router.add_get("/chat/ws", chat_socket)
    app.router.add_get("/chat/transcript", transcript)
