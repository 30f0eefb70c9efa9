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
deliver to theirs (:meth:`ChatHub.remote_event`). Stored messages are never in an event:
each instance reads them from the transcript by seq, so every tab and console still
receives the conversation in seq order (``sent_seq`` and :meth:`ChatHub._fan_out`). With the
in-process channel (one instance) nothing is published and nothing changes.
"""
from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import WSCloseCode, web

from bot.chat.handoffs import ASSISTANT_MODE, HandoffStore
from bot.chat.transcripts import (
    ASSISTANT,
    DELIVERED,
    PENDING,
    RESIDENT,
    STAFF,
    SYSTEM,
    NewMessage,
    TranscriptMessage,
    TranscriptStore,
    Understanding,
    message_payload,
)
from bot.web import notices
from bot.web.live_channel import EVERY_CONVERSATION, LiveChannel
from bot.web.rasa_client import HANDED_BACK_INTENT, RasaClient, RasaUnavailable, Reply
from bot.web.relay import RETRY_FIRST_SECONDS, Outbound, TurnRelay

log = logging.getLogger(__name__)

# A staff console that stops reading loses its subscription rather than growing memory
# without bound; it re-subscribes and reloads the transcript.
STAFF_QUEUE_LIMIT = 1000
# How long shutdown waits for turns in flight before cancelling them.
SHUTDOWN_GRACE_SECONDS = 5.0

Understand = Callable[[str, int], "Understanding | None"]
T = TypeVar("T")
RunDb = Callable[..., Awaitable[Any]]


class StaffSubscription:
    """A member of staff's live view of one conversation: an async iterator of events.

    Events are dicts: ``{"type": "message", ...}`` for every stored message (with
    ``intent``, ``confidence`` and ``page``), ``{"type": "understanding", "id", "intent",
    "confidence"}`` once Rasa's parse of a resident message is known, ``{"type": "mode",
    "mode"}``, ``{"type": "resident_ended"}``. Iteration ends when the subscription is
    closed, or when it fell :data:`STAFF_QUEUE_LIMIT` events behind (``overflowed``).
    """

    _CLOSED = object()

    def __init__(self, hub: ChatHub, conversation_id: str) -> None:
        self.conversation_id = conversation_id
        self.overflowed = False
        self._hub = hub
        self._queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=STAFF_QUEUE_LIMIT + 1)
        self._closed = False

    def put(self, event: dict[str, Any]) -> None:
        if self._closed:
            return
        if self._queue.qsize() >= STAFF_QUEUE_LIMIT:
            self.overflowed = True
            self.close()
            return
        self._queue.put_nowait(event)

    async def get(self) -> dict[str, Any]:
        """The next event; raises StopAsyncIteration once closed and drained."""
        if self._closed and self._queue.empty():
            raise StopAsyncIteration
        item = await self._queue.get()
        if item is self._CLOSED:
            raise StopAsyncIteration
        return item

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._queue.put_nowait(self._CLOSED)
            self._hub._unsubscribe(self)

    def __aiter__(self) -> StaffSubscription:
        return self

    async def __anext__(self) -> dict[str, Any]:
        return await self.get()

    async def __aenter__(self) -> StaffSubscription:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()


@dataclass(eq=False)
class _Conversation:
    id: str
    sockets: set[web.WebSocketResponse] = field(default_factory=set)
    staff: set[StaffSubscription] = field(default_factory=set)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    relay_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    mode: str | None = None
    busy: int = 0  # operations and relay tasks in flight
    # Turns with the assistant (bot.web.relay): what to send for each kept message, and
    # the outage this conversation is in (since when; whether the DPO's contacts were given).
    outbound: dict[int, Outbound] = field(default_factory=dict)
    outage_since: float | None = None
    contact_told: bool = False
    retry: asyncio.Task | None = None
    # Relay states the database refused to record (locked, read-only, full): kept here
    # until a write succeeds, so a catch-up still knows what Rasa may have had.
    relay_unsaved: dict[int, str] = field(default_factory=dict)
    # With a shared live channel: the last seq this instance sent to its tabs and staff
    # (None until it sends one); messages another instance stored are read after it.
    sent_seq: int | None = None


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
        self._understand = understand
        self._conversations: dict[str, _Conversation] = {}
        self._tasks: set[asyncio.Task] = set()
        self._run_db = run_db
        self.channel = channel or LiveChannel()
        self._queue_event = asyncio.Event()
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
        async with self._conversation(conversation_id) as conv:
            async with conv.lock:
                history, mode = await self._db(self._snapshot, conversation_id)
                await self._set_mode(conv, mode)  # other tabs may hold an older one
                await self._send(conv, ws, json.dumps(history_payload(history, mode)))
                self._sent_up_to(conv, history)
                if not ws.closed:
                    conv.sockets.add(ws)

    def disconnect(self, conversation_id: str, ws: web.WebSocketResponse) -> None:
        conv = self._conversations.get(conversation_id)
        if conv is not None:
            conv.sockets.discard(ws)
            self._forget_if_idle(conv)

    async def transcript(
        self, conversation_id: str, *, for_staff: bool = False
    ) -> dict[str, Any]:
        """The ``history`` payload: every message so far and who has the conversation."""
        history, mode = await self._db(self._snapshot, conversation_id)
        conv = self._conversations.get(conversation_id)
        if conv is not None:  # a console that subscribed first: the history covers the rest
            self._sent_up_to(conv, history)
        return history_payload(history, mode, for_staff=for_staff)

    def _sent_up_to(self, conv: _Conversation, history: list[TranscriptMessage]) -> None:
        """With other instances: a history was sent, so this instance knows from where to
        send (once only; after that ``sent_seq`` moves as messages are sent)."""
        if self.channel.shared and conv.sent_seq is None:
            conv.sent_seq = history[-1].seq if history else 0

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
        async with self._conversation(conversation_id) as conv:
            async with conv.lock:
                record, created = await self._db(
                    self.transcripts.append,
                    conversation_id,
                    NewMessage(RESIDENT, display or text, client_id=client_id, page=page,
                               relay=PENDING),
                )
                if not created:
                    if ws is not None:
                        await self._send(conv, ws, json.dumps(message_payload(record)))
                    return record
                await self._fan_out(conv, [record])
                # Created under the lock: relay tasks start, and queue for relay_lock, in
                # the order their messages were stored.
                self._spawn(conv, self._relay(conv, record, text, page, client_tag))
            return record

    async def resident_ended(self, conversation_id: str) -> None:
        """The resident pressed "End chat": record it, tell every tab and staff, close tabs."""
        async with self._conversation(conversation_id) as conv:
            await self._store_and_send(
                conv, [NewMessage(SYSTEM, notices.ENDED_BY_RESIDENT_TEXT, kind=notices.CLOSED)]
            )
            self._to_staff(conv, {"type": "resident_ended"})
            self.channel.publish(conv.id, {"type": "ended"})
            await self._close_tabs(conv)

    async def _close_tabs(self, conv: _Conversation) -> None:
        sockets, conv.sockets = list(conv.sockets), set()
        await asyncio.gather(
            *(ws.close(code=WSCloseCode.OK, message=b"ended") for ws in sockets),
            return_exceptions=True,
        )

    # -- staff (the console plugs in here) -----------------------------------------------

    def subscribe_staff(self, conversation_id: str) -> StaffSubscription:
        """Every event of the conversation from now on (read the transcript for the past).

        Subscribe first, then read :meth:`transcript`, and drop duplicates by ``seq``.
        """
        conv = self._conversations.setdefault(conversation_id, _Conversation(conversation_id))
        subscription = StaffSubscription(self, conversation_id)
        conv.staff.add(subscription)
        return subscription

    @property
    def queue_event(self) -> asyncio.Event:
        """Set when the handoff queue may have changed (here or on another instance: a
        handoff opened, claimed, released or ended); take it before reading the queue."""
        return self._queue_event

    def _queue_touched(self, conv: _Conversation | None = None, *, publish: bool = True) -> None:
        event, self._queue_event = self._queue_event, asyncio.Event()
        event.set()
        if publish and conv is not None:
            self.channel.publish(conv.id, {"type": "queue"})

    def resident_connected(self, conversation_id: str) -> bool:
        conv = self._conversations.get(conversation_id)
        return bool(conv and conv.sockets)

    async def post_staff_message(
        self, conversation_id: str, author: str, text: str
    ) -> TranscriptMessage:
        """A member of staff's message: stored, then shown to the resident with ``author``."""
        async with self._conversation(conversation_id) as conv:
            [record] = await self._store_and_send(
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
        async with self._conversation(conversation_id) as conv:
            [record] = await self._store_and_send(
                conv, [NewMessage(SYSTEM, text, kind=kind, author=author)]
            )
            mode = await self._db(self.handoffs.mode, conversation_id)
            await self._set_mode(conv, mode)
            self._queue_touched(conv)
            return record

    async def set_typing(self, conversation_id: str, on: bool) -> None:
        """Show (or stop showing) the resident that staff are typing."""
        payload = {"type": "typing", "on": bool(on)}
        conv = self._conversations.get(conversation_id)
        if conv is not None:
            await self._send_to_tabs(conv, payload)
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
        async with self._conversation(conversation_id) as conv:
            # Not while a resident message is being routed: it would be judged by the old mode.
            async with conv.relay_lock:
                await self.rasa.resume(conversation_id)
                await self._db(self.handoffs.end, conversation_id, returned=returned)
                [record] = await self._store_and_send(
                    conv, [NewMessage(SYSTEM, text, kind=kind, author=author)]
                )
                await self._set_mode(conv, ASSISTANT_MODE)
                self._queue_touched(conv)
                if returned:
                    await self._carry_on(conv)
            return record

    async def _carry_on(self, conv: _Conversation) -> None:
        """After a hand back, let the assistant say where the resident was and ask its
        pending question (``EXTERNAL_handed_back``). The handoff has ended by then; if Rasa
        fails now, the resident's next message reaches the resumed assistant as usual."""
        try:
            replies = await self.rasa.trigger(conv.id, HANDED_BACK_INTENT)
        except RasaUnavailable as exc:
            log.warning("the assistant did not carry on after a hand back: %s", exc)
            return
        if replies:
            await self._store_and_send(
                conv, [NewMessage(ASSISTANT, r.text, buttons=r.buttons) for r in replies]
            )

    # -- lifecycle -----------------------------------------------------------------------

    async def shutdown(self) -> None:
        """Let turns in flight finish briefly, then close every socket and subscription.

        Retries waiting for the assistant stop at once: what they would deliver is kept in
        the transcript, for the conversation's next message."""
        self.relay.cancel_retries()
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=SHUTDOWN_GRACE_SECONDS)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        for conv in list(self._conversations.values()):
            for subscription in list(conv.staff):
                subscription.close()
            await asyncio.gather(
                *(ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")
                  for ws in list(conv.sockets)),
                return_exceptions=True,
            )
        self._conversations.clear()

    # -- relaying a turn -----------------------------------------------------------------

    async def _relay(
        self, conv: _Conversation, record: TranscriptMessage, text: str, page: str | None,
        client_tag: str | None = None,
    ) -> None:
        conv.outbound[record.id] = Outbound(text, page, client_tag)
        async with conv.relay_lock:
            await self.relay.resident_turn(conv, record)

    async def _current_mode(self, conv: _Conversation) -> str:
        """Who has the conversation: read when the tab connected, after the previous turn's
        replies (the assistant may have handed off), and on every staff call. With other
        instances, read every time: staff on another instance may have changed it."""
        if conv.mode is None or self.channel.shared:
            await self._set_mode(conv, await self._db(self.handoffs.mode, conv.id))
        assert conv.mode is not None
        return conv.mode

    def _record_turn(
        self, conversation_id: str, message_id: int, replies: list[Reply]
    ) -> tuple[list[TranscriptMessage], str, Understanding | None]:
        """One worker-thread trip after Rasa answered: read the parse, store the replies with
        it (one write transaction), read who has the conversation now."""
        understood = None
        if self._understand is not None:
            try:
                understood = self._understand(conversation_id, message_id)
            except Exception as exc:
                log.warning("could not read what the model understood: %s", type(exc).__name__)
        stored = self.transcripts.append_many(
            conversation_id,
            [NewMessage(ASSISTANT, reply.text, buttons=reply.buttons) for reply in replies],
            understanding=None if understood is None else (message_id, understood),
            relay=([message_id], DELIVERED),
        )
        return stored, self.handoffs.mode(conversation_id), understood

    def _snapshot(self, conversation_id: str) -> tuple[list[TranscriptMessage], str]:
        return self.transcripts.history(conversation_id), self.handoffs.mode(conversation_id)

    # -- sending -------------------------------------------------------------------------

    async def _store_and_send(
        self, conv: _Conversation, messages: list[NewMessage]
    ) -> list[TranscriptMessage]:
        async with conv.lock:
            stored = await self._db(self.transcripts.append_many, conv.id, messages)
            await self._fan_out(conv, stored)
            return stored

    async def _fan_out(self, conv: _Conversation, records: list[TranscriptMessage]) -> None:
        """Send stored messages to every tab (system lines as notices) and to staff, and
        tell the other instances (under ``conv.lock``)."""
        if not records:
            return
        if self.channel.shared:
            first, last = records[0].seq, records[-1].seq
            records = await self._unsent(conv, records)
            self.channel.publish(conv.id, {"type": "stored", "from": first, "to": last})
        await self._send_stored(conv, records)

    async def _unsent(
        self, conv: _Conversation, records: list[TranscriptMessage]
    ) -> list[TranscriptMessage]:
        """What of ``records`` this instance has not sent yet, preceded by any messages
        another instance stored in between (read from the transcript), in seq order."""
        sent = conv.sent_seq
        if sent is not None:
            if records[0].seq > sent + 1:
                missed = await self._db(self.transcripts.between, conv.id, sent,
                                        records[0].seq - 1)
                records = missed + records
            records = [r for r in records if r.seq > sent]
        if records:
            conv.sent_seq = records[-1].seq
        return records

    async def _send_stored(self, conv: _Conversation, records: list[TranscriptMessage]) -> None:
        for record in records:
            if conv.staff:
                self._to_staff(conv, message_payload(record, for_staff=True))
            if record.role == SYSTEM and record.kind:
                message = message_payload(record)
                payload = {"type": "notice", "kind": record.kind, "text": record.text,
                           "id": record.id, "seq": record.seq, "at": message["at"],
                           "author": record.author}
            else:
                payload = message_payload(record)
            await self._send_to_tabs(conv, payload)

    async def _broadcast(self, conv: _Conversation, payload: dict[str, Any]) -> None:
        """Something not stored (typing, a queue place, a turn that failed) to every tab of
        the conversation, on every instance."""
        await self._send_to_tabs(conv, payload)
        self.channel.publish(conv.id, {"type": "tabs", "payload": payload})

    async def _send_to_tabs(self, conv: _Conversation, payload: dict[str, Any]) -> None:
        if not conv.sockets:
            return
        data = json.dumps(payload)
        await asyncio.gather(*(self._send(conv, ws, data) for ws in list(conv.sockets)))

    async def _send(self, conv: _Conversation, ws: web.WebSocketResponse, data: str) -> None:
        """Send to one tab; a tab that has gone is dropped (it will reconnect and resend)."""
        try:
            await ws.send_str(data)
        except (ConnectionError, RuntimeError):
            conv.sockets.discard(ws)

    def _to_staff(self, conv: _Conversation, event: dict[str, Any]) -> None:
        for subscription in list(conv.staff):
            subscription.put(event)

    def _tell_staff(self, conv: _Conversation, event: dict[str, Any]) -> None:
        """An event for staff watching the conversation, on every instance."""
        self._to_staff(conv, event)
        self.channel.publish(conv.id, {"type": "staff", "payload": event})

    async def _set_mode(self, conv: _Conversation, mode: str, *, publish: bool = True) -> None:
        """Tell everyone when who-has-the-conversation changes (the first look is no change:
        tabs get the mode in ``history``, staff with the transcript)."""
        previous, conv.mode = conv.mode, mode
        if previous is not None and previous != mode:
            await self._send_to_tabs(conv, {"type": "mode", "mode": mode})
            self._to_staff(conv, {"type": "mode", "mode": mode})
            self._queue_touched(conv, publish=False)
        if publish and previous != mode:
            # Others re-read it from the handoff queue (the one source of truth); also on a
            # first look here, since another instance may hold an older one.
            self.channel.publish(conv.id, {"type": "mode"})

    # -- events from other instances -------------------------------------------------------

    async def start_channel(self) -> None:
        """Start hearing the other instances (the app's startup)."""
        await self.channel.start(self.remote_event)

    async def remote_event(self, conversation_id: str, event: dict[str, Any]) -> None:
        """Deliver what another instance did to the tabs and staff this instance holds."""
        kind = event.get("type")
        if kind == "queue":
            self._queue_touched(publish=False)
            return
        if conversation_id == EVERY_CONVERSATION:  # reconnected: read what was missed
            self._queue_touched(publish=False)
            for conv_id in list(self._conversations):
                await self.remote_event(conv_id, {"type": "stored", "to": None})
                await self.remote_event(conv_id, {"type": "mode"})
            return
        conv = self._conversations.get(conversation_id)
        if conv is None:
            return  # nobody here watches it
        conv.busy += 1
        try:
            if kind == "stored":
                await self._remote_stored(conv, event.get("from"), event.get("to"))
            elif kind == "mode":
                self._queue_touched(publish=False)
                mode = await self._db(self.handoffs.mode, conv.id)
                await self._set_mode(conv, mode, publish=False)
            elif kind == "tabs" and isinstance(event.get("payload"), dict):
                await self._send_to_tabs(conv, event["payload"])
            elif kind == "staff" and isinstance(event.get("payload"), dict):
                self._to_staff(conv, event["payload"])
            elif kind == "ended":
                self._to_staff(conv, {"type": "resident_ended"})
                await self._close_tabs(conv)
        finally:
            conv.busy -= 1
            self._forget_if_idle(conv)

    async def _remote_stored(self, conv: _Conversation, first: Any, last: Any) -> None:
        """Send the messages another instance stored (up to seq ``last``; every one after
        the last sent when ``last`` is None) that this instance has not sent yet."""
        async with conv.lock:
            after = conv.sent_seq
            if after is None:
                if not isinstance(first, int):
                    return  # nothing sent here yet: nothing to catch up on
                after = first - 1
            if isinstance(last, int) and last <= after:
                return
            records = await self._db(self.transcripts.between, conv.id, after,
                                     last if isinstance(last, int) else None)
            if records:
                conv.sent_seq = records[-1].seq
                await self._send_stored(conv, records)

    # -- bookkeeping ---------------------------------------------------------------------

    @asynccontextmanager
    async def _conversation(self, conversation_id: str) -> AsyncIterator[_Conversation]:
        conv = self._conversations.setdefault(conversation_id, _Conversation(conversation_id))
        conv.busy += 1
        try:
            yield conv
        finally:
            conv.busy -= 1
            self._forget_if_idle(conv)

    def _spawn(self, conv: _Conversation, work: Coroutine[Any, Any, None]) -> None:
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
                await self._broadcast(conv, {"type": "notice", "kind": notices.UNAVAILABLE,
                                             "text": notices.TURN_FAILED_TEXT})
            finally:
                conv.busy -= 1
                self._forget_if_idle(conv)

        task = asyncio.create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _unsubscribe(self, subscription: StaffSubscription) -> None:
        conv = self._conversations.get(subscription.conversation_id)
        if conv is not None:
            conv.staff.discard(subscription)
            self._forget_if_idle(conv)

    def _forget_if_idle(self, conv: _Conversation) -> None:
        if not (conv.sockets or conv.staff or conv.busy):
            if self._conversations.get(conv.id) is conv:
                del self._conversations[conv.id]

    @property
    def active_conversations(self) -> int:
        return len(self._conversations)


def history_payload(
    history: list[TranscriptMessage], mode: str, *, for_staff: bool = False
) -> dict[str, Any]:
    return {
        "type": "history",
        "messages": [message_payload(m, for_staff=for_staff) for m in history],
        "mode": mode,
    }
