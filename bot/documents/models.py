"""The case documents table: one row per file a resident sent in the chat.

The file itself is kept only encrypted (``ciphertext``, Fernet: AES-128-CBC with an HMAC),
never in the tracker store, the transcript or a log. The row outlives the file: once the
retention period after the case closed has passed, ``ciphertext`` is emptied and
``deleted_at`` set, and what staff decided stays on the case record. Change this model only
together with a migration in ``bot/db/migrations/versions``.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped

from bot.db.base import Base, UTCDateTime

CASE_DOCUMENTS_TABLE = "dpa_case_documents"

# What a document is for: the clock event accepting it records.
PURPOSES = {"id": "id_received", "address": "address_received",
            "authority": "authority_received"}
# A document's life: received -> accepted or rejected (by staff).
RECEIVED, ACCEPTED, REJECTED = "received", "accepted", "rejected"


class CaseDocument(Base):
    """One uploaded file and what staff made of it."""

    __tablename__ = CASE_DOCUMENTS_TABLE

    id: Mapped[int] = Column(Integer, primary_key=True)
    case_reference: Mapped[str] = Column(String(16), nullable=False, index=True)
    purpose: Mapped[str] = Column(String(16), nullable=False)
    received_at: Mapped[datetime] = Column(UTCDateTime, nullable=False)
    # The council's day it arrived (Europe/London): the clock starts then if accepted.
    received_on: Mapped[date] = Column(Date, nullable=False)
    content_type: Mapped[str] = Column(String(40), nullable=False)
    size: Mapped[int] = Column(Integer, nullable=False)
    sha256: Mapped[str] = Column(String(64), nullable=False)
    ciphertext: Mapped[bytes | None] = Column(LargeBinary)
    status: Mapped[str] = Column(String(16), nullable=False, index=True)
    decided_by: Mapped[str | None] = Column(String(100))
    decided_at: Mapped[datetime | None] = Column(UTCDateTime)
    decision_reason: Mapped[str | None] = Column(Text)
    deleted_at: Mapped[datetime | None] = Column(UTCDateTime)

    def __repr__(self) -> str:  # no content: reprs end up in logs
        return f"<CaseDocument {self.id} {self.case_reference} {self.purpose} {self.status}>"
