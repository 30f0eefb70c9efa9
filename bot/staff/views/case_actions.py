"""Changing a case: preview (the new due date, computed by the clock) then confirm; notes.

Nothing is saved by the preview; the confirmation re-checks everything, because the case may
have changed in between. Every saved change is a case event with the member of staff as its
actor (the case's audit trail).
"""
from __future__ import annotations

from datetime import date

from aiohttp import web

from bot.cases.labels import day_label, status_label, waiting_words
from bot.cases.records import CaseNotFound, CaseSummary, InvalidCaseData
from bot.conversation.validation.dates import check_date_of_birth
from bot.staff.auth import roles
from bot.staff.auth.security import PREFIX, require
from bot.staff.render.case import ACTION_KINDS, action_label
from bot.staff.render.pages import page, see_other
from bot.staff.services import STAFF_KEY

MAX_REASON = 2000


class _Refused(Exception):
    pass


def read_day(text: str) -> date | None:
    """The date picker's ISO value, or a date typed day first as the chat form reads one."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        checked = check_date_of_birth(text, min_age=0) if text.strip() else None
        return checked.value if checked is not None and checked.ok else None


async def _read(request: web.Request) -> tuple[str, date, str | None]:
    form = await request.post()
    kind = str(form.get("kind", ""))
    if kind not in ACTION_KINDS:
        raise _Refused("Choose one of the actions on the case page.")
    on = read_day(str(form.get("on", "")))
    if on is None:
        raise _Refused("Enter the date as a full date, for example 23/11/2026 or "
                       "23 November 2026.")
    reason = str(form.get("reason", "")).strip()[:MAX_REASON] or None
    if ACTION_KINDS[kind][1] == "required" and not reason:
        raise _Refused(f"{ACTION_KINDS[kind][0]} needs a reason: the person must be told why.")
    return kind, on, reason


async def _case(request: web.Request) -> CaseSummary:
    services = request.app[STAFF_KEY]
    try:
        return await services.db(services.cases.get_case, request.match_info["reference"])
    except CaseNotFound:
        raise web.HTTPNotFound(text="There is no case with that reference.") from None


def _problem(request: web.Request, case: CaseSummary, message: str, kind: str | None,
             on: str | None, reason: str | None) -> web.Response:
    action = None
    if kind in ACTION_KINDS:
        action = {"kind": kind, "label": action_label(case, kind),
                  "reason": ACTION_KINDS[kind][1]}
    return page(request, "case_problem.html", title=f"Case {case.reference}: not saved",
                error=message, status=400, case=case, action=action,
                today=request.app[STAFF_KEY].cases.today(), on=on, reason_text=reason or "")


def _clock_rows(status: str, clock_started_on, due_on, extended: bool,
                waiting_for) -> list[tuple[str, str]]:
    """The clock as staff read it: the same rows for the case now and after the action."""
    return [
        ("Status", status_label(status)),
        ("Clock started", day_label(clock_started_on, "Not yet (on hold)")),
        ("Due date", day_label(due_on, "Not set")),
        ("Extended", "Yes" if extended else "No"),
        ("Waiting for", waiting_words(waiting_for)),
    ]


@require(roles.CASES)
async def preview(request: web.Request) -> web.Response:
    services = request.app[STAFF_KEY]
    case = await _case(request)
    form = await request.post()
    try:
        kind, on, reason = await _read(request)
        state = await services.db(services.cases.preview_event, case.reference, kind, on, reason)
    except (_Refused, InvalidCaseData) as exc:
        return _problem(request, case, str(exc), str(form.get("kind", "")),
                        str(form.get("on", "")), str(form.get("reason", "")))
    label = action_label(case, kind)
    before = _clock_rows(case.status, case.clock_started_on, case.due_on, case.extended,
                         case.waiting_for)
    after = _clock_rows(state.status.value, state.clock_started_on, state.due_on,
                        state.extended, state.waiting_for)
    comparison = [(name, old, new) for (name, old), (_, new) in zip(before, after, strict=True)]
    title = f"Check before saving – case {case.reference}"
    return page(request, "case_preview.html", title=title, case=case, kind=kind, label=label,
                on=on, reason=reason, comparison=comparison)


@require(roles.CASES)
async def record(request: web.Request) -> web.Response:
    services = request.app[STAFF_KEY]
    case = await _case(request)
    form = await request.post()
    try:
        kind, on, reason = await _read(request)
        await services.db(services.cases.record_event, case.reference, kind, on,
                          request["staff"].account.username, reason)
    except (_Refused, InvalidCaseData) as exc:
        return _problem(request, case, str(exc), str(form.get("kind", "")),
                        str(form.get("on", "")), str(form.get("reason", "")))
    return see_other(f"{PREFIX}/cases/{case.reference}?done=saved#deadline")


@require(roles.CASES)
async def add_note(request: web.Request) -> web.Response:
    services = request.app[STAFF_KEY]
    case = await _case(request)
    form = await request.post()
    note = str(form.get("note", "")).strip()[:MAX_REASON]
    try:
        await services.db(services.cases.add_note, case.reference, note,
                          actor=request["staff"].account.username)
    except InvalidCaseData as exc:
        return _problem(request, case, str(exc), None, None, None)
    return see_other(f"{PREFIX}/cases/{case.reference}?done=note#timeline")


def add_routes(app: web.Application) -> None:
    app.router.add_post(PREFIX + "/cases/{reference}/preview", preview)
    app.router.add_post(PREFIX + "/cases/{reference}/events", record)
    app.router.add_post(PREFIX + "/cases/{reference}/notes", add_note)
