"""validate_request_form: which questions each request asks, and how each answer is read.

Each test runs the validator as Rasa does (the answer arrives as a SlotSet candidate after
the user's message, and the action returns the validated slots plus the next question), so
the assertions cover what the resident sees (dispatcher messages) and what the form does
next (``requested_slot``).
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import ValidateRequestForm
from bot.cases.vocabulary import REQUEST_TYPES
from bot.conversation.request_form import ALL_FORM_SLOTS, CHOICES, required_slots
from bot.conversation.validation.dates import check_date_of_birth
from bot.conversation.validation.email import check_email
from bot.conversation.validation.names import check_full_name
from bot.conversation.validation.phone import check_uk_phone
from bot.conversation.validation.postcode import check_uk_postcode
from bot.conversation.wording import long_date
from bot.rules.deadlines import due_date, received_on
from tests.actions.support import LONG_DATE, Outcome, form_turn, make_tracker, response_text

NOT_GIVEN = "not given"

# A complete set of answers; tests use the ones a request has before the question asked.
ANSWERS: dict[str, Any] = {
    "subject": "self",
    "relationship": "child",
    "authority": "parental_responsibility",
    "subject_name": "Tom Lovelace",
    "full_name": "Ada Lovelace",
    "previous_names": "none",
    "date_of_birth": "1984-03-03",
    "address": "12 High Street, Chester CH1 2NP",
    "postcode": "CH1 2NP",
    "email": "ada@example.org",
    "phone": "07700 900123",
    "previous_addresses": "none",
    "access_what": "all my housing records",
    "access_period": "2015 to 2019",
    "erasure_what": "my old housing application",
    "erasure_ground": "no_longer_needed",
    "rectification_wrong": "my date of birth on the council tax account",
    "rectification_correct": "3 March 1984",
    "restriction_what": "my social care file",
    "restriction_reason": "accuracy_contested",
    "objection_what": "use of my data for the residents' survey",
    "objection_grounds": "I was harassed after a previous survey",
    "portability_what": "my parking permit records",
    "portability_destination": "send it to me",
    "decision_what": "the automated blue badge decision in May",
    "decision_concern": "I want a person to review it",
    "marketing_channels": "emails and texts",
    "response_format": "electronic",
    "id_document": "passport",
    "address_document": "council_tax_bill",
}


def answered_before(slot: str, request_type: str = "request_access", **overrides: Any) -> dict:
    """The slots a resident has filled by the time the form asks ``slot``."""
    values = {**ANSWERS, **overrides}
    plan = required_slots(request_type, values)
    assert slot in plan, f"{request_type} never asks {slot}"
    before = plan[: plan.index(slot)]
    return {"request_type": request_type, **{name: values[name] for name in before}}


def next_after(slot: str, request_type: str = "request_access", **overrides: Any) -> str:
    plan = required_slots(request_type, {**ANSWERS, **overrides})
    return plan[plan.index(slot) + 1]


@pytest.fixture
def form() -> ValidateRequestForm:
    return ValidateRequestForm()


async def answer(
    form: ValidateRequestForm,
    domain: dict,
    slot: str,
    text: str,
    *,
    request_type: str = "request_access",
    intent: str | None = "inform",
    confidence: float = 0.95,
    failed_attempts: int | None = None,
    **slots: Any,
) -> Outcome:
    known = answered_before(slot, request_type, **{k: v for k, v in slots.items() if k in ANSWERS})
    known.update(slots)
    if failed_attempts is not None:
        known["failed_attempts"] = failed_attempts
    return await form_turn(form, domain, slot, text, intent=intent, confidence=confidence,
                           slots=known)


# -- which questions ---------------------------------------------------------------------------

ABOUT_YOU = ["full_name", "previous_names", "date_of_birth", "address", "postcode", "email",
             "phone"]
ID_DOCUMENTS = ["id_document", "address_document"]

EXPECTED_PLANS = {
    "request_access": ["subject", *ABOUT_YOU, "previous_addresses", "access_what",
                       "access_period", "response_format", *ID_DOCUMENTS, "confirmed"],
    "request_erasure": ["subject", *ABOUT_YOU, "erasure_what", "erasure_ground",
                        "response_format", *ID_DOCUMENTS, "confirmed"],
    "request_rectification": ["subject", *ABOUT_YOU, "rectification_wrong",
                              "rectification_correct", "response_format", *ID_DOCUMENTS,
                              "confirmed"],
    "request_restriction": ["subject", *ABOUT_YOU, "restriction_what", "restriction_reason",
                            "response_format", *ID_DOCUMENTS, "confirmed"],
    "object_processing": ["subject", *ABOUT_YOU, "objection_what", "objection_grounds",
                          "response_format", *ID_DOCUMENTS, "confirmed"],
    # Always answered in a portable format, so no format question; ID still needed.
    "request_portability": ["subject", *ABOUT_YOU, "portability_what",
                            "portability_destination", *ID_DOCUMENTS, "confirmed"],
    "object_automated_decision": ["subject", *ABOUT_YOU, "decision_what", "decision_concern",
                                  "response_format", *ID_DOCUMENTS, "confirmed"],
    # Marketing must stop on receipt: no ID, nothing to send back.
    "stop_direct_marketing": ["subject", *ABOUT_YOU, "marketing_channels", "confirmed"],
}


async def planned(form: ValidateRequestForm, domain: dict, **slots: Any) -> list[str]:
    tracker = make_tracker(domain, slots=slots, active_loop="request_form")
    return await form.required_slots(
        form.domain_slots(domain), CollectingDispatcher(), tracker, domain
    )


def test_every_request_type_has_a_plan():
    assert set(EXPECTED_PLANS) == set(REQUEST_TYPES)


@pytest.mark.parametrize("request_type", sorted(EXPECTED_PLANS))
async def test_required_slots_for_yourself(form, domain, request_type):
    plan = await planned(form, domain, request_type=request_type, subject="self")
    assert plan == EXPECTED_PLANS[request_type]


@pytest.mark.parametrize("request_type", sorted(EXPECTED_PLANS))
async def test_required_slots_for_someone_else_add_relationship_authority_and_name(
    form, domain, request_type
):
    plan = await planned(form, domain, request_type=request_type, subject="other")
    expected = list(EXPECTED_PLANS[request_type])
    expected[1:1] = ["relationship", "authority", "subject_name"]
    assert plan == expected


async def test_before_the_subject_is_known_the_plan_is_for_yourself(form, domain):
    plan = await planned(form, domain, request_type="request_erasure")
    assert plan == EXPECTED_PLANS["request_erasure"]


async def test_marketing_needs_neither_id_nor_a_response_format(form, domain):
    plan = await planned(form, domain, request_type="stop_direct_marketing", subject="other")
    assert not {"id_document", "address_document", "response_format"} & set(plan)


async def test_portability_asks_no_format_but_needs_id(form, domain):
    plan = await planned(form, domain, request_type="request_portability", subject="self")
    assert "response_format" not in plan
    assert {"id_document", "address_document"} <= set(plan)


async def test_a_declined_summary_adds_the_change_question(form, domain):
    plan = await planned(form, domain, request_type="request_access", subject="self",
                         confirmed=False)
    assert plan[-2:] == ["confirmed", "change_field"]


async def test_no_request_type_means_no_questions(form, domain):
    assert await planned(form, domain) == []


def test_every_question_the_form_may_ask_is_in_the_domain_form_and_has_its_wording(domain):
    """Rasa only asks (and maps answers to) slots listed in the domain's form."""
    listed = set(domain["forms"]["request_form"]["required_slots"])
    asked: set[str] = set()
    for request_type in REQUEST_TYPES:
        for subject in ("self", "other"):
            asked |= set(required_slots(request_type, {"subject": subject, "confirmed": False}))
    assert asked <= listed
    assert asked == set(ALL_FORM_SLOTS)
    for slot in asked:
        assert (f"utter_ask_{slot}" in domain["responses"]
                or f"action_ask_{slot}" in domain["actions"]), slot
        assert callable(getattr(ValidateRequestForm, f"validate_{slot}", None)), slot


