"""A stand-in for Rasa's REST channel and HTTP API: a small real aiohttp server.

Scripted replies, and switches to make it slow, failing or silent, so the hub's relaying is
tested over real HTTP without loading a model (the real Rasa is covered by tests/e2e).
Like Rasa, it ignores messages for a paused conversation until a ``resume`` event, and it
can write its "tracker store" rows (``events``) into the hub's database, as Rasa's SQL
tracker store does.
"""
from __future__ import annotations

import asyncio
import json
import time
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

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("")).rstrip("/")

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/", self._root)
        app.router.add_post("/webhooks/rest/webhook", self._webhook)
        app.router.add_post("/conversations/{conversation_id}/tracker/events", self._events)
        app.router.add_post("/model/parse", self._parse)
        return app

    async def start(self) -> StandInRasa:
        self.server = TestServer(self.app())
        await self.server.start_server()
        return self

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    async def _root(self, _request: web.Request) -> web.Response:
        return web.Response(text="Hello from Rasa: 3.6.21")

    async def _webhook(self, request: web.Request) -> web.Response:
        turn = await request.json()
        self.received.append(turn)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.status != 200:
            return web.json_response({"error": "stand-in failure"}, status=self.status)
        if self.tracker_store_url:
            await asyncio.to_thread(self._write_user_event, turn)
        if turn["sender"] in self.paused:
            return web.json_response([])
        replies = self.script(turn)
        if asyncio.iscoroutine(replies):
            replies = await replies
        return web.json_response(replies)

    async def _events(self, request: web.Request) -> web.Response:
        if request.query.get("token") != TOKEN:
            return web.json_response({"status": "failure"}, status=401)
        if self.status != 200:
            return web.json_response({"error": "stand-in failure"}, status=self.status)
        conversation_id = request.match_info["conversation_id"]
        body = await request.json()  # one event, or a list of them (as Rasa accepts)
        event = body if isinstance(body, list) else [body]
        self.events.append((conversation_id, body, dict(request.query)))
        if any(e.get("event") == "resume" for e in event):
            self.paused.discard(conversation_id)
        return web.json_response({"sender_id": conversation_id, "paused": False})

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
