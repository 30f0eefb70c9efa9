"""A member of staff's live view of one conversation, with a bounded queue of events."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

# A staff console that stops reading loses its subscription rather than growing memory
# without bound; it re-subscribes and reloads the transcript.
STAFF_QUEUE_LIMIT = 1000


class StaffSubscription:
    """A member of staff's live view of one conversation: an async iterator of events.

    Events are dicts: ``{"type": "message", ...}`` for every stored message (with
    ``intent``, ``confidence`` and ``page``), ``{"type": "understanding", "id", "intent",
    "confidence"}`` once Rasa's parse of a resident message is known, ``{"type": "mode",
    "mode"}``, ``{"type": "resident_ended"}``. Iteration ends when the subscription is
    closed, or when it fell :data:`STAFF_QUEUE_LIMIT` events behind (``overflowed``).
    ``on_close`` is called once, when it closes (the hub stops sending to it).
    """

    _CLOSED = object()

    def __init__(
        self, conversation_id: str, on_close: Callable[[StaffSubscription], None]
    ) -> None:
        self.conversation_id = conversation_id
        self.overflowed = False
        self._on_close = on_close
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
            self._on_close(self)

    def __aiter__(self) -> StaffSubscription:
        return self

    async def __anext__(self) -> dict[str, Any]:
        return await self.get()

    async def __aenter__(self) -> StaffSubscription:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()
