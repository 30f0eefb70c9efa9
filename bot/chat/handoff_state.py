"""Who has a conversation now, read from the handoff queue (``dpa_handoffs``).

The queue is the one source of truth, shared by the action server (which records a handoff
and pauses the assistant), the hub and the staff console: the hub asks it before relaying
each resident message rather than trusting a copy in memory.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import update
from sqlalchemy.orm import sessionmaker

from bot.db.engine import session_scope
from bot.chat.handoffs import CLAIMED, CLOSED, RETURNED, WAITING, Handoff, HandoffRecord, HandoffStore

# The widget's names for who has the conversation (docs/chat-protocol.md).
ASSISTANT_MODE, WAITING_MODE, STAFF_MODE = "assistant", "waiting", "staff"


def mode_of(handoffs: list[HandoffRecord]) -> str:
    """``staff`` once someone claimed the open handoff, ``waiting`` before, else ``assistant``."""
    open_ones = [h for h in handoffs if h.status in (WAITING, CLAIMED)]
    if not open_ones:
        return ASSISTANT_MODE
    return STAFF_MODE if open_ones[-1].status == CLAIMED else WAITING_MODE


class HandoffState:
    """The hub's view of the handoff queue (blocking: the hub calls it on its database thread)."""

    def __init__(self, sessions: sessionmaker) -> None:
        self._sessions = sessions
        self.store = HandoffStore(sessions)

    def mode(self, conversation_id: str) -> str:
        return mode_of(self.store.for_conversation(conversation_id))

    def end(self, conversation_id: str, *, returned: bool) -> int:
        """Mark the conversation's open handoffs returned (to the assistant) or closed.

        Interim: belongs in :class:`bot.chat.handoffs.HandoffStore` once the staff console issue
        gives it status changes (claim, close, return); the hub needs it now to hand back.
        """
        status = RETURNED if returned else CLOSED
        with session_scope(self._sessions, write=True) as session:
            result = session.execute(
                update(Handoff)
                .where(Handoff.conversation_id == conversation_id,
                       Handoff.status.in_((WAITING, CLAIMED)))
                .values(status=status, closed_at=datetime.now(timezone.utc))
            )
            return result.rowcount or 0
