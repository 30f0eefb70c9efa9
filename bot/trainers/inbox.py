"""The trainers' inbox: resident messages the assistant probably misunderstood.

A message is picked when it

- ``not_understood``: the assistant *replied* that it did not understand, or asked to
  rephrase, or asked "did you mean ...?" (:data:`NOT_UNDERSTOOD_REPLIES`), whatever the
  model's confidence (a confident intent without an answer ends in "didn't understand" too);
- ``fallback``: fell back (``nlu_fallback``: the FallbackClassifier was not sure enough);
- ``low_confidence``: the top intent's confidence was below ``min_confidence`` (0.7 by
  default, ``INBOX_MIN_CONFIDENCE``), above the fallback threshold but still shaky;
- ``ambiguous``: the top two intents were closer than ``min_margin`` (0.1, ``INBOX_MIN_MARGIN``);
- ``before_handoff``: the resident asked for a person (``request_human``) right after it, or
  the assistant handed the conversation over (``action_handoff``) in reply to it.

Never picked: button values (pressed or typed: the payload or title of a button the
assistant had just offered, or of any form choice) and form answers (a form question was
pending and the form took the message without a "didn't understand"): there is nothing
to learn from "[NAME]", "all" or "council_tax_bill".

Each item carries the assistant's question before the message (redacted), so a trainer
reads "2 or 3 words" in context.

Identical messages (after redaction, ignoring case and spacing) are one item with a count,
the latest time and the conversations they came from; items are ordered most frequent
first, then newest (or newest first). Messages already in ``data/nlu/`` (labelled) and
dismissed items are left out, so the inbox empties as trainers work through it.

An item's id is a short hash of its normalised redacted text: stable across runs and
machines, so ``dpa inbox label ID`` names the same message the list showed. Items only ever
hold redacted text (they are built from :mod:`bot.trainers.tracker_events`).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.engine import Engine

from bot.trainers.nlu_files import NluIndex, normalise
from bot.trainers.tracker_events import UserTurn, read_user_turns

NOT_UNDERSTOOD, FALLBACK, LOW_CONFIDENCE, AMBIGUOUS, BEFORE_HANDOFF = (
    "not_understood", "fallback", "low_confidence", "ambiguous", "before_handoff",
)
REASONS = (NOT_UNDERSTOOD, FALLBACK, LOW_CONFIDENCE, AMBIGUOUS, BEFORE_HANDOFF)
# Replies that mean "I did not understand" (Rasa's utter_action of the bot message, or the
# action that said it): data/responses' utter_default and utter_ask_rephrase, and the
# two-stage fallback's "did you mean ...?" (actions/fallback.py).
NOT_UNDERSTOOD_REPLIES = frozenset({"utter_default", "utter_ask_rephrase",
                                    "utter_ask_affirmation"})
# The actions that only ever say it. Not action_two_stage_fallback itself: it also runs
# to close its loop when the resident's next message was understood.
NOT_UNDERSTOOD_ACTIONS = frozenset({
    "action_default_fallback", "action_default_ask_affirmation", "action_default_ask_rephrase",
    "utter_default", "utter_ask_rephrase",
})
# Loops during which a pending form question is not being answered.
FALLBACK_LOOPS = frozenset({"action_two_stage_fallback"})
# A message like a button payload (``council_tax_bill``): a code, not something typed.
_CODE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)+$")
DEFAULT_MIN_CONFIDENCE = 0.7
DEFAULT_MIN_MARGIN = 0.1

HANDOFF_ACTION = "action_handoff"  # actions/handoff.py
HUMAN_INTENT = "request_human"
# Intents that lead to a handoff by design: the message itself was understood.
HANDOFF_BY_DESIGN = frozenset({HUMAN_INTENT, "make_complaint"})
# The "did you mean ...?" question of the two-stage fallback (actions/fallback.py, run by
# Rasa's action_two_stage_fallback loop): the button the resident pressed next is a hint of
# what they meant.
ASK_AFFIRMATION_ACTIONS = frozenset(
    {"action_default_ask_affirmation", "action_two_stage_fallback"}
)

ITEM_ID_LENGTH = 10
# The assistant's message before an item is cut to its last sentences up to this length
# (the question the resident answered is at its end; the page stays one row per message).
QUESTION_CHARS = 160
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")


def question_excerpt(text: str | None, limit: int = QUESTION_CHARS) -> str | None:
    """The end of the assistant's message, whole sentences, at most ``limit`` characters
    (a longer last sentence is cut at its start with "…")."""
    if not text:
        return None
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    kept: list[str] = []
    for sentence in reversed(_SENTENCE_END.split(text)):
        if sum(len(s) + 1 for s in kept) + len(sentence) > limit:
            break
        kept.insert(0, sentence)
    if not kept:
        return "…" + text[-(limit - 1):].lstrip()
    return "… " + " ".join(kept)
SORTS = ("frequent", "newest")


def item_id(redacted_text: str) -> str:
    """A short stable id for a (redacted) message: its normalised text's hash."""
    return hashlib.sha256(normalise(redacted_text).encode("utf-8")).hexdigest()[:ITEM_ID_LENGTH]


