"""A message the model could not place: split it into its questions first, then (if that
does not help) "Did you mean ...?" with the two likeliest meanings (the two-stage fallback).
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answers import answer_parts_of
from bot.conversation.intent_labels import label, likeliest_intents

TWO_STAGE_FALLBACK = "action_two_stage_fallback"


class ActionSplitOrClarify(Action):
    """What the assistant does first when a message falls back (data/rules/handoff.yml).

    "how much does it cost and how long does it take?" may fall back as a whole while each
    question alone is clear: those are answered (and a part still unclear is said to be);
    otherwise Rasa's two-stage fallback runs as before ("did you mean ...?", then "please
    rephrase", then a person)."""

    def name(self) -> str:
        return "action_split_or_clarify"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        text = str((tracker.latest_message or {}).get("text") or "")
        if await answer_parts_of(text, dispatcher, domain, conversation_id=tracker.sender_id):
            return []
        return [FollowupAction(TWO_STAGE_FALLBACK)]


class ActionDefaultAskAffirmation(Action):
    """Replaces Rasa's default, which offers only the single likeliest intent."""

    def name(self) -> str:
        return "action_default_ask_affirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        ranking = (tracker.latest_message or {}).get("intent_ranking") or []
        buttons = [{"title": label(name), "payload": f"/{name}"}
                   for name in likeliest_intents(ranking)]
        buttons.append({"title": "Something else", "payload": "/out_of_scope"})
        dispatcher.utter_message(response="utter_ask_affirmation", buttons=buttons)
        return []
