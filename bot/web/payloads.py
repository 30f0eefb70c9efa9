"""What the hub sends to a resident's tab for stored messages (docs/chat-protocol.md)."""
from __future__ import annotations

from typing import Any

from bot.chat.transcripts import SYSTEM, TranscriptMessage, message_payload


def history_payload(
    history: list[TranscriptMessage], mode: str, *, for_staff: bool = False
) -> dict[str, Any]:
    """Every message so far and who has the conversation (``history``)."""
    return {
        "type": "history",
        "messages": [message_payload(m, for_staff=for_staff) for m in history],
        "mode": mode,
    }


def tab_payload(record: TranscriptMessage) -> dict[str, Any]:
    """A stored message for a tab: system lines with a kind are shown as notices."""
    message = message_payload(record)
    if record.role == SYSTEM and record.kind:
        return {"type": "notice", "kind": record.kind, "text": record.text,
                "id": record.id, "seq": record.seq, "at": message["at"],
                "author": record.author}
    return message
