"""What the hub itself tells residents (the assistant's words live in Rasa's domain)."""
from __future__ import annotations

from bot.rules.council import DPO_EMAIL, DPO_PHONE, DPO_POSTAL_ADDRESS

# Notice kinds (docs/chat-protocol.md).
STAFF_JOINED = "staff_joined"
STAFF_LEFT = "staff_left"
HANDED_BACK = "handed_back"
CLOSED = "closed"
UNAVAILABLE = "unavailable"
TOO_LONG = "too_long"
RATE_LIMITED = "rate_limited"
# Nobody from staff can answer now (outside staffed hours, or nobody claimed the chat in
# time): the resident is offered a call back; the conversation stays in the queue.
STAFF_UNAVAILABLE = "staff_unavailable"

# What staff (and the console's queue watcher) may announce through ChatHub.notify.
STAFF_NOTICE_KINDS = (STAFF_JOINED, STAFF_LEFT, HANDED_BACK, CLOSED, STAFF_UNAVAILABLE)

# Sent only while the assistant has the conversation (no handoff exists: once one does,
# the hub relays nothing to the assistant), so it must not say that staff can see it.
UNAVAILABLE_TEXT = (
    "Sorry, the assistant is not available at the moment. Your message has been kept. "
    "If your question cannot wait, please contact our Data Protection Officer: email "
    f"{DPO_EMAIL}, phone {DPO_PHONE}, or write to {DPO_POSTAL_ADDRESS}."
)
HANDED_BACK_TEXT = "You are now talking to the automated assistant again."
CLOSED_BY_STAFF_TEXT = (
    "The member of staff has closed this chat. The automated assistant can still help."
)
ENDED_BY_RESIDENT_TEXT = "You ended the chat."


def too_long_text(limit: int) -> str:
    return f"That message is too long to send. Please keep it under {limit} characters."


RATE_LIMITED_TEXT = "You are sending messages very quickly. Please wait a moment and try again."
