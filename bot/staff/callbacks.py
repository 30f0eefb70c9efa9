"""Residents nobody can answer now: told so, and offered a call back; they stay in the queue.

Runs in the web app every :data:`CHECK_EVERY_SECONDS`: each waiting handoff that was not
offered yet gets one notice (``staff_unavailable``) when the team is off duty
(``STAFF_HOURS``) or when it has waited ``STAFF_CLAIM_TIMEOUT_MINUTES`` unclaimed. What the
resident then types (a phone number, an email, a time to call) is kept in the transcript,
where staff following up the queue read it.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from aiohttp import web

from bot.chat.handoffs import HandoffRecord
from bot.staff.services import STAFF_KEY
from bot.web import notices
from bot.web.keys import HUB_KEY

log = logging.getLogger(__name__)

CHECK_EVERY_SECONDS = 20.0
# Even off duty, wait this long after the handoff: the assistant's own "I am passing you to a
# colleague" reply comes in the same turn, and the offer should follow it, not precede it.
OFF_DUTY_GRACE = timedelta(seconds=20)

CALL_BACK_OFFER = (
    " Your conversation has been kept and the team will see it. If you would like a call "
    "back, type your phone number or email address and a good time to contact you, and a "
    "member of the team will get in touch."
)


def offer_text(off_duty: bool, hours: str) -> str:
    if off_duty:
        return (f"Our team is not available right now (we answer chats {hours}, UK time)."
                + CALL_BACK_OFFER)
    return "Sorry, nobody from our team has been able to join yet." + CALL_BACK_OFFER


def due_for_offer(handoff: HandoffRecord, now, off_duty: bool, timeout: timedelta) -> bool:
    if handoff.callback_offered_at is not None:
        return False
    waited = now - handoff.requested_at
    return (off_duty and waited >= OFF_DUTY_GRACE) or waited >= timeout


async def offer_call_backs(app: web.Application) -> int:
    """One pass over the queue; how many residents were told."""
    services = app[STAFF_KEY]
    hub = app[HUB_KEY]
    now = services.now()
    off_duty = not services.hours.is_open(now)
    timeout = timedelta(minutes=services.settings.staff_claim_timeout_minutes)
    told = 0
    for handoff in await services.db(services.handoffs.waiting):
        if not due_for_offer(handoff, now, off_duty, timeout):
            continue
        if not await services.db(services.handoffs.mark_callback_offered, handoff.id):
            continue  # another instance got there first
        await hub.notify(handoff.conversation_id, notices.STAFF_UNAVAILABLE,
                         offer_text(off_duty, services.settings.staff_hours))
        told += 1
    return told


async def watch_queue(app: web.Application) -> None:
    services = app[STAFF_KEY]
    while not services.closing.is_set():
        try:
            await asyncio.wait_for(services.closing.wait(), CHECK_EVERY_SECONDS)
            return
        except asyncio.TimeoutError:
            pass
        try:
            await offer_call_backs(app)
        except Exception as exc:
            log.warning("call-back offers failed: %s", type(exc).__name__)
