"""The database refuses the confirmed request: locked, read-only, full.

For each fault a resident goes through the whole request on the real stack (straight to
Rasa's REST channel, as tests/e2e do), the fault is injected just before they confirm, and
the test asserts that they are told the truth (saved and will be logged, with the reference
it will have), that staff can see it waiting (/health), and that after recovery exactly one
case exists, under that reference.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest

from bot.cases.repository import CaseRepository
from bot.config import Settings
from tests.e2e.chat import Chat

# The fixtures (db_fault_stack, fault_settings, db_dir) are loaded as a plugin by tests/conftest.py.
from tests.faults.database_fixtures import (
    database_locked,
    database_read_only,
    disk_full,
    health,
    wait_for,
)

pytestmark = pytest.mark.e2e

REFERENCE = re.compile(r"DPA-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")
SAVED = "Your request is saved and will be logged as soon as possible, with the reference"


def up_to_confirmation(settings: Settings, sender: str) -> Chat:
    """A marketing objection (the shortest request) answered up to its summary."""
    chat = Chat(settings.rasa_url, sender)
    for text in ("stop sending me marketing emails", "myself", "Tom Jones", "none",
                 "14/07/1990", "4 Civic Way, Ellesmere Port CH65 0BE", "tom@example.org",
                 "07700 900123", "emails and texts"):
        chat.say(text)
    return chat


def cases_of(settings: Settings, sender: str):
    return CaseRepository.from_url(settings.database_url).list_cases(conversation_id=sender)


def confirm_during(
    settings: Settings, sender: str, fault: AbstractContextManager[None],
    while_faulty: Callable[[], None] = lambda: None,
) -> str:
    """Confirm while ``fault`` holds; return what the resident was told."""
    chat = up_to_confirmation(settings, sender)
    replies: list[str] = []
    with fault:
        # Rasa answers once it has saved the tracker, which may wait for the fault to end.
        turn = threading.Thread(target=lambda: replies.append(chat.say("/affirm")))
        turn.start()
        wait_for(lambda: health(settings)["outbox"]["pending"] >= 1, timeout=30)
        while_faulty()
        turn.join(timeout=5)
    turn.join(timeout=60)
    assert replies, "the resident got no answer"
    return replies[0]


def assert_logged_once(settings: Settings, sender: str, told: str) -> None:
    assert SAVED in told, told
    assert "dpo@" in told  # whom to contact if they hear nothing
    assert "Your request is logged" not in told
    [reference] = set(REFERENCE.findall(told))
    [case] = wait_for(lambda: cases_of(settings, sender), timeout=30)
    assert case.reference == reference
    wait_for(lambda: health(settings)["outbox"]["pending"] == 0, timeout=30)
    assert len(cases_of(settings, sender)) == 1  # replayed once, never twice


def staff_see_it_waiting(settings: Settings) -> None:
    """/health counts it, and says degraded once it has waited past the configured time."""
    payload = wait_for(lambda: (p := health(settings))["status"] == "degraded" and p,
                       timeout=15)
    assert payload["outbox"]["pending"] >= 1 and payload["outbox"]["oldest"]


def test_database_locked_during_the_confirmation(db_fault_stack, fault_settings):
    sender = "fault-db-locked"
    told = confirm_during(fault_settings, sender, database_locked(fault_settings))
    assert_logged_once(fault_settings, sender, told)


def test_database_file_read_only(db_fault_stack, fault_settings):
    sender = "fault-db-read-only"
    told = confirm_during(fault_settings, sender, database_read_only(fault_settings),
                          while_faulty=lambda: staff_see_it_waiting(fault_settings))
    assert_logged_once(fault_settings, sender, told)


def test_disk_full(db_fault_stack, fault_settings, db_dir):
    sender = "fault-db-disk-full"
    told = confirm_during(fault_settings, sender, disk_full(fault_settings, db_dir[1]),
                          while_faulty=lambda: staff_see_it_waiting(fault_settings))
    assert_logged_once(fault_settings, sender, told)
