"""What another web app instance did, delivered to the tabs and staff this instance holds.

Events come from the live channel (:mod:`bot.web.live_channel`); stored messages are
never in one (``stored`` names the seqs, read from the transcript), so every tab still
receives its conversation in seq order.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.web.live_channel import EVERY_CONVERSATION
from bot.web.presence import PRESENCE, PRESENCE_QUERY

if TYPE_CHECKING:
    from bot.web.hub import ChatHub


async def deliver(hub: ChatHub, conversation_id: str, event: dict[str, Any]) -> None:
    """Deliver one event (``queue``, ``stored``, ``mode``, ``tabs``, ``staff``, ``ended``,
    and :mod:`bot.web.presence`'s) for ``conversation_id``; :data:`EVERY_CONVERSATION`
    with a ``resync`` means the channel reconnected, so everything held here is read again."""
    kind = event.get("type")
    if kind == "queue":
        hub._queue_touched(publish=False)
        return
    if kind in (PRESENCE, PRESENCE_QUERY):
        hub.presence.heard(conversation_id, event)
        return
    if conversation_id == EVERY_CONVERSATION:  # reconnected: read what was missed
        hub.presence.resync()
        hub._queue_touched(publish=False)
        for conv_id in hub.conversations.ids():
            await deliver(hub, conv_id, {"type": "stored", "to": None})
            await deliver(hub, conv_id, {"type": "mode"})
        return
    conv = hub.conversations.get(conversation_id)
    if conv is None:
        return  # nobody here watches it
    conv.busy += 1
    try:
        if kind == "stored":
            await hub.send.remote_stored(conv, event.get("from"), event.get("to"))
        elif kind == "mode":
            hub._queue_touched(publish=False)
            mode = await hub._db(hub.handoffs.mode, conv.id)
            await hub._set_mode(conv, mode, publish=False)
        elif kind == "tabs" and isinstance(event.get("payload"), dict):
            await hub.send.to_tabs(conv, event["payload"])
        elif kind == "staff" and isinstance(event.get("payload"), dict):
            hub.send.to_staff(conv, event["payload"])
        elif kind == "ended":
            hub.send.to_staff(conv, {"type": "resident_ended"})
            await hub.send.close_tabs(conv)
    finally:
        conv.busy -= 1
        hub.conversations.forget_if_idle(conv)