# -- structured answers: valid ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("slot", "text", "stored"),
    [
        ("date_of_birth", "3rd March 1984", "1984-03-03"),
        ("date_of_birth", "03/03/84", "1984-03-03"),
        ("date_of_birth", "I was born on the 3rd of March 1984", "1984-03-03"),
        ("email", "My email is Ada.Lovelace@Example.ORG", "Ada.Lovelace@example.org"),
        ("email", "ada@example.org", "ada@example.org"),
        ("postcode", "ch12np", "CH1 2NP"),
        ("postcode", " Ch1  2nP ", "CH1 2NP"),
        ("phone", "07700900123", "07700 900123"),
        ("phone", "+44 (0)7700 900123", "07700 900123"),
        ("phone", "my number is 01244 977100", "01244 977100"),
        ("full_name", "my name is ada lovelace", "Ada Lovelace"),
    ],
)
async def test_a_valid_answer_is_normalised_and_the_form_moves_on(form, domain, slot, text, stored):
    turn = await answer(form, domain, slot, text, failed_attempts=1)
    assert turn.slots[slot] == stored
    assert turn.slots["failed_attempts"] is None  # a good answer resets the count
    assert turn.messages == []
    assert turn.next_slot == next_after(slot)


# -- structured answers: invalid -------------------------------------------------------------

