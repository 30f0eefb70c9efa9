"""The actions around the request form: start, cancel, the summary, and submitting a case.

Submitting writes to a real, migrated SQLite case store (the test's own file), and the
assertions read the case back through the same repository staff use.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from actions import requests as request_actions
from actions.requests import (
    FORM_STATE_SLOTS,
    ActionCancelRequest,
    ActionStartRequest,
    ActionSubmitRequest,
)
from actions.settings import outbox, settings
from actions.summary import ActionAskChangeField, ActionAskConfirmed
from bot.cases.new_case import NewCase
from bot.cases.repository import CaseRepository
from bot.cases.vocabulary import REQUEST_TYPES
from bot.chat.handoffs import HandoffStore
from bot.conversation.request_form import FIELD_LABELS
from bot.conversation.wording import long_date
from bot.rules import council
from bot.rules.deadlines import due_date, received_on
from tests.actions.support import (
    SENDER_ID,
    Outcome,
    make_tracker,
    response_text,
    run_action,
)

NATION = "england-and-wales"

ACCESS_FOR_MYSELF: dict[str, Any] = {
    "request_type": "request_access",
    "subject": "self",
    "full_name": "Ada Lovelace",
    "previous_names": "none",
    "date_of_birth": "1984-03-03",
    "address": "12 High Street, Chester CH1 2NP",
    "postcode": "CH1 2NP",
    "email": "ada@example.org",
    "phone": "07700 900123",
    "previous_addresses": "3 Old Road, Chester",
    "access_what": "all my housing records",
    "access_period": "2015 to 2019",
    "response_format": "electronic",
    "id_document": "passport",
    "address_document": "council_tax_bill",
    "confirmed": True,
}

MARKETING_FOR_MYSELF: dict[str, Any] = {
    "request_type": "stop_direct_marketing",
    "subject": "self",
    "full_name": "Grace Hopper",
    "previous_names": "none",
    "date_of_birth": "1970-12-09",
    "address": "4 Bridge Street, Chester CH1 1NQ",
    "postcode": "CH1 1NQ",
    "email": "grace@example.org",
    "phone": "none",
    "marketing_channels": "emails and texts",
    "confirmed": True,
}


def today() -> date:
    return received_on(datetime.now(timezone.utc))


def tracker_at_submit(domain: dict, slots: dict[str, Any]):
    """The form has just completed after the resident confirmed the summary."""
    return make_tracker(domain, slots={**slots, "requested_slot": None}, text="/affirm",
                        intent="affirm", confidence=1.0)


async def submit(domain: dict, slots: dict[str, Any]) -> Outcome:
    return await run_action(ActionSubmitRequest(), tracker_at_submit(domain, slots), domain)


def cleared(outcome: Outcome) -> set[str]:
    return {name for name, value in outcome.slots.items() if value is None}


# -- action_start_request --------------------------------------------------------------------


@pytest.mark.parametrize("request_type", REQUEST_TYPES)
async def test_start_takes_the_request_type_from_the_intent_and_explains_it(domain, request_type):
    leftovers = {slot: "old answer" for slot in FORM_STATE_SLOTS}
    other = "request_access" if request_type != "request_access" else "request_erasure"
    tracker = make_tracker(domain, slots={**leftovers, "request_type": other},
                           text="I want to make a request", intent=request_type,
                           confidence=0.97)
    outcome = await run_action(ActionStartRequest(), tracker, domain)
    assert outcome.responses == [f"utter_explain_{request_type}"]
    assert f"utter_explain_{request_type}" in domain["responses"]
    assert outcome.slots["request_type"] == request_type
    assert set(FORM_STATE_SLOTS) <= cleared(outcome)  # every answer and the failure count
    assert {"confirmed", "change_field", "failed_attempts", "email"} <= cleared(outcome)


async def test_choosing_the_interrupted_request_again_carries_on_with_every_answer(domain):
    answers = {"subject": "self", "full_name": "Ann Example", "previous_names": "none",
               "date_of_birth": "1984-03-02", "address": "12 High Street, Chester",
               "postcode": "CH1 1AA"}
    tracker = make_tracker(domain, slots={**answers, "request_type": "request_access",
                                          "failed_attempts": 1},
                           text="I want a copy of my data", intent="request_access")
    outcome = await run_action(ActionStartRequest(), tracker, domain)
    assert outcome.responses == []  # no explanation again: it carries on
    [said] = outcome.texts
    assert said.endswith("We were at: your email address.")
    assert "Your answers so far are kept" in said
    assert not set(answers) & cleared(outcome)  # nothing forgotten
    assert outcome.slots == {"failed_attempts": None}


async def test_start_keeps_the_request_type_already_chosen_for_other_intents(domain):
    tracker = make_tracker(domain, slots={"request_type": "request_erasure"}, text="/affirm",
                           intent="affirm")
    outcome = await run_action(ActionStartRequest(), tracker, domain)
    assert outcome.slots["request_type"] == "request_erasure"
    assert outcome.responses == ["utter_explain_request_erasure"]


async def test_start_without_any_request_type_defaults_to_access(domain):
    tracker = make_tracker(domain, text="hello", intent="greet")
    outcome = await run_action(ActionStartRequest(), tracker, domain)
    assert outcome.slots["request_type"] == "request_access"


# -- action_cancel_request -------------------------------------------------------------------


async def test_cancel_clears_every_answer_and_logs_nothing(domain, cases):
    existing = cases.create_case(NewCase(request_type="request_erasure", full_name="Someone Else"),
                                 received_at=datetime.now(timezone.utc))
    slots = {**ACCESS_FOR_MYSELF, "confirmed": None, "failed_attempts": 1}
    tracker = make_tracker(domain, slots=slots, text="/affirm", intent="affirm")
    outcome = await run_action(ActionCancelRequest(), tracker, domain)
    assert outcome.responses == ["utter_request_cancelled"]
    assert set(FORM_STATE_SLOTS) | {"request_type"} <= cleared(outcome)
    assert [case.reference for case in cases.list_cases()] == [existing.reference]


# -- the summary and the change question -------------------------------------------------------


async def test_summary_reads_every_answer_back_in_plain_words(domain):
    slots = {**ACCESS_FOR_MYSELF, "confirmed": None}
    outcome = await run_action(ActionAskConfirmed(), make_tracker(domain, slots=slots), domain)
    [message] = outcome.messages
    label = domain["responses"]["utter_label_request_access"][0]["text"]
    lines = message["text"].splitlines()
    assert lines[0] == "Please check your answers:"
    assert f"• Request: {label}" in lines
    assert "• Date of birth: 3 March 1984" in lines
    assert "• Email: ada@example.org" in lines
    assert "• How you'd like the response: Electronic copy (usually PDF)" in lines
    assert "• Proof of address you'll send: Council tax bill (up to 1 year old)" in lines
    assert lines[-1] == "Shall I send this request to the council?"
    assert message["buttons"] == [{"title": "Yes, send it", "payload": "/affirm"},
                                  {"title": "Change something", "payload": "/deny"}]


async def test_marketing_summary_has_no_id_or_format_lines(domain):
    slots = {**MARKETING_FOR_MYSELF, "confirmed": None}
    outcome = await run_action(ActionAskConfirmed(), make_tracker(domain, slots=slots), domain)
    text = outcome.messages[0]["text"]
    assert "Marketing to stop: emails and texts" in text
    assert "Proof of identity" not in text and "How you'd like the response" not in text


async def test_change_question_offers_each_answer_asked(domain):
    slots = {**MARKETING_FOR_MYSELF, "confirmed": False}
    outcome = await run_action(ActionAskChangeField(), make_tracker(domain, slots=slots), domain)
    [message] = outcome.messages
    assert message["text"] == "Which answer would you like to change?"
    expected = ["subject", "full_name", "previous_names", "date_of_birth", "address",
                "postcode", "email", "phone", "marketing_channels"]
    assert message["buttons"] == [{"title": FIELD_LABELS[f], "payload": f} for f in expected]


# -- action_submit_request -------------------------------------------------------------------


async def test_submit_logs_an_access_request_with_its_answers(domain, cases):
    outcome = await submit(domain, ACCESS_FOR_MYSELF)

    [case] = cases.list_cases()
    assert case.request_type == "request_access"
    assert case.conversation_id == SENDER_ID
    assert case.on_behalf is False
    assert case.subject_name is None
    assert case.full_name == "Ada Lovelace"
    assert case.date_of_birth == date(1984, 3, 3)
    assert case.address == "12 High Street, Chester CH1 2NP"
    assert case.postcode == "CH1 2NP"
    assert case.email == "ada@example.org"
    assert case.phone == "07700 900123"
    assert case.previous_names is None  # "none" means not given
    assert case.previous_addresses == "3 Old Road, Chester"
    assert case.answers == {"access_what": "all my housing records",
                            "access_period": "2015 to 2019"}
    assert case.services == "all my housing records"
    assert case.period == "2015 to 2019"
    assert case.response_format == "electronic"
    assert (case.id_document, case.address_document) == ("passport", "council_tax_bill")
    assert case.requires_id is True
    assert case.received_on == today()
    assert case.due_on is None and case.status == "awaiting_id"  # the clock waits for ID

    [text] = outcome.texts
    assert case.reference in text
    assert "your passport and your council tax bill (up to 1 year old)" in text
    assert council.DPO_EMAIL in text and council.DPO_POSTAL_ADDRESS in text
    assert "starts on the day we receive" in text
    assert f"we must answer by {long_date(due_date(today(), NATION))}" in text

    assert outcome.slots["case_reference"] == case.reference
    assert outcome.slots["request_type"] is None
    assert set(FORM_STATE_SLOTS) <= cleared(outcome)


async def test_submit_marketing_needs_no_id_so_the_due_date_is_set_at_once(domain, cases):
    outcome = await submit(domain, MARKETING_FOR_MYSELF)

    [case] = cases.list_cases()
    assert case.request_type == "stop_direct_marketing"
    assert case.requires_id is False
    assert case.answers == {"marketing_channels": "emails and texts"}
    assert case.response_format is None
    assert case.phone is None  # skipped ("none")
    assert case.status == "clock_running"
    assert case.clock_started_on == today()
    assert case.due_on == due_date(today(), NATION)

    [text] = outcome.texts
    assert case.reference in text
    assert f"We must answer by {long_date(case.due_on)}" in text
    assert "starts on the day we receive" not in text
    assert "please send us a copy" not in text  # nothing to send


async def test_submit_for_someone_else_records_who_and_asks_for_the_authority(domain, cases):
    slots = {**ACCESS_FOR_MYSELF, "subject": "other", "relationship": "child",
             "authority": "parental_responsibility", "subject_name": "Tom Lovelace",
             "date_of_birth": "2012-03-03", "email": "not given", "phone": "01244 977100"}
    outcome = await submit(domain, slots)

    [case] = cases.list_cases()
    assert case.on_behalf is True
    assert (case.subject_name, case.relationship, case.authority) == (
        "Tom Lovelace", "child", "parental_responsibility")
    assert case.requires_authority is True
    assert set(case.waiting_for) == {"id", "address", "authority"}
    assert case.email is None  # "not given"
    assert case.date_of_birth == date(2012, 3, 3)

    [text] = outcome.texts
    assert "the child's birth certificate" in text
    assert "As you are acting for someone else" in text
    assert "starts on the day we receive" in text


async def test_submit_portability_is_answered_in_a_portable_format(domain, cases):
    slots = {**{k: v for k, v in ACCESS_FOR_MYSELF.items()
                if k not in ("access_what", "access_period", "response_format")},
             "request_type": "request_portability",
             "portability_what": "my parking permit records",
             "portability_destination": "send it to me"}
    await submit(domain, slots)
    [case] = cases.list_cases()
    assert case.response_format == "portable"
    assert case.answers == {"portability_what": "my parking permit records",
                            "portability_destination": "send it to me"}


async def test_submit_skipped_answers_are_stored_as_not_given(domain, cases):
    slots = {**ACCESS_FOR_MYSELF, "date_of_birth": "not given", "postcode": "not given",
             "id_document": "not given"}
    outcome = await submit(domain, slots)
    [case] = cases.list_cases()
    assert case.date_of_birth is None and case.postcode is None and case.id_document is None
    assert "proof of your identity and your council tax bill" in outcome.texts[0]


@pytest.mark.parametrize("confirmed", [None, False])
async def test_nothing_is_logged_unless_the_summary_was_confirmed(domain, cases, confirmed):
    outcome = await submit(domain, {**ACCESS_FOR_MYSELF, "confirmed": confirmed})
    assert outcome.events == [] and outcome.responses == ["utter_request_not_sent"]
    assert cases.list_cases() == []


# -- a tracker that skipped the form ---------------------------------------------------------


@pytest.mark.parametrize(
    "forged",
    [
        {"full_name": "=1+1"},
        {"email": "=1+1"},
        {"date_of_birth": "1900-01-01"},
        {"phone": "=HYPERLINK(\"x\")"},
        {"postcode": "=1+1"},
        {"response_format": "=1+1"},
        {"access_what": "="},
    ],
    ids=lambda forged: "-".join(forged),
)
async def test_a_forged_tracker_stores_no_case(domain, cases, handoff_calls, forged):
    """The form would never have accepted these: the submit action re-checks every answer."""
    outcome = await submit(domain, {**ACCESS_FOR_MYSELF, **forged})
    assert cases.list_cases() == []
    assert outcome.responses == ["utter_case_logging_failed_no_staff"]
    assert outcome.texts == []  # no reference, no promise of a date
    assert handoff_calls == []


# -- when the case cannot be logged ------------------------------------------------------------


@pytest.fixture
def handoff_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, bool]]:
    """Spy on the submit action's handoff (the real one still runs)."""
    calls: list[tuple[str, str, bool]] = []
    real = request_actions.record_handoff

    async def spy(conversation_id: str, reason: str) -> bool:
        recorded = await real(conversation_id, reason)
        calls.append((conversation_id, reason, recorded))
        return recorded

    monkeypatch.setattr(request_actions, "record_handoff", spy)
    return calls


