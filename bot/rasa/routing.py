"""Which Rasa server a conversation's id hashes to: the fallback, and the tie-break.

The hub places each new conversation on the least busy server and keeps it there
(:mod:`bot.chat.placements`); this module's order breaks ties and serves when the database
cannot be asked. Either way the hub sends every call about a conversation (its turns, the
tracker reads after an outage, the resume when staff hand it back) to one server, so one
process handles a conversation's turns one after another, in order. That is what makes
Rasa's default in-memory lock store enough with several servers on one machine: a
conversation's lock only ever needs to be held in the one process that serves it. (Across
machines, the lock must be shared: Rasa's Redis lock store.) Every server reads and writes
the same tracker store, so which one serves a conversation changes nothing it remembers.

The order is rendezvous (highest random weight) hashing over the list of base URLs: stable
across processes and restarts (SHA-256, not Python's salted ``hash``), and when a server is
added or removed only the conversations it gains or loses move.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence


class RasaRouting:
    """A fixed list of Rasa base URLs and the conversation-to-server choice over them."""

    def __init__(self, urls: Sequence[str]) -> None:
        cleaned = tuple(url.strip().rstrip("/") for url in urls if url.strip())
        if not cleaned:
            raise ValueError("at least one Rasa URL is needed")
        if len(set(cleaned)) != len(cleaned):
            raise ValueError("the Rasa URLs must be different")
        self.urls = cleaned

    def url_for(self, conversation_id: str) -> str:
        """The base URL of the server that serves ``conversation_id``."""
        if len(self.urls) == 1:
            return self.urls[0]
        return self.order_for(conversation_id)[0]

    def order_for(self, conversation_id: str) -> tuple[str, ...]:
        """Every base URL, the one ``conversation_id`` prefers most first."""
        return tuple(sorted(self.urls, key=lambda url: self.weight(url, conversation_id),
                            reverse=True))

    def index_for(self, conversation_id: str) -> int:
        """The position in :attr:`urls` of the server that serves ``conversation_id``."""
        return self.urls.index(self.url_for(conversation_id))

    @staticmethod
    def weight(url: str, conversation_id: str) -> int:
        """How much ``conversation_id`` prefers ``url`` (the highest wins)."""
        digest = hashlib.sha256(f"{url}\0{conversation_id}".encode()).digest()
        return int.from_bytes(digest[:8], "big")
