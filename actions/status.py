"""Tell a resident where their request stands, only once they have identified themselves."""
from __future__ import annotations

import asyncio
import logging
from datetime import date
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.settings import case_repository
from bot.conversation.validation.dates import check_date_of_birth
from bot.conversation.validation.email import check_email
from bot.conversation.validation.reference import check_case_reference
from bot.conversation.wording import case_status_message

log = logging.getLogger(__name__)


class ValidateStatusForm(FormValidationAction):
    """A case reference, then an email address or date of birth to match it."""

    def name(self) -> str:
        return "validate_status_form"

    def validate_case_reference(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        checked = check_case_reference(str(value or ""))
        if not checked.ok:
            dispatcher.utter_message(text=checked.problem)
            return {"case_reference": None}
        return {"case_reference": checked.value}

    def validate_identity_check(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "")
        if "@" in text:
            checked = check_email(text)
            stored = checked.value
        else:
            checked = check_date_of_birth(text)
            stored = checked.value.isoformat() if checked.ok else None
        if not checked.ok:
            dispatcher.utter_message(text=checked.problem)
            return {"identity_check": None}
        return {"identity_check": stored}


class ActionCheckCaseStatus(Action):
    """Status and due date for a matching case; the same reply for any mismatch."""

    def name(self) -> str:
        return "action_check_case_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        reference = tracker.get_slot("case_reference")
        detail = tracker.get_slot("identity_check") or ""
        lookup: dict[str, Any] = {}
        if "@" in detail:
            lookup["email"] = detail
        else:
            try:
                lookup["date_of_birth"] = date.fromisoformat(detail)
            except ValueError:
                lookup = {}
        summary = None
        if reference and lookup:
            try:
                summary = await asyncio.to_thread(
                    case_repository().find_case_for_resident, reference, **lookup
                )
            except Exception as exc:  # noqa: BLE001 (the resident still gets an answer)
                log.error("case status lookup failed: %s", type(exc).__name__)
                dispatcher.utter_message(response="utter_case_store_unavailable")
                return [SlotSet("identity_check", None)]
        if summary is None:
            dispatcher.utter_message(response="utter_case_not_matched")
        else:
            dispatcher.utter_message(
                text=case_status_message(
                    reference=summary.reference,
                    status=summary.status,
                    due_on=summary.due_on,
                    waiting_for=list(summary.waiting_for),
                )
            )
        return [SlotSet("case_reference", None), SlotSet("identity_check", None)]
