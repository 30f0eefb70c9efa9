"""Where a turn's time goes inside Rasa: NLU, policies, the action server call, the tracker store.

Loads the trained model in this process as ``rasa run`` does (Rasa's ``load_agent`` with
the stack's endpoints file: the same SQL tracker store and action server), wraps the four
parts of Rasa's message processor with timers, and plays one conversation of many turns.
Each part is timed in wall-clock time and in this process's CPU time; the action server
call is wall time (its CPU is the action server's, measured by the caller from /proc).
Whatever is left of a turn (copying and replaying the tracker, running the utterances,
Rasa's own bookkeeping) is "other". Run it against a stack with nothing else on it: the
timers are per process, not per conversation.
"""
from __future__ import annotations

import asyncio
import functools
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PARTS = ("nlu", "policies", "action server", "tracker store", "other")


@dataclass
class TurnParts:
    """One turn: its wall time and, per part, wall and CPU seconds."""

    wall: float = 0.0
    cpu: float = 0.0
    parts_wall: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    parts_cpu: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    predictions: int = 0

    def finish(self) -> None:
        self.parts_wall["other"] = max(0.0, self.wall - sum(
            v for k, v in self.parts_wall.items() if k != "other"))
        self.parts_cpu["other"] = max(0.0, self.cpu - sum(
            v for k, v in self.parts_cpu.items() if k != "other"))


class _Timers:
    """Wraps methods so their time is added to the turn being played."""

    def __init__(self) -> None:
        self.turn = TurnParts()
        self._depth: dict[str, int] = defaultdict(int)

    def wrap(self, owner: Any, name: str, part: str, *, counts_prediction: bool = False) -> None:
        original = getattr(owner, name)
        timers = self

        if asyncio.iscoroutinefunction(original):
            @functools.wraps(original)
            async def timed_async(*args: Any, **kwargs: Any) -> Any:
                timers._depth[part] += 1
                wall, cpu = time.perf_counter(), time.process_time()
                try:
                    return await original(*args, **kwargs)
                finally:
                    timers._depth[part] -= 1
                    if timers._depth[part] == 0:  # nested calls of one part count once
                        timers.turn.parts_wall[part] += time.perf_counter() - wall
                        timers.turn.parts_cpu[part] += time.process_time() - cpu
            setattr(owner, name, timed_async)
            return

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            timers._depth[part] += 1
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                timers._depth[part] -= 1
                if timers._depth[part] == 0:
                    timers.turn.parts_wall[part] += time.perf_counter() - wall
                    timers.turn.parts_cpu[part] += time.process_time() - cpu
                if counts_prediction:
                    timers.turn.predictions += 1
        setattr(owner, name, timed)


def _install(timers: _Timers) -> None:
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor
    from rasa.core.tracker_store import SQLTrackerStore

    timers.wrap(MessageProcessor, "_parse_message_with_graph", "nlu")
    timers.wrap(MessageProcessor, "_predict_next_with_tracker", "policies",
                counts_prediction=True)
    timers.wrap(RemoteAction, "run", "action server")
    for name in ("_retrieve", "save"):
        timers.wrap(SQLTrackerStore, name, "tracker store")


def _quiet_as_rasa_run() -> None:
    """Run as our Rasa launcher does (bot/rasa/server.py): INFO logging through our privacy
    filter (Rasa's debug logging formats every state of the conversation on each
    prediction, which the server does not pay), and the action result check built once."""
    import logging

    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    from bot.rasa.server import install_patches

    install_patches()  # as the Rasa server does
    configure_logging_and_warnings(logging.INFO)
    configure_structlog(logging.INFO)


async def play_conversation(
    model: Path, endpoints: Path, sender: str, turns: Sequence[str],
    report: Callable[[int, TurnParts], None] = lambda _n, _t: None,
) -> list[TurnParts]:
    """Play ``turns`` as one conversation through Rasa in this process; each turn's parts."""
    from rasa.core.agent import load_agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.core.utils import AvailableEndpoints

    _quiet_as_rasa_run()
    timers = _Timers()
    _install(timers)
    agent = await load_agent(model_path=str(model),
                             endpoints=AvailableEndpoints.read_endpoints(str(endpoints)))
    results = []
    for number, text in enumerate(turns, start=1):
        timers.turn = TurnParts()
        wall, cpu = time.perf_counter(), time.process_time()
        await agent.handle_message(
            UserMessage(text, CollectingOutputChannel(), sender_id=sender))
        timers.turn.wall = time.perf_counter() - wall
        timers.turn.cpu = time.process_time() - cpu
        timers.turn.finish()
        results.append(timers.turn)
        report(number, timers.turn)
    return results


def mean_parts(turns: Sequence[TurnParts], which: str = "cpu") -> dict[str, float]:
    """Mean seconds per turn of each part (``cpu`` or ``wall``)."""
    if not turns:
        return dict.fromkeys(PARTS, 0.0)
    totals: dict[str, float] = defaultdict(float)
    for turn in turns:
        for part, seconds in (turn.parts_cpu if which == "cpu" else turn.parts_wall).items():
            totals[part] += seconds
    return {part: totals[part] / len(turns) for part in PARTS}