async def test_a_failing_case_store_tells_the_resident_and_hands_off(
    domain, case_db, cases, monkeypatch, handoff_calls
):
    def broken(self: CaseRepository, *args: Any, **fields: Any):
        raise RuntimeError("database went away")

    monkeypatch.setattr(CaseRepository, "create_case_once", broken)
    outcome = await submit(domain, ACCESS_FOR_MYSELF)

    assert outcome.responses == ["utter_case_logging_failed"]
    assert outcome.texts == []  # no reference, no promise of a date
    assert handoff_calls == [(SENDER_ID, "case_logging_failed", "database")]
    [handoff] = HandoffStore.from_url(case_db).for_conversation(SENDER_ID)
    assert handoff.reason == "the case could not be logged"
    assert handoff.status == "waiting"
    assert cases.list_cases() == []
    assert "case_reference" not in outcome.slots
    assert outcome.slots == {"confirmed": None}  # the answers stay for staff to see


async def test_a_read_only_database_keeps_the_request_in_the_outbox(
    domain, case_db, use_database, handoff_calls
):
    path = case_db.removeprefix("sqlite:///")
    use_database(f"sqlite:///file:{path}?mode=ro&uri=true")
    outcome = await submit(domain, ACCESS_FOR_MYSELF)

    [pending] = outbox().pending()
    [said] = outcome.texts
    promise = "saved and will be logged as soon as possible, with the reference"
    assert f"{promise} {pending.reference}" in said
    assert council.DPO_EMAIL in said  # whom to contact if they hear nothing
    assert "Your request is logged" not in said
    assert outcome.slots["case_reference"] == pending.reference
    assert handoff_calls == []  # it will be logged: no need to ask staff
    assert CaseRepository.from_url(case_db).list_cases() == []
    assert HandoffStore.from_url(case_db).for_conversation(SENDER_ID) == []


