"""``dpa mail``: deliver the outbox once, or queue and send the staff digest.

- ``dpa mail send``: one pass over the outbox (what the web app does every
  MAIL_SEND_INTERVAL_SECONDS); prints what was sent and what is still waiting or failed.
- ``dpa mail digest [--to ADDRESS]``: the daily digest of cases overdue and due within five
  working days, to ADDRESS or MAIL_TEAM_ADDRESS, then a send pass.

The work is in :mod:`bot.mail`; this module parses arguments and prints.
"""
from __future__ import annotations

import argparse
import asyncio
import sys

from bot.commands.arguments import command_with_actions


def register(subparsers: argparse._SubParsersAction) -> None:
    _, commands = command_with_actions(
        subparsers, "mail", help="send queued email, or the staff daily digest",
        description="Deliver the mail outbox (SMTP_URL, or .eml files in var/mail/), or "
        "queue the staff digest of overdue and nearly due cases.",
        dest="mail_command",
    )
    send = commands.add_parser("send", help="deliver what is due in the outbox, once")
    send.set_defaults(handler=run_send)
    digest = commands.add_parser(
        "digest", help="email the team the cases overdue and due within 5 working days")
    digest.add_argument("--to", metavar="ADDRESS",
                        help="where to send it (default MAIL_TEAM_ADDRESS)")
    digest.set_defaults(handler=run_digest)


def _send_once() -> int:
    from bot.config import load_settings
    from bot.mail.case_mail import outbox_for
    from bot.mail.delivery import transport_for
    from bot.mail.sender import send_pending

    settings = load_settings()
    transport = transport_for(settings)
    outbox = outbox_for(settings)
    report = asyncio.run(send_pending(outbox, transport))
    print(f"{transport.description}: {report.summary()}")
    for record in outbox.not_sent():
        where = f"case {record.case_reference}" if record.case_reference else record.template
        error = f": {record.last_error}" if record.last_error else ""
        print(f"  #{record.id} {record.template} ({where}) {record.status}, "
              f"{record.attempts} attempt(s){error}")
    return 1 if report.failed else 0


def run_send(args: argparse.Namespace) -> int:
    return _send_once()


def run_digest(args: argparse.Namespace) -> int:
    from bot.cases.repository import CaseRepository
    from bot.mail.case_mail import MailContext
    from bot.mail.digest import queue_digest

    context = MailContext.from_settings()
    to_address = args.to or context.settings.mail_team_address
    if not to_address:
        print("dpa mail digest: no address: give --to or set MAIL_TEAM_ADDRESS", file=sys.stderr)
        return 2
    record = queue_digest(to_address, repo=CaseRepository.from_settings(context.settings),
                          context=context)
    print(f"digest queued (#{record.id}): {record.subject}")
    return _send_once()
