"""The database refuses writes at each step of a request: locked, read-only, full.

For each fault three residents are mid-request on the real stack (straight to Rasa's REST
channel, as tests/e2e do): one at the confirmation of a complete request, one at the
status check's identity question, one about to ask for a person. The fault is injected just
before they answer, and the test asserts that each is told the truth within the timeout
(the request saved and to be logged, with the reference it will have; the status cannot be
looked up now; staff asked, with the DPO's details as it may take longer), that staff can
see what waits (/health's outbox), and that after recovery exactly one case exists under
that reference, the status check answers, and exactly one handoff waits in the console's
queue.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

import pytest

from bot.cases.repository import CaseRepository
from bot.config import Settings
from tests.e2e.chat import Chat
from tests.faults.conftest import Officer
from tests.faults.database_fixtures import (
    database_locked,
    database_read_only,
    disk_full,
    health,
    wait_for,
)
from tests.faults.steps import (
    ASK_IDENTITY,
    ASK_PERSON,
    CHECK_STATUS,
    HANDOFF_QUEUED,
    STORE_UNAVAILABLE,
    claims_handoff,
    handoffs_of,
    one_waiting_handoff,
    seed_case,
    status_answer,
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


@dataclass
class Told:
    """What each resident was told during the fault."""

    confirming: str
    checking: str
    handing: str


@dataclass
class Residents:
    sender: str
    confirming: Chat
    checking: Chat
    handing: Chat
    reference: str  # the earlier case the status check asks about
    email: str

    @classmethod
    def mid_request(cls, settings: Settings, sender: str) -> Residents:
        confirming = up_to_confirmation(settings, sender)
        reference, email = seed_case(settings)
        checking = Chat(settings.rasa_url, f"{sender}-status")
        checking.say(CHECK_STATUS)
        assert ASK_IDENTITY in checking.say(reference)
        handing = Chat(settings.rasa_url, f"{sender}-handoff")
        handing.say("/greet")
        return cls(sender, confirming, checking, handing, reference, email)


def answer_during(
    settings: Settings, residents: Residents, fault: AbstractContextManager[None],
    while_faulty: Callable[[], None] = lambda: None,
) -> Told:
    """Each resident answers while ``fault`` holds; what each was told."""
    replies: dict[str, str] = {}
    answers = {"confirming": (residents.confirming, "/affirm"),
               "checking": (residents.checking, residents.email),
               "handing": (residents.handing, ASK_PERSON)}

    def answer(name: str) -> None:
        chat, text = answers[name]
        replies[name] = chat.say(text)

    with fault:
        # Rasa answers once it has saved the tracker, which may wait for the fault to end.
        turns = [threading.Thread(target=answer, args=(name,)) for name in answers]
        for turn in turns:
            turn.start()
        # The request and the handoff, kept while the database refuses them.
        wait_for(lambda: health(settings)["outbox"]["pending"] >= 2, timeout=30)
        while_faulty()
        for turn in turns:
            turn.join(timeout=5)
    for turn in turns:
        turn.join(timeout=60)
    assert set(replies) == set(answers), f"no answer for {set(answers) - set(replies)}"
    return Told(**replies)


def assert_logged_once(settings: Settings, sender: str, told: str) -> None:
    assert SAVED in told, told
    assert "dpo@" in told  # whom to contact if they hear nothing
    assert "Your request is logged" not in told
    [reference] = set(REFERENCE.findall(told))
    [case] = wait_for(lambda: cases_of(settings, sender), timeout=30)
    assert case.reference == reference
    wait_for(lambda: health(settings)["outbox"]["pending"] == 0, timeout=30)
    assert len(cases_of(settings, sender)) == 1  # replayed once, never twice


def assert_status_told_then_answered(residents: Residents, told: str) -> None:
    """Not looked up during the fault (and nothing claimed); answered when asked again."""
    assert STORE_UNAVAILABLE in told and "dpo@" in told, told
    chat = residents.checking
    asked = chat.say(CHECK_STATUS)
    if "case reference" in asked:
        asked = chat.say(residents.reference)
    assert ASK_IDENTITY in asked, asked
    answered = chat.say(residents.email)
    assert answered.startswith(status_answer(residents.reference)), answered


def assert_handoff_waits(settings: Settings, residents: Residents, told: str,
                         officer: Officer) -> None:
    """Told staff were asked (and that it may take longer, with the DPO's details); the
    handoff reaches the queue once the database takes writes, once, and the officer sees it."""
    assert HANDOFF_QUEUED in told and "dpo@" in told, told
    assert not claims_handoff(told)  # not "they will see everything": not yet true
    sender = residents.handing.sender
    wait_for(lambda: handoffs_of(settings, sender), timeout=30)
    handoff = one_waiting_handoff(settings, sender)
    assert handoff.id in {item["id"] for item in officer.handoff_queue()}


def assert_every_step(settings: Settings, residents: Residents, told: Told,
                      officer: Officer) -> None:
    assert_logged_once(settings, residents.sender, told.confirming)
    assert_status_told_then_answered(residents, told.checking)
    assert_handoff_waits(settings, residents, told.handing, officer)


def staff_see_it_waiting(settings: Settings) -> None:
    """/health counts it, and says degraded once it has waited past the configured time."""
    payload = wait_for(lambda: (p := health(settings))["status"] == "degraded" and p,
                       timeout=15)
    assert payload["outbox"]["pending"] >= 1 and payload["outbox"]["oldest"]


def test_database_locked(healthy_stack, fault_settings, officer):
    residents = Residents.mid_request(fault_settings, "fault-db-locked")
    told = answer_during(fault_settings, residents, database_locked(fault_settings))
    assert_every_step(fault_settings, residents, told, officer)


def test_database_file_read_only(healthy_stack, fault_settings, officer):
    residents = Residents.mid_request(fault_settings, "fault-db-read-only")
    told = answer_during(fault_settings, residents, database_read_only(fault_settings),
                         while_faulty=lambda: staff_see_it_waiting(fault_settings))
    assert_every_step(fault_settings, residents, told, officer)


def test_disk_full(healthy_stack, fault_settings, officer, db_dir):
    residents = Residents.mid_request(fault_settings, "fault-db-disk-full")
    told = answer_during(fault_settings, residents, disk_full(fault_settings, db_dir[1]),
                         while_faulty=lambda: staff_see_it_waiting(fault_settings))
    assert_every_step(fault_settings, residents, told, officer)
