"""The gate in front of ``/staff``: sign-in, roles, CSRF, security headers.

Secure by default: every route under ``/staff`` needs a signed-in account *and* a permission
declared on its handler with :func:`require`; a handler without one is refused (so a new
route cannot be left open by forgetting). Only :data:`PUBLIC_PATHS` (the login page) are
reachable signed out. Every request that is not GET or HEAD must carry the CSRF token, and
an ``Origin`` header, if the browser sent one, must be this site.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from aiohttp import web

from bot.staff.auth import csrf, roles
from bot.staff.services import STAFF_KEY

PREFIX = "/staff"
PUBLIC_PATHS = frozenset({"/staff/login"})
SESSION_COOKIE = "dpa_staff_session"
PRELOGIN_COOKIE = "dpa_staff_prelogin"
SAFE_METHODS = frozenset({"GET", "HEAD"})

# No inline script or style anywhere; nothing from other origins; never framed.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on form posts,
    # and the Origin check would refuse them. Other sites still get no Referer.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def require(permission: str) -> Callable[[Handler], Handler]:
    """Declare what a handler needs (see :mod:`bot.staff.auth.roles`)."""

    def mark(handler: Handler) -> Handler:
        handler.staff_permission = permission  # type: ignore[attr-defined]
        return handler

    return mark


def public(handler: Handler) -> Handler:
    handler.staff_permission = None  # type: ignore[attr-defined]
    return handler


def is_staff_path(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def wants_json(request: web.Request) -> bool:
    return (
        request.path.startswith(PREFIX + "/api/")
        or "application/json" in request.headers.get("Accept", "")
        or request.headers.get("Content-Type", "").startswith("application/json")
    )


def cookie_secure(request: web.Request) -> bool:
    setting = request.app[STAFF_KEY].settings.staff_cookie_secure
    return request.secure if setting == "auto" else setting == "true"


def set_cookie(response: web.StreamResponse, request: web.Request, name: str, value: str) -> None:
    response.set_cookie(
        name, value, path=PREFIX, httponly=True, samesite="Strict", secure=cookie_secure(request)
    )


def clear_cookie(response: web.StreamResponse, request: web.Request, name: str) -> None:
    response.del_cookie(name, path=PREFIX)


def csrf_binding(request: web.Request) -> str | None:
    """What the CSRF token is bound to: the session token, or the pre-login cookie."""
    signed_in = request.get("staff")
    if signed_in is not None:
        return signed_in.token
    return request.cookies.get(PRELOGIN_COOKIE)


def csrf_token(request: web.Request) -> str:
    binding = csrf_binding(request) or request.get("prelogin_binding")
    if not binding:
        return ""
    return request.app[STAFF_KEY].csrf.token_for(binding)


def _refuse(request: web.Request, status: int, message: str) -> web.StreamResponse:
    if wants_json(request):
        return web.json_response({"error": message}, status=status)
    return web.Response(status=status, text=message)


def _same_origin(request: web.Request) -> bool:
    origin = request.headers.get("Origin")
    if origin is None:  # older browsers on same-origin form posts; the CSRF token still counts
        return True
    return origin in (f"{request.scheme}://{request.host}", f"https://{request.host}",
                      f"http://{request.host}")


@web.middleware
async def staff_gate(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not is_staff_path(request.path):
        return await handler(request)
    services = request.app[STAFF_KEY]
    token = request.cookies.get(SESSION_COOKIE)
    signed_in = await services.db(services.sessions.resolve, token) if token else None
    request["staff"] = signed_in

    permission = getattr(request.match_info.handler, "staff_permission", "missing")
    is_public = request.path in PUBLIC_PATHS and permission is None
    if request.match_info.http_exception is not None:
        # Unknown paths and methods: say nothing about what exists to someone signed out.
        if signed_in is None:
            return _login_redirect_or_401(request)
        raise request.match_info.http_exception
    if not is_public:
        if signed_in is None:
            return _login_redirect_or_401(request)
        if permission == "missing" or permission is None or not roles.allowed(
            signed_in.account.role, permission
        ):
            return _refuse(request, 403, "Your account is not allowed to do that.")
    if request.method not in SAFE_METHODS:
        if not _same_origin(request):
            return _refuse(request, 403, "Request refused: it came from another site.")
        presented = request.headers.get(csrf.HEADER)
        if presented is None and request.content_type in (
            "application/x-www-form-urlencoded", "multipart/form-data"
        ):
            field = (await request.post()).get(csrf.FIELD)
            presented = field if isinstance(field, str) else None
        if not services.csrf.valid(csrf_binding(request), presented):
            return _refuse(request, 403, "Request refused: the form had expired or was not "
                                         "sent by this console (CSRF check). Reload the page.")
    return await handler(request)


def _login_redirect_or_401(request: web.Request) -> web.StreamResponse:
    streaming = "text/event-stream" in request.headers.get("Accept", "")
    if request.method in SAFE_METHODS and not wants_json(request) and not streaming:
        target = request.path_qs if request.path != PREFIX + "/logout" else PREFIX
        raise web.HTTPSeeOther(f"{PREFIX}/login?next={quote(target, safe='')}")
    return _refuse(request, 401, "Sign in to the staff console first.")


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """On every ``/staff`` response, errors and streams included."""
    if is_staff_path(request.path):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        # Personal data: never kept in a browser's or proxy's cache.
        response.headers["Cache-Control"] = "no-store"
        if cookie_secure(request) and request.secure:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )


def client_address(request: web.Request) -> str:
    return request.remote or "unknown"


def signed_in(request: web.Request) -> Any:
    return request["staff"]
