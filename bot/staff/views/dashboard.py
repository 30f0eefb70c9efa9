"""The dashboard: open cases by status (with a chart), due this week, overdue, chats waiting."""
from __future__ import annotations

from collections import Counter

from aiohttp import web

from bot.chat.handoffs import WAITING
from bot.staff.auth import roles
from bot.staff.render.case_words import DUE_SOON_DAYS, OPEN_STATUSES, status_label, urgency
from bot.staff.render.html import Markup, join, tag
from bot.staff.render.pages import page
from bot.staff.auth.security import PREFIX, require
from bot.staff.services import STAFF_KEY
from bot.staff.views.cases import case_rows_table

BAR_HEIGHT, BAR_GAP, LABEL_WIDTH, CHART_WIDTH = 24, 8, 190, 560


def bar_chart(counts: list[tuple[str, int]], title: str) -> Markup:
    """A horizontal bar chart as inline SVG (no script); the numbers are also in the table."""
    top = max([n for _, n in counts] + [1])
    height = len(counts) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    bars = []
    for index, (label, count) in enumerate(counts):
        y = BAR_GAP + index * (BAR_HEIGHT + BAR_GAP)
        width = int((CHART_WIDTH - LABEL_WIDTH - 50) * count / top)
        bars.append(join([
            tag("text", label, x=str(LABEL_WIDTH - 8), y=str(y + BAR_HEIGHT * 7 // 10),
                text_anchor="end", class_="chart-label"),
            tag("rect", "", x=str(LABEL_WIDTH), y=str(y), width=str(max(width, 2)),
                height=str(BAR_HEIGHT), class_="chart-bar"),
            tag("text", str(count), x=str(LABEL_WIDTH + max(width, 2) + 6),
                y=str(y + BAR_HEIGHT * 7 // 10), class_="chart-value"),
        ]))
    return tag("svg", tag("title", title) + join(bars), role="img", aria_label=title,
               viewBox=f"0 0 {CHART_WIDTH} {height}", width="100%", class_="chart",
               xmlns="http://www.w3.org/2000/svg", preserveAspectRatio="xMinYMin meet")


def _tile(label: str, value: int, href: str, kind: str = "") -> Markup:
    return tag("li", tag("a", tag("span", str(value), class_="tile-value")
                         + tag("span", label, class_="tile-label"), href=href),
               class_=f"tile {kind}".strip())


@require(roles.CASES)
async def dashboard(request: web.Request) -> web.Response:
    services = request.app[STAFF_KEY]
    cases = await services.db(services.cases.list_cases)
    handoffs = await services.db(services.handoffs.open_handoffs)
    today = services.cases.today()
    open_cases = [c for c in cases if c.closed_on is None]
    by_status = Counter(c.status for c in open_cases)
    overdue = [c for c in open_cases if urgency(c, today) == "overdue"]
    due_week = [c for c in open_cases if urgency(c, today) == "due_soon"]
    waiting = sum(1 for h in handoffs if h.status == WAITING)
    tiles = tag("ul", join([
        _tile("open cases", len(open_cases), f"{PREFIX}/cases"),
        _tile(f"due in the next {DUE_SOON_DAYS} days", len(due_week),
              f"{PREFIX}/cases?due=this_week", "tile--due-soon"),
        _tile("overdue", len(overdue), f"{PREFIX}/cases?due=overdue", "tile--overdue"),
        _tile("chats waiting for a person", waiting, f"{PREFIX}/handoffs"),
    ]), class_="tiles", aria_label="Summary")
    counts = [(status_label(s), by_status.get(s, 0)) for s in OPEN_STATUSES]
    chart = tag("figure", bar_chart(counts, "Open cases by status")
                + tag("figcaption", "Open cases by status"), class_="panel")
    status_table = tag("table", tag("caption", "Open cases by status")
                       + tag("thead", tag("tr", tag("th", "Status", scope="col")
                                          + tag("th", "Cases", scope="col")))
                       + tag("tbody", join(tag("tr", tag("th", label, scope="row")
                                               + tag("td", str(n))) for label, n in counts)),
                       class_="data-table")
    parts = [tiles, tag("div", chart + status_table, class_="two-col")]
    if overdue:
        parts.append(case_rows_table(overdue, today, "Overdue cases"))
    if due_week:
        parts.append(case_rows_table(due_week, today, f"Due in the next {DUE_SOON_DAYS} days"))
    return page(request, "Dashboard", join(parts))


@require(roles.SIGNED_IN)
async def home(request: web.Request) -> web.StreamResponse:
    """Where everyone lands after signing in: the dashboard, or trainers' inbox."""
    role = request["staff"].account.role
    if roles.allowed(role, roles.CASES):
        return await dashboard(request)
    if roles.allowed(role, roles.TRAINING):
        raise web.HTTPSeeOther(f"{PREFIX}/training")
    body = tag("p", "Your account has no pages in the staff console yet: ask an "
                    "administrator.")
    return page(request, "Staff console", body)


def add_routes(app: web.Application) -> None:
    app.router.add_get(PREFIX, home)
    app.router.add_get(PREFIX + "/", home)
