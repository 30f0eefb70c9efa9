"""Per-connection limits on what a resident may send (``CHAT_*`` settings)."""
from __future__ import annotations

import time
from collections.abc import Callable


class TokenBucket:
    """``rate_per_minute`` messages a minute on average, with bursts of up to ``burst``.

    A resident typing quickly sends two or three messages in a row; a script sends hundreds.
    The bucket lets the first through and refuses the second without storing anything.
    """

    def __init__(
        self,
        rate_per_minute: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._rate = rate_per_minute / 60.0
        self._capacity = float(max(1, burst))
        self._tokens = self._capacity
        self._clock = clock
        self._last = clock()

    def take(self) -> bool:
        """Spend one token if there is one; False means "too fast, refuse this message"."""
        now = self._clock()
        self._tokens = min(self._capacity, self._tokens + (now - self._last) * self._rate)
        self._last = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False
