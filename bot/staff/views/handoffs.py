"""Live handoff: the queue (live), a conversation (live two-way chat), claim, hand back, close.

URLs name the handoff by its id, never by the conversation id: that is the resident's key to
their chat (docs/chat-protocol.md) and must not end up in logs or browser history.
Live updates are Server-Sent Events (``text/event-stream``), read by ``staff.js`` with
``EventSource``; the console's own messages go as ``fetch`` POSTs with the CSRF header.
"""
from __future__ import annotations

import asyncio
import json
from datetime import datetime
from typing import Any

from aiohttp import web

from bot.cases.labels import handoff_reason, intent_labels
from bot.chat.handoffs import CLAIMED, WAITING, HandoffNotOpen, HandoffRecord
from bot.staff import audit
from bot.staff.auth import roles
from bot.staff.auth.security import PREFIX, require, wants_json
from bot.staff.render.pages import message_page, page, see_other
from bot.staff.services import STAFF_KEY
from bot.staff.sse import EventStream
from bot.staff.views.handoff_common import TEAM, author_name
from bot.staff.views.handoff_common import find_handoff as _handoff
from bot.staff.views.handoff_request import request_panel
from bot.web.keys import HUB_KEY
from bot.web.rasa_client import RasaUnavailable

QUEUE_POLL_SECONDS = 2.0
MAX_STAFF_MESSAGE = 2000


