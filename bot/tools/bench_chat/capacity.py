"""Residents who think between messages, completing whole requests; raised until p95 passes 1 s.

Each simulated resident opens the widget's WebSocket, makes a subject access request from
the first message to the case reference (:data:`REQUEST_TURNS`, as tests/e2e does), pausing
between messages as people type (``pause``: 5 to 15 s; scaled down for a quick run), then
starts a new conversation, until the level's time is up. Residents join spread over the
first pause, so they do not all type at once. A level passes when its turn p95 is under
:data:`TARGET_P95` and nearly every turn was answered; the capacity is the highest level that
passed below the lowest that failed, in residents and in turns a second.

The ramp grows geometrically until a level fails, then bisects between the highest level
that passed and the lowest that failed (:func:`next_level`) until they are within
``resolution`` of each other (or one resident apart), so the capacity is known to within
that factor rather than to within the ramp's. After a level that failed, the stack is left
to finish the turns still queued (:func:`settle`) before the next level starts.
"""
from __future__ import annotations

import asyncio
import os
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import aiohttp

from bot.tools.bench_chat.statistics import (
    CpuProbe,
    machine_cpu_seconds,
    own_cpu_seconds,
    percentile,
)
from bot.tools.bench_chat.widget import open_conversation, turn

TARGET_P95 = 1.0  # seconds
MAX_ERROR_SHARE = 0.01
RESOLUTION = 1.1  # the bisection stops when failed / passed is at most this
IDLE_CPU_SHARE = 0.1  # the stack is idle when all its processes use less of a core than this
SETTLE_SECONDS = 180.0  # the longest wait for an overloaded stack to finish its queue

# A subject access request from start to case reference (the tests/e2e script).
REQUEST_TURNS = (
    "I'd like a copy of all the records the council has about me",
    "myself",
    "Jane Smith",
    "none",
    "3rd March 1984",
    "12 High Street, Chester CH1 2NP",
    "jane.smith@example.com",
    "skip",
    "none",
    "all my council tax and housing records",
    "2015 to 2019",
    "paper",
    "passport",
    "bank statement",
    "/affirm",
)


@dataclass
class Level:
    """One step of the ramp: how many residents, and what they got."""

    residents: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    requests_completed: int = 0
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    rss_bytes: int = 0
    # Busy core-seconds of the whole machine, and of the benchmark's own residents.
    machine_seconds: float = 0.0
    residents_seconds: float = 0.0
    cores: int = field(default_factory=lambda: os.cpu_count() or 1)

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    @property
    def turns(self) -> int:
        return len(self.latencies)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def p50(self) -> float:
        return percentile(self.latencies, 0.5)

    @property
    def p95(self) -> float:
        return percentile(self.latencies, 0.95)

    @property
    def turns_per_second(self) -> float:
        return self.turns / self.seconds if self.seconds else 0.0

    @property
    def passed(self) -> bool:
        attempted = self.turns + self.error_count
        return bool(self.turns) and self.p95 < TARGET_P95 and (
            self.error_count <= MAX_ERROR_SHARE * attempted)

    @property
    def machine_busy(self) -> float:
        """The share of all the machine's cores busy during the level (0 to 1)."""
        return self.machine_seconds / (self.seconds * self.cores) if self.seconds else 0.0

    def cpu_per_turn(self) -> dict[str, float]:
        """CPU seconds per answered turn, per process of the stack."""
        return {name: s / self.turns for name, s in self.cpu_seconds.items()} if self.turns else {}


def capacity(levels: Sequence[Level]) -> Level | None:
    """The highest level that passed below the first that failed (None: none passed)."""
    best = None
    for level in sorted(levels, key=lambda lv: lv.residents):
        if not level.passed:
            break
        best = level
    return best


def ramp_levels(start: int, factor: float, limit: int) -> list[int]:
    """start, start*factor, ... (each at least one more), up to ``limit``."""
    levels, n = [], max(1, start)
    while n <= limit:
        levels.append(n)
        n = max(n + 1, round(n * factor))
    return levels


async def _resident(client: aiohttp.ClientSession, web_url: str, level: Level,
                    script: Sequence[str], pause: Callable[[], float], deadline: float,
                    first_pause: float) -> None:
    await asyncio.sleep(first_pause)
    while time.monotonic() < deadline:
        ws = await open_conversation(client, web_url)
        try:
            for text in script:
                if time.monotonic() >= deadline:
                    return
                started = time.perf_counter()
                failure, replies = await turn(ws, text, f"{web_url}/bench")
                if failure is None:
                    level.latencies.append(time.perf_counter() - started)
                else:
                    level.error(failure)
                    # A request that went wrong is abandoned, as a person might, who then
                    # waits before trying again: starting again at once would flood an
                    # overloaded stack with turns it still processes after the level ends.
                    await asyncio.sleep(pause())
                    break
                if text == script[-1] and any("DPA-" in r for r in replies):
                    level.requests_completed += 1
                await asyncio.sleep(pause())
        finally:
            await ws.close()


