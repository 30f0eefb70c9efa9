"""Cases: the list (filters, search, CSV), the case page, JSON export and a printable page."""
from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

from aiohttp import web

from bot.cases import labels
from bot.cases.records import CaseDetail, CaseNotFound, CaseSummary, InvalidCaseData, case_to_dict
from bot.cases.vocabulary import REQUEST_TYPES
from bot.rules.deadlines import due_date
from bot.staff import audit
from bot.staff.auth import roles
from bot.staff.auth.security import PREFIX, require
from bot.staff.render.case import document_rows, offered_actions
from bot.staff.render.case_words import DUE_SOON_DAYS, due_words
from bot.staff.render.pages import page
from bot.staff.render.timeline import timeline_rows
from bot.staff.services import STAFF_KEY
from bot.staff.views.case_mail import mail_rows, offered_messages
from bot.staff.views.case_work import DETAIL_FIELDS, officers

DUE_FILTERS = {
    "": "Any",
    "this_week": f"Due in the next {DUE_SOON_DAYS} days",
    "overdue": "Overdue",
    "awaiting_id": "Awaiting ID",
}


def _filters(request: web.Request) -> dict[str, Any]:
    query = request.query
    status = query.get("status") or None
    if status is not None and status not in labels.STATUS_LABELS:
        status = None
    request_type = query.get("type") or None
    if request_type is not None and request_type not in REQUEST_TYPES:
        request_type = None
    due = query.get("due", "")
    search = (query.get("q") or "").strip()[:100] or None
    assigned = query.get("assigned") or None
    if assigned == "mine":
        assigned = request["staff"].account.username
    return {
        "assigned_to": assigned,
        "status": status,
        "request_type": request_type,
        "due_within_days": DUE_SOON_DAYS if due == "this_week" else None,
        "overdue": due == "overdue",
        "awaiting_id": due == "awaiting_id",
        "search": search,
    }


SEARCH_LABEL = "Reference, name, email, postcode, phone, date of birth or address"


async def _list(request: web.Request) -> list[CaseSummary]:
    services = request.app[STAFF_KEY]
    try:
        return await services.db(services.cases.list_cases, **_filters(request))
    except InvalidCaseData as exc:
        raise web.HTTPBadRequest(text=str(exc)) from None


def _selects(request: web.Request, team: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """The filter form's drop-downs: name, label, options (value: words) and the chosen one."""
    query = request.query
    return [
        {"name": "status", "label": "Status", "options": {"": "Any", **labels.STATUS_LABELS},
         "current": query.get("status", "")},
        {"name": "type", "label": "Request type",
         "options": {"": "Any", **{t: labels.request_label(t) for t in REQUEST_TYPES}},
         "current": query.get("type", "")},
        {"name": "due", "label": "Due", "options": DUE_FILTERS, "current": query.get("due", "")},
        {"name": "assigned", "label": "Assigned to",
         "options": {"": "Anyone", "mine": "My cases", **dict(team)},
         "current": query.get("assigned", "")},
    ]


@require(roles.CASES)
async def case_list(request: web.Request) -> web.Response:
    services = request.app[STAFF_KEY]
    cases = await _list(request)
    today = services.cases.today()
    await services.audit(request["staff"].account.username,
                         audit.CASE_LIST, detail=f"{len(cases)} cases")
    query = f"?{request.query_string}" if request.query_string else ""
    team = await officers(request)
    return page(request, "cases.html", title="Cases", selects=_selects(request, team),
                search=request.query.get("q", ""), search_label=SEARCH_LABEL,
                csv_url=f"{PREFIX}/cases.csv{query}",
                cases=cases, today=today)


# (heading, the value a person reads): labels for codes; dates stay ISO so a spreadsheet
# sorts them.
CSV_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("Reference", lambda c, today: c.reference),
    ("Request", lambda c, today: labels.request_label(c.request_type)),
    ("Status", lambda c, today: labels.status_label(c.status)),
    ("Received", lambda c, today: c.received_on),
    ("Clock started", lambda c, today: c.clock_started_on),
    ("Due", lambda c, today: c.due_on),
    ("Deadline", due_words),
    ("Extended", lambda c, today: c.extended),
    ("Waiting for", lambda c, today: labels.waiting_words(c.waiting_for)),
    ("Closed", lambda c, today: c.closed_on),
    ("Assigned to", lambda c, today: c.assigned_to),
    ("Name", lambda c, today: c.full_name),
    ("Email", lambda c, today: c.email),
    ("Phone", lambda c, today: c.phone),
    ("Postcode", lambda c, today: c.postcode),
    ("On behalf of someone else", lambda c, today: c.on_behalf),
    ("Their name", lambda c, today: c.subject_name),
)


