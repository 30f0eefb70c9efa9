"""The case page's parts: details, documents, actions, timeline, transcript, who viewed it."""
from __future__ import annotations

from datetime import date
from typing import Any

from aiohttp import web

from bot.cases.records import CaseDetail, CaseSummary
from bot.rules.deadlines import due_date
from bot.staff.render.case_words import (
    EVENT_LABELS,
    WAITING_LABELS,
    due_words,
    request_label,
    status_label,
    urgency,
)
from bot.staff.render.html import Markup, fmt_date, fmt_time, join, table, tag
from bot.staff.render.pages import hidden_csrf
from bot.staff.auth.security import PREFIX
from bot.staff.render.transcript import transcript_log

# The actions staff can take, in the order they usually happen: (kind, button, reason?)
# reason: "required", "optional" or None (no reason field).
ACTIONS: tuple[tuple[str, str, str | None], ...] = (
    ("id_received", "Record ID received", None),
    ("authority_received", "Record authority received", None),
    ("clarification_requested", "Ask for clarification (stops the clock)", "optional"),
    ("clarification_received", "Record clarification received (restarts the clock)", None),
    ("fee_requested", "Record fee asked for", "optional"),
    ("fee_received", "Record fee received", None),
    ("extended", "Extend by two months", "required"),
    ("completed", "Complete", "optional"),
    ("refused", "Refuse", "required"),
    ("withdrawn", "Record withdrawn", "optional"),
)
ACTION_KINDS = {kind: (label, reason) for kind, label, reason in ACTIONS}


def urgency_badge(case: CaseSummary, today: date) -> Markup:
    kind = urgency(case, today)
    if kind == "overdue":
        return tag("strong", "⚠ Overdue", class_="badge badge--overdue")
    if kind == "due_soon":
        return tag("strong", "⏰ Due soon", class_="badge badge--due-soon")
    return Markup("")


def _dl(pairs: list[tuple[str, Any]]) -> Markup:
    items = []
    for term, value in pairs:
        if value is None or value == "":
            value = "—"
        items.append(tag("dt", term) + tag("dd", value))
    return tag("dl", join(items), class_="summary-list")


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


def deadline_section(case: CaseSummary, today: date) -> Markup:
    waiting = ", ".join(WAITING_LABELS.get(w, w) for w in case.waiting_for) or "nothing"
    pairs = [
        ("Status", status_label(case.status)),
        ("Received", fmt_date(case.received_on)),
        ("Clock started", fmt_date(case.clock_started_on, "Not yet (on hold)")),
        ("Due date", join([urgency_badge(case, today),
                           tag("strong", fmt_date(case.due_on, "Not set"), class_="due-date"),
                           f"({due_words(case, today)})"], " ")),
        ("Extended", _yes(case.extended) + (f": {case.extension_reason}"
                                            if case.extension_reason else "")),
        ("Extension must be decided by", fmt_date(case.extension_notice_by)),
        ("Days stopped for clarification", str(case.paused_days)),
        ("Waiting for", waiting),
    ]
    if case.on_hold and case.waiting_for and "clarification" not in case.waiting_for:
        pairs.append(("If everything awaited arrived today",
                      f"due {fmt_date(due_date(today, case.nation))}"))
    if case.closed_on:
        pairs.append(("Closed", fmt_date(case.closed_on)))
    return tag("section", tag("h2", "Deadline", id="deadline") + _dl(pairs),
               aria_labelledby="deadline", class_="panel", id="deadline-panel")


def requester_section(case: CaseSummary) -> Markup:
    pairs = [
        ("Name", case.full_name), ("Previous names", case.previous_names),
        ("Date of birth", fmt_date(case.date_of_birth)), ("Address", case.address),
        ("Postcode", case.postcode), ("Previous addresses", case.previous_addresses),
        ("Email", case.email), ("Phone", case.phone),
        ("Asking for someone else", _yes(case.on_behalf)),
    ]
    if case.on_behalf:
        pairs += [("On behalf of", case.subject_name), ("Relationship", case.relationship),
                  ("Authority", case.authority)]
    return tag("section", tag("h2", "Requester", id="requester") + _dl(pairs),
               aria_labelledby="requester", class_="panel")


def request_section(case: CaseSummary) -> Markup:
    pairs = [
        ("Request", f"{request_label(case.request_type)} ({case.request_type})"),
        ("Details", case.details), ("Period", case.period), ("Services", case.services),
        ("Response format", case.response_format),
    ]
    pairs += [(str(k).replace("_", " ").capitalize(), str(v)) for k, v in case.answers.items()
              if v not in (None, "")]
    return tag("section", tag("h2", "What was asked", id="request") + _dl(pairs),
               aria_labelledby="request", class_="panel")


def documents_section(case: CaseSummary) -> Markup:
    rows = []
    if case.requires_id:
        state = "Outstanding" if "id" in case.waiting_for else "Received"
        rows.append(["Proof of identity", case.id_document or "not stated", state])
        rows.append(["Proof of address", case.address_document or "not stated", state])
    if case.requires_authority:
        state = "Outstanding" if "authority" in case.waiting_for else "Received"
        rows.append(["Evidence of authority", case.authority or "not stated", state])
    if "fee" in case.waiting_for:
        rows.append(["Fee", "asked for", "Outstanding"])
    return tag("section", tag("h2", "Documents expected", id="documents")
               + table("Documents the requester must send", ["Document", "Type", "State"],
                       rows, class_="data-table"),
               aria_labelledby="documents", class_="panel")


