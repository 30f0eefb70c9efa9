"""``make bench-chat``: how many residents the assistant holds, with 1 Rasa worker and with N.

For each worker count (1, then ``--workers``, default RASA_WORKERS or the number of cores)
it starts the real stack on free ports with its own database (a SQLite file, or with
``--postgres`` a fresh database on a PostgreSQL server; the trained model as it is), and:

1. plays one conversation of ``--length-turns`` questions back to back through the hub
   (turn latency against conversation length; on the one-worker stack);
2. ramps simulated residents (:mod:`bot.tools.bench_chat.capacity`) until p95 passes 1 s,
   then bisects between the last level that passed and the first that failed until they
   are within ``--resolution`` (1.1: capacity known to within 10%), measuring each
   process's CPU per turn and the stack's memory;
3. on the one-worker stack, with ``--parts``: loads the model in this process and plays the
   long conversation again, timing NLU, policies, the action server call and the tracker
   store (:mod:`bot.tools.bench_chat.parts`).

The report goes into docs/benchmarks.md (its own section). ``--quick`` is a smoke run of a
few seconds a level (pauses scaled to 2%), for checking the tool, not for figures.

    python -m bot.tools.bench_chat                 # the full run (about an hour)
    python -m bot.tools.bench_chat --pause-scale 0.2 --level-seconds 30   # about 12 minutes
    python -m bot.tools.bench_chat --quick --output -
"""
from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from bot.config import PROJECT_ROOT, Settings
from bot.tools.bench_chat.capacity import (
    REQUEST_TURNS,
    RESOLUTION,
    Level,
    capacity,
    conversation_length,
    ramp,
    ramp_levels,
)
from bot.tools.bench_chat.capacity_report import (
    CAPACITY_END,
    CAPACITY_START,
    WorkerRun,
    capacity_report,
    length_ratio,
)
from bot.tools.bench_chat.parts import TurnParts
from bot.tools.bench_chat.report import machine_note, write_section
from bot.tools.bench_chat.residents import TURNS
from bot.tools.bench_chat.services import fresh_postgres_database, start_stack
from bot.tools.bench_chat.statistics import ms, process_cpu_seconds, rss_bytes