def minutes_since(moment: datetime, now: datetime) -> int:
    return max(0, int((now - moment).total_seconds() // 60))


def queue_item(handoff: HandoffRecord, now: datetime) -> dict[str, Any]:
    """What the queue shows of a handoff (no conversation id, nothing the resident wrote)."""
    return {
        "id": handoff.id,
        "reason": handoff.reason,
        "reason_label": handoff_reason(handoff.reason),
        "status": handoff.status,
        "requested_at": handoff.requested_at.isoformat(),
        "waited_minutes": minutes_since(handoff.requested_at, now),
        "claimed_by": handoff.claimed_by,
        "callback_offered": handoff.callback_offered_at is not None,
        "url": f"{PREFIX}/handoffs/{handoff.id}",
    }


async def _queue(request: web.Request) -> list[dict[str, Any]]:
    services = request.app[STAFF_KEY]
    handoffs = await services.db(services.handoffs.open_handoffs)
    now = services.now()
    return [queue_item(h, now) for h in handoffs]


def waited_words(minutes: int) -> str:
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"


@require(roles.HANDOFFS)
async def queue_page(request: web.Request) -> web.Response:
    services = request.app[STAFF_KEY]
    items = await _queue(request)
    open_now = services.hours.is_open(services.now())
    rows = [{**item, "requested": datetime.fromisoformat(item["requested_at"]),
             "waited": waited_words(item["waited_minutes"]), "waiting": item["status"] == WAITING}
            for item in items]
    return page(request, "queue.html", title="Live chats", queue=rows,
                staff_hours=services.settings.staff_hours, open_now=open_now,
                claim_timeout_minutes=services.settings.staff_claim_timeout_minutes)


@require(roles.HANDOFFS)
async def queue_json(request: web.Request) -> web.Response:
    return web.json_response({"queue": await _queue(request)})


@require(roles.HANDOFFS)
async def queue_stream(request: web.Request) -> web.StreamResponse:
    """The queue whenever it changes: at once when a hub (this instance or another, through
    the live channel) says so, and at the latest every :data:`QUEUE_POLL_SECONDS` (waited
    minutes, and changes no hub saw, such as the claim timeout)."""
    stream = await EventStream.open(request)
    hub = request.app[HUB_KEY]
    last = None
    while not stream.closing:
        wake = hub.queue_event  # before reading: a change meanwhile wakes the next wait
        items = await _queue(request)
        if items != last:
            await stream.send("queue", {"queue": items})
            last = items
        if not await stream.wait(QUEUE_POLL_SECONDS, wake=wake):
            break
    return stream.response


@require(roles.HANDOFFS)
async def conversation_page(request: web.Request) -> web.Response:
    services = request.app[STAFF_KEY]
    handoff = await _handoff(request)
    await services.audit(request["staff"].account.username,
                         audit.HANDOFF_VIEW, target=f"handoff:{handoff.id}")
    history = await services.db(services.transcripts.history, handoff.conversation_id)
    waited = waited_words(minutes_since(handoff.requested_at, services.now()))
    mine = handoff.status == CLAIMED and handoff.claimed_by == request["staff"].account.username
    flashes = {"claimed": "You have joined the chat. The resident has been told.",
               "released": "The conversation is back in the queue.",
               "request_cancelled": "The request was cancelled: nothing was logged, and the "
                                    "assistant will not carry on with it."}
    flash = flashes.get(request.query.get("done", ""))
    return page(request, "handoff.html", title=f"Live chat {handoff.id}", flash=flash,
                handoff=handoff, history=history, waited=waited, mine=mine,
                waiting=handoff.status == WAITING, claimed=handoff.status == CLAIMED,
                resident_connected=request.app[HUB_KEY].resident_connected(
                    handoff.conversation_id),
                max_message=MAX_STAFF_MESSAGE, intent_labels=json.dumps(intent_labels()),
                request_panel=await request_panel(request, handoff))


@require(roles.HANDOFFS)
async def conversation_stream(request: web.Request) -> web.StreamResponse:
    """The conversation so far (``history``), then every event as it happens."""
    handoff = await _handoff(request)
    hub = request.app[HUB_KEY]
    subscription = hub.subscribe_staff(handoff.conversation_id)
    try:
        stream = await EventStream.open(request)
        history = await hub.transcript(handoff.conversation_id, for_staff=True)
        await stream.send("history", history)
        while not stream.closing:
            try:
                event = await asyncio.wait_for(subscription.get(), stream.heartbeat)
            except asyncio.TimeoutError:
                if not await stream.ping():
                    break
                continue
            except StopAsyncIteration:
                await stream.send("resubscribe", {"overflowed": subscription.overflowed})
                break
            if not await stream.send(event.get("type", "message"), event):
                break
        return stream.response
    finally:
        subscription.close()


async def _reply(request: web.Request, handoff: HandoffRecord, done: str) -> web.StreamResponse:
    if wants_json(request):
        return web.json_response({"ok": True, "status": done})
    return see_other(f"{PREFIX}/handoffs/{handoff.id}?done={done}")


@require(roles.HANDOFFS)
async def claim(request: web.Request) -> web.StreamResponse:
    services = request.app[STAFF_KEY]
    handoff = await _handoff(request)
    account = request["staff"].account
    try:
        handoff = await services.db(services.handoffs.claim, handoff.id, account.username)
    except HandoffNotOpen:
        message = "Someone else has already claimed this conversation, or it has ended."
        if wants_json(request):
            return web.json_response({"error": message}, status=409)
        return message_page(request, "Not claimed", error=message, status=409,
                            link=("Back to the conversation", f"{PREFIX}/handoffs/{handoff.id}"))
    await services.audit(account.username, audit.HANDOFF_CLAIM,
                         target=f"handoff:{handoff.id}")
    await request.app[HUB_KEY].notify(
        handoff.conversation_id, "staff_joined",
        f"{account.display_name} from {TEAM} has joined the chat.", author=author_name(request),
    )
    return await _reply(request, handoff, "claimed")


def _must_be_claimed(handoff: HandoffRecord) -> None:
    if handoff.status != CLAIMED:
        raise web.HTTPConflict(text="Claim the conversation first.")


@require(roles.HANDOFFS)
async def release(request: web.Request) -> web.StreamResponse:
    services = request.app[STAFF_KEY]
    handoff = await _handoff(request)
    account = request["staff"].account
    try:
        handoff = await services.db(services.handoffs.release, handoff.id)
    except HandoffNotOpen:
        raise web.HTTPConflict(text="The conversation is not claimed.") from None
    await services.audit(account.username, audit.HANDOFF_RELEASE,
                         target=f"handoff:{handoff.id}")
    await request.app[HUB_KEY].notify(
        handoff.conversation_id, "staff_left",
        f"{account.display_name} has left the chat. Another member of the team will join "
        "as soon as they can.", author=author_name(request),
    )
    return await _reply(request, handoff, "released")


async def _end(request: web.Request, *, returned: bool) -> web.StreamResponse:
    services = request.app[STAFF_KEY]
    handoff = await _handoff(request)
    _must_be_claimed(handoff)
    account = request["staff"].account
    hub = request.app[HUB_KEY]
    try:
        if returned:
            await hub.hand_back(
                handoff.conversation_id, author=author_name(request),
                text=f"{account.display_name} has left the chat. You are now talking to the "
                     "automated assistant again.",
            )
        else:
            await hub.close_handoff(
                handoff.conversation_id, author=author_name(request),
                text=f"{account.display_name} has closed this chat. The automated assistant "
                     "can still help if you write again.",
            )
    except RasaUnavailable:
        message = ("The assistant could not be reached, so the conversation stays with you. "
                   "Try again in a moment.")
        if wants_json(request):
            return web.json_response({"error": message}, status=503)
        return message_page(request, "Not handed back", error=message, status=503,
                            link=("Back to the conversation", f"{PREFIX}/handoffs/{handoff.id}"))
    await services.audit(account.username,
                         audit.HANDOFF_HAND_BACK if returned else audit.HANDOFF_CLOSE,
                         target=f"handoff:{handoff.id}")
    if wants_json(request):
        return web.json_response({"ok": True})
    return see_other(f"{PREFIX}/handoffs")


@require(roles.HANDOFFS)
async def hand_back(request: web.Request) -> web.StreamResponse:
    return await _end(request, returned=True)


@require(roles.HANDOFFS)
async def close(request: web.Request) -> web.StreamResponse:
    return await _end(request, returned=False)


async def _text_from(request: web.Request) -> str:
    if request.content_type == "application/json":
        try:
            payload = await request.json()
        except ValueError:
            raise web.HTTPBadRequest(text="expected JSON") from None
        text = payload.get("text") if isinstance(payload, dict) else None
    else:
        text = (await request.post()).get("text")
    if not isinstance(text, str) or not text.strip():
        raise web.HTTPBadRequest(text="Write a message first.")
    if len(text) > MAX_STAFF_MESSAGE:
        raise web.HTTPBadRequest(text=f"Keep messages under {MAX_STAFF_MESSAGE} characters.")
    return text.strip()


def _must_be_mine(request: web.Request, handoff: HandoffRecord) -> None:
    if handoff.status != CLAIMED or handoff.claimed_by != request["staff"].account.username:
        raise web.HTTPConflict(text="Only the member of staff who claimed the chat can reply.")


@require(roles.HANDOFFS)
async def send_message(request: web.Request) -> web.StreamResponse:
    handoff = await _handoff(request)
    _must_be_mine(request, handoff)
    text = await _text_from(request)
    hub = request.app[HUB_KEY]
    record = await hub.post_staff_message(handoff.conversation_id, author_name(request), text)
    await hub.set_typing(handoff.conversation_id, False)
    if wants_json(request):
        return web.json_response({"ok": True, "seq": record.seq, "id": record.id})
    return see_other(f"{PREFIX}/handoffs/{handoff.id}#composer")


@require(roles.HANDOFFS)
async def typing(request: web.Request) -> web.StreamResponse:
    handoff = await _handoff(request)
    _must_be_mine(request, handoff)
    try:
        payload = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="expected JSON") from None
    on = bool(payload.get("on")) if isinstance(payload, dict) else False
    await request.app[HUB_KEY].set_typing(handoff.conversation_id, on)
    return web.json_response({"ok": True})


def add_routes(app: web.Application) -> None:
    app.router.add_get(PREFIX + "/handoffs", queue_page)
    app.router.add_get(PREFIX + "/handoffs/stream", queue_stream)
    app.router.add_get(PREFIX + "/api/handoffs", queue_json)
    base = PREFIX + "/handoffs/{handoff_id:\\d+}"
    app.router.add_get(base, conversation_page)
    app.router.add_get(base + "/stream", conversation_stream)
    app.router.add_post(base + "/claim", claim)
    app.router.add_post(base + "/release", release)
    app.router.add_post(base + "/hand-back", hand_back)
    app.router.add_post(base + "/close", close)
    app.router.add_post(base + "/messages", send_message)
    app.router.add_post(base + "/typing", typing)
