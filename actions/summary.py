"""The questions at the end of the request form: the summary to confirm, and what to change."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.conversation.request_form import FIELD_LABELS, changeable_fields, summary_lines


def request_label(domain: DomainDict, request_type: str) -> str:
    """The one-line description of a request type (utter_label_<type> in the responses)."""
    variants = (domain.get("responses") or {}).get(f"utter_label_{request_type}") or []
    text = variants[0].get("text") if variants else None
    return text or request_type.replace("_", " ")


class ActionAskConfirmed(Action):
    """Read every answer back and ask whether to log the request."""

    def name(self) -> str:
        return "action_ask_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        request_type = tracker.get_slot("request_type")
        lines = summary_lines(request_label(domain, request_type), request_type, tracker.slots)
        dispatcher.utter_message(
            text="Please check your answers:\n" + "\n".join(f"• {line}" for line in lines)
            + "\nShall I send this request to the council?",
            buttons=[
                {"title": "Yes, send it", "payload": "/affirm"},
                {"title": "Change something", "payload": "/deny"},
            ],
        )
        return []


class ActionAskChangeField(Action):
    """Offer each answer as a button so the resident can pick the one to correct."""

    def name(self) -> str:
        return "action_ask_change_field"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        fields = changeable_fields(tracker.get_slot("request_type"), tracker.slots)
        dispatcher.utter_message(
            text="Which answer would you like to change?",
            buttons=[{"title": FIELD_LABELS[f], "payload": f} for f in fields],
        )
        return []
