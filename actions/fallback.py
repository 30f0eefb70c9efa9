"""'Did you mean ...?' with the two likeliest meanings, for the two-stage fallback."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.conversation.intent_labels import label, likeliest_intents


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
