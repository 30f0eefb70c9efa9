"""The action server's settings and case store, built once per process."""
from __future__ import annotations

from functools import lru_cache

from bot.cases.repository import CaseRepository
from bot.config import Settings, load_settings


@lru_cache(maxsize=1)
def settings() -> Settings:
    return load_settings()


@lru_cache(maxsize=1)
def case_repository() -> CaseRepository:
    return CaseRepository.from_settings(settings())
