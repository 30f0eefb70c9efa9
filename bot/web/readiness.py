"""Whether the database has the tables the hub needs (``dpa db upgrade`` was run).

``dpa run`` migrates before starting the web app, so this only matters when the web app is
started by hand on a fresh database: it then answers 503 with the reason, instead of
failing on every message, and starts working as soon as someone migrates.
"""
from __future__ import annotations

import asyncio
import logging

from sqlalchemy.exc import SQLAlchemyError

from bot.db.schema import current_revision, head_revision

log = logging.getLogger(__name__)

NOT_MIGRATED = "error: database not migrated (run dpa db upgrade)"
UNREACHABLE = "error: database unreachable"


class DatabaseReadiness:
    def __init__(self, database_url: str) -> None:
        self._url = database_url
        self._head: str | None = None
        self._ready = False

    def _check(self) -> str:
        try:
            self._head = self._head or head_revision()
            return "ok" if current_revision(self._url) == self._head else NOT_MIGRATED
        except SQLAlchemyError as exc:
            log.warning("database check failed: %s", type(exc).__name__)
            return UNREACHABLE

    async def status(self) -> str:
        """``ok``, or why the hub cannot work yet (checked again until it is ok)."""
        if self._ready:
            return "ok"
        status = await asyncio.to_thread(self._check)
        self._ready = status == "ok"
        return status

    async def ready(self) -> bool:
        return await self.status() == "ok"
