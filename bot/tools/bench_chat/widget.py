"""The widget's side of the chat protocol, as the benchmarks' simulated residents speak it:
open a conversation (session, then socket, then history) and send one message and read its
turn to the end. One home for both benchmarks (the hub's overhead and its capacity)."""
from __future__ import annotations

import asyncio
import json
import time
import uuid

import aiohttp

from bot.web.notices import QUEUED

TURN_TIMEOUT_SECONDS = 60.0


async def open_conversation(client: aiohttp.ClientSession, web_url: str
                            ) -> aiohttp.ClientWebSocketResponse:
    """A new resident's WebSocket, as the widget opens it (session, then socket, history)."""
    async with client.post(f"{web_url}/chat/session", headers={"Origin": web_url}) as issued:
        issued.raise_for_status()
        resident = (await issued.json())["resident"]
    ws = await client.ws_connect(f"{web_url}/chat/ws", params={"resident": resident},
                                 headers={"Origin": web_url})
    history = await ws.receive_json(timeout=TURN_TIMEOUT_SECONDS)
    if history.get("type") != "history":
        await ws.close()
        raise RuntimeError("no history on connect")
    return ws


async def turn(ws: aiohttp.ClientWebSocketResponse, text: str, page: str,
               timeout: float = TURN_TIMEOUT_SECONDS) -> tuple[str | None, list[str]]:
    """Send one message; (None, the assistant's texts) when answered, else (why, []).

    A turn the hub queues (the resident is told their place) is still a turn being answered:
    its wait counts in its time, as the resident waits it. Any other notice (unavailable,
    not saved) or an error frame means this turn failed."""
    client_id = str(uuid.uuid4())
    started = time.perf_counter()
    await ws.send_json({"type": "message", "text": text, "client_id": client_id, "page": page})
    acknowledged, replies = False, []
    while True:
        remaining = timeout - (time.perf_counter() - started)
        try:
            raw = await ws.receive(timeout=max(0.1, remaining))
        except asyncio.TimeoutError:
            return "timeout", []
        if raw.type != aiohttp.WSMsgType.TEXT:
            return f"socket {raw.type.name.lower()}", []
        frame = json.loads(raw.data)
        kind = frame["type"]
        if kind == "message" and frame.get("client_id") == client_id:
            acknowledged = True
        elif kind == "message" and frame["role"] == "assistant":
            replies.append(frame.get("text") or "")
        elif kind == "notice" and frame["kind"] != QUEUED:
            return f"notice {frame['kind']}", []
        elif kind == "error":
            return f"error {frame.get('kind', '')}".strip(), []
        elif kind == "typing" and not frame["on"] and acknowledged:
            return (None, replies) if replies else ("no reply", [])