async def run_level(web_url: str, residents: int, seconds: float,
                    pause_range: tuple[float, float], script: Sequence[str] = REQUEST_TURNS,
                    cpu_probe: CpuProbe | None = None, seed: int = 17) -> Level:
    """``residents`` at once for ``seconds``, each pausing ``pause_range`` between messages."""
    level = Level(residents)
    rng = random.Random(seed + residents)
    low, high = pause_range

    def pause() -> float:
        return rng.uniform(low, high)

    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as client:
        before = cpu_probe() if cpu_probe else {}
        machine_before, residents_before = machine_cpu_seconds(), own_cpu_seconds()
        started = time.monotonic()
        deadline = started + seconds
        outcomes = await asyncio.gather(
            *(_resident(client, web_url, level, script, pause, deadline,
                        rng.uniform(0, high)) for _ in range(residents)),
            return_exceptions=True,
        )
        level.seconds = time.monotonic() - started
        after = cpu_probe() if cpu_probe else {}
        level.machine_seconds = machine_cpu_seconds() - machine_before
        level.residents_seconds = own_cpu_seconds() - residents_before
    level.cpu_seconds = {name: after[name] - before[name] for name in after if name in before}
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            level.error(f"resident failed: {type(outcome).__name__}")
    return level


def next_level(levels: Sequence[Level], resolution: float = RESOLUTION) -> int | None:
    """The next level of the bisection: the geometric midpoint of the highest level that
    passed below the lowest that failed and that failed one, or None when they are within
    ``resolution`` of each other or one resident apart (or nothing has failed or passed)."""
    failed = [lv.residents for lv in levels if not lv.passed]
    if not failed:
        return None
    lowest_failed = min(failed)
    passed = [lv.residents for lv in levels if lv.passed and lv.residents < lowest_failed]
    if not passed:
        return None
    highest_passed = max(passed)
    if lowest_failed - highest_passed <= 1 or lowest_failed / highest_passed <= resolution:
        return None
    middle = round((highest_passed * lowest_failed) ** 0.5)
    return min(max(middle, highest_passed + 1), lowest_failed - 1)


async def settle(cpu_probe: CpuProbe | None, timeout: float = SETTLE_SECONDS,
                 interval: float = 1.0) -> float:
    """Wait until the stack's processes together use less than :data:`IDLE_CPU_SHARE` of a
    core over ``interval`` (the turns an overloaded level queued are done), at most
    ``timeout`` seconds; the seconds waited. Without a probe, waits ``interval``."""
    started = time.monotonic()
    if cpu_probe is None:
        await asyncio.sleep(interval)
        return interval
    before = cpu_probe()
    while time.monotonic() - started < timeout:
        await asyncio.sleep(interval)
        after = cpu_probe()
        used = sum(after[name] - before[name] for name in after if name in before)
        if used < IDLE_CPU_SHARE * interval:
            break
        before = after
    return time.monotonic() - started


async def ramp(web_url: str, residents: Sequence[int], seconds: float,
               pause_range: tuple[float, float], script: Sequence[str] = REQUEST_TURNS,
               cpu_probe: CpuProbe | None = None,
               rss: Callable[[], int] = lambda: 0,
               report: Callable[[Level], None] = lambda _: None,
               resolution: float = RESOLUTION) -> list[Level]:
    """Run the levels in order until one fails (that one included), then the levels of the
    bisection (:func:`next_level`) until the capacity is known to within ``resolution``;
    the levels in the order they ran."""
    levels: list[Level] = []

    async def run(count: int) -> Level:
        level = await run_level(web_url, count, seconds, pause_range, script, cpu_probe)
        level.rss_bytes = rss()
        levels.append(level)
        report(level)
        if not level.passed:
            await settle(cpu_probe)
        return level

    for count in residents:
        if not (await run(count)).passed:
            break
    while (middle := next_level(levels, resolution)) is not None:
        await run(middle)
    return levels


async def conversation_length(web_url: str, turns: Sequence[str]) -> list[float]:
    """One resident taking ``turns`` back to back in one conversation: each turn's latency
    (None-free: a failed turn raises)."""
    async with aiohttp.ClientSession() as client:
        ws = await open_conversation(client, web_url)
        latencies: list[float] = []
        try:
            for text in turns:
                started = time.perf_counter()
                failure, _ = await turn(ws, text, f"{web_url}/bench")
                if failure is not None:
                    raise RuntimeError(f"turn {len(latencies) + 1}: {failure}")
                latencies.append(time.perf_counter() - started)
        finally:
            await ws.close()
    return latencies
