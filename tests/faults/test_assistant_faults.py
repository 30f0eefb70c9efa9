"""The assistant's parts killed or frozen while residents are mid-request, on the real stack.

Each test has two residents on the hub's WebSocket: one at a form question (their full
name: the next question, previous names, takes any text) and one at the confirmation of a
complete request. The fault comes just before they answer; the form-question resident
then also asks "what was the question?" (the issue's case: a message typed after a turn
the resident never saw answered). Then the part recovers (SIGCONT, or restarted as the
supervisor would) and the test checks: exactly one case per confirmed request, with the
reference the resident was shown; every message kept in the transcript, in order, once;
no answer applied to a question the resident did not see; the resident told the truth
within the timeout (docs/reliability.md has the table of what they see).
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
from tests.faults.conftest import ACTION_SERVER, RASA, FaultStack, Frame, Resident

pytestmark = pytest.mark.e2e

TIMEOUT = 3.0  # CHAT_RASA_TIMEOUT_SECONDS of the fault stack
TOLD_WITHIN = TIMEOUT + 3.0  # the timeout, the health probe, a busy machine
RECOVERY = 60.0  # from the part being back to the resident seeing the catch-up
RESTART = 240.0  # Rasa loading its model again on a busy two-core machine

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


async def fault_case(
    stack: FaultStack, residents, inject: Callable[[], None],
    recover: Callable[[], Awaitable[Any]],
) -> None:
    asking, confirming = await residents(), await residents()
    _, summary = await asyncio.gather(drive(asking, TO_FULL_NAME),
                                      drive(confirming, TO_CONFIRMATION))
    assert "Tom Jones" in summary
    settings = stack.settings
    assert tracker(settings, asking.conversation_id)["slots"]["requested_slot"] == "full_name"
    assert tracker(settings, confirming.conversation_id)["slots"]["requested_slot"] == "confirmed"

    inject()
    sent_name, sent_yes = await asyncio.gather(asking.say("Tom Jones"),
                                               confirming.say("/affirm", display="Yes"))
    await asyncio.gather(told_in_time(asking, sent_name), told_in_time(confirming, sent_yes))
    sent_stray = await asking.say(STRAY)
    await told_in_time(asking, sent_stray)

    # Reading while the part recovers: the tabs answer the hub's pings meanwhile.
    await asyncio.gather(recover(), asking.until(recovered, RESTART + RECOVERY),
                         confirming.until(recovered, RESTART + RECOVERY))
    await asyncio.sleep(1.0)  # let the catch-up finish (several lines may follow)
    await finish(asking, confirming, stack)


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
    for resident in (asking, confirming):
        stored = [m.text for m in transcripts.history(resident.conversation_id)
                  if m.role == RESIDENT]
        assert stored == resident.sent


async def thaw(stack: FaultStack, name: str) -> None:
    stack.thaw(name)


async def test_action_server_killed(healthy_stack: FaultStack, residents) -> None:
    await fault_case(healthy_stack, residents,
                     inject=lambda: healthy_stack.kill(ACTION_SERVER),
                     recover=lambda: healthy_stack.restart_async(ACTION_SERVER))


async def test_action_server_frozen_past_the_timeout(healthy_stack: FaultStack, residents) -> None:
    await fault_case(healthy_stack, residents,
                     inject=lambda: healthy_stack.freeze(ACTION_SERVER),
                     recover=lambda: thaw(healthy_stack, ACTION_SERVER))


async def test_rasa_frozen(healthy_stack: FaultStack, residents) -> None:
    await fault_case(healthy_stack, residents,
                     inject=lambda: healthy_stack.freeze(RASA),
                     recover=lambda: thaw(healthy_stack, RASA))


async def test_rasa_killed(healthy_stack: FaultStack, residents) -> None:
    await fault_case(healthy_stack, residents,
                     inject=lambda: healthy_stack.kill(RASA),
                     recover=lambda: healthy_stack.restart_async(RASA))
