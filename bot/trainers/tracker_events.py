"""Read Rasa's SQL tracker store, redacting as it reads: the only door to residents' words.

Rasa's ``SQLTrackerStore`` keeps one row per event in ``events`` (``id``, ``sender_id``,
``type_name``, ``timestamp`` in epoch seconds, ``intent_name``, ``action_name`` and the event
as JSON in ``data``), in the database ``DATABASE_URL`` names (``bot.rasa.endpoints``). This
module is the store layer for the trainer tools: every text a resident typed, and every slot
value, is passed through :func:`bot.trainers.redaction.redact` inside the loop that parses
the row, so what it returns (:class:`UserTurn`, :class:`StoryEvent`) only ever holds
redacted text. Nothing else in the trainer tools reads ``events``' JSON.

The table is described once, in :mod:`bot.rasa.events` (Rasa's, created by Rasa, and on
none of the product's metadata, so no migration of ours touches it).
"""
from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.rasa.events import EVENTS_TABLE, events
from bot.trainers.redaction import (
    EXPECTING_ADDRESS,
    EXPECTING_NAME,
    redact,
    redact_value,
)

REQUESTED_SLOT = "requested_slot"
# Form questions whose answer is a name or an address (domain.yml's request_form slots):
# a message typed while one was asked is redacted expecting one (bare "kwame mensah").
NAME_SLOTS = frozenset({"full_name", "previous_names", "subject_name"})
ADDRESS_SLOTS = frozenset({"address", "previous_addresses"})
FALLBACK_INTENT = "nlu_fallback"
SESSION_START_ACTION = "action_session_start"
LISTEN_ACTION = "action_listen"

class TrackerStoreMissing(RuntimeError):
    """The database has no ``events`` table: Rasa has not run on it, or stores elsewhere."""


@dataclass(frozen=True)
class UserTurn:
    """One resident message and what the assistant did with it (text already redacted)."""

    conversation_id: str
    event_id: int
    timestamp: float
    text: str
    intent: str | None  # what Rasa acted on: nlu_fallback when it fell back
    confidence: float | None
    ranking: tuple[tuple[str, float], ...]  # the classifier's ranking, nlu_fallback removed
    actions: tuple[str, ...] = ()  # actions the assistant ran in reply, in order
    is_payload: bool = False  # a button ("/affirm"), not typed text
    # The assistant's last message before this one (redacted), and its buttons' payloads
    # and titles (a typed or pressed button value is no message to learn from).
    question: str | None = None
    buttons: tuple[str, ...] = ()
    # A form question was pending (requested_slot) while the form (active_loop) ran.
    requested_slot: str | None = None
    active_loop: str | None = None
    # The responses the assistant replied with (Rasa's utter_action of each bot message).
    replies: tuple[str, ...] = ()

    @property
    def fell_back(self) -> bool:
        return self.intent == FALLBACK_INTENT

    @property
    def top(self) -> tuple[str | None, float | None]:
        """The classifier's own best guess, even when the turn fell back."""
        if self.ranking:
            return self.ranking[0]
        return self.intent, self.confidence

    @property
    def second(self) -> tuple[str | None, float | None]:
        if len(self.ranking) > 1:
            return self.ranking[1]
        return None, None


@dataclass(frozen=True)
class StoryEvent:
    """The parts of an event a test story needs (user text and slot values redacted)."""

    kind: str  # "user", "action", "slot", "active_loop"
    name: str | None = None  # action, slot or loop name; intent for "user"
    text: str | None = None
    value: Any = None
    is_payload: bool = False


def has_tracker_store(engine: Engine) -> bool:
    try:
        return sa.inspect(engine).has_table(EVENTS_TABLE)
    except SQLAlchemyError:
        return False


def _require_table(engine: Engine) -> None:
    if not has_tracker_store(engine):
        raise TrackerStoreMissing(
            "no Rasa tracker store (table 'events') in this database: has the assistant run "
            "on it yet? (DATABASE_URL names the database Rasa and the tools share)"
        )


def _load(raw: str | None) -> dict[str, Any]:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _ranking(parse_data: dict[str, Any]) -> tuple[tuple[str, float], ...]:
    ranking = []
    for entry in parse_data.get("intent_ranking") or []:
        name = entry.get("name")
        confidence = entry.get("confidence")
        if name and name != FALLBACK_INTENT and isinstance(confidence, (int, float)):
            ranking.append((str(name), float(confidence)))
    return tuple(sorted(ranking, key=lambda item: -item[1]))


def expecting_for(requested_slot: object) -> str | None:
    if requested_slot in NAME_SLOTS:
        return EXPECTING_NAME
    if requested_slot in ADDRESS_SLOTS:
        return EXPECTING_ADDRESS
    return None


def _redacted_text(data: dict, requested_slot: object) -> tuple[str, bool]:
    """(redacted text, is a button payload) of a user event's data."""
    raw_text = str(data.get("text") or "")
    text = redact(" ".join(raw_text.split()), expecting=expecting_for(requested_slot))
    return text, raw_text.startswith("/")


def _user_turn(
    sender: str, event_id: int, timestamp: float | None, data: dict, requested_slot: object,
    *, context: _Context | None = None,
) -> UserTurn:
    """Build a turn from a parsed user event; the raw text goes no further than here."""
    text, is_payload = _redacted_text(data, requested_slot)
    context = context or _Context()
    parse_data = data.get("parse_data") or {}
    intent = parse_data.get("intent") or {}
    confidence = intent.get("confidence")
    return UserTurn(
        conversation_id=sender,
        event_id=event_id,
        timestamp=float(timestamp or data.get("timestamp") or 0.0),
        text=text,
        intent=intent.get("name"),
        confidence=float(confidence) if isinstance(confidence, (int, float)) else None,
        ranking=_ranking(parse_data),
        is_payload=is_payload,
        question=context.question,
        buttons=context.buttons,
        requested_slot=requested_slot if isinstance(requested_slot, str) else None,
        active_loop=context.active_loop,
    )


