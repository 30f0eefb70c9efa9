"""``dpa db``: create or upgrade the case tables (Alembic migrations in ``bot/db/migrations``).

Run ``dpa db upgrade`` at start-up or after pulling new code; it is a no-op when the
database is already up to date. The URL is printed with any password masked.
"""
from __future__ import annotations

import argparse

from bot.commands.arguments import command_with_actions


def register(subparsers: argparse._SubParsersAction) -> None:
    parser, actions = command_with_actions(
        subparsers, "db", help="create or upgrade the case tables",
        description="Manage the case tables in DATABASE_URL (SQLite under var/ by default).",
        dest="db_action",
    )
    actions.add_parser("upgrade", help="apply any new migrations (safe to run again)")
    actions.add_parser("current", help="show the migration the database is at")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bot.config import load_settings
    from bot.db.engine import mask_url
    from bot.db.schema import current_revision, head_revision, upgrade_database

    url = load_settings().database_url
    action = getattr(args, "db_action", None) or "upgrade"
    if action == "upgrade":
        upgrade_database(url)
        print(f"{mask_url(url)}: case tables at revision {current_revision(url)} (head)")
        return 0
    current = current_revision(url)
    head = head_revision()
    state = "up to date" if current == head else f"behind (head is {head}): run dpa db upgrade"
    print(f"{mask_url(url)}: revision {current or 'none'}, {state}")
    return 0 if current == head else 1
