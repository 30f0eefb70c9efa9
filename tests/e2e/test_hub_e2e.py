"""The chat hub in the real stack: a resident greets the real assistant over the WebSocket."""
from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest

from bot.chat.transcripts import TranscriptStore
from bot.web.resident_ids import ResidentIds

pytestmark = pytest.mark.e2e

TURN_TIMEOUT = 90  # a first turn on a busy two-core machine


async def _frames_until(ws: aiohttp.ClientWebSocketResponse, done) -> list[dict]:
    frames = []
    while True:
        raw = await asyncio.wait_for(ws.receive(), TURN_TIMEOUT)
        assert raw.type == aiohttp.WSMsgType.TEXT, raw
        frames.append(json.loads(raw.data))
        if done(frames[-1]):
            return frames


async def test_a_resident_chats_with_the_real_assistant_and_comes_back(stack, stack_settings):
    base = f"http://127.0.0.1:{stack_settings.web_port}"
    async with aiohttp.ClientSession() as client:
        async with client.post(f"{base}/chat/session", headers={"Origin": base}) as issued:
            assert issued.status == 200
            resident = (await issued.json())["resident"]  # the hub makes the id, as for the widget
        url = f"{base}/chat/ws?resident={resident}"
        async with client.ws_connect(url, headers={"Origin": base}) as ws:
            [history] = await _frames_until(ws, lambda f: True)
            assert history == {"type": "history", "messages": [], "mode": "assistant"}
            await ws.send_json({"type": "message", "text": "hello", "client_id": "e2e-1",
                                "page": f"{base}/"})
            frames = await _frames_until(ws, lambda f: f == {"type": "typing", "on": False})

        messages = [f for f in frames if f["type"] == "message"]
        assert messages[0]["role"] == "resident" and messages[0]["client_id"] == "e2e-1"
        replies = [m for m in messages if m["role"] == "assistant"]
        assert replies and "automated" in " ".join(m["text"] for m in replies).lower()
        assert [m["seq"] for m in messages] == list(range(1, len(messages) + 1))

        async with client.ws_connect(url, headers={"Origin": base}) as ws:
            [history] = await _frames_until(ws, lambda f: True)
        assert [m["seq"] for m in history["messages"]] == [m["seq"] for m in messages]
        assert history["messages"][0]["text"] == "hello"

    # What the model understood, read from Rasa's own tracker store.
    conversation_id = ResidentIds(stack_settings.session_secret).conversation_id(resident)
    assert conversation_id is not None
    [asked, *_] = TranscriptStore.from_url(stack_settings.database_url).history(conversation_id)
    assert asked.intent == "greet" and 0 < asked.confidence <= 1
