"""The queue of conversations handed to staff, and why.

The assistant records a handoff (a resident asked for a person, it misunderstood twice, a
complaint, or a case could not be logged) and pauses itself for that conversation; staff
claim it from the console and close it or hand it back. One row per handoff; a
conversation can be handed off more than once.

:class:`HandoffStore` is the one place a handoff's state changes (request, claim, release,
call-back offered, hand back or close), and the one source of truth for who has a
conversation now: the action server, the hub and the staff console all ask it rather than
trusting a copy in memory.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Column, Integer, String, Text, bindparam, select, update
from sqlalchemy.orm import Mapped, sessionmaker

from bot.db.base import Base, UTCDateTime
from bot.db.engine import get_engine, make_session_factory, session_scope

HANDOFFS_TABLE = "dpa_handoffs"
# What staff did with the resident's request during a handoff (Handoff.request_outcome).
REQUEST_LOGGED, REQUEST_CANCELLED = "logged", "cancelled"
WAITING, CLAIMED, CLOSED, RETURNED = "waiting", "claimed", "closed", "returned"
# The widget's names for who has the conversation (docs/chat-protocol.md).
ASSISTANT_MODE, WAITING_MODE, STAFF_MODE = "assistant", "waiting", "staff"


class Handoff(Base):
    __tablename__ = HANDOFFS_TABLE

    id: Mapped[int] = Column(Integer, primary_key=True)
    conversation_id: Mapped[str] = Column(String(128), nullable=False, index=True)
    reason: Mapped[str] = Column(String(80), nullable=False)
    status: Mapped[str] = Column(String(16), nullable=False, default=WAITING, index=True)
    requested_at: Mapped[datetime] = Column(UTCDateTime(), nullable=False)
    claimed_by: Mapped[str | None] = Column(String(80), nullable=True)
    claimed_at: Mapped[datetime | None] = Column(UTCDateTime(), nullable=True)
    closed_at: Mapped[datetime | None] = Column(UTCDateTime(), nullable=True)
    note: Mapped[str | None] = Column(Text, nullable=True)
    # When the resident was told nobody could answer now and offered a call back (staff
    # console: outside staffed hours, or unclaimed for too long); None until then.
    callback_offered_at: Mapped[datetime | None] = Column(UTCDateTime(), nullable=True)
    # What staff did with the request the resident was making when they asked for a person:
    # ``logged`` (under ``request_reference``) or ``cancelled``; None when they left it to
    # the assistant (which then carries on with it after a hand back).
    request_outcome: Mapped[str | None] = Column(String(16), nullable=True)
    request_reference: Mapped[str | None] = Column(String(16), nullable=True)


# Asked after every turn (the assistant may have handed off): built once, run through the
# table with its parameter (building it on each call cost more than running it).
_STATUSES = (
    select(Handoff.__table__.c.status)
    .where(Handoff.__table__.c.conversation_id == bindparam("conversation"))
    .order_by(Handoff.__table__.c.requested_at, Handoff.__table__.c.id)
)


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
    callback_offered_at: datetime | None = None
    request_outcome: str | None = None
    request_reference: str | None = None

    @classmethod
    def from_model(cls, row: Handoff) -> HandoffRecord:
        return cls(row.id, row.conversation_id, row.reason, row.status, row.requested_at,
                   row.claimed_by, row.claimed_at, row.closed_at, row.callback_offered_at,
                   row.request_outcome, row.request_reference)


class HandoffNotOpen(Exception):
    """The handoff is not in a state that allows this (already claimed, closed, unknown)."""


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class HandoffStore:
    """Handoffs behind one database URL (blocking calls: run them off the event loop)."""

    def __init__(self, sessions: sessionmaker, now: Callable[[], datetime] = _utcnow) -> None:
        self._sessions = sessions
        self._now = now

    @classmethod
    def from_url(cls, url: str) -> HandoffStore:
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

    def get(self, handoff_id: int) -> HandoffRecord | None:
        with session_scope(self._sessions) as session:
            row = session.get(Handoff, handoff_id)
            return HandoffRecord.from_model(row) if row is not None else None

    def open_handoffs(self) -> list[HandoffRecord]:
        """Waiting and claimed handoffs, oldest first (the staff console's queue)."""
        with session_scope(self._sessions) as session:
            rows = session.execute(
                select(Handoff).where(Handoff.status.in_((WAITING, CLAIMED)))
                .order_by(Handoff.requested_at, Handoff.id)
            ).scalars().all()
            return [HandoffRecord.from_model(row) for row in rows]

    def claim(self, handoff_id: int, username: str) -> HandoffRecord:
        """A member of staff takes a waiting conversation; only one can (HandoffNotOpen)."""
        with session_scope(self._sessions, write=True) as session:
            result = session.execute(
                update(Handoff)
                .where(Handoff.id == handoff_id, Handoff.status == WAITING)
                .values(status=CLAIMED, claimed_by=username[:80], claimed_at=self._now())
            )
            if not result.rowcount:
                raise HandoffNotOpen(handoff_id)
            return HandoffRecord.from_model(session.get(Handoff, handoff_id))

    def release(self, handoff_id: int) -> HandoffRecord:
        """Put a claimed conversation back in the queue for someone else."""
        with session_scope(self._sessions, write=True) as session:
            result = session.execute(
                update(Handoff)
                .where(Handoff.id == handoff_id, Handoff.status == CLAIMED)
                .values(status=WAITING, claimed_by=None, claimed_at=None)
            )
            if not result.rowcount:
                raise HandoffNotOpen(handoff_id)
            return HandoffRecord.from_model(session.get(Handoff, handoff_id))

    def mark_callback_offered(self, handoff_id: int) -> bool:
        """Record that the resident was offered a call back; False if already done."""
        with session_scope(self._sessions, write=True) as session:
            result = session.execute(
                update(Handoff)
                .where(Handoff.id == handoff_id, Handoff.callback_offered_at.is_(None))
                .values(callback_offered_at=self._now())
            )
            return bool(result.rowcount)

    def record_request_outcome(
        self, handoff_id: int, outcome: str, reference: str | None = None
    ) -> HandoffRecord:
        """Staff logged (``reference``) or cancelled the resident's request in this handoff;
        only while it is claimed (HandoffNotOpen otherwise)."""
        if outcome not in (REQUEST_LOGGED, REQUEST_CANCELLED):
            raise ValueError(f"unknown request outcome {outcome!r}")
        with session_scope(self._sessions, write=True) as session:
            result = session.execute(
                update(Handoff)
                .where(Handoff.id == handoff_id, Handoff.status == CLAIMED)
                .values(request_outcome=outcome, request_reference=reference)
            )
            if not result.rowcount:
                raise HandoffNotOpen(handoff_id)
            return HandoffRecord.from_model(session.get(Handoff, handoff_id))

    def latest(self, conversation_id: str) -> HandoffRecord | None:
        """The conversation's most recent handoff (open or ended), if any."""
        handoffs = self.for_conversation(conversation_id)
        return handoffs[-1] if handoffs else None

    def waiting_count(self) -> int:
        """How many conversations wait for a person now (the console's live count)."""
        with session_scope(self._sessions) as session:
            rows = session.execute(
                select(Handoff.id).where(Handoff.status == WAITING)
            ).all()
            return len(rows)

    def for_conversation(self, conversation_id: str) -> list[HandoffRecord]:
        with session_scope(self._sessions) as session:
            rows = session.execute(
                select(Handoff).where(Handoff.conversation_id == conversation_id)
                .order_by(Handoff.requested_at, Handoff.id)
            ).scalars().all()
            return [HandoffRecord.from_model(row) for row in rows]

    def mode(self, conversation_id: str) -> str:
        """Who has the conversation: ``staff`` once someone claimed its open handoff,
        ``waiting`` before that, else ``assistant``."""
        with session_scope(self._sessions) as session:
            statuses = session.execute(_STATUSES, {"conversation": conversation_id}).scalars()
            return mode_of_statuses(list(statuses))

    def end(self, conversation_id: str, *, returned: bool) -> int:
        """Mark the conversation's open handoffs returned (to the assistant) or closed."""
        status = RETURNED if returned else CLOSED
        with session_scope(self._sessions, write=True) as session:
            result = session.execute(
                update(Handoff)
                .where(Handoff.conversation_id == conversation_id,
                       Handoff.status.in_((WAITING, CLAIMED)))
                .values(status=status, closed_at=self._now())
            )
            return result.rowcount or 0


def mode_of_statuses(statuses: list[str]) -> str:
    """The mode a conversation whose handoffs (oldest first) have these statuses is in."""
    open_ones = [status for status in statuses if status in (WAITING, CLAIMED)]
    if not open_ones:
        return ASSISTANT_MODE
    return STAFF_MODE if open_ones[-1] == CLAIMED else WAITING_MODE
