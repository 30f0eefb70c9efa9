"""Open, cancel and submit a rights request (the request form's surrounding actions)."""
from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.handoff import record_handoff
from actions.settings import case_repository, outbox, settings
from actions.summary import request_label
from bot.cases.new_case import NewCase
from bot.cases.records import CaseSummary, InvalidCaseData, ReferenceTaken
from bot.cases.repository import REFERENCE_ATTEMPTS
from bot.cases.vocabulary import REQUEST_TYPES
from bot.conversation.case_from_form import UnusableAnswer, new_case_from_form
from bot.conversation.request_form import ALL_FORM_SLOTS, documents_to_send
from bot.conversation.resume import carry_on_message, has_answers, pending_question
from bot.conversation.wording import case_logged_message
from bot.db.engine import database_refused
from bot.mail.case_mail import queue_case_confirmation
from bot.rules import council
from bot.rules.deadlines import due_date, received_on
from bot.rules.references import new_reference

log = logging.getLogger(__name__)

FORM_STATE_SLOTS = (*ALL_FORM_SLOTS, "failed_attempts", "resume_request")


def clear_form_slots() -> list[dict[str, Any]]:
    return [SlotSet(slot, None) for slot in FORM_STATE_SLOTS]


class ActionStartRequest(Action):
    """Start a fresh request of the kind the resident asked for, explaining its conditions.

    Choosing again the request that was interrupted (the resident asked for a person, say)
    carries on with it instead: every answer is kept and the form asks what was pending.
    """

    def name(self) -> str:
        return "action_start_request"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        request_type = intent if intent in REQUEST_TYPES else tracker.get_slot("request_type")
        if request_type not in REQUEST_TYPES:
            request_type = "request_access"
        if request_type == tracker.get_slot("request_type") and has_answers(tracker.slots):
            slot = pending_question(request_type, tracker.slots)
            dispatcher.utter_message(
                text=carry_on_message(request_label(domain, request_type), slot))
            return [SlotSet("failed_attempts", None)]
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

    The reference is chosen before the write, so the resident can be told it whatever
    happens. The case is written in one transaction by the case store; if the database
    refuses it (locked past the busy timeout, read-only, full, unreachable) the request is
    kept in the outbox (:mod:`bot.cases.outbox`) and logged under that same reference once
    the database recovers, and the resident is told exactly that. Any other failure, or an
    outbox that cannot be written either, is told honestly with the DPO's contact details,
    and the conversation is handed to staff, so a request is never silently lost.
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
        received_at = datetime.now(timezone.utc)
        queued = False
        try:
            reference, due_on = await _log_case(case, received_at)
        except Exception as exc:
            log.error("could not log a case: %s", type(exc).__name__)
            kept = await _keep_in_outbox(case, received_at) if database_refused(exc) else None
            if kept is None:
                return await _hand_off_failure(dispatcher, tracker.sender_id)
            reference, queued, due_on = kept, True, None

        nation = settings().council_nation
        today = received_on(received_at)
        documents = documents_to_send(case.request_type, slots)
        if queued and not documents:  # the clock starts on the day it was received
            due_on = due_date(today, nation)
        dispatcher.utter_message(
            text=case_logged_message(
                reference=reference,
                on_behalf=case.on_behalf,
                documents=documents,
                due_on=due_on,
                due_if_documents_today=due_date(today, nation) if documents else None,
                dpo_email=council.DPO_EMAIL,
                dpo_postal_address=council.DPO_POSTAL_ADDRESS,
                queued=queued,
            )
        )
        return [*clear_form_slots(), SlotSet("request_type", None),
                SlotSet("case_reference", reference)]


async def _log_case(case: NewCase, received_at: datetime) -> tuple[str, date | None]:
    """Write the case under a reference chosen now; its reference and due date."""
    repository = case_repository()
    for _attempt in range(REFERENCE_ATTEMPTS):
        reference = repository.new_reference()
        try:
            summary, _ = await asyncio.to_thread(
                repository.create_case_once, case, reference=reference, received_at=received_at
            )
        except ReferenceTaken:
            continue  # another conversation's case has it (1 in 2**40): choose again
        await _queue_confirmation(summary)
        return summary.reference, summary.due_on
    raise InvalidCaseData("could not allocate a unique case reference")


async def _queue_confirmation(summary: CaseSummary) -> None:
    """The confirmation email (docs/mail.md); a mail failure never costs the resident the
    chat's answer: the case is logged, and the reference is in the reply."""
    try:
        await asyncio.to_thread(queue_case_confirmation, summary)
    except Exception as exc:  # noqa: BLE001 (the case is safe; say so and go on)
        log.error("case %s: could not queue the confirmation email: %s",
                  summary.reference, type(exc).__name__)


async def _keep_in_outbox(case: NewCase, received_at: datetime) -> str | None:
    """The reference the request will be logged under, once it is safely on disk; None if
    the outbox cannot be written either (the same full disk, say)."""
    reference = new_reference()  # not the repository's: building it may be what failed
    try:
        await asyncio.to_thread(
            outbox().add_case, case, reference=reference, received_at=received_at
        )
    except OSError as exc:
        log.error("could not keep a case in the outbox: %s", type(exc).__name__)
        return None
    log.warning("case %s kept in the outbox until the database takes writes", reference)
    return reference


async def _hand_off_failure(
    dispatcher: CollectingDispatcher, conversation_id: str
) -> list[dict[str, Any]]:
    """Nothing was kept: say so, with the DPO's details, and ask staff if that works."""
    if await record_handoff(conversation_id, "case_logging_failed"):
        dispatcher.utter_message(response="utter_case_logging_failed")
        return [SlotSet("confirmed", None), ConversationPaused()]
    dispatcher.utter_message(response="utter_case_logging_failed_no_staff")
    return [SlotSet("confirmed", None)]