CHECKS = {
    "date_of_birth": check_date_of_birth,
    "email": check_email,
    "postcode": check_uk_postcode,
    "phone": check_uk_phone,
    "full_name": check_full_name,
}


@pytest.mark.parametrize(
    ("slot", "text", "reason_says"),
    [
        ("date_of_birth", "31/02/1984", "There is no 31 February 1984"),
        ("date_of_birth", "March 1984", "the day"),
        ("date_of_birth", "3/3/2099", "in the future"),
        ("email", "ada.example.org", "missing the @"),
        ("email", "ada@example", "missing its ending"),
        ("postcode", "CH1", "doesn't look like a UK postcode"),
        ("phone", "0770090012", "mobile numbers have 11 digits"),
        ("phone", "09098 790000", "premium-rate"),
        ("full_name", "Ada", "first name and surname"),
    ],
)
async def test_an_invalid_answer_is_re_asked_with_the_reason(
    form, domain, slot, text, reason_says
):
    turn = await answer(form, domain, slot, text)
    reason = CHECKS[slot](text).problem
    assert reason_says in reason
    assert turn.texts == [reason]
    assert turn.responses == []  # no help yet: this was the first failure
    assert turn.slots[slot] is None
    assert turn.slots["failed_attempts"] == 1
    assert turn.next_slot == slot  # the same question again


async def test_a_date_of_birth_for_someone_else_is_re_asked_about_them(form, domain):
    turn = await answer(form, domain, "date_of_birth", "1st January 1850",
                        subject="other", relationship="parent", authority="power_of_attorney",
                        subject_name="Margaret Jones")
    [reason] = turn.texts
    assert "That would make them" in reason and "years old" in reason
    assert turn.next_slot == "date_of_birth"
    mine = await answer(form, domain, "date_of_birth", "1st January 1850")
    assert "That would make you" in mine.texts[0]


@pytest.mark.parametrize(("slot", "text"), [("date_of_birth", "31/02/1984"),
                                            ("email", "ada at example"), ("postcode", "CH1")])
async def test_the_second_failure_adds_the_help_message(form, domain, slot, text):
    turn = await answer(form, domain, slot, text, failed_attempts=1)
    assert turn.texts == [CHECKS[slot](text).problem]
    assert turn.responses == ["utter_form_help"]
    assert [m.get("response") or "reason" for m in turn.messages] == ["reason", "utter_form_help"]
    assert turn.slots[slot] is None
    assert turn.slots["failed_attempts"] == 2
    assert turn.next_slot == slot


