"""Which Rasa server serves each conversation: chosen once, when it starts, and kept.

A new conversation goes to the server with the fewest conversations active now (a turn in
the last :data:`ACTIVE_WINDOW`); ties go to the server the conversation's id hashes to
(:mod:`bot.rasa.routing`), so with nothing active the choice is the hash's. From then on
every call about it goes to that server: its turns stay in order in one process, and that
process's caches of its tracker (``bot.rasa.past_states``) stay warm.

Why not the hash alone: with the few dozen conversations one machine holds at a time, a hash
splits them unevenly by chance (63/37 measured, docs/benchmarks.md), and the busier server
sets the capacity of all. Counting what each server has now splits them evenly.

The choice is a row here (``dpa_conversation_servers``), in the database every hub instance
shares, so a conversation a resident reopens on another instance goes to the same server.
Two instances placing one new conversation at once: the primary key lets one insert win and
the other reads its choice. A row whose server is no longer configured is placed again.

A row holds the conversation id and two times, nothing the resident said. ``dpa purge``
deletes rows older than the transcripts' retention, and erasure deletes the conversation's.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Column, String, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, sessionmaker

from bot.db.base import Base, UTCDateTime
from bot.db.engine import session_scope

PLACEMENTS_TABLE = "dpa_conversation_servers"
# A conversation with a turn this recent counts toward its server's load.
ACTIVE_WINDOW = timedelta(minutes=5)


class ConversationServer(Base):
    __tablename__ = PLACEMENTS_TABLE

    conversation_id: Mapped[str] = Column(String(128), primary_key=True)
    server_url: Mapped[str] = Column(String(200), nullable=False)
    placed_at: Mapped[datetime] = Column(UTCDateTime(), nullable=False)
    # The last turn (kept to within a minute or so: bot.web.placement), for the load count.
    seen_at: Mapped[datetime] = Column(UTCDateTime(), nullable=False, index=True)


def place(sessions: sessionmaker, conversation_id: str, order: Sequence[str],
          now: datetime) -> str:
    """The server of ``conversation_id``: its stored one, or the least busy of ``order``
    (the configured servers, most preferred first for this conversation), stored."""
    if not order:
        raise ValueError("at least one server is needed")
    stored = stored_server(sessions, conversation_id, order)
    if stored is not None:
        return stored
    try:
        with session_scope(sessions, write=True) as session:
            row = session.get(ConversationServer, conversation_id)
            if row is not None and row.server_url in order:
                return row.server_url  # another instance placed it meanwhile
            chosen = least_busy(order, active_counts(session, now))
            if row is None:
                session.add(ConversationServer(conversation_id=conversation_id,
                                               server_url=chosen, placed_at=now, seen_at=now))
            else:  # its server was removed from the configuration
                row.server_url, row.placed_at, row.seen_at = chosen, now, now
            return chosen
    except IntegrityError:  # another instance inserted it first (PostgreSQL): take its choice
        with session_scope(sessions) as session:
            row = session.get(ConversationServer, conversation_id)
            if row is None:
                raise
            return row.server_url


def stored_server(sessions: sessionmaker, conversation_id: str,
                  configured: Sequence[str]) -> str | None:
    """The server ``conversation_id`` was placed on, if it is one of ``configured``."""
    with session_scope(sessions) as session:
        row = session.get(ConversationServer, conversation_id)
        return row.server_url if row is not None and row.server_url in configured else None


def least_busy(order: Sequence[str], active: Counter[str]) -> str:
    """The first of ``order`` with the fewest active conversations."""
    return min(order, key=lambda url: active[url])  # min keeps the first of equals


def active_counts(session, now: datetime) -> Counter[str]:
    table = ConversationServer.__table__
    rows = session.execute(
        select(table.c.server_url, func.count())
        .where(table.c.seen_at >= now - ACTIVE_WINDOW)
        .group_by(table.c.server_url)
    )
    return Counter({url: int(count) for url, count in rows})


def touch(sessions: sessionmaker, conversation_id: str, now: datetime) -> None:
    """Record a turn of ``conversation_id`` now (it counts as active for the window)."""
    table = ConversationServer.__table__
    with session_scope(sessions, write=True) as session:
        session.execute(update(table).where(table.c.conversation_id == conversation_id)
                        .values(seen_at=now))
