"""What one turn costs each process, early and late in one long conversation, through the hub.

Starts the real stack (one Rasa worker, the action server, the web app; its own SQLite
database on free ports), plays one conversation of ``--turns`` questions back to back
through the widget's WebSocket (after ``--warm-up`` turns of another conversation, so that
the first window is not the processes' first use of each answer), and reads each
process's CPU time around every turn from /proc (the sum over its threads of
``schedstat``'s run time, in nanoseconds; ``stat``'s ticks are 10 ms). It prints the
mean CPU per turn of each process over turns 2-11 and over the last ten, and the turn
latency (median) of each window.

``--payload``: afterwards, rebuilds the conversation from Rasa's tracker store and sizes
the action server call (JSON bytes) at the end of each window, as Rasa 3.6 builds it and
as :mod:`bot.rasa.action_payload` does, with the domain's share, and the CPU (in this
process) of building and serialising it and of parsing it into rasa-sdk's ``Tracker``.

``--profile-web DIR``: runs the web app under cProfile (:mod:`bot.tools.bench_chat.web_profile`)
and writes one profile per window into DIR (``early.prof``, ``late.prof``).

Used by hand, with ``nice -n 10``, for docs/benchmarks.md ("What still grew").
It runs against whichever checkout's ``bot`` package is imported, so the code before a
change can be measured in the same run as the code after it::

    nice -n 10 .venv/bin/python -m bot.tools.bench_chat.turn_cost --turns 120 --payload
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiohttp

EARLY = slice(1, 11)  # turns 2-11 (the first turn opens the session)
LATE_TURNS = 10


def thread_cpu_ns(pid: int) -> int:
    """CPU time all of a process's (live) threads have used, in nanoseconds."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return total


async def play(web_url: str, turns: Sequence[str], pids: dict[str, int],
               on_turn=lambda n: None, warm_up: Sequence[str] = ()
               ) -> tuple[list[dict[str, int]], list[float]]:
    """Each turn's CPU per process (ns) and its latency (s), after ``warm_up`` in another
    conversation (what a server that has served others has loaded already)."""
    from bot.tools.bench_chat.capacity import conversation_length
    from bot.tools.bench_chat.widget import open_conversation, turn

    if warm_up:
        await conversation_length(web_url, warm_up)
    cpu: list[dict[str, int]] = []
    latency: list[float] = []
    async with aiohttp.ClientSession() as client:
        ws = await open_conversation(client, web_url)
        try:
            for n, text in enumerate(turns):
                on_turn(n)
                before = {name: thread_cpu_ns(pid) for name, pid in pids.items()}
                started = time.perf_counter()
                failure, _ = await turn(ws, text, f"{web_url}/bench")
                latency.append(time.perf_counter() - started)
                await asyncio.sleep(0.05)  # the hub's last writes after "typing off"
                if failure is not None:
                    raise RuntimeError(f"turn {n + 1}: {failure}")
                cpu.append({name: thread_cpu_ns(pid) - before[name]
                            for name, pid in pids.items()})
        finally:
            await ws.close()
    return cpu, latency


def windows(count: int) -> dict[str, range]:
    return {"early": range(EARLY.start, EARLY.stop),
            "late": range(count - LATE_TURNS, count)}


def summary(cpu: list[dict[str, int]], latency: list[float]) -> dict[str, dict[str, float]]:
    """Per window: mean CPU ms per turn of each process, and the median latency."""
    out: dict[str, dict[str, float]] = {}
    for label, turns in windows(len(cpu)).items():
        row = {name: statistics.fmean(cpu[n][name] for n in turns) / 1e6 for name in cpu[0]}
        row["latency (median)"] = statistics.median(latency[n] for n in turns) * 1000
        out[label] = row
    return out


