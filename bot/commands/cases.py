"""``dpa cases``: the rights requests the assistant logged, as a table or as JSON.

``dpa cases --json`` is a contract (see design.md): a JSON list with, for each case, its
reference, request type (an intent name), status, ISO dates (``clock_started_on`` and
``due_on`` are null while the request is on hold), ``extended``, ``conversation_id`` and the
requester's details. The case tables are migrated first, so this works on a fresh ``var/``.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.commands.arguments import days

if TYPE_CHECKING:  # pragma: no cover
    from bot.cases.records import CaseSummary

TABLE_COLUMNS = ("REFERENCE", "TYPE", "STATUS", "RECEIVED", "DUE", "NAME")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "cases",
        help="list the rights requests the assistant logged",
        description="List logged rights requests, soonest due first (cases on hold last).",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON list of every field")
    parser.add_argument(
        "--status",
        metavar="STATUS",
        help="only this status: awaiting_id, awaiting_authority, awaiting_fee, clock_running, "
        "clarification_requested, extended, completed, refused or withdrawn",
    )
    parser.add_argument(
        "--type",
        dest="request_type",
        metavar="TYPE",
        help="only this request type, an intent name such as request_access",
    )
    parser.add_argument(
        "--overdue", action="store_true", help="only open cases past their due date"
    )
    parser.add_argument(
        "--due-within",
        dest="due_within",
        type=days,
        metavar="DAYS",
        help="only open cases due between today and DAYS days from now",
    )
    parser.add_argument(
        "--awaiting-id", action="store_true", help="only cases still waiting for ID"
    )
    parser.add_argument("--search", metavar="TEXT", help="part of a reference or a name")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # Imported here so that ``dpa --help`` and ``dpa deadline`` do not load SQLAlchemy.
    from bot.cases.records import InvalidCaseData, case_to_dict
    from bot.cases.repository import CaseRepository
    from bot.config import load_settings
    from bot.db.schema import upgrade_database

    settings = load_settings()
    upgrade_database(settings.database_url)
    repository = CaseRepository.from_settings(settings)
    try:
        cases = repository.list_cases(
            status=getattr(args, "status", None),
            request_type=getattr(args, "request_type", None),
            due_within_days=getattr(args, "due_within", None),
            overdue=getattr(args, "overdue", False),
            awaiting_id=getattr(args, "awaiting_id", False),
            search=getattr(args, "search", None),
        )
    except InvalidCaseData as exc:
        print(f"dpa cases: {exc}", file=sys.stderr)
        return 2
    if getattr(args, "json", False):
        json.dump([case_to_dict(case) for case in cases], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_table(cases))
    return 0


def format_table(cases: Sequence[CaseSummary]) -> str:
    """An aligned plain-text table, one case a line, for people reading a terminal."""
    if not cases:
        return "No cases.\n"
    rows = [TABLE_COLUMNS] + [
        (
            case.reference,
            case.request_type,
            case.status,
            case.received_on.isoformat(),
            case.due_on.isoformat() if case.due_on else "-",
            case.full_name,
        )
        for case in cases
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(TABLE_COLUMNS))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    count = len(cases)
    lines.append(f"{count} case{'s' if count != 1 else ''}")
    return "\n".join(lines) + "\n"

