"""The status check: a case reference, an identifying detail, then where the request stands.

A resident learns about a case only when the reference and the detail both match; any
mismatch, including a reference that does not exist, gets the same reply, so the reply
cannot be used to find out which references exist or whose they are.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from actions.status import ActionCheckCaseStatus, ValidateStatusForm
from bot.conversation.validation.dates import check_date_of_birth
from bot.conversation.validation.email import check_email
from bot.conversation.validation.reference import check_case_reference
from bot.cases.new_case import NewCase
from bot.cases.records import CaseSummary
from bot.cases.repository import CaseRepository
from bot.conversation.wording import long_date
from tests.actions.support import Outcome, form_turn, make_tracker, response_text, run_action

UNKNOWN_REFERENCE = "DPA-2345-6789"


@pytest.fixture
def form() -> ValidateStatusForm:
    return ValidateStatusForm()


def log_case(cases: CaseRepository, **fields: Any) -> CaseSummary:
    values: dict[str, Any] = {
        "request_type": "request_access",
        "full_name": "Ada Lovelace",
        "email": "Ada.Lovelace@example.org",
        "date_of_birth": date(1984, 3, 3),
        "postcode": "CH1 2NP",
        "conversation_id": "earlier-chat",
    }
    values.update(fields)
    return cases.create_case(NewCase(**values), received_at=datetime.now(timezone.utc))


async def check(domain: dict, reference: str | None, identity: str | None) -> Outcome:
    tracker = make_tracker(
        domain, slots={"case_reference": reference, "identity_check": identity,
                       "requested_slot": None},
        text=identity or "", intent="inform",
    )
    return await run_action(ActionCheckCaseStatus(), tracker, domain)


# -- validate_status_form ----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["DPA-7KQ4-M2XP", "dpa 7kq4 m2xp", "7kq4m2xp",
                                  "my reference is DPA-7KQ4-M2XP, thanks", "dpa.7kq4.m2xp"])
async def test_a_reference_is_accepted_in_its_canonical_form(form, domain, text):
    turn = await form_turn(form, domain, "case_reference", text, form_name="status_form")
    assert turn.slots["case_reference"] == "DPA-7KQ4-M2XP"
    assert turn.messages == []


@pytest.mark.parametrize(("text", "reason_says"), [
    ("I don't know it", "Case references look like DPA-7KQ4-M2XP"),
    ("DPA-7KQ4-M2X0", "no O, I, 0 or 1"),
    ("DPA-7KQ4", "doesn't look complete"),
])
async def test_junk_is_not_a_reference_and_the_reason_is_given(form, domain, text, reason_says):
    turn = await form_turn(form, domain, "case_reference", text, form_name="status_form")
    assert turn.slots["case_reference"] is None
    assert turn.texts == [check_case_reference(text).problem]
    assert reason_says in turn.texts[0]


@pytest.mark.parametrize(("text", "stored"), [
    ("Ada.Lovelace@Example.ORG", "Ada.Lovelace@example.org"),
    ("it's ada@example.org", "ada@example.org"),
    ("3rd March 1984", "1984-03-03"),
    ("03/03/84", "1984-03-03"),
])
async def test_identity_by_email_or_date_of_birth(form, domain, text, stored):
    turn = await form_turn(form, domain, "identity_check", text, form_name="status_form",
                           slots={"case_reference": "DPA-7KQ4-M2XP"})
    assert turn.slots["identity_check"] == stored
    assert turn.messages == []


@pytest.mark.parametrize(("text", "check"), [
    ("ada@example", check_email),
    ("sometime in spring", check_date_of_birth),
    ("31/02/1984", check_date_of_birth),
])
async def test_an_unusable_identity_detail_is_re_asked_with_the_reason(form, domain, text, check):
    turn = await form_turn(form, domain, "identity_check", text, form_name="status_form",
                           slots={"case_reference": "DPA-7KQ4-M2XP"})
    assert turn.slots["identity_check"] is None
    assert turn.texts == [check(text).problem]


# -- action_check_case_status ------------------------------------------------------------------


async def test_a_match_by_email_gives_the_status(domain, cases):
    case = log_case(cases)
    outcome = await check(domain, case.reference, "ada.lovelace@EXAMPLE.org")
    [text] = outcome.texts
    assert text.startswith(f"Request {case.reference}: We are waiting for your proof of identity")
    assert "Still needed: proof of identity." in text
    assert outcome.slots == {"case_reference": None, "identity_check": None}


async def test_a_match_by_date_of_birth_gives_the_status_and_due_date(domain, cases):
    case = log_case(cases, request_type="stop_direct_marketing", requires_id=False)
    assert case.due_on is not None
    outcome = await check(domain, case.reference, "1984-03-03")
    [text] = outcome.texts
    assert text == (f"Request {case.reference}: We are working on your request.\n"
                    f"We must answer by {long_date(case.due_on)}.")


async def test_what_the_resident_typed_reaches_the_case_through_the_form(form, domain, cases):
    """The validator's output is exactly what the status action can match on."""
    case = log_case(cases, request_type="stop_direct_marketing", requires_id=False)
    typed_reference = case.reference.lower().replace("-", " ")
    ref_turn = await form_turn(form, domain, "case_reference", typed_reference,
                               form_name="status_form")
    id_turn = await form_turn(form, domain, "identity_check", "3rd March 1984",
                              form_name="status_form", slots=ref_turn.slots)
    outcome = await check(domain, ref_turn.slots["case_reference"],
                          id_turn.slots["identity_check"])
    assert f"We must answer by {long_date(case.due_on)}" in outcome.texts[0]


