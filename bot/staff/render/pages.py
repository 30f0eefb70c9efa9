"""The page frame every console page shares: title, navigation, account, flash message."""
from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.staff.auth import roles
from bot.staff.render.html import Markup, join, render, tag
from bot.staff.auth.security import csrf_token

NAV = (
    ("/staff", "Dashboard", roles.CASES),
    ("/staff/cases", "Cases", roles.CASES),
    ("/staff/handoffs", "Live chats", roles.HANDOFFS),
    ("/staff/training", "Training", roles.TRAINING),
    ("/staff/training/evaluate", "Retrain and evaluate", roles.TRAINING),
    ("/staff/accounts", "Accounts", roles.ACCOUNTS),
)


def page(request: web.Request, title: str, body: Any, *, status: int = 200,
         flash: str | None = None, error: str | None = None,
         refresh_seconds: int | None = None) -> web.Response:
    """``refresh_seconds``: the page reloads itself that often (a meta refresh; no script)."""
    signed_in = request.get("staff")
    csrf = csrf_token(request)
    account = nav = Markup("")
    if signed_in is not None:
        account = render("account.html", name=signed_in.account.display_name,
                         role=signed_in.account.role, csrf=csrf)
        links = []
        # The current page's link: the longest one the path is at or under.
        under = [href for href, _, _ in NAV if request.path == href
                 or (href != "/staff" and request.path.startswith(href + "/"))]
        here = max(under, key=len) if under else None
        for href, label, permission in NAV:
            if not roles.allowed(signed_in.account.role, permission):
                continue
            current = href == here
            links.append(tag("li", tag("a", label, href=href,
                                       aria_current="page" if current else None)))
        nav = tag("nav", tag("ul", join(links)), aria_label="Console")
    message = Markup("")
    if error:
        message = tag("div", tag("p", error), class_="flash flash--error", role="alert")
    elif flash:
        message = tag("div", tag("p", flash), class_="flash", role="status")
    head = (tag("meta", http_equiv="refresh", content=str(int(refresh_seconds)))
            if refresh_seconds else Markup(""))
    html = render("layout.html", title=title, head=head, csrf=csrf, account=account, nav=nav,
                  flash=message, body=body)
    return web.Response(text=str(html), content_type="text/html", charset="utf-8", status=status)


def hidden_csrf(request: web.Request) -> Markup:
    return tag("input", type="hidden", name="csrf_token", value=csrf_token(request))


def post_button(request: web.Request, action: str, label: str, *, secondary: bool = False,
                fields: dict[str, str] | None = None) -> Markup:
    """A one-button form (POST with the CSRF token)."""
    inputs = [hidden_csrf(request)] + [
        tag("input", type="hidden", name=k, value=v) for k, v in (fields or {}).items()
    ]
    button = tag("button", label, type="submit",
                 class_="button button--secondary" if secondary else "button")
    return tag("form", join([*inputs, button]), method="post", action=action,
               class_="inline-form")


def see_other(location: str) -> web.Response:
    """Redirect after a POST (a plain response, so cookies set on it are sent)."""
    return web.Response(status=303, headers={"Location": location})