async def test_the_third_failure_offers_a_person_or_finishing_later(form, domain):
    turn = await answer(form, domain, "postcode", "nowhere", failed_attempts=2)
    assert turn.texts == [check_uk_postcode("nowhere").problem]
    assert turn.responses == ["utter_form_stuck"]
    payloads = [b["payload"] for b in domain["responses"]["utter_form_stuck"][0]["buttons"]]
    assert payloads == ["/request_human", "/cancel", "skip"]
    assert turn.slots["failed_attempts"] == 3
    assert turn.next_slot == "postcode"


async def test_further_failures_keep_the_offer_not_the_same_help(form, domain):
    turn = await answer(form, domain, "postcode", "still nowhere", failed_attempts=5)
    assert turn.responses == ["utter_form_stuck"]
    assert turn.slots["failed_attempts"] == 6


async def test_the_offer_leaves_out_skipping_where_it_is_not_allowed(form, domain):
    # the email was skipped, so the phone is the only way to reach the resident
    turn = await answer(form, domain, "phone", "no", failed_attempts=2, email=NOT_GIVEN)
    assert turn.responses == ["utter_form_stuck_no_skip"]
    payloads = [b["payload"]
                for b in domain["responses"]["utter_form_stuck_no_skip"][0]["buttons"]]
    assert payloads == ["/request_human", "/cancel"]


@pytest.mark.parametrize("slot", ["date_of_birth", "postcode", "full_name", "address"])
async def test_skip_is_accepted_after_repeated_failures(form, domain, slot):
    turn = await answer(form, domain, slot, "skip", intent="skip", confidence=1.0,
                        failed_attempts=2)
    assert turn.slots[slot] == NOT_GIVEN
    assert turn.responses == ["utter_skipped_for_staff"]
    assert turn.texts == []
    assert turn.slots["failed_attempts"] is None
    assert turn.next_slot == next_after(slot)


@pytest.mark.parametrize("failed_attempts", [None, 1])
async def test_skip_is_refused_before_the_resident_has_struggled(form, domain, failed_attempts):
    turn = await answer(form, domain, "date_of_birth", "skip", intent="skip", confidence=1.0,
                        failed_attempts=failed_attempts)
    assert turn.slots["date_of_birth"] is None
    assert turn.texts == [check_date_of_birth("skip").problem]
    assert "utter_skipped_for_staff" not in turn.responses
    assert turn.next_slot == "date_of_birth"


# -- address, email and phone -----------------------------------------------------------------


async def test_an_address_with_a_postcode_fills_the_postcode_too(form, domain):
    turn = await answer(form, domain, "address", "12 High Street, Chester ch1 2np")
    assert turn.slots["address"] == "12 High Street, Chester ch1 2np"
    assert turn.slots["postcode"] == "CH1 2NP"
    assert turn.messages == []
    assert turn.next_slot == "email"  # the postcode question is not asked


async def test_an_address_without_a_postcode_leaves_the_postcode_question(form, domain):
    turn = await answer(form, domain, "address", "12 High Street, Chester")
    assert turn.slots["address"] == "12 High Street, Chester"
    assert turn.slots.get("postcode") is None  # cleared, so a changed address is re-checked
    assert turn.next_slot == "postcode"


@pytest.mark.parametrize("text", ["12", "12345 67"])
async def test_an_address_too_short_or_without_words_is_re_asked(form, domain, text):
    turn = await answer(form, domain, "address", text)
    assert turn.slots["address"] is None
    assert turn.texts == ["Please type your full address, for example 12 High Street, Chester."]
    assert turn.slots["failed_attempts"] == 1


