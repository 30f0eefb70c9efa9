"""The email templates stay grounded in the council's published texts, like the chat answers.

A resident acts on an email as much as on a chat answer, so the same rules hold (see
test_answers_grounded.py, whose patterns this reuses): every email address, phone number,
postcode and web address in a template, as written or as sent, is copied from the policy
texts; the council's details come from bot/rules/council.py; and the wording contradicts
nothing the texts say about time limits, extensions, fees and the right to complain.
"""
from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, timezone

import pytest

from bot.cases.records import CaseSummary
from bot.mail.case_mail import case_values
from bot.mail.rendering import MESSAGE_KINDS, TEMPLATES_DIR, render
from bot.rules import council
from tests.test_answers_grounded import (
    DOMAIN,
    EMAIL,
    PHONE,
    POLICY_FILES,
    POSTCODE,
    URL,
    _policy_dir,
    _squash,
)

SAMPLE_VALUES = {
    "question": "Which years do you want?",
    "reason": "The request is complex.",
    "amount": "£10",
    "message": "Your records are enclosed.",
    "today": "Monday 30 March 2026",
    "working_days": 5,
    "overdue": [{"reference": "DPA-AAAA-BBBB", "request_label": "Get a copy of my information",
                 "status_label": "Clock running", "due_on": "Friday 27 March 2026"}],
    "due_soon": [],
    "document": "proof of identity",
    "arrived_on": "Monday 2 March 2026",
}


def _sample_case() -> CaseSummary:
    """A case with no contact details of its own, so every one in the output is the council's."""
    values = {f.name: None for f in dataclasses.fields(CaseSummary)}
    values.update(
        reference="DPA-ABCD-EFGH", request_type="request_access", status="extended",
        nation="england-and-wales", received_at=datetime(2026, 3, 2, tzinfo=timezone.utc),
        received_on=date(2026, 3, 2), due_on=date(2026, 6, 2), extended=True, paused_days=0,
        waiting_for=("id", "authority"), requires_id=True, requires_authority=True,
        full_name="Ada Lovelace", on_behalf=True, subject_name="Ben Lovelace",
        authority="power_of_attorney", answers={}, id_document="passport",
    )
    return CaseSummary(**values)


@pytest.fixture(scope="module")
def policy() -> str:
    return _squash("\n".join((_policy_dir() / name).read_text(encoding="utf-8")
                             for name in POLICY_FILES))


@pytest.fixture(scope="module")
def sources() -> dict[str, str]:
    """Every template file as a council would edit it."""
    return {path.name: path.read_text(encoding="utf-8")
            for path in sorted(TEMPLATES_DIR.iterdir()) if path.suffix in (".txt", ".html")}


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    """Every message as sent (subject, plain text, and the HTML's text), with sample values."""
    case = case_values(_sample_case())
    out = {}
    for kind in MESSAGE_KINDS:
        draft = render(kind, {"case": case, **SAMPLE_VALUES})
        html_text = re.sub(r"<[^>]+>", " ", draft.html).replace("&#39;", "'")
        out[kind] = _squash(f"{draft.subject}\n{draft.text}\n{html_text}")
    return out


def _texts(sources: dict[str, str], rendered: dict[str, str]) -> dict[str, str]:
    return {**sources, **{f"{kind} (as sent)": text for kind, text in rendered.items()}}


@pytest.mark.parametrize("pattern", [EMAIL, URL, DOMAIN, PHONE, POSTCODE],
                         ids=["email", "url", "domain", "phone", "postcode"])
def test_contact_details_are_verbatim_from_policy(sources, rendered, policy, pattern) -> None:
    for name, text in _texts(sources, rendered).items():
        for match in pattern.findall(text):
            assert _squash(match) in policy, f"{name}: {match!r} is not in the policy texts"


def test_templates_take_the_councils_details_from_one_place(sources) -> None:
    """No template types a contact detail itself: it comes from bot/rules/council.py."""
    for name, text in sources.items():
        for pattern in (EMAIL, PHONE, POSTCODE, URL):
            assert not pattern.findall(text), f"{name} writes a contact detail itself"


