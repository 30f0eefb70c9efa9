"""The chat hub: one conversation per resident, relayed to the assistant or to staff.

Every message is stored in the transcript first and then sent to everyone watching the
conversation: each of the resident's open tabs (sockets) and each staff subscriber. Two
locks per conversation keep that orderly:

- ``lock`` covers "store, then send": whoever stores message ``seq`` n sends it before
  anyone can store n+1, so every socket receives the conversation in seq order (and a
  resident's acknowledgement always precedes the replies to it);
- ``relay_lock`` sends the resident's messages to Rasa one at a time, in the order they
  were stored, without holding up acknowledgements (Rasa turns take seconds; storing takes
  milliseconds). What a turn does, through outages and overload, is
  :mod:`bot.web.relay`'s.

Who answers is decided per message from the handoff queue (``dpa_handoffs``): while a
handoff is open (waiting or claimed) the resident's messages go to staff only. The staff
console uses :meth:`ChatHub.subscribe_staff`, :meth:`post_staff_message`, :meth:`notify`,
:meth:`hand_back` and :meth:`close_handoff`.

State in memory is per process. Several web app instances share the conversations through
a live channel (:mod:`bot.web.live_channel`: PostgreSQL LISTEN/NOTIFY or Redis pub/sub):
each hub sends to the tabs and staff it holds, and publishes what happened; the others
deliver to theirs (:mod:`bot.web.remote_events`). Stored messages are never in an event:
each instance reads them from the transcript by seq, so every tab and console still
receives the conversation in seq order (``sent_seq`` and :mod:`bot.web.fan_out`). With
the in-process channel (one instance) nothing is published and nothing changes.
"""
from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from aiohttp import WSCloseCode, web

from bot.chat.handoffs import ASSISTANT_MODE, HandoffStore
from bot.chat.transcripts import (
    ASSISTANT,
    PENDING,
    RESIDENT,
    STAFF,
    SYSTEM,
    NewMessage,
    TranscriptMessage,
    TranscriptStore,
    message_payload,
)
from bot.web import notices, remote_events
from bot.web.conversations import Conversation, Conversations
from bot.web.fan_out import FanOut
from bot.web.live_channel import LiveChannel
from bot.web.payloads import history_payload
from bot.web.presence import Presence
from bot.web.rasa_client import HANDED_BACK_INTENT, RasaClient, RasaUnavailable
from bot.web.relay import RETRY_FIRST_SECONDS, Outbound, TurnRelay
from bot.web.staff_subscription import StaffSubscription
from bot.web.turn_records import TurnRecords, Understand

log = logging.getLogger(__name__)

# How long shutdown waits for turns in flight before cancelling them.
SHUTDOWN_GRACE_SECONDS = 5.0

T = TypeVar("T")
RunDb = Callable[..., Awaitable[Any]]


