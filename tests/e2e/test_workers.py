"""Two Rasa workers in the real stack (the session stack runs RASA_WORKERS=2): each
conversation is served by the worker its id routes to, and its turns arrive in order."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import urllib.request

import aiohttp
import pytest

from bot.rasa.routing import RasaRouting
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


async def _resident_on(client, base: str, routing: RasaRouting, ids: ResidentIds,
                       worker: int) -> tuple[str, str]:
    """A new resident (and its conversation id) whose conversation routes to ``worker``."""
    for _ in range(200):
        async with client.post(f"{base}/chat/session", headers={"Origin": base}) as issued:
            resident = (await issued.json())["resident"]
        conversation = ids.conversation_id(resident)
        if routing.index_for(conversation) == worker:
            return resident, conversation
    raise AssertionError("routing never chose that worker")


async def test_each_conversation_is_served_by_its_worker_in_order(stack, stack_settings):
    urls = stack_settings.rasa_worker_urls
    assert len(urls) == 2, "the session stack runs two Rasa workers"
    base = f"http://127.0.0.1:{stack_settings.web_port}"
    with urllib.request.urlopen(f"{base}/health", timeout=10) as response:
        health = json.load(response)
    assert [w["state"] for w in health["rasa_workers"]] == ["ok", "ok"]
    routing, ids = RasaRouting(urls), ResidentIds(stack_settings.session_secret)
    second = next(s for s in stack.services if s.name == "rasa server 2").process

    async with aiohttp.ClientSession() as client:
        first_resident, first_id = await _resident_on(client, base, routing, ids, 0)
        second_resident, _ = await _resident_on(client, base, routing, ids, 1)
        a = await client.ws_connect(f"{base}/chat/ws?resident={first_resident}",
                                    headers={"Origin": base})
        b = await client.ws_connect(f"{base}/chat/ws?resident={second_resident}",
                                    headers={"Origin": base})
        await a.receive()
        await b.receive()  # the histories
        os.kill(second.pid, signal.SIGSTOP)  # worker 2 answers nothing until thawed
        try:
            await b.send_json({"type": "message", "text": "hello", "client_id": "w2-1",
                               "page": f"{base}/"})
            # Worker 1 serves its conversation meanwhile: the other is not routed there.
            for n, text in enumerate(["hello", "how much does it cost?", "thanks"]):
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
    with urllib.request.urlopen(f"{urls[0]}/conversations/{first_id}/tracker?{query}",
                                timeout=30) as response:
        events = json.load(response)["events"]
    said = [e["text"] for e in events if e["event"] == "user"]
    assert said == ["hello", "how much does it cost?", "thanks"]
