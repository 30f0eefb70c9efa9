"""Delivering what the outbox holds: claim what is due, send each, record the outcome.

One pass is :func:`send_pending` (``dpa mail send`` runs one); the web app runs a pass every
``MAIL_SEND_INTERVAL_SECONDS`` in the background (:func:`mail_sender`), so queued mail
leaves within seconds under ``make run`` with nothing else scheduled.
"""
from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.mail.delivery import DeliveryError, Transport, build_message, transport_for
from bot.mail.outbox import MailOutbox, MailRecord

log = logging.getLogger(__name__)
RunBlocking = Callable[..., Awaitable[Any]]


@dataclass
class SendReport:
    """What one pass did."""

    sent: list[MailRecord] = field(default_factory=list)
    retrying: list[MailRecord] = field(default_factory=list)
    failed: list[MailRecord] = field(default_factory=list)

    def summary(self) -> str:
        return (f"sent {len(self.sent)}, will retry {len(self.retrying)}, "
                f"given up on {len(self.failed)}")


async def send_pending(outbox: MailOutbox, transport: Transport, *,
                       run_blocking: RunBlocking = asyncio.to_thread,
                       limit: int = 50) -> SendReport:
    """Send every message due now (at most ``limit``), once each."""
    report = SendReport()
    claimed: list[MailRecord] = await run_blocking(outbox.claim_due, limit)
    for record in claimed:
        try:
            await transport.send(build_message(record))
        except DeliveryError as exc:
            updated = await run_blocking(
                functools.partial(outbox.mark_failed, record.id, str(exc),
                                  permanent=exc.permanent))
            (report.failed if updated.failed else report.retrying).append(updated)
            # No address or text in the log: the record (and the case page) has the detail.
            log.warning("mail #%d (%s, case %s) not sent, attempt %d: %s", record.id,
                        record.template, record.case_reference, updated.attempts,
                        type(exc.__cause__ or exc).__name__)
        else:
            report.sent.append(await run_blocking(outbox.mark_sent, record.id))
            log.info("mail #%d (%s, case %s) sent", record.id, record.template,
                     record.case_reference)
    return report


async def send_forever(outbox: MailOutbox, transport: Transport, interval: float, *,
                       run_blocking: RunBlocking = asyncio.to_thread) -> None:
    """A pass every ``interval`` seconds until cancelled; one bad pass never stops it."""
    while True:
        try:
            await send_pending(outbox, transport, run_blocking=run_blocking)
        except asyncio.CancelledError:
            raise
        except Exception:  # the database away for a moment: try again next time
            log.exception("mail pass failed")
        await asyncio.sleep(interval)


async def mail_sender(app: web.Application) -> AsyncIterator[None]:
    """The web app's background sender (an aiohttp cleanup context, after the database)."""
    from bot.web.keys import DATABASE_KEY, SETTINGS_KEY

    settings = app[SETTINGS_KEY]
    database = app[DATABASE_KEY]  # the hub's database thread and sessions: no second engine
    outbox = MailOutbox(database.sessions, max_attempts=settings.mail_max_attempts,
                        retry_seconds=settings.mail_retry_seconds)
    task = asyncio.create_task(send_forever(
        outbox, transport_for(settings), settings.mail_send_interval_seconds,
        run_blocking=database.run,
    ), name="dpa-mail-sender")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
