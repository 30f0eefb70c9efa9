"""Giving the resident's messages to the assistant: one turn at a time, through outages.

A turn that fails (Rasa down, frozen past ``CHAT_RASA_TIMEOUT_SECONDS``, or answering
nothing because the action server is down) leaves its message kept in the transcript
(``relay`` ``pending`` or ``in_doubt``); the resident is told at once, and after
``CHAT_OUTAGE_CONTACT_SECONDS`` given the DPO's contact details. Messages typed meanwhile
are kept too, in order. The conversation then catches up (:mod:`bot.web.catch_up`) on its
next message or on a background retry with back-off, whichever finds the assistant back
first: lost replies are shown, what Rasa never had is delivered in order, and what could
answer a question the resident did not see is asked for again.

When the database refuses the hub's own writes (locked past the busy timeout, read-only,
full), a reply Rasa gave is not lost: Rasa's tracker has it, so the turn is treated like an
outage (the resident is told the answer will appear once it is saved, in a notice that is
not stored) and the retry shows it once the database takes writes; relay states it could
not record are held in memory meanwhile (``relay_unsaved``).

Past ``CHAT_MAX_TURNS_IN_FLIGHT`` turns at once for its Rasa worker, the turn waits in that
worker's :class:`TurnQueue` and the resident is told their place. Everything here runs
under the conversation's ``relay_lock`` (see :mod:`bot.web.hub`).
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from bot.cases.status_limits import CLIENT_TAG_KEY
from bot.chat.handoffs import ASSISTANT_MODE
from bot.chat.transcripts import (
    ASSISTANT,
    DELIVERED,
    IN_DOUBT,
    PENDING,
    RESEND,
    SYSTEM,
    TO_STAFF,
    NewMessage,
    TranscriptMessage,
)
from bot.db.engine import database_refused
from bot.web import catch_up, notices
from bot.web.rasa_client import RasaUnavailable, Reply
from bot.web.turn_queue import TurnQueue
from bot.web.understanding import MESSAGE_ID_KEY

if TYPE_CHECKING:
    from bot.web.conversations import Conversation
    from bot.web.hub import ChatHub

log = logging.getLogger(__name__)

# The background retry: first after RETRY_FIRST_SECONDS, doubling up to
# CHAT_RETRY_MAX_SECONDS, for RETRY_GIVE_UP_SECONDS; after that the kept messages wait for
# the resident's next one.
RETRY_FIRST_SECONDS = 1.0
RETRY_GIVE_UP_SECONDS = 30 * 60.0


@dataclass(frozen=True)
class Outbound:
    """What goes to Rasa for a stored message: a button's payload may differ from the text
    shown. Kept in memory; after a restart the stored text is sent instead."""

    text: str
    page: str | None = None
    client_tag: str | None = None


class TurnRelay:
    """The hub's turns with the assistant: normal turns, outages, catching up, the queue."""

    def __init__(
        self,
        hub: ChatHub,
        *,
        max_in_flight: int = 20,
        contact_after_seconds: float = 60.0,
        retry_first_seconds: float = RETRY_FIRST_SECONDS,
        retry_max_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.hub = hub
        self.max_in_flight = max_in_flight
        # One gate per Rasa worker: a worker's limit protects that process, and a turn for
        # an idle worker never waits behind a full one's queue (head-of-line blocking).
        self._queues: dict[str, TurnQueue] = {}
        self.contact_after = contact_after_seconds
        self.retry_first = retry_first_seconds
        self.retry_max = max(retry_max_seconds, retry_first_seconds)
        self._clock = clock
        self._retries: set[asyncio.Task] = set()

    # -- entry points (under conv.relay_lock) --------------------------------------------

    async def resident_turn(self, conv: Conversation, record: TranscriptMessage) -> None:
        """Relay one stored resident message, or catch up on everything kept before it."""
        hub = self.hub
        mode = await hub._current_mode(conv)
        kept = await self._kept(conv)
        if mode != ASSISTANT_MODE:
            # Staff have the conversation: they see every kept message in the transcript.
            await self._mark(conv, [m.id for m in kept], TO_STAFF)
            conv.outbound.clear()
            return
        if record.id not in {m.id for m in kept}:
            return  # a catch-up already dealt with it
        if conv.outage_since is None and kept[0].id == record.id:
            # Nothing older is kept (messages typed while this one waited come after it).
            await self._turn(conv, record)
            return
        try:
            await self._catch_up(conv, kept, new_message=True)
        except Exception as exc:
            if not database_refused(exc):
                raise
            log.warning("catching up waits for the database: %s", type(exc).__name__)
            await self._outage(conv, text=notices.NOT_SAVED_TEXT)

    async def queue_for(self, conversation_id: str) -> TurnQueue:
        """The gate in front of the Rasa worker that serves ``conversation_id``."""
        worker = await self.hub.rasa.placement.url_for(conversation_id)
        queue = self._queues.get(worker)
        if queue is None:
            queue = self._queues[worker] = TurnQueue(self.max_in_flight)
        return queue

    def cancel_retries(self) -> None:
        for task in list(self._retries):
            task.cancel()

    # -- one turn ------------------------------------------------------------------------

    async def _turn(self, conv: Conversation, record: TranscriptMessage) -> bool:
        """Send one message to Rasa and show the replies; False if the assistant failed."""
        hub = self.hub
        out = conv.outbound.get(record.id) or Outbound(record.text, record.page)
        metadata: dict[str, Any] = {"page": out.page, MESSAGE_ID_KEY: record.id}
        if out.client_tag is not None:
            metadata[CLIENT_TAG_KEY] = out.client_tag
        await hub.send.broadcast(conv, {"type": "typing", "on": True})
        mode = ASSISTANT_MODE
        try:
            try:
                queue = await self.queue_for(conv.id)
                async with queue.turn(lambda p, w, still: self._queued(conv, p, w, still)):
                    started = self._clock()
                    replies = await hub.rasa.send(conv.id, out.text, metadata)
                    queue.record(self._clock() - started)
            except RasaUnavailable as exc:
                log.warning("assistant unavailable for a turn: %s", exc)
                state = IN_DOUBT if exc.maybe_received else PENDING
                await self._mark(conv, [record.id], state)
                await self._outage(conv)
                return False
            async with conv.lock:
                try:
                    stored, mode, understood = await hub._db(
                        hub.records.record_turn, conv.id, record.id, replies
                    )
                except Exception as exc:
                    if not database_refused(exc):
                        raise
                    # Rasa's tracker has the replies (and this message, by its id): the
                    # retry shows them once the database takes the write.
                    log.warning("could not store the assistant's reply: %s", type(exc).__name__)
                    unsaved = True
                else:
                    unsaved = False
                    if understood is not None:  # staff see it before the answer to it
                        hub.send.tell_staff(conv, {"type": "understanding", "id": record.id,
                                               "intent": understood.intent,
                                               "confidence": understood.confidence})
                    await hub.send.stored(conv, stored)
            if unsaved:
                await self._outage(conv, text=notices.REPLY_NOT_SAVED_TEXT)
                return False
            if not stored and mode == ASSISTANT_MODE:
                # Rasa answered nothing: typically a custom action failed (the action server
                # is down) and its reply was lost. Rasa has the message, so it is never sent
                # again: once the assistant is back the resident is asked for it again.
                log.warning("assistant returned no reply for a turn")
                await self._mark(conv, [record.id], IN_DOUBT)
                await self._outage(conv)
                return False
            conv.relay_unsaved.pop(record.id, None)
            conv.outbound.pop(record.id, None)
            return True
        finally:
            await hub.send.broadcast(conv, {"type": "typing", "on": False})
            # The assistant may have handed the conversation to staff during this turn.
            await hub._set_mode(conv, mode)

    async def _queued(self, conv: Conversation, position: int, wait: float,
                      still: bool) -> None:
        await self.hub.send.broadcast(conv, {"type": "notice", "kind": notices.QUEUED,
                                         "text": notices.queued_text(position, wait, still)})

    # -- outages -------------------------------------------------------------------------

    async def _outage(self, conv: Conversation, text: str | None = None) -> None:
        """Tell the resident the truth now, and make sure a retry is coming."""
        now = self._clock()
        first = conv.outage_since is None
        if first:
            conv.outage_since = now
        if not conv.contact_told and now - (conv.outage_since or now) >= self.contact_after:
            conv.contact_told = True
            text = notices.UNAVAILABLE_CONTACT_TEXT
        elif text is None:
            text = notices.UNAVAILABLE_TEXT if first else notices.STILL_UNAVAILABLE_TEXT
        self._schedule_retry(conv)
        await self._tell(conv, text)

    async def _tell(self, conv: Conversation, text: str) -> None:
        """An ``unavailable`` notice, kept in the transcript; only shown when the database
        refuses it (it must still reach the resident at once)."""
        try:
            await self.hub.send.store_and_send(
                conv, [NewMessage(SYSTEM, text, kind=notices.UNAVAILABLE)])
        except Exception as exc:
            if not database_refused(exc):
                raise
            log.warning("could not store a notice: %s", type(exc).__name__)
            await self.hub.send.broadcast(conv, {"type": "notice", "kind": notices.UNAVAILABLE,
                                             "text": text})

    async def _kept(self, conv: Conversation) -> list[TranscriptMessage]:
        """The messages the assistant has not answered, with the states the database
        refused to record applied (a message recorded delivered meanwhile is dropped)."""
        kept = await self.hub._db(self.hub.transcripts.undelivered, conv.id)
        if not conv.relay_unsaved:
            return kept
        still = {m.id for m in kept}
        for message_id in [i for i in conv.relay_unsaved if i not in still]:
            del conv.relay_unsaved[message_id]
        return [replace(m, relay=conv.relay_unsaved.get(m.id, m.relay)) for m in kept
                if conv.relay_unsaved.get(m.id) not in (DELIVERED, TO_STAFF, RESEND)]

    async def _mark(self, conv: Conversation, message_ids: list[int], state: str) -> None:
        """Record where these messages stand; in memory while the database refuses it."""
        try:
            await self.hub._db(self.hub.transcripts.set_relay, message_ids, state)
        except Exception as exc:
            if not database_refused(exc):
                raise
            log.warning("could not record a relay state: %s", type(exc).__name__)
            conv.relay_unsaved.update(dict.fromkeys(message_ids, state))
            return
        for message_id in message_ids:
            conv.relay_unsaved.pop(message_id, None)

    def _end_outage(self, conv: Conversation) -> None:
        conv.outage_since = None
        conv.contact_told = False

    def _schedule_retry(self, conv: Conversation) -> None:
        if conv.retry is not None and not conv.retry.done():
            return
        conv.busy += 1  # keeps the conversation (and its outage) in memory meanwhile
        task = asyncio.create_task(self._retry(conv))
        conv.retry = task
        self._retries.add(task)
        task.add_done_callback(self._retries.discard)

    async def _retry(self, conv: Conversation) -> None:
        hub = self.hub
        delay = self.retry_first
        give_up = self._clock() + RETRY_GIVE_UP_SECONDS
        try:
            while self._clock() < give_up:
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.retry_max)
                async with conv.relay_lock:
                    if conv.outage_since is None:
                        return  # the resident's next message caught up already
                    try:
                        kept = await self._kept(conv)
                        mode = await hub._current_mode(conv)
                        if not kept or mode != ASSISTANT_MODE:
                            await self._mark(conv, [m.id for m in kept], TO_STAFF)
                            self._end_outage(conv)
                            return
                        if await self._catch_up(conv, kept, new_message=False):
                            return
                    except Exception as exc:
                        if not database_refused(exc):
                            raise
                        # Still refused: what is kept stays kept; try again after the delay.
                        log.warning("catching up waits for the database: %s",
                                    type(exc).__name__)
                        if conv.outage_since is None:
                            conv.outage_since = self._clock()
                        continue
                    if (not conv.contact_told
                            and self._clock() - conv.outage_since >= self.contact_after):
                        conv.contact_told = True
                        await self._tell(conv, notices.UNAVAILABLE_CONTACT_TEXT)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the type only: database errors quote what was said
            log.error("catching up after an outage failed: %s", type(exc).__name__)
        finally:
            conv.retry = None
            conv.busy -= 1
            hub.conversations.forget_if_idle(conv)

    # -- catching up ---------------------------------------------------------------------

    async def _catch_up(
        self, conv: Conversation, kept: list[TranscriptMessage], *, new_message: bool
    ) -> bool:
        """Resolve every kept message if the assistant is back; False if it is not (the
        resident is told when this was for a new message)."""
        hub = self.hub
        in_doubt = any(m.relay == IN_DOUBT for m in kept)
        ready = await hub.rasa.ready(conv.id)
        tracker = await self._tracker(conv, after_turns=in_doubt) if ready else None
        if tracker is None:
            if new_message:
                await self._outage(conv)
            return False
        plan = catch_up.plan(kept, tracker)
        self._end_outage(conv)
        mode = ASSISTANT_MODE
        for message, replies in plan.recovered:  # what the resident never saw, now
            async with conv.lock:
                stored, mode, _ = await hub._db(hub.records.record_turn, conv.id,
                                                message.id, replies)
                await hub.send.stored(conv, stored)
            conv.outbound.pop(message.id, None)
            conv.relay_unsaved.pop(message.id, None)
        await hub._set_mode(conv, mode)
        if mode != ASSISTANT_MODE:  # the lost replies handed the conversation to staff
            rest = plan.resend + plan.deliver
            await self._mark(conv, [m.id for m in rest], TO_STAFF)
            return True
        if plan.resend:
            shown_last = plan.recovered and plan.recovered[-1][1][-1] == plan.question
            await self._ask_again(conv, plan.resend, plan.slot,
                                  None if shown_last else plan.question)
        for index, message in enumerate(plan.deliver):
            if index > 0:
                # Typed before the reply just shown: never an answer to its question.
                tracker = await self._tracker(conv, after_turns=False)
                if tracker is None:
                    await self._outage(conv)
                    return False
                slot = catch_up.requested_slot(tracker)
                if slot:
                    await self._ask_again(conv, plan.deliver[index:], slot, None)
                    return True
            if not await self._turn(conv, message):
                return False
        return True

    async def _tracker(self, conv: Conversation, *, after_turns: bool) -> dict[str, Any] | None:
        try:
            return await self.hub.rasa.tracker(conv.id, after_turns=after_turns)
        except RasaUnavailable as exc:
            log.warning("could not read the tracker to catch up: %s", exc)
            return None

    async def _ask_again(
        self, conv: Conversation, missed: list[TranscriptMessage], slot: str | None,
        question: Reply | None,
    ) -> None:
        """Say which messages were not used, re-show the question, mark them ``resend``."""
        hub = self.hub
        label = catch_up.question_label(slot) if slot else None
        lines = [NewMessage(SYSTEM, notices.resend_text([m.text for m in missed], label),
                            kind=notices.RESEND)]
        if question is not None:
            lines.append(NewMessage(ASSISTANT, question.text, buttons=question.buttons or None))
        async with conv.lock:
            stored = await hub._db(hub.transcripts.append_many, conv.id, lines,
                                   relay=([m.id for m in missed], RESEND))
            await hub.send.stored(conv, stored)
        for message in missed:
            conv.outbound.pop(message.id, None)
            conv.relay_unsaved.pop(message.id, None)
