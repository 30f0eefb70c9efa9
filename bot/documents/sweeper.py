"""The web app's background deletion of documents past their retention period.

Every hour, the files of cases closed DOCUMENT_RETENTION_DAYS or more ago are deleted (the
row, with staff's decision, stays on the case). ``dpa purge`` does the same by hand.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from bot.documents.store import DocumentStore
from bot.mail.case_mail import council_today

log = logging.getLogger(__name__)

SWEEP_SECONDS = 3600.0


async def sweep_forever(store: DocumentStore, days: int, run_blocking, interval: float) -> None:
    while True:
        try:
            deleted = await run_blocking(store.purge_closed, council_today(), days)
            if deleted:
                log.info("documents: %d file(s) of closed cases deleted (retention %d days)",
                         deleted, days)
        except asyncio.CancelledError:
            raise
        except Exception:  # the database away for a moment: next time
            log.exception("document sweep failed")
        await asyncio.sleep(interval)


async def document_sweeper(app: web.Application) -> AsyncIterator[None]:
    """An aiohttp cleanup context (after the database)."""
    from bot.web.keys import DATABASE_KEY, DOCUMENTS_KEY, SETTINGS_KEY

    task = asyncio.create_task(sweep_forever(
        app[DOCUMENTS_KEY], app[SETTINGS_KEY].document_retention_days,
        app[DATABASE_KEY].run, SWEEP_SECONDS), name="dpa-document-sweeper")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
