"""Documents a resident sent in the chat, on the case page: open, then accept or reject.

Opening one decrypts it for the signed-in member of staff and is written to the access log;
it is served as a download (``Content-Disposition: attachment``, ``nosniff``, a sandboxing
CSP), never shown inside the console, so a hostile PDF or image cannot run in the
console's origin. Accepting records the clock event (proof of identity, of address, or
authority received) dated the day the file arrived, so the clock starts then; rejecting
needs the reason. Either way the resident is told in the chat (kept in the transcript, shown
at once if the chat is open) and by email.
"""
from __future__ import annotations

import logging

from aiohttp import web

from bot.cases.records import CaseNotFound, CaseSummary, InvalidCaseData
from bot.conversation.wording import long_date
from bot.documents.checks import EXTENSIONS
from bot.documents.crypto import DocumentKeyError
from bot.documents.store import DocumentAlreadyDecided, DocumentNotFound, DocumentRecord
from bot.mail.case_mail import MailContext, from_address, queue_document_decision
from bot.staff import audit
from bot.staff.auth import roles
from bot.staff.auth.security import PREFIX, require
from bot.staff.render.pages import page, see_other
from bot.staff.services import STAFF_KEY, StaffServices
from bot.web import notices
from bot.web.keys import HUB_KEY

log = logging.getLogger(__name__)

MAX_REASON = 2000


async def _case_and_document(request: web.Request) -> tuple[CaseSummary, DocumentRecord]:
    services = request.app[STAFF_KEY]
    reference = request.match_info["reference"]
    try:
        case = await services.db(services.cases.get_case, reference)
        document = await services.db(services.documents.get, reference,
                                     int(request.match_info["document_id"]))
    except (CaseNotFound, DocumentNotFound, ValueError):
        raise web.HTTPNotFound(text="There is no such document on this case.") from None
    return case, document


@require(roles.CASES)
async def open_document(request: web.Request) -> web.StreamResponse:
    services = request.app[STAFF_KEY]
    case, document = await _case_and_document(request)
    try:
        _, data = await services.db(services.documents.open, case.reference, document.id)
    except DocumentNotFound:
        raise web.HTTPGone(text="This document's file was deleted after the retention "
                                "period; what was decided is still on the case.") from None
    except DocumentKeyError:
        log.error("case %s: document #%d cannot be decrypted (DOCUMENT_KEY changed?)",
                  case.reference, document.id)
        raise web.HTTPInternalServerError(
            text="This document cannot be decrypted with the current key "
                 "(DOCUMENT_KEY or var/secrets.json changed).") from None
    await services.audit(request["staff"].account.username, audit.DOCUMENT_VIEW,
                         target=case.reference, detail=f"document #{document.id}")
    name = f"{case.reference}-{document.purpose}-{document.id}.{EXTENSIONS[document.content_type]}"
    return web.Response(body=data, headers={
        "Content-Type": document.content_type,
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "no-store",
    })


def _problem(request: web.Request, case: CaseSummary, error: str) -> web.Response:
    return page(request, "case_problem.html", title=f"Case {case.reference}: not saved",
                error=error, status=400, case=case, action=None,
                today=request.app[STAFF_KEY].cases.today(), on=None, reason_text="")


@require(roles.CASES)
async def decide(request: web.Request) -> web.Response:
    services = request.app[STAFF_KEY]
    case, document = await _case_and_document(request)
    form = await request.post()
    decision = str(form.get("decision", ""))
    reason = str(form.get("reason", "")).strip()[:MAX_REASON] or None
    actor = request["staff"].account.username
    if decision not in ("accept", "reject"):
        return _problem(request, case, "Choose accept or reject.")
    accepted = decision == "accept"
    if not accepted and not reason:
        return _problem(request, case, "Say why the document is not accepted: the resident "
                                       "is told, so they can send the right one.")
    try:
        if accepted and document.purpose in case.waiting_for:
            case = await services.db(services.cases.record_event, case.reference,
                                     document.event_kind, document.received_on, actor,
                                     f"sent in the chat (document #{document.id})")
        document = await services.db(services.documents.decide, case.reference, document.id,
                                     accepted=accepted, actor=actor, reason=reason)
    except (InvalidCaseData, DocumentAlreadyDecided) as exc:
        return _problem(request, case, str(exc))
    await services.audit(actor, audit.DOCUMENT_DECIDE, target=case.reference,
                         detail=f"document #{document.id} {document.status}")
    await _tell_resident(request, services, case, document, accepted, reason)
    return see_other(f"{PREFIX}/cases/{case.reference}?done=document#documents")


async def _tell_resident(request: web.Request, services: StaffServices, case: CaseSummary,
                         document: DocumentRecord, accepted: bool, reason: str | None) -> None:
    """In the chat (kept in its transcript) and by email; neither failing undoes the decision."""
    label = document.label.lower()
    if accepted:
        text = f"We have checked your {label} and accepted it. "
        text += (f"Request {case.reference} is due by {long_date(case.due_on)}."
                 if case.due_on else f"Request {case.reference} still waits for other "
                                     "documents.")
    else:
        text = f"We could not accept the {label} you sent: {reason} Please send another."
    if case.conversation_id:
        try:
            await request.app[HUB_KEY].notify(
                case.conversation_id,
                notices.DOCUMENT_ACCEPTED if accepted else notices.DOCUMENT_REJECTED, text)
        except Exception as exc:  # noqa: BLE001 (the email still goes)
            log.error("case %s: could not tell the chat about document #%d: %s",
                      case.reference, document.id, type(exc).__name__)
    context = MailContext(outbox=services.mail, from_address=from_address(services.settings),
                          settings=services.settings)
    try:
        await services.db(queue_document_decision, case, accepted=accepted, document=label,
                          arrived_on=document.received_on, actor=request["staff"].account.username,
                          reason=reason, context=context)
    except Exception as exc:  # noqa: BLE001 (the decision is recorded; the case page shows mail)
        log.error("case %s: could not queue the document email: %s", case.reference,
                  type(exc).__name__)


def add_routes(app: web.Application) -> None:
    app.router.add_get(PREFIX + "/cases/{reference}/documents/{document_id}", open_document)
    app.router.add_post(PREFIX + "/cases/{reference}/documents/{document_id}/decide", decide)
