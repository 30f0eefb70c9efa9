"""Rasa's SQL tracker store, loading only the events a worker has not seen yet.

Rasa's ``SQLTrackerStore`` rebuilds a conversation on every message from every event of its
session: each row read, parsed from JSON and turned into an event object again. That grows
with the conversation: at 120 turns (about 1,000 events) it was the largest part of a turn
(docs/benchmarks.md). With the hub routing each conversation to one Rasa worker
(:mod:`bot.rasa.routing`), that worker has already parsed all but the last turn's events.

:class:`IncrementalSQLTrackerStore` keeps, per conversation (the most recently used
:data:`CACHED_CONVERSATIONS`), the parsed events of its current session, the highest row id
they came from and how many of the conversation's rows are at or below it. On ``retrieve``
it counts those rows again (one indexed query): if the count differs (rows deleted by
retention or an erasure, or anything else unexpected) it loads everything, exactly as
Rasa does; otherwise it parses only the rows after that id (written by this worker's last
turn, or by another process) and builds the tracker from the events. Rows are only ever
added or deleted, never changed, so nothing it keeps can be stale. Writing is Rasa's own
``save``; reading every session (``retrieve_full_tracker``) is Rasa's own too.

Endpoints: ``tracker_store: {type: bot.rasa.tracker_store.IncrementalSQLTrackerStore, ...}``
with the same fields as ``type: SQL`` (:mod:`bot.rasa.endpoints` writes it).
"""
from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

CACHED_CONVERSATIONS = 500


@dataclass
class _Known:
    events: list[Event]  # the current session's, in row order
    last_id: int  # the highest row id read
    rows: int  # how many of the conversation's rows have an id <= last_id


class IncrementalSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` whose ``retrieve`` parses only rows it has not parsed before."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._known: OrderedDict[str, _Known] = OrderedDict()

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        if not self.domain:
            return await super().retrieve(sender_id)
        with self.session_scope() as session:
            known = self._known.pop(sender_id, None)
            if known is not None and self._rows_up_to(session, sender_id,
                                                      known.last_id) != known.rows:
                known = None
            if known is None:
                known = self._load_session(session, sender_id)
            else:
                self._add_new_rows(session, sender_id, known)
        if not known.events:
            return None
        self._known[sender_id] = known
        while len(self._known) > CACHED_CONVERSATIONS:
            self._known.popitem(last=False)
        return DialogueStateTracker.from_events(sender_id, list(known.events),
                                                self.domain.slots)

    def forget(self, sender_id: str) -> None:
        """Drop what is kept for one conversation (the next retrieve reads it all)."""
        self._known.pop(sender_id, None)

    def _rows_up_to(self, session: Any, sender_id: str, last_id: int) -> int:
        return int(session.query(sa.func.count(self.SQLEvent.id)).filter(
            self.SQLEvent.sender_id == sender_id, self.SQLEvent.id <= last_id).scalar() or 0)

    def _load_session(self, session: Any, sender_id: str) -> _Known:
        rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).all()
        last_id = rows[-1].id if rows else 0
        events = [Event.from_parameters(json.loads(row.data)) for row in rows]
        return _Known([e for e in events if e is not None], last_id,
                      self._rows_up_to(session, sender_id, last_id))

    def _add_new_rows(self, session: Any, sender_id: str, known: _Known) -> None:
        rows = session.query(self.SQLEvent).filter(
            self.SQLEvent.sender_id == sender_id, self.SQLEvent.id > known.last_id
        ).order_by(self.SQLEvent.id).all()
        if not rows:
            return
        new = [e for e in (Event.from_parameters(json.loads(r.data)) for r in rows)
               if e is not None]
        starts = [n for n, event in enumerate(new) if isinstance(event, SessionStarted)]
        # A new session: Rasa loads from its session_started event on.
        known.events = new[starts[-1]:] if starts else known.events + new
        known.last_id = rows[-1].id
        known.rows += len(rows)