def test_the_councils_and_icos_details_are_published(policy) -> None:
    for value in (council.COUNCIL_NAME, council.DPO_EMAIL, council.DPO_PHONE,
                  council.DPO_POSTAL_ADDRESS, council.ICO_POSTAL_ADDRESS, council.ICO_PHONE,
                  council.ICO_PHONE_NATIONAL_RATE, council.ICO_EMAIL):
        assert value in policy, value


def test_no_other_dpo_address(rendered) -> None:
    for kind, text in rendered.items():
        for other in ("CH1 2NP", "CH65 0BA", "Nicholas Street", "The Portal"):
            assert other not in text, f"{kind} uses another DPO address ({other})"


# Every length of time a template may state, as the texts state it.
ALLOWED_PERIODS = {"one-month", "one calendar month", "two further months", "first month",
                   "5 working days"}
PERIOD = re.compile(
    r"\b(?:(?:\d+|one|two|three|four|six|first|further|calendar|working|\s)+)"
    r"(?:-|\s)(?:month|months|day|days|week|weeks)\b", re.IGNORECASE)


def test_time_limits_are_the_ones_in_the_texts(rendered) -> None:
    for kind, text in rendered.items():
        for match in PERIOD.findall(text):
            period = " ".join(match.split()).lower()
            assert period in ALLOWED_PERIODS, f"{kind}: {period!r} is not a limit the texts give"


def _mentions(text: str, *phrases: str) -> list[str]:
    return [p for p in phrases if p.lower() not in text.lower()]


@pytest.mark.parametrize(("kind", "phrases"), [
    ("confirmation", ("one-month time limit starts on the day we receive", "two further months",
                      "within the first month", "why", "quote it")),
    ("extension", ("two further months", "complex", "number of requests",
                   "Why we need more time: The request is complex.", "We must now answer by")),
    ("fee", ("normally free", "further copies of the same information", "manifestly unfounded",
             "excessive", "approximate cost", "if you agree", "unreasonable",
             "right to complain to the Information Commissioner's Office")),
    ("refusal", ("Why: The request is complex.", "internal review",
                 "right to complain to the Information Commissioner's Office",
                 council.ICO_POSTAL_ADDRESS, council.ICO_PHONE, council.ICO_EMAIL)),
    ("completion", ("officer", "internal review", "Information Commissioner's Office")),
    ("clarification", ("paused", "Which years do you want?")),
    ("id_chase", ("the one-month time limit starts on the day we receive them",
                  "your passport", "the power of attorney")),
    ("document_accepted", ("proof of identity", "Monday 2 March 2026",
                           "one-month time limit started on the day it arrived",
                           "We will respond by Tuesday 2 June 2026")),
    ("document_rejected", ("could not accept it: The request is complex.",
                           "one-month time limit starts on the day we receive")),
])
def test_each_message_keeps_what_the_texts_require(rendered, kind, phrases) -> None:
    assert not _mentions(rendered[kind], *phrases), f"{kind}: {_mentions(rendered[kind], *phrases)}"


def test_complaint_route_is_in_the_texts_order(rendered) -> None:
    """Officer, then the DPO's internal review, then the ICO (the rights page's order)."""
    text = rendered["completion"].lower()
    assert text.index("officer who sent") < text.index("internal review") < text.index(
        "information commissioner")


def test_the_checks_see_what_they_look_for(rendered) -> None:
    """Guard the guards: the patterns find the details and periods the messages do give."""
    found = {m for text in rendered.values() for m in PHONE.findall(text)}
    assert {council.DPO_PHONE, council.ICO_PHONE, council.ICO_PHONE_NATIONAL_RATE} <= found
    periods = {" ".join(m.split()).lower() for t in rendered.values() for m in PERIOD.findall(t)}
    assert {"one-month", "two further months", "first month"} <= periods
    assert PERIOD.findall("we will answer within 40 days") == [" 40 days"]
