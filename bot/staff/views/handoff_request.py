"""The request so far, beside a live chat: show it, finish it for the resident, cancel it,
and the confirmation before handing the chat back.

The answers are the slots on the resident's Rasa tracker (the assistant pauses while staff
have the chat, and keeps them). An officer who finishes the request types the answers still
missing; they are read by the chat's own reader (``bot.conversation.answers``) and checked
again by ``new_case_from_form``, then the case is logged through the same
``CaseRepository.create_case_once`` the assistant uses, with the officer as its actor. The
handoff records what was done (``request_outcome``) and Rasa's slots are cleared, so the
assistant never carries on with a request that is finished.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from typing import Any

from aiohttp import web

from bot.cases.labels import request_label
from bot.cases.records import ReferenceTaken
from bot.cases.repository import REFERENCE_ATTEMPTS
from bot.chat.handoffs import (
    CLAIMED,
    REQUEST_CANCELLED,
    REQUEST_LOGGED,
    HandoffNotOpen,
    HandoffRecord,
)
from bot.conversation.case_from_form import UnusableAnswer, new_case_from_form
from bot.conversation.request_form import ALL_FORM_SLOTS
from bot.conversation.resume import pending_question, pending_words
from bot.staff import audit
from bot.staff.auth import roles
from bot.staff.auth.security import PREFIX, require
from bot.staff.render.pages import message_page, page, see_other
from bot.staff.render.request_so_far import RequestSoFar, answer_for_resident, request_so_far
from bot.staff.services import STAFF_KEY
from bot.staff.views.handoff_common import author_name, find_handoff
from bot.web import notices
from bot.web.keys import HUB_KEY
from bot.web.rasa_client import RasaUnavailable

log = logging.getLogger(__name__)

# What the console asks Rasa to forget once staff logged or cancelled the request.
CLEARED_SLOTS = (*ALL_FORM_SLOTS, "failed_attempts", "resume_request", "request_type")
UNREACHABLE = ("The assistant could not be reached, so the request so far cannot be shown. "
               "Reload the page in a moment.")


async def tracker_slots(request: web.Request, conversation_id: str) -> dict[str, Any] | None:
    """The resident's slots from Rasa's tracker; None when Rasa cannot be reached."""
    try:
        tracker = await request.app[HUB_KEY].rasa.tracker(conversation_id, after_turns=False)
    except RasaUnavailable:
        return None
    slots = tracker.get("slots")
    return dict(slots) if isinstance(slots, dict) else {}


async def request_panel(request: web.Request, handoff: HandoffRecord) -> dict[str, Any]:
    """The template's ``request_panel``: the request so far, or why there is none to show."""
    slots = await tracker_slots(request, handoff.conversation_id)
    if slots is None:
        return {"unavailable": UNREACHABLE, "so_far": None, "outcome": handoff.request_outcome,
                "reference": handoff.request_reference}
    return {"unavailable": None, "so_far": request_so_far(slots),
            "outcome": handoff.request_outcome, "reference": handoff.request_reference}


async def _claimed_by_me(request: web.Request) -> HandoffRecord:
    handoff = await find_handoff(request)
    if handoff.status != CLAIMED or handoff.claimed_by != request["staff"].account.username:
        raise web.HTTPConflict(text="Only the member of staff who claimed the chat can do that.")
    return handoff


async def _forget_in_rasa(request: web.Request, conversation_id: str,
                          reference: str | None) -> None:
    """Clear the request's slots on the tracker (the handoff's outcome says the same, for
    when Rasa cannot be reached now: ``action_handed_back`` clears them then)."""
    events: list[dict[str, Any]] = [{"event": "slot", "name": name, "value": None}
                                    for name in CLEARED_SLOTS]
    if reference:
        events.append({"event": "slot", "name": "case_reference", "value": reference})
    try:
        await request.app[HUB_KEY].rasa.append_events(conversation_id, events)
    except RasaUnavailable as exc:
        log.warning("could not clear a finished request's answers in Rasa: %s", exc)


