"""The case tables: one row per rights request, and its audit trail of events.

Table names carry a ``dpa_`` prefix because the cases share a database with Rasa's tracker
store (whose table is called ``events``). The clock columns of ``dpa_cases`` (status, dates,
extension) are a cache of what :func:`bot.rules.clock.compute_clock` derives from the case's events;
they exist so that staff can filter and sort in SQL, and only the repository writes them,
always from a fresh replay of the events. Change these models only together with a migration
in ``bot/db/migrations/versions`` (a test compares the two).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    false,
    orm,
)
from sqlalchemy.orm import Mapped

from bot.db.base import Base, UTCDateTime

CASES_TABLE = "dpa_cases"
CASE_EVENTS_TABLE = "dpa_case_events"

class Case(Base):
    """A rights request a resident made, with what the council needs to answer it."""

    __tablename__ = CASES_TABLE

    id: Mapped[int] = Column(Integer, primary_key=True)
    reference: Mapped[str] = Column(String(16), nullable=False, unique=True)
    request_type: Mapped[str] = Column(String(40), nullable=False, index=True)
    nation: Mapped[str] = Column(String(32), nullable=False)
    conversation_id: Mapped[str | None] = Column(String(128), index=True)
    received_at: Mapped[datetime] = Column(UTCDateTime, nullable=False)
    received_on: Mapped[date] = Column(Date, nullable=False)
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False)
    updated_at: Mapped[datetime] = Column(UTCDateTime, nullable=False)

    # What the clock waits for (bot.rules.clock.Requirements).
    requires_id: Mapped[bool] = Column(Boolean, nullable=False)
    requires_authority: Mapped[bool] = Column(Boolean, nullable=False)
    # Proof of address recorded apart from proof of identity (false for older cases, whose
    # one "ID received" stood for both).
    requires_address: Mapped[bool] = Column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    # The member of staff working the case (a staff username), None while unassigned.
    assigned_to: Mapped[str | None] = Column(String(100), index=True)

    # The requester.
    full_name: Mapped[str] = Column(String(200), nullable=False)
    previous_names: Mapped[str | None] = Column(Text)
    date_of_birth: Mapped[date | None] = Column(Date)
    address: Mapped[str | None] = Column(Text)
    postcode: Mapped[str | None] = Column(String(16))
    previous_addresses: Mapped[str | None] = Column(Text)
    email: Mapped[str | None] = Column(String(320))
    phone: Mapped[str | None] = Column(String(40))

    # Someone asking for another person (a child, a relative, a client).
    on_behalf: Mapped[bool] = Column(Boolean, nullable=False)
    subject_name: Mapped[str | None] = Column(String(200))
    relationship: Mapped[str | None] = Column(String(60))
    authority: Mapped[str | None] = Column(String(60))

    # The request itself.
    details: Mapped[str | None] = Column(Text)
    answers: Mapped[dict] = Column(JSON, nullable=False)
    period: Mapped[str | None] = Column(Text)
    services: Mapped[str | None] = Column(Text)
    response_format: Mapped[str | None] = Column(String(20))
    id_document: Mapped[str | None] = Column(String(100))
    address_document: Mapped[str | None] = Column(String(100))

    # Cache of bot.rules.clock.compute_clock over the events (see the module docstring).
    status: Mapped[str] = Column(String(32), nullable=False, index=True)
    clock_started_on: Mapped[date | None] = Column(Date)
    due_on: Mapped[date | None] = Column(Date, index=True)
    extended: Mapped[bool] = Column(Boolean, nullable=False)
    extension_reason: Mapped[str | None] = Column(Text)
    extension_notice_by: Mapped[date | None] = Column(Date)
    paused_days: Mapped[int] = Column(Integer, nullable=False)
    waiting_for: Mapped[str] = Column(String(100), nullable=False)  # e.g. "id,authority"
    closed_on: Mapped[date | None] = Column(Date)

    events: Mapped[list[CaseEvent]] = orm.relationship(
        "CaseEvent",
        back_populates="case",
        order_by="CaseEvent.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __repr__(self) -> str:  # no personal data: reprs end up in logs and tracebacks
        return f"<Case {self.reference} {self.request_type} {self.status}>"


class CaseEvent(Base):
    """One entry in a case's history: a clock event or an audit entry, with who and why.

    Rows are only ever added. ``on`` is the council's local date a clock event took effect
    (it may be earlier than ``at``, when staff record ID that arrived yesterday); ``at`` is
    when the row was written.
    """

    __tablename__ = CASE_EVENTS_TABLE

    id: Mapped[int] = Column(Integer, primary_key=True)
    case_id: Mapped[int] = Column(
        Integer, ForeignKey(f"{CASES_TABLE}.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[str] = Column(String(40), nullable=False)
    on: Mapped[date | None] = Column("on_date", Date)
    at: Mapped[datetime] = Column(UTCDateTime, nullable=False)
    actor: Mapped[str] = Column(String(100), nullable=False)
    reason: Mapped[str | None] = Column(Text)
    data: Mapped[dict | None] = Column(JSON)

    case: Mapped[Case] = orm.relationship(Case, back_populates="events")

    def __repr__(self) -> str:
        return f"<CaseEvent {self.kind} on={self.on} by={self.actor}>"
