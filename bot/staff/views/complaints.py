"""Complaints made in chat: the list (open first), one complaint with its conversation and
history, and the change of its state (every change audited: who, when, the note).

URLs name a complaint by its id, never by the resident's conversation id.
"""
from __future__ import annotations

from aiohttp import web

from bot.cases.complaints import (
    COMPLAINT_STATES,
    OPEN_STATES,
    ComplaintRecord,
    InvalidComplaintChange,
    NoSuchComplaint,
)
from bot.cases.labels import complaint_status
from bot.staff import audit
from bot.staff.auth import roles
from bot.staff.auth.security import PREFIX, require
from bot.staff.render.pages import page, see_other
from bot.staff.services import STAFF_KEY
from bot.staff.views.handoff_common import find_by_id


async def _complaint(request: web.Request) -> ComplaintRecord:
    return await find_by_id(request, "complaint_id", request.app[STAFF_KEY].complaints.get,
                            "There is no such complaint.")


@require(roles.CASES)
async def complaint_list(request: web.Request) -> web.Response:
    services = request.app[STAFF_KEY]
    complaints = await services.db(services.complaints.listing)
    await services.audit(request["staff"].account.username, audit.COMPLAINT_LIST)
    ordered = sorted(complaints, key=lambda c: c.status not in OPEN_STATES)  # stable: newest first
    return page(request, "complaints.html", title="Complaints", complaints=ordered)


async def _show(request: web.Request, complaint: ComplaintRecord, *, error: str | None = None,
                flash: str | None = None, status: int = 200) -> web.Response:
    services = request.app[STAFF_KEY]
    transcript = await services.db(services.transcripts.history, complaint.conversation_id)
    states = [(state, complaint_status(state)) for state in COMPLAINT_STATES]
    return page(request, "complaint.html", title=f"Complaint {complaint.id}",
                complaint=complaint, transcript=transcript, states=states, error=error,
                flash=flash, status=status)


@require(roles.CASES)
async def complaint_page(request: web.Request) -> web.Response:
    services = request.app[STAFF_KEY]
    complaint = await _complaint(request)
    await services.audit(request["staff"].account.username, audit.COMPLAINT_VIEW,
                         target=f"complaint:{complaint.id}")
    flash = "Saved." if request.query.get("done") == "saved" else None
    return await _show(request, complaint, flash=flash)


@require(roles.CASES)
async def complaint_change(request: web.Request) -> web.StreamResponse:
    services = request.app[STAFF_KEY]
    complaint = await _complaint(request)
    form = await request.post()
    username = request["staff"].account.username
    try:
        await services.db(services.complaints.change, complaint.id,
                          str(form.get("status", "")), username, str(form.get("note", "")))
    except InvalidComplaintChange as exc:
        return await _show(request, complaint, error=str(exc), status=422)
    except NoSuchComplaint:
        raise web.HTTPNotFound(text="There is no such complaint.") from None
    await services.audit(username, audit.COMPLAINT_CHANGE, target=f"complaint:{complaint.id}",
                         detail=str(form.get("status", "")))
    return see_other(f"{PREFIX}/complaints/{complaint.id}?done=saved")


def add_routes(app: web.Application) -> None:
    app.router.add_get(PREFIX + "/complaints", complaint_list)
    base = PREFIX + "/complaints/{complaint_id:\\d+}"
    app.router.add_get(base, complaint_page)
    app.router.add_post(base, complaint_change)
