"""The assistant's parts killed or frozen while residents are mid-request, on the real stack.

Each test has four residents on the hub's WebSocket, one at each step of a request: at a
form question (their full name: the next question, previous names, takes any text), at the
confirmation of a complete request, at the status check's identity question (an earlier
case's reference given, its email next), and about to ask for a person (the handoff). The
fault comes just before they answer; the form-question resident then also asks "what was
the question?" (the issue's case: a message typed after a turn the resident never saw
answered). Then the part recovers (SIGCONT, or restarted by ``dpa run``'s supervisor) and the
test checks: exactly one case per confirmed request, with the reference the resident was
shown; every message kept in the transcript, in order, once; no answer applied to a
question the resident did not see (the email answers the status check: the case's status
is shown); the resident told the truth within the timeout; and staff able to see what needs
them: a resident told that staff were asked to join has exactly one waiting handoff, which
the officer sees in the console's queue (docs/reliability.md has the tables of what they see).
"""
from __future__ import annotations

import asyncio
import json
import re
import urllib.request
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from bot.cases.repository import CaseRepository
from bot.chat.transcripts import RESIDENT, TranscriptStore
from tests.faults.conftest import ACTION_SERVER, RASA, FaultStack, Frame, Officer, Resident
from tests.faults.steps import (
    ASK_IDENTITY,
    ASK_PERSON,
    ASK_PERSON_SHOWN,
    CHECK_STATUS,
    CHECK_STATUS_SHOWN,
    NOT_MATCHED,
    claims_handoff,
    handoffs_of,
    one_waiting_handoff,
    seed_case,
    status_answer,
)

pytestmark = pytest.mark.e2e

TIMEOUT = 3.0  # CHAT_RASA_TIMEOUT_SECONDS of the fault stack
TOLD_WITHIN = TIMEOUT + 3.0  # the timeout, the health probe, a busy machine
RECOVERY = 60.0  # from the part being back to the resident seeing the catch-up
RESTART = 360.0  # Rasa loading its model again on a busy two-core machine (170 s seen)

OPENING = "stop sending me marketing emails"
TO_FULL_NAME = ["myself"]
TO_CONFIRMATION = ["myself", "Tom Jones", "none", "14/07/1990",
                   "4 Civic Way, Ellesmere Port CH65 0BE", "tom@example.org", "07700 900123",
                   "emails and texts"]
STRAY = "what was the question?"


def tracker(settings, conversation_id: str) -> dict[str, Any]:
    url = (f"{settings.rasa_url}/conversations/{conversation_id}/tracker"
           f"?token={settings.rasa_token}&include_events=NONE")
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


async def drive(resident: Resident, answers: list[str]) -> str:
    reply = await resident.turn(OPENING)
    for answer in answers:
        reply = await resident.turn(answer)
    return reply


def is_notice(kind: str) -> Callable[[Frame], bool]:
    return lambda f: f["type"] == "notice" and f["kind"] == kind


def is_unavailable(frame: Frame) -> bool:
    return is_notice("unavailable")(frame)


async def told_in_time(resident: Resident, sent_at: float) -> Frame:
    notice = await resident.until(is_unavailable, TOLD_WITHIN + 2)
    waited = asyncio.get_running_loop().time() - sent_at
    assert waited <= TOLD_WITHIN, f"told after {waited:.1f}s"
    assert "kept" in notice["text"]
    return notice


def recovered(frame: Frame) -> bool:
    """The catch-up after the outage: a resend notice, or the assistant speaking again."""
    return is_notice("resend")(frame) or (
        frame["type"] == "message" and frame["role"] == "assistant")


async def to_identity_question(resident: Resident, reference: str) -> str:
    await resident.turn(CHECK_STATUS, display=CHECK_STATUS_SHOWN)
    return await resident.turn(reference)


async def fault_case(
    stack: FaultStack, residents, officer: Officer, inject: Callable[[], None],
    recover: Callable[[], Awaitable[Any]],
) -> None:
    asking, confirming, checking, handing = [await residents() for _ in range(4)]
    reference, email = seed_case(stack.settings)
    _, summary, identity, _ = await asyncio.gather(
        drive(asking, TO_FULL_NAME), drive(confirming, TO_CONFIRMATION),
        to_identity_question(checking, reference), handing.turn("/greet", display="Hello"))
    assert "Tom Jones" in summary
    assert ASK_IDENTITY in identity
    settings = stack.settings
    assert tracker(settings, asking.conversation_id)["slots"]["requested_slot"] == "full_name"
    assert tracker(settings, confirming.conversation_id)["slots"]["requested_slot"] == "confirmed"
    assert tracker(settings, checking.conversation_id)["slots"]["requested_slot"] == \
        "identity_check"

    inject()
    sent = await asyncio.gather(
        asking.say("Tom Jones"), confirming.say("/affirm", display="Yes"), checking.say(email),
        handing.say(ASK_PERSON, display=ASK_PERSON_SHOWN))
    await asyncio.gather(*(told_in_time(r, at) for r, at in
                           zip((asking, confirming, checking, handing), sent, strict=True)))
    sent_stray = await asking.say(STRAY)
    await told_in_time(asking, sent_stray)

    # Reading while the part recovers: the tabs answer the hub's pings meanwhile.
    await asyncio.gather(recover(), *(r.until(recovered, RESTART + RECOVERY)
                                      for r in (asking, confirming, checking, handing)))
    await asyncio.sleep(1.0)  # let the catch-up finish (several lines may follow)
    try:
        await finish(asking, confirming, stack)
        await finish_status_check(checking, email, reference)
        await finish_handoff(handing, stack, officer)
    finally:  # what each resident saw (pytest shows it for a failure, or with -rP)
        for name, resident in (("form question", asking), ("confirmation", confirming),
                               ("status check", checking), ("handoff", handing)):
            print(f"--- {name}")
            for frame in resident.frames:
                if frame["type"] in ("message", "notice"):
                    who = frame.get("role") or frame["kind"]
                    print(f"  {who}: {frame['text'][:110]}")


