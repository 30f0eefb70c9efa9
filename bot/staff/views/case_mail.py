"""Emails to the requester from the case page: choose a message, review and edit it, send.

Staff fill in what a message needs (the question, the reason, the fee), see the templated
text (``bot.mail.case_mail.render_case_message``), may change it, and send. What was sent is
queued in the mail outbox with its exact text and the member of staff as actor, and shows
on the case's timeline. A message that stands for a change to the case records that change
first, with the case rules' own checks: the clarification request stops the clock, the
extension notice extends (only within the first month), the fee notice records the fee
asked for, completion and refusal close the case. If the rules refuse, nothing is sent.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.cases.labels import day_label
from bot.cases.records import CaseNotFound, CaseSummary, InvalidCaseData
from bot.mail.case_mail import (
    STAFF_MESSAGE_KINDS,
    MailContext,
    from_address,
    queue_case_message,
    render_case_message,
)
from bot.mail.outbox import MailRecord
from bot.mail.rendering import MailTemplateError
from bot.rules.deadlines import received_on
from bot.staff import audit
from bot.staff.auth import roles
from bot.staff.auth.security import PREFIX, require
from bot.staff.render.case import action_label
from bot.staff.render.pages import page, see_other
from bot.staff.services import STAFF_KEY, StaffServices

MAX_VALUE = 2000
MAX_TEXT = 20_000
MAX_SUBJECT = 300


@dataclass(frozen=True)
class MessageKind:
    """One message staff can send: its name, the values it asks for, the case event it records."""

    kind: str
    label: str
    # (name, label, required) of each value staff give.
    fields: tuple[tuple[str, str, bool], ...]
    # The clock event sending it records (unless the case already shows it), and which value
    # becomes the event's reason.
    event: str | None = None
    event_reason: str | None = None


MESSAGES: dict[str, MessageKind] = {m.kind: m for m in (
    MessageKind("id_chase", "Chase proof of identity or authority", ()),
    MessageKind("clarification", "Ask for clarification (stops the clock)",
                (("question", "What you need to know (required)", True),),
                event="clarification_requested", event_reason="question"),
    MessageKind("extension", "Extension notice (extends by two months)",
                (("reason", "Why more time is needed (required unless already recorded)",
                  False),),
                event="extended", event_reason="reason"),
    MessageKind("fee", "Fee notice",
                (("amount", "Approximate cost (required), for example £10", True),
                 ("reason", "Why a fee (required)", True)),
                event="fee_requested", event_reason="reason"),
    MessageKind("completion", "Completion (closes the case)",
                (("message", "A sentence of your own (optional)", False),),
                event="completed", event_reason="message"),
    MessageKind("refusal", "Refusal, with the right to complain to the ICO (closes the case)",
                (("reason", "Why the request is refused (required)", True),),
                event="refused", event_reason="reason"),
)}
assert set(MESSAGES) == set(STAFF_MESSAGE_KINDS), "a staff message without a form"


class _Refused(Exception):
    pass


def records_event(case: CaseSummary, message: MessageKind) -> bool:
    """Whether sending it also records its event (not when the case already shows it)."""
    if message.event is None:
        return False
    waiting = case.waiting_for
    return {
        "clarification_requested": "clarification" not in waiting,
        "extended": not case.extended,
        "fee_requested": "fee" not in waiting,
        "completed": case.closed_on is None,
        "refused": case.closed_on is None,
    }[message.event]


def offered_messages(case: CaseSummary) -> list[MessageKind]:
    """The messages that make sense now: a chase only while documents are awaited, an
    extension only once the clock runs; on a closed case only what tells of its closing."""
    offered = []
    for message in MESSAGES.values():
        if message.kind == "id_chase" and not {"id", "address", "authority"} & set(
                case.waiting_for):
            continue
        if message.kind == "extension" and case.clock_started_on is None and not case.extended:
            continue
        if case.closed_on is not None and message.kind not in ("completion", "refusal",
                                                               "extension"):
            continue
        if case.closed_on is not None and message.kind == "extension" and not case.extended:
            continue
        offered.append(message)
    return offered


def _values(form: Any, message: MessageKind) -> dict[str, str]:
    return {name: str(form.get(name, "")).strip()[:MAX_VALUE] for name, _, _ in message.fields}


def _check(case: CaseSummary, message: MessageKind, values: dict[str, str]) -> None:
    if not case.email:
        raise _Refused("This case has no email address: write to the requester by post, or "
                       "correct the details first.")
    for name, label, required in message.fields:
        if required and not values.get(name):
            raise _Refused(f"{message.label}: fill in “{label.split(' (')[0]}”.")
    if message.kind == "extension" and not values.get("reason") and not case.extension_reason:
        raise _Refused("An extension notice needs the reason: the person must be told why.")


async def _case(services: StaffServices, reference: str) -> CaseSummary:
    try:
        return await services.db(services.cases.get_case, reference)
    except CaseNotFound:
        raise web.HTTPNotFound(text="There is no case with that reference.") from None


async def _read(request: web.Request) -> tuple[CaseSummary, MessageKind, dict[str, str], Any]:
    services = request.app[STAFF_KEY]
    case = await _case(services, request.match_info["reference"])
    form = await request.post()
    message = MESSAGES.get(str(form.get("kind", "")))
    if message is None:
        raise web.HTTPBadRequest(text="Choose one of the messages on the case page.")
    return case, message, _values(form, message), form


def _problem(request: web.Request, case: CaseSummary, error: str) -> web.Response:
    return page(request, "case_problem.html", title=f"Case {case.reference}: not sent",
                error=error, status=400, case=case, action=None,
                today=request.app[STAFF_KEY].cases.today(), on=None, reason_text="")


def _context(services: StaffServices) -> MailContext:
    return MailContext(outbox=services.mail, from_address=from_address(services.settings),
                       settings=services.settings)


@require(roles.CASES)
async def draft(request: web.Request) -> web.Response:
    """The templated message, filled in, for staff to read and edit; nothing is sent yet."""
    services = request.app[STAFF_KEY]
    case, message, values, _ = await _read(request)
    try:
        _check(case, message, values)
        rendered = render_case_message(message.kind, case, values, settings=services.settings)
    except (_Refused, MailTemplateError) as exc:
        return _problem(request, case, str(exc))
    await services.audit(request["staff"].account.username, audit.CASE_MAIL_DRAFT,
                         target=case.reference, detail=message.kind)
    event = (action_label(case, message.event)
             if message.event and records_event(case, message) else None)
    return page(request, "case_mail.html", title=f"Email the requester – case {case.reference}",
                case=case, message=message, values=values, draft=rendered, event=event,
                to_address=case.email, today=services.cases.today())


@require(roles.CASES)
async def send(request: web.Request) -> web.Response:
    """Record the message's case event if it has one (the rules may refuse: then nothing is
    sent), then queue the message as staff approved it."""
    services = request.app[STAFF_KEY]
    case, message, values, form = await _read(request)
    actor = request["staff"].account.username
    text = str(form.get("text", ""))[:MAX_TEXT].replace("\r\n", "\n")
    subject = " ".join(str(form.get("subject", "")).split())[:MAX_SUBJECT] or None
    try:
        _check(case, message, values)
        if not text.strip():
            raise _Refused("The message is empty: write what the requester should read.")
        render_case_message(message.kind, case, values, settings=services.settings)
        if message.event and records_event(case, message):
            reason = values.get(message.event_reason or "") or None
            if message.kind == "extension" and not reason:
                reason = case.extension_reason
            case = await services.db(services.cases.record_event, case.reference,
                                     message.event, services.cases.today(), actor, reason)
        record = await services.db(queue_case_message, message.kind, case, text, actor,
                                   values=values, subject=subject, context=_context(services))
    except (_Refused, MailTemplateError, InvalidCaseData) as exc:
        return _problem(request, case, f"Not sent. {exc}")
    await services.audit(actor, audit.CASE_MAIL_SEND, target=case.reference,
                         detail=f"{message.kind} #{record.id}")
    return see_other(f"{PREFIX}/cases/{case.reference}?done=mailed#timeline")


@require(roles.CASES)
async def retry(request: web.Request) -> web.Response:
    """Queue a failed message again (after, say, the address was corrected)."""
    services = request.app[STAFF_KEY]
    case = await _case(services, request.match_info["reference"])
    try:
        message_id = int(request.match_info["message_id"])
        record = await services.db(services.mail.get, message_id)
    except (ValueError, LookupError):
        raise web.HTTPNotFound(text="There is no such email on this case.") from None
    if record.case_reference != case.reference:
        raise web.HTTPNotFound(text="There is no such email on this case.")
    if record.to_address != case.email and case.email:
        record = await services.db(_readdress, services, record, case.email)
    await services.db(services.mail.retry, record.id)
    await services.audit(request["staff"].account.username, audit.CASE_MAIL_RETRY,
                         target=case.reference, detail=f"#{record.id}")
    return see_other(f"{PREFIX}/cases/{case.reference}?done=retried#timeline")


def _readdress(services: StaffServices, record: MailRecord, email: str) -> MailRecord:
    """A failed message goes again to the case's address as corrected since."""
    return services.mail.readdress(record.id, email)


