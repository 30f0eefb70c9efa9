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

from actions.settings import access_log, settings
from actions.status import ActionCheckCaseStatus, ValidateStatusForm
from bot.cases.new_case import NewCase
from bot.cases.records import CaseSummary
from bot.cases.repository import CaseRepository
from bot.cases.status_limits import CLIENT_TAG_KEY, client_tag
from bot.conversation.validation.dates import check_date_of_birth
from bot.conversation.validation.email import check_email
from bot.conversation.validation.reference import check_case_reference
from bot.conversation.wording import STATUS_CHECK_LOCKED_TEXT, long_date
from bot.rules import council
from bot.staff import audit
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


async def check(
    domain: dict, reference: str | None, identity: str | None, client: str | None = None
) -> Outcome:
    """The status action after the form, for a resident at ``client`` (an address, signed
    into the message's metadata as the hub does; None: no metadata, as a direct caller)."""
    metadata = {}
    if client is not None:
        metadata[CLIENT_TAG_KEY] = client_tag(settings().status_check_secret, client)
    tracker = make_tracker(
        domain, slots={"case_reference": reference, "identity_check": identity,
                       "requested_slot": None},
        text=identity or "", intent="inform", metadata=metadata,
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


# -- limits on failed checks (bot/cases/status_limits.py) ----------------------------------------

RESIDENT = "198.51.100.20"


async def test_after_five_failures_even_the_right_answer_is_refused(domain, cases):
    case = log_case(cases)
    for n in range(5):
        wrong = await check(domain, case.reference, f"1984-03-{10 + n}", client=RESIDENT)
        assert wrong.responses == ["utter_case_not_matched"]
    refused = await check(domain, case.reference, "1984-03-03", client=RESIDENT)
    assert refused.texts == [STATUS_CHECK_LOCKED_TEXT]
    assert refused.slots == {"case_reference": None, "identity_check": None}
    for secret in ("working on", "waiting", "proof of identity", case.reference):
        assert secret not in refused.texts[0]
    assert council.DPO_EMAIL in STATUS_CHECK_LOCKED_TEXT
    assert council.DPO_PHONE in STATUS_CHECK_LOCKED_TEXT
    # From another address, and by email: still refused (the limit is the case's).
    again = await check(domain, case.reference, "ada.lovelace@example.org", client="192.0.2.9")
    assert again.messages == refused.messages


async def test_staff_see_one_access_log_line_per_locked_case(domain, cases):
    case = log_case(cases)
    for n in range(8):
        await check(domain, case.reference, f"1984-03-{10 + n}", client=RESIDENT)
    [entry] = access_log().for_target(case.reference)
    assert (entry.username, entry.action) == ("assistant", audit.STATUS_CHECK_LOCKED)
    assert "5 failed status checks in 24 hours for this case" in entry.detail
    assert "1984" not in entry.detail


async def test_an_unknown_reference_locks_the_same_way_and_is_logged_without_it(domain, cases):
    case = log_case(cases)
    known, unknown = [], []
    for n in range(6):
        known.append(await check(domain, case.reference, f"1984-03-{10 + n}", client=RESIDENT))
        unknown.append(await check(domain, UNKNOWN_REFERENCE, f"1984-03-{10 + n}",
                                   client="192.0.2.10"))
    assert [o.messages for o in known] == [o.messages for o in unknown]
    assert known[-1].texts == [STATUS_CHECK_LOCKED_TEXT]
    locked = [e for e in access_log().recent() if e.action == audit.STATUS_CHECK_LOCKED]
    assert sorted((e.target or "") for e in locked) == ["", case.reference]
    [no_case] = [e for e in locked if e.target is None]
    assert "a reference that matches no case" in no_case.detail


async def test_right_answers_do_not_count_towards_the_limit(domain, cases):
    case = log_case(cases)
    for _ in range(4):
        await check(domain, case.reference, "1999-01-01", client=RESIDENT)
    for _ in range(10):
        outcome = await check(domain, case.reference, "1984-03-03", client=RESIDENT)
        assert outcome.texts[0].startswith(f"Request {case.reference}:")


@pytest.fixture
def address_limit(monkeypatch: pytest.MonkeyPatch, isolated_settings: str) -> int:
    """A per-address limit of 3 (and for callers without an address), read afresh."""
    monkeypatch.setenv("STATUS_CHECK_MAX_FAILURES_PER_ADDRESS", "3")
    monkeypatch.setenv("STATUS_CHECK_MAX_FAILURES_UNKNOWN_ADDRESS", "3")
    return 3


async def test_one_address_trying_many_references_is_refused(domain, address_limit, cases):
    case = log_case(cases)
    for reference in ("DPA-2345-6782", "DPA-2345-6783", "DPA-2345-6784"):
        outcome = await check(domain, reference, "1984-03-03", client=RESIDENT)
        assert outcome.responses == ["utter_case_not_matched"]
    refused = await check(domain, case.reference, "1984-03-03", client=RESIDENT)
    assert refused.texts == [STATUS_CHECK_LOCKED_TEXT]
    other = await check(domain, case.reference, "1984-03-03", client="192.0.2.11")
    assert other.texts[0].startswith(f"Request {case.reference}:")
    [entry] = [e for e in access_log().recent() if e.action == audit.STATUS_CHECK_ADDRESS_LOCKED]
    assert entry.target is None and "one client address" in entry.detail
    assert RESIDENT not in entry.detail


async def test_without_a_signed_address_every_caller_shares_one_limit(domain, address_limit,
                                                                      cases):
    case = log_case(cases)
    forged = {CLIENT_TAG_KEY: "0" * 32 + ".0123456789abcdef"}
    for n, reference in enumerate(("DPA-2345-6782", "DPA-2345-6783", "DPA-2345-6784")):
        if n == 1:  # a made-up tag counts as no address
            tracker = make_tracker(
                domain, slots={"case_reference": reference, "identity_check": "1984-03-03"},
                metadata=forged,
            )
            await run_action(ActionCheckCaseStatus(), tracker, domain)
        else:
            await check(domain, reference, "1984-03-03")
    refused = await check(domain, case.reference, "1984-03-03")
    assert refused.texts == [STATUS_CHECK_LOCKED_TEXT]
    through_the_chat = await check(domain, case.reference, "1984-03-03", client=RESIDENT)
    assert through_the_chat.texts[0].startswith(f"Request {case.reference}:")
    [entry] = [e for e in access_log().recent() if e.action == audit.STATUS_CHECK_ADDRESS_LOCKED]
    assert "without a client address" in entry.detail
