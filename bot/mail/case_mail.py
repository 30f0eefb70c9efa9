"""Messages to a requester about their case: what the templates are given, and queueing them.

``queue_case_confirmation`` is called by the assistant once a case is logged;
``render_case_message`` gives staff the templated text to review and edit, and
``queue_case_message`` queues what they approved. Each message is recorded in the outbox
with its exact text, against the case reference: :func:`mail_for_case` is the case page's
view of them (sent, waiting, or failed and why).

Blocking (database) calls: from async code run them off the event loop.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from bot.cases.records import CaseSummary
from bot.cases.vocabulary import ASSISTANT
from bot.config import Settings, load_settings
from bot.conversation.intent_labels import INTENT_LABELS
from bot.conversation.request_form import AUTHORITY_EVIDENCE, documents_to_send
from bot.conversation.wording import long_date
from bot.mail.outbox import Draft, MailOutbox, MailRecord
from bot.mail.rendering import MESSAGE_KINDS, MailTemplateError, render, render_edited
from bot.rules import council
from bot.rules.deadlines import due_date, received_on

log = logging.getLogger(__name__)

# Sent for staff, not written by them: on logging a case, each morning, on deciding about a
# document sent in the chat.
AUTOMATIC_KINDS = ("confirmation", "digest", "document_accepted", "document_rejected")
# The messages staff write from a case.
STAFF_MESSAGE_KINDS = tuple(k for k in MESSAGE_KINDS if k not in AUTOMATIC_KINDS)


class NoEmailAddress(MailTemplateError):
    """The case has no email address to write to."""


@dataclass(frozen=True)
class MailContext:
    """Where messages go and how they are made: the outbox, the sender's address, templates."""

    outbox: MailOutbox
    from_address: str
    settings: Settings

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> MailContext:
        settings = settings or load_settings()
        return cls(outbox=outbox_for(settings), from_address=from_address(settings),
                   settings=settings)


def outbox_for(settings: Settings) -> MailOutbox:
    return MailOutbox.from_url(settings.database_url, max_attempts=settings.mail_max_attempts,
                               retry_seconds=settings.mail_retry_seconds)


def from_address(settings: Settings) -> str:
    """MAIL_FROM, or the DPO's published address: replies reach the team that can act."""
    return settings.mail_from or council.DPO_EMAIL


def case_values(case: CaseSummary) -> dict[str, Any]:
    """What the templates may use about a case, in words (dates as 'Monday 4 January 2027').

    ``documents`` lists only what the clock still waits for; ``due_if_documents_today`` is
    the date the council would have to answer by if they arrived today.
    """
    documents: list[str] = []
    if "id" in case.waiting_for:
        slots = {"id_document": case.id_document, "address_document": case.address_document}
        documents += documents_to_send(case.request_type, slots)
    if "authority" in case.waiting_for:
        documents.append(AUTHORITY_EVIDENCE.get(str(case.authority),
                                                "evidence that you may act for them"))
    today = council_today()
    return {
        "reference": case.reference,
        "request_type": case.request_type,
        "request_label": INTENT_LABELS.get(case.request_type, case.request_type),
        "full_name": case.full_name,
        "on_behalf": case.on_behalf,
        "subject_name": case.subject_name,
        "received_on": long_date(case.received_on),
        "due_on": long_date(case.due_on) if case.due_on else None,
        "extended": case.extended,
        "extension_reason": case.extension_reason,
        "status": case.status,
        "documents": documents,
        "due_if_documents_today": (long_date(due_date(today, case.nation))
                                   if documents else None),
    }


def council_today() -> date:
    """Today in the council's time zone (Europe/London)."""
    return received_on(datetime.now(timezone.utc))


