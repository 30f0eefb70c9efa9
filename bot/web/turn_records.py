"""The hub's blocking database trips, each one worker-thread call (run off the event loop)."""
from __future__ import annotations

import logging
from collections.abc import Callable

from bot.chat.handoffs import HandoffStore
from bot.chat.transcripts import (
    ASSISTANT,
    DELIVERED,
    NewMessage,
    TranscriptMessage,
    TranscriptStore,
    Understanding,
)
from bot.web.rasa_client import Reply

log = logging.getLogger(__name__)

Understand = Callable[[str, int], "Understanding | None"]


class TurnRecords:
    """Reads and writes that must happen together: a turn's replies, a tab's first look."""

    def __init__(
        self, transcripts: TranscriptStore, handoffs: HandoffStore,
        understand: Understand | None = None,
    ) -> None:
        self.transcripts = transcripts
        self.handoffs = handoffs
        self._understand = understand

    def record_turn(
        self, conversation_id: str, message_id: int, replies: list[Reply]
    ) -> tuple[list[TranscriptMessage], str, Understanding | None]:
        """One worker-thread trip after Rasa answered: read the parse, store the replies with
        it (one write transaction), read who has the conversation now."""
        understood = None
        if self._understand is not None:
            try:
                understood = self._understand(conversation_id, message_id)
            except Exception as exc:
                log.warning("could not read what the model understood: %s", type(exc).__name__)
        stored = self.transcripts.append_many(
            conversation_id,
            [NewMessage(ASSISTANT, reply.text, buttons=reply.buttons) for reply in replies],
            understanding=None if understood is None else (message_id, understood),
            relay=([message_id], DELIVERED),
        )
        return stored, self.handoffs.mode(conversation_id), understood

    def snapshot(self, conversation_id: str) -> tuple[list[TranscriptMessage], str]:
        """The transcript so far and who has the conversation, read together."""
        return self.transcripts.history(conversation_id), self.handoffs.mode(conversation_id)
