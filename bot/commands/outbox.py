"""``dpa outbox``: what waits in the outbox, and replaying it by hand.

The action server replays the outbox by itself every OUTBOX_REPLAY_SECONDS; this command is
for an operator who wants to see it, or to write it now (after fixing the database while
the action server is stopped, say). Replaying here is safe beside a running action server:
both take the outbox's replay lock, and each record is written exactly once.
"""
from __future__ import annotations

import argparse

from bot.commands.arguments import command_with_actions


def register(subparsers: argparse._SubParsersAction) -> None:
    parser, actions = command_with_actions(
        subparsers, "outbox", help="show or replay the requests waiting for the database",
        description="Requests and handoffs the database refused, kept in var/outbox/.",
        dest="outbox_action",
    )
    actions.add_parser("status", help="how many records wait, and since when")
    actions.add_parser("replay", help="write every waiting record to the database now")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bot.cases.outbox import Outbox
    from bot.cases.outbox_replay import mail_confirmation, replay
    from bot.cases.repository import CaseRepository
    from bot.chat.handoffs import HandoffStore
    from bot.config import load_settings

    settings = load_settings()
    outbox = Outbox.from_settings(settings)
    if args.outbox_action == "replay":
        result = replay(outbox, CaseRepository.from_settings(settings),
                        HandoffStore.from_url(settings.database_url), wait=True,
                        confirm=mail_confirmation(settings))
        print(f"outbox: {len(result.written)} written, {len(result.already_there)} already "
              f"in the database, {result.remaining} waiting")
        return 0 if result.remaining == 0 else 1
    status = outbox.status()
    oldest = status.oldest.isoformat() if status.oldest else "-"
    print(f"outbox: {status.pending} waiting (oldest {oldest})")
    return 0 if status.pending == 0 else 1
