"""The hub's side of placing conversations on Rasa servers (:mod:`bot.chat.placements`).

:class:`StoredPlacement` asks the database once per conversation and then keeps the answer
in memory (a placement never changes while its server is configured), so a turn costs no
database call for it, except one short write about once a :data:`TOUCH_EVERY` to keep the
load count current. When the database refuses, a conversation not yet placed goes to the
server its id hashes to, and is stored on its next turn once the database is back: the
resident is served meanwhile, and at worst that conversation moves server once, between two
of its turns (every server shares the tracker store, so nothing is lost).

:class:`HashPlacement`, the hash alone, is for code with no database (and one server).
"""
from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.orm import sessionmaker

from bot.chat.placements import place, stored_server, touch
from bot.db.engine import database_refused
from bot.rasa.routing import RasaRouting

log = logging.getLogger(__name__)

TOUCH_EVERY = timedelta(minutes=1)
# Conversations whose placement one hub keeps in memory (the oldest are asked again).
CACHED = 20_000

RunDb = Callable[..., Awaitable[Any]]


class Placement(Protocol):
    routing: RasaRouting

    async def url_for(self, conversation_id: str) -> str:
        """The server of ``conversation_id``, placing it there if it has none yet."""

    async def placed_on(self, conversation_id: str) -> str | None:
        """The server of ``conversation_id`` if it has one now (nothing is placed)."""


class HashPlacement:
    """Each conversation on the server its id hashes to."""

    def __init__(self, routing: RasaRouting) -> None:
        self.routing = routing

    async def url_for(self, conversation_id: str) -> str:
        return self.routing.url_for(conversation_id)

    async def placed_on(self, conversation_id: str) -> str | None:
        return self.routing.url_for(conversation_id)


class StoredPlacement:
    """Each new conversation on the least busy server, and kept there (shared database)."""

    def __init__(self, routing: RasaRouting, run_db: RunDb, sessions: sessionmaker,
                 now: Callable[[], datetime]) -> None:
        self.routing = routing
        self._run_db = run_db
        self._sessions = sessions
        self._now = now
        self._known: OrderedDict[str, tuple[str, datetime]] = OrderedDict()

    async def url_for(self, conversation_id: str) -> str:
        urls = self.routing.urls
        if len(urls) == 1:
            return urls[0]
        now = self._now()
        known = self._known.get(conversation_id)
        if known is not None:
            url, seen = known
            self._known.move_to_end(conversation_id)
            if now - seen >= TOUCH_EVERY:
                answered, _ = await self._unless_refused(touch, conversation_id, now,
                                                         what="counting a turn")
                if answered:  # else only the load count is a little stale
                    self._known[conversation_id] = (url, now)
            return url
        order = self.routing.order_for(conversation_id)
        answered, url = await self._unless_refused(place, conversation_id, order, now,
                                                   what="placing a conversation")
        if not answered:
            return order[0]  # placed on its next turn, once the database answers
        self._remember(conversation_id, url, now)
        return url

    async def placed_on(self, conversation_id: str) -> str | None:
        urls = self.routing.urls
        if len(urls) == 1:
            return urls[0]
        known = self._known.get(conversation_id)
        if known is not None:
            return known[0]
        _, url = await self._unless_refused(stored_server, conversation_id, urls,
                                            what="finding a conversation's server")
        if url is not None:
            self._remember(conversation_id, url, self._now())
        return url

    def _remember(self, conversation_id: str, url: str, now: datetime) -> None:
        self._known[conversation_id] = (url, now)
        if len(self._known) > CACHED:
            self._known.popitem(last=False)

    async def _unless_refused(self, call: Callable[..., Any], *args: Any,
                              what: str) -> tuple[bool, Any]:
        """``(True, call(sessions, *args))`` run in the database, or ``(False, None)``
        (logged) when the database refuses; any other error is a bug, and is raised."""
        try:
            return True, await self._run_db(call, self._sessions, *args)
        except Exception as exc:
            if not database_refused(exc):
                raise
            log.warning("%s waits for the database (%s)", what, type(exc).__name__)
            return False, None
