"""The action server's settings and stores, built once per process."""
from __future__ import annotations

from functools import lru_cache

from bot.cases.outbox import Outbox
from bot.cases.repository import CaseRepository
from bot.cases.status_limits import StatusCheckLimits
from bot.config import Settings, load_settings
from bot.db.engine import get_engine, make_session_factory
from bot.staff.audit import AccessLog


@lru_cache(maxsize=1)
def settings() -> Settings:
    return load_settings()


@lru_cache(maxsize=1)
def case_repository() -> CaseRepository:
    return CaseRepository.from_settings(settings())


@lru_cache(maxsize=1)
def status_limits() -> StatusCheckLimits:
    return StatusCheckLimits.from_settings(settings())


@lru_cache(maxsize=1)
def access_log() -> AccessLog:
    """The staff access log: the assistant records status checks it refused there."""
    return AccessLog(make_session_factory(get_engine(settings().database_url)))


@lru_cache(maxsize=1)
def outbox() -> Outbox:
    """Where a confirmed request or a handoff goes when the database refuses it."""
    return Outbox.from_settings(settings())
