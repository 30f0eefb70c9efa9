"""Signing in and out. One message for every failed sign-in (wrong name, wrong password,
locked, disabled), so the page does not reveal which usernames exist."""
from __future__ import annotations

import secrets

from aiohttp import web

from bot.staff import audit
from bot.staff.auth import roles
from bot.staff.auth.accounts import verify_password
from bot.staff.auth.security import (
    PREFIX,
    PRELOGIN_COOKIE,
    SESSION_COOKIE,
    clear_cookie,
    client_address,
    public,
    require,
    set_cookie,
)
from bot.staff.render.pages import page, see_other
from bot.staff.services import STAFF_KEY

FAILED = (
    "Sign-in failed: the username or password is wrong, or the account is locked or disabled. "
    "After too many attempts, wait {minutes} minutes or ask an administrator."
)
THROTTLED = "Too many sign-in attempts from this computer. Wait a minute and try again."


def _safe_next(value: str | None) -> str:
    """Only a path inside the console (no other site, no ``//host``)."""
    if value and value.startswith(PREFIX) and not value.startswith("//") and "\\" not in value:
        return value
    return PREFIX


def _form(request: web.Request, *, username: str = "", next_url: str = PREFIX,
          error: str | None = None, flash: str | None = None, status: int = 200) -> web.Response:
    settings = request.app[STAFF_KEY].settings
    return page(request, "login.html", title="Sign in", next_url=next_url, username=username,
                max_failures=settings.staff_login_max_failures,
                lockout=settings.staff_lockout_minutes, error=error, flash=flash, status=status)


@public
async def login_page(request: web.Request) -> web.Response:
    if request.get("staff") is not None:
        raise web.HTTPSeeOther(_safe_next(request.query.get("next")))
    fresh = None
    if not request.cookies.get(PRELOGIN_COOKIE):
        fresh = secrets.token_urlsafe(24)
        request["prelogin_binding"] = fresh
    flash = "You have signed out." if request.query.get("signed_out") else None
    response = _form(request, next_url=_safe_next(request.query.get("next")), flash=flash)
    if fresh:
        set_cookie(response, request, PRELOGIN_COOKIE, fresh)
    return response


@public
async def login(request: web.Request) -> web.StreamResponse:
    services = request.app[STAFF_KEY]
    form = await request.post()
    username = str(form.get("username", "")).strip().lower()[:80]
    password = str(form.get("password", ""))
    next_url = _safe_next(str(form.get("next", "")))
    if not services.login_allowed(client_address(request)):
        return _form(request, username=username, next_url=next_url, error=THROTTLED, status=429)
    candidate = await services.db(services.accounts.load_for_login, username)
    matches = await services.cpu(verify_password, candidate.password_hash, password)
    account = candidate.account
    usable = account is not None and account.active and not account.locked(services.now())
    if account is None or not (usable and matches and password):
        if account is not None and usable:
            updated = await services.db(services.accounts.record_login, account.id, False)
            action = audit.LOGIN_LOCKED if updated.locked(services.now()) else audit.LOGIN_FAILED
            await services.audit(account.username, action)
        elif account is not None:
            await services.audit(account.username, audit.LOGIN_FAILED,
                                 detail="locked or disabled")
        error = FAILED.format(minutes=services.settings.staff_lockout_minutes)
        return _form(request, username=username, next_url=next_url, error=error, status=401)
    await services.db(services.accounts.record_login, account.id, True)
    token = await services.db(services.sessions.start, account.id)
    await services.audit(account.username, audit.LOGIN)
    response = see_other(next_url)
    set_cookie(response, request, SESSION_COOKIE, token)
    clear_cookie(response, request, PRELOGIN_COOKIE)
    return response


@require(roles.SIGNED_IN)
async def logout(request: web.Request) -> web.StreamResponse:
    services = request.app[STAFF_KEY]
    signed_in = request["staff"]
    await services.db(services.sessions.end, signed_in.token)
    await services.audit(signed_in.account.username, audit.LOGOUT)
    response = see_other(f"{PREFIX}/login?signed_out=1")
    clear_cookie(response, request, SESSION_COOKIE)
    return response


def add_routes(app: web.Application) -> None:
    app.router.add_get(PREFIX + "/login", login_page)
    app.router.add_post(PREFIX + "/login", login)
    app.router.add_post(PREFIX + "/logout", logout)
