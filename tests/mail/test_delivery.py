"""Delivery to a real local SMTP server (aiosmtpd), and the pickup-directory default."""
from __future__ import annotations

import dataclasses
import stat
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from bot.cases.repository import CaseRepository
from bot.config import ConfigError
from bot.mail.case_mail import MailContext, queue_case_confirmation
from bot.mail.delivery import PickupDirectory, SmtpTransport, transport_for
from bot.mail.models import PENDING, SENT
from bot.mail.sender import send_pending
from tests.conftest import free_port
from tests.fixtures.databases import FakeClock
from tests.mail.conftest import Inbox, log_case


async def test_the_confirmation_arrives_at_a_real_smtp_server(
    repo: CaseRepository, mail_context: MailContext, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, port = smtp_server
    case = log_case(repo)
    record = queue_case_confirmation(case, context=mail_context)
    assert record is not None
    settings = dataclasses.replace(mail_context.settings, smtp_url=f"smtp://127.0.0.1:{port}")
    transport = transport_for(settings)
    assert isinstance(transport, SmtpTransport)

    report = await send_pending(mail_context.outbox, transport)

    assert [r.id for r in report.sent] == [record.id]
    [(mail_from, rcpt_tos, message)] = inbox.messages
    assert mail_from == "dpo@cheshirewestandchester.gov.uk"
    assert rcpt_tos == ["ada@example.org"]
    assert message["From"] == "dpo@cheshirewestandchester.gov.uk"
    assert message["To"] == "ada@example.org"
    assert message["Subject"] == f"Your request {case.reference} has been logged"
    assert message["Message-ID"] == record.message_id and message["Date"]
    assert message["X-DPA-Case-Reference"] == case.reference
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    assert case.reference in text.get_content() and "Dear Ada Lovelace," in text.get_content()
    assert f"<strong>{case.reference}</strong>" in html.get_content()
    assert mail_context.outbox.get(record.id).status == SENT


async def test_a_temporary_smtp_refusal_is_retried_then_delivered_once(
    repo: CaseRepository, mail_context: MailContext, smtp_server: tuple[Inbox, int],
    clock: FakeClock,
) -> None:
    inbox, port = smtp_server
    inbox.refuse_next = 1
    record = queue_case_confirmation(log_case(repo), context=mail_context)
    assert record is not None
    transport = SmtpTransport("127.0.0.1", port, timeout=5)
    report = await send_pending(mail_context.outbox, transport)
    assert [r.id for r in report.retrying] == [record.id] and inbox.messages == []
    stored = mail_context.outbox.get(record.id)
    assert stored.status == PENDING and stored.last_error is not None
    assert "451" in stored.last_error
    clock.advance(minutes=2)
    assert len((await send_pending(mail_context.outbox, transport)).sent) == 1
    assert len((await send_pending(mail_context.outbox, transport)).sent) == 0
    assert len(inbox.messages) == 1


async def test_an_unreachable_server_is_a_retry_not_a_crash(
    repo: CaseRepository, mail_context: MailContext
) -> None:
    record = queue_case_confirmation(log_case(repo), context=mail_context)
    assert record is not None
    transport = SmtpTransport("127.0.0.1", free_port(), timeout=5)  # nothing listens
    report = await send_pending(mail_context.outbox, transport)
    assert [r.id for r in report.retrying] == [record.id]
    assert mail_context.outbox.get(record.id).last_error


async def test_with_no_smtp_url_messages_are_eml_files_readable_by_the_owner_only(
    repo: CaseRepository, mail_context: MailContext
) -> None:
    case = log_case(repo)
    record = queue_case_confirmation(case, context=mail_context)
    assert record is not None
    transport = transport_for(mail_context.settings)
    assert isinstance(transport, PickupDirectory)
    assert transport.directory == mail_context.settings.var_dir / "mail"

    assert len((await send_pending(mail_context.outbox, transport)).sent) == 1

    [path] = list(transport.directory.iterdir())
    assert path.suffix == ".eml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(transport.directory.stat().st_mode) == 0o700
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["Subject"] == f"Your request {case.reference} has been logged"
    assert message["To"] == "ada@example.org"
    assert {part.get_content_type() for part in message.iter_parts()} == {  # type: ignore[attr-defined]
        "text/plain", "text/html"}


def test_pickup_files_are_written_whole(tmp_path: Path) -> None:
    pickup = PickupDirectory(tmp_path / "mail")
    path = pickup._write(b"Subject: x\r\n\r\nbody\r\n")
    assert [p.name for p in pickup.directory.iterdir()] == [path.name]  # no .part left


@pytest.mark.parametrize(("url", "expected"), [
    ("smtp://mail.example.org", ("mail.example.org", 25, None, None, False, None)),
    ("smtp://u%40x:p%2Fw@mail.example.org:587?starttls=required",
     ("mail.example.org", 587, "u@x", "p/w", False, True)),
    ("smtp://mail.example.org:2525?starttls=off", ("mail.example.org", 2525, None, None,
                                                   False, False)),
    ("smtps://user:secret@mail.example.org", ("mail.example.org", 465, "user", "secret",
                                               True, None)),
])
def test_smtp_url(url: str, expected: tuple[object, ...]) -> None:
    transport = SmtpTransport.from_url(url)
    assert (transport.hostname, transport.port, transport.username, transport.password,
            transport.use_tls, transport.start_tls) == expected
    assert "secret" not in transport.description


@pytest.mark.parametrize("url", ["http://mail.example.org", "smtp://", "smtp://h?tls=1",
                                 "smtp://h?starttls=maybe", "smtps://h?starttls=required",
                                 "smtp://h:notaport"])
def test_bad_smtp_url_is_a_configuration_error(url: str) -> None:
    with pytest.raises(ConfigError, match="SMTP_URL"):
        SmtpTransport.from_url(url)
