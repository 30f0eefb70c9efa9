"""A stand-in for Rasa's REST channel and HTTP API: a small real aiohttp server.

Scripted replies, and switches to make it slow, failing or silent, so the hub's relaying is
tested over real HTTP without loading a model (the real Rasa is covered by tests/e2e).
Like Rasa, it ignores messages for a paused conversation until a ``resume`` event, and it
can write its "tracker store" rows (``events``) into the hub's database, as Rasa's SQL
tracker store does.

Faults, as the real parts have them: :meth:`StandInRasa.go_down` / :meth:`come_back` (the
port refuses connections, then the same port answers again), :meth:`freeze` / :meth:`thaw`
(requests hang, as under SIGSTOP, and are then processed: a turn the hub gave up on is still
taken), ``actions_down`` (the action server is down: Rasa takes the message and answers
nothing; ``/health``, which stands in for the action server's, fails). Like Rasa it keeps a
tracker per conversation (``GET`` and ``POST .../tracker/events``; appending waits for a
turn in progress, under the conversation's lock; ``agent`` events are not kept).
:class:`FormScript` is a small request form for the "form question" and "confirmation"
steps.
"""
from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import text

from bot.db.engine import get_engine
from bot.rasa.events import create_events_table

TOKEN = "stand-in-token"

Script = Callable[[dict[str, Any]], "list[dict[str, Any]] | Awaitable[list[dict[str, Any]]]"]


def echo(turn: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"recipient_id": turn["sender"], "text": f"You said: {turn['message']}"}]


CONFIRM_BUTTONS = [{"title": "Yes, send it", "payload": "/affirm"},
                   {"title": "No", "payload": "/deny"}]


class FormScript:
    """A request form in miniature: any first message starts it; each next message fills
    the question being asked (``filled``), whatever it says, as a real form's free-text
    questions do; "/affirm" at the confirmation logs a case (``cases``)."""

    QUESTIONS = (
        ("full_name", "What is your full name?"),
        ("email", "What is your email address?"),
        ("confirmed", "Shall I send your request?"),
    )

    def __init__(self) -> None:
        self.filled: dict[str, dict[str, str]] = defaultdict(dict)
        self.asking: dict[str, str | None] = {}
        self.cases: list[tuple[str, dict[str, str]]] = []

    def requested_slot(self, sender: str) -> str | None:
        return self.asking.get(sender)

    def __call__(self, turn: dict[str, Any]) -> list[dict[str, Any]]:
        sender, text_ = turn["sender"], turn["message"]
        slot = self.asking.get(sender)
        if slot is not None:
            self.filled[sender][slot] = text_
        if slot == "confirmed":
            self.asking[sender] = None
            if text_ == "/affirm":
                self.cases.append((sender, dict(self.filled[sender])))
                return [{"text": f"Your request is logged: DPA-{len(self.cases)}."}]
            return [{"text": "I have not sent it."}]
        asked = [name for name, _ in self.QUESTIONS]
        following = asked[asked.index(slot) + 1] if slot else asked[0]
        self.asking[sender] = following
        question = dict(self.QUESTIONS)[following]
        if following == "confirmed":
            return [{"text": "Here are your details."},
                    {"text": question, "buttons": CONFIRM_BUTTONS}]
        return [{"text": question}]