@pytest.mark.parametrize("text", ["skip", "I don't have an email", "no email"])
async def test_email_may_be_skipped_straight_away(form, domain, text):
    turn = await answer(form, domain, "email", text, intent="skip")
    assert turn.slots["email"] == NOT_GIVEN
    assert turn.messages == []
    assert turn.next_slot == "phone"


async def test_phone_skip_is_refused_when_the_email_was_skipped(form, domain):
    turn = await answer(form, domain, "phone", "skip", intent="skip", email=NOT_GIVEN)
    assert turn.slots["phone"] is None
    assert len(turn.texts) == 1
    assert "way to contact you" in turn.texts[0]
    assert "skipped the email" in turn.texts[0]
    assert turn.slots["failed_attempts"] == 1
    assert turn.next_slot == "phone"


async def test_phone_skip_is_accepted_when_an_email_was_given(form, domain):
    turn = await answer(form, domain, "phone", "skip", intent="skip", email="ada@example.org")
    assert turn.slots["phone"] == "none"
    assert turn.messages == []
    assert turn.next_slot == "previous_addresses"


@pytest.mark.parametrize(("slot", "text"), [("previous_names", "none"),
                                            ("previous_addresses", "n/a"),
                                            ("access_period", "skip")])
async def test_optional_questions_accept_none(form, domain, slot, text):
    turn = await answer(form, domain, slot, text)
    assert turn.slots[slot] == "none"
    assert turn.messages == []


# -- choices -----------------------------------------------------------------------------------


def button_payloads(domain: dict, slot: str) -> list[str]:
    variants = domain["responses"][f"utter_ask_{slot}"]
    return [button["payload"] for button in variants[-1].get("buttons", [])]


@pytest.mark.parametrize("slot", sorted(CHOICES))
async def test_every_button_of_a_choice_question_is_understood(form, domain, slot):
    request_type = {"erasure_ground": "request_erasure",
                    "restriction_reason": "request_restriction"}.get(slot, "request_access")
    subject = "other" if slot in ("relationship", "authority") else "self"
    payloads = button_payloads(domain, slot)
    assert payloads, f"utter_ask_{slot} has no buttons"
    for payload in payloads:
        turn = await answer(form, domain, slot, payload, request_type=request_type,
                            subject=subject if slot != "subject" else None)
        assert turn.slots[slot] is not None, payload
        assert turn.slots[slot] in {c.value for c in CHOICES[slot]}, payload
        assert turn.messages == [], payload


@pytest.mark.parametrize(
    ("slot", "text", "value"),
    [
        ("subject", "myself", "self"),
        ("subject", "It's for my mum", "other"),
        ("subject", "about me", "self"),
        ("response_format", "paper", "paper"),
        ("response_format", "by post please", "paper"),
        ("response_format", "email it to me as a PDF", "electronic"),
        ("id_document", "driving_licence", "driving_licence"),
        ("id_document", "my passport", "passport"),
        ("address_document", "a council tax bill", "council_tax_bill"),
        ("address_document", "my gas bill", "utility_bill"),
    ],
)
async def test_choices_by_payload_and_by_words(form, domain, slot, text, value):
    extra = {"subject": None} if slot == "subject" else {}
    turn = await answer(form, domain, slot, text, **extra)
    assert turn.slots[slot] == value
    assert turn.messages == []


async def test_someone_else_then_asks_the_relationship(form, domain):
    turn = await answer(form, domain, "subject", "someone else", subject=None)
    assert turn.slots["subject"] == "other"
    assert turn.next_slot == "relationship"


@pytest.mark.parametrize(("text", "relationship"), [
    ("on behalf of my mum", "parent"),
    ("for my son", "child"),
    ("she's my client", "client"),
    ("a friend", None),  # someone else, but which kind is still asked
])
async def test_naming_the_person_answers_the_relationship_too(form, domain, text, relationship):
    turn = await answer(form, domain, "subject", text, subject=None)
    assert turn.slots["subject"] == "other"
    if relationship is None:
        assert turn.next_slot == "relationship"
    else:
        assert turn.slots["relationship"] == relationship
        assert turn.next_slot == "authority"