MAIL_STATUS_WORDS = {"pending": "Waiting to be sent", "sending": "Being sent",
                     "sent": "Sent", "failed": "Not sent"}


def mail_rows(records: list[MailRecord]) -> list[dict[str, Any]]:
    """Timeline entries for the emails about a case: what was sent, by whom, whether it went."""
    rows = []
    for record in records:
        label = MESSAGES[record.template].label if record.template in MESSAGES else (
            "Confirmation of the request" if record.template == "confirmation"
            else record.template.replace("_", " ").capitalize())
        state = MAIL_STATUS_WORDS.get(record.status, record.status)
        if record.status == "sent" and record.sent_at is not None:
            state = f"Sent {record.sent_at:%H:%M} UTC"
        elif record.status == "pending" and record.attempts:
            state = f"Waiting to be sent again (attempt {record.attempts} failed)"
        rows.append({"on": day_label(received_on(record.created_at)),
                     "what": f"Email: {label.split(' (')[0]}", "actor": record.actor,
                     "note": record.subject, "due": "", "at": record.created_at,
                     "mail": {"id": record.id, "state": state, "failed": record.failed,
                              "error": record.last_error, "text": record.text_body,
                              "to": record.to_address, "status": record.status}})
    return rows


def add_routes(app: web.Application) -> None:
    app.router.add_post(PREFIX + "/cases/{reference}/mail/draft", draft)
    app.router.add_post(PREFIX + "/cases/{reference}/mail/send", send)
    app.router.add_post(PREFIX + "/cases/{reference}/mail/{message_id}/retry", retry)