@dataclass
class StandInRasa:
    script: Script = echo
    delay: float = 0.0
    status: int = 200
    tracker_store_url: str | None = None  # write Rasa-like ``events`` rows here
    intent: str = "greet"
    confidence: float = 0.93
    received: list[dict[str, Any]] = field(default_factory=list)
    events: list[tuple[str, dict[str, Any], dict[str, str]]] = field(default_factory=list)
    paused: set[str] = field(default_factory=set)
    parses: dict[str, tuple[str, float]] = field(default_factory=dict)  # /model/parse answers
    parsed: list[str] = field(default_factory=list)
    server: TestServer | None = None
    actions_down: bool = False
    trackers: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    # Slots per conversation (set by ``slot`` events, as Rasa's tracker keeps them), and the
    # intents injected with trigger_intent, answered with ``trigger_replies``.
    slots: dict[str, dict[str, Any]] = field(default_factory=lambda: defaultdict(dict))
    triggered: list[tuple[str, str]] = field(default_factory=list)
    trigger_replies: list[dict[str, Any]] = field(default_factory=list)
    _running: asyncio.Event = field(default_factory=asyncio.Event)
    _locks: dict[str, asyncio.Lock] = field(default_factory=lambda: defaultdict(asyncio.Lock))
    _port: int | None = None

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/", self._root)
        app.router.add_get("/health", self._health)
        app.router.add_post("/webhooks/rest/webhook", self._webhook)
        app.router.add_get("/conversations/{conversation_id}/tracker", self._tracker)
        app.router.add_post("/conversations/{conversation_id}/tracker/events", self._events)
        app.router.add_post("/conversations/{conversation_id}/trigger_intent", self._trigger)
        app.router.add_post("/model/parse", self._parse)
        return app

    async def start(self) -> StandInRasa:
        self._running.set()
        self.server = TestServer(self.app(), port=self._port)
        await self.server.start_server()
        self._port = self.server.port
        return self

    async def close(self) -> None:
        self._running.set()  # let frozen requests finish
        if self.server is not None:
            await self.server.close()
            self.server = None

    # -- faults --------------------------------------------------------------------------

    async def go_down(self) -> None:
        """Stop listening: connections are refused (as when Rasa was killed)."""
        await self.close()

    async def come_back(self) -> None:
        """Listen again on the same port (a restarted Rasa keeps its tracker store)."""
        await self.start()

    def freeze(self) -> None:
        """Requests hang until :meth:`thaw` (as under SIGSTOP), then are processed."""
        self._running.clear()

    def thaw(self) -> None:
        self._running.set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    def requested_slot(self, sender: str) -> str | None:
        ask = getattr(self.script, "requested_slot", None)
        return ask(sender) if callable(ask) else None

    def tracker_state(self, sender: str) -> dict[str, Any]:
        slot = self.requested_slot(sender)
        return {
            "sender_id": sender,
            "paused": sender in self.paused,
            "slots": {**self.slots[sender], "requested_slot": slot},
            "active_loop": {"name": "request_form"} if slot else {},
            "events": list(self.trackers[sender]),
        }

    # -- endpoints -----------------------------------------------------------------------

    async def _root(self, _request: web.Request) -> web.Response:
        await self._running.wait()
        return web.Response(text="Hello from Rasa: 3.6.21")

    async def _health(self, _request: web.Request) -> web.Response:
        """Stands in for the action server's health check too."""
        await self._running.wait()
        if self.actions_down:
            return web.json_response({"status": "down"}, status=503)
        return web.json_response({"status": "ok"})

    async def _webhook(self, request: web.Request) -> web.Response:
        turn = await request.json()
        # Like Rasa, a turn runs to its end even if the hub stopped waiting for it.
        return await asyncio.shield(self._turn(turn))

    async def _turn(self, turn: dict[str, Any]) -> web.Response:
        self.received.append(turn)
        await self._running.wait()
        async with self._locks[turn["sender"]]:
            if self.delay:
                await asyncio.sleep(self.delay)
            if self.status != 200:
                return web.json_response({"error": "stand-in failure"}, status=self.status)
            if self.tracker_store_url:
                await asyncio.to_thread(self._write_user_event, turn)
            events = self.trackers[turn["sender"]]
            events.append({"event": "user", "text": turn["message"],
                           "metadata": turn.get("metadata") or {}})
            if turn["sender"] in self.paused or self.actions_down:
                return web.json_response([])
            replies = self.script(turn)
            if asyncio.iscoroutine(replies):
                replies = await replies
            for reply in replies:
                events.append({"event": "bot", "text": reply.get("text"),
                               "data": {"buttons": reply.get("buttons")}})
            return web.json_response(replies)

    async def _tracker(self, request: web.Request) -> web.Response:
        if request.query.get("token") != TOKEN:
            return web.json_response({"status": "failure"}, status=401)
        await self._running.wait()
        return web.json_response(self.tracker_state(request.match_info["conversation_id"]))

    async def _events(self, request: web.Request) -> web.Response:
        if request.query.get("token") != TOKEN:
            return web.json_response({"status": "failure"}, status=401)
        await self._running.wait()
        if self.status != 200:
            return web.json_response({"error": "stand-in failure"}, status=self.status)
        conversation_id = request.match_info["conversation_id"]
        body = await request.json()  # one event, or a list of them (as Rasa accepts)
        event = body if isinstance(body, list) else [body]
        async with self._locks[conversation_id]:  # as Rasa's lock store: after a turn
            if any(e.get("event") != "agent" for e in event):  # not the hub's catch-up
                self.events.append((conversation_id, body, dict(request.query)))
            if any(e.get("event") == "resume" for e in event):
                self.paused.discard(conversation_id)
            for e in event:
                if e.get("event") == "slot":
                    self.slots[conversation_id][e["name"]] = e.get("value")
            return web.json_response(self.tracker_state(conversation_id))

    async def _trigger(self, request: web.Request) -> web.Response:
        """Rasa's trigger_intent: an intent nobody typed; the turn's replies as messages."""
        if request.query.get("token") != TOKEN:
            return web.json_response({"status": "failure"}, status=401)
        await self._running.wait()
        if self.status != 200:
            return web.json_response({"error": "stand-in failure"}, status=self.status)
        conversation_id = request.match_info["conversation_id"]
        self.triggered.append((conversation_id, (await request.json())["name"]))
        return web.json_response({"tracker": self.tracker_state(conversation_id),
                                  "messages": list(self.trigger_replies)})

    async def _parse(self, request: web.Request) -> web.Response:
        """Rasa's /model/parse: the scripted intent for a text (nlu_fallback when unknown)."""
        if request.query.get("token") != TOKEN:
            return web.json_response({"status": "failure"}, status=401)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.status != 200:
            return web.json_response({"error": "stand-in failure"}, status=self.status)
        text_ = (await request.json())["text"]
        self.parsed.append(text_)
        name, confidence = self.parses.get(text_, ("nlu_fallback", 0.45))
        return web.json_response(
            {"text": text_, "intent": {"name": name, "confidence": confidence}, "entities": []})

    def _write_user_event(self, turn: dict[str, Any]) -> None:
        """What Rasa's SQLTrackerStore writes for a user message (only the columns we read)."""
        data = {
            "event": "user",
            "timestamp": time.time(),
            "metadata": turn.get("metadata") or {},
            "text": turn["message"],
            "parse_data": {
                "intent": {"name": self.intent, "confidence": self.confidence},
                "entities": [],
                "text": turn["message"],
            },
            "input_channel": "rest",
        }
        with get_engine(self.tracker_store_url).begin() as connection:
            create_events_table(connection)
            connection.execute(
                text("INSERT INTO events (sender_id, type_name, timestamp, intent_name, data)"
                     " VALUES (:s, 'user', :t, :i, :d)"),
                {"s": turn["sender"], "t": data["timestamp"], "i": self.intent,
                 "d": json.dumps(data)},
            )