async def _log_case(request: web.Request, slots: dict[str, Any], conversation_id: str,
                    actor: str) -> Any:
    services = request.app[STAFF_KEY]
    case = new_case_from_form(slots, conversation_id)
    received_at = datetime.now(timezone.utc)
    for _attempt in range(REFERENCE_ATTEMPTS):
        reference = services.cases.new_reference()
        try:
            summary, _ = await services.db(services.cases.create_case_once, case,
                                           reference=reference, received_at=received_at,
                                           actor=actor)
        except ReferenceTaken:
            continue
        return summary
    raise ReferenceTaken("could not allocate a unique case reference")


async def _queue_confirmation(summary: Any) -> None:
    from bot.mail.case_mail import queue_case_confirmation

    try:
        await asyncio.to_thread(queue_case_confirmation, summary)
    except Exception as exc:  # noqa: BLE001 (the case is logged; the chat has its reference)
        log.error("case %s: could not queue the confirmation email: %s",
                  summary.reference, type(exc).__name__)


def _show_again(request: web.Request, handoff: HandoffRecord, slots: dict[str, Any],
                typed: dict[str, str], error: str,
                problems: dict[str, str] | None = None) -> web.Response:
    """The finish form again, with what the officer typed and why it was not logged."""
    so_far = request_so_far(slots, typed, problems)
    assert so_far is not None  # only shown for a request that is open
    return page(request, "handoff_finish.html", title=f"Finish the request in chat {handoff.id}",
                error=error, handoff=handoff, so_far=so_far, status=422)


async def _open_request(
    request: web.Request, handoff: HandoffRecord, unreachable_title: str
) -> tuple[dict[str, Any], RequestSoFar] | web.Response:
    """The resident's tracker slots and the request open in them, or the page saying why
    there is none (Rasa unreachable, or no request open in this chat)."""
    back = ("Back to the chat", f"{PREFIX}/handoffs/{handoff.id}")
    slots = await tracker_slots(request, handoff.conversation_id)
    if slots is None:
        return message_page(request, unreachable_title, error=UNREACHABLE, status=503, link=back)
    so_far = request_so_far(slots)
    if so_far is None:
        return message_page(request, "Nothing to log", status=409, link=back,
                            error="The resident has no request open in this chat.")
    return slots, so_far


@require(roles.HANDOFFS)
async def finish_request(request: web.Request) -> web.StreamResponse:
    """Log the case for the resident from the answers so far and those the officer typed."""
    services = request.app[STAFF_KEY]
    handoff = await _claimed_by_me(request)
    account = request["staff"].account
    form = await request.post()
    opened = await _open_request(request, handoff, "Not logged")
    if isinstance(opened, web.Response):
        return opened
    slots, so_far = opened
    typed = {q.slot: str(form.get(f"answer-{q.slot}", "")) for q in so_far.questions}
    answers, problems = answer_for_resident(slots, typed)
    if problems:
        return _show_again(request, handoff, slots, typed,
                           "Some answers cannot be used yet: see the reasons below.", problems)
    if form.get("confirmed") != "yes":
        return _show_again(request, handoff, slots, typed,
                           "Read the answers back to the resident and tick that they agreed.")
    try:
        summary = await _log_case(request, {**answers, "confirmed": True},
                                  handoff.conversation_id, account.username)
    except UnusableAnswer as exc:
        return _show_again(request, handoff, slots, typed, f"The case was not logged: {exc}")
    except Exception as exc:  # noqa: BLE001 (the database refused: say so, keep the answers)
        log.error("staff could not log a case from a chat: %s", type(exc).__name__)
        return _show_again(request, handoff, slots, typed,
                           "The case could not be logged: the database did not take it. "
                           "Nothing was saved; try again in a moment.")
    try:
        await services.db(services.handoffs.record_request_outcome, handoff.id,
                          REQUEST_LOGGED, summary.reference)
    except HandoffNotOpen:
        log.warning("handoff %s ended while its case was logged", handoff.id)
    await services.audit(account.username, audit.HANDOFF_REQUEST_LOGGED,
                         target=f"handoff:{handoff.id}", detail=summary.reference)
    await _forget_in_rasa(request, handoff.conversation_id, summary.reference)
    await _queue_confirmation(summary)
    await request.app[HUB_KEY].post_staff_message(
        handoff.conversation_id, author_name(request),
        f"I have logged your request ({request_label(summary.request_type).split(' (')[0]}). "
        f"Your reference is {summary.reference}; please keep it.",
    )
    raise web.HTTPSeeOther(f"{PREFIX}/cases/{summary.reference}")


