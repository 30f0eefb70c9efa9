"""Retention: delete old conversations, and erase one resident's conversation on request.

Two stores hold what residents said: Rasa's tracker store (``events``) and the chat hub's
transcripts (``dpa_transcript_messages``). ``dpa purge`` removes what is older than the
retention period (``TRANSCRIPT_RETENTION_DAYS``, 180 days by default):

- transcripts: every message stored before the cut-off;
- tracker store: whole conversation *sessions* that ended before the cut-off. Rasa rebuilds
  a conversation from its latest session, so deleting the sessions before it never leaves
  Rasa with half a session (a conversation idle since before the cut-off goes entirely).

Erasure (``dpa purge --conversation ID``) removes every event, transcript message and
handoff of that conversation. Cases (``dpa_cases``, ``dpa_case_events``) are never touched
by either: they are the council's record of a statutory request, kept under their own
retention schedule; the count of cases linked to an erased conversation is reported so
staff can deal with them under the case process.

Both run in one write transaction (all or nothing) and accept ``dry_run`` to count only.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.db.base import UTCDateTime
from bot.db.engine import WRITE_OPTION
from bot.rasa.events import EVENTS_TABLE, events
from bot.trainers.tracker_events import SESSION_START_ACTION

TRANSCRIPTS_TABLE = "dpa_transcript_messages"  # bot/chat/transcripts.py
HANDOFFS_TABLE = "dpa_handoffs"  # bot/chat/handoffs.py
CASES_TABLE = "dpa_cases"  # bot/cases/models.py (read, never written)
PLACEMENTS_TABLE = "dpa_conversation_servers"  # bot/chat/placements.py

transcripts = sa.table(
    TRANSCRIPTS_TABLE, sa.column("id"), sa.column("conversation_id"), sa.column("created_at")
)
handoffs = sa.table(HANDOFFS_TABLE, sa.column("id"), sa.column("conversation_id"))
cases = sa.table(CASES_TABLE, sa.column("id"), sa.column("conversation_id"))
# Which Rasa server serves a conversation: no words, but a conversation id and its last turn,
# so it goes with the conversation (not counted in the report: it is not a resident's data).
placements = sa.table(PLACEMENTS_TABLE, sa.column("conversation_id"),
                      sa.column("seen_at", UTCDateTime()))


@dataclass(frozen=True)
class PurgeReport:
    events: int = 0
    transcript_messages: int = 0
    handoffs: int = 0
    conversations: int = 0  # conversations removed from the tracker store entirely
    cases_kept: int = 0  # cases linked to an erased conversation (left alone)
    dry_run: bool = False
    missing_tables: tuple[str, ...] = ()


def cutoff_for(days: int, now: datetime | None = None) -> datetime:
    if days < 0:
        raise ValueError("the retention period cannot be negative")
    return (now or datetime.now(timezone.utc)) - timedelta(days=days)


def _tables(connection: Connection) -> set[str]:
    return set(sa.inspect(connection).get_table_names())


def _count(connection: Connection, table: sa.sql.TableClause, condition) -> int:
    query = sa.select(sa.func.count()).select_from(table).where(condition)
    return int(connection.execute(query).scalar() or 0)


def _remove(connection: Connection, table, condition, dry_run: bool) -> int:
    if dry_run:
        return _count(connection, table, condition)
    return int(connection.execute(sa.delete(table).where(condition)).rowcount or 0)


def _write_connection(engine: Engine):
    # SQLite: BEGIN IMMEDIATE (bot.db.engine), so Rasa and the hub wait rather than fail.
    return engine.connect().execution_options(**{WRITE_OPTION: True})


def purge_older_than(engine: Engine, cutoff: datetime, *, dry_run: bool = False) -> PurgeReport:
    """Delete tracker sessions and transcript messages older than ``cutoff``."""
    if cutoff.tzinfo is None:
        raise ValueError("cutoff must be timezone-aware")
    epoch = cutoff.timestamp()
    with _write_connection(engine) as connection, connection.begin():
        present = _tables(connection)
        missing = tuple(t for t in (EVENTS_TABLE, TRANSCRIPTS_TABLE) if t not in present)
        n_events = n_conversations = n_messages = 0
        if EVENTS_TABLE in present:
            n_events, n_conversations = _purge_events(connection, epoch, dry_run)
        if TRANSCRIPTS_TABLE in present:
            n_messages = _remove(
                connection, transcripts, transcripts.c.created_at < cutoff, dry_run
            )
        if PLACEMENTS_TABLE in present:
            _remove(connection, placements, placements.c.seen_at < cutoff, dry_run)
    return PurgeReport(
        events=n_events, transcript_messages=n_messages, conversations=n_conversations,
        dry_run=dry_run, missing_tables=missing,
    )


def _purge_events(connection: Connection, epoch: float, dry_run: bool) -> tuple[int, int]:
    activity = (
        sa.select(
            events.c.sender_id,
            sa.func.min(events.c.timestamp).label("first"),
            sa.func.max(events.c.timestamp).label("last"),
        )
        .group_by(events.c.sender_id)
        .having(sa.func.min(events.c.timestamp) < epoch)
    )
    idle: list[str] = []
    active: list[str] = []
    for row in connection.execute(activity):
        (idle if row.last < epoch else active).append(row.sender_id)
    removed = 0
    for chunk in _chunks(idle, 500):
        removed += _remove(connection, events, events.c.sender_id.in_(chunk), dry_run)
    for sender in active:
        boundary = _current_session_start(connection, sender, epoch)
        if boundary is not None:
            removed += _remove(
                connection, events,
                sa.and_(events.c.sender_id == sender, events.c.id < boundary), dry_run,
            )
    return removed, len(idle)


def _current_session_start(connection: Connection, sender: str, epoch: float) -> int | None:
    """Id of the session start that opened the session still running at ``epoch``."""
    first_recent = connection.execute(
        sa.select(sa.func.min(events.c.id)).where(
            events.c.sender_id == sender, events.c.timestamp >= epoch
        )
    ).scalar()
    if first_recent is None:
        return None
    return connection.execute(
        sa.select(sa.func.max(events.c.id)).where(
            events.c.sender_id == sender,
            events.c.action_name == SESSION_START_ACTION,
            events.c.id <= first_recent,
        )
    ).scalar()


def _chunks(items: list[str], size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def erase_conversation(
    engine: Engine, conversation_id: str, *, dry_run: bool = False
) -> PurgeReport:
    """Delete everything the assistant and the hub stored about one conversation."""
    if not conversation_id.strip():
        raise ValueError("a conversation id is needed")
    with _write_connection(engine) as connection, connection.begin():
        present = _tables(connection)
        counts = {"events": 0, "transcript_messages": 0, "handoffs": 0, "cases_kept": 0}
        if EVENTS_TABLE in present:
            counts["events"] = _remove(
                connection, events, events.c.sender_id == conversation_id, dry_run
            )
        if TRANSCRIPTS_TABLE in present:
            counts["transcript_messages"] = _remove(
                connection, transcripts, transcripts.c.conversation_id == conversation_id, dry_run
            )
        if HANDOFFS_TABLE in present:
            counts["handoffs"] = _remove(
                connection, handoffs, handoffs.c.conversation_id == conversation_id, dry_run
            )
        if PLACEMENTS_TABLE in present:
            _remove(connection, placements,
                    placements.c.conversation_id == conversation_id, dry_run)
        if CASES_TABLE in present:
            counts["cases_kept"] = _count(
                connection, cases, cases.c.conversation_id == conversation_id
            )
        missing = tuple(
            t for t in (EVENTS_TABLE, TRANSCRIPTS_TABLE, HANDOFFS_TABLE) if t not in present
        )
    return PurgeReport(
        **counts, conversations=1 if counts["events"] else 0, dry_run=dry_run,
        missing_tables=missing,
    )
