"""Tell a resident where their request stands, only once they have identified themselves.

Every check is counted before the comparison (:mod:`bot.cases.status_limits`): after too
many failed checks for a reference or from one client address, the check is refused, even
with the right answer, and staff see it in the access log.
"""
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

from actions.settings import access_log, case_repository, settings, status_limits
from bot.cases.records import CaseSummary
from bot.cases.status_limits import CLIENT_TAG_KEY, Decision, read_client_tag
from bot.cases.vocabulary import ASSISTANT
from bot.conversation.validation.dates import check_date_of_birth
from bot.conversation.validation.email import check_email
from bot.conversation.validation.reference import check_case_reference
from bot.conversation.wording import STATUS_CHECK_LOCKED_TEXT, case_status_message
from bot.rules.references import normalise_reference
from bot.staff import audit

log = logging.getLogger(__name__)


class _Refused:
    """A limit refused the check: nothing was compared."""


REFUSED = _Refused()


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
            email = check_email(text)
            problem, stored = email.problem, email.value
        else:
            born = check_date_of_birth(text)
            problem = born.problem
            stored = born.value.isoformat() if born.value is not None else None
        if problem is not None:
            dispatcher.utter_message(text=problem)
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
        summary: CaseSummary | None = None
        if reference and lookup:
            try:
                outcome = await asyncio.to_thread(
                    _limited_check, reference, _client(tracker), lookup
                )
            except Exception as exc:
                log.error("case status lookup failed: %s", type(exc).__name__)
                dispatcher.utter_message(response="utter_case_store_unavailable")
                return [SlotSet("identity_check", None)]
            if isinstance(outcome, _Refused):
                dispatcher.utter_message(text=STATUS_CHECK_LOCKED_TEXT)
                return [SlotSet("case_reference", None), SlotSet("identity_check", None)]
            summary = outcome
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


def _client(tracker: Tracker) -> str | None:
    """The client address hash the hub signed into the latest message (None: not given)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            metadata = event.get("metadata") or {}
            tag = metadata.get(CLIENT_TAG_KEY) if isinstance(metadata, dict) else None
            return read_client_tag(settings().status_check_secret, tag)
    return None


def _limited_check(
    reference: str, client: str | None, lookup: dict[str, Any]
) -> CaseSummary | _Refused | None:
    """The matching case, None, or REFUSED; counted first, forgiven only when it matched."""
    limits = status_limits()
    decision = limits.begin(reference, client)
    if not decision.allowed:
        log.warning("status check refused: too many failed checks (%s)",
                    "reference" if decision.reference_locked else "client address")
        _tell_staff(reference, client, decision)
        return REFUSED
    summary = case_repository().find_case_for_resident(reference, **lookup)
    if summary is not None:
        limits.forgive(decision)
    return summary


def _tell_staff(reference: str, client: str | None, decision: Decision) -> None:
    """One access log line when a reference or an address is first refused in the window."""
    limits = status_limits().limits
    hours = int(limits.window.total_seconds() // 3600)
    if decision.newly_locked_reference:
        exists = case_repository().case_exists(reference)
        access_log().record(
            ASSISTANT, audit.STATUS_CHECK_LOCKED,
            target=normalise_reference(reference) if exists else None,
            detail=f"{limits.per_reference} failed status checks in {hours} hours for "
            + ("this case" if exists else "a reference that matches no case")
            + "; further checks are refused and the resident is told to contact the DPO",
        )
    if decision.newly_locked_address:
        where = ("one client address" if client is not None
                 else "callers without a client address (not through the chat)")
        count = limits.per_address if client is not None else limits.unknown_address
        access_log().record(
            ASSISTANT, audit.STATUS_CHECK_ADDRESS_LOCKED,
            detail=f"{count} failed status checks in {hours} hours from {where}; "
            "further checks from there are refused",
        )
