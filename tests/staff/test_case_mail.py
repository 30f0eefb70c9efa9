"""Emails to the requester from the case page: review, edit, send; the case event each one
stands for (with the case rules' checks); on the timeline with its text; a failed send shown
on the case and sent again. A real app on a real SQLite database."""
from __future__ import annotations

import re
from datetime import date
from html import unescape

from bot.cases.repository import CaseRepository
from bot.mail.outbox import MailOutbox
from bot.staff.services import STAFF_KEY
from tests.staff.conftest import Console
from tests.staff.test_cases import new_case


def outbox(console: Console) -> MailOutbox:
    return console.app[STAFF_KEY].mail


def textarea(html: str, name: str) -> str:
    return unescape(re.search(rf'<textarea id="mail-{name}"[^>]*>(.*?)</textarea>', html,
                              re.S).group(1))


async def draft(console: Console, reference: str, kind: str, **values: str) -> str:
    await console.page(f"/staff/cases/{reference}")
    response = await console.post(f"/staff/cases/{reference}/mail/draft",
                                  {"kind": kind, **values})
    html = await response.text()
    assert response.status == 200, html
    return html


async def test_a_clarification_is_reviewed_edited_sent_and_stops_the_clock(
    signed_in: Console, cases: CaseRepository
):
    case = new_case(cases, day=date(2026, 11, 16), requires_id=False)
    assert case.due_on is not None
    html = await draft(signed_in, case.reference, "clarification",
                       question="Which years of housing records do you want?")
    assert "Nothing is sent yet" in html
    assert "Ask for clarification (stops the clock)" in html  # what sending also records
    text = textarea(html, "text")
    assert "Which years of housing records do you want?" in text
    assert outbox(signed_in).for_case(case.reference) == []  # a draft sends nothing

    edited = text.replace("Dear Ada Lovelace,", "Dear Ms Lovelace,")
    response = await signed_in.post(f"/staff/cases/{case.reference}/mail/send", {
        "kind": "clarification", "question": "Which years of housing records do you want?",
        "subject": "Your request: one question", "text": edited})
    assert response.status == 303, await response.text()

    [mail] = outbox(signed_in).for_case(case.reference)
    assert mail.template == "clarification" and mail.actor == "sam"
    assert mail.subject == "Your request: one question"
    assert mail.text_body.startswith("Dear Ms Lovelace,")
    assert mail.to_address == "ada@example.org"
    after = cases.get_case(case.reference)
    assert "clarification" in after.waiting_for and after.due_on is None

    page = await signed_in.page(f"/staff/cases/{case.reference}")
    assert "Email: Ask for clarification" in page
    assert "Dear Ms Lovelace," in page  # the text sent, on the timeline
    assert "Waiting to be sent" in page
    log = await signed_in.app[STAFF_KEY].db(
        signed_in.app[STAFF_KEY].access_log.for_target, case.reference, 20)
    assert {"case_mail_draft", "case_mail_send"} <= {entry.action for entry in log}


async def test_an_extension_notice_after_the_first_month_is_refused_and_nothing_sent(
    signed_in: Console, cases: CaseRepository
):
    case = new_case(cases, day=date(2026, 9, 1), requires_id=False)  # first month: over
    await signed_in.page(f"/staff/cases/{case.reference}")
    response = await signed_in.post(f"/staff/cases/{case.reference}/mail/send", {
        "kind": "extension", "reason": "Records in three archives.",
        "subject": "More time", "text": "We need more time."})
    assert response.status == 400
    assert "Not sent" in await response.text()
    assert outbox(signed_in).for_case(case.reference) == []
    assert not cases.get_case(case.reference).extended


async def test_an_extension_within_the_first_month_extends_and_tells_the_reason(
    signed_in: Console, cases: CaseRepository
):
    case = new_case(cases, day=date(2026, 11, 16), requires_id=False)
    html = await draft(signed_in, case.reference, "extension",
                       reason="Your records are held in three separate archives.")
    text = textarea(html, "text")
    assert "three separate archives" in text
    response = await signed_in.post(f"/staff/cases/{case.reference}/mail/send", {
        "kind": "extension", "reason": "Your records are held in three separate archives.",
        "subject": "", "text": text})
    assert response.status == 303
    after = cases.get_case(case.reference)
    assert after.extended and after.extension_reason.startswith("Your records")
    [mail] = outbox(signed_in).for_case(case.reference)
    assert mail.template == "extension" and "three separate archives" in mail.html_body


async def test_a_refusal_needs_its_reason_and_a_case_without_email_cannot_be_written_to(
    signed_in: Console, cases: CaseRepository
):
    case = new_case(cases)
    await signed_in.page(f"/staff/cases/{case.reference}")
    response = await signed_in.post(f"/staff/cases/{case.reference}/mail/draft",
                                    {"kind": "refusal", "reason": ""})
    assert response.status == 400 and "Why the request is refused" in await response.text()
    no_email = new_case(cases, email=None, phone="07700 900123")
    response = await signed_in.post(f"/staff/cases/{no_email.reference}/mail/draft",
                                    {"kind": "id_chase"})
    assert response.status == 400 and "no email address" in await response.text()
    assert "write to the requester by post" in await signed_in.page(
        f"/staff/cases/{no_email.reference}")


async def test_a_refusal_closes_the_case_and_keeps_the_ico(signed_in: Console, cases):
    case = new_case(cases, day=date(2026, 11, 16), requires_id=False)
    html = await draft(signed_in, case.reference, "refusal",
                       reason="The request is manifestly unfounded.")
    text = textarea(html, "text")
    assert "Information Commissioner" in text
    await signed_in.post(f"/staff/cases/{case.reference}/mail/send", {
        "kind": "refusal", "reason": "The request is manifestly unfounded.",
        "subject": "", "text": text})
    after = cases.get_case(case.reference)
    assert after.status == "refused" and after.closed_on == date(2026, 11, 23)


async def test_a_failed_send_is_shown_on_the_case_and_can_be_sent_again(
    signed_in: Console, cases: CaseRepository
):
    case = new_case(cases, requires_id=True)
    html = await draft(signed_in, case.reference, "id_chase")
    await signed_in.post(f"/staff/cases/{case.reference}/mail/send", {
        "kind": "id_chase", "subject": "", "text": textarea(html, "text")})
    box = outbox(signed_in)
    [mail] = box.for_case(case.reference)
    box.mark_failed(mail.id, "550 5.1.1 <ada@example.org>: mailbox unavailable", permanent=True)

    page = await signed_in.page(f"/staff/cases/{case.reference}")
    assert 'role="alert" id="mail-failed-' in page
    assert "An email to the requester was not sent" in page
    assert "mailbox unavailable" in page
    response = await signed_in.post(f"/staff/cases/{case.reference}/mail/{mail.id}/retry")
    assert response.status == 303
    again = box.get(mail.id)
    assert again.status == "pending" and again.attempts == 0
    other = new_case(cases)
    response = await signed_in.post(f"/staff/cases/{other.reference}/mail/{mail.id}/retry")
    assert response.status == 404  # not that case's email


async def test_sending_without_the_csrf_token_is_refused(signed_in: Console, cases):
    case = new_case(cases)
    await signed_in.page(f"/staff/cases/{case.reference}")
    response = await signed_in.post(f"/staff/cases/{case.reference}/mail/send", {
        "kind": "id_chase", "subject": "", "text": "Hello"}, csrf=False)
    assert response.status == 403
    assert outbox(signed_in).for_case(case.reference) == []