@pytest.mark.parametrize("text", ["for myself", "me", "it's about me"])
async def test_about_yourself_asks_nothing_about_anyone_else(form, domain, text):
    turn = await answer(form, domain, "subject", text, subject=None)
    assert turn.slots["subject"] == "self"
    assert "relationship" not in turn.slots or turn.slots["relationship"] is None
    assert turn.next_slot == "full_name"


@pytest.mark.parametrize(("slot", "text", "value"), [
    ("relationship", "my son", "child"),
    ("authority", "I have lasting power of attorney", "power_of_attorney"),
])
async def test_on_behalf_choices_by_words(form, domain, slot, text, value):
    turn = await answer(form, domain, slot, text, subject="other")
    assert turn.slots[slot] == value


async def test_an_unclear_choice_is_re_asked(form, domain):
    turn = await answer(form, domain, "response_format", "whatever suits you")
    assert turn.slots["response_format"] is None
    assert turn.texts == [
        "Sorry, I didn't catch which one you meant. Please choose one of the options."
    ]
    assert turn.slots["failed_attempts"] == 1
    assert turn.next_slot == "response_format"


# -- free-text details -------------------------------------------------------------------------


async def test_a_free_text_detail_is_accepted_as_typed(form, domain):
    turn = await answer(form, domain, "access_what", "all my housing records")
    assert turn.slots["access_what"] == "all my housing records"
    assert turn.next_slot == "access_period"


async def test_a_one_letter_detail_is_re_asked(form, domain):
    turn = await answer(form, domain, "erasure_what", "x", request_type="request_erasure")
    assert turn.slots["erasure_what"] is None
    assert turn.texts == ["Please tell me a little more, in a few words."]


# -- questions asked mid-form --------------------------------------------------------------------


async def test_why_date_of_birth_is_answered_and_the_question_asked_again(form, domain):
    turn = await answer(form, domain, "date_of_birth", "why do you need my date of birth?",
                        intent="ask_why_needed", confidence=0.9, failed_attempts=1)
    assert turn.responses == ["utter_why_date_of_birth"]
    assert turn.texts == []  # no "I couldn't read that as a date"
    assert turn.slots["date_of_birth"] is None
    assert "failed_attempts" not in turn.slots  # a question is not a failed answer
    assert turn.next_slot == "date_of_birth"


@pytest.mark.parametrize("text", ["why do you need my data?", "why are you asking for that",
                                  "what do you want my details for", "is this necessary"])
async def test_why_collect_mid_form_means_why_this_question(form, domain, text):
    """The model may read "why do you need my data?" as the general ask_why_collect; in the
    middle of a form it asks why this question is asked, and gets that question's reason."""
    turn = await answer(form, domain, "date_of_birth", text, intent="ask_why_collect",
                        confidence=0.9)
    assert turn.responses == ["utter_why_date_of_birth"]
    assert turn.slots["date_of_birth"] is None
    assert turn.next_slot == "date_of_birth"


async def test_what_the_council_uses_data_for_mid_form_keeps_the_general_answer(form, domain):
    turn = await answer(form, domain, "date_of_birth", "what does the council use my data for?",
                        intent="ask_why_collect", confidence=0.9)
    assert turn.responses == ["utter_answer_ask_why_collect"]
    assert turn.next_slot == "date_of_birth"


async def test_why_at_a_question_without_its_own_reason_gives_the_general_one(form, domain):
    turn = await answer(form, domain, "access_what", "why do you need to know that?",
                        intent="ask_why_needed", confidence=0.9)
    assert turn.responses == ["utter_why_generic"]
    assert turn.slots["access_what"] is None


