"""Resident ids: the hub issues them, signs them, and accepts only the ones it signed.

A resident id is the only key to a conversation (whoever holds it reads and writes it), so
the browser must not be able to choose it. ``POST /chat/session`` issues
``<conversation id>.<tag>``: the conversation id is 144 random bits (24 base64url
characters) and the tag is HMAC-SHA256 of it under a key derived from ``SESSION_SECRET``,
truncated to 144 bits. Nothing is stored: the tag proves the hub made the id.

Inside the hub (transcripts, handoffs, Rasa's sender id, the staff console) a conversation is
known by its conversation id alone. That half is not a key: without the secret nobody can
make the tag, so a conversation id read from the database, Rasa's tracker store or a log
opens nothing. It has the shape of the ids the widget used to make (URL-safe, 22+
characters), so existing rows and the console's references work as before; those older
conversations simply cannot be resumed from a browser.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

RANDOM_BYTES = 18  # 144 bits; a multiple of 3, so base64 has no padding or spare bits
TAG_BYTES = 18
_PART = r"[A-Za-z0-9_-]{24}"
CONVERSATION_ID = re.compile(_PART)
RESIDENT_ID = re.compile(rf"({_PART})\.({_PART})")
# Separates this key from every other use of SESSION_SECRET (staff sessions, CSRF, refs).
_PURPOSE = b"dpa chat resident id v1"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def new_conversation_id() -> str:
    """A fresh random conversation id (the unsigned half of a resident id)."""
    return _b64(secrets.token_bytes(RANDOM_BYTES))


class ResidentIds:
    """Issues and checks resident ids with a key derived from the session secret."""

    def __init__(self, session_secret: str) -> None:
        if not session_secret:
            raise ValueError("SESSION_SECRET is empty: resident ids cannot be signed")
        self._key = hmac.new(session_secret.encode("utf-8"), _PURPOSE, hashlib.sha256).digest()

    def _tag(self, conversation_id: str) -> str:
        digest = hmac.new(self._key, conversation_id.encode("ascii"), hashlib.sha256).digest()
        return _b64(digest[:TAG_BYTES])

    def issue(self) -> str:
        """A new resident id, for a new conversation."""
        return self.sign(new_conversation_id())

    def sign(self, conversation_id: str) -> str:
        """The resident id of ``conversation_id`` (tests use it; the hub uses :meth:`issue`)."""
        if not CONVERSATION_ID.fullmatch(conversation_id):
            raise ValueError("not a conversation id this hub makes")
        return f"{conversation_id}.{self._tag(conversation_id)}"

    def conversation_id(self, resident_id: str) -> str | None:
        """The conversation a resident id opens, or None if this hub did not issue it."""
        match = RESIDENT_ID.fullmatch(resident_id)
        if match is None:
            return None
        conversation_id, tag = match.groups()
        if not hmac.compare_digest(self._tag(conversation_id), tag):
            return None
        return conversation_id
