"""The page frame every console page shares (``templates/base.html``): title, navigation,
account, flash message; and the redirect after a POST."""
from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.staff.auth import roles
from bot.staff.auth.security import csrf_token
from bot.staff.render.templating import render

NAV = (
    ("/staff", "Dashboard", roles.CASES),
    ("/staff/cases", "Cases", roles.CASES),
    ("/staff/handoffs", "Live chats", roles.HANDOFFS),
    ("/staff/complaints", "Complaints", roles.CASES),
    ("/staff/training", "Training", roles.TRAINING),
    ("/staff/training/evaluate", "Retrain and evaluate", roles.TRAINING),
    ("/staff/accounts", "Accounts", roles.ACCOUNTS),
)


def _nav(request: web.Request, role: str) -> list[dict[str, Any]]:
    """The links this role may follow; the current one is the longest the path is under."""
    under = [href for href, _, _ in NAV if request.path == href
             or (href != "/staff" and request.path.startswith(href + "/"))]
    here = max(under, key=len) if under else None
    return [{"href": href, "label": label, "current": href == here,
             "live_count": href == "/staff/handoffs"}
            for href, label, permission in NAV if roles.allowed(role, permission)]


def page(request: web.Request, template: str, *, title: str, status: int = 200,
         flash: str | None = None, error: str | None = None,
         refresh_seconds: int | None = None, **context: Any) -> web.Response:
    """``templates/<template>`` (which extends ``base.html``) as the response.

    ``refresh_seconds``: the page reloads itself that often (a meta refresh; no script).
    """
    signed_in = request.get("staff")
    account = signed_in.account if signed_in is not None else None
    html = render(template, title=title, csrf=csrf_token(request), account=account,
                  nav=_nav(request, account.role) if account is not None else [],
                  flash=flash, error=error,
                  refresh_seconds=int(refresh_seconds) if refresh_seconds else None,
                  waiting_count=request.get("waiting_count"),
                  **context)
    return web.Response(text=html, content_type="text/html", charset="utf-8", status=status)


def message_page(request: web.Request, title: str, *, text: str | None = None,
                 link: tuple[str, str] | None = None, **frame: Any) -> web.Response:
    """A page of one sentence and/or one link (``link`` is ``(label, href)``)."""
    return page(request, "message.html", title=title, text=text,
                link={"label": link[0], "href": link[1]} if link else None, **frame)


def see_other(location: str) -> web.Response:
    """Redirect after a POST (a plain response, so cookies set on it are sent)."""
    return web.Response(status=303, headers={"Location": location})
