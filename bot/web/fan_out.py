"""Sending what happened in a conversation to everyone watching it, on every instance.

Stored messages go out in seq order under the conversation's ``lock``: to this instance's
tabs and staff subscribers, and, with a shared live channel, as a ``stored`` event that
the other instances answer by reading the transcript (:meth:`FanOut.remote_stored`); what
is not stored (typing, a queue place, a failed turn) is published with its payload.
"""
from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiohttp import WSCloseCode, web

from bot.chat.transcripts import NewMessage, TranscriptMessage, TranscriptStore, message_payload
from bot.web.conversations import Conversation
from bot.web.live_channel import LiveChannel
from bot.web.payloads import tab_payload

T = TypeVar("T")
Db = Callable[..., Awaitable[Any]]


class FanOut:
    """The hub's sending: to tabs (WebSockets), to staff subscribers, to other instances."""

    def __init__(self, transcripts: TranscriptStore, channel: LiveChannel, db: Db) -> None:
        self.transcripts = transcripts
        self.channel = channel
        self._db = db

    async def store_and_send(
        self, conv: Conversation, messages: list[NewMessage]
    ) -> list[TranscriptMessage]:
        async with conv.lock:
            stored = await self._db(self.transcripts.append_many, conv.id, messages)
            await self.stored(conv, stored)
            return stored

    async def stored(self, conv: Conversation, records: list[TranscriptMessage]) -> None:
        """Send stored messages to every tab (system lines as notices) and to staff, and
        tell the other instances (under ``conv.lock``)."""
        if not records:
            return
        if self.channel.shared:
            first, last = records[0].seq, records[-1].seq
            records = await self._unsent(conv, records)
            self.channel.publish(conv.id, {"type": "stored", "from": first, "to": last})
        await self._send_stored(conv, records)

    def sent_up_to(self, conv: Conversation, history: list[TranscriptMessage]) -> None:
        """With other instances: a history was sent, so this instance knows from where to
        send (once only; after that ``sent_seq`` moves as messages are sent)."""
        if self.channel.shared and conv.sent_seq is None:
            conv.sent_seq = history[-1].seq if history else 0

    async def _unsent(
        self, conv: Conversation, records: list[TranscriptMessage]
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

    async def remote_stored(self, conv: Conversation, first: Any, last: Any) -> None:
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

    async def _send_stored(self, conv: Conversation, records: list[TranscriptMessage]) -> None:
        for record in records:
            if conv.staff:
                self.to_staff(conv, message_payload(record, for_staff=True))
            await self.to_tabs(conv, tab_payload(record))

    async def broadcast(self, conv: Conversation, payload: dict[str, Any]) -> None:
        """Something not stored (typing, a queue place, a turn that failed) to every tab of
        the conversation, on every instance."""
        await self.to_tabs(conv, payload)
        self.channel.publish(conv.id, {"type": "tabs", "payload": payload})

    async def to_tabs(self, conv: Conversation, payload: dict[str, Any]) -> None:
        if not conv.sockets:
            return
        data = json.dumps(payload)
        await asyncio.gather(*(self.send(conv, ws, data) for ws in list(conv.sockets)))

    async def send(self, conv: Conversation, ws: web.WebSocketResponse, data: str) -> None:
        """Send to one tab; a tab that has gone is dropped (it will reconnect and resend)."""
        try:
            await ws.send_str(data)
        except (ConnectionError, RuntimeError):
            conv.sockets.discard(ws)

    async def close_tabs(self, conv: Conversation) -> None:
        sockets, conv.sockets = list(conv.sockets), set()
        await asyncio.gather(
            *(ws.close(code=WSCloseCode.OK, message=b"ended") for ws in sockets),
            return_exceptions=True,
        )

    def to_staff(self, conv: Conversation, event: dict[str, Any]) -> None:
        for subscription in list(conv.staff):
            subscription.put(event)

    def tell_staff(self, conv: Conversation, event: dict[str, Any]) -> None:
        """An event for staff watching the conversation, on every instance."""
        self.to_staff(conv, event)
        self.channel.publish(conv.id, {"type": "staff", "payload": event})
