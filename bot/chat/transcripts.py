"""Chat transcripts: every turn of every conversation, in order, as the resident saw it.

The hub stores a resident's message *before* relaying it (so nothing a resident said is lost
when Rasa is down) and each reply as it arrives. ``seq`` numbers a conversation's messages
1, 2, 3, ...: it is allocated inside the writing transaction, so two writers (two tabs, a
member of staff and the assistant) never take the same number. ``client_id`` makes a
resent message idempotent: the widget resends an unacknowledged message after reconnecting,
and the second copy finds the first instead of being stored (and answered) twice.

``relay`` says where a resident's message stands with the assistant: ``pending`` (not given
to it yet: Rasa was down or the turn is queued), ``in_doubt`` (sent, but no answer came:
Rasa may have it), ``delivered``, ``staff`` (went to staff instead), ``resend`` (missed in an
outage; the resident was asked to send it again). The hub catches up on the pending ones
when the assistant is back (:mod:`bot.web.catch_up`).

Staff (and trainers) need "what the model understood": ``intent`` and ``confidence`` are
filled on the resident's row once Rasa has answered, from the parse Rasa itself stored
(see :mod:`bot.web.understanding`).

The methods are blocking, as every store's are: async code runs them off the event loop
(the rule is in :mod:`bot.db.offloop`).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Float,
    Integer,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, sessionmaker

from bot.db.base import Base, UTCDateTime
from bot.db.engine import get_engine, make_session_factory, session_scope

TRANSCRIPT_TABLE = "dpa_transcript_messages"

RESIDENT, ASSISTANT, STAFF, SYSTEM = "resident", "assistant", "staff", "system"
ROLES = (RESIDENT, ASSISTANT, STAFF, SYSTEM)

# Where a resident's message stands with the assistant (the ``relay`` column).
PENDING, IN_DOUBT, DELIVERED, TO_STAFF, RESEND = (
    "pending", "in_doubt", "delivered", "staff", "resend"
)
RELAY_STATES = (PENDING, IN_DOUBT, DELIVERED, TO_STAFF, RESEND)
NOT_DELIVERED = (PENDING, IN_DOUBT)

# Column sizes, also used by the hub to trim what a browser sends.
MAX_CLIENT_ID = 64
MAX_AUTHOR = 120
MAX_PAGE = 2000
MAX_KIND = 32

# SQLite serialises writers (BEGIN IMMEDIATE). PostgreSQL runs them in parallel, so an
# append first takes a transaction-scoped advisory lock on its conversation (two-key form:
# its own key space, apart from the migrations' lock); should two writers still collide on
# the unique constraints, the loser tries again.
_APPEND_ATTEMPTS = 3
_POSTGRES_LOCK_CLASS = 727_002


class TranscriptMessageRow(Base):
    __tablename__ = TRANSCRIPT_TABLE
    __table_args__ = (
        UniqueConstraint("conversation_id", "seq", name="uq_dpa_transcript_messages_seq"),
        UniqueConstraint(
            "conversation_id", "client_id", name="uq_dpa_transcript_messages_client_id"
        ),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    conversation_id: Mapped[str] = Column(String(128), nullable=False)
    seq: Mapped[int] = Column(Integer, nullable=False)
    role: Mapped[str] = Column(String(16), nullable=False)
    # Who wrote a staff message ("Sam (Information Governance)"); what a system line is about.
    author: Mapped[str | None] = Column(String(MAX_AUTHOR))
    kind: Mapped[str | None] = Column(String(MAX_KIND))
    text: Mapped[str] = Column(Text, nullable=False)
    buttons: Mapped[list | None] = Column(JSON)
    client_id: Mapped[str | None] = Column(String(MAX_CLIENT_ID))
    intent: Mapped[str | None] = Column(String(100))
    confidence: Mapped[float | None] = Column(Float)
    page: Mapped[str | None] = Column(String(MAX_PAGE))
    relay: Mapped[str | None] = Column(String(16))
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False)

    def __repr__(self) -> str:  # no message text: reprs end up in logs
        return f"<TranscriptMessage #{self.seq} {self.role}>"


# The statements of every turn, built once and run through the table (SQLAlchemy Core)
# with their parameters: building a statement on each call (and the ORM's unit of work for
# an insert) cost more CPU than running it (docs/benchmarks.md). Core rows have the mapped
# class's attribute names, so TranscriptMessage.from_row reads either.
_TABLE = TranscriptMessageRow.__table__
_C = _TABLE.c
_MESSAGES = select(_TABLE).where(_C.conversation_id == bindparam("conversation"))
_HISTORY = _MESSAGES.order_by(_C.seq)
_BY_CLIENT_ID = _MESSAGES.where(_C.client_id == bindparam("client"))
_UNDELIVERED = _MESSAGES.where(_C.relay.in_(NOT_DELIVERED)).order_by(_C.seq)
_LAST_SEQ = select(func.max(_C.seq)).where(_C.conversation_id == bindparam("conversation"))
_INSERT = insert(_TABLE)
_SET_UNDERSTANDING = (update(_TABLE).where(_C.id == bindparam("message"))
                      .values(intent=bindparam("new_intent"),
                              confidence=bindparam("new_confidence")))
_SET_RELAY = (update(_TABLE).where(_C.id.in_(bindparam("messages", expanding=True)))
              .values(relay=bindparam("state")))


@dataclass(frozen=True)
class NewMessage:
    """A message to append; the store gives it its seq, id and time."""

    role: str
    text: str
    author: str | None = None
    kind: str | None = None
    buttons: list[dict[str, str]] | None = None
    client_id: str | None = None
    page: str | None = None
    relay: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")
        if self.relay is not None and self.relay not in RELAY_STATES:
            raise ValueError(f"unknown relay state {self.relay!r}")


@dataclass(frozen=True)
class Understanding:
    """What the model understood a resident's message as (Rasa's intent and confidence)."""

    intent: str | None
    confidence: float | None


@dataclass(frozen=True)
class TranscriptMessage:
    """A stored message (plain data, safe to hand between threads)."""

    id: int
    conversation_id: str
    seq: int
    role: str
    text: str
    created_at: datetime
    author: str | None = None
    kind: str | None = None
    buttons: list[dict[str, str]] = field(default_factory=list)
    client_id: str | None = None
    intent: str | None = None
    confidence: float | None = None
    page: str | None = None
    relay: str | None = None

    @classmethod
    def from_row(cls, row: Any) -> TranscriptMessage:
        """From a mapped row or a Core row of the table (the same attribute names)."""
        return cls(
            id=row.id, conversation_id=row.conversation_id, seq=row.seq, role=row.role,
            text=row.text, created_at=row.created_at, author=row.author, kind=row.kind,
            buttons=list(row.buttons or []), client_id=row.client_id, intent=row.intent,
            confidence=row.confidence, page=row.page, relay=row.relay,
        )


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class TranscriptStore:
    """The transcripts behind one database URL."""

    def __init__(self, sessions: sessionmaker, now: Callable[[], datetime] = _utcnow) -> None:
        self._sessions = sessions
        self._now = now

    @classmethod
    def from_url(cls, url: str) -> TranscriptStore:
        return cls(make_session_factory(get_engine(url)))

    # -- blocking API --------------------------------------------------------------------

    def append(self, conversation_id: str, message: NewMessage) -> tuple[TranscriptMessage, bool]:
        """Store ``message`` as the conversation's next one; ``(stored, created)``.

        A message whose ``client_id`` is already stored for this conversation is not stored
        again: the earlier copy comes back with ``created=False``.
        """
        for attempt in range(_APPEND_ATTEMPTS):
            try:
                with session_scope(self._sessions, write=True) as session:
                    self._lock_conversation(session, conversation_id)
                    if message.client_id is not None:
                        existing = self._by_client_id(session, conversation_id, message.client_id)
                        if existing is not None:
                            return existing, False
                    [stored] = self._insert(session, conversation_id, [message])
                    return stored, True
            except IntegrityError:
                if attempt == _APPEND_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def append_many(
        self,
        conversation_id: str,
        messages: Sequence[NewMessage],
        *,
        understanding: tuple[int, Understanding] | None = None,
        relay: tuple[Sequence[int], str] | None = None,
    ) -> list[TranscriptMessage]:
        """Store several messages (an assistant's replies) with consecutive seqs, atomically.

        ``understanding``: ``(message id, parse)`` of the resident message they answer,
        recorded in the same transaction (one write instead of two per turn: SQLite has one
        writer at a time, shared with Rasa's tracker store). ``relay``: ``(message ids,
        state)``, where the resident messages they answer now stand, in the same transaction
        (a reply is never stored without its message marked, nor the other way round).
        """
        if not messages and understanding is None and not (relay and relay[0]):
            return []
        for attempt in range(_APPEND_ATTEMPTS):
            try:
                with session_scope(self._sessions, write=True) as session:
                    self._lock_conversation(session, conversation_id)
                    stored = self._insert(session, conversation_id, messages) if messages else []
                    if understanding is not None:
                        self._set_understanding(session, *understanding)
                    if relay is not None and relay[0]:
                        self._set_relay(session, *relay)
                    return stored
            except IntegrityError:
                if attempt == _APPEND_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def history(self, conversation_id: str) -> list[TranscriptMessage]:
        """The conversation's messages in order (empty for a conversation not yet started)."""
        with session_scope(self._sessions) as session:
            rows = session.execute(_HISTORY, {"conversation": conversation_id}).all()
            return [TranscriptMessage.from_row(row) for row in rows]

    def between(
        self, conversation_id: str, after_seq: int, up_to_seq: int | None = None
    ) -> list[TranscriptMessage]:
        """The messages after ``after_seq`` up to ``up_to_seq`` (the end when None), in order:
        what another web app instance stored that this one has not sent yet."""
        with session_scope(self._sessions) as session:
            query = (
                select(_TABLE)
                .where(_TABLE.c.conversation_id == conversation_id, _TABLE.c.seq > after_seq)
                .order_by(_TABLE.c.seq)
            )
            if up_to_seq is not None:
                query = query.where(_TABLE.c.seq <= up_to_seq)
            rows = session.execute(query).all()
            return [TranscriptMessage.from_row(row) for row in rows]

    def undelivered(self, conversation_id: str) -> list[TranscriptMessage]:
        """The resident's messages the assistant has not answered yet (``pending`` or
        ``in_doubt``), in order."""
        with session_scope(self._sessions) as session:
            rows = session.execute(_UNDELIVERED, {"conversation": conversation_id}).all()
            return [TranscriptMessage.from_row(row) for row in rows]

    def set_relay(self, message_ids: Sequence[int], state: str) -> None:
        """Record where these resident messages now stand with the assistant."""
        if message_ids:
            with session_scope(self._sessions, write=True) as session:
                self._set_relay(session, message_ids, state)

    def set_understanding(
        self, message_id: int, intent: str | None, confidence: float | None
    ) -> None:
        """Record what the model understood a resident's message as."""
        with session_scope(self._sessions, write=True) as session:
            self._set_understanding(session, message_id, Understanding(intent, confidence))

    # -- helpers -------------------------------------------------------------------------

    @staticmethod
    def _by_client_id(
        session: Session, conversation_id: str, client_id: str
    ) -> TranscriptMessage | None:
        row = session.execute(
            _BY_CLIENT_ID, {"conversation": conversation_id, "client": client_id}
        ).first()
        return None if row is None else TranscriptMessage.from_row(row)

    @staticmethod
    def _set_understanding(session: Session, message_id: int, parse: Understanding) -> None:
        session.execute(_SET_UNDERSTANDING, {"message": message_id,
                                             "new_intent": _trim(parse.intent, 100),
                                             "new_confidence": parse.confidence})

    @staticmethod
    def _set_relay(session: Session, message_ids: Sequence[int], state: str) -> None:
        if state not in RELAY_STATES:
            raise ValueError(f"unknown relay state {state!r}")
        session.execute(_SET_RELAY, {"messages": list(message_ids), "state": state})

    @staticmethod
    def _lock_conversation(session: Session, conversation_id: str) -> None:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(
                text("SELECT pg_advisory_xact_lock(:class, hashtext(:conversation))"),
                {"class": _POSTGRES_LOCK_CLASS, "conversation": conversation_id},
            )

    def _insert(
        self, session: Session, conversation_id: str, messages: Sequence[NewMessage]
    ) -> list[TranscriptMessage]:
        last = session.execute(_LAST_SEQ, {"conversation": conversation_id}).scalar()
        now = self._now()
        stored = []
        for offset, message in enumerate(messages, start=1):
            values: dict[str, Any] = dict(
                conversation_id=conversation_id,
                seq=(last or 0) + offset,
                role=message.role,
                author=_trim(message.author, MAX_AUTHOR),
                kind=_trim(message.kind, MAX_KIND),
                text=message.text,
                buttons=message.buttons or None,
                client_id=message.client_id,
                page=_trim(message.page, MAX_PAGE),
                relay=message.relay,
                created_at=now,
            )
            # Core, not the ORM's unit of work: the same INSERT for a fraction of the CPU
            # (the hub writes on every turn; docs/benchmarks.md).
            [row_id] = session.execute(_INSERT, values).inserted_primary_key
            stored.append(TranscriptMessage(
                id=row_id, intent=None, confidence=None,
                **{**values, "buttons": list(values["buttons"] or [])},
            ))
        return stored


def _trim(value: str | None, limit: int) -> str | None:
    return value[:limit] if value else None


def _iso_utc(moment: datetime) -> str:
    """``2026-11-23T10:00:00.123Z``: what JavaScript's ``Date`` parses everywhere."""
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z"
    )


def message_payload(message: TranscriptMessage, *, for_staff: bool = False) -> dict[str, Any]:
    """A stored message as the chat protocol's ``Message`` (docs/chat-protocol.md).

    Residents never see what the model understood, nor the page they were on; staff do.
    """
    payload: dict[str, Any] = {
        "type": "message",
        "id": message.id,
        "seq": message.seq,
        "role": message.role,
        "author": message.author,
        "text": message.text,
        "buttons": message.buttons,
        "client_id": message.client_id,
        "at": _iso_utc(message.created_at),
    }
    if message.kind is not None:
        payload["kind"] = message.kind
    if for_staff:
        payload.update(intent=message.intent, confidence=message.confidence, page=message.page)
    return payload