@pytest.mark.parametrize(("text", "intent", "expected"), [
    ("how much does it cost?", "ask_cost", "utter_answer_ask_cost"),
    ("why do you need my name?", "ask_why_needed", "utter_why_full_name"),
])
async def test_a_question_at_the_name_question_is_answered(form, domain, text, intent, expected):
    turn = await answer(form, domain, "full_name", text, intent=intent, confidence=0.95)
    assert turn.responses == [expected]
    assert turn.slots["full_name"] is None
    assert turn.next_slot == "full_name"


async def test_a_real_name_with_a_question_word_is_still_a_name(form, domain):
    turn = await answer(form, domain, "full_name", "Will Smith", intent="inform", confidence=0.9)
    assert turn.slots["full_name"] == "Will Smith"


async def test_cost_question_at_a_structured_question_is_answered(form, domain):
    turn = await answer(form, domain, "postcode", "how much does it cost?", intent="ask_cost",
                        confidence=0.95)
    assert turn.responses == ["utter_answer_ask_cost"]
    assert turn.slots["postcode"] is None
    assert turn.next_slot == "postcode"


async def test_deadline_question_mid_form_gives_real_dates(form, domain):
    turn = await answer(form, domain, "date_of_birth", "how long do you have to reply?",
                        intent="ask_deadline", confidence=0.93)
    assert turn.responses == ["utter_answer_ask_deadline"]
    message = turn.messages[0]
    today = received_on(datetime.now(timezone.utc))
    assert message["received_on"] == long_date(today)
    assert message["due_on"] == long_date(due_date(today, "england-and-wales"))
    assert message["extended_due_on"] == long_date(
        due_date(today, "england-and-wales", extended=True))
    for key in ("received_on", "due_on", "extended_due_on"):
        assert LONG_DATE.match(message[key]), message[key]
    rendered = response_text(domain, message)
    assert "{" not in rendered and message["due_on"] in rendered
    assert turn.slots["date_of_birth"] is None


async def test_a_detail_that_mentions_sharing_but_is_not_a_question_is_the_answer(form, domain):
    text = "records about sharing my data with the police"
    turn = await answer(form, domain, "access_what", text, intent="ask_data_sharing",
                        confidence=0.95)
    assert turn.slots["access_what"] == text
    assert turn.messages == []
    assert turn.next_slot == "access_period"


async def test_a_real_question_at_a_free_text_question_is_answered(form, domain):
    turn = await answer(form, domain, "access_what", "who do you share my information with?",
                        intent="ask_data_sharing", confidence=0.92)
    assert turn.responses == ["utter_answer_ask_data_sharing"]
    assert turn.slots["access_what"] is None


async def test_a_valid_date_is_never_a_digression_whatever_the_intent(form, domain):
    turn = await answer(form, domain, "date_of_birth", "3 March 1984", intent="ask_cost",
                        confidence=0.99)
    assert turn.slots["date_of_birth"] == "1984-03-03"
    assert turn.messages == []


@pytest.mark.parametrize(("text", "intent", "response"), [
    ("are you a robot?", "bot_challenge", "utter_iamabot"),
    ("what's happening with my other request?", "check_case_status",
     "utter_status_after_request"),
])
async def test_other_questions_mid_form(form, domain, text, intent, response):
    turn = await answer(form, domain, "postcode", text, intent=intent, confidence=0.9)
    assert turn.responses == [response]
    assert turn.slots["postcode"] is None


# -- the summary: confirm or change ---------------------------------------------------------------


def at_summary(**overrides: Any) -> dict[str, Any]:
    return {**answered_before("confirmed"), **overrides}


async def confirm(form, domain, text, intent="inform", **overrides) -> Outcome:
    return await form_turn(form, domain, "confirmed", text, intent=intent, confidence=0.95,
                           slots=at_summary(**overrides))


@pytest.mark.parametrize(("text", "intent"), [("/affirm", "affirm"), ("yes, send it", "inform"),
                                              ("Yes", "affirm")])
async def test_affirm_confirms_and_completes_the_form(form, domain, text, intent):
    turn = await confirm(form, domain, text, intent)
    assert turn.slots["confirmed"] is True
    assert turn.messages == []
    assert turn.next_slot is None  # the form is complete: the request is submitted next


