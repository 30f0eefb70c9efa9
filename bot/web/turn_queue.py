"""Capacity: at most ``CHAT_MAX_TURNS_IN_FLIGHT`` turns waiting for one Rasa worker at once, the
rest queued (the relay keeps one queue per worker).

Past capacity, sending every turn to Rasa makes them all slow and many time out: residents
were told "unavailable" when the assistant was only busy. Instead the extra turns wait here,
first come first served, and their residents are told their place and a rough wait, from the
recent turn times. The wait in the queue does not count toward the Rasa timeout. A turn
still waiting when its estimate has passed tells its resident again (their place now and a
new estimate), so the wait they were given never silently turns out false.
"""
from __future__ import annotations

import asyncio
import math
import statistics
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

# How many recent turn times the estimate uses, and what it assumes before there are any.
RECENT_TURNS = 50
DEFAULT_TURN_SECONDS = 5.0
# However short the estimate, a resident is not told again more often than this.
MIN_UPDATE_SECONDS = 5.0

# on_queued(position, estimate in seconds, still): still is True for an update.
OnQueued = Callable[[int, float, bool], Awaitable[None]]


class TurnQueue:
    """A first-come-first-served gate in front of Rasa, with a wait estimate."""

    def __init__(self, limit: int, clock: Callable[[], float] = time.monotonic,
                 min_update_seconds: float = MIN_UPDATE_SECONDS) -> None:
        if limit < 1:
            raise ValueError("the limit of turns in flight must be at least 1")
        self.limit = limit
        self.min_update_seconds = min_update_seconds
        self.in_flight = 0
        self._waiting: deque[asyncio.Future[None]] = deque()
        self._times: deque[float] = deque(maxlen=RECENT_TURNS)
        self._clock = clock

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def turn_seconds(self) -> float:
        """A typical recent turn (the median, so one slow turn does not skew it)."""
        return statistics.median(self._times) if self._times else DEFAULT_TURN_SECONDS

    def estimate(self, position: int) -> float:
        """Roughly how long the turn at ``position`` in the queue waits before its answer:
        the turns ahead of it go ``limit`` at a time, then its own turn."""
        return (math.ceil(position / self.limit) + 1) * self.turn_seconds()

    def record(self, seconds: float) -> None:
        """A turn Rasa answered took this long (failed turns say nothing about capacity)."""
        self._times.append(seconds)

    @asynccontextmanager
    async def turn(self, on_queued: OnQueued) -> AsyncIterator[None]:
        """Hold one of the places; past capacity, wait in order (``on_queued(position,
        estimate, False)`` is awaited first, so the resident knows at once, and again with
        ``True`` each time the estimate passes with the turn still waiting)."""
        if self.in_flight < self.limit and not self._waiting:
            self.in_flight += 1
        else:
            ticket: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiting.append(ticket)
            position = len(self._waiting)
            try:
                estimate = self.estimate(position)
                await on_queued(position, estimate, False)
                while True:
                    try:
                        # A finished turn hands its place over (in_flight unchanged).
                        await asyncio.wait_for(asyncio.shield(ticket),
                                               max(estimate, self.min_update_seconds))
                        break
                    except asyncio.TimeoutError:
                        if ticket.done():
                            break
                        position = self._waiting.index(ticket) + 1
                        estimate = self.estimate(position)
                        await on_queued(position, estimate, True)
            except BaseException:
                if ticket.done() and not ticket.cancelled():
                    self._release()  # handed a place just as it was cancelled: pass it on
                else:
                    ticket.cancel()
                    self._discard(ticket)
                raise
        try:
            yield
        finally:
            self._release()

    def _release(self) -> None:
        while self._waiting:
            ticket = self._waiting.popleft()
            if not ticket.done():
                ticket.set_result(None)
                return
        self.in_flight -= 1

    def _discard(self, ticket: asyncio.Future[None]) -> None:
        try:
            self._waiting.remove(ticket)
        except ValueError:
            pass
