"""Server-side sessions for staff: a random token in an HttpOnly cookie, its keyed hash stored.

Server-side rather than a signed cookie so that logging out, disabling an account or an
admin's reset ends the session at once, everywhere. The cookie holds 32 random bytes; the
database holds HMAC-SHA256(session secret, token), so a copy of the database alone cannot
be replayed as a cookie. Sessions end after ``idle`` without a request, and after ``maximum``
whatever happens (a working day).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select
from sqlalchemy.orm import sessionmaker

from bot.db.engine import session_scope
from bot.staff.auth.accounts import StaffAccount
from bot.staff.models import StaffSession, StaffUser

# Touch last_seen_at at most this often (a write per request would cost SQLite's one writer).
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class SignedIn:
    """Who a request comes from: the account and the session's token (for the CSRF token)."""

    account: StaffAccount
    token: str
    expires_at: datetime


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class SessionStore:
    def __init__(
        self,
        sessions: sessionmaker,
        secret: str,
        *,
        idle: timedelta = timedelta(minutes=30),
        maximum: timedelta = timedelta(hours=10),
        now: Callable[[], datetime] = _utcnow,
    ) -> None:
        self._sessions = sessions
        self._key = hashlib.sha256(("staff-session:" + secret).encode()).digest()
        self.idle = idle
        self.maximum = maximum
        self._now = now

    def _hash(self, token: str) -> str:
        return hmac.new(self._key, token.encode(), hashlib.sha256).hexdigest()

    def start(self, user_id: int) -> str:
        """A new session for the user; the token goes in the cookie, never in a log."""
        token = secrets.token_urlsafe(32)
        now = self._now()
        with session_scope(self._sessions, write=True) as session:
            # Tidy: expired sessions are of no use to anyone.
            session.execute(delete(StaffSession).where(StaffSession.expires_at < now))
            session.add(StaffSession(
                token_hash=self._hash(token), user_id=user_id, created_at=now,
                last_seen_at=now, expires_at=now + self.maximum,
            ))
        return token

    def resolve(self, token: str) -> SignedIn | None:
        """The signed-in account for a cookie's token, or None (unknown, expired, disabled)."""
        if not token or len(token) > 100:
            return None
        now = self._now()
        with session_scope(self._sessions) as session:
            row = session.execute(
                select(StaffSession, StaffUser)
                .join(StaffUser, StaffUser.id == StaffSession.user_id)
                .where(StaffSession.token_hash == self._hash(token))
            ).first()
            if row is None:
                return None
            stored, user = row
            idle_until = stored.last_seen_at + self.idle
            if not user.active or stored.expires_at <= now or idle_until <= now:
                return None
            account = StaffAccount.from_model(user)
            stale = now - stored.last_seen_at >= TOUCH_EVERY
            session_id = stored.id
            expires = min(stored.expires_at, stored.last_seen_at + self.idle)
        if stale:
            with session_scope(self._sessions, write=True) as session:
                row = session.get(StaffSession, session_id)
                if row is not None:
                    row.last_seen_at = now
            expires = min(stored.expires_at, now + self.idle)
        return SignedIn(account, token, expires)

    def end(self, token: str) -> None:
        with session_scope(self._sessions, write=True) as session:
            session.execute(
                delete(StaffSession).where(StaffSession.token_hash == self._hash(token))
            )

    def end_all_for(self, user_id: int) -> None:
        with session_scope(self._sessions, write=True) as session:
            session.execute(delete(StaffSession).where(StaffSession.user_id == user_id))