def render_case_message(kind: str, case: CaseSummary, values: Mapping[str, Any] | None = None,
                        *, settings: Settings | None = None) -> Draft:
    """The templated message for staff to review (and edit) before it is queued.

    ``values``: what the kind needs besides the case (``question``, ``reason``, ``amount``,
    ``message``); an extension's reason defaults to the one recorded on the case.
    """
    if kind not in STAFF_MESSAGE_KINDS and kind not in AUTOMATIC_KINDS or kind == "digest":
        raise MailTemplateError(f"{kind!r} is not a message to a requester")
    given = dict(values or {})
    if kind == "extension" and not given.get("reason"):
        given["reason"] = case.extension_reason
    settings = settings or load_settings()
    return render(kind, {"case": case_values(case), **given}, settings.mail_template_dir)


def queue_case_confirmation(case: CaseSummary, *,
                            context: MailContext | None = None) -> MailRecord | None:
    """Queue the confirmation of a newly logged case to the address the requester gave.

    Returns the outbox record, or None when the case has no email address (nothing to do;
    the chat already told the resident their reference).
    """
    if not case.email:
        log.info("case %s: no email address, no confirmation queued", case.reference)
        return None
    context = context or MailContext.from_settings()
    draft = render_case_message("confirmation", case, settings=context.settings)
    return _enqueue(context, draft, case, actor=ASSISTANT)


def queue_document_decision(case: CaseSummary, *, accepted: bool, document: str,
                            arrived_on: date, actor: str, reason: str | None = None,
                            context: MailContext | None = None) -> MailRecord | None:
    """Tell the requester staff accepted (or could not accept, and why) a document they sent
    in the chat. ``case``: as it is after the decision (the due date, if the clock started).
    None when the case has no email address."""
    if not case.email:
        return None
    context = context or MailContext.from_settings()
    kind = "document_accepted" if accepted else "document_rejected"
    values: dict[str, Any] = {"document": document, "arrived_on": long_date(arrived_on)}
    if not accepted:
        values["reason"] = reason
    draft = render_case_message(kind, case, values, settings=context.settings)
    return _enqueue(context, draft, case, actor=actor)


def queue_case_message(kind: str, case: CaseSummary, edited_text: str | None, actor: str, *,
                       values: Mapping[str, Any] | None = None, subject: str | None = None,
                       context: MailContext | None = None) -> MailRecord:
    """Queue a staff message (``id_chase``, ``clarification``, ``extension``, ``fee``,
    ``completion``, ``refusal``) to the requester, as staff approved it.

    ``edited_text`` is the plain text staff reviewed and perhaps changed (None: the template
    as rendered with ``values``); the HTML part then carries the same words. ``actor`` is the
    member of staff, kept on the record. Raises NoEmailAddress or MailTemplateError.
    """
    if kind not in STAFF_MESSAGE_KINDS:
        raise MailTemplateError(
            f"no staff message {kind!r} (one of {', '.join(STAFF_MESSAGE_KINDS)})")
    if not case.email:
        raise NoEmailAddress(f"case {case.reference} has no email address")
    context = context or MailContext.from_settings()
    template_dir = context.settings.mail_template_dir
    if edited_text is not None and edited_text.strip():
        if subject is None:
            subject = render_case_message(kind, case, values, settings=context.settings).subject
        draft = render_edited(kind, subject, edited_text, template_dir)
    else:
        draft = render_case_message(kind, case, values, settings=context.settings)
        if subject:
            draft = Draft(template=kind, subject=subject, text=draft.text, html=draft.html)
    return _enqueue(context, draft, case, actor=actor)


def mail_for_case(reference: str, *, settings: Settings | None = None) -> list[MailRecord]:
    """Every email about a case, oldest first, with its status and last error (case page)."""
    return outbox_for(settings or load_settings()).for_case(reference)


def _enqueue(context: MailContext, draft: Draft, case: CaseSummary, *, actor: str) -> MailRecord:
    assert case.email is not None
    record = context.outbox.enqueue(draft, to_address=case.email,
                                    from_address=context.from_address, actor=actor,
                                    case_reference=case.reference)
    log.info("case %s: %s email queued (#%d)", case.reference, draft.template, record.id)
    return record