def payload_sizes(database_url: str, count: int) -> dict[str, dict[str, float]]:
    """The action server call's JSON size at the end of each window, Rasa's and ours."""
    import sqlalchemy as sa
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import Event, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    from bot.config import PROJECT_ROOT
    from bot.rasa import action_payload
    from bot.rasa.events import events as table

    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    engine = sa.create_engine(database_url, future=True)
    with engine.connect() as connection:
        rows = connection.execute(sa.select(table.c.sender_id, table.c.data)
                                  .order_by(table.c.id)).all()
    parsed = [Event.from_parameters(json.loads(data)) for _, data in rows]
    action = RemoteAction("action_answer_question", EndpointConfig("http://localhost:5055"))
    sizes: dict[str, dict[str, float]] = {}
    for label, turns in windows(count).items():
        users, cut = 0, len(parsed)
        for index, event in enumerate(parsed):  # up to the action after the window's last turn
            if isinstance(event, UserUttered):
                users += 1
                if users == turns[-1] + 2:
                    cut = index - 1
                    break
        tracker = DialogueStateTracker.from_events(rows[0][0], parsed[:cut], domain.slots)
        rasas = RemoteAction._action_call_format(action, tracker, domain)
        ours = action_payload.action_call_format(action, tracker, domain)
        costs = {name: _call_cpu_ms(build, action, tracker, domain)
                 for name, build in (("Rasa 3.6", RemoteAction._action_call_format),
                                     ("ours", action_payload.action_call_format))}
        sizes[label] = {
            **{f"{name}: {part} (CPU ms)": round(ms, 2)
               for name, parts in costs.items() for part, ms in parts.items()},
            "events": len(tracker.events),
            "Rasa 3.6 (bytes)": len(json.dumps(rasas)),
            "ours (bytes)": len(json.dumps(ours)),
            "of which the domain": len(json.dumps(rasas.get("domain"))),
            "events sent by ours": len(ours["tracker"]["events"]),
        }
    return sizes


def _call_cpu_ms(build: Any, action: Any, tracker: Any, domain: Any,
                 repeats: int = 20) -> dict[str, float]:
    """CPU per call of building and serialising the call (Rasa's side) and of parsing it
    into rasa-sdk's Tracker (the action server's side), in this process."""
    from rasa_sdk import Tracker

    started = time.process_time()
    for _ in range(repeats):
        body = json.dumps(build(action, tracker, domain))
    built = time.process_time()
    for _ in range(repeats):
        Tracker.from_dict(json.loads(body)["tracker"])
    parsed = time.process_time()
    return {"build and serialise": (built - started) / repeats * 1000,
            "parse": (parsed - built) / repeats * 1000}


def main(argv: Sequence[str] | None = None) -> int:
    from bot.tools.bench_chat.residents import TURNS
    from bot.tools.bench_chat.services import start_stack

    parser = argparse.ArgumentParser(prog="python -m bot.tools.bench_chat.turn_cost")
    parser.add_argument("--turns", type=int, default=120)
    parser.add_argument("--payload", action="store_true")
    parser.add_argument("--profile-web", type=Path, metavar="DIR")
    parser.add_argument("--label", default=os.getcwd())
    parser.add_argument("--warm-up", type=int, default=16, metavar="TURNS",
                        help="turns of another conversation first (0: none)")
    args = parser.parse_args(argv)
    if args.profile_web:
        args.profile_web.mkdir(parents=True, exist_ok=True)
        os.environ["DPA_WEB_PROFILE_DIR"] = str(args.profile_web.resolve())
    conversation = [TURNS[n % len(TURNS)] for n in range(args.turns)]
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="dpa-turn-cost-") as var:
        # (The older checkouts' start_stack has no profile_web.)
        profile: dict[str, Any] = {"profile_web": True} if args.profile_web else {}
        stack, settings = start_stack(Path(var), 1, **profile)
        try:
            pids = {s.name: s.process.pid for s in stack.services if s.process is not None}
            web = pids["web app"]
            marks = windows(args.turns)

            def on_turn(n: int) -> None:
                if not args.profile_web:
                    return
                if n in (marks["early"].start, marks["late"].start):
                    os.kill(web, signal.SIGUSR1)  # start profiling
                if n in (marks["early"].stop, ):
                    os.kill(web, signal.SIGUSR2)  # write early.prof

            cpu, latency = asyncio.run(play(f"http://127.0.0.1:{settings.web_port}",
                                            conversation, pids, on_turn,
                                            conversation[:args.warm_up]))
            if args.profile_web:
                os.kill(web, signal.SIGUSR2)  # write late.prof
                time.sleep(1.0)
            result: dict = {"label": args.label, "load before": load_before,
                            "load after": os.getloadavg(),
                            "cpu ms per turn": summary(cpu, latency)}
            if args.payload:
                result["payload"] = payload_sizes(settings.database_url, args.turns)
        finally:
            stack.stop()
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
