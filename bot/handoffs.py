"""The queue of conversations handed to staff, and why.

The assistant records a handoff (a resident asked for a person, it misunderstood twice, a
complaint, or a case could not be logged) and pauses itself for that conversation; staff
claim it from the console and close it or hand it back. One row per handoff; a
conversation can be handed off more than once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Optional

from sqlalchemy import Column, Integer, String, Text, select
from sqlalchemy.orm import Mapped, sessionmaker

from bot.cases.db import get_engine, make_session_factory, session_scope
from bot.cases.models import Base, UTCDateTime

HANDOFFS_TABLE = "dpa_handoffs"
WAITING, CLAIMED, CLOSED, RETURNED = "waiting", "claimed", "closed", "returned"


class Handoff(Base):
    __tablename__ = HANDOFFS_TABLE

    id: Mapped[int] = Column(Integer, primary_key=True)
    conversation_id: Mapped[str] = Column(String(128), nullable=False, index=True)
    reason: Mapped[str] = Column(String(80), nullable=False)
    status: Mapped[str] = Column(String(16), nullable=False, default=WAITING, index=True)
    requested_at: Mapped[datetime] = Column(UTCDateTime(), nullable=False)
    claimed_by: Mapped[Optional[str]] = Column(String(80), nullable=True)
    claimed_at: Mapped[Optional[datetime]] = Column(UTCDateTime(), nullable=True)
    closed_at: Mapped[Optional[datetime]] = Column(UTCDateTime(), nullable=True)
    note: Mapped[Optional[str]] = Column(Text, nullable=True)


@dataclass(frozen=True)
class HandoffRecord:
    id: int
    conversation_id: str
    reason: str
    status: str
    requested_at: datetime
    claimed_by: str | None
    claimed_at: datetime | None
    closed_at: datetime | None

    @classmethod
    def from_model(cls, row: Handoff) -> "HandoffRecord":
        return cls(row.id, row.conversation_id, row.reason, row.status, row.requested_at,
                   row.claimed_by, row.claimed_at, row.closed_at)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class HandoffStore:
    """Handoffs behind one database URL (blocking calls: run them off the event loop)."""

    def __init__(self, sessions: sessionmaker, now: Callable[[], datetime] = _utcnow) -> None:
        self._sessions = sessions
        self._now = now

    @classmethod
    def from_url(cls, url: str) -> "HandoffStore":
        return cls(make_session_factory(get_engine(url)))

    def request(self, conversation_id: str, reason: str) -> HandoffRecord:
        """Queue a conversation for staff; an open handoff for it is reused, not doubled."""
        with session_scope(self._sessions, write=True) as session:
            open_row = session.execute(
                select(Handoff).where(Handoff.conversation_id == conversation_id,
                                      Handoff.status.in_((WAITING, CLAIMED)))
            ).scalars().first()
            if open_row is not None:
                return HandoffRecord.from_model(open_row)
            row = Handoff(conversation_id=conversation_id, reason=reason[:80], status=WAITING,
                          requested_at=self._now())
            session.add(row)
            session.flush()
            return HandoffRecord.from_model(row)

    def waiting(self) -> list[HandoffRecord]:
        """Conversations waiting for a person, oldest first."""
        with session_scope(self._sessions) as session:
            rows = session.execute(
                select(Handoff).where(Handoff.status == WAITING).order_by(Handoff.requested_at)
            ).scalars().all()
            return [HandoffRecord.from_model(row) for row in rows]

    def for_conversation(self, conversation_id: str) -> list[HandoffRecord]:
        with session_scope(self._sessions) as session:
            rows = session.execute(
                select(Handoff).where(Handoff.conversation_id == conversation_id)
                .order_by(Handoff.requested_at)
            ).scalars().all()
            return [HandoffRecord.from_model(row) for row in rows]
