"""The document store: files residents sent, encrypted, and what staff decided about them.

Blocking code (a session per unit of work); async callers run it off the event loop. The
plain bytes exist only in memory: on the way in (encrypted before the row is written) and
on the way out to a signed-in member of staff (``open``, which the caller audits).
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.cases.models import Case
from bot.db.engine import get_engine, make_session_factory, session_scope
from bot.documents.crypto import DocumentCipher
from bot.documents.models import ACCEPTED, PURPOSES, RECEIVED, REJECTED, CaseDocument
from bot.rules.deadlines import received_on

PURPOSE_LABELS = {"id": "Proof of identity", "address": "Proof of address",
                  "authority": "Evidence of authority"}
MAX_REASON = 2000


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class DocumentNotFound(LookupError):
    """No such document on that case (or its file was deleted after the retention period)."""


class DocumentAlreadyDecided(ValueError):
    """Staff already accepted or rejected it."""


@dataclass(frozen=True)
class DocumentRecord:
    """A document without its content (the case page, the widget, the log)."""

    id: int
    case_reference: str
    purpose: str
    received_at: datetime
    received_on: date
    content_type: str
    size: int
    sha256: str
    status: str
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None
    deleted_at: datetime | None

    @property
    def label(self) -> str:
        return PURPOSE_LABELS.get(self.purpose, self.purpose)

    @property
    def event_kind(self) -> str:
        """The clock event accepting it records (``id_received``, ...)."""
        return PURPOSES[self.purpose]

    @classmethod
    def from_model(cls, row: CaseDocument) -> DocumentRecord:
        return cls(**{name: getattr(row, name) for name in cls.__dataclass_fields__})


def awaited_purposes(waiting_for: tuple[str, ...] | list[str]) -> list[str]:
    """Which documents a case still waits for, as upload purposes (``id``, ``address``, ...)."""
    return [purpose for purpose in PURPOSES if purpose in waiting_for]


class DocumentStore:
    def __init__(self, session_factory: sessionmaker, cipher: DocumentCipher, *,
                 now: Callable[[], datetime] = _utcnow) -> None:
        self._sessions = session_factory
        self._cipher = cipher
        self._now = now

    @classmethod
    def from_url(cls, url: str, cipher: DocumentCipher) -> DocumentStore:
        """A store on the shared, cached engine for ``url`` (schema must be upgraded)."""
        return cls(make_session_factory(get_engine(url)), cipher)

    def save(self, reference: str, purpose: str, data: bytes, content_type: str) -> DocumentRecord:
        """Encrypt and store a checked file (bot.documents.checks) against a case."""
        if purpose not in PURPOSES:
            raise ValueError(f"unknown document purpose {purpose!r}")
        now = self._now()
        row = CaseDocument(
            case_reference=reference, purpose=purpose, received_at=now,
            received_on=received_on(now), content_type=content_type, size=len(data),
            sha256=hashlib.sha256(data).hexdigest(), ciphertext=self._cipher.encrypt(data),
            status=RECEIVED,
        )
        with session_scope(self._sessions, write=True) as session:
            session.add(row)
            session.flush()
            return DocumentRecord.from_model(row)

    def count_for_case(self, reference: str) -> int:
        with session_scope(self._sessions) as session:
            return int(session.scalar(select(func.count(CaseDocument.id))
                                      .where(CaseDocument.case_reference == reference)) or 0)

    def for_case(self, reference: str) -> list[DocumentRecord]:
        query = (select(CaseDocument).where(CaseDocument.case_reference == reference)
                 .order_by(CaseDocument.received_at, CaseDocument.id))
        with session_scope(self._sessions) as session:
            return [DocumentRecord.from_model(row) for row in session.scalars(query)]

    def get(self, reference: str, document_id: int) -> DocumentRecord:
        with session_scope(self._sessions) as session:
            return DocumentRecord.from_model(self._load(session, reference, document_id))

    def open(self, reference: str, document_id: int) -> tuple[DocumentRecord, bytes]:
        """The document and its plain bytes (for a signed-in member of staff; audit it)."""
        with session_scope(self._sessions) as session:
            row = self._load(session, reference, document_id)
            if row.ciphertext is None:
                raise DocumentNotFound("the file was deleted after the retention period")
            return DocumentRecord.from_model(row), self._cipher.decrypt(row.ciphertext)

    def decide(self, reference: str, document_id: int, *, accepted: bool, actor: str,
               reason: str | None) -> DocumentRecord:
        """Record staff's decision (once). The caller records the clock event on accepting."""
        with session_scope(self._sessions, write=True) as session:
            row = self._load(session, reference, document_id)
            if row.status != RECEIVED:
                raise DocumentAlreadyDecided(f"this document was already {row.status}")
            row.status = ACCEPTED if accepted else REJECTED
            row.decided_by = actor
            row.decided_at = self._now()
            row.decision_reason = (reason or "").strip()[:MAX_REASON] or None
            return DocumentRecord.from_model(row)

    def purge_closed(self, today: date, days: int, *, dry_run: bool = False) -> int:
        """Delete the files of cases closed ``days`` or more days before ``today`` (the
        decision stays on the record). Returns how many files were (or would be) deleted."""
        cutoff = today - timedelta(days=days)
        closed = select(Case.reference).where(Case.closed_on.is_not(None),
                                              Case.closed_on <= cutoff)
        query = select(CaseDocument).where(CaseDocument.ciphertext.is_not(None),
                                           CaseDocument.case_reference.in_(closed))
        # Read first: the hourly sweep takes SQLite's write lock only when there is work.
        with session_scope(self._sessions) as session:
            ids = list(session.scalars(query.with_only_columns(CaseDocument.id)))
        if dry_run or not ids:
            return len(ids)
        with session_scope(self._sessions, write=True) as session:
            now = self._now()
            for row in session.scalars(query.where(CaseDocument.id.in_(ids))):
                row.ciphertext = None
                row.deleted_at = now
        return len(ids)

    @staticmethod
    def _load(session: Session, reference: str, document_id: int) -> CaseDocument:
        row = session.get(CaseDocument, document_id)
        if row is None or row.case_reference != reference:
            raise DocumentNotFound(f"no document {document_id} on case {reference}")
        return row
