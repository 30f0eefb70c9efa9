"""How many times a case's status may be guessed at: failed checks per reference and per address.

A status check needs a case reference and the resident's email or date of birth. Without a
limit, dates of birth can be tried one after another until the status appears. So every
check is counted as failed *before* the comparison and forgiven only if the answer was
right, and once a reference (or a client address) has ``max_failures`` failed checks in the
window, the next check is refused without comparing anything: even the right answer then
gets the "too many attempts" reply. A reference that matches no case is counted the same
way, so the refusal does not tell a guesser which references exist.

Nothing here can be read back as personal data or as a guess: a row holds a keyed hash
(HMAC-SHA256 with ``STATUS_CHECK_SECRET``) of the normalised reference or of the client
address tag, a time and whether the check was refused. The guessed email or date of birth
is never stored.

The client address reaches the action server from the hub in the message's metadata
(Rasa's REST channel stores the request's ``metadata`` on the user event) as a signed tag
(:func:`client_tag`), so a caller that talks to Rasa directly cannot make up a fresh address
per guess: a missing or forged tag counts under one shared "unknown" bucket with its own
limit. The calls block on the database: run them off the event loop.
"""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import Boolean, Column, Integer, String, delete, func, select
from sqlalchemy.orm import Mapped, Session, sessionmaker

from bot.config import Settings
from bot.db.base import Base, UTCDateTime
from bot.db.engine import get_engine, make_session_factory, session_scope
from bot.rules.references import normalise_reference

STATUS_CHECKS_TABLE = "dpa_status_check_attempts"
# Where the hub puts the client's signed tag in the REST channel's metadata.
CLIENT_TAG_KEY = "dpa_client"
REFERENCE, ADDRESS, UNKNOWN_ADDRESS = "reference", "address", "unknown"
_TAG_HASH_CHARS = 32
_TAG_MAC_CHARS = 16


class StatusCheckAttempt(Base):
    """One status check counted against one key (a reference or a client address)."""

    __tablename__ = STATUS_CHECKS_TABLE

    id: Mapped[int] = Column(Integer, primary_key=True)
    at: Mapped[datetime] = Column(UTCDateTime, nullable=False, index=True)
    scope: Mapped[str] = Column(String(16), nullable=False)
    key_hash: Mapped[str] = Column(String(64), nullable=False, index=True)
    refused: Mapped[bool] = Column(Boolean, nullable=False)


# -- keys ----------------------------------------------------------------------------------------


def _mac(secret: str, purpose: str, value: str) -> str:
    return hmac.new(secret.encode("utf-8"), f"{purpose}:{value}".encode(),
                    hashlib.sha256).hexdigest()


def client_tag(secret: str, address: str) -> str:
    """What the hub sends for a client address: a keyed hash of it, and a signature over that."""
    hashed = _mac(secret, "client-address", address)[:_TAG_HASH_CHARS]
    return f"{hashed}.{_mac(secret, 'client-tag', hashed)[:_TAG_MAC_CHARS]}"


def read_client_tag(secret: str, tag: object) -> str | None:
    """The address hash in a tag the hub signed; None for a missing or forged tag."""
    if not isinstance(tag, str) or tag.count(".") != 1:
        return None
    hashed, mac = tag.split(".")
    if len(hashed) != _TAG_HASH_CHARS:
        return None
    expected = _mac(secret, "client-tag", hashed)[:_TAG_MAC_CHARS]
    return hashed if hmac.compare_digest(mac.encode(), expected.encode()) else None


# -- the limits ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """Failed checks allowed in ``window`` per reference, per address and for unknown addresses."""

    per_reference: int = 5
    per_address: int = 20
    unknown_address: int = 20
    window: timedelta = timedelta(hours=24)


