"""Working a case: who has it (assignment, "my cases") and correcting the requester's details.

Both are case events with the member of staff as actor: a reassignment keeps who had the case
before, a correction keeps the old values (``CaseRepository.update_details``), so the
timeline shows both. Corrections are read with the chat form's own checks, so a phone
number or a date of birth typed by staff is stored the way the assistant would store it.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from aiohttp import web

from bot.cases.labels import DETAIL_LABELS
from bot.cases.records import CaseNotFound, InvalidCaseData
from bot.conversation.validation.checked import Checked
from bot.conversation.validation.dates import check_date_of_birth
from bot.conversation.validation.email import check_email
from bot.conversation.validation.names import check_full_name
from bot.conversation.validation.phone import check_uk_phone
from bot.conversation.validation.postcode import check_uk_postcode
from bot.staff.auth import roles
from bot.staff.auth.security import PREFIX, require
from bot.staff.render.pages import page, see_other
from bot.staff.services import STAFF_KEY

MAX_REASON = 2000
# The details staff may correct, as the correction form lists them: (name, label).
DETAIL_FIELDS: tuple[tuple[str, str], ...] = tuple(DETAIL_LABELS.items())
_CHECKS: dict[str, Callable[[str], Checked[Any]]] = {
    "full_name": check_full_name,
    "email": check_email,
    "phone": check_uk_phone,
    "postcode": check_uk_postcode,
}


class _Refused(Exception):
    pass


async def officers(request: web.Request) -> list[tuple[str, str]]:
    """(username, name) of every active account that works cases, for the drop-downs."""
    services = request.app[STAFF_KEY]
    accounts = await services.db(services.accounts.all)
    return [(a.username, a.display_name) for a in accounts
            if a.active and roles.allowed(a.role, roles.CASES)]


def _problem(request: web.Request, reference: str, message: str) -> web.Response:
    return page(request, "case_problem.html", title=f"Case {reference}: not saved",
                error=message, status=400, case={"reference": reference}, action=None,
                today=request.app[STAFF_KEY].cases.today(), on=None, reason_text="")


@require(roles.CASES)
async def assign(request: web.Request) -> web.Response:
    services = request.app[STAFF_KEY]
    reference = request.match_info["reference"]
    form = await request.post()
    assignee = str(form.get("assignee", "")).strip() or None
    if assignee is not None and assignee not in dict(await officers(request)):
        return _problem(request, reference, "Choose a member of staff who works cases.")
    try:
        await services.db(services.cases.assign, reference, assignee,
                          actor=request["staff"].account.username)
    except CaseNotFound:
        raise web.HTTPNotFound(text="There is no case with that reference.") from None
    return see_other(f"{PREFIX}/cases/{reference}?done=assigned#work")


def read_detail(name: str, text: str) -> str | date | None:
    """One corrected detail, checked as the chat form checks it; blank clears it."""
    text = text.strip()
    if not text:
        if name == "full_name":
            raise _Refused("The name cannot be blank.")
        return None
    if name == "date_of_birth":
        checked: Checked[Any] = check_date_of_birth(text, min_age=0)
    elif name in _CHECKS:
        checked = _CHECKS[name](text)
    else:
        return text
    if not checked.ok:
        raise _Refused(f"{DETAIL_LABELS[name]}: {checked.problem}")
    return checked.value


@require(roles.CASES)
async def correct_details(request: web.Request) -> web.Response:
    services = request.app[STAFF_KEY]
    reference = request.match_info["reference"]
    form = await request.post()
    reason = str(form.get("reason", "")).strip()[:MAX_REASON]
    try:
        if not reason:
            raise _Refused("Say why the details are corrected (for example: the resident "
                           "phoned to say their email was mistyped).")
        changes = {name: read_detail(name, str(form[name]))
                   for name, _ in DETAIL_FIELDS if name in form}
        await services.db(services.cases.update_details, reference,
                          actor=request["staff"].account.username, reason=reason, **changes)
    except CaseNotFound:
        raise web.HTTPNotFound(text="There is no case with that reference.") from None
    except (_Refused, InvalidCaseData) as exc:
        return _problem(request, reference, str(exc))
    return see_other(f"{PREFIX}/cases/{reference}?done=details#timeline")


def add_routes(app: web.Application) -> None:
    app.router.add_post(PREFIX + "/cases/{reference}/assign", assign)
    app.router.add_post(PREFIX + "/cases/{reference}/details", correct_details)
