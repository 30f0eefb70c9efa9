"""What the model understood a resident's message as, read from Rasa's own tracker store.

Staff need the intent and confidence of each resident message. Asking Rasa again
(``/model/parse``) would run the NLU pipeline a second time per turn and could disagree
with what the conversation actually used; ``GET /conversations/{id}/tracker`` makes Rasa
load and serialise the whole conversation on its event loop. Rasa's SQL tracker store
lives in the same database as our tables (``bot.rasa.endpoints``), and it has already
written the turn's ``user`` event, with its ``parse_data``, by the time the REST channel
answers. So the hub reads that one row, in a worker thread: one indexed query, no work for
Rasa. The hub tags each relayed message with its transcript id in the message metadata
(Rasa keeps metadata on the event), so the row found is exactly that message's. The table is
described in :mod:`bot.rasa.events`.

When the tracker store is elsewhere (another database, Redis) the table is missing and the
intent stays unknown (NULL): the chat itself never depends on this.
"""
from __future__ import annotations

import json
import logging

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.chat.transcripts import Understanding
from bot.rasa.events import events

log = logging.getLogger(__name__)

# The metadata key the hub puts on every relayed message (Rasa stores it on the user event).
MESSAGE_ID_KEY = "dpa_transcript_message_id"
# Rasa writes one user event per turn; a few rows back covers a turn racing another tab's.
_LOOK_BACK = 5

__all__ = ["MESSAGE_ID_KEY", "Understanding", "read_understanding"]

# The conversation's latest user events, newest first (sender_id is indexed).
_QUERY = (
    sa.select(events.c.data)
    .where(events.c.sender_id == sa.bindparam("sender"), events.c.type_name == "user")
    .order_by(events.c.id.desc())
    .limit(_LOOK_BACK)
)


def read_understanding(
    engine: Engine, conversation_id: str, message_id: int
) -> Understanding | None:
    """The parse Rasa stored for the transcript message ``message_id``, if it can be found."""
    try:
        with engine.connect() as connection:
            rows = connection.execute(_QUERY, {"sender": conversation_id}).scalars().all()
    except SQLAlchemyError as exc:  # no events table here: the tracker store is elsewhere
        log.debug("no tracker store to read intents from: %s", type(exc).__name__)
        return None
    for raw in rows:
        try:
            event = json.loads(raw or "{}")
        except ValueError:
            continue
        metadata = event.get("metadata") or {}
        if metadata.get(MESSAGE_ID_KEY) != message_id:
            continue
        intent = (event.get("parse_data") or {}).get("intent") or {}
        confidence = intent.get("confidence")
        return Understanding(
            intent=intent.get("name"),
            confidence=float(confidence) if isinstance(confidence, (int, float)) else None,
        )
    return None
