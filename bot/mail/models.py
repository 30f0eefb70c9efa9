"""The mail outbox table: one row per message, from queued to sent (or given up on).

Every email the product sends is written here first, in full (the exact plain and HTML
text), and only then delivered, so a message survives a crash or an SMTP outage, a failed
send is visible on its case, and what left the council is on record. Change this model only
together with a migration in ``bot/db/migrations/versions`` (a test compares the two).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Integer, String, Text
from sqlalchemy.orm import Mapped

from bot.db.base import Base, UTCDateTime

MAIL_OUTBOX_TABLE = "dpa_mail_outbox"

# A message's life: pending -> sending -> sent; pending again after a failed attempt (with
# back-off); failed once the attempts are used up or the server refused it for good.
PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
STATUSES = (PENDING, SENDING, SENT, FAILED)


class MailMessage(Base):
    """One email, as it was (or will be) sent."""

    __tablename__ = MAIL_OUTBOX_TABLE

    id: Mapped[int] = Column(Integer, primary_key=True)
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False)
    template: Mapped[str] = Column(String(40), nullable=False)
    case_reference: Mapped[str | None] = Column(String(16), index=True)
    actor: Mapped[str] = Column(String(100), nullable=False)
    to_address: Mapped[str] = Column(String(320), nullable=False)
    from_address: Mapped[str] = Column(String(320), nullable=False)
    subject: Mapped[str] = Column(String(300), nullable=False)
    text_body: Mapped[str] = Column(Text, nullable=False)
    html_body: Mapped[str] = Column(Text, nullable=False)
    message_id: Mapped[str] = Column(String(255), nullable=False, unique=True)
    status: Mapped[str] = Column(String(16), nullable=False, index=True)
    attempts: Mapped[int] = Column(Integer, nullable=False)
    # When the sender may next try: now when queued, later after a failure (back-off), the
    # end of the lease while one sender holds it (so a crashed sender's message is retried).
    next_attempt_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, index=True)
    last_error: Mapped[str | None] = Column(Text)
    sent_at: Mapped[datetime | None] = Column(UTCDateTime)

    def __repr__(self) -> str:  # no address or text: reprs end up in logs
        return f"<MailMessage {self.id} {self.template} {self.case_reference} {self.status}>"
