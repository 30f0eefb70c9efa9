"""``dpa deadline``: print the statutory due date for requests whose clock started on given dates.

Output is one ``RECEIVED DUE`` line per date (ISO dates, one space), so scripts can read it.
Bad input gives one message on stderr naming the bad value and exit status 2, like argparse.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from datetime import date

from bot.rules.deadlines import DEFAULT_NATION, NATIONS, due_date, parse_nation

NATION_ENV = "COUNCIL_NATION"
USAGE_ERROR = 2
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class _InputError(Exception):
    """Bad input from the person at the terminal: reported as one line, never a traceback."""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``deadline`` parser to ``dpa``."""
    parser = subparsers.add_parser(
        "deadline",
        help="print the statutory due date for requests received on given dates",
        description=(
            "Print 'RECEIVED DUE' for each date: the statutory due date of a request whose "
            "clock started on RECEIVED (one calendar month, or three with --extended; "
            "moved to the next working day of the nation)."
        ),
        epilog="example: dpa deadline 2024-11-25 2026-01-31  ->  2024-11-25 2024-12-27 ...",
    )
    parser.add_argument(
        "dates", nargs="+", metavar="DATE", help="the day the clock started, as YYYY-MM-DD"
    )
    parser.add_argument(
        "--extended",
        action="store_true",
        help="three calendar months instead of one (complex or numerous requests)",
    )
    parser.add_argument(
        "--nation",
        metavar="NATION",
        default=None,
        help=f"whose bank holidays apply: {' | '.join(NATIONS)} "
        f"(default: ${NATION_ENV}, else {DEFAULT_NATION})",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print one line per date; 2 on bad input (nothing printed to stdout then)."""
    try:
        nation = _nation(args.nation)
        starts = [_iso_date(text) for text in args.dates]
        lines = [_line(start, nation, args.extended) for start in starts]
    except _InputError as exc:
        print(f"dpa deadline: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    for line in lines:
        print(line)
    return 0


def _nation(option: str | None) -> str:
    """The --nation option, else $COUNCIL_NATION, else England and Wales."""
    source, raw = "--nation", option
    if raw is None:
        source, raw = NATION_ENV, os.environ.get(NATION_ENV) or DEFAULT_NATION
    try:
        return parse_nation(raw)
    except ValueError as exc:
        raise _InputError(f"{source}: {exc}") from None


def _iso_date(text: str) -> date:
    """A strict ISO calendar date (YYYY-MM-DD), nothing looser."""
    if not _ISO_DATE.fullmatch(text):
        raise _InputError(f"{text!r} is not a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _InputError(f"{text!r} is not a real date") from None


def _line(start: date, nation: str, extended: bool) -> str:
    try:
        due = due_date(start, nation, extended=extended)
    except (ValueError, OverflowError):
        raise _InputError(f"{start.isoformat()} is too late to compute a due date for") from None
    return f"{start.isoformat()} {due.isoformat()}"
