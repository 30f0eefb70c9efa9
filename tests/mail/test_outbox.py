"""The outbox: queued once, claimed by one sender, retried with back-off, failures kept."""
from __future__ import annotations

import asyncio
from datetime import timedelta
from email.message import EmailMessage

import pytest

from bot.cases.repository import CaseRepository
from bot.mail.case_mail import (
    MailContext,
    NoEmailAddress,
    mail_for_case,
    queue_case_confirmation,
    queue_case_message,
)
from bot.mail.delivery import DeliveryError
from bot.mail.models import FAILED, PENDING, SENT
from bot.mail.sender import send_pending
from tests.fixtures.databases import FakeClock
from tests.mail.conftest import log_case


class FlakyTransport:
    """Fails the first ``failures`` sends, then records what it delivers."""

    description = "test transport"

    def __init__(self, failures: int = 0, *, permanent: bool = False) -> None:
        self.failures = failures
        self.permanent = permanent
        self.delivered: list[EmailMessage] = []

    async def send(self, message: EmailMessage) -> None:
        if self.failures > 0:
            self.failures -= 1
            raise DeliveryError("SMTP 451: try again later", permanent=self.permanent)
        self.delivered.append(message)


def test_confirmation_is_queued_with_its_text_against_the_case(
    repo: CaseRepository, mail_context: MailContext
) -> None:
    case = log_case(repo)
    record = queue_case_confirmation(case, context=mail_context)
    assert record is not None
    assert (record.status, record.attempts, record.to_address) == (PENDING, 0, "ada@example.org")
    assert record.template == "confirmation" and record.actor == "assistant"
    assert record.case_reference == case.reference and case.reference in record.text_body
    assert mail_for_case(case.reference, settings=mail_context.settings) == [record]


def test_no_email_address_means_no_confirmation(
    repo: CaseRepository, mail_context: MailContext
) -> None:
    case = log_case(repo, email=None)
    assert queue_case_confirmation(case, context=mail_context) is None
    with pytest.raises(NoEmailAddress):
        queue_case_message("id_chase", case, None, "sam", context=mail_context)


def test_staff_message_keeps_the_edited_text_and_who_sent_it(
    repo: CaseRepository, mail_context: MailContext
) -> None:
    case = log_case(repo)
    record = queue_case_message("refusal", case, "Dear Ada,\n\nNo, because <reasons>.\n", "sam",
                                values={"reason": "reasons"}, context=mail_context)
    assert record.actor == "sam" and record.subject.startswith("Our decision on your request")
    assert record.text_body == "Dear Ada,\n\nNo, because <reasons>.\n"
    assert "No, because &lt;reasons&gt;." in record.html_body


async def test_delivered_exactly_once(repo: CaseRepository, mail_context: MailContext) -> None:
    record = queue_case_confirmation(log_case(repo), context=mail_context)
    assert record is not None
    transport = FlakyTransport()
    first, second = await asyncio.gather(  # two senders at once: one gets it
        send_pending(mail_context.outbox, transport),
        send_pending(mail_context.outbox, transport),
    )
    assert len(first.sent) + len(second.sent) == 1
    again = await send_pending(mail_context.outbox, transport)
    assert again.sent == [] and len(transport.delivered) == 1
    stored = mail_context.outbox.get(record.id)
    assert (stored.status, stored.attempts, stored.last_error) == (SENT, 1, None)
    assert stored.sent_at is not None


async def test_a_failed_send_is_retried_with_back_off_and_visible_on_the_case(
    repo: CaseRepository, mail_context: MailContext, clock: FakeClock
) -> None:
    case = log_case(repo)
    record = queue_case_confirmation(case, context=mail_context)
    assert record is not None
    outbox = mail_context.outbox
    transport = FlakyTransport(failures=1)

    report = await send_pending(outbox, transport)
    assert [r.id for r in report.retrying] == [record.id] and report.sent == []
    [shown] = mail_for_case(case.reference, settings=mail_context.settings)
    assert (shown.status, shown.attempts) == (PENDING, 1)
    assert shown.last_error == "SMTP 451: try again later"
    assert shown.next_attempt_at == clock.now + timedelta(seconds=60)

    assert (await send_pending(outbox, transport)).sent == []  # not yet due: back-off
    clock.advance(seconds=61)
    report = await send_pending(outbox, transport)
    assert [r.id for r in report.sent] == [record.id] and len(transport.delivered) == 1
    assert outbox.get(record.id).attempts == 2


async def test_back_off_doubles_and_gives_up_after_max_attempts(
    repo: CaseRepository, mail_context: MailContext, clock: FakeClock
) -> None:
    record = queue_case_confirmation(log_case(repo), context=mail_context)
    assert record is not None
    outbox = mail_context.outbox  # max_attempts=3, retry 60 s
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    transport = FlakyTransport(failures=10)
    for wait in (0, 60, 120):
        clock.advance(seconds=wait)
        report = await send_pending(outbox, transport)
    assert [r.id for r in report.failed] == [record.id]
    failed = outbox.get(record.id)
    assert failed.failed and failed.status == FAILED and failed.attempts == 3
    clock.advance(hours=12)
    assert (await send_pending(outbox, transport)).sent == []  # given up: staff must act
    outbox.retry(record.id)
    transport.failures = 0
    assert len((await send_pending(outbox, transport)).sent) == 1


async def test_a_permanent_refusal_is_not_retried(
    repo: CaseRepository, mail_context: MailContext
) -> None:
    record = queue_case_confirmation(log_case(repo), context=mail_context)
    assert record is not None
    report = await send_pending(mail_context.outbox, FlakyTransport(1, permanent=True))
    assert [r.id for r in report.failed] == [record.id]
    assert mail_context.outbox.get(record.id).attempts == 1


async def test_a_sender_that_died_mid_send_is_taken_over_after_the_lease(
    repo: CaseRepository, mail_context: MailContext, clock: FakeClock
) -> None:
    record = queue_case_confirmation(log_case(repo), context=mail_context)
    assert record is not None
    [claimed] = mail_context.outbox.claim_due()  # ... and the process dies here
    assert claimed.id == record.id and mail_context.outbox.claim_due() == []
    clock.advance(minutes=6)
    transport = FlakyTransport()
    assert len((await send_pending(mail_context.outbox, transport)).sent) == 1