async def test_deny_asks_which_answer_to_change(form, domain):
    turn = await confirm(form, domain, "/deny", "deny")
    assert turn.slots["confirmed"] is False
    assert turn.next_slot == "change_field"


@pytest.mark.parametrize(("text", "field"), [("email", "email"),
                                             ("my date of birth", "date_of_birth"),
                                             ("Postcode", "postcode"),
                                             ("the way you send it", None)])
async def test_the_chosen_answer_is_cleared_and_asked_again(form, domain, text, field):
    slots = {**at_summary(), "confirmed": False}
    turn = await form_turn(form, domain, "change_field", text, slots=slots)
    if field is None:  # not recognisable: asked again
        assert turn.slots["change_field"] is None
        assert turn.texts == [
            "Which answer would you like to change? Please choose one of the buttons."
        ]
        assert turn.next_slot == "change_field"
        return
    assert turn.slots[field] is None
    assert turn.slots["confirmed"] is None
    assert turn.slots["change_field"] is None
    assert turn.next_slot == field
    untouched = {"full_name", "email", "date_of_birth", "postcode"} - {field}
    assert not untouched & set(turn.slots), "other answers must be kept"


async def test_changing_who_it_is_about_clears_the_on_behalf_answers(form, domain):
    slots = {**answered_before("confirmed", subject="other"), "confirmed": False}
    turn = await form_turn(form, domain, "change_field", "subject", slots=slots)
    for slot in ("subject", "relationship", "authority", "subject_name", "confirmed"):
        assert turn.slots[slot] is None, slot
    assert turn.next_slot == "subject"


async def test_change_my_email_at_the_summary_goes_straight_to_the_email(form, domain):
    turn = await confirm(form, domain, "change my email", "inform")
    assert turn.slots["email"] is None
    assert turn.slots["confirmed"] is None
    assert turn.slots["change_field"] is None
    assert turn.messages == []
    assert turn.next_slot == "email"


async def test_an_unclear_reply_to_the_summary_is_re_asked(form, domain):
    turn = await confirm(form, domain, "hmm maybe", "inform")
    assert turn.slots["confirmed"] is None
    assert turn.texts == ['Please choose "Yes, send it" or "Change something".']
    assert turn.next_slot == "confirmed"


async def test_skip_at_the_summary_does_not_complete_the_form(form, domain):
    turn = await form_turn(form, domain, "confirmed", "skip", intent="skip", confidence=1.0,
                           slots={**at_summary(), "failed_attempts": 2})
    assert turn.slots["confirmed"] is None
    assert "utter_skipped_for_staff" not in turn.responses
    assert turn.next_slot == "confirmed"


async def test_skipping_the_email_on_a_change_reopens_a_skipped_phone(form, domain):
    slots = {**answered_before("email"), "phone": "none", "confirmed": None,
             **{k: ANSWERS[k] for k in ("previous_addresses", "access_what", "access_period",
                                        "response_format", "id_document", "address_document")}}
    turn = await form_turn(form, domain, "email", "skip", intent="skip", confidence=1.0,
                           slots=slots)
    assert turn.slots["email"] == NOT_GIVEN
    assert turn.next_slot == "phone"


@pytest.mark.parametrize(("slot", "text", "field"), [
    ("confirmed", "change my email address", "email"),
    ("change_field", "my email address", "email"),
    ("change_field", "proof of address", "address_document"),
    ("change_field", "previous addresses", "previous_addresses"),
])
async def test_the_answer_named_in_words_is_the_one_changed(form, domain, slot, text, field):
    slots = {**at_summary(), "confirmed": False if slot == "change_field" else None}
    turn = await form_turn(form, domain, slot, text, slots=slots)
    answers_cleared = sorted(name for name, value in turn.slots.items()
                             if value is None and name in ANSWERS)
    assert answers_cleared == [field]
    assert turn.next_slot == field
