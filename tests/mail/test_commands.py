"""``dpa mail send`` and ``dpa mail digest`` on a migrated database, delivering to var/mail/."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings
from bot.mail.case_mail import MailContext, queue_case_confirmation
from tests.mail.conftest import log_case


@pytest.fixture
def env(mail_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DATABASE_URL", mail_settings.database_url)
    monkeypatch.delenv("SMTP_URL", raising=False)
    monkeypatch.delenv("MAIL_TEAM_ADDRESS", raising=False)
    return mail_settings.var_dir / "mail"


def test_send_delivers_what_is_queued(env: Path, repo, mail_context: MailContext, capsys) -> None:
    case = log_case(repo)
    queue_case_confirmation(case, context=mail_context)
    assert main(["mail", "send"]) == 0
    out = capsys.readouterr().out
    assert "pickup directory" in out and "sent 1, will retry 0, given up on 0" in out
    assert len(list(env.glob("*.eml"))) == 1


def test_digest_needs_an_address(env: Path, capsys) -> None:
    assert main(["mail", "digest"]) == 2
    assert "MAIL_TEAM_ADDRESS" in capsys.readouterr().err


def test_digest_goes_to_the_team(env: Path, repo, capsys) -> None:
    assert main(["mail", "digest", "--to", "ig-team@example.org"]) == 0
    assert "digest queued" in capsys.readouterr().out
    [path] = env.glob("*.eml")
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["To"] == "ig-team@example.org"
    assert message["Subject"].startswith("Data protection requests on ")


def test_purge_deletes_old_sent_mail_and_keeps_what_still_waits(
    env: Path, repo, mail_context: MailContext, clock, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("MAIL_RETENTION_DAYS", "30")
    case = log_case(repo)
    box = mail_context.outbox
    old_sent = queue_case_confirmation(case, context=mail_context)  # the clock: March 2026
    old_waiting = queue_case_confirmation(case, context=mail_context)
    box.mark_sent(old_sent.id)
    clock.now = datetime.now(timezone.utc) - timedelta(days=1)  # the command's 'now' is real
    recent = queue_case_confirmation(case, context=mail_context)
    box.mark_sent(recent.id)

    assert main(["purge", "--dry-run"]) == 0
    assert "would delete 1 email(s)" in capsys.readouterr().out
    assert len(box.for_case(case.reference)) == 3
    assert main(["purge"]) == 0
    out = capsys.readouterr().out
    assert "mail outbox: older than 30 days: deleted 1 email(s)" in out
    assert "documents: cases closed 30 or more days ago: deleted 0 file(s)" in out
    assert {m.id for m in box.for_case(case.reference)} == {old_waiting.id, recent.id}
