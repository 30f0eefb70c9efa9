"""Two Rasa workers in the real stack (the session stack runs RASA_WORKERS=2): each
conversation is served by the worker it was placed on, and its turns arrive in order."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import urllib.request

import aiohttp
import pytest

from bot.chat.placements import ConversationServer
from bot.db.engine import get_engine, make_session_factory, session_scope
from bot.web.resident_ids import ResidentIds

pytestmark = pytest.mark.e2e

TURN_TIMEOUT = 90  # a first turn on a busy two-core machine


async def _until_answered(ws: aiohttp.ClientWebSocketResponse, timeout: float = TURN_TIMEOUT
                          ) -> list[dict]:
    """Frames up to the end of a turn (typing off after the assistant's replies)."""
    frames = []
    while True:
        raw = await asyncio.wait_for(ws.receive(), timeout)
        assert raw.type == aiohttp.WSMsgType.TEXT, raw
        frames.append(json.loads(raw.data))
        if frames[-1] == {"type": "typing", "on": False} and any(
                f["type"] == "message" and f["role"] == "assistant" for f in frames):
            return frames


def _server_of(database_url: str, conversation_id: str) -> str:
    """The Rasa server the hub placed ``conversation_id`` on (bot.chat.placements)."""
    with session_scope(make_session_factory(get_engine(database_url))) as session:
        row = session.get(ConversationServer, conversation_id)
        assert row is not None, "a conversation with a turn has a placement"
        return row.server_url


async def _resident_served(client, base: str, ids: ResidentIds, database_url: str
                           ) -> tuple[str, str, aiohttp.ClientWebSocketResponse, str]:
    """A new resident with one turn answered: its id, conversation id, socket and server."""
    async with client.post(f"{base}/chat/session", headers={"Origin": base}) as issued:
        resident = (await issued.json())["resident"]
    ws = await client.ws_connect(f"{base}/chat/ws?resident={resident}", headers={"Origin": base})
    await ws.receive()  # the history
    await ws.send_json({"type": "message", "text": "hello", "client_id": "first",
                        "page": f"{base}/"})
    await _until_answered(ws)
    conversation = ids.conversation_id(resident)
    return resident, conversation, ws, _server_of(database_url, conversation)


async def test_each_conversation_is_served_by_its_worker_in_order(stack, stack_settings):
    urls = stack_settings.rasa_worker_urls
    assert len(urls) == 2, "the session stack runs two Rasa workers"
    base = f"http://127.0.0.1:{stack_settings.web_port}"
    with urllib.request.urlopen(f"{base}/health", timeout=10) as response:
        health = json.load(response)
    assert [w["state"] for w in health["rasa_workers"]] == ["ok", "ok"]
    ids = ResidentIds(stack_settings.session_secret)
    processes = {s.name: s.process for s in stack.services}
    workers = {url: processes[f"rasa server {n}"] for n, url in enumerate(urls, start=1)}

    async with aiohttp.ClientSession() as client:
        # New conversations go to the least busy worker: a few are enough to have one on each
        # (other tests' conversations may still count as active on one of them).
        on: dict[str, tuple[str, aiohttp.ClientWebSocketResponse]] = {}
        for _ in range(6):
            _, conversation, ws, server = await _resident_served(
                client, base, ids, stack_settings.database_url)
            if server in on:
                await ws.close()
            else:
                on[server] = (conversation, ws)
            if len(on) == 2:
                break
        assert len(on) == 2, "six new conversations all went to one worker"
        served_url, frozen_url = urls
        first_id, a = on[served_url]
        _, b = on[frozen_url]
        second = workers[frozen_url]
        os.kill(second.pid, signal.SIGSTOP)  # worker 2 answers nothing until thawed
        try:
            await b.send_json({"type": "message", "text": "hello", "client_id": "w2-1",
                               "page": f"{base}/"})
            # Worker 1 serves its conversation meanwhile: the other is not routed there.
            for n, text in enumerate(["how much does it cost?", "thanks"]):
                await a.send_json({"type": "message", "text": text, "client_id": f"w1-{n}",
                                   "page": f"{base}/"})
                await _until_answered(a)
            with pytest.raises(asyncio.TimeoutError):
                await _until_answered(b, timeout=1.0)
        finally:
            os.kill(second.pid, signal.SIGCONT)
        answered = await _until_answered(b)  # worker 2 had the turn, and now answers it
        assert any(f["type"] == "message" and f["role"] == "assistant" for f in answered)
        await a.close()
        await b.close()

    # Rasa has the first conversation's messages in the order they were sent.
    query = f"token={stack_settings.rasa_token}&include_events=ALL"
    with urllib.request.urlopen(f"{served_url}/conversations/{first_id}/tracker?{query}",
                                timeout=30) as response:
        events = json.load(response)["events"]
    said = [e["text"] for e in events if e["event"] == "user"]
    assert said == ["hello", "how much does it cost?", "thanks"]