async def finish_status_check(checking: Resident, email: str, reference: str) -> None:
    """The email answers the identity question: the case's status is shown, once asked again
    if the catch-up asked for it."""
    if checking.notices("resend"):
        assert email in checking.notices("resend")[-1]["text"]
        await checking.turn(email)
    said = checking.assistant_texts()
    assert [t for t in said if t.startswith(status_answer(reference))], said[-4:]
    assert not [t for t in said if NOT_MATCHED in t]


async def finish_handoff(handing: Resident, stack: FaultStack, officer: Officer) -> None:
    """The resident is told staff were asked once a handoff waits, and the officer sees it."""
    if handing.notices("resend"):
        assert ASK_PERSON_SHOWN in handing.notices("resend")[-1]["text"]
        await handing.turn(ASK_PERSON, display=ASK_PERSON_SHOWN)
    told = [t for t in handing.assistant_texts() if claims_handoff(t)]
    assert len(told) == 1, handing.assistant_texts()[-4:]
    handoff = one_waiting_handoff(stack.settings, handing.conversation_id)
    assert handoff.id in {item["id"] for item in officer.handoff_queue()}
    assert ASK_PERSON_SHOWN in officer.page(f"/staff/handoffs/{handoff.id}")
    # Who has the chat now (sent just after the turn's end): staff, who have not joined yet.
    waiting = {"type": "mode", "mode": "waiting"}
    if waiting not in handing.frames:
        await handing.until(lambda f: f == waiting, 10)


def no_handoff_claimed_without_one(residents: list[Resident], stack: FaultStack) -> None:
    for resident in residents:
        shown = [f["text"] for f in resident.frames if f["type"] in ("message", "notice")]
        if any(claims_handoff(t) for t in shown):
            assert handoffs_of(stack.settings, resident.conversation_id)


async def finish(asking: Resident, confirming: Resident, stack: FaultStack) -> None:
    settings = stack.settings
    # The resident at the form question: the stray question is never an answer.
    if asking.notices("resend") and asking.notices("resend")[-1]["text"].count("Tom Jones"):
        await asking.turn("Tom Jones")  # asked for again: answered again
    resend = asking.notices("resend")
    assert resend and STRAY in resend[-1]["text"], asking.frames[-8:]
    slots = tracker(settings, asking.conversation_id)["slots"]
    assert slots["full_name"] == "Tom Jones"
    assert slots.get("previous_names") in (None, "")
    assert slots["requested_slot"] == "previous_names"
    assert "other names" in asking.assistant_texts()[-1]

    # The resident at the confirmation: one case, and they were told its reference.
    if confirming.notices("resend"):
        await confirming.turn("/affirm", display="Yes")
    cases = CaseRepository.from_url(settings.database_url).list_cases(
        conversation_id=confirming.conversation_id)
    assert len(cases) == 1
    shown = " ".join(confirming.assistant_texts())
    assert cases[0].reference in shown
    assert len(set(re.findall(r"DPA-[\w-]+", shown))) == 1

    # Nothing the residents typed is lost from the transcript, nor stored twice.
    transcripts = TranscriptStore.from_url(settings.database_url)
    no_handoff_claimed_without_one([asking, confirming], stack)
    for resident in (asking, confirming):
        stored = [m.text for m in transcripts.history(resident.conversation_id)
                  if m.role == RESIDENT]
        assert stored == resident.sent


async def thaw(stack: FaultStack, name: str) -> None:
    stack.thaw(name)


async def test_action_server_killed(healthy_stack: FaultStack, residents, officer) -> None:
    await fault_case(healthy_stack, residents, officer,
                     inject=lambda: healthy_stack.kill(ACTION_SERVER),
                     recover=lambda: healthy_stack.restarted(ACTION_SERVER))


async def test_action_server_frozen_past_the_timeout(
    healthy_stack: FaultStack, residents, officer
) -> None:
    await fault_case(healthy_stack, residents, officer,
                     inject=lambda: healthy_stack.freeze(ACTION_SERVER),
                     recover=lambda: thaw(healthy_stack, ACTION_SERVER))


async def test_rasa_frozen(healthy_stack: FaultStack, residents, officer) -> None:
    await fault_case(healthy_stack, residents, officer,
                     inject=lambda: healthy_stack.freeze(RASA),
                     recover=lambda: thaw(healthy_stack, RASA))


async def test_rasa_killed(healthy_stack: FaultStack, residents, officer) -> None:
    await fault_case(healthy_stack, residents, officer,
                     inject=lambda: healthy_stack.kill(RASA),
                     recover=lambda: healthy_stack.restarted(RASA))