REAL_PAUSE = (5.0, 15.0)  # seconds between a resident's messages, as people type


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.tools.bench_chat",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int,
                        default=int(os.environ.get("RASA_WORKERS") or os.cpu_count() or 1),
                        help="the worker count compared with one (default: RASA_WORKERS, or "
                        "the number of cores)")
    parser.add_argument("--pause-scale", type=float, default=1.0,
                        help="multiply the 5-15 s pauses by this (0.2: 1-3 s); the report "
                        "also gives residents at real pauses (residents / scale)")
    parser.add_argument("--level-seconds", type=float, default=180.0,
                        help="how long each ramp level runs (a whole request at real pauses "
                        "takes about 150 s: 15 messages, 5-15 s apart)")
    parser.add_argument("--start", type=int, default=10, help="residents at the first level")
    parser.add_argument("--factor", type=float, default=1.5,
                        help="growth from level to level until one fails")
    parser.add_argument("--resolution", type=float, default=RESOLUTION,
                        help="then bisect until the first level that failed is at most this "
                        "times the last that passed (or one resident more)")
    parser.add_argument("--max-residents", type=int, default=1500)
    parser.add_argument("--length-turns", type=int, default=120,
                        help="turns of the one long conversation")
    parser.add_argument("--parts", action=argparse.BooleanOptionalAction, default=True,
                        help="time NLU, policies, action server and tracker store in-process")
    parser.add_argument("--postgres", metavar="SERVER_URL",
                        default=os.environ.get("BENCH_POSTGRES_URL") or None,
                        help="run each stack on a fresh database on this PostgreSQL server "
                        "(postgresql://user@host:port/postgres; default: BENCH_POSTGRES_URL, "
                        "else a SQLite file per stack)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: pauses x0.02, 4 s levels, 12-turn conversation")
    parser.add_argument("--output", type=Path, default=PROJECT_ROOT / "docs" / "benchmarks.md",
                        help="where to write the report ('-' for nowhere)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.quick:  # new defaults; options given on the command line still win
        parser.set_defaults(pause_scale=0.02, level_seconds=4.0, length_turns=12, start=2,
                            max_residents=8, parts=False)
        args = parser.parse_args(argv)
    if args.workers < 1 or args.pause_scale <= 0 or args.level_seconds <= 0:
        parser.error("--workers, --pause-scale and --level-seconds must be positive")
    if args.factor <= 1 or args.resolution <= 1:
        parser.error("--factor and --resolution must be more than 1")
    pause = (REAL_PAUSE[0] * args.pause_scale, REAL_PAUSE[1] * args.pause_scale)
    long_conversation = [TURNS[n % len(TURNS)] for n in range(args.length_turns)]
    levels = ramp_levels(args.start, args.factor, args.max_residents)
    load_before, started_at = os.getloadavg(), datetime.now(timezone.utc)
    runs: list[WorkerRun] = []
    for workers in sorted({1, args.workers}):
        runs.append(_one_stack(workers, args, pause, levels, long_conversation))
    section = capacity_report(runs, args.pause_scale, args.level_seconds, machine_note(),
                              load_before, os.getloadavg(), started_at, args.quick,
                              args.factor, args.resolution,
                              "PostgreSQL" if args.postgres else "SQLite")
    print(section)
    if str(args.output) != "-":
        write_section(args.output, section, CAPACITY_START, CAPACITY_END)
        print(f"wrote {args.output}")
    return 0 if all(run.levels for run in runs) else 1


def _one_stack(workers: int, args: argparse.Namespace, pause: tuple[float, float],
               levels: list[int], long_conversation: list[str]) -> WorkerRun:
    with tempfile.TemporaryDirectory(prefix="dpa-bench-") as var:
        print(f"starting the stack with {workers} Rasa worker(s)...", flush=True)
        database_url = (fresh_postgres_database(args.postgres, f"dpa_bench_{workers}")
                        if args.postgres else None)
        stack, settings = start_stack(Path(var), workers, database_url=database_url)
        try:
            pids = {s.name: s.process.pid for s in stack.services if s.process is not None}
            web_url = f"http://127.0.0.1:{settings.web_port}"
            run = WorkerRun(workers, rss_at_start=rss_bytes(list(pids.values())))
            if workers == 1:
                print(f"  one conversation of {len(long_conversation)} turns...", flush=True)
                run.length = asyncio.run(conversation_length(web_url, long_conversation))
                ratio = length_ratio(run.length)
                print(f"  late turns / early turns (median): {ratio:.2f}", flush=True)

            def kinds(level: Level) -> str:
                return (" (" + ", ".join(f"{n} {k}" for k, n in sorted(level.errors.items()))
                        + ")") if level.errors else ""

            def said(level: Level) -> None:
                print(f"  {level.residents:4} residents: {level.turns} turns, "
                      f"{level.turns_per_second:.1f}/s, p50 {ms(level.p50)}, "
                      f"p95 {ms(level.p95)}, {level.error_count} errors{kinds(level)}, "
                      f"{level.requests_completed} requests done, "
                      f"RSS {level.rss_bytes / 2**20:,.0f} MiB", flush=True)

            run.levels = asyncio.run(ramp(
                web_url, levels, args.level_seconds, pause, REQUEST_TURNS,
                cpu_probe=process_cpu_seconds(pids),
                rss=lambda: rss_bytes(list(pids.values())), report=said,
                resolution=args.resolution))
            best = capacity(run.levels)
            print(f"  capacity with {workers} worker(s): "
                  f"{best.residents if best else 0} residents", flush=True)
            if workers == 1 and args.parts:
                run.parts = _profile_parts(settings, long_conversation)
        finally:
            stack.stop()
    return run


def _profile_parts(settings: Settings, turns: list[str]) -> list[TurnParts]:
    from bot.rasa.training import model_path
    from bot.tools.bench_chat.parts import play_conversation

    print(f"  timing the parts of {len(turns)} turns in-process (loading the model)...",
          flush=True)
    return asyncio.run(play_conversation(
        model_path(settings.model_dir), settings.var_dir / "endpoints.yml",
        "bench-parts", turns))
