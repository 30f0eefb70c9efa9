"""The staff console's tables: accounts, server-side sessions and the access log.

Case *changes* are audited in ``dpa_case_events`` (the case store's own trail); the access
log records who *looked* at personal data (a case, a transcript, an export) and account
events (logins, lockouts, accounts created), one row each, only ever added.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped

from bot.db.base import Base, UTCDateTime

USERS_TABLE = "dpa_staff_users"
SESSIONS_TABLE = "dpa_staff_sessions"
ACCESS_LOG_TABLE = "dpa_staff_access_log"

STAFF, ADMIN, TRAINER = "staff", "admin", "trainer"
ROLES = (STAFF, ADMIN, TRAINER)


class StaffUser(Base):
    __tablename__ = USERS_TABLE

    id: Mapped[int] = Column(Integer, primary_key=True)
    username: Mapped[str] = Column(String(80), nullable=False, unique=True)
    display_name: Mapped[str] = Column(String(120), nullable=False)
    role: Mapped[str] = Column(String(16), nullable=False)
    password_hash: Mapped[str] = Column(String(255), nullable=False)
    active: Mapped[bool] = Column(Boolean, nullable=False)
    failed_logins: Mapped[int] = Column(Integer, nullable=False)
    locked_until: Mapped[datetime | None] = Column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = Column(UTCDateTime)
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False)

    def __repr__(self) -> str:
        return f"<StaffUser {self.username} {self.role}>"


class StaffSession(Base):
    """A signed-in browser. Only a keyed hash of the cookie's token is stored."""

    __tablename__ = SESSIONS_TABLE

    id: Mapped[int] = Column(Integer, primary_key=True)
    token_hash: Mapped[str] = Column(String(64), nullable=False, unique=True)
    user_id: Mapped[int] = Column(
        Integer, ForeignKey(f"{USERS_TABLE}.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False)
    last_seen_at: Mapped[datetime] = Column(UTCDateTime, nullable=False)
    expires_at: Mapped[datetime] = Column(UTCDateTime, nullable=False)


class AccessLogEntry(Base):
    __tablename__ = ACCESS_LOG_TABLE

    id: Mapped[int] = Column(Integer, primary_key=True)
    at: Mapped[datetime] = Column(UTCDateTime, nullable=False, index=True)
    username: Mapped[str] = Column(String(80), nullable=False)
    action: Mapped[str] = Column(String(40), nullable=False)
    target: Mapped[str | None] = Column(String(120), index=True)
    detail: Mapped[str | None] = Column(Text)
