"""What every console page keeps live: the count of chats waiting for a person (in the
navigation and the page title) and, on the dashboard, its figures.

One Server-Sent Events stream per page (``/staff/live/stream``), read by ``staff.js``; it
sends ``live`` with the figures whenever they change (checked every
:data:`LIVE_POLL_SECONDS`). The first figures are in the page itself (the
:func:`count_waiting` middleware), so the count is there without script too.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.staff.auth import roles
from bot.staff.auth.security import PREFIX, is_staff_path, require, wants_json
from bot.staff.services import STAFF_KEY, StaffServices
from bot.staff.sse import EventStream

LIVE_POLL_SECONDS = 2.0
DASHBOARD_EVERY = 5
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def waiting_count(services: StaffServices) -> int:
    return await services.db(services.handoffs.waiting_count)


@web.middleware
async def count_waiting(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Before a console page is rendered: how many chats wait, for its navigation."""
    signed_in = request.get("staff")
    if (is_staff_path(request.path) and request.method == "GET" and signed_in is not None
            and roles.allowed(signed_in.account.role, roles.HANDOFFS)
            and not wants_json(request) and not request.path.endswith("/stream")):
        request["waiting_count"] = await waiting_count(request.app[STAFF_KEY])
    return await handler(request)


async def figures(request: web.Request, with_dashboard: bool) -> dict[str, Any]:
    """The live figures this account may see (the dashboard's only when asked)."""
    from bot.staff.views.dashboard import dashboard_figures

    services = request.app[STAFF_KEY]
    role = request["staff"].account.role
    data: dict[str, Any] = {"waiting": None}
    if roles.allowed(role, roles.HANDOFFS):
        data["waiting"] = await waiting_count(services)
    if with_dashboard and roles.allowed(role, roles.CASES):
        data["tiles"] = await dashboard_figures(services)
    return data


@require(roles.SIGNED_IN)
async def live_stream(request: web.Request) -> web.StreamResponse:
    """``live`` events: the waiting count every :data:`LIVE_POLL_SECONDS`, and with
    ``?dashboard=1`` the dashboard's tiles, re-counted every :data:`DASHBOARD_EVERY` polls
    (they read every case; the waiting tile follows the count at once)."""
    with_dashboard = request.query.get("dashboard") == "1"
    stream = await EventStream.open(request)
    last: dict[str, Any] | None = None
    tiles: dict[str, int] | None = None
    polls = 0
    while not stream.closing:
        data = await figures(request, with_dashboard and polls % DASHBOARD_EVERY == 0)
        if "tiles" in data:
            tiles = data["tiles"]
        elif tiles is not None:
            data["tiles"] = {**tiles, "waiting": data["waiting"]}
        polls += 1
        if data != last:
            if not await stream.send("live", data):
                break
            last = data
        if not await stream.wait(LIVE_POLL_SECONDS):
            break
    return stream.response


def add_routes(app: web.Application) -> None:
    app.router.add_get(PREFIX + "/live/stream", live_stream)