@dataclass
class _Context:
    """What the assistant had just said and was doing when a resident wrote."""

    question: str | None = None  # redacted
    buttons: tuple[str, ...] = ()
    active_loop: str | None = None

    def heard(self, data: dict) -> None:
        """A bot message: the next resident message answers it."""
        text = " ".join(str(data.get("text") or "").split())
        self.question = redact(text) if text else self.question
        buttons = ((data.get("data") or {}).get("buttons")) or []
        values = []
        for button in buttons if isinstance(buttons, list) else []:
            if isinstance(button, dict):
                values += [str(button.get(k) or "") for k in ("payload", "title")]
        self.buttons = tuple(v.lstrip("/") for v in values if v)


def _utter_action(data: dict) -> str | None:
    name = (data.get("metadata") or {}).get("utter_action")
    return str(name) if name else None


def read_user_turns(
    engine: Engine,
    *,
    since: float | None = None,
    conversation_id: str | None = None,
) -> Iterator[UserTurn]:
    """Every resident message (redacted) with the actions run in reply, oldest first per
    conversation. ``since``: only messages at or after this epoch time."""
    _require_table(engine)
    query = (
        sa.select(events.c.id, events.c.sender_id, events.c.type_name, events.c.timestamp,
                  events.c.action_name, events.c.data)
        .where(events.c.type_name.in_(("user", "action", "slot", "bot", "active_loop")))
        .order_by(events.c.sender_id, events.c.id)
    )
    if since is not None:
        query = query.where(events.c.timestamp >= since)
    if conversation_id is not None:
        query = query.where(events.c.sender_id == conversation_id)
    pending: UserTurn | None = None
    actions: list[str] = []
    replies: list[str] = []
    sender: str | None = None
    requested: object = None
    context = _Context()
    with engine.connect() as connection:
        result = connection.execution_options(stream_results=True).execute(query)
        for row in result:
            if row.sender_id != sender:
                if pending is not None:
                    yield _with_actions(pending, actions, replies)
                pending, actions, replies = None, [], []
                sender, requested, context = row.sender_id, None, _Context()
            if row.type_name == "slot":
                data = _load(row.data)
                if data.get("name") == REQUESTED_SLOT:
                    requested = data.get("value")
            elif row.type_name == "active_loop":
                name = _load(row.data).get("name")
                context.active_loop = str(name) if name else None
            elif row.type_name == "bot":
                data = _load(row.data)
                context.heard(data)
                utter = _utter_action(data)
                if pending is not None and utter:
                    replies.append(utter)
            elif row.type_name == "user":
                if pending is not None:
                    yield _with_actions(pending, actions, replies)
                pending = _user_turn(
                    row.sender_id, row.id, row.timestamp, _load(row.data), requested,
                    context=context,
                )
                actions, replies = [], []
            elif pending is not None and row.action_name and row.action_name != LISTEN_ACTION:
                actions.append(row.action_name)
    if pending is not None:
        yield _with_actions(pending, actions, replies)


def _with_actions(turn: UserTurn, actions: list[str], replies: Sequence[str] = ()) -> UserTurn:
    return replace(turn, actions=tuple(actions), replies=tuple(replies))


def read_story_events(engine: Engine, conversation_id: str) -> list[StoryEvent]:
    """A conversation's user, action, slot and loop events in order, redacted."""
    _require_table(engine)
    query = (
        sa.select(events.c.type_name, events.c.action_name, events.c.data)
        .where(events.c.sender_id == conversation_id)
        .where(events.c.type_name.in_(("user", "action", "slot", "active_loop")))
        .order_by(events.c.id)
    )
    out: list[StoryEvent] = []
    requested: object = None
    with engine.connect() as connection:
        for row in connection.execute(query):
            data = _load(row.data)
            if row.type_name == "user":
                text, is_payload = _redacted_text(data, requested)
                intent = ((data.get("parse_data") or {}).get("intent") or {}).get("name")
                out.append(StoryEvent(kind="user", name=intent, text=text, is_payload=is_payload))
            elif row.type_name == "action":
                out.append(StoryEvent(kind="action", name=row.action_name or data.get("name")))
            elif row.type_name == "slot":
                if data.get("name") == REQUESTED_SLOT:
                    requested = data.get("value")
                out.append(StoryEvent(
                    kind="slot", name=data.get("name"), value=_slot_value(data)
                ))
            else:
                out.append(StoryEvent(kind="active_loop", name=data.get("name")))
    return out


def _slot_value(data: dict) -> Any:
    """A slot's value, redacted (a name or address slot's text as an answer to that)."""
    value = data.get("value")
    expecting = expecting_for(data.get("name"))
    if isinstance(value, str) and expecting:
        return redact(value, expecting=expecting)
    return redact_value(value)


def conversation_ids(engine: Engine) -> list[str]:
    """Every conversation in the tracker store, most recently active first."""
    _require_table(engine)
    query = (
        sa.select(events.c.sender_id, sa.func.max(events.c.timestamp).label("last"))
        .group_by(events.c.sender_id)
        .order_by(sa.desc("last"))
    )
    with engine.connect() as connection:
        return [row.sender_id for row in connection.execute(query)]
