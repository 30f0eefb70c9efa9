"""A chat transcript as HTML text (never as HTML: every message is escaped)."""
from __future__ import annotations

from bot.staff.render.html import Markup, fmt_time, join, tag
from bot.chat.transcripts import TranscriptMessage

ROLE_LABELS = {"resident": "Resident", "assistant": "Assistant", "staff": "Staff",
               "system": "Notice"}


def understanding(message: TranscriptMessage) -> Markup:
    if message.role != "resident" or message.intent is None:
        return Markup("")
    confidence = "" if message.confidence is None else f" ({message.confidence:.0%})"
    return tag("span", f"Understood as {message.intent}{confidence}", class_="understood")


def message_item(message: TranscriptMessage) -> Markup:
    who = ROLE_LABELS.get(message.role, message.role)
    if message.author:
        who = f"{who}: {message.author}"
    header = tag("span", who, class_="who") + " " + tag(
        "time", fmt_time(message.created_at), datetime=message.created_at.isoformat()
    )
    text = tag("p", message.text, class_="text")
    return tag("li", join([header, text, understanding(message)], " "),
               class_=f"msg msg--{message.role}", data_seq=str(message.seq))


def transcript_log(messages: list[TranscriptMessage], *, label: str, live: bool = False,
                   element_id: str | None = None) -> Markup:
    items = join(message_item(m) for m in messages)
    if not messages:
        items = tag("li", "No messages yet.", class_="msg msg--empty")
    return tag("ol", items, class_="transcript", role="log", aria_label=label,
               aria_live="polite" if live else None, id=element_id)
