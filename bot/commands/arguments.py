"""Argument types shared by the ``dpa`` subcommands (argparse ``type=`` callables)."""
from __future__ import annotations

import argparse


def days(text: str) -> int:
    """A whole, non-negative number of days; argparse shows the message on bad input."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"DAYS must be a whole number, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("DAYS cannot be negative")
    return value


def command_with_actions(
    subparsers: argparse._SubParsersAction, name: str, *, help: str, description: str,
    dest: str,
) -> tuple[argparse.ArgumentParser, argparse._SubParsersAction]:
    """A subcommand ``dpa NAME ACTION ...`` whose ACTION is required; the caller adds the
    actions to the second value (its choice is ``args.<dest>``)."""
    parser = subparsers.add_parser(name, help=help, description=description)
    actions = parser.add_subparsers(dest=dest, metavar="ACTION")
    actions.required = True
    return parser, actions
