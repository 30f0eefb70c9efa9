"""Hand a conversation to a member of staff and pause the assistant for it."""
from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.settings import outbox, settings
from bot.conversation.wording import HANDOFF_QUEUED_TEXT
from bot.db.engine import database_refused

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


# Where record_handoff kept the handoff (None: nowhere, staff will not see it).
IN_DATABASE, IN_OUTBOX = "database", "outbox"


async def record_handoff(conversation_id: str, reason: str) -> str | None:
    """Queue the conversation for staff: in the database, or in the outbox when the database
    refuses the write (replayed once it recovers); None (and a logged error) if neither."""
    from bot.chat.handoffs import HandoffStore

    text = REASONS.get(reason, reason)
    try:
        store = HandoffStore.from_url(settings().database_url)
        await asyncio.to_thread(store.request, conversation_id, text)
        return IN_DATABASE
    except Exception as exc:
        log.error("could not record a handoff: %s", type(exc).__name__)
        if not database_refused(exc):
            return None
    try:
        await asyncio.to_thread(outbox().add_handoff, conversation_id, text)
    except OSError as exc:
        log.error("could not keep a handoff in the outbox: %s", type(exc).__name__)
        return None
    log.warning("handoff kept in the outbox until the database takes writes")
    return IN_OUTBOX


class ActionHandoff(Action):
    """Record the handoff with its reason, tell the resident, pause the assistant."""

    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        reason = handoff_reason(tracker)
        where = await record_handoff(tracker.sender_id, reason)
        if where == IN_DATABASE:
            dispatcher.utter_message(response="utter_handoff_started")
            return [ConversationPaused()]
        if where == IN_OUTBOX:  # staff see it once the database takes writes again
            dispatcher.utter_message(text=HANDOFF_QUEUED_TEXT)
            return [ConversationPaused()]
        dispatcher.utter_message(response="utter_handoff_unavailable")
        return []
