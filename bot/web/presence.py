"""Which residents have the chat open on another web app instance ("resident connected").

Each instance knows the tabs it holds itself (:class:`bot.web.conversations.Conversation`
``sockets``). With several instances (a shared live channel, :mod:`bot.web.live_channel`)
the console on instance B must also know about a tab open on instance A, so each instance
tells the others, through the same channel:

- ``{"type": "presence", "on": true}`` when a conversation's first tab opens here, and
  ``"on": false`` when its last tab here closes;
- every :data:`HEARTBEAT_SECONDS`, the conversations with a tab open here
  (``{"type": "presence", "ids": [...]}``, in chunks that fit a PostgreSQL notification);
- on starting (and after reconnecting), a ``presence_query``: the others answer with their
  heartbeat at once, so a new instance need not wait for the next one.

Each event names the instance it came from. What another instance said holds for
:data:`EXPIRES_SECONDS` (three heartbeats) from when it was heard, by this instance's
own clock: an instance that crashes, or loses the channel, stops sending heartbeats and
its residents stop counting as connected here within that time. Only conversation ids
travel (not keys to a conversation: :mod:`bot.web.resident_ids`), never anything said.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from bot.web.live_channel import LiveChannel

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10.0
EXPIRES_SECONDS = 3 * HEARTBEAT_SECONDS
# Conversation ids per heartbeat event: 24 characters each (bot.web.resident_ids), so a
# chunk stays well under PostgreSQL's 8,000-byte notification limit.
IDS_PER_EVENT = 150
PRESENCE = "presence"
PRESENCE_QUERY = "presence_query"
# The conversation id heartbeats and queries travel under: no conversation's (those are
# 24 URL-safe characters), and not the channel's "every conversation", so an instance that
# does not know presence (an older one, mid-upgrade) finds nothing to deliver it to.
ANY_TABS = "~tabs"


class Presence:
    """Tabs open on the other instances, as they last said, each until it expires."""

    def __init__(self, channel: LiveChannel, local_ids: Callable[[], list[str]], *,
                 heartbeat_seconds: float = HEARTBEAT_SECONDS,
                 expires_seconds: float = EXPIRES_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._channel = channel
        self._local_ids = local_ids  # conversations with a tab open on this instance
        self.heartbeat_seconds = heartbeat_seconds
        self.expires_seconds = expires_seconds
        self._clock = clock
        # conversation id -> {instance: when what it said expires}
        self._remote: dict[str, dict[str, float]] = {}
        self._task: asyncio.Task | None = None

    # -- this instance ---------------------------------------------------------------------

    def opened(self, conversation_id: str) -> None:
        """A conversation's first tab on this instance opened."""
        self._publish(conversation_id, {"on": True})

    def closed(self, conversation_id: str) -> None:
        """A conversation's last tab on this instance closed."""
        self._publish(conversation_id, {"on": False})

    def start(self) -> None:
        """Send heartbeats while the app runs (nothing to do with one instance)."""
        if self._channel.shared and self._task is None:
            self._task = asyncio.create_task(self._heartbeats())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    def heartbeat(self) -> None:
        """Tell the others every conversation with a tab open here."""
        ids = sorted(self._local_ids())
        for start in range(0, len(ids), IDS_PER_EVENT):
            self._publish(ANY_TABS, {"ids": ids[start:start + IDS_PER_EVENT]})

    def resync(self) -> None:
        """After (re)connecting: ask the others for their heartbeats and send ours (either
        side may have missed events meanwhile)."""
        self._channel.publish(ANY_TABS, {"type": PRESENCE_QUERY})
        self.heartbeat()

    async def _heartbeats(self) -> None:
        self._channel.publish(ANY_TABS, {"type": PRESENCE_QUERY})
        while True:
            self.heartbeat()
            await asyncio.sleep(self.heartbeat_seconds)

    def _publish(self, conversation_id: str, fields: dict[str, Any]) -> None:
        self._channel.publish(conversation_id, {"type": PRESENCE,
                                                "instance": self._channel.instance, **fields})

    # -- the others ------------------------------------------------------------------------

    def heard(self, conversation_id: str, event: dict[str, Any]) -> None:
        """A ``presence`` or ``presence_query`` event from another instance."""
        if event.get("type") == PRESENCE_QUERY:
            self.heartbeat()
            return
        instance = event.get("instance")
        if not isinstance(instance, str):
            return
        until = self._clock() + self.expires_seconds
        if isinstance(event.get("ids"), list):
            self._expire()  # once a heartbeat, not on every event
            for conv_id in event["ids"]:
                if isinstance(conv_id, str):
                    self._remote.setdefault(conv_id, {})[instance] = until
        elif event.get("on") is True:
            self._remote.setdefault(conversation_id, {})[instance] = until
        elif event.get("on") is False:
            held = self._remote.get(conversation_id, {})
            held.pop(instance, None)
            if not held:
                self._remote.pop(conversation_id, None)

    def elsewhere(self, conversation_id: str) -> bool:
        """Whether another instance said, and has not expired, that it holds a tab."""
        now = self._clock()
        return any(until > now for until in self._remote.get(conversation_id, {}).values())

    def _expire(self) -> None:
        """Forget what has expired (kept small: one entry per conversation open elsewhere)."""
        now = self._clock()
        for conv_id in list(self._remote):
            held = {i: t for i, t in self._remote[conv_id].items() if t > now}
            if held:
                self._remote[conv_id] = held
            else:
                del self._remote[conv_id]
