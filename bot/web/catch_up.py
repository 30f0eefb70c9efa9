"""Catching up after an outage: what to do with the messages the assistant did not answer.

While Rasa or the action server is down or frozen, the hub keeps the resident's messages
(``relay`` ``pending`` or ``in_doubt`` in the transcript). When the assistant is back the hub
reads the conversation's tracker (after any turn Rasa was still working on) and plans:

- a kept message Rasa *did* process (its transcript id is in a ``user`` event's metadata)
  whose replies were lost: those replies are shown now (the resident learns what was said,
  a case reference included), and the message is delivered;
- a kept message Rasa processed without answering (the action server was down), or one
  that may have reached Rasa but is not in its tracker: *missed*, never sent again by the
  hub (it may have had effects): the resident is asked to send it again;
- the rest, which Rasa never had, are delivered in order, unless the conversation is at a
  form question and they could answer a question the resident did not see (more than one
  is waiting, or one was typed after a turn whose answer the resident never saw): then none
  is fed to the form; the resident is told which messages were missed and shown the
  question again.

Pure functions over plain data: :mod:`bot.web.hub` does the talking and storing.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.chat.transcripts import IN_DOUBT, TranscriptMessage
from bot.conversation.request_form import FIELD_LABELS
from bot.web.rasa_client import Reply, parse_replies
from bot.web.understanding import MESSAGE_ID_KEY

FORM_QUESTION_LABELS = {
    "confirmed": "confirming the details of your request",
    "change_field": "which answer you want to change",
    # The status check's questions (status_form).
    "case_reference": "the question about your case reference",
    "identity_check": "the question about the email address or date of birth you gave "
                      "with the request",
}


@dataclass
class Plan:
    """What to do with a conversation's kept messages, in this order."""

    recovered: list[tuple[TranscriptMessage, list[Reply]]] = field(default_factory=list)
    resend: list[TranscriptMessage] = field(default_factory=list)
    deliver: list[TranscriptMessage] = field(default_factory=list)
    # At a form question: its slot and the assistant's last words (the question, re-shown).
    slot: str | None = None
    question: Reply | None = None


def requested_slot(tracker: dict[str, Any]) -> str | None:
    """The form question the conversation is waiting on (None outside a form)."""
    loop = tracker.get("active_loop") or {}
    if not loop.get("name"):
        return None
    slot = (tracker.get("slots") or {}).get("requested_slot")
    return slot if isinstance(slot, str) and slot else None


def question_label(slot: str) -> str:
    """How the resident is told which question we were at ("the question about email")."""
    if slot in FORM_QUESTION_LABELS:
        return FORM_QUESTION_LABELS[slot]
    label = FIELD_LABELS.get(slot, slot.replace("_", " "))
    return f"the question about {label[0].lower()}{label[1:]}"


def _bot_reply(event: dict[str, Any]) -> list[Reply]:
    data = event.get("data") or {}
    return parse_replies([{"text": event.get("text") or "", "buttons": data.get("buttons")}])


def _turns(events: Sequence[dict[str, Any]]) -> dict[int, list[Reply]]:
    """The assistant's replies to each message the hub tagged, by transcript id."""
    turns: dict[int, list[Reply]] = {}
    current: list[Reply] | None = None
    for event in events:
        kind = event.get("event")
        if kind == "user":
            message_id = (event.get("metadata") or {}).get(MESSAGE_ID_KEY)
            current = turns.setdefault(message_id, []) if isinstance(message_id, int) else None
        elif kind == "bot" and current is not None:
            current.extend(_bot_reply(event))
    return turns


def last_question(events: Sequence[dict[str, Any]]) -> Reply | None:
    """The assistant's last words: at a form question, the question itself."""
    for event in reversed(events):
        if event.get("event") == "bot":
            replies = _bot_reply(event)
            if replies:
                return replies[-1]
    return None


def plan(kept: Sequence[TranscriptMessage], tracker: dict[str, Any]) -> Plan:
    """Decide, from Rasa's tracker, what becomes of the kept messages (in seq order)."""
    events = tracker.get("events") or []
    turns = _turns(events)
    result = Plan(slot=requested_slot(tracker))
    missed: list[TranscriptMessage] = []
    never_had: list[TranscriptMessage] = []
    for message in sorted(kept, key=lambda m: m.seq):
        if message.id in turns:
            if turns[message.id]:
                result.recovered.append((message, turns[message.id]))
            else:
                missed.append(message)
        elif message.relay == IN_DOUBT:
            missed.append(message)
        else:
            never_had.append(message)
    unseen = bool(result.recovered or missed)
    if missed or (result.slot and (unseen or len(never_had) > 1)):
        result.resend = missed + never_had
    else:
        result.deliver = never_had
    if result.slot and result.resend:
        result.question = last_question(events)
    return result
