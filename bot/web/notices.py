"""What the hub itself tells residents (the assistant's words live in Rasa's domain)."""
from __future__ import annotations

from bot.rules.council import DPO_EMAIL, DPO_PHONE, DPO_POSTAL_ADDRESS

# Notice kinds (docs/chat-protocol.md).
STAFF_JOINED = "staff_joined"
STAFF_LEFT = "staff_left"
HANDED_BACK = "handed_back"
CLOSED = "closed"
UNAVAILABLE = "unavailable"
# Messages missed during an outage: which to send again, and the question we were at (kept).
RESEND = "resend"
# More turns waiting for the assistant than CHAT_MAX_TURNS_IN_FLIGHT: the resident's place
# in the queue and roughly how long (not kept: it is only true for a moment).
QUEUED = "queued"
TOO_LONG = "too_long"
RATE_LIMITED = "rate_limited"
# Nobody from staff can answer now (outside staffed hours, or nobody claimed the chat in
# time): the resident is offered a call back; the conversation stays in the queue.
STAFF_UNAVAILABLE = "staff_unavailable"

# Staff checked a document the resident sent in the chat (bot/web/documents.py).
DOCUMENT_ACCEPTED = "document_accepted"
DOCUMENT_REJECTED = "document_rejected"

# What staff (and the console's queue watcher) may announce through ChatHub.notify.
STAFF_NOTICE_KINDS = (STAFF_JOINED, STAFF_LEFT, HANDED_BACK, CLOSED, STAFF_UNAVAILABLE,
                      DOCUMENT_ACCEPTED, DOCUMENT_REJECTED)

# The first failed turn of an outage: true at once (the message is kept, and the hub will
# give it to the assistant, or ask for it again, when it is back).
UNAVAILABLE_TEXT = (
    "The assistant is unavailable for a moment. Your message is kept and will be answered "
    "when it is back."
)
# Once the outage has lasted CHAT_OUTAGE_CONTACT_SECONDS (and for a failure that is not an
# outage: the hub itself failed): how to reach a person.
UNAVAILABLE_CONTACT_TEXT = (
    "Sorry, the assistant is still not available. Your messages are kept and will be "
    "answered when it is back. If your question cannot wait, please contact our Data "
    f"Protection Officer: email {DPO_EMAIL}, phone {DPO_PHONE}, or write to "
    f"{DPO_POSTAL_ADDRESS}."
)
STILL_UNAVAILABLE_TEXT = (
    "The assistant is still unavailable. This message is kept too and will be answered, in "
    "order, when it is back."
)
# The assistant answered but the database refused to store its reply (locked past the
# busy timeout, read-only, full): the reply is in Rasa's tracker and is shown once it is
# stored. Not kept (the database is refusing writes); nothing here claims a handoff.
REPLY_NOT_SAVED_TEXT = (
    "The assistant has answered your message, but our system could not save the answer just "
    "now, so it is not shown yet. Your message is kept, and the answer will appear here as "
    "soon as it is saved."
)
# The same, catching up on kept messages.
NOT_SAVED_TEXT = (
    "Our system could not save this conversation just now. Your messages are kept and will "
    "be answered, in order, as soon as it can."
)
# The hub itself failed during a turn (not an outage of the assistant).
TURN_FAILED_TEXT = (
    "Sorry, something went wrong with this chat. Your message is kept. If your question "
    f"cannot wait, please contact our Data Protection Officer: email {DPO_EMAIL}, phone "
    f"{DPO_PHONE}, or write to {DPO_POSTAL_ADDRESS}."
)
QUOTE_CHARS = 60
HANDED_BACK_TEXT = "You are now talking to the automated assistant again."
CLOSED_BY_STAFF_TEXT = (
    "The member of staff has closed this chat. The automated assistant can still help."
)
ENDED_BY_RESIDENT_TEXT = "You ended the chat."


def too_long_text(limit: int) -> str:
    return f"That message is too long to send. Please keep it under {limit} characters."


RATE_LIMITED_TEXT = "You are sending messages very quickly. Please wait a moment and try again."


def _quoted(texts: list[str]) -> str:
    def one(text: str) -> str:
        text = " ".join(text.split())
        return "“" + (text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS - 1] + "…") + "”"

    if len(texts) == 1:
        return f"your message {one(texts[0])}"
    return "your messages " + ", ".join(one(t) for t in texts[:-1]) + f" and {one(texts[-1])}"


def resend_text(missed: list[str], question: str | None) -> str:
    """Which messages were not used, and (in a form) which question they should answer.

    Nothing missed is ever fed to a question the resident did not see: they send it again.
    """
    them = "it" if len(missed) == 1 else "them"
    if question:
        ask = f" We were at: {question}. Please send your answer again."
    else:
        ask = f" Please send {them} again."
    return (
        f"Sorry, I missed {_quoted(missed)} while I was unavailable, so I have not used "
        f"{them}.{ask}"
    )


def queued_text(position: int, wait_seconds: float, still: bool = False) -> str:
    """Honest about overload: the resident's place and a rough wait (recent turn times);
    ``still``: the wait given before has passed and they are still waiting."""
    if wait_seconds < 60:
        wait = f"about {max(5, 5 * round(wait_seconds / 5))} seconds"
    else:
        minutes = round(wait_seconds / 60)
        wait = "about a minute" if minutes <= 1 else f"about {minutes} minutes"
    if still:
        return (
            "Sorry, this is taking longer than we thought. You are still in the queue "
            f"(now number {position}). Your message is kept and will be answered in turn, "
            f"in {wait}."
        )
    return (
        "Many people are using the assistant right now, so you are in a queue "
        f"(number {position}). Your message is kept and will be answered in turn, in {wait}."
    )