async def test_a_wrong_detail_and_an_unknown_reference_get_the_same_reply(domain, cases):
    case = log_case(cases)
    wrong_email = await check(domain, case.reference, "someone@example.org")
    wrong_dob = await check(domain, case.reference, "1984-03-04")
    unknown = await check(domain, UNKNOWN_REFERENCE, "ada.lovelace@example.org")

    assert wrong_email.responses == ["utter_case_not_matched"]
    assert wrong_email.messages == wrong_dob.messages == unknown.messages
    assert wrong_email.events == wrong_dob.events == unknown.events
    assert wrong_email.texts == []


async def test_nothing_about_the_case_leaks_in_a_mismatch(domain, cases):
    case = log_case(cases)
    outcome = await check(domain, case.reference, "1999-01-01")
    [message] = outcome.messages
    assert message["buttons"] == [] and message["custom"] == {}
    extra = {k: v for k, v in message.items()
             if k not in ("text", "buttons", "elements", "custom", "template", "response",
                          "image", "attachment")}
    assert extra == {}  # no values passed to the response
    said = response_text(domain, message)
    for secret in (case.reference, "Ada", "Lovelace", "Ada.Lovelace@example.org",
                   "proof of identity", "waiting", "CH1 2NP", "1984"):
        assert secret.lower() not in said.lower(), secret


async def test_a_case_without_an_email_does_not_match_any_email(domain, cases):
    case = log_case(cases, email=None)
    outcome = await check(domain, case.reference, "ada.lovelace@example.org")
    assert outcome.responses == ["utter_case_not_matched"]


async def test_without_a_usable_detail_nothing_is_looked_up(domain, cases, monkeypatch):
    case = log_case(cases)

    def must_not_be_called(*args: Any, **kwargs: Any):
        raise AssertionError("looked up without an identifying detail")

    monkeypatch.setattr(CaseRepository, "find_case_for_resident", must_not_be_called)
    for detail in (None, "", "not a date"):
        outcome = await check(domain, case.reference, detail)
        assert outcome.responses == ["utter_case_not_matched"]


async def test_an_unavailable_case_store_is_said_so(domain, tmp_path: Path, use_database):
    use_database(f"sqlite:///{tmp_path / 'empty.sqlite3'}")  # no tables: every query fails
    outcome = await check(domain, UNKNOWN_REFERENCE, "ada@example.org")
    assert outcome.responses == ["utter_case_store_unavailable"]
    assert outcome.slots == {"identity_check": None}
