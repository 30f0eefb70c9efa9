"""Complaints made in chat: a record staff work from "new" to "resolved", with its history.

The assistant records one when a resident complains (``action_record_complaint``): what they
wrote, and the conversation it came from, so staff can read the whole chat. Staff move it
through :data:`COMPLAINT_STATES`; every change is a :class:`ComplaintEvent` naming who made
it (the complaint's audit trail, shown on its page), and staff views go to the access log.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Column, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, sessionmaker

from bot.db.base import Base, UTCDateTime
from bot.db.engine import get_engine, make_session_factory, session_scope

COMPLAINTS_TABLE = "dpa_complaints"
COMPLAINT_EVENTS_TABLE = "dpa_complaint_events"

NEW, IN_PROGRESS, RESOLVED = "new", "in_progress", "resolved"
COMPLAINT_STATES = (NEW, IN_PROGRESS, RESOLVED)
OPEN_STATES = (NEW, IN_PROGRESS)
# The assistant is the actor of the event that records a complaint.
ASSISTANT_ACTOR = "assistant"
MAX_TEXT = 2000


class Complaint(Base):
    __tablename__ = COMPLAINTS_TABLE

    id: Mapped[int] = Column(Integer, primary_key=True)
    conversation_id: Mapped[str] = Column(String(128), nullable=False, index=True)
    text: Mapped[str] = Column(Text, nullable=False)
    status: Mapped[str] = Column(String(16), nullable=False, index=True)
    created_at: Mapped[datetime] = Column(UTCDateTime(), nullable=False)
    updated_at: Mapped[datetime] = Column(UTCDateTime(), nullable=False)


class ComplaintEvent(Base):
    __tablename__ = COMPLAINT_EVENTS_TABLE

    id: Mapped[int] = Column(Integer, primary_key=True)
    complaint_id: Mapped[int] = Column(
        Integer, ForeignKey(f"{COMPLAINTS_TABLE}.id", ondelete="CASCADE"), nullable=False,
        index=True,
    )
    at: Mapped[datetime] = Column(UTCDateTime(), nullable=False)
    actor: Mapped[str] = Column(String(100), nullable=False)
    status: Mapped[str] = Column(String(16), nullable=False)
    note: Mapped[str | None] = Column(Text, nullable=True)


@dataclass(frozen=True)
class ComplaintHistoryEntry:
    at: datetime
    actor: str
    status: str
    note: str | None


@dataclass(frozen=True)
class ComplaintRecord:
    id: int
    conversation_id: str
    text: str
    status: str
    created_at: datetime
    updated_at: datetime
    history: tuple[ComplaintHistoryEntry, ...] = ()


class NoSuchComplaint(Exception):
    """No complaint has this id."""


class InvalidComplaintChange(ValueError):
    """A state that does not exist, or a change without the note it needs (words inside)."""


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class ComplaintStore:
    """Complaints behind one database URL (blocking calls: run them off the event loop)."""

    def __init__(self, sessions: sessionmaker, now: Callable[[], datetime] = _utcnow) -> None:
        self._sessions = sessions
        self._now = now

    @classmethod
    def from_url(cls, url: str) -> ComplaintStore:
        return cls(make_session_factory(get_engine(url)))

    def record(self, conversation_id: str, text: str) -> ComplaintRecord:
        """A new complaint from a conversation, in state ``new``."""
        now = self._now()
        with session_scope(self._sessions, write=True) as session:
            row = Complaint(conversation_id=conversation_id, text=text.strip()[:MAX_TEXT],
                            status=NEW, created_at=now, updated_at=now)
            session.add(row)
            session.flush()
            session.add(ComplaintEvent(complaint_id=row.id, at=now, actor=ASSISTANT_ACTOR,
                                       status=NEW, note=None))
            session.flush()
            return self._record(session, row)

    def change(self, complaint_id: int, status: str, actor: str,
               note: str | None = None) -> ComplaintRecord:
        """Move a complaint to ``status`` (or add a note in the same state), audited.

        Resolving needs a note saying how it was resolved."""
        if status not in COMPLAINT_STATES:
            raise InvalidComplaintChange("Choose one of the states offered.")
        note = (note or "").strip()[:MAX_TEXT] or None
        if status == RESOLVED and not note:
            raise InvalidComplaintChange("Say how the complaint was resolved.")
        with session_scope(self._sessions, write=True) as session:
            row = session.get(Complaint, complaint_id)
            if row is None:
                raise NoSuchComplaint(complaint_id)
            if status == row.status and not note:
                raise InvalidComplaintChange("Nothing changed: choose another state or add a note.")
            now = self._now()
            row.status, row.updated_at = status, now
            session.add(ComplaintEvent(complaint_id=row.id, at=now, actor=actor[:100],
                                       status=status, note=note))
            session.flush()
            return self._record(session, row)

    def get(self, complaint_id: int) -> ComplaintRecord | None:
        with session_scope(self._sessions) as session:
            row = session.get(Complaint, complaint_id)
            return None if row is None else self._record(session, row)

    def listing(self, *, open_only: bool = False) -> list[ComplaintRecord]:
        """Complaints, newest first (without their history)."""
        with session_scope(self._sessions) as session:
            query = select(Complaint).order_by(Complaint.created_at.desc(), Complaint.id.desc())
            if open_only:
                query = query.where(Complaint.status.in_(OPEN_STATES))
            return [ComplaintRecord(r.id, r.conversation_id, r.text, r.status, r.created_at,
                                    r.updated_at)
                    for r in session.execute(query).scalars().all()]

    def open_count(self) -> int:
        return len(self.listing(open_only=True))

    @staticmethod
    def _record(session: object, row: Complaint) -> ComplaintRecord:
        from sqlalchemy.orm import Session

        assert isinstance(session, Session)
        events = session.execute(
            select(ComplaintEvent).where(ComplaintEvent.complaint_id == row.id)
            .order_by(ComplaintEvent.id)
        ).scalars().all()
        history = tuple(ComplaintHistoryEntry(e.at, e.actor, e.status, e.note) for e in events)
        return ComplaintRecord(row.id, row.conversation_id, row.text, row.status,
                               row.created_at, row.updated_at, history)
