"""The dashboard: open cases by status (with a chart), due this week, overdue, chats waiting,
and any requests the database refused that wait in the outbox (bot/cases/outbox.py)."""
from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from aiohttp import web

from bot.cases.labels import status_label
from bot.cases.outbox import Outbox
from bot.chat.handoffs import WAITING
from bot.staff.auth import roles
from bot.staff.auth.security import PREFIX, require
from bot.staff.render.case_words import DUE_SOON_DAYS, OPEN_STATUSES, urgency
from bot.staff.render.pages import message_page, page
from bot.staff.services import STAFF_KEY, StaffServices

BAR_HEIGHT, BAR_GAP, LABEL_WIDTH, CHART_WIDTH = 24, 8, 190, 560


def bar_chart(counts: list[tuple[str, int]], title: str) -> dict[str, Any]:
    """A horizontal bar chart's geometry, drawn as inline SVG by the template (no script);
    the numbers are also in a table beside it."""
    top = max([n for _, n in counts] + [1])
    bars = []
    for index, (label, count) in enumerate(counts):
        y = BAR_GAP + index * (BAR_HEIGHT + BAR_GAP)
        width = max(int((CHART_WIDTH - LABEL_WIDTH - 50) * count / top), 2)
        bars.append({"label": label, "value": count, "x": LABEL_WIDTH, "y": y, "width": width,
                     "height": BAR_HEIGHT, "label_x": LABEL_WIDTH - 8,
                     "value_x": LABEL_WIDTH + width + 6, "text_y": y + BAR_HEIGHT * 7 // 10})
    return {"title": title, "width": CHART_WIDTH,
            "height": len(counts) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP, "bars": bars}


async def dashboard_figures(services: StaffServices) -> dict[str, int]:
    """The dashboard's tiles as numbers (the page, and its live updates)."""
    cases = await services.db(services.cases.list_cases)
    handoffs = await services.db(services.handoffs.open_handoffs)
    today = services.cases.today()
    open_cases = [c for c in cases if c.closed_on is None]
    complaints = await services.db(services.complaints.open_count)
    return {
        "open": len(open_cases),
        "due_soon": sum(1 for c in open_cases if urgency(c, today) == "due_soon"),
        "overdue": sum(1 for c in open_cases if urgency(c, today) == "overdue"),
        "waiting": sum(1 for h in handoffs if h.status == WAITING),
        "complaints": complaints,
    }


@require(roles.CASES)
async def dashboard(request: web.Request) -> web.Response:
    services = request.app[STAFF_KEY]
    cases = await services.db(services.cases.list_cases)
    today = services.cases.today()
    open_cases = [c for c in cases if c.closed_on is None]
    by_status = Counter(c.status for c in open_cases)
    overdue = [c for c in open_cases if urgency(c, today) == "overdue"]
    due_soon = [c for c in open_cases if urgency(c, today) == "due_soon"]
    numbers = await dashboard_figures(services)
    outbox = await asyncio.to_thread(Outbox.from_settings(services.settings).status)
    tiles: list[dict[str, Any]] = [
        {"key": "open", "label": "open cases", "href": f"{PREFIX}/cases", "kind": ""},
        {"key": "due_soon", "label": f"due in the next {DUE_SOON_DAYS} days",
         "href": f"{PREFIX}/cases?due=this_week", "kind": "tile--due-soon"},
        {"key": "overdue", "label": "overdue", "href": f"{PREFIX}/cases?due=overdue",
         "kind": "tile--overdue"},
        {"key": "waiting", "label": "chats waiting for a person", "href": f"{PREFIX}/handoffs",
         "kind": ""},
        {"key": "complaints", "label": "open complaints", "href": f"{PREFIX}/complaints",
         "kind": ""},
    ]
    for tile in tiles:
        tile["value"] = numbers[str(tile["key"])]
    counts = [(status_label(s), by_status.get(s, 0)) for s in OPEN_STATUSES]
    workload = await services.db(services.cases.workload)
    return page(request, "dashboard.html", title="Dashboard", tiles=tiles, counts=counts,
                workload=workload,
                chart=bar_chart(counts, "Open cases by status"), overdue=overdue,
                due_soon=due_soon, due_soon_days=DUE_SOON_DAYS, today=today,
                outbox_pending=outbox.pending, live_dashboard=True)


@require(roles.SIGNED_IN)
async def home(request: web.Request) -> web.StreamResponse:
    """Where everyone lands after signing in: the dashboard, or trainers' inbox."""
    role = request["staff"].account.role
    if roles.allowed(role, roles.CASES):
        return await dashboard(request)
    if roles.allowed(role, roles.TRAINING):
        raise web.HTTPSeeOther(f"{PREFIX}/training")
    return message_page(request, "Staff console", text="Your account has no pages in the "
                        "staff console yet: ask an administrator.")


def add_routes(app: web.Application) -> None:
    app.router.add_get(PREFIX, home)
    app.router.add_get(PREFIX + "/", home)
