"""Cases: the list (filters, search, CSV), the case page, JSON export and a printable page."""
from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

from aiohttp import web

from bot.cases.records import CaseDetail, CaseNotFound, CaseSummary, InvalidCaseData, case_to_dict
from bot.cases.vocabulary import REQUEST_TYPES
from bot.staff import audit
from bot.staff.auth import roles
from bot.staff.render.case import case_body, urgency_badge
from bot.staff.render.case_words import (
    DUE_SOON_DAYS,
    STATUS_LABELS,
    due_words,
    request_label,
    status_label,
    urgency,
)
from bot.staff.render.html import Markup, fmt_date, join, tag
from bot.staff.render.pages import page
from bot.staff.auth.security import PREFIX, require
from bot.staff.services import STAFF_KEY

DUE_FILTERS = {
    "": "Any",
    "this_week": f"Due in the next {DUE_SOON_DAYS} days",
    "overdue": "Overdue",
    "awaiting_id": "Awaiting ID",
}


def _filters(request: web.Request) -> dict[str, Any]:
    query = request.query
    status = query.get("status") or None
    if status is not None and status not in STATUS_LABELS:
        status = None
    request_type = query.get("type") or None
    if request_type is not None and request_type not in REQUEST_TYPES:
        request_type = None
    due = query.get("due", "")
    search = (query.get("q") or "").strip()[:100] or None
    return {
        "status": status,
        "request_type": request_type,
        "due_within_days": DUE_SOON_DAYS if due == "this_week" else None,
        "overdue": due == "overdue",
        "awaiting_id": due == "awaiting_id",
        "search": search,
    }


async def _list(request: web.Request) -> list[CaseSummary]:
    services = request.app[STAFF_KEY]
    try:
        return await services.db(services.cases.list_cases, **_filters(request))
    except InvalidCaseData as exc:
        raise web.HTTPBadRequest(text=str(exc)) from None


def _select(name: str, label: str, options: dict[str, str], current: str) -> Markup:
    items = join(tag("option", text, value=value, selected=value == current)
                 for value, text in options.items())
    return tag("div", tag("label", label, for_=f"filter-{name}")
               + tag("select", items, id=f"filter-{name}", name=name), class_="field")


def _filter_form(request: web.Request) -> Markup:
    query = request.query
    statuses = {"": "Any", **STATUS_LABELS}
    types = {"": "Any", **{t: request_label(t) for t in REQUEST_TYPES}}
    search = tag("div", tag("label", "Reference or name", for_="filter-q")
                 + tag("input", id="filter-q", name="q", type="search",
                       value=query.get("q", "")), class_="field")
    return tag("form", join([
        _select("status", "Status", statuses, query.get("status", "")),
        _select("type", "Request type", types, query.get("type", "")),
        _select("due", "Due", DUE_FILTERS, query.get("due", "")),
        search,
        tag("button", "Apply filters", type="submit", class_="button"),
        tag("a", "Clear", href=f"{PREFIX}/cases", class_="button button--secondary"),
    ]), method="get", action=f"{PREFIX}/cases", class_="filters", role="search",
        aria_label="Filter cases")


def case_rows_table(cases: list[CaseSummary], today: date, caption: str) -> Markup:
    headers = ["Reference", "Name", "Request", "Status", "Received", "Due", "Deadline"]
    rows = []
    for case in cases:
        rows.append(Markup("").join([
            tag("th", tag("a", case.reference, href=f"{PREFIX}/cases/{case.reference}"),
                scope="row"),
            tag("td", case.full_name),
            tag("td", request_label(case.request_type)),
            tag("td", status_label(case.status)),
            tag("td", fmt_date(case.received_on)),
            tag("td", fmt_date(case.due_on, "Not set")),
            tag("td", urgency_badge(case, today) + " " + due_words(case, today)),
        ]))
    head = tag("tr", join(tag("th", h, scope="col") for h in headers))
    body = join(tag("tr", row, class_=_row_class(case, today)) for row, case in zip(rows, cases))
    if not cases:
        body = tag("tr", tag("td", "No cases match.", colspan=str(len(headers))))
    return tag("table", tag("caption", caption) + tag("thead", head) + tag("tbody", body),
               class_="data-table cases-table")


def _row_class(case: CaseSummary, today: date) -> str | None:
    kind = urgency(case, today)
    return f"row--{kind.replace('_', '-')}" if kind else None


@require(roles.CASES)
async def case_list(request: web.Request) -> web.Response:
    services = request.app[STAFF_KEY]
    cases = await _list(request)
    today = services.cases.today()
    await services.audit(request["staff"].account.username,
                         audit.CASE_LIST, detail=f"{len(cases)} cases")
    query = f"?{request.query_string}" if request.query_string else ""
    csv_link = tag("a", "Download this list (CSV)", href=f"{PREFIX}/cases.csv{query}")
    body = join([
        _filter_form(request),
        tag("p", csv_link, class_="actions-line"),
        case_rows_table(cases, today, f"{len(cases)} case{'s' if len(cases) != 1 else ''}, "
                                      "soonest due first"),
    ])
    return page(request, "Cases", body)


CSV_COLUMNS = ("reference", "request_type", "status", "received_on", "clock_started_on",
               "due_on", "extended", "waiting_for", "closed_on", "full_name", "email", "phone",
               "postcode", "on_behalf", "subject_name")


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
    writer.writerow(CSV_COLUMNS)
    for case in cases:
        writer.writerow([_csv_cell(getattr(case, column)) for column in CSV_COLUMNS])
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
    return {"transcript": transcript, "views": views, "today": services.cases.today()}


@require(roles.CASES)
async def case_page(request: web.Request) -> web.Response:
    case = await load_case(request, audit.CASE_VIEW)
    context = await case_context(request, case)
    body = case_body(request, case, **context)
    return page(request, f"Case {case.reference}", body,
                flash=_flash(request.query.get("done")))


def _flash(done: str | None) -> str | None:
    return {"saved": "Saved. The case and its deadline are updated.",
            "note": "Note added."}.get(done or "")


@require(roles.CASES)
async def case_json(request: web.Request) -> web.Response:
    case = await load_case(request, audit.CASE_EXPORT_JSON)
    context = await case_context(request, case)
    payload = case_to_dict(case)
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
    body = case_body(request, case, printable=True, **context)
    return page(request, f"Case {case.reference}", body)


def add_routes(app: web.Application) -> None:
    app.router.add_get(PREFIX + "/cases", case_list)
    app.router.add_get(PREFIX + "/cases.csv", case_list_csv)
    app.router.add_get(PREFIX + "/cases/{reference}", case_page)
    app.router.add_get(PREFIX + "/cases/{reference}/export.json", case_json)
    app.router.add_get(PREFIX + "/cases/{reference}/print", case_print)
