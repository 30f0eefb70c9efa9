"""How dates and other values are put into words for residents (UK style)."""
from __future__ import annotations

from datetime import date

from bot.rules.council import DPO_EMAIL, DPO_PHONE, DPO_POSTAL_ADDRESS

# A status check refused after too many failed ones (bot/cases/status_limits.py): the same
# words whichever limit was reached, so they say nothing about the reference.
STATUS_CHECK_LOCKED_TEXT = (
    "There have been too many unsuccessful attempts to check a request, so for your security "
    "I can't check one here at the moment. Please contact our Data Protection Officer, who "
    f"can help: email {DPO_EMAIL}, phone {DPO_PHONE}, or write to {DPO_POSTAL_ADDRESS}."
)


# The end of the message for a request kept in the outbox (case_logged_message, queued).
QUEUED_CONTACT_TEXT = (
    "If you do not hear from us, please contact our Data Protection Officer, quoting your "
    f"reference: email {DPO_EMAIL}, phone {DPO_PHONE}, or write to {DPO_POSTAL_ADDRESS}."
)
# A handoff kept in the outbox: staff will see it once the case system takes writes again.
HANDOFF_QUEUED_TEXT = (
    "I've asked for a member of our data protection team to join this chat. Our systems are "
    "busy just now, so it may take longer than usual for someone to reply. If it cannot "
    f"wait, please contact our Data Protection Officer: email {DPO_EMAIL}, phone {DPO_PHONE}, "
    f"or write to {DPO_POSTAL_ADDRESS}."
)


COMPLAINT_RECORDED_TEXT = (
    "I've passed your complaint to the council's Information Governance team, who will "
    "look into it."
)

def long_date(day: date) -> str:
    """'Monday 4 January 2027': unambiguous for UK readers, no leading zero."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def join_words(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def case_logged_message(
    *,
    reference: str,
    on_behalf: bool,
    documents: list[str],
    due_on: date | None,
    due_if_documents_today: date | None,
    dpo_email: str,
    dpo_postal_address: str,
    queued: bool = False,
) -> str:
    """What a resident is told once their request is logged: reference, next steps, date.

    While the clock waits for ID (or evidence of authority) there is no due date yet, so
    the message says when the clock starts and what the date would be if the documents
    arrived today, rather than promising a date the law does not yet fix.

    ``queued``: the database refused the case and it is kept in the outbox
    (:mod:`bot.cases.outbox`) until it can be logged, under the reference given here; the
    resident is told exactly that, and whom to contact if they hear nothing.
    """
    if queued:
        first = (
            "Thank you. Your request is saved and will be logged as soon as possible, with "
            f"the reference {reference} (our case system is busy just now): please keep it, "
            "and quote it whenever you contact us."
        )
    else:
        first = (
            f"Thank you. Your request is logged. Your reference is {reference}: "
            "please keep it, and quote it whenever you contact us."
        )
    lines = [first]
    if documents:
        what = join_words(documents)
        if queued:  # not in the case system yet: the chat cannot take documents for it
            lines.append(
                f"What happens next: please send us a copy of {what}, quoting your reference, "
                f"by email to {dpo_email} or by post to {dpo_postal_address}."
            )
        else:  # the widget offers "Send your documents" once the case is logged
            lines.append(
                f"What happens next: please send us a copy of {what}. You can send a photo "
                "or PDF of it here in the chat (choose \"Send your documents\" below), or "
                f"email it to {dpo_email} or post it to {dpo_postal_address}, quoting your "
                "reference."
            )
        if on_behalf:
            lines.append(
                "As you are acting for someone else, we need that evidence before we can "
                "start."
            )
    if due_on is not None:
        lines.append(
            f"We must answer by {long_date(due_on)} (one calendar month, moved to the next "
            "working day if it falls on a weekend or bank holiday)."
        )
    elif due_if_documents_today is not None:
        lines.append(
            "The one-month time limit starts on the day we receive these documents. "
            f"If they reach us today, we must answer by {long_date(due_if_documents_today)}."
        )
    lines.append(
        "If your request is complex we may extend this by two further months; we would "
        "tell you why within the first month."
    )
    if queued:
        lines.append(QUEUED_CONTACT_TEXT)
    return "\n".join(lines)


_STATUS_SENTENCES = {
    "awaiting_id": "We are waiting for your proof of identity. The one-month time limit "
    "starts on the day we receive it.",
    "awaiting_address": "We are waiting for your proof of address. The one-month time limit "
    "starts on the day we have it and your proof of identity.",
    "awaiting_authority": "We are waiting for evidence that you may act for the person the "
    "request is about. The one-month time limit starts on the day we receive it.",
    "awaiting_fee": "We are waiting for the administration fee we wrote to you about. The "
    "time limit starts on the day we receive it.",
    "clock_running": "We are working on your request.",
    "clarification_requested": "We have asked you to tell us more about what information "
    "you want. The time limit is paused until we hear from you.",
    "extended": "We have extended the time limit because the request is complex or one of "
    "several; we wrote to you with the reasons.",
    "completed": "Your request has been completed.",
    "refused": "We have decided not to act on this request and wrote to you with the "
    "reasons. If you disagree, you can ask the Data Protection Officer for an internal "
    "review, and then complain to the Information Commissioner's Office.",
    "withdrawn": "This request was withdrawn.",
}
_WAITING_WORDS = {"id": "proof of identity", "address": "proof of address",
                  "authority": "evidence of authority",
                  "fee": "the fee", "clarification": "your clarification"}


def case_status_message(
    *, reference: str, status: str, due_on: date | None, waiting_for: list[str]
) -> str:
    """Where a request stands, for the resident who identified themselves."""
    lines = [f"Request {reference}: " + _STATUS_SENTENCES.get(status, "It is open.")]
    if status in ("clock_running", "extended") and due_on is not None:
        lines.append(f"We must answer by {long_date(due_on)}.")
    elif waiting_for and status not in ("completed", "refused", "withdrawn"):
        needed = join_words([_WAITING_WORDS.get(w, w) for w in waiting_for])
        lines.append(f"Still needed: {needed}.")
    return "\n".join(lines)
