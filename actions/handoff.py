"""Hand a conversation to a member of staff and pause the assistant for it."""
from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.settings import outbox, settings
from actions.summary import request_label
from bot.cases.vocabulary import REQUEST_TYPES
from bot.conversation.resume import (
    REQUEST_CANCELLED_BY_STAFF_TEXT,
    carry_on_message,
    pending_question,
    request_logged_by_staff_message,
)
from bot.conversation.wording import COMPLAINT_RECORDED_TEXT, HANDOFF_QUEUED_TEXT
from bot.db.engine import database_refused

log = logging.getLogger(__name__)

REASONS = {
    "request_human": "asked for a person",
    "make_complaint": "complaint",
    "nlu_fallback": "repeated misunderstanding",
    "case_logging_failed": "the case could not be logged",
}


# How many of the resident's latest messages handoff_reason reads (the most any action reads
# from tracker.events: bot/rasa/action_payload.py sends Rasa's events from twice as many).
RECENT_USER_TURNS = 4


def handoff_reason(tracker: Tracker) -> str:
    """Why staff are needed, judged from the last things the resident said."""
    intents = [
        (event.get("parse_data") or {}).get("intent", {}).get("name")
        for event in tracker.events
        if event.get("event") == "user"
    ][-RECENT_USER_TURNS:]
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


async def _latest_handoff(conversation_id: str) -> Any:
    from bot.chat.handoffs import HandoffStore

    try:
        store = HandoffStore.from_url(settings().database_url)
        return await asyncio.to_thread(store.latest, conversation_id)
    except Exception as exc:  # noqa: BLE001 (without it the slots still say where we were)
        log.error("could not read the handoff handed back: %s", type(exc).__name__)
        return None


class ActionHandedBack(Action):
    """Staff handed the chat back (the hub's ``EXTERNAL_handed_back``): carry on.

    If staff logged or cancelled the resident's request with them (the handoff records it:
    ``request_outcome``), say so and forget the answers; if a request is still open, say
    where the resident was and set ``resume_request`` so that the form comes back and asks
    its pending question, every answer kept; otherwise nothing more to say.
    """

    def name(self) -> str:
        return "action_handed_back"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        from actions.requests import clear_form_slots
        from bot.chat.handoffs import REQUEST_CANCELLED, REQUEST_LOGGED

        request_type = tracker.get_slot("request_type")
        handoff = await _latest_handoff(tracker.sender_id)
        outcome = getattr(handoff, "request_outcome", None)
        if outcome in (REQUEST_LOGGED, REQUEST_CANCELLED):
            events = [*clear_form_slots(), SlotSet("request_type", None),
                      SlotSet("resume_request", False)]
            if outcome == REQUEST_LOGGED:
                reference = handoff.request_reference
                if request_type is not None:  # the console could not tell Rasa itself
                    dispatcher.utter_message(text=request_logged_by_staff_message(reference))
                events.append(SlotSet("case_reference", reference))
            elif request_type is not None:
                dispatcher.utter_message(text=REQUEST_CANCELLED_BY_STAFF_TEXT)
            return events
        if request_type in REQUEST_TYPES:
            slot = pending_question(request_type, tracker.slots)
            dispatcher.utter_message(
                text=carry_on_message(request_label(domain, request_type), slot))
            return [SlotSet("resume_request", True), SlotSet("failed_attempts", None)]
        return [SlotSet("resume_request", False)]


async def record_complaint(conversation_id: str, text: str) -> bool:
    """Keep a complaint made in chat as a record staff work (``bot.cases.complaints``);
    False (and a logged error) when it could not be stored."""
    from bot.cases.complaints import ComplaintStore

    text = text.strip()
    if not text or text.startswith("/"):
        text = "(complaint chosen with a button; see the conversation)"
    try:
        store = ComplaintStore.from_url(settings().database_url)
        await asyncio.to_thread(store.record, conversation_id, text)
    except Exception as exc:  # noqa: BLE001 (the answer already gave the DPO's details)
        log.error("could not record a complaint: %s", type(exc).__name__)
        return False
    return True


class ActionRecordComplaint(Action):
    """Keep a complaint made in chat as a record staff work, and say so once it is kept."""

    def name(self) -> str:
        return "action_record_complaint"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        text = str((tracker.latest_message or {}).get("text") or "")
        if await record_complaint(tracker.sender_id, text):
            dispatcher.utter_message(text=COMPLAINT_RECORDED_TEXT)
        return []
