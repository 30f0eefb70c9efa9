"""The durable mail outbox: queue a message, claim what is due, record how each attempt went.

Why a table rather than files: the outbox is part of the case record (staff see on the case
page whether the resident's email went and, if not, why), it lives wherever the cases live
(SQLite or PostgreSQL, shared by every process and every machine), and claiming a message
is one conditional UPDATE, so two senders never both send it.

Delivery is exactly once in normal running: a message is claimed by one sender (its status
becomes ``sending`` with a lease), sent, then marked ``sent`` and never claimed again. If a
sender dies between the SMTP server accepting the message and the ``sent`` mark, the lease
runs out and the message is sent again (at least once, never lost); it keeps its
Message-ID, so the duplicate is recognisable.

Blocking code (a session per unit of work); async callers run it off the event loop.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, or_, select, update
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import get_engine, make_session_factory, session_scope
from bot.mail.models import FAILED, PENDING, SENDING, SENT, MailMessage

# A sender holds a claimed message this long; past it, another sender may try again.
LEASE = timedelta(minutes=5)
# Back-off between attempts doubles from the base (MAIL_RETRY_SECONDS) up to this.
MAX_BACKOFF = timedelta(hours=6)
ERROR_CHARS = 1000


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Draft:
    """A rendered message, ready to queue."""

    template: str
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class MailRecord:
    """One outbox row, for callers outside a session (the case page, the sender, the CLI)."""

    id: int
    created_at: datetime
    template: str
    case_reference: str | None
    actor: str
    to_address: str
    from_address: str
    subject: str
    text_body: str
    html_body: str
    message_id: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    sent_at: datetime | None

    @property
    def failed(self) -> bool:
        """Given up on: staff must act (check the address, or send it again)."""
        return self.status == FAILED

    @classmethod
    def from_model(cls, row: MailMessage) -> MailRecord:
        return cls(**{name: getattr(row, name) for name in cls.__dataclass_fields__})


class MailOutbox:
    """The outbox behind one database (a sessionmaker; no session kept open)."""

    def __init__(
        self,
        session_factory: sessionmaker,
        *,
        max_attempts: int = 8,
        retry_seconds: float = 60.0,
        now: Callable[[], datetime] = _utcnow,
    ) -> None:
        self._sessions = session_factory
        self.max_attempts = max_attempts
        self.retry_seconds = retry_seconds
        self._now = now

    @classmethod
    def from_url(
        cls, url: str | URL, *, max_attempts: int = 8, retry_seconds: float = 60.0
    ) -> MailOutbox:
        """An outbox on the shared, cached engine for ``url`` (schema must be upgraded)."""
        return cls(make_session_factory(get_engine(url)), max_attempts=max_attempts,
                   retry_seconds=retry_seconds)

    def enqueue(
        self,
        draft: Draft,
        *,
        to_address: str,
        from_address: str,
        actor: str,
        case_reference: str | None = None,
    ) -> MailRecord:
        """Store a message to send; it is due at once. Returns its record."""
        now = self._now()
        domain = from_address.rpartition("@")[2] or "localhost"
        row = MailMessage(
            created_at=now,
            template=draft.template,
            case_reference=case_reference,
            actor=actor,
            to_address=to_address,
            from_address=from_address,
            subject=draft.subject,
            text_body=draft.text,
            html_body=draft.html,
            message_id=f"<{now:%Y%m%d%H%M%S}.{secrets.token_hex(8)}@{domain}>",
            status=PENDING,
            attempts=0,
            next_attempt_at=now,
        )
        with session_scope(self._sessions, write=True) as session:
            session.add(row)
            session.flush()
            return MailRecord.from_model(row)

    def claim_due(self, limit: int = 20) -> list[MailRecord]:
        """Messages due now, each now held by this caller for LEASE (nobody else gets them)."""
        now = self._now()
        due = or_(MailMessage.status == PENDING, MailMessage.status == SENDING)
        with session_scope(self._sessions) as session:
            ids = list(session.scalars(
                select(MailMessage.id)
                .where(due, MailMessage.next_attempt_at <= now)
                .order_by(MailMessage.next_attempt_at, MailMessage.id)
                .limit(limit)
            ))
        claimed: list[MailRecord] = []
        for message_id in ids:
            with session_scope(self._sessions, write=True) as session:
                result = session.execute(
                    update(MailMessage)
                    .where(MailMessage.id == message_id, due, MailMessage.next_attempt_at <= now)
                    .values(status=SENDING, next_attempt_at=now + LEASE)
                    .execution_options(synchronize_session=False)
                )
                if result.rowcount == 1:
                    row = session.get(MailMessage, message_id)
                    assert row is not None
                    claimed.append(MailRecord.from_model(row))
        return claimed

    def mark_sent(self, message_id: int) -> MailRecord:
        with session_scope(self._sessions, write=True) as session:
            row = self._load(session, message_id)
            row.status = SENT
            row.attempts += 1
            row.sent_at = self._now()
            row.last_error = None
            return MailRecord.from_model(row)

    def mark_failed(self, message_id: int, error: str, *, permanent: bool = False) -> MailRecord:
        """Record a failed attempt: try again later (doubling back-off), or give up."""
        with session_scope(self._sessions, write=True) as session:
            row = self._load(session, message_id)
            row.attempts += 1
            row.last_error = error[:ERROR_CHARS]
            if permanent or row.attempts >= self.max_attempts:
                row.status = FAILED
            else:
                row.status = PENDING
                row.next_attempt_at = self._now() + self.backoff(row.attempts)
            return MailRecord.from_model(row)

    def backoff(self, attempts: int) -> timedelta:
        """How long to wait after the ``attempts``-th failure: base, 2x base, 4x base, ..."""
        delay = timedelta(seconds=self.retry_seconds * 2 ** max(attempts - 1, 0))
        return min(delay, MAX_BACKOFF)

    def retry(self, message_id: int) -> MailRecord:
        """Send a failed message again now (staff, after correcting the cause)."""
        with session_scope(self._sessions, write=True) as session:
            row = self._load(session, message_id)
            if row.status == FAILED:
                row.status = PENDING
                row.attempts = 0
                row.next_attempt_at = self._now()
            return MailRecord.from_model(row)

    def readdress(self, message_id: int, to_address: str) -> MailRecord:
        """Point a message not yet sent at a corrected address (the case's, as staff fixed it)."""
        with session_scope(self._sessions, write=True) as session:
            row = self._load(session, message_id)
            if row.status != SENT:
                row.to_address = to_address
            return MailRecord.from_model(row)

    def purge(self, before: datetime, *, dry_run: bool = False) -> int:
        """Delete messages sent or given up on before ``before`` (``dpa purge``, the
        retention period MAIL_RETENTION_DAYS); messages still waiting are kept."""
        done = or_(MailMessage.status == SENT, MailMessage.status == FAILED)
        with session_scope(self._sessions, write=not dry_run) as session:
            ids = list(session.scalars(
                select(MailMessage.id).where(done, MailMessage.created_at < before)))
            if ids and not dry_run:
                session.execute(delete(MailMessage).where(MailMessage.id.in_(ids))
                                .execution_options(synchronize_session=False))
            return len(ids)

    def get(self, message_id: int) -> MailRecord:
        with session_scope(self._sessions) as session:
            return MailRecord.from_model(self._load(session, message_id))

    def for_case(self, reference: str) -> list[MailRecord]:
        """Every message about a case, oldest first: what the case page shows."""
        query = (select(MailMessage).where(MailMessage.case_reference == reference)
                 .order_by(MailMessage.created_at, MailMessage.id))
        with session_scope(self._sessions) as session:
            return [MailRecord.from_model(row) for row in session.scalars(query)]

    def not_sent(self) -> list[MailRecord]:
        """Messages still waiting or given up on (``dpa mail send`` reports them)."""
        query = (select(MailMessage).where(MailMessage.status != SENT)
                 .order_by(MailMessage.created_at, MailMessage.id))
        with session_scope(self._sessions) as session:
            return [MailRecord.from_model(row) for row in session.scalars(query)]

    @staticmethod
    def _load(session: Session, message_id: int) -> MailMessage:
        row = session.get(MailMessage, message_id)
        if row is None:
            raise LookupError(f"no mail message {message_id}")
        return row
