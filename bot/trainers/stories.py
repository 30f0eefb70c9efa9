"""Turn a real conversation into a Rasa test story, so a fixed mistake stays fixed.

The story is written in Rasa 3's YAML test-story format (``tests/test_*.yml``, run by
``rasa test core`` in ``make test``): each resident message as ``user:`` (redacted) with
the ``intent:`` the assistant understood, the actions it ran, ``active_loop`` changes and
``slot_was_set`` for the slots that influence the conversation (domain.yml; the others are
not part of a story, and their values are a resident's personal data anyway).

Button presses ("/affirm") are written as the intent alone. Session starts and
``action_listen`` are left out, as in hand-written stories. A trainer then edits the story
into what the assistant *should* have done (the right intent, the right reply) and keeps it.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import yaml

from bot.trainers.tracker_events import LISTEN_ACTION, SESSION_START_ACTION, StoryEvent

STORY_FILE_HEADER = 'version: "3.1"\n\nstories:\n'
SKIPPED_ACTIONS = frozenset({SESSION_START_ACTION, LISTEN_ACTION})
NO_STEPS = "the conversation has no steps to write"
# Slot types Rasa does not featurise: they never influence the conversation.
_UNFEATURISED_TYPES = frozenset({"any"})


def influential_slots(domain_path: Path) -> set[str]:
    """Slots whose value can change what the assistant does next."""
    document = yaml.safe_load(domain_path.read_text(encoding="utf-8")) or {}
    out = set()
    for name, spec in (document.get("slots") or {}).items():
        spec = spec or {}
        influence = spec.get("influence_conversation")
        if influence is None:
            influence = spec.get("type") not in _UNFEATURISED_TYPES
        if influence:
            out.add(str(name))
    return out


def story_name(conversation_id: str, today: date | None = None) -> str:
    """A name that does not repeat the conversation id (stories are committed; ids are
    a resident's handle and are purged with the conversation)."""
    digest = hashlib.sha256(conversation_id.encode("utf-8")).hexdigest()[:8]
    return f"conversation {digest} ({(today or date.today()).isoformat()})"


def _scalar(value: object) -> str:
    """A YAML flow scalar for a slot value or a text (JSON is valid YAML and quotes safely)."""
    if value is None:
        return "null"
    return json.dumps(value, ensure_ascii=False)


def story_yaml(events: Iterable[StoryEvent], name: str, *, slots: set[str]) -> str:
    """One ``- story:`` item (indented for a ``stories:`` list), ending with a newline."""
    lines = [f"- story: {_scalar(name)}", "  steps:"]
    steps = 0
    for event in events:
        if event.kind == "user":
            intent = event.name or "nlu_fallback"
            if event.is_payload or not event.text:
                lines.append(f"  - intent: {intent}")
            else:
                lines.append(f"  - user: {_scalar(event.text)}")
                lines.append(f"    intent: {intent}")
        elif event.kind == "action":
            if not event.name or event.name in SKIPPED_ACTIONS:
                continue
            lines.append(f"  - action: {event.name}")
        elif event.kind == "active_loop":
            lines.append(f"  - active_loop: {event.name or 'null'}")
        elif event.kind == "slot":
            if event.name not in slots:
                continue
            lines.append("  - slot_was_set:")
            lines.append(f"    - {event.name}: {_scalar(event.value)}")
        else:
            continue
        steps += 1
    if not steps:
        raise ValueError(NO_STEPS)
    return "\n".join(lines) + "\n"


def append_story(path: Path, story: str) -> None:
    """Add ``story`` to a test-story file, creating it with the version header if needed."""
    if path.exists():
        text = path.read_text(encoding="utf-8")
        if "stories:" not in text:
            raise ValueError(f"{path} has no 'stories:' list to add to")
        if not text.endswith("\n"):
            text += "\n"
        text += "\n" + story
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = STORY_FILE_HEADER + story
    document = yaml.safe_load(text)  # refuse to save a file that would not load
    first_line = story.splitlines()[0]
    if not any(
        isinstance(item, dict) and f"- story: {_scalar(item.get('story'))}" == first_line
        for item in (document or {}).get("stories") or []
    ):
        raise ValueError(f"{path}: 'stories:' is not the last section; add the story by hand")
    path.write_text(text, encoding="utf-8")
