"""Staff accounts: argon2id password hashes, roles, and lockout after failed logins.

Hashing costs tens of milliseconds of CPU on purpose: callers in the web app run
:func:`hash_password` and :func:`verify_password` in a worker thread, and the database
methods on the database thread. The login check is split in two (``load_for_login`` then
``record_login``) so the hashing does not hold the database thread.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from bot.db.engine import session_scope
from bot.staff.models import ROLES, StaffUser

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,79}")
MIN_PASSWORD_LENGTH = 12

# argon2-cffi's defaults (argon2id, RFC 9106 "low memory" profile).
_hasher = PasswordHasher()
# Verified against when the username is unknown, so a miss costs the same time as a hit.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


class AccountError(ValueError):
    """An account cannot be created or changed as asked; the message is for the admin."""


@dataclass(frozen=True)
class StaffAccount:
    """An account as the console sees it (never the password hash)."""

    id: int
    username: str
    display_name: str
    role: str
    active: bool
    failed_logins: int
    locked_until: datetime | None
    last_login_at: datetime | None
    created_at: datetime

    @classmethod
    def from_model(cls, row: StaffUser) -> StaffAccount:
        return cls(row.id, row.username, row.display_name, row.role, row.active,
                   row.failed_logins, row.locked_until, row.last_login_at, row.created_at)

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


@dataclass(frozen=True)
class LoginCandidate:
    """What the login check needs: the hash to verify against, and whether to even try."""

    account: StaffAccount | None
    password_hash: str


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > 1024:
        raise AccountError("the password is too long")


def check_username(username: str) -> str:
    username = username.strip().lower()
    if not USERNAME.fullmatch(username):
        raise AccountError(
            "a username is 2-80 characters: lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return username


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"the role must be one of {', '.join(ROLES)}")
    return role


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class AccountStore:
    """Staff accounts in the database (blocking calls)."""

    def __init__(
        self,
        sessions: sessionmaker,
        *,
        max_failures: int = 5,
        lockout: timedelta = timedelta(minutes=15),
        now: Callable[[], datetime] = _utcnow,
    ) -> None:
        self._sessions = sessions
        self.max_failures = max_failures
        self.lockout = lockout
        self._now = now

    def create(
        self, username: str, password_hash: str, *, role: str = "staff",
        display_name: str | None = None,
    ) -> StaffAccount:
        username = check_username(username)
        role = check_role(role)
        display_name = (display_name or username).strip()[:120] or username
        try:
            with session_scope(self._sessions, write=True) as session:
                row = StaffUser(
                    username=username, display_name=display_name, role=role,
                    password_hash=password_hash, active=True, failed_logins=0,
                    created_at=self._now(),
                )
                session.add(row)
                session.flush()
                return StaffAccount.from_model(row)
        except IntegrityError:
            raise AccountError(f"there is already an account called {username!r}") from None

    def set_password(self, username: str, password_hash: str) -> StaffAccount:
        with session_scope(self._sessions, write=True) as session:
            row = self._row(session, username)
            row.password_hash = password_hash
            row.failed_logins = 0
            row.locked_until = None
            return StaffAccount.from_model(row)

    def set_active(self, username: str, active: bool) -> StaffAccount:
        with session_scope(self._sessions, write=True) as session:
            row = self._row(session, username)
            row.active = active
            return StaffAccount.from_model(row)

    def unlock(self, username: str) -> StaffAccount:
        with session_scope(self._sessions, write=True) as session:
            row = self._row(session, username)
            row.failed_logins = 0
            row.locked_until = None
            return StaffAccount.from_model(row)

    def get(self, username: str) -> StaffAccount | None:
        with session_scope(self._sessions) as session:
            row = session.scalars(
                select(StaffUser).where(StaffUser.username == username.strip().lower())
            ).first()
            return StaffAccount.from_model(row) if row is not None else None

    def get_by_id(self, user_id: int) -> StaffAccount | None:
        with session_scope(self._sessions) as session:
            row = session.get(StaffUser, user_id)
            return StaffAccount.from_model(row) if row is not None else None

    def all(self) -> list[StaffAccount]:
        with session_scope(self._sessions) as session:
            rows = session.scalars(select(StaffUser).order_by(StaffUser.username)).all()
            return [StaffAccount.from_model(row) for row in rows]

    def count(self) -> int:
        return len(self.all())

    # -- logging in (two steps around the hashing) -------------------------------------

    def load_for_login(self, username: str) -> LoginCandidate:
        """The account and its hash; the dummy hash for an unknown username."""
        with session_scope(self._sessions) as session:
            row = session.scalars(
                select(StaffUser).where(StaffUser.username == username.strip().lower()[:80])
            ).first()
            if row is None:
                return LoginCandidate(None, _DUMMY_HASH)
            return LoginCandidate(StaffAccount.from_model(row), row.password_hash)

    def record_login(self, user_id: int, success: bool) -> StaffAccount:
        """Count a failure (locking the account after too many) or reset on success."""
        now = self._now()
        with session_scope(self._sessions, write=True) as session:
            row = session.get(StaffUser, user_id)
            if success:
                row.failed_logins = 0
                row.locked_until = None
                row.last_login_at = now
            else:
                row.failed_logins += 1
                if row.failed_logins >= self.max_failures:
                    row.locked_until = now + self.lockout
                    row.failed_logins = 0
            return StaffAccount.from_model(row)

    @staticmethod
    def _row(session, username: str) -> StaffUser:
        row = session.scalars(
            select(StaffUser).where(StaffUser.username == username.strip().lower())
        ).first()
        if row is None:
            raise AccountError(f"there is no account called {username!r}")
        return row
