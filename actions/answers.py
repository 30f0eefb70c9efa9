"""Answers to residents' questions.

``answer_question`` gives one intent's answer (computed dates for the deadline); it is shared
by ``action_answer_question`` and by the form validator, which answers questions asked in
the middle of a form before asking its own question again.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.model_parse import classify
from actions.settings import settings
from bot.cases.vocabulary import REQUEST_TYPES
from bot.conversation.compound import answer_order, answer_parts, split_questions
from bot.conversation.digressions import QUESTION_INTENTS, WHY_NEEDED, meaning_outside_form
from bot.conversation.wording import COMPLAINT_RECORDED_TEXT, long_date
from bot.rules.deadlines import due_date, received_on

# A second question is answered only when the model is this sure of it (the fallback
# threshold is lower, but a wrong extra answer is worse than none).
OTHER_QUESTION_MIN_CONFIDENCE = 0.6
MAX_ANSWERS = 3  # to one message: more would bury the first


def utter_deadline(dispatcher: CollectingDispatcher) -> None:
    """'If we receive it today, we must answer by ...' with the statutory dates."""
    nation = settings().council_nation
    today = received_on(datetime.now(timezone.utc))
    dispatcher.utter_message(
        response="utter_answer_ask_deadline",
        received_on=long_date(today),
        due_on=long_date(due_date(today, nation)),
        extended_due_on=long_date(due_date(today, nation, extended=True)),
    )


def _has_response(domain: DomainDict, name: str) -> bool:
    return name in (domain.get("responses") or {})


async def answer_question(
    intent: str, dispatcher: CollectingDispatcher, domain: DomainDict, *, slot: str | None = None
) -> None:
    """Give the answer for a question intent (mid-form: ``slot`` is the question pending;
    outside a form, "why do you need that?" gets the council's general reasons)."""
    if slot is None:
        intent = meaning_outside_form(intent) or intent
    if intent == "ask_deadline":
        utter_deadline(dispatcher)
    elif intent == WHY_NEEDED:
        specific = f"utter_why_{slot}" if slot else ""
        has_specific = bool(specific) and _has_response(domain, specific)
        dispatcher.utter_message(response=specific if has_specific else "utter_why_generic")
    elif intent == "bot_challenge":
        dispatcher.utter_message(response="utter_iamabot")
    elif intent == "check_case_status":
        dispatcher.utter_message(response="utter_status_after_request")
    elif _has_response(domain, f"utter_answer_{intent}"):
        dispatcher.utter_message(response=f"utter_answer_{intent}")
    else:
        dispatcher.utter_message(response="utter_default")


async def _classify_parts(clauses: list[str]) -> list[tuple[str | None, float]]:
    config = settings()
    return await classify(clauses, rasa_url=config.rasa_url, token=config.rasa_token)


async def _say_answers(
    order: list[str],
    requests: frozenset[str],
    dispatcher: CollectingDispatcher,
    domain: DomainDict,
    *,
    slot: str | None,
    text: str,
    conversation_id: str | None,
) -> None:
    """Each answer in ``order``; a complaint among them is also kept for staff (with
    ``conversation_id``), and the resident told so only once it is stored."""
    for intent in order:
        if intent in requests:
            dispatcher.utter_message(
                response="utter_offer_request",
                request_label=_response_text(domain, f"utter_label_{intent}"),
                request_intent=intent,
            )
        else:
            await answer_question(intent, dispatcher, domain, slot=slot)
            if intent == "make_complaint" and conversation_id is not None:
                from actions.handoff import record_complaint

                if await record_complaint(conversation_id, text):
                    dispatcher.utter_message(text=COMPLAINT_RECORDED_TEXT)


async def answer_every_question(
    first: str | None,
    text: str,
    dispatcher: CollectingDispatcher,
    domain: DomainDict,
    *,
    slot: str | None = None,
    conversation_id: str | None = None,
) -> None:
    """Answer ``first`` (the whole message's intent) and any other question in ``text``, in
    the order asked. Outside a form (``slot`` None) a request mentioned beside the questions
    is offered with a button; inside one, where a request is already being made, it is not.
    A complaint among them is also kept for staff (with ``conversation_id``)."""
    clauses = split_questions(text)
    classified: list[tuple[str | None, float]] = []
    if len(clauses) > 1:
        classified = await _classify_parts(clauses)
    requests = frozenset(REQUEST_TYPES) if slot is None else frozenset()
    order = answer_order(
        first,
        classified,
        answerable=QUESTION_INTENTS | requests,
        offer_last=requests,
        min_confidence=OTHER_QUESTION_MIN_CONFIDENCE,
        limit=MAX_ANSWERS,
    )
    await _say_answers(order, requests, dispatcher, domain, slot=slot, text=text,
                       conversation_id=conversation_id)


async def answer_parts_of(
    text: str, dispatcher: CollectingDispatcher, domain: DomainDict,
    conversation_id: str | None = None,
) -> bool:
    """For a message that fell back as a whole: answer the questions in it that the model
    understands one by one, say so if some part was not understood, and return True; return
    False (nothing said) when it is one question, or none of its parts is understood, so the
    caller falls back as usual. A complaint among them is kept (with ``conversation_id``)."""
    clauses = split_questions(text)
    if len(clauses) < 2:
        return False
    classified = await _classify_parts(clauses)
    requests = frozenset(REQUEST_TYPES)
    parts = answer_parts(
        classified,
        answerable=QUESTION_INTENTS | requests,
        offer_last=requests,
        min_confidence=OTHER_QUESTION_MIN_CONFIDENCE,
        limit=MAX_ANSWERS,
    )
    if not parts.order:
        return False
    await _say_answers(parts.order, requests, dispatcher, domain, slot=None, text=text,
                       conversation_id=conversation_id)
    if parts.unclear:
        dispatcher.utter_message(response="utter_rest_unclear")
    return True


def _response_text(domain: DomainDict, name: str) -> str:
    variants = (domain.get("responses") or {}).get(name) or [{}]
    return str(variants[0].get("text") or "")


class ActionAnswerQuestion(Action):
    """Answer the question asked and, when the message asked more than one thing ("how
    much does it cost and how long will it take?"), the others too; a request mentioned
    alongside a question is offered as a button rather than started unasked."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        message = tracker.latest_message or {}
        first = (message.get("intent") or {}).get("name")
        await answer_every_question(first, message.get("text") or "", dispatcher, domain,
                                    conversation_id=tracker.sender_id)
        return []
