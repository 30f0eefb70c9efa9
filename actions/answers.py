"""Answers to residents' questions that need more than a fixed response.

``answer_question`` is shared by the deadline action and by the form validator, which
answers questions asked in the middle of a form before asking its own question again.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.settings import settings
from bot.deadlines import due_date, received_on
from bot.digressions import WHY_NEEDED
from bot.wording import long_date


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
    """Give the answer for a question intent (mid-form: ``slot`` is the question pending)."""
    if intent == "ask_deadline":
        utter_deadline(dispatcher)
    elif intent == WHY_NEEDED:
        specific = f"utter_why_{slot}" if slot else ""
        dispatcher.utter_message(
            response=specific if specific and _has_response(domain, specific) else "utter_why_generic"
        )
    elif intent == "bot_challenge":
        dispatcher.utter_message(response="utter_iamabot")
    elif intent == "check_case_status":
        dispatcher.utter_message(response="utter_status_after_request")
    elif _has_response(domain, f"utter_answer_{intent}"):
        dispatcher.utter_message(response=f"utter_answer_{intent}")
    else:
        dispatcher.utter_message(response="utter_default")


class ActionExplainDeadline(Action):
    """If a request arrived today, when must the council answer (and if extended)?"""

    def name(self) -> str:
        return "action_explain_deadline"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        utter_deadline(dispatcher)
        return []