def actions_section(request: web.Request, case: CaseSummary, today: date) -> Markup:
    if case.closed_on is not None:
        return tag("section", tag("h2", "Actions", id="actions")
                   + tag("p", "This case is closed: only notes can be added."),
                   aria_labelledby="actions", class_="panel") + note_form(request, case)
    forms = [action_form(request, case, kind, label, reason, today)
             for kind, label, reason in ACTIONS if _offered(case, kind)]
    intro = tag("p", "Each action shows the new due date to check before it is saved.",
                class_="hint")
    return tag("section", tag("h2", "Actions", id="actions") + intro
               + tag("div", join(forms), class_="action-grid"),
               aria_labelledby="actions", class_="panel") + note_form(request, case)


def _offered(case: CaseSummary, kind: str) -> bool:
    waiting = case.waiting_for
    return {
        "id_received": "id" in waiting,
        "authority_received": "authority" in waiting,
        "clarification_requested": "clarification" not in waiting,
        "clarification_received": "clarification" in waiting,
        "fee_requested": "fee" not in waiting,
        "fee_received": "fee" in waiting,
        "extended": not case.extended and case.clock_started_on is not None,
    }.get(kind, True)


def action_form(request: web.Request, case: CaseSummary, kind: str, label: str,
                reason: str | None, today: date, *, on: str | None = None,
                reason_text: str = "") -> Markup:
    ident = f"action-{kind}"
    fields = [
        hidden_csrf(request),
        tag("input", type="hidden", name="kind", value=kind),
        tag("div", tag("label", "Date", for_=f"{ident}-on")
            + tag("input", type="date", id=f"{ident}-on", name="on",
                  value=on or today.isoformat(), max=today.isoformat(), required=True),
            class_="field"),
    ]
    if reason is not None:
        reason_label = "Reason (required)" if reason == "required" else "Reason or note (optional)"
        fields.append(tag("div", tag("label", reason_label, for_=f"{ident}-reason")
                          + tag("textarea", reason_text, id=f"{ident}-reason", name="reason",
                                rows="2", required=reason == "required"), class_="field"))
    fields.append(tag("button", label + "…", type="submit", class_="button"))
    return tag("form", tag("fieldset", tag("legend", label) + join(fields)), method="post",
               action=f"{PREFIX}/cases/{case.reference}/preview", class_="action-form")


def note_form(request: web.Request, case: CaseSummary) -> Markup:
    return tag("section", tag("h2", "Add a note", id="note") + tag("form", join([
        hidden_csrf(request),
        tag("div", tag("label", "Note", for_="note-text")
            + tag("textarea", "", id="note-text", name="note", rows="3", required=True),
            class_="field"),
        tag("button", "Add note", type="submit", class_="button"),
    ]), method="post", action=f"{PREFIX}/cases/{case.reference}/notes"),
        aria_labelledby="note", class_="panel")


def timeline_section(case: CaseDetail) -> Markup:
    rows = [
        [fmt_date(e.on, ""), EVENT_LABELS.get(e.kind, e.kind), e.actor, e.reason or "",
         fmt_time(e.at)]
        for e in case.events if e.kind != "viewed"
    ]
    return tag("section", tag("h2", "Timeline and audit trail", id="timeline")
               + table("Clock events and changes, in the order they were recorded",
                       ["Took effect", "Event", "By", "Reason or note", "Recorded"], rows,
                       class_="data-table"),
               aria_labelledby="timeline", class_="panel")


def views_section(views: list[Any]) -> Markup:
    rows = [[fmt_time(v.at), v.username, v.action.replace("_", " ")] for v in views]
    return tag("section", tag("h2", "Who opened this case", id="views")
               + table("Most recent first (the staff access log)", ["When", "Who", "What"], rows,
                       class_="data-table"),
               aria_labelledby="views", class_="panel")


def transcript_section(case: CaseSummary, transcript: list[Any]) -> Markup:
    if not case.conversation_id:
        content = tag("p", "No chat is linked to this case.")
    else:
        content = transcript_log(transcript, label="Chat transcript")
    return tag("section", tag("h2", "Linked conversation", id="conversation") + content,
               aria_labelledby="conversation", class_="panel")


def case_body(request: web.Request, case: CaseDetail, *, transcript: list[Any],
              views: list[Any], today: date, printable: bool = False) -> Markup:
    links = tag("p", join([
        tag("a", "Back to cases", href=f"{PREFIX}/cases"),
        tag("a", "Export JSON", href=f"{PREFIX}/cases/{case.reference}/export.json"),
        tag("a", "Printable page", href=f"{PREFIX}/cases/{case.reference}/print"),
    ], " · "), class_="actions-line no-print")
    parts = [
        links if not printable else tag(
            "p", tag("button", "Print", type="button", class_="button", data_action="print")
            + " " + tag("a", "Back to the case", href=f"{PREFIX}/cases/{case.reference}"),
            class_="actions-line no-print"),
        deadline_section(case, today),
        requester_section(case),
        request_section(case),
        documents_section(case),
    ]
    if not printable:
        parts.append(actions_section(request, case, today))
    parts += [timeline_section(case), transcript_section(case, transcript)]
    if not printable:
        parts.append(views_section(views))
    return join(parts)
