"""After staff hand back: the assistant carries on with the request where it was, or knows
that staff logged or cancelled it (action_handed_back); complaints become records."""
from __future__ import annotations

from actions.handoff import ActionHandedBack, ActionRecordComplaint
from bot.cases.complaints import NEW, ComplaintStore
from bot.chat.handoffs import REQUEST_CANCELLED, REQUEST_LOGGED, HandoffStore
from tests.actions.support import SENDER_ID, make_tracker, run_action

MID_REQUEST = {"request_type": "request_access", "subject": "self", "full_name": "Ann Example",
               "previous_names": "none", "date_of_birth": "1984-03-02",
               "address": "12 High Street, Chester", "postcode": "CH1 1AA"}


def handed_back(domain, slots):
    return make_tracker(domain, slots=slots, text="EXTERNAL: EXTERNAL_handed_back",
                        intent="EXTERNAL_handed_back", confidence=1.0)


def _handoff(case_db: str, outcome: str | None = None, reference: str | None = None) -> None:
    store = HandoffStore.from_url(case_db)
    handoff = store.request(SENDER_ID, "asked for a person")
    if outcome is not None:
        store.claim(handoff.id, "sam")
        store.record_request_outcome(handoff.id, outcome, reference)
    store.end(SENDER_ID, returned=True)


async def test_mid_request_it_says_where_the_resident_was_and_keeps_every_answer(
        domain, case_db):
    _handoff(case_db)
    outcome = await run_action(ActionHandedBack(), handed_back(domain, MID_REQUEST), domain)
    [said] = outcome.texts
    assert "Your answers so far are kept" in said
    assert said.endswith("We were at: your email address.")
    assert "subject access request" in said  # the request named as the resident chose it
    assert outcome.slots == {"resume_request": True, "failed_attempts": None}


async def test_when_staff_logged_the_request_it_does_not_resume_it(domain, case_db):
    _handoff(case_db, REQUEST_LOGGED, "DPA-7KQ4-M2XP")
    outcome = await run_action(ActionHandedBack(), handed_back(domain, MID_REQUEST), domain)
    [said] = outcome.texts
    assert "DPA-7KQ4-M2XP" in said and "logged your request" in said
    assert outcome.slots["resume_request"] is False
    assert outcome.slots["request_type"] is None and outcome.slots["email"] is None
    assert outcome.slots["full_name"] is None  # the answers are forgotten
    assert outcome.slots["case_reference"] == "DPA-7KQ4-M2XP"


async def test_when_staff_cancelled_the_request_it_says_so_and_forgets_it(domain, case_db):
    _handoff(case_db, REQUEST_CANCELLED)
    outcome = await run_action(ActionHandedBack(), handed_back(domain, MID_REQUEST), domain)
    [said] = outcome.texts
    assert "cancelled" in said and "nothing was sent" in said
    assert outcome.slots["resume_request"] is False and outcome.slots["request_type"] is None


async def test_staff_outcome_already_told_to_rasa_is_not_said_twice(domain, case_db):
    _handoff(case_db, REQUEST_LOGGED, "DPA-7KQ4-M2XP")  # the console cleared the slots
    outcome = await run_action(ActionHandedBack(), handed_back(domain, {}), domain)
    assert outcome.texts == [] and outcome.slots["resume_request"] is False


async def test_no_request_open_means_nothing_to_carry_on(domain, case_db):
    _handoff(case_db)
    outcome = await run_action(ActionHandedBack(), handed_back(domain, {}), domain)
    assert outcome.texts == [] and outcome.responses == []
    assert outcome.slots == {"resume_request": False}


async def test_without_the_database_it_still_carries_on_from_the_slots(domain):
    # isolated_settings only: no tables, so reading the handoff fails
    outcome = await run_action(ActionHandedBack(), handed_back(domain, MID_REQUEST), domain)
    assert outcome.slots["resume_request"] is True


async def test_a_complaint_made_in_chat_becomes_a_record_staff_work(domain, case_db):
    text = "I'm not happy with how you handled my data and want to complain"
    tracker = make_tracker(domain, text=text, intent="make_complaint")
    outcome = await run_action(ActionRecordComplaint(), tracker, domain)
    [said] = outcome.texts
    assert "Information Governance team" in said
    [complaint] = ComplaintStore.from_url(case_db).listing()
    assert complaint.text == text and complaint.status == NEW
    assert complaint.conversation_id == SENDER_ID


async def test_a_complaint_that_cannot_be_stored_is_not_claimed_as_passed_on(domain):
    tracker = make_tracker(domain, text="I want to complain", intent="make_complaint")
    outcome = await run_action(ActionRecordComplaint(), tracker, domain)
    assert outcome.texts == []


async def test_a_complaint_made_mid_form_is_answered_and_kept(domain, case_db):
    from actions.forms import ValidateRequestForm
    from tests.actions.support import form_turn

    text = "Why did you share my data? I want to complain about it"
    outcome = await form_turn(
        ValidateRequestForm(), domain, "date_of_birth", text, intent="make_complaint",
        confidence=0.9, slots={"request_type": "request_access", "subject": "self",
                               "full_name": "Ada Lovelace", "previous_names": "none"})
    assert "utter_answer_make_complaint" in outcome.responses
    assert any("Information Governance team" in t for t in outcome.texts)
    assert outcome.slots["date_of_birth"] is None  # the question is asked again
    [complaint] = ComplaintStore.from_url(case_db).listing()
    assert complaint.text == text
