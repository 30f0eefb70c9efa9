"""What the live-chat views share: the record a URL names (a handoff, a complaint), and how
staff are introduced."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from aiohttp import web

from bot.chat.handoffs import HandoffRecord
from bot.staff.services import STAFF_KEY

TEAM = "Information Governance"
T = TypeVar("T")


def author_name(request: web.Request) -> str:
    """How the resident's widget names the member of staff writing."""
    return f"{request['staff'].account.display_name} ({TEAM})"


async def find_by_id(request: web.Request, param: str,
                     fetch: Callable[[int], T | None], missing: str) -> T:
    """The record the URL's numeric ``param`` names, read by ``fetch`` off the event loop;
    404 with ``missing`` when the id is not a number or there is no such record."""
    try:
        record_id = int(request.match_info[param])
    except ValueError:
        raise web.HTTPNotFound(text=missing) from None
    record = await request.app[STAFF_KEY].db(fetch, record_id)
    if record is None:
        raise web.HTTPNotFound(text=missing)
    return record


async def find_handoff(request: web.Request) -> HandoffRecord:
    """The handoff named by the URL's ``handoff_id`` (404 when there is none)."""
    return await find_by_id(request, "handoff_id", request.app[STAFF_KEY].handoffs.get,
                            "There is no such conversation.")
