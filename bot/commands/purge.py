"""``dpa purge``: delete conversations past the retention period, or erase one on request.

- ``dpa purge [--older-than DAYS] [--dry-run]``: tracker-store sessions and transcript
  messages older than DAYS (default ``TRANSCRIPT_RETENTION_DAYS``, 180); meant for cron or a
  systemd timer (docs/trainers.md);
- ``dpa purge --conversation ID [--dry-run]``: a resident's conversation, everywhere
  (tracker events, transcript, handoffs), e.g. for an erasure request.

Purging by age also deletes, each by its own setting: emails sent (or given up on) more
than MAIL_RETENTION_DAYS ago (730) from the mail outbox, and the files of documents sent in
the chat for cases closed DOCUMENT_RETENTION_DAYS or more ago (30; what staff decided about
them stays). ``--older-than`` is the transcripts' period only.

Cases are never touched. Prints what was (or, with ``--dry-run``, would be) deleted. The
work is :class:`bot.trainers.service.TrainerTools`' ``erase`` and ``purge`` (the staff
console erases through it too); this module parses arguments and prints.
"""
from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from bot.commands.arguments import days

if TYPE_CHECKING:  # pragma: no cover
    from bot.trainers.retention import PurgeReport


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "purge",
        help="delete conversations older than the retention period, or one conversation",
        description="Delete tracker-store events and chat transcripts older than the retention "
        "period (TRANSCRIPT_RETENTION_DAYS), or erase one conversation. Cases are never touched.",
    )
    parser.add_argument("--older-than", type=days, metavar="DAYS",
                        help="retention period in days (default TRANSCRIPT_RETENTION_DAYS, 180)")
    parser.add_argument("--conversation", action="append", metavar="ID", default=[],
                        help="erase this conversation (repeatable) instead of purging by age")
    parser.add_argument("--dry-run", action="store_true",
                        help="count what would be deleted, delete nothing")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bot.config import load_settings
    from bot.db.engine import mask_url
    from bot.trainers.service import TrainerTools

    settings = load_settings()
    tools = TrainerTools(settings)
    if args.conversation and args.older_than is not None:
        print("dpa purge: use --conversation or --older-than, not both", file=sys.stderr)
        return 2
    verb = "would delete" if args.dry_run else "deleted"
    if args.conversation:
        for conversation_id in args.conversation:
            report = tools.erase(conversation_id, dry_run=args.dry_run)
            print(f"conversation {conversation_id}: {verb} {_counts(report, handoffs=True)}")
            if report.cases_kept:
                print(f"  {report.cases_kept} case(s) linked to it are kept (cases are the "
                      "council's record; see `dpa cases --search`)")
            _warn_missing(report)
        return 0
    purged = tools.purge(args.older_than, dry_run=args.dry_run)
    report = purged.report
    print(f"{mask_url(settings.database_url)}: older than {purged.days} days "
          f"(before {purged.cutoff:%Y-%m-%d %H:%M} UTC): {verb} {_counts(report)}")
    if report.conversations:
        removed = "would be removed" if args.dry_run else "removed"
        print(f"  {report.conversations} conversation(s) {removed} from the tracker store entirely")
    _warn_missing(report)
    _purge_mail_and_documents(settings, dry_run=args.dry_run)
    return 0


def _purge_mail_and_documents(settings, *, dry_run: bool) -> None:
    """The mail outbox and the document store, each by its own retention setting."""
    from sqlalchemy import inspect

    from bot.db.engine import get_engine
    from bot.documents.crypto import cipher_for
    from bot.documents.store import DocumentStore
    from bot.mail.case_mail import council_today, outbox_for
    from bot.trainers.retention import cutoff_for

    tables = set(inspect(get_engine(settings.database_url)).get_table_names())
    missing = sorted({"dpa_mail_outbox", "dpa_case_documents"} - tables)
    if missing:  # a database the case store was never set up in (`dpa db upgrade`)
        print(f"  (no {', '.join(missing)} table in this database: nothing there)")
        return
    verb = "would delete" if dry_run else "deleted"
    cutoff = cutoff_for(settings.mail_retention_days)
    emails = outbox_for(settings).purge(cutoff, dry_run=dry_run)
    print(f"  mail outbox: older than {settings.mail_retention_days} days: {verb} "
          f"{emails} email(s) sent or given up on")
    store = DocumentStore.from_url(settings.database_url, cipher_for(settings))
    files = store.purge_closed(council_today(), settings.document_retention_days,
                               dry_run=dry_run)
    print(f"  documents: cases closed {settings.document_retention_days} or more days ago: "
          f"{verb} {files} file(s)")


def _counts(report: PurgeReport, *, handoffs: bool = False) -> str:
    parts = [f"{report.events} tracker event(s)",
             f"{report.transcript_messages} transcript message(s)"]
    if handoffs:
        parts.append(f"{report.handoffs} handoff(s)")
    return ", ".join(parts)


def _warn_missing(report: PurgeReport) -> None:
    if report.missing_tables:
        print(f"  (no {', '.join(report.missing_tables)} table in this database: nothing there)")