async def test_an_unreachable_database_path_keeps_the_request_in_the_outbox(
    domain, tmp_path: Path, use_database, handoff_calls
):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    use_database(f"sqlite:///{blocker / 'dpa.sqlite3'}")
    outcome = await submit(domain, ACCESS_FOR_MYSELF)
    [pending] = outbox().pending()
    assert pending.reference in outcome.texts[0]
    assert handoff_calls == []
    assert blocker.read_text() == ""


async def test_the_resident_is_not_told_staff_were_asked_when_the_handoff_failed(
    domain, case_db, use_database, handoff_calls
):
    """The database refuses and the outbox cannot be written either (the same full disk)."""
    path = case_db.removeprefix("sqlite:///")
    use_database(f"sqlite:///file:{path}?mode=ro&uri=true")
    (settings().var_dir / "outbox").write_text("")  # a file where the outbox folder goes
    outcome = await submit(domain, ACCESS_FOR_MYSELF)
    assert outcome.responses == ["utter_case_logging_failed_no_staff"]
    assert handoff_calls and handoff_calls[0][2] is None
    rendered = " ".join(response_text(domain, m) for m in outcome.messages)
    assert council.DPO_EMAIL in rendered
    assert "asked a member of staff" not in rendered
    assert "reference" not in rendered  # no reference for a request kept nowhere


async def test_a_recorded_handoff_after_a_logging_failure_pauses_the_assistant(
    domain, case_db, monkeypatch
):
    def broken(self: CaseRepository, *args: Any, **fields: Any):
        raise RuntimeError("database went away")

    monkeypatch.setattr(CaseRepository, "create_case_once", broken)
    outcome = await submit(domain, ACCESS_FOR_MYSELF)
    assert HandoffStore.from_url(case_db).for_conversation(SENDER_ID)
    assert {"event": "pause", "timestamp": None} in outcome.events
