"""Simulated residents on the two paths: a WebSocket to the hub, or POSTs to Rasa's REST
channel, many at once, taking turns back to back; runs of each path alternate."""
from __future__ import annotations

import asyncio
import json
import secrets
import time
import uuid
from collections.abc import Sequence

import aiohttp

from bot.tools.bench_chat.statistics import (
    CpuProbe,
    PhaseResult,
    Summary,
    ms,
    percentile,
    summarise,
)
from bot.web.notices import QUEUED

# Questions the assistant answers in one turn (two of them run a custom action), so every
# turn exercises NLU, dialogue, the action server and the tracker store, and none opens a
# form or asks for a person (which would take the conversation away from the assistant).
TURNS = (
    "hello",
    "how much does it cost to see my data?",
    "how long do you have to answer my request?",
    "what ID do I need to send?",
    "how long do you keep my information?",
    "who do you share my data with?",
    "how do I contact the data protection officer?",
    "thanks",
)
TURN_TIMEOUT_SECONDS = 120.0


async def _hub_resident(
    client: aiohttp.ClientSession, web_url: str, turns: Sequence[str], result: PhaseResult
) -> None:
    async with client.post(f"{web_url}/chat/session", headers={"Origin": web_url}) as issued:
        issued.raise_for_status()
        resident = (await issued.json())["resident"]  # as the widget gets it
    async with client.ws_connect(
        f"{web_url}/chat/ws", params={"resident": resident}, headers={"Origin": web_url}
    ) as ws:
        history = await ws.receive_json(timeout=TURN_TIMEOUT_SECONDS)
        if history.get("type") != "history":
            raise RuntimeError("no history on connect")
        for text in turns:
            client_id = str(uuid.uuid4())
            started = time.perf_counter()
            await ws.send_json({"type": "message", "text": text, "client_id": client_id,
                                "page": f"{web_url}/bench"})
            outcome = await _hub_turn(ws, client_id, started)
            if outcome is None:
                result.latencies.append(time.perf_counter() - started)
            else:
                result.error(outcome)


async def _hub_turn(
    ws: aiohttp.ClientWebSocketResponse, client_id: str, started: float
) -> str | None:
    """Read one turn's frames; None when it ended with the assistant's replies."""
    acknowledged, replies = False, 0
    while True:
        remaining = TURN_TIMEOUT_SECONDS - (time.perf_counter() - started)
        try:
            raw = await ws.receive(timeout=max(0.1, remaining))
        except asyncio.TimeoutError:
            return "timeout"
        if raw.type != aiohttp.WSMsgType.TEXT:
            return f"socket {raw.type.name.lower()}"
        frame = json.loads(raw.data)
        kind = frame["type"]
        if kind == "message" and frame.get("client_id") == client_id:
            acknowledged = True
        elif kind == "message" and frame["role"] == "assistant":
            replies += 1
        elif kind == "notice" and frame["kind"] != QUEUED:
            # A queued turn is still answered (its wait counts in its latency); any other
            # notice (unavailable, not saved) means this turn failed.
            return f"notice {frame['kind']}"
        elif kind == "error":
            return f"error {frame.get('kind', '')}".strip()
        elif kind == "typing" and not frame["on"] and acknowledged:
            return None if replies else "no reply"


async def _rasa_resident(
    client: aiohttp.ClientSession, rasa_url: str, turns: Sequence[str], result: PhaseResult
) -> None:
    sender = secrets.token_urlsafe(16)
    timeout = aiohttp.ClientTimeout(total=TURN_TIMEOUT_SECONDS)
    for text in turns:
        started = time.perf_counter()
        payload = {"sender": sender, "message": text, "metadata": {"page": "bench"}}
        try:
            async with client.post(
                f"{rasa_url}/webhooks/rest/webhook", json=payload, timeout=timeout
            ) as response:
                if response.status != 200:
                    result.error(f"HTTP {response.status}")
                    continue
                body = await response.json()
        except asyncio.TimeoutError:
            result.error("timeout")
            continue
        except aiohttp.ClientError as exc:
            result.error(type(exc).__name__)
            continue
        if body:
            result.latencies.append(time.perf_counter() - started)
        else:
            result.error("no reply")


async def run_phase(path: str, url: str, residents: int, turns: Sequence[str]) -> PhaseResult:
    result = PhaseResult(path)
    resident = _hub_resident if path == "hub" else _rasa_resident
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as client:
        started = time.perf_counter()
        outcomes = await asyncio.gather(
            *(resident(client, url, turns, result) for _ in range(residents)),
            return_exceptions=True,
        )
        result.wall_seconds = time.perf_counter() - started
    for outcome in outcomes:
        if isinstance(outcome, BaseException):  # the resident's remaining turns are lost
            result.error(f"resident failed: {type(outcome).__name__}")
    return result


def run_order(rounds: int) -> list[str]:
    """Rasa, hub, hub, Rasa, Rasa, hub, ...: each path runs first as often as the other."""
    order: list[str] = []
    for n in range(rounds):
        order += ["rasa", "hub"] if n % 2 == 0 else ["hub", "rasa"]
    return order



async def run_benchmark(
    web_url: str, rasa_url: str, residents: int, turns: Sequence[str], rounds: int = 2,
    cpu_probe: CpuProbe | None = None,
) -> tuple[Summary, Summary]:
    # Warm both paths (the first turns load lazily initialised parts of Rasa).
    await run_phase("rasa", rasa_url, 2, turns[:2])
    await run_phase("hub", web_url, 2, turns[:2])
    phases: dict[str, list[PhaseResult]] = {"rasa": [], "hub": []}
    for path in run_order(rounds):
        url = web_url if path == "hub" else rasa_url
        before = cpu_probe() if cpu_probe else {}
        phase = await run_phase(path, url, residents, turns)
        after = cpu_probe() if cpu_probe else {}
        phase.cpu_seconds = {name: after[name] - before[name] for name in after if name in before}
        print(f"  {path:4}: {len(phase.latencies)} turns in {phase.wall_seconds:.1f}s, "
              f"p95 {ms(percentile(phase.latencies, 0.95))}, "
              f"{sum(phase.errors.values())} errors", flush=True)
        phases[path].append(phase)
    return summarise("straight to Rasa (REST channel)", phases["rasa"]), summarise(
        "through the hub (WebSocket)", phases["hub"]
    )