@dataclass
class InboxItem:
    """One message (or several identical ones) for a trainer; ``text`` is redacted."""

    id: str
    text: str
    count: int
    last_seen: float  # epoch seconds
    reasons: list[str]
    intent: str | None  # the classifier's best guess (even if the turn fell back)
    confidence: float | None
    second_intent: str | None
    second_confidence: float | None
    conversation_ids: list[str] = field(default_factory=list)  # newest first
    suggested_intent: str | None = None  # what the resident chose after "did you mean?"
    question: str | None = None  # the assistant's message before it (redacted)

    @property
    def preselected(self) -> str | None:
        """The intent a trainer most likely wants: what the resident chose, else the guess."""
        return self.suggested_intent or self.intent

    @property
    def conversation_id(self) -> str:
        return self.conversation_ids[0] if self.conversation_ids else ""

    @property
    def last_seen_at(self) -> datetime:
        return datetime.fromtimestamp(self.last_seen, tz=timezone.utc)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["last_seen"] = self.last_seen_at.isoformat(timespec="seconds").replace("+00:00", "Z")
        data["conversation_id"] = self.conversation_id
        return data


def reasons_for(
    turn: UserTurn,
    next_turn: UserTurn | None,
    *,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    min_margin: float = DEFAULT_MIN_MARGIN,
) -> list[str]:
    """Why ``turn`` deserves a trainer's look (empty: it does not)."""
    if turn.is_payload or not turn.text.strip() or is_button_value(turn):
        return []  # a button: the resident chose, nothing to learn
    not_understood = replied_not_understood(turn)
    if is_form_answer(turn) and not not_understood:
        return []  # the form took it: an answer, not a request to learn
    reasons = []
    top_intent, top_confidence = turn.top
    second_intent, second_confidence = turn.second
    if not_understood:
        reasons.append(NOT_UNDERSTOOD)
    if turn.fell_back:
        reasons.append(FALLBACK)
    if top_confidence is not None and top_confidence < min_confidence:
        reasons.append(LOW_CONFIDENCE)
    if (
        top_confidence is not None
        and second_confidence is not None
        and top_confidence - second_confidence < min_margin
    ):
        reasons.append(AMBIGUOUS)
    handed_off = HANDOFF_ACTION in turn.actions and turn.intent not in HANDOFF_BY_DESIGN
    asked_for_person = next_turn is not None and next_turn.intent == HUMAN_INTENT
    if (handed_off or asked_for_person) and turn.intent != HUMAN_INTENT:
        reasons.append(BEFORE_HANDOFF)
    return reasons


def replied_not_understood(turn: UserTurn) -> bool:
    """The assistant answered ``turn`` with a fallback or a request to rephrase."""
    return bool(NOT_UNDERSTOOD_REPLIES.intersection(turn.replies)
                or NOT_UNDERSTOOD_ACTIONS.intersection(turn.actions))


def _form_choice_words() -> frozenset[str]:
    from bot.conversation.request_form import CHOICES

    return frozenset(normalise(word) for choices in CHOICES.values() for choice in choices
                     for word in (choice.value, choice.label))


_FORM_CHOICES: frozenset[str] | None = None


def is_button_value(turn: UserTurn) -> bool:
    """``turn`` is a button's payload or title (offered just before, or a form choice), or
    reads like a payload code (``council_tax_bill``)."""
    global _FORM_CHOICES
    if _FORM_CHOICES is None:
        _FORM_CHOICES = _form_choice_words()
    text = normalise(turn.text)
    if _CODE.match(text):
        return True
    if text in {normalise(value) for value in turn.buttons}:
        return True
    return turn.requested_slot is not None and text in _FORM_CHOICES


def is_form_answer(turn: UserTurn) -> bool:
    """A form question was pending and a form (not the fallback loop) was running."""
    return (turn.requested_slot is not None and turn.active_loop is not None
            and turn.active_loop not in FALLBACK_LOOPS)


def _suggestion(turn: UserTurn, next_turn: UserTurn | None) -> str | None:
    if (
        next_turn is not None
        and next_turn.is_payload
        and ASK_AFFIRMATION_ACTIONS.intersection(turn.actions)
        and next_turn.intent not in (None, "out_of_scope", "nlu_fallback")
    ):
        return next_turn.intent
    return None


