"""Open, cancel and submit a rights request (the request form's surrounding actions)."""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.handoff import record_handoff
from actions.settings import case_repository, settings
from bot.cases.vocabulary import REQUEST_TYPES
from bot.conversation.case_from_form import UnusableAnswer, new_case_from_form
from bot.conversation.request_form import ALL_FORM_SLOTS, documents_to_send
from bot.conversation.wording import case_logged_message
from bot.rules import council
from bot.rules.deadlines import due_date, received_on

log = logging.getLogger(__name__)

FORM_STATE_SLOTS = (*ALL_FORM_SLOTS, "failed_attempts")


def clear_form_slots() -> list[dict[str, Any]]:
    return [SlotSet(slot, None) for slot in FORM_STATE_SLOTS]


class ActionStartRequest(Action):
    """Start a fresh request of the kind the resident asked for, explaining its conditions."""

    def name(self) -> str:
        return "action_start_request"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        request_type = intent if intent in REQUEST_TYPES else tracker.get_slot("request_type")
        if request_type not in REQUEST_TYPES:
            request_type = "request_access"
        dispatcher.utter_message(response=f"utter_explain_{request_type}")
        return [*clear_form_slots(), SlotSet("request_type", request_type)]


class ActionCancelRequest(Action):
    """The resident confirmed they want to stop: forget every answer, log nothing."""

    def name(self) -> str:
        return "action_cancel_request"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_request_cancelled")
        return [*clear_form_slots(), SlotSet("request_type", None)]


class ActionSubmitRequest(Action):
    """Log the confirmed request as a case and tell the resident what happens next.

    The case is written in one transaction by the case store; if that fails the resident
    is told honestly, given the DPO's contact details, and the conversation is handed to
    staff, so a request is never silently lost.
    """

    def name(self) -> str:
        return "action_submit_request"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        slots = dict(tracker.slots)
        if slots.get("request_type") not in REQUEST_TYPES or slots.get("confirmed") is not True:
            dispatcher.utter_message(response="utter_request_not_sent")
            return []
        try:
            case = new_case_from_form(slots, tracker.sender_id)
        except UnusableAnswer as exc:
            # Only a tracker that skipped the form gets here: store nothing, say so.
            log.warning("refused to log a case: %s", exc)
            dispatcher.utter_message(response="utter_case_logging_failed_no_staff")
            return [SlotSet("confirmed", None)]
        try:
            summary = await asyncio.to_thread(
                case_repository().create_case, case, received_at=datetime.now(timezone.utc)
            )
        except Exception as exc:
            log.error("could not log a case: %s", type(exc).__name__)
            if await record_handoff(tracker.sender_id, "case_logging_failed"):
                dispatcher.utter_message(response="utter_case_logging_failed")
                return [SlotSet("confirmed", None), ConversationPaused()]
            dispatcher.utter_message(response="utter_case_logging_failed_no_staff")
            return [SlotSet("confirmed", None)]

        nation = settings().council_nation
        today = received_on(datetime.now(timezone.utc))
        documents = documents_to_send(case.request_type, slots)
        dispatcher.utter_message(
            text=case_logged_message(
                reference=summary.reference,
                on_behalf=case.on_behalf,
                documents=documents,
                due_on=summary.due_on,
                due_if_documents_today=due_date(today, nation) if documents else None,
                dpo_email=council.DPO_EMAIL,
                dpo_postal_address=council.DPO_POSTAL_ADDRESS,
            )
        )
        return [*clear_form_slots(), SlotSet("request_type", None),
                SlotSet("case_reference", summary.reference)]
