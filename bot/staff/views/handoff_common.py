"""What the live-chat views share: the handoff a URL names, and how staff are introduced."""
from __future__ import annotations

from aiohttp import web

from bot.chat.handoffs import HandoffRecord
from bot.staff.services import STAFF_KEY

TEAM = "Information Governance"


def author_name(request: web.Request) -> str:
    """How the resident's widget names the member of staff writing."""
    return f"{request['staff'].account.display_name} ({TEAM})"


async def find_handoff(request: web.Request) -> HandoffRecord:
    """The handoff named by the URL's ``handoff_id`` (404 when there is none)."""
    services = request.app[STAFF_KEY]
    try:
        handoff_id = int(request.match_info["handoff_id"])
    except ValueError:
        raise web.HTTPNotFound(text="There is no such conversation.") from None
    handoff = await services.db(services.handoffs.get, handoff_id)
    if handoff is None:
        raise web.HTTPNotFound(text="There is no such conversation.")
    return handoff
