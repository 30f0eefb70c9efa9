"""The ``dpa`` command line: one parser, one module per subcommand under ``bot.commands``.

Each command module exposes ``register(subparsers)`` which adds its parser and sets
``handler`` to a function taking the parsed arguments and returning an exit status.
Modules are imported here (cheaply: none imports Rasa at module level), so ``dpa --help``
lists everything.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.commands import (
    cases,
    db,
    deadline,
    evaluate,
    inbox,
    mail,
    outbox,
    purge,
    redact,
    run,
    staff,
    train,
)
from bot.config import ConfigError

# Add a module under bot/commands/ and here to add a command (in `dpa --help` order).
COMMAND_MODULES = [deadline, cases, db, run, train, inbox, purge, evaluate, staff, redact,
                   outbox, mail]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dpa",
        description="Data-protection live-chat assistant: run it, compute deadlines, manage cases.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except ConfigError as exc:
        print(f"dpa: configuration: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
