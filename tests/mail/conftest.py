"""Fixtures for the mail tests: settings on a temporary var/, a logged case, a real SMTP server."""
from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from bot.cases.new_case import NewCase
from bot.cases.records import CaseSummary
from bot.cases.repository import CaseRepository
from bot.config import Settings, load_settings
from bot.db.engine import get_engine, make_session_factory
from bot.mail.case_mail import MailContext
from bot.mail.outbox import MailOutbox
from tests.conftest import free_port
from tests.fixtures.databases import FakeClock
from tests.fixtures.smtp import Inbox, smtp_server_on

__all__ = ["Inbox", "log_case"]


@pytest.fixture
def mail_settings(tmp_path: Path, migrated_url: str,
                  monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("DPA_VAR_DIR", str(tmp_path / "var"))
    return dataclasses.replace(load_settings(), database_url=migrated_url, smtp_url="",
                               mail_from="", mail_team_address="")


@pytest.fixture
def mail_context(mail_settings: Settings, clock: FakeClock) -> MailContext:
    """An outbox whose 'now' is ``clock`` (max 3 attempts, back-off from 60 s)."""
    box = MailOutbox(make_session_factory(get_engine(mail_settings.database_url)),
                     max_attempts=3, retry_seconds=60, now=clock)
    return MailContext(outbox=box, from_address="dpo@cheshirewestandchester.gov.uk",
                       settings=mail_settings)


def log_case(repo: CaseRepository, **fields: Any) -> CaseSummary:
    values: dict[str, Any] = {
        "request_type": "request_access",
        "full_name": "Ada Lovelace",
        "email": "ada@example.org",
        "date_of_birth": date(1985, 12, 10),
        "id_document": "passport",
        "address_document": "utility_bill",
    }
    values.update(fields)
    return repo.create_case(NewCase(**values),
                            received_at=datetime(2026, 3, 2, 10, tzinfo=timezone.utc))


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    """aiosmtpd on a free loopback port, for as long as the test runs."""
    port = free_port()
    with smtp_server_on(port) as inbox:
        yield inbox, port
