"""``dpa run``: train if needed, then start Rasa, the action server and the web app.

Prints where each part listens once it answers its health check; Ctrl-C (or SIGTERM) stops
them all. A part that dies is restarted with back-off while the others keep serving
(:mod:`bot.rasa.supervisor`); after repeated failures the runner says which part and why,
and stops everything.
"""
from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time

from bot.config import load_settings
from bot.db.engine import mask_url
from bot.db.schema import upgrade_database
from bot.rasa.stack import ServiceFailed, Stack, build_services
from bot.rasa.supervisor import RestartPolicy, Supervisor, status_file
from bot.rasa.training import ensure_trained, model_path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run", help="start the Rasa server, the action server and the web app"
    )
    parser.add_argument(
        "--startup-timeout", type=float, default=300.0,
        help="seconds to wait for every service to answer its health check",
    )
    parser.set_defaults(handler=run)


def _say(message: str) -> None:
    print(f"dpa run: {message}", flush=True)


def _stop_requested(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def run(args: argparse.Namespace) -> int:
    # Ctrl-C (SIGINT) and a service manager's SIGTERM both stop everything cleanly; set
    # explicitly because a shell starting us in the background may have SIGINT ignored.
    signal.signal(signal.SIGINT, _stop_requested)
    signal.signal(signal.SIGTERM, _stop_requested)
    settings = load_settings()
    upgrade_database(settings.database_url)
    try:
        if ensure_trained(settings.model_dir):
            _say("trained a new model")
    except subprocess.CalledProcessError as exc:
        _say(f"training failed (exit status {exc.returncode}); nothing started")
        return 1
    stack = Stack(build_services(settings, model_path(settings.model_dir)),
                  settings.var_dir / "logs")
    try:
        stack.start(timeout=args.startup_timeout, report=_say)
        _say("everything is up:")
        for service in stack.services:
            print(f"  {service.name:<14} {service.listens_on}", flush=True)
        print(f"  {'database':<14} {mask_url(settings.database_url)}", flush=True)
        print(f"  {'staff console':<14} http://{settings.web_host}:{settings.web_port}/staff"
              + _first_admin_hint(settings.database_url), flush=True)
        _say("press Ctrl-C to stop")
        supervisor = Supervisor(
            stack, report=_say, status_path=status_file(settings.var_dir),
            policy=RestartPolicy(max_restarts=settings.runner_max_restarts,
                                 window_seconds=settings.runner_restart_window_minutes * 60),
        )
        while True:
            supervisor.tick()
            time.sleep(1)
    except ServiceFailed as exc:
        print(f"dpa run: {exc}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        _say("stopping")
        return 0
    finally:
        stack.stop()


def _first_admin_hint(database_url: str) -> str:
    """How to get into the console when nobody can yet (no account exists)."""
    try:
        from bot.db.engine import get_engine, make_session_factory
        from bot.staff.auth.accounts import AccountStore

        if AccountStore(make_session_factory(get_engine(database_url))).count():
            return ""
    except Exception:
        return ""
    return "  (no accounts yet: dpa staff add NAME --role admin)"