@dataclass(frozen=True)
class Decision:
    """Whether a check may go ahead; when refused, which limits and whether newly so."""

    allowed: bool
    counted: tuple[int, ...] = ()  # rows to forgive if the answer turns out right
    reference_locked: bool = False
    address_locked: bool = False
    # The first refusal in the window for that key: the moment staff should hear of it.
    newly_locked_reference: bool = False
    newly_locked_address: bool = False


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class StatusCheckLimits:
    """The failed-check counts behind one database (a sessionmaker; no session kept open)."""

    def __init__(
        self,
        sessions: sessionmaker,
        secret: str,
        limits: Limits = Limits(),
        now: Callable[[], datetime] = _utcnow,
    ) -> None:
        if not secret:
            raise ValueError("the status check limits need a secret (STATUS_CHECK_SECRET)")
        self._sessions = sessions
        self._secret = secret
        self.limits = limits
        self._now = now

    @classmethod
    def from_settings(
        cls, settings: Settings, now: Callable[[], datetime] = _utcnow
    ) -> StatusCheckLimits:
        """The limits this process is configured for (``STATUS_CHECK_*``, DATABASE_URL)."""
        limits = Limits(
            per_reference=settings.status_check_max_failures,
            per_address=settings.status_check_max_failures_per_address,
            unknown_address=settings.status_check_max_failures_unknown_address,
            window=timedelta(hours=settings.status_check_window_hours),
        )
        sessions = make_session_factory(get_engine(settings.database_url))
        return cls(sessions, settings.status_check_secret, limits, now)

    def begin(self, reference: str, client: str | None) -> Decision:
        """Count a check before comparing anything, or refuse it if a limit is reached.

        ``client`` is the address hash from :func:`read_client_tag` (None: unknown). One write
        transaction, so checks made at the same time each see the ones before.
        """
        canonical = normalise_reference(reference) or reference.strip().upper()
        keys = [(REFERENCE, self._key(REFERENCE, canonical), self.limits.per_reference)]
        if client is None:
            keys.append((ADDRESS, self._key(UNKNOWN_ADDRESS, ""), self.limits.unknown_address))
        else:
            keys.append((ADDRESS, self._key(ADDRESS, client), self.limits.per_address))
        now = self._now()
        since = now - self.limits.window
        with session_scope(self._sessions, write=True) as session:
            session.execute(delete(StatusCheckAttempt).where(StatusCheckAttempt.at < since))
            locked = {scope: _count(session, key, since, refused=False) >= limit
                      for scope, key, limit in keys}
            if not any(locked.values()):
                rows = [StatusCheckAttempt(at=now, scope=scope, key_hash=key, refused=False)
                        for scope, key, _limit in keys]
                session.add_all(rows)
                session.flush()
                return Decision(allowed=True, counted=tuple(row.id for row in rows))
            newly = {}
            for scope, key, _limit in keys:
                if locked[scope]:
                    newly[scope] = _count(session, key, since, refused=True) == 0
                    session.add(StatusCheckAttempt(at=now, scope=scope, key_hash=key,
                                                   refused=True))
            return Decision(
                allowed=False,
                reference_locked=locked[REFERENCE],
                address_locked=locked[ADDRESS],
                newly_locked_reference=newly.get(REFERENCE, False),
                newly_locked_address=newly.get(ADDRESS, False),
            )

    def forgive(self, decision: Decision) -> None:
        """The answer was right: the check it counted was not a failure after all."""
        if not decision.counted:
            return
        with session_scope(self._sessions, write=True) as session:
            session.execute(
                delete(StatusCheckAttempt).where(StatusCheckAttempt.id.in_(decision.counted))
            )

    def _key(self, scope: str, value: str) -> str:
        return _mac(self._secret, f"status-check-{scope}", value)


def _count(session: Session, key: str, since: datetime, *, refused: bool) -> int:
    return session.scalar(
        select(func.count()).select_from(StatusCheckAttempt).where(
            StatusCheckAttempt.key_hash == key,
            StatusCheckAttempt.at >= since,
            StatusCheckAttempt.refused == refused,
        )
    ) or 0