def _csv_cell(value: Any) -> str:
    """Text for a spreadsheet; a leading ``= + - @`` is neutralised (formula injection)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (tuple, list)):
        value = ",".join(value)
    text = value.isoformat() if isinstance(value, date) else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


@require(roles.CASES)
async def case_list_csv(request: web.Request) -> web.Response:
    services = request.app[STAFF_KEY]
    cases = await _list(request)
    await services.audit(request["staff"].account.username,
                         audit.CASE_LIST_CSV, detail=f"{len(cases)} cases")
    out = io.StringIO()
    writer = csv.writer(out)
    today = services.cases.today()
    writer.writerow([heading for heading, _ in CSV_COLUMNS])
    for case in cases:
        writer.writerow([_csv_cell(value(case, today)) for _, value in CSV_COLUMNS])
    return web.Response(
        text=out.getvalue(), content_type="text/csv", charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="cases.csv"'},
    )


async def load_case(request: web.Request, action: str) -> CaseDetail:
    """The case named in the URL, with the view written to the access log."""
    services = request.app[STAFF_KEY]
    reference = request.match_info["reference"]
    try:
        case = await services.db(services.cases.get_case, reference)
    except CaseNotFound:
        raise web.HTTPNotFound(text="There is no case with that reference.") from None
    await services.audit(request["staff"].account.username, action,
                         target=case.reference)
    return case


async def case_context(request: web.Request, case: CaseDetail) -> dict[str, Any]:
    services = request.app[STAFF_KEY]
    transcript = []
    if case.conversation_id:
        transcript = await services.db(services.transcripts.history, case.conversation_id)
    views = await services.db(services.access_log.for_target, case.reference, 20)
    mail = await services.db(services.mail.for_case, case.reference)
    sent_documents = await services.db(services.documents.for_case, case.reference)
    return {"transcript": transcript, "views": views, "today": services.cases.today(),
            "team": await officers(request), "mail": mail, "sent_documents": sent_documents}


def _case_page(request: web.Request, case: CaseDetail, context: dict[str, Any], *,
               printable: bool = False, flash: str | None = None) -> web.Response:
    today = context["today"]
    waiting = case.waiting_for
    # On hold for documents (not for clarification): the due date if they all came today.
    due_if_all_arrived = (due_date(today, case.nation) if case.on_hold and waiting
                          and "clarification" not in waiting else None)
    return page(request, "case.html", title=f"Case {case.reference}", flash=flash, case=case,
                printable=printable, actions=offered_actions(case),
                documents=document_rows(case), due_if_all_arrived=due_if_all_arrived,
                timeline=sorted(timeline_rows(case) + mail_rows(context["mail"]),
                                key=lambda row: row["at"]),
                failed_mail=[m for m in context["mail"] if m.failed],
                sent_documents=context["sent_documents"],
                mail_messages=offered_messages(case), team=context["team"],
                detail_fields=DETAIL_FIELDS, answers=_answers(case),
                transcript=context["transcript"], views=context["views"], today=today)


# Type-specific answers already shown under their own heading on the case page.
_SHOWN_AS_COLUMNS = {"access_what": "services", "access_period": "period"}


def _answers(case: CaseDetail) -> list[tuple[str, str]]:
    """The request's own answers in words, without repeating Services or Period."""
    return [(labels.answer_label(key), labels.answer_value(key, value))
            for key, value in case.answers.items()
            if value not in (None, "") and not (
                key in _SHOWN_AS_COLUMNS
                and getattr(case, _SHOWN_AS_COLUMNS[key]) == value)]


@require(roles.CASES)
async def case_page(request: web.Request) -> web.Response:
    case = await load_case(request, audit.CASE_VIEW)
    context = await case_context(request, case)
    return _case_page(request, case, context, flash=_flash(request.query.get("done")))


def _flash(done: str | None) -> str | None:
    return {"saved": "Saved. The case and its deadline are updated.",
            "note": "Note added.", "assigned": "The case is assigned.",
            "mailed": "The email is queued and will be sent in a moment; it is on the timeline.",
            "retried": "The email will be sent again in a moment.",
            "document": "Saved. The resident is told in the chat and by email.",
            "details": "The details are corrected; the old values are on the timeline."
            }.get(done or "")


@require(roles.CASES)
async def case_json(request: web.Request) -> web.Response:
    case = await load_case(request, audit.CASE_EXPORT_JSON)
    context = await case_context(request, case)
    payload = case_to_dict(case, for_export=True)
    payload["transcript"] = [
        {"seq": m.seq, "role": m.role, "author": m.author, "text": m.text,
         "at": m.created_at.isoformat(), "intent": m.intent, "confidence": m.confidence}
        for m in context["transcript"]
    ]
    return web.Response(
        text=json.dumps(payload, indent=2, ensure_ascii=False), content_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="case-{case.reference}.json"'},
    )


@require(roles.CASES)
async def case_print(request: web.Request) -> web.Response:
    case = await load_case(request, audit.CASE_PRINT)
    context = await case_context(request, case)
    return _case_page(request, case, context, printable=True)


def add_routes(app: web.Application) -> None:
    app.router.add_get(PREFIX + "/cases", case_list)
    app.router.add_get(PREFIX + "/cases.csv", case_list_csv)
    app.router.add_get(PREFIX + "/cases/{reference}", case_page)
    app.router.add_get(PREFIX + "/cases/{reference}/export.json", case_json)
    app.router.add_get(PREFIX + "/cases/{reference}/print", case_print)