class ChatHub:
    """Conversations in this process: sockets, staff subscribers, turns in flight."""

    def __init__(
        self,
        transcripts: TranscriptStore,
        handoffs: HandoffStore,
        rasa: RasaClient,
        understand: Understand | None = None,
        run_db: RunDb | None = None,
        *,
        max_turns_in_flight: int = 20,
        outage_contact_seconds: float = 60.0,
        retry_max_seconds: float = 30.0,
        retry_first_seconds: float = RETRY_FIRST_SECONDS,
        channel: LiveChannel | None = None,
    ) -> None:
        self.transcripts = transcripts
        self.handoffs = handoffs
        self.rasa = rasa
        self.records = TurnRecords(transcripts, handoffs, understand)
        self.conversations = Conversations()
        self._tasks: set[asyncio.Task] = set()
        self._run_db = run_db
        self.channel = channel or LiveChannel()
        self._queue_event = asyncio.Event()
        self.send = FanOut(transcripts, self.channel, self._db)
        self.presence = Presence(self.channel, self._tab_ids)
        self.relay = TurnRelay(self, max_in_flight=max_turns_in_flight,
                               contact_after_seconds=outage_contact_seconds,
                               retry_first_seconds=retry_first_seconds,
                               retry_max_seconds=retry_max_seconds)

    async def _db(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Blocking database work, off the event loop (:class:`bot.db.offloop.HubDatabase`
        in the app; a worker thread otherwise)."""
        if self._run_db is not None:
            return await self._run_db(work, *args, **kwargs)
        return await asyncio.to_thread(work, *args, **kwargs)

    # -- residents -----------------------------------------------------------------------

    async def connect(self, conversation_id: str, ws: web.WebSocketResponse) -> None:
        """Send the transcript so far, then add ``ws`` to the conversation's fan-out.

        Both happen under the conversation's lock, so nothing stored meanwhile is missed
        or sent twice.
        """
        async with self.conversations.using(conversation_id) as conv:
            async with conv.lock:
                history, mode = await self._db(self.records.snapshot, conversation_id)
                await self._set_mode(conv, mode)  # other tabs may hold an older one
                await self.send.send(conv, ws, json.dumps(history_payload(history, mode)))
                self.send.sent_up_to(conv, history)
                if not ws.closed:
                    if not conv.sockets:
                        self.presence.opened(conversation_id)
                    conv.sockets.add(ws)

    def disconnect(self, conversation_id: str, ws: web.WebSocketResponse) -> None:
        conv = self.conversations.get(conversation_id)
        if conv is not None:
            conv.sockets.discard(ws)
            self.conversations.forget_if_idle(conv)
        if conv is None or not conv.sockets:  # the last tab here (or all closed already)
            self.presence.closed(conversation_id)

    def _tab_ids(self) -> list[str]:
        """The conversations with a tab open on this instance."""
        return [conv.id for conv in self.conversations.all() if conv.sockets]

    async def transcript(
        self, conversation_id: str, *, for_staff: bool = False
    ) -> dict[str, Any]:
        """The ``history`` payload: every message so far and who has the conversation."""
        history, mode = await self._db(self.records.snapshot, conversation_id)
        conv = self.conversations.get(conversation_id)
        if conv is not None:  # a console that subscribed first: the history covers the rest
            self.send.sent_up_to(conv, history)
        return history_payload(history, mode, for_staff=for_staff)

    async def resident_message(
        self,
        conversation_id: str,
        ws: web.WebSocketResponse | None,
        *,
        text: str,
        display: str | None = None,
        client_id: str | None = None,
        page: str | None = None,
        client_tag: str | None = None,
    ) -> TranscriptMessage:
        """Store a resident's message, acknowledge it, and start relaying it.

        ``text`` goes to Rasa (a button's payload); ``display`` (the button's title) is what
        the transcript shows. A ``client_id`` already stored is acknowledged again to the
        sender only, and neither stored nor relayed again. ``client_tag`` (the signed hash of
        the resident's address, :func:`bot.cases.status_limits.client_tag`) goes to Rasa in
        the message's metadata, where the status check's per-address limit reads it.

        Shielded: once stored, a message is relayed even if the tab's handler is cancelled
        meanwhile (a resend would only find it stored, and never relay it).
        """
        return await asyncio.shield(
            self._resident_message(conversation_id, ws, text, display, client_id, page,
                                   client_tag)
        )

    async def _resident_message(
        self,
        conversation_id: str,
        ws: web.WebSocketResponse | None,
        text: str,
        display: str | None,
        client_id: str | None,
        page: str | None,
        client_tag: str | None = None,
    ) -> TranscriptMessage:
        async with self.conversations.using(conversation_id) as conv:
            async with conv.lock:
                record, created = await self._db(
                    self.transcripts.append,
                    conversation_id,
                    NewMessage(RESIDENT, display or text, client_id=client_id, page=page,
                               relay=PENDING),
                )
                if not created:
                    if ws is not None:
                        await self.send.send(conv, ws, json.dumps(message_payload(record)))
                    return record
                await self.send.stored(conv, [record])
                # Created under the lock: relay tasks start, and queue for relay_lock, in
                # the order their messages were stored.
                self._spawn(conv, self._relay(conv, record, text, page, client_tag))
            return record

    async def resident_ended(self, conversation_id: str) -> None:
        """The resident pressed "End chat": record it, tell every tab and staff, close tabs."""
        async with self.conversations.using(conversation_id) as conv:
            await self.send.store_and_send(
                conv, [NewMessage(SYSTEM, notices.ENDED_BY_RESIDENT_TEXT, kind=notices.CLOSED)]
            )
            self.send.to_staff(conv, {"type": "resident_ended"})
            self.channel.publish(conv.id, {"type": "ended"})
            await self.send.close_tabs(conv)

    # -- staff (the console plugs in here) -----------------------------------------------

    def subscribe_staff(self, conversation_id: str) -> StaffSubscription:
        """Every event of the conversation from now on (read the transcript for the past).

        Subscribe first, then read :meth:`transcript`, and drop duplicates by ``seq``.
        """
        conv = self.conversations.watch(conversation_id)
        subscription = StaffSubscription(conversation_id, self.conversations.unsubscribe)
        conv.staff.add(subscription)
        return subscription

    @property
    def queue_event(self) -> asyncio.Event:
        """Set when the handoff queue may have changed (here or on another instance: a
        handoff opened, claimed, released or ended); take it before reading the queue."""
        return self._queue_event

    def _queue_touched(self, conv: Conversation | None = None, *, publish: bool = True) -> None:
        event, self._queue_event = self._queue_event, asyncio.Event()
        event.set()
        if publish and conv is not None:
            self.channel.publish(conv.id, {"type": "queue"})

    def resident_connected(self, conversation_id: str) -> bool:
        """Whether the resident has the chat open, on this instance or (as it last said,
        within :data:`bot.web.presence.EXPIRES_SECONDS`) on another."""
        conv = self.conversations.get(conversation_id)
        return bool(conv and conv.sockets) or self.presence.elsewhere(conversation_id)

    async def post_staff_message(
        self, conversation_id: str, author: str, text: str
    ) -> TranscriptMessage:
        """A member of staff's message: stored, then shown to the resident with ``author``."""
        async with self.conversations.using(conversation_id) as conv:
            [record] = await self.send.store_and_send(
                conv, [NewMessage(STAFF, text, author=author)]
            )
            return record

    async def notify(
        self, conversation_id: str, kind: str, text: str, author: str | None = None
    ) -> TranscriptMessage:
        """Tell the resident that staff joined, left, handed back or closed the chat.

        The line is kept in the transcript (a ``system`` message) so it is still there after
        a reload; the widget gets a ``notice``. Who has the conversation is then re-read from
        the handoff queue (the console changes it first) and sent as ``mode`` if it changed.
        """
        if kind not in notices.STAFF_NOTICE_KINDS:
            raise ValueError(f"unknown notice kind {kind!r}")
        async with self.conversations.using(conversation_id) as conv:
            [record] = await self.send.store_and_send(
                conv, [NewMessage(SYSTEM, text, kind=kind, author=author)]
            )
            mode = await self._db(self.handoffs.mode, conversation_id)
            await self._set_mode(conv, mode)
            self._queue_touched(conv)
            return record

    async def set_typing(self, conversation_id: str, on: bool) -> None:
        """Show (or stop showing) the resident that staff are typing."""
        payload = {"type": "typing", "on": bool(on)}
        conv = self.conversations.get(conversation_id)
        if conv is not None:
            await self.send.to_tabs(conv, payload)
        self.channel.publish(conversation_id, {"type": "tabs", "payload": payload})

    async def hand_back(
        self, conversation_id: str, *, author: str | None = None, text: str | None = None
    ) -> TranscriptMessage:
        """Give the conversation back to the assistant: resume Rasa, end the handoff, tell.

        Rasa is resumed first: if it cannot be reached this raises :class:`RasaUnavailable`
        and the conversation stays with staff (otherwise the resident's next message would
        go to a paused assistant and get no answer). Then the assistant is told
        (``EXTERNAL_handed_back``) and its replies are sent: where the resident was in their
        request, and the question pending asked again.
        """
        return await self._end_handoff(
            conversation_id, returned=True, author=author,
            text=text or notices.HANDED_BACK_TEXT, kind=notices.HANDED_BACK,
        )

    async def close_handoff(
        self, conversation_id: str, *, author: str | None = None, text: str | None = None
    ) -> TranscriptMessage:
        """Staff closed the chat; the assistant answers if the resident writes again."""
        return await self._end_handoff(
            conversation_id, returned=False, author=author,
            text=text or notices.CLOSED_BY_STAFF_TEXT, kind=notices.CLOSED,
        )

    async def _end_handoff(
        self, conversation_id: str, *, returned: bool, author: str | None, text: str, kind: str
    ) -> TranscriptMessage:
        async with self.conversations.using(conversation_id) as conv:
            # Not while a resident message is being routed: it would be judged by the old mode.
            async with conv.relay_lock:
                await self.rasa.resume(conversation_id)
                await self._db(self.handoffs.end, conversation_id, returned=returned)
                [record] = await self.send.store_and_send(
                    conv, [NewMessage(SYSTEM, text, kind=kind, author=author)]
                )
                await self._set_mode(conv, ASSISTANT_MODE)
                self._queue_touched(conv)
                if returned:
                    await self._carry_on(conv)
            return record

    async def _carry_on(self, conv: Conversation) -> None:
        """After a hand back, let the assistant say where the resident was and ask its
        pending question (``EXTERNAL_handed_back``). The handoff has ended by then; if Rasa
        fails now, the resident's next message reaches the resumed assistant as usual."""
        try:
            replies = await self.rasa.trigger(conv.id, HANDED_BACK_INTENT)
        except RasaUnavailable as exc:
            log.warning("the assistant did not carry on after a hand back: %s", exc)
            return
        if replies:
            await self.send.store_and_send(
                conv, [NewMessage(ASSISTANT, r.text, buttons=r.buttons) for r in replies]
            )

    # -- lifecycle -----------------------------------------------------------------------

    async def shutdown(self) -> None:
        """Let turns in flight finish briefly, then close every socket and subscription.

        Retries waiting for the assistant stop at once: what they would deliver is kept in
        the transcript, for the conversation's next message."""
        await self.presence.stop()
        for conv_id in self._tab_ids():  # the others need not wait for this one to expire
            self.presence.closed(conv_id)
        self.relay.cancel_retries()
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=SHUTDOWN_GRACE_SECONDS)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        for conv in self.conversations.all():
            for subscription in list(conv.staff):
                subscription.close()
            await asyncio.gather(
                *(ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")
                  for ws in list(conv.sockets)),
                return_exceptions=True,
            )
        self.conversations.clear()

    # -- relaying a turn -----------------------------------------------------------------

    async def _relay(
        self, conv: Conversation, record: TranscriptMessage, text: str, page: str | None,
        client_tag: str | None = None,
    ) -> None:
        conv.outbound[record.id] = Outbound(text, page, client_tag)
        async with conv.relay_lock:
            await self.relay.resident_turn(conv, record)

    async def _current_mode(self, conv: Conversation) -> str:
        """Who has the conversation: read when the tab connected, after the previous turn's
        replies (the assistant may have handed off), and on every staff call. With other
        instances, read every time: staff on another instance may have changed it."""
        if conv.mode is None or self.channel.shared:
            await self._set_mode(conv, await self._db(self.handoffs.mode, conv.id))
        assert conv.mode is not None
        return conv.mode

    # -- who has the conversation -------------------------------------------------------

    async def _set_mode(self, conv: Conversation, mode: str, *, publish: bool = True) -> None:
        """Tell everyone when who-has-the-conversation changes (the first look is no change:
        tabs get the mode in ``history``, staff with the transcript)."""
        previous, conv.mode = conv.mode, mode
        if previous is not None and previous != mode:
            await self.send.to_tabs(conv, {"type": "mode", "mode": mode})
            self.send.to_staff(conv, {"type": "mode", "mode": mode})
            self._queue_touched(conv, publish=False)
        if publish and previous != mode:
            # Others re-read it from the handoff queue (the one source of truth); also on a
            # first look here, since another instance may hold an older one.
            self.channel.publish(conv.id, {"type": "mode"})

    # -- events from other instances -------------------------------------------------------

    async def start_channel(self) -> None:
        """Start hearing the other instances (the app's startup)."""
        await self.channel.start(self.remote_event)
        self.presence.start()

    async def remote_event(self, conversation_id: str, event: dict[str, Any]) -> None:
        """Deliver what another instance did to the tabs and staff this instance holds."""
        await remote_events.deliver(self, conversation_id, event)

    # -- bookkeeping ---------------------------------------------------------------------

    def _spawn(self, conv: Conversation, work: Coroutine[Any, Any, None]) -> None:
        """Run a turn on its own, so a tab closing mid-turn does not cancel the reply."""
        conv.busy += 1

        async def run() -> None:
            try:
                await work
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                # The type only: database errors quote the parameters, i.e. what was said.
                log.error("chat turn failed: %s", type(exc).__name__)
                await self.send.broadcast(conv, {"type": "notice", "kind": notices.UNAVAILABLE,
                                             "text": notices.TURN_FAILED_TEXT})
            finally:
                conv.busy -= 1
                self.conversations.forget_if_idle(conv)

        task = asyncio.create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def active_conversations(self) -> int:
        return len(self.conversations)

