"""Two questions in one message: "how much does it cost and how long will it take?".

The intent classifier gives one intent per message, so a resident who asks two things at
once would get one answer. The question action splits the message into its separate
questions (here, pure text rules), has each one classified by the same model (through
Rasa's parse API), and answers each in the order asked. Splitting is cautious: only at a
question mark or sentence end, or at "and"/"also"/"plus" followed by a word that starts a
question, so "my records and my son's records" stays one request.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_QUESTION_WORDS = (
    r"how|what|whats|what's|when|where|who|whom|whose|why|which|can|could|do|does|did|is|"
    r"are|am|will|would|should|shall|may|might|must|have|has|if|please|i|tell|also"
)
_SENTENCE_END = re.compile(r"\?+|[.;!]+(?=\s)|\n+")
_JOINER = re.compile(
    rf"[,\s]+(?:and\s+also|and\s+then|and|also|plus|but|as\s+well\s+as|&)\s+(?=(?:{_QUESTION_WORDS})\b)",
    re.IGNORECASE,
)
_LEADING_FILLER = re.compile(r"^(?:and|also|plus|but|so|oh|ok|okay|then|&)[,\s]+", re.IGNORECASE)
MIN_WORDS = 2  # "any fee" is a question; "why" alone is not one worth classifying
MAX_QUESTIONS = 4  # a long message is not a questionnaire


def split_questions(text: str) -> list[str]:
    """The separate questions in ``text``, in order (one item when it asks one thing)."""
    if not isinstance(text, str) or text.lstrip().startswith("/"):  # a button's payload
        return [text] if isinstance(text, str) else []
    clauses: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        for part in _JOINER.split(sentence):
            part = part.strip(" ,;:-")
            while _LEADING_FILLER.match(part):
                part = _LEADING_FILLER.sub("", part, count=1).strip(" ,;:-")
            if len(re.findall(r"\w+", part)) >= MIN_WORDS:
                clauses.append(part)
    if len(clauses) <= 1:
        return [text.strip()]
    return clauses[:MAX_QUESTIONS]


def answer_order(
    first: str | None,
    classified: Iterable[tuple[str | None, float]],
    *,
    answerable: Sequence[str] | frozenset[str],
    offer_last: Sequence[str] | frozenset[str] = (),
    min_confidence: float,
    limit: int = 3,
) -> list[str]:
    """What to answer, in order: ``first`` (the whole message's intent) and the other
    questions' intents that are confident and answerable, each once, in the order asked,
    at most ``limit`` in all. Intents in ``offer_last`` (requests, offered with a button)
    come after the answers, so the message ends with the question it asks."""
    asked: list[str] = []
    for intent, confidence in classified:
        if intent and intent in answerable and confidence >= min_confidence and intent not in asked:
            asked.append(intent)
    order = asked if first in asked else ([first] if first else []) + asked
    if first in order[limit:]:  # never drop what the whole message was mostly about
        order = [first] + [i for i in order if i != first]
    order = order[:limit]
    return [i for i in order if i not in offer_last] + [i for i in order if i in offer_last]


FALLBACK_INTENT = "nlu_fallback"


@dataclass(frozen=True)
class PartsAnswer:
    """What to do with a message that fell back as a whole but asks several things."""

    order: list[str]  # the parts' intents to answer, in the order asked
    unclear: int  # parts the model could not place (fell back or below the confidence)


def answer_parts(
    classified: Sequence[tuple[str | None, float]],
    *,
    answerable: Sequence[str] | frozenset[str],
    offer_last: Sequence[str] | frozenset[str] = (),
    min_confidence: float,
    limit: int = 3,
) -> PartsAnswer:
    """Split first, fall back second: a message the model could not place as a whole may
    still be several questions it understands one by one ("how much does it cost and how
    long does it take?"). ``order`` is what to answer (empty: fall back as usual); parts
    understood as something that needs no answer on its own ("hi", "thanks") are neither
    answered nor unclear."""
    order = answer_order(None, classified, answerable=answerable, offer_last=offer_last,
                         min_confidence=min_confidence, limit=limit)
    unclear = sum(1 for intent, confidence in classified
                  if intent in (None, FALLBACK_INTENT) or confidence < min_confidence)
    return PartsAnswer(order=order, unclear=unclear)
