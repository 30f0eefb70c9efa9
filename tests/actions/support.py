"""Building what Rasa sends the action server, in code: the domain, trackers and form turns.

Rasa posts the whole domain (``domain.yml`` with the responses from ``data/responses``
merged in) and a tracker (every slot, the latest message's parse data, the events and the
active loop). These helpers build the same, so the actions run here exactly as they do
behind the action server, with only the NLU result chosen by the test.
"""
from __future__ import annotations

import copy
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

PROJECT_ROOT = Path(__file__).resolve().parents[2]

SENDER_ID = "conv-test-1"

# "Monday 4 January 2027", as bot.conversation.wording.long_date writes it.
LONG_DATE = re.compile(
    r"^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) ([1-9]|[12]\d|3[01]) "
    r"(January|February|March|April|May|June|July|August|September|October|November|"
    r"December) \d{4}$"
)


@lru_cache(maxsize=1)
def _load_domain() -> dict[str, Any]:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    responses: dict[str, Any] = dict(domain.get("responses") or {})
    for path in sorted((PROJECT_ROOT / "data" / "responses").glob("*.yml")):
        part = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, variants in (part.get("responses") or {}).items():
            assert name not in responses, f"{name} is defined twice ({path.name})"
            responses[name] = variants
    domain["responses"] = responses
    return domain


def load_domain() -> dict[str, Any]:
    """The domain as Rasa sends it to the action server (a fresh copy per caller)."""
    return copy.deepcopy(_load_domain())


def response_text(domain: dict[str, Any], message: dict[str, Any]) -> str:
    """What the resident reads for one dispatcher message (a response is filled in)."""
    if message.get("text"):
        return message["text"]
    name = message.get("response")
    if not name:
        return ""
    variants = domain["responses"][name]
    unconditional = [v for v in variants if not v.get("condition")] or variants
    template = unconditional[0]["text"]
    values = {k: v for k, v in message.items() if k not in ("text", "response", "template")}
    return template.format(**values) if "{" in template else template


# -- trackers --------------------------------------------------------------------------------


def parse_data(
    text: str,
    intent: str | None = "inform",
    confidence: float = 0.95,
    ranking: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A message's NLU result as it appears in ``latest_message`` and user events."""
    if ranking is None:
        ranking = [{"name": intent, "confidence": confidence}] if intent else []
    return {
        "text": text,
        "intent": {"name": intent, "confidence": confidence} if intent else {},
        "intent_ranking": ranking,
        "entities": [],
        "message_id": f"m-{abs(hash(text)) % 10_000}",
    }


def user_event(text: str, intent: str | None = "inform", confidence: float = 0.95) -> dict:
    return {
        "event": "user",
        "timestamp": time.time(),
        "text": text,
        "parse_data": parse_data(text, intent, confidence),
        "input_channel": "rest",
    }


def action_event(name: str) -> dict:
    return {"event": "action", "timestamp": time.time(), "name": name, "policy": None,
            "confidence": 1.0}


def all_slots(domain: dict[str, Any], values: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every domain slot (Rasa sends them all, unset ones as None) plus requested_slot."""
    slots: dict[str, Any] = {name: None for name in domain["slots"]}
    slots["requested_slot"] = None
    slots.update(values or {})
    return slots


def make_tracker(
    domain: dict[str, Any],
    *,
    slots: dict[str, Any] | None = None,
    text: str = "",
    intent: str | None = "inform",
    confidence: float = 0.95,
    ranking: list[dict[str, Any]] | None = None,
    events: list[dict[str, Any]] | None = None,
    active_loop: str | None = None,
    sender_id: str = SENDER_ID,
    metadata: dict[str, Any] | None = None,
) -> Tracker:
    """A tracker as the action server receives it; events default to the latest message
    (with ``metadata`` as the REST channel stores what the hub sent with it)."""
    latest = parse_data(text, intent, confidence, ranking)
    if events is None:
        events = [
            action_event("action_listen"),
            {"event": "user", "timestamp": time.time(), "text": text, "parse_data": latest,
             "input_channel": "rest", "metadata": metadata or {}},
        ]
    return Tracker(
        sender_id=sender_id,
        slots=all_slots(domain, slots),
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


# -- running actions ---------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one action run produced: its events and the messages it sent."""

    events: list[dict[str, Any]]
    messages: list[dict[str, Any]]
    slots: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        self.slots = {e["name"]: e["value"] for e in self.events if e.get("event") == "slot"}

    @property
    def responses(self) -> list[str]:
        return [m["response"] for m in self.messages if m.get("response")]

    @property
    def texts(self) -> list[str]:
        return [m["text"] for m in self.messages if m.get("text")]

    @property
    def next_slot(self) -> Any:
        """The question the form asks next (None: the form is complete)."""
        return self.slots["requested_slot"]


async def run_action(action: Any, tracker: Tracker, domain: dict[str, Any]) -> Outcome:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, domain)
    return Outcome(list(events), dispatcher.messages)


async def form_turn(
    form: Any,
    domain: dict[str, Any],
    slot: str,
    text: str,
    *,
    intent: str | None = "inform",
    confidence: float = 0.95,
    slots: dict[str, Any] | None = None,
    form_name: str = "request_form",
) -> Outcome:
    """One answer to the form's question ``slot``, validated as Rasa has the form do it.

    The form's ``from_text`` mapping has put the message into ``slot``; Rasa appends that
    candidate as a SlotSet event after the user message and runs the validation action.
    """
    known = {**(slots or {}), "requested_slot": slot, slot: text}
    events = [
        action_event(form_name),
        action_event("action_listen"),
        user_event(text, intent, confidence),
        SlotSet(slot, text),
    ]
    tracker = make_tracker(
        domain, slots=known, text=text, intent=intent, confidence=confidence, events=events,
        active_loop=form_name,
    )
    return await run_action(form, tracker, domain)
