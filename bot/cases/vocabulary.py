"""The fixed words the case store accepts: request types, response formats, event kinds.

Kept apart from the models so that validation (and the CLI's help) does not need SQLAlchemy.
Request types are the intent names of ``intents.md``: the staff console, trainers and the
benchmark speak in those names, so they are stored as they are, never translated.
"""
from __future__ import annotations

REQUEST_TYPES: tuple[str, ...] = (
    "request_access",
    "request_erasure",
    "request_rectification",
    "request_restriction",
    "object_processing",
    "request_portability",
    "object_automated_decision",
    "stop_direct_marketing",
)

RESPONSE_FORMATS: tuple[str, ...] = ("electronic", "paper", "in_person", "portable")

# Audit-trail entries that are not clock events (the clock kinds come from bot.rules.clock).
CREATED = "created"
NOTE = "note"
VIEWED = "viewed"
DETAILS_CHANGED = "details_changed"
ASSIGNED = "assigned"
AUDIT_EVENT_KINDS: tuple[str, ...] = (CREATED, NOTE, VIEWED, DETAILS_CHANGED, ASSIGNED)

# Who did it, for changes the assistant or the resident made rather than a member of staff.
ASSISTANT = "assistant"
RESIDENT = "resident"
