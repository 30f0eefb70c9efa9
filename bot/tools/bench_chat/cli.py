"""How much the chat hub adds to a turn: the same load through the hub and straight to Rasa.

Starts the real stack on free ports (as the end-to-end tests do, with its own var directory
and SQLite database, and the trained model as it is: no training), then runs N simulated
residents at once, each taking M turns back to back:

- through the hub: a WebSocket per resident; a turn is timed from sending the message to the
  hub's ``typing off`` after the assistant's replies (so it includes storing the message,
  the acknowledgement, relaying, storing and sending the replies);
- straight to Rasa's REST channel: one POST per turn, timed to the response.

Each path runs ``--rounds`` times (default 3), alternating (Rasa, hub, hub, Rasa, ...), so
that load from other work on the machine falls on both alike. Prints p50/p95/p99 latency,
throughput and errors, and the hub's overhead at p95, and writes them to
``docs/benchmarks.md``.

    python -m bot.tools.bench_chat overhead --residents 20 --turns 5
"""
from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.tools.bench_chat.report import (
    HUB_COST_END,
    HUB_COST_START,
    SECTION_END,
    SECTION_START,
    Run,
    cpu_ms,
    errors_text,
    hub_cost_report,
    machine_note,
    report,
    write_section,
)
from bot.tools.bench_chat.residents import TURNS, run_benchmark
from bot.tools.bench_chat.services import FixedLatencyRasa, start_stack, start_web_app_only
from bot.tools.bench_chat.statistics import (
    TARGET_OVERHEAD,
    cpu_overhead,
    ms,
    overhead_at_p95,
    process_cpu_seconds,
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.tools.bench_chat overhead", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--residents", type=int, default=20, help="simulated residents at once")
    parser.add_argument("--turns", type=int, default=5, help="turns per resident per run")
    parser.add_argument("--rounds", type=int, default=3,
                        help="runs of each path, alternating which goes first")
    parser.add_argument("--stand-in-ms", type=float, metavar="MS",
                        help="measure the hub's own cost: replace Rasa by a stand-in that "
                        "answers after MS milliseconds (no model needed)")
    parser.add_argument("--web-url", help="benchmark a running web app instead of starting a "
                        "stack (its CHAT_RATE_* limits apply: raise them, or keep --turns <= 5)")
    parser.add_argument("--rasa-url", help="its Rasa (with --web-url)")
    parser.add_argument("--output", type=Path, default=PROJECT_ROOT / "docs" / "benchmarks.md",
                        help="where to write the report ('-' for nowhere)")
    args = parser.parse_args(argv)
    if min(args.residents, args.turns, args.rounds) < 1:
        parser.error("--residents, --turns and --rounds must be at least 1")
    if bool(args.web_url) != bool(args.rasa_url):
        parser.error("--web-url and --rasa-url go together")
    if args.stand_in_ms is not None and (args.web_url or args.stand_in_ms < 0):
        parser.error("--stand-in-ms starts its own web app, and takes a delay >= 0")
    turns = [TURNS[n % len(TURNS)] for n in range(args.turns)]

    load_before = os.getloadavg()
    started_at = datetime.now(timezone.utc)
    stack, stand_in = None, None
    with tempfile.TemporaryDirectory(prefix="dpa-bench-") as var:
        try:
            if args.web_url:
                web_url, rasa_url = args.web_url.rstrip("/"), args.rasa_url.rstrip("/")
            elif args.stand_in_ms is not None:
                stand_in = FixedLatencyRasa(args.stand_in_ms).start()
                rasa_url = stand_in.url
                stack, web_url = start_web_app_only(Path(var), rasa_url)
            else:
                print("starting the stack (Rasa takes a minute to load the model)...", flush=True)
                stack, settings = start_stack(Path(var))
                web_url = f"http://127.0.0.1:{settings.web_port}"
                rasa_url = settings.rasa_url
            probe = None
            if stack is not None:
                probe = process_cpu_seconds(
                    {s.name: s.process.pid for s in stack.services if s.process is not None}
                )
            print(f"running {args.residents} residents x {args.turns} turns, {args.rounds} runs"
                  " on each path...", flush=True)
            rasa, hub = asyncio.run(
                run_benchmark(web_url, rasa_url, args.residents, turns, args.rounds, probe)
            )
        finally:
            if stack is not None:
                stack.stop()
            if stand_in is not None:
                stand_in.stop()
    run = Run(args.residents, args.turns, args.rounds, machine_note(), load_before,
              os.getloadavg(), started_at)

    for summary in (rasa, hub):
        print(f"{summary.path}: p50 {ms(summary.p50)}, p95 {ms(summary.p95)}, "
              f"p99 {ms(summary.p99)}, {summary.throughput:.2f} turns/s, "
              f"errors {errors_text(summary)}")
    overhead = overhead_at_p95(rasa, hub)
    no_errors = hub.error_count == 0 and rasa.error_count == 0
    if args.stand_in_ms is not None:
        rasa.path = f"straight to the stand-in ({args.stand_in_ms:g} ms)"
        print(f"the hub's own cost: {ms(hub.p50 - rasa.p50)} at p50, "
              f"{ms(hub.p95 - rasa.p95)} at p95")
        section = hub_cost_report(rasa, hub, run, args.stand_in_ms)
        markers = (HUB_COST_START, HUB_COST_END)
        ok = no_errors
    else:
        print(f"hub overhead at p95: {overhead:+.1%} (target < {TARGET_OVERHEAD:.0%})")
        if cpu_overhead(rasa, hub) is not None:
            print(f"CPU per turn: {cpu_ms(sum(rasa.cpu_per_turn.values()))} straight to Rasa,"
                  f" {cpu_ms(sum(hub.cpu_per_turn.values()))} through the hub "
                  f"({cpu_overhead(rasa, hub):+.1%})")
        section = report(rasa, hub, run)
        markers = (SECTION_START, SECTION_END)
        ok = no_errors and overhead < TARGET_OVERHEAD
    if str(args.output) != "-":
        write_section(args.output, section, *markers)
        print(f"wrote {args.output}")
    return 0 if ok else 1
