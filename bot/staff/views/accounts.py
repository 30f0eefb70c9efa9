"""Accounts and the access log (admins only): create, disable, enable, unlock."""
from __future__ import annotations

from aiohttp import web

from bot.staff import audit
from bot.staff.auth import roles
from bot.staff.auth.accounts import AccountError, check_new_password, hash_password
from bot.staff.auth.security import PREFIX, require
from bot.staff.models import ROLES
from bot.staff.render.pages import page, see_other
from bot.staff.render.templating import fmt_time
from bot.staff.services import STAFF_KEY

ACCESS_LOG_ROWS = 300


async def _page(request: web.Request, *, error: str | None = None, flash: str | None = None,
                status: int = 200) -> web.Response:
    services = request.app[STAFF_KEY]
    accounts = await services.db(services.accounts.all)
    now = services.now()
    rows = []
    for account in accounts:
        base = f"{PREFIX}/accounts/{account.username}"
        buttons = [{"action": f"{base}/disable", "label": "Disable"} if account.active
                   else {"action": f"{base}/enable", "label": "Enable"}]
        if account.locked(now) or account.failed_logins:
            buttons.append({"action": f"{base}/unlock", "label": "Unlock"})
        state = "active" if account.active else "disabled"
        if account.locked(now):
            state += f", locked until {fmt_time(account.locked_until)}"
        rows.append({"username": account.username, "display_name": account.display_name,
                     "role": account.role, "state": state,
                     "last_login_at": account.last_login_at, "buttons": buttons})
    return page(request, "accounts.html", title="Accounts", accounts=rows, roles=ROLES,
                error=error, flash=flash, status=status)


@require(roles.ACCOUNTS)
async def accounts_page(request: web.Request) -> web.Response:
    return await _page(request)


@require(roles.ACCOUNTS)
async def create_account(request: web.Request) -> web.Response:
    services = request.app[STAFF_KEY]
    form = await request.post()
    password = str(form.get("password", ""))
    try:
        check_new_password(password)
        hashed = await services.cpu(hash_password, password)
        account = await services.db(
            services.accounts.create, str(form.get("username", "")), hashed,
            role=str(form.get("role", "staff")), display_name=str(form.get("display_name", "")),
        )
    except AccountError as exc:
        return await _page(request, error=str(exc), status=400)
    await services.audit(request["staff"].account.username,
                         audit.ACCOUNT_CREATED, target=f"account:{account.username}")
    return see_other(f"{PREFIX}/accounts")


async def _change(request: web.Request, action: str) -> web.Response:
    services = request.app[STAFF_KEY]
    username = request.match_info["username"]
    me = request["staff"].account
    try:
        if action == audit.ACCOUNT_DISABLED:
            if username == me.username:
                raise AccountError("You cannot disable your own account.")
            account = await services.db(services.accounts.set_active, username, False)
            await services.db(services.sessions.end_all_for, account.id)
        elif action == audit.ACCOUNT_ENABLED:
            await services.db(services.accounts.set_active, username, True)
        else:
            await services.db(services.accounts.unlock, username)
    except AccountError as exc:
        return await _page(request, error=str(exc), status=400)
    await services.audit(me.username, action,
                         target=f"account:{username}")
    return see_other(f"{PREFIX}/accounts")


@require(roles.ACCOUNTS)
async def disable(request: web.Request) -> web.Response:
    return await _change(request, audit.ACCOUNT_DISABLED)


@require(roles.ACCOUNTS)
async def enable(request: web.Request) -> web.Response:
    return await _change(request, audit.ACCOUNT_ENABLED)


@require(roles.ACCOUNTS)
async def unlock(request: web.Request) -> web.Response:
    return await _change(request, audit.ACCOUNT_UNLOCKED)


@require(roles.ACCOUNTS)
async def access_log(request: web.Request) -> web.Response:
    services = request.app[STAFF_KEY]
    entries = await services.db(services.access_log.recent, ACCESS_LOG_ROWS)
    return page(request, "access_log.html", title="Access log", entries=entries,
                caption=f"The {ACCESS_LOG_ROWS} most recent entries, newest first")


def add_routes(app: web.Application) -> None:
    app.router.add_get(PREFIX + "/accounts", accounts_page)
    app.router.add_post(PREFIX + "/accounts", create_account)
    app.router.add_get(PREFIX + "/accounts/access-log", access_log)
    app.router.add_post(PREFIX + "/accounts/{username}/disable", disable)
    app.router.add_post(PREFIX + "/accounts/{username}/enable", enable)
    app.router.add_post(PREFIX + "/accounts/{username}/unlock", unlock)
