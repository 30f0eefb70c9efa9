"""A hand-filled Rasa tracker store: the ``events`` table as Rasa's SQLTrackerStore writes it.

The table is :mod:`bot.rasa.events` (checked against Rasa's own by tests/test_rasa_events.py,
and against a store Rasa itself filled by the end-to-end test).
"""
from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from bot.rasa.events import events, metadata


def drop_events_table(engine: Engine) -> None:
    metadata.drop_all(engine, tables=[events])


@dataclass
class Conversation:
    """Writes one conversation's events, Rasa-shaped, one second apart from ``start``."""

    engine: Engine
    sender_id: str
    start: float = 1_790_000_000.0
    _clock: itertools.count = field(default_factory=lambda: itertools.count())

    def _now(self) -> float:
        return self.start + next(self._clock)

    def _insert(self, type_name: str, data: dict, *, intent: str | None = None,
                action: str | None = None, timestamp: float | None = None) -> None:
        timestamp = self._now() if timestamp is None else timestamp
        data = {"event": type_name, "timestamp": timestamp, **data}
        with self.engine.begin() as connection:
            connection.execute(events.insert().values(
                sender_id=self.sender_id, type_name=type_name, timestamp=timestamp,
                intent_name=intent, action_name=action, data=json.dumps(data),
            ))

    def session_start(self, timestamp: float | None = None) -> Conversation:
        self.action("action_session_start", timestamp=timestamp)
        self._insert("session_started", {}, timestamp=timestamp)
        return self.action("action_listen", timestamp=timestamp)

    def user(self, text: str, *ranking: tuple[str, float], fallback: bool = False,
             timestamp: float | None = None) -> Conversation:
        """A resident message; ``ranking`` as the classifier gave it, best first."""
        ranked = [{"name": name, "confidence": conf} for name, conf in ranking]
        if fallback:
            ranked = [{"name": "nlu_fallback", "confidence": 0.55}] + ranked
        top = ranked[0] if ranked else {"name": None, "confidence": None}
        parse = {"intent": top, "entities": [], "text": text, "message_id": "m",
                 "metadata": {}, "intent_ranking": ranked}
        self._insert("user", {"text": text, "parse_data": parse, "input_channel": "rest",
                              "message_id": "m", "metadata": {}},
                     intent=top["name"], timestamp=timestamp)
        return self

    def action(self, name: str, timestamp: float | None = None) -> Conversation:
        self._insert("action", {"name": name, "policy": "RulePolicy", "confidence": 1.0},
                     action=name, timestamp=timestamp)
        return self

    def bot(self, text: str, *, utter: str | None = None,
            buttons: tuple[tuple[str, str], ...] = ()) -> Conversation:
        """A bot message (``utter``: the response Rasa names in its metadata; ``buttons``:
        (title, payload) pairs)."""
        data = {"buttons": [{"title": t, "payload": p} for t, p in buttons] or None}
        metadata = {"utter_action": utter} if utter else {}
        self._insert("bot", {"text": text, "data": data, "metadata": metadata})
        return self

    def slot(self, name: str, value: object) -> Conversation:
        self._insert("slot", {"name": name, "value": value})
        return self

    def active_loop(self, name: str | None) -> Conversation:
        self._insert("active_loop", {"name": name})
        return self

    def reply(self, *actions: str) -> Conversation:
        """The assistant's turn: ``actions`` then listening again."""
        for name in actions:
            self.action(name)
        return self.action("action_listen")
