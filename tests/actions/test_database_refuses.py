"""Submitting and handing off while the database refuses writes: the outbox keeps the work,
the resident is told the truth, and the replay writes it exactly once after recovery.

The lock is real: another connection holds ``BEGIN EXCLUSIVE`` on the test's SQLite file, and
the busy timeout is cut to a fraction of a second so the action gives up quickly.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from actions.handoff import ActionHandoff
from actions.settings import case_repository, outbox
from bot.cases.outbox import PendingCase, PendingHandoff
from bot.cases.outbox_replay import replay
from bot.chat.handoffs import HandoffStore
from bot.conversation.wording import HANDOFF_QUEUED_TEXT, long_date
from bot.rules import council
from tests.actions.support import SENDER_ID, make_tracker, run_action
from tests.actions.test_request_actions import ACCESS_FOR_MYSELF, MARKETING_FOR_MYSELF, submit


@pytest.fixture(autouse=True)
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SQLITE_BUSY_TIMEOUT_SECONDS", "0.2")


@contextmanager
def locked(url: str) -> Iterator[None]:
    """Another process's exclusive transaction on the database file, for the block."""
    holder = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def replay_now(url: str):
    return replay(outbox(), case_repository(), HandoffStore.from_url(url))


async def test_a_locked_database_keeps_the_request_and_the_resident_is_told(domain, case_db):
    with locked(case_db):
        outcome = await submit(domain, MARKETING_FOR_MYSELF)
        [pending] = outbox().pending()
        assert isinstance(pending, PendingCase)
        assert case_repository().list_cases() == []  # a reader still sees the database

    [said] = outcome.texts
    assert ("Your request is saved and will be logged as soon as possible, with the reference "
            f"{pending.reference}") in said
    assert "If you do not hear from us" in said and council.DPO_EMAIL in said
    assert outcome.slots["case_reference"] == pending.reference

    result = replay_now(case_db)  # the lock is gone: the database recovered

    assert result.written == [pending.id]
    [case] = case_repository().list_cases(conversation_id=SENDER_ID)
    assert case.reference == pending.reference
    assert case.full_name == "Grace Hopper"
    # No ID needed: the clock runs from the day it was received, as the resident was told.
    assert case.due_on is not None and f"We must answer by {long_date(case.due_on)}" in said
    assert replay_now(case_db).written == []
    assert len(case_repository().list_cases()) == 1
    assert outbox().pending() == []


async def test_a_request_waiting_for_id_promises_no_date_while_queued(domain, case_db):
    with locked(case_db):
        outcome = await submit(domain, ACCESS_FOR_MYSELF)
    [said] = outcome.texts
    assert "We must answer by" not in said  # the clock starts when the ID arrives
    assert "If they reach us today, we must answer by" in said
    replay_now(case_db)
    [case] = case_repository().list_cases()
    assert case.reference == outcome.slots["case_reference"] and case.due_on is None


async def test_each_confirmation_during_the_outage_is_logged_once(domain, case_db):
    with locked(case_db):
        for name in ("Ann Jones", "Bob Smith", "Cat Brown"):
            await submit(domain, {**MARKETING_FOR_MYSELF, "full_name": name})
    assert outbox().status().pending == 3
    replay_now(case_db)
    replay_now(case_db)
    names = sorted(case.full_name for case in case_repository().list_cases())
    assert names == ["Ann Jones", "Bob Smith", "Cat Brown"]


async def test_a_handoff_while_locked_is_kept_and_reaches_staff_after_recovery(domain, case_db):
    tracker = make_tracker(domain, text="can I talk to a person", intent="request_human")
    with locked(case_db):
        outcome = await run_action(ActionHandoff(), tracker, domain)
        [pending] = outbox().pending()
    assert isinstance(pending, PendingHandoff)
    assert outcome.texts == [HANDOFF_QUEUED_TEXT]  # not "a member of staff will join now"
    assert {"event": "pause", "timestamp": None} in outcome.events
    assert HandoffStore.from_url(case_db).waiting() == []

    replay_now(case_db)

    [waiting] = HandoffStore.from_url(case_db).waiting()
    assert (waiting.conversation_id, waiting.reason) == (SENDER_ID, "asked for a person")
