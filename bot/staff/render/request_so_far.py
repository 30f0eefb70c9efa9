"""The request a resident was making when they asked for a person, as staff read it.

Built from the slots on the resident's Rasa tracker (the form's answers so far): which
request, every answer given in words (``bot/cases/labels.py``), the question pending, and
the questions still to answer, which the officer may fill in to log the case for the
resident. Pure: the live-chat view reads the tracker and passes its slots.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.cases.labels import answer_label, choice_label, day_label, request_label
from bot.cases.vocabulary import REQUEST_TYPES
from bot.conversation.answers import NOT_GIVEN
from bot.conversation.request_form import CHOICES, required_slots
from bot.conversation.resume import answered, pending_question

# The summary's own questions: staff confirm with the resident instead (a checkbox).
NOT_ASKED_BY_STAFF = ("confirmed", "change_field")


@dataclass(frozen=True)
class Answer:
    slot: str
    label: str
    value: str


@dataclass(frozen=True)
class Question:
    """A question still to answer: a text box, or a choice of the form's own options."""

    slot: str
    label: str
    choices: tuple[tuple[str, str], ...] = ()
    value: str = ""
    problem: str | None = None


@dataclass(frozen=True)
class RequestSoFar:
    request_type: str
    request: str
    answers: tuple[Answer, ...]
    pending: str | None
    questions: tuple[Question, ...]


def value_words(slot: str, value: Any) -> str:
    if value in ("none",):
        return "None"
    if value == NOT_GIVEN:
        return "Not given"
    if slot in CHOICES:
        return choice_label(slot, value)
    if slot == "date_of_birth":
        try:
            return day_label(date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    return str(value)


def still_to_answer(request_type: str, slots: Mapping[str, Any]) -> list[str]:
    return [slot for slot in required_slots(request_type, slots)
            if slot not in NOT_ASKED_BY_STAFF and slots.get(slot) is None]


def request_so_far(
    slots: Mapping[str, Any], typed: Mapping[str, str] | None = None,
    problems: Mapping[str, str] | None = None,
) -> RequestSoFar | None:
    """What the resident's tracker says of their request; None when none is open.

    ``typed`` and ``problems``: what the officer typed for the questions still open, and
    why an answer was refused, to show the form again with them."""
    request_type = slots.get("request_type")
    if request_type not in REQUEST_TYPES:
        return None
    typed, problems = typed or {}, problems or {}
    answers = tuple(Answer(slot, answer_label(slot), value_words(slot, slots.get(slot)))
                    for slot in answered(request_type, slots))
    pending = pending_question(request_type, slots)
    questions = tuple(
        Question(slot, answer_label(slot),
                 tuple((c.value, choice_label(slot, c.value)) for c in CHOICES.get(slot, ())),
                 typed.get(slot, ""), problems.get(slot))
        for slot in still_to_answer(request_type, slots)
    )
    return RequestSoFar(request_type, request_label(request_type), answers,
                        None if pending is None else (
                            "Checking the answers before sending" if pending == "confirmed"
                            else answer_label(pending)),
                        questions)


def answer_for_resident(
    slots: Mapping[str, Any], typed: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Read what the officer typed for each open question with the chat's own reader
    (``bot.conversation.answers``): the answers with them added, and the problems (a
    question's slot: why its answer was refused, or that it still needs one).

    An answer can bring new questions (someone acting for another person is asked about
    their relationship and authority), so this reads until nothing new is open."""
    from bot.conversation.answers import read_answer

    current = dict(slots)
    request_type = str(current["request_type"])
    problems: dict[str, str] = {}
    seen: set[str] = set()
    while True:
        open_now = [s for s in still_to_answer(request_type, current) if s not in seen]
        if not open_now:
            break
        for slot in open_now:
            seen.add(slot)
            text = str(typed.get(slot, "")).strip()
            if not text:
                problems[slot] = "Answer this question (or type \"skip\" where it may be skipped)."
                continue
            values, problem = read_answer(slot, text, current)
            if problem is not None:
                problems[slot] = problem
                continue
            current.update(values)
    return current, problems
