"""The hub's conversations in this process: each one's tabs, staff, locks and turns in
flight, and the registry that forgets a conversation nobody uses any more."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web

from bot.web.relay import Outbound
from bot.web.staff_subscription import StaffSubscription


@dataclass(eq=False)
class Conversation:
    """One conversation's state in this process (the locks: see :mod:`bot.web.hub`)."""

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


class Conversations:
    """Conversations by id; one is kept while it has a tab, a staff subscriber or work in
    flight (``busy``), and forgotten when it has none."""

    def __init__(self) -> None:
        self._by_id: dict[str, Conversation] = {}

    def get(self, conversation_id: str) -> Conversation | None:
        return self._by_id.get(conversation_id)

    def watch(self, conversation_id: str) -> Conversation:
        """The conversation, created if new (the caller adds a tab or subscriber to it)."""
        return self._by_id.setdefault(conversation_id, Conversation(conversation_id))

    @asynccontextmanager
    async def using(self, conversation_id: str) -> AsyncIterator[Conversation]:
        """The conversation, kept while the block runs."""
        conv = self.watch(conversation_id)
        conv.busy += 1
        try:
            yield conv
        finally:
            conv.busy -= 1
            self.forget_if_idle(conv)

    def forget_if_idle(self, conv: Conversation) -> None:
        if not (conv.sockets or conv.staff or conv.busy):
            if self._by_id.get(conv.id) is conv:
                del self._by_id[conv.id]

    def unsubscribe(self, subscription: StaffSubscription) -> None:
        """A staff subscription closed: stop sending to it."""
        conv = self._by_id.get(subscription.conversation_id)
        if conv is not None:
            conv.staff.discard(subscription)
            self.forget_if_idle(conv)

    def ids(self) -> list[str]:
        return list(self._by_id)

    def all(self) -> list[Conversation]:
        return list(self._by_id.values())

    def clear(self) -> None:
        self._by_id.clear()

    def __len__(self) -> int:
        return len(self._by_id)
