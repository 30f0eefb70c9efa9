"""Every email template renders both parts, in plain English, escaping what residents typed."""
from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.cases.records import CaseSummary
from bot.cases.repository import CaseRepository
from bot.mail.case_mail import STAFF_MESSAGE_KINDS, case_values, render_case_message
from bot.mail.digest import digest_draft, working_days_ahead
from bot.mail.rendering import (
    MESSAGE_KINDS,
    TEMPLATES_DIR,
    MailTemplateError,
    render,
    render_edited,
    split_subject,
)
from bot.rules import council
from tests.mail.conftest import log_case

VALUES: dict[str, dict[str, Any]] = {
    "confirmation": {},
    "id_chase": {},
    "clarification": {"question": "Which years of your council tax records do you want?"},
    "extension": {"reason": "Your records are held by several services."},
    "fee": {"amount": "£10", "reason": "You asked for a further copy of the same records."},
    "completion": {"message": "Your records are attached as a PDF."},
    "refusal": {"reason": "The information is held by another organisation."},
}


@pytest.fixture
def case(repo: CaseRepository) -> CaseSummary:
    return log_case(repo)


def test_there_is_a_pair_of_templates_for_every_message() -> None:
    for kind in MESSAGE_KINDS:
        assert (TEMPLATES_DIR / f"{kind}.txt").is_file(), kind
        assert (TEMPLATES_DIR / f"{kind}.html").is_file(), kind
    assert set(STAFF_MESSAGE_KINDS) == set(VALUES) - {"confirmation"}


@pytest.mark.parametrize("kind", sorted(VALUES))
def test_every_case_message_renders_both_parts(kind: str, case: CaseSummary,
                                               mail_settings: Any) -> None:
    draft = render_case_message(kind, case, VALUES[kind], settings=mail_settings)
    assert case.reference in draft.subject
    assert case.reference in draft.text and case.reference in draft.html
    assert "Dear Ada Lovelace," in draft.text
    assert draft.html.startswith("<!DOCTYPE html>") and "</html>" in draft.html
    assert "{{" not in draft.text + draft.html and "{%" not in draft.text + draft.html
    for value in VALUES[kind].values():
        assert value in draft.text, (kind, value)
    assert council.DPO_EMAIL in draft.text + draft.html


def test_confirmation_says_what_to_send_how_and_when_the_clock_starts(
    case: CaseSummary, mail_settings: Any
) -> None:
    text = render_case_message("confirmation", case, settings=mail_settings).text
    assert "Get a copy of my information" in text  # what was asked
    assert "We received it on Monday 2 March 2026." in text
    assert "- your passport" in text and "- your utility bill" in text
    assert council.DPO_POSTAL_ADDRESS in text
    assert "The one-month time limit starts on the day we receive these documents." in text
    assert "check on my request" in text and council.DPO_PHONE in text


def test_confirmation_gives_the_due_date_when_the_clock_runs(
    repo: CaseRepository, mail_settings: Any
) -> None:
    case = log_case(repo, request_type="stop_direct_marketing", requires_id=False)
    assert case.due_on is not None
    text = render_case_message("confirmation", case, settings=mail_settings).text
    assert "What to send us" not in text
    assert "We must answer by Thursday 2 April 2026" in text


def test_a_residents_markup_is_escaped_in_html_and_kept_as_typed_in_text(
    repo: CaseRepository, mail_settings: Any
) -> None:
    case = log_case(repo, full_name="<script>alert('x')</script> Smith")
    draft = render_case_message("refusal", case, {"reason": "<b>no</b>"},
                                settings=mail_settings)
    assert "<script>" not in draft.html and "<b>no</b>" not in draft.html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Smith" in draft.html
    assert "&lt;b&gt;no&lt;/b&gt;" in draft.html
    assert "Dear <script>alert('x')</script> Smith," in draft.text  # plain text: as typed


def test_a_missing_value_is_refused_with_its_name(case: CaseSummary, mail_settings: Any) -> None:
    with pytest.raises(MailTemplateError, match="reason"):
        render_case_message("refusal", case, {}, settings=mail_settings)
    with pytest.raises(MailTemplateError, match="amount"):
        render_case_message("fee", case, {"reason": "x"}, settings=mail_settings)


def test_extension_reason_defaults_to_the_one_on_the_case(
    case: CaseSummary, mail_settings: Any
) -> None:
    extended = dataclasses.replace(case, extension_reason="Several services hold records.",
                                   extended=True, due_on=date(2026, 6, 2))
    text = render_case_message("extension", extended, settings=mail_settings).text
    assert "Why we need more time: Several services hold records." in text
    assert "We must now answer by Tuesday 2 June 2026." in text
    assert "two further months" in text


def test_strict_undefined_catches_a_misspelt_value(tmp_path: Path, case: CaseSummary) -> None:
    (tmp_path / "refusal.txt").write_text("Subject: x {{ case.referense }}\n\nHi\n")
    with pytest.raises(MailTemplateError, match="unknown value"):
        render("refusal", {"case": case_values(case), "reason": "r"}, tmp_path)


def test_a_councils_own_template_directory_is_searched_first(
    tmp_path: Path, case: CaseSummary
) -> None:
    (tmp_path / "refusal.txt").write_text(
        "Subject: Decision on {{ case.reference }}\n\nOur own words. {{ reason }}\n")
    draft = render("refusal", {"case": case_values(case), "reason": "Because."}, tmp_path)
    assert draft.subject == f"Decision on {case.reference}"
    assert draft.text == "Our own words. Because.\n"
    assert "Because." in draft.html  # the HTML part still comes from ours


def test_edited_text_becomes_both_parts_escaped() -> None:
    draft = render_edited("refusal", "Our decision", "Dear Ada,\n\nWe <won't>.\nSorry.\n")
    assert draft.text == "Dear Ada,\n\nWe <won't>.\nSorry.\n"
    assert "<p>Dear Ada,</p>" in draft.html
    assert "We &lt;won&#39;t&gt;.<br>Sorry." in draft.html


def test_subject_line_is_required() -> None:
    with pytest.raises(MailTemplateError, match="Subject"):
        split_subject("Hello\n\nbody")
    assert split_subject("  Subject:  A   b \n\nBody\n") == ("A b", "Body\n")


def test_digest_lists_overdue_and_due_within_five_working_days(
    repo: CaseRepository, clock: Any
) -> None:
    soon = log_case(repo, request_type="stop_direct_marketing", requires_id=False)  # due 2 Apr
    clock.set_today(date(2026, 3, 30))  # Monday: 5 working days on is Wednesday 8 April
    draft = digest_draft(repo, today=date(2026, 3, 30))
    assert "0 overdue, 1 due within 5 working days" in draft.subject
    assert f"- {soon.reference}: Stop direct marketing, Clock running, due Thursday 2 April" \
        in draft.text
    assert "Ada" not in draft.text and "ada@example.org" not in draft.text  # no personal data
    later = digest_draft(repo, today=date(2026, 4, 7))
    assert "1 overdue, 0 due" in later.subject and "was due Thursday 2 April 2026" in later.text


def test_working_days_skip_weekends_and_bank_holidays() -> None:
    # Thursday 2 April 2026; Good Friday 3 April and Easter Monday 6 April are bank holidays.
    assert working_days_ahead(date(2026, 4, 2), 5, "england-and-wales") == date(2026, 4, 13)
    assert working_days_ahead(date(2026, 3, 30), 5, "england-and-wales") == date(2026, 4, 8)