@require(roles.HANDOFFS)
async def finish_form(request: web.Request) -> web.StreamResponse:
    """The questions still open, for the officer to ask the resident and type in."""
    handoff = await _claimed_by_me(request)
    opened = await _open_request(request, handoff, "Request not available")
    if isinstance(opened, web.Response):
        return opened
    _slots, so_far = opened
    return page(request, "handoff_finish.html", title=f"Finish the request in chat {handoff.id}",
                handoff=handoff, so_far=so_far)


@require(roles.HANDOFFS)
async def cancel_request(request: web.Request) -> web.StreamResponse:
    """The resident told the officer they do not want to go on: log nothing, forget it."""
    services = request.app[STAFF_KEY]
    handoff = await _claimed_by_me(request)
    account = request["staff"].account
    try:
        await services.db(services.handoffs.record_request_outcome, handoff.id,
                          REQUEST_CANCELLED)
    except HandoffNotOpen:
        raise web.HTTPConflict(text="The chat has ended.") from None
    await services.audit(account.username, audit.HANDOFF_REQUEST_CANCELLED,
                         target=f"handoff:{handoff.id}")
    await _forget_in_rasa(request, handoff.conversation_id, None)
    return see_other(f"{PREFIX}/handoffs/{handoff.id}?done=request_cancelled")


def what_the_resident_will_see(leaving: str, slots: dict[str, Any] | None,
                               handoff: HandoffRecord) -> list[str]:
    """What the resident's widget shows after the hand back, in order, as staff read it."""
    lines = [f"\u201c{leaving} has left the chat. {notices.HANDED_BACK_TEXT}\u201d"]
    if handoff.request_outcome == REQUEST_LOGGED:
        return [*lines, f"The assistant does not carry on with the request: you logged it "
                        f"({handoff.request_reference})."]
    if handoff.request_outcome == REQUEST_CANCELLED:
        return [*lines, "The assistant does not carry on with the request: you cancelled it."]
    if slots is None:
        return [*lines, "The assistant could not be reached just now, so the chat cannot be "
                        "handed back until it answers again."]
    so_far = request_so_far(slots)
    if so_far is None:
        return [*lines, "The resident has no request open, so the assistant waits for "
                        "their next message."]
    slot = pending_question(so_far.request_type, slots)
    said = "Your answers so far are kept."
    if slot is not None:
        said += f" We were at: {pending_words(slot)}."
    lines.append(f"The assistant says it carries on with their request ({so_far.request}): "
                 f"\u201c{said}\u201d")
    if slot is not None:
        lines.append("Then it asks that question again; every answer already given is kept.")
    return lines


@require(roles.HANDOFFS)
async def hand_back_confirm(request: web.Request) -> web.StreamResponse:
    """Before handing back: what the resident will see, and the button that does it."""
    handoff = await find_handoff(request)
    if handoff.status != CLAIMED:
        raise web.HTTPConflict(text="Claim the conversation first.")
    slots = await tracker_slots(request, handoff.conversation_id)
    account = request["staff"].account
    return page(request, "handoff_hand_back.html", title=f"Hand chat {handoff.id} back?",
                handoff=handoff, rasa_down=slots is None,
                lines=what_the_resident_will_see(account.display_name, slots, handoff))


def add_routes(app: web.Application) -> None:
    base = PREFIX + "/handoffs/{handoff_id:\\d+}"
    app.router.add_get(base + "/hand-back", hand_back_confirm)
    app.router.add_get(base + "/request", finish_form)
    app.router.add_post(base + "/request", finish_request)
    app.router.add_post(base + "/request/cancel", cancel_request)
