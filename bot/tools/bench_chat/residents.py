"""Simulated residents on the two paths: a WebSocket to the hub, or POSTs to Rasa's REST
channel, many at once, taking turns back to back; runs of each path alternate."""
from __future__ import annotations

import asyncio
import secrets
import time
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
from bot.tools.bench_chat.widget import open_conversation, turn

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
    ws = await open_conversation(client, web_url)
    try:
        for text in turns:
            started = time.perf_counter()
            failure, _ = await turn(ws, text, f"{web_url}/bench", TURN_TIMEOUT_SECONDS)
            if failure is None:
                result.latencies.append(time.perf_counter() - started)
            else:
                result.error(failure)
    finally:
        await ws.close()


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
