"""Hand a conversation to a member of staff and pause the assistant for it."""
from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.settings import settings

log = logging.getLogger(__name__)

REASONS = {
    "request_human": "asked for a person",
    "make_complaint": "complaint",
    "nlu_fallback": "repeated misunderstanding",
    "case_logging_failed": "the case could not be logged",
}


def handoff_reason(tracker: Tracker) -> str:
    """Why staff are needed, judged from the last things the resident said."""
    intents = [
        (event.get("parse_data") or {}).get("intent", {}).get("name")
        for event in tracker.events
        if event.get("event") == "user"
    ][-4:]
    if "make_complaint" in intents:
        return "complaint"
    if intents.count("nlu_fallback") >= 2 or (intents and intents[-1] == "nlu_fallback"):
        return "repeated misunderstanding"
    return "asked for a person"


async def record_handoff(conversation_id: str, reason: str) -> bool:
    """Queue the conversation for staff; False (and a logged error) if that failed."""
    from bot.chat.handoffs import HandoffStore

    try:
        store = HandoffStore.from_url(settings().database_url)
        await asyncio.to_thread(store.request, conversation_id, REASONS.get(reason, reason))
    except Exception as exc:
        log.error("could not record a handoff: %s", type(exc).__name__)
        return False
    return True


class ActionHandoff(Action):
    """Record the handoff with its reason, tell the resident, pause the assistant."""

    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        reason = handoff_reason(tracker)
        if await record_handoff(tracker.sender_id, reason):
            dispatcher.utter_message(response="utter_handoff_started")
            return [ConversationPaused()]
        dispatcher.utter_message(response="utter_handoff_unavailable")
        return []