def build_inbox(
    turns: Iterable[UserTurn],
    *,
    known: NluIndex | None = None,
    dismissed: Iterable[str] = (),
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    min_margin: float = DEFAULT_MIN_MARGIN,
    sort: str = "frequent",
) -> list[InboxItem]:
    """Group the picked turns into items (``turns`` ordered by conversation, then time)."""
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {SORTS}, not {sort!r}")
    skip = set(dismissed)
    items: dict[str, InboxItem] = {}
    seen: dict[str, dict[str, float]] = {}  # item id -> conversation -> latest time
    previous: UserTurn | None = None
    for turn in [*turns, None]:
        if previous is not None:
            same_conversation = (
                turn is not None and turn.conversation_id == previous.conversation_id
            )
            key = _add(items, previous, turn if same_conversation else None, known, skip,
                       min_confidence, min_margin)
            if key is not None:
                times = seen.setdefault(key, {})
                times[previous.conversation_id] = max(
                    previous.timestamp, times.get(previous.conversation_id, previous.timestamp)
                )
        previous = turn
    for key, times in seen.items():
        items[key].conversation_ids = sorted(times, key=lambda c: (-times[c], c))
    ordered = list(items.values())
    if sort == "frequent":
        ordered.sort(key=lambda item: (-item.count, -item.last_seen, item.id))
    else:
        ordered.sort(key=lambda item: (-item.last_seen, -item.count, item.id))
    return ordered


def _add(
    items: dict[str, InboxItem],
    turn: UserTurn,
    next_turn: UserTurn | None,
    known: NluIndex | None,
    skip: set[str],
    min_confidence: float,
    min_margin: float,
) -> str | None:
    """Add ``turn`` to its item if it is picked; the item's id, or None."""
    reasons = reasons_for(turn, next_turn, min_confidence=min_confidence, min_margin=min_margin)
    if not reasons:
        return None
    key = item_id(turn.text)
    if key in skip or (known is not None and known.contains(turn.text)):
        return None
    top_intent, top_confidence = turn.top
    second_intent, second_confidence = turn.second
    suggestion = _suggestion(turn, next_turn)
    item = items.get(key)
    if item is None:
        items[key] = InboxItem(
            id=key, text=turn.text, count=1, last_seen=turn.timestamp, reasons=reasons,
            intent=top_intent, confidence=top_confidence, second_intent=second_intent,
            second_confidence=second_confidence, suggested_intent=suggestion,
            question=question_excerpt(turn.question),
        )
        return key
    item.count += 1
    item.reasons = [r for r in REASONS if r in item.reasons or r in reasons]
    if turn.timestamp >= item.last_seen:
        # The latest occurrence speaks for the item: the model may have changed since.
        item.last_seen = turn.timestamp
        item.text = turn.text
        item.intent, item.confidence = top_intent, top_confidence
        item.second_intent, item.second_confidence = second_intent, second_confidence
        item.suggested_intent = suggestion or item.suggested_intent
        item.question = question_excerpt(turn.question) or item.question
    else:
        item.suggested_intent = item.suggested_intent or suggestion
    return key


# -- dismissed items -------------------------------------------------------------------------


class DismissedStore:
    """Ids of items trainers dismissed, in ``var/trainers/dismissed.json``.

    Only ids (hashes) are stored, never text, so the file holds no personal data.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def in_var_dir(cls, var_dir: Path) -> DismissedStore:
        return cls(var_dir / "trainers" / "dismissed.json")

    def ids(self) -> set[str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return set()
        if not isinstance(data, dict):
            return set()
        return {str(entry) for entry in data.get("dismissed", [])}

    def add(self, ids: Sequence[str]) -> None:
        self._write(self.ids() | set(ids))

    def remove(self, ids: Sequence[str]) -> None:
        """Show these items again (undoing a dismissal)."""
        self._write(self.ids() - set(ids))

    def _write(self, current: set[str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"dismissed": sorted(current)}, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)


# -- the whole inbox from a database ---------------------------------------------------------


@dataclass(frozen=True)
class InboxOptions:
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    min_margin: float = DEFAULT_MIN_MARGIN
    since: float | None = None  # epoch seconds
    sort: str = "frequent"


def load_inbox(
    engine: Engine,
    nlu_dir: Path,
    dismissed: DismissedStore | None = None,
    options: InboxOptions = InboxOptions(),
    *,
    holdout: Path | None = None,
) -> list[InboxItem]:
    """The inbox for the tracker store behind ``engine`` (blocking: database and files).

    Messages already in ``nlu_dir`` or in the ``holdout`` file are left out."""
    known = NluIndex.load(nlu_dir, *([holdout] if holdout else []))
    return build_inbox(
        read_user_turns(engine, since=options.since),
        known=known,
        dismissed=dismissed.ids() if dismissed else (),
        min_confidence=options.min_confidence,
        min_margin=options.min_margin,
        sort=options.sort,
    )


def find_item(items: Iterable[InboxItem], wanted: str) -> InboxItem | None:
    """The item whose id is ``wanted`` or starts with it (at least 4 characters)."""
    wanted = wanted.strip().lower()
    if len(wanted) < 4:
        return None
    matches = [item for item in items if item.id.startswith(wanted)]
    return matches[0] if len(matches) == 1 else None
