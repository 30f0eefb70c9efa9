"""Signing in and out, sessions, lockout, throttling, cookies and security headers."""
from __future__ import annotations

from bot.staff.auth.security import CONTENT_SECURITY_POLICY, PRELOGIN_COOKIE, SESSION_COOKIE
from tests.staff.conftest import PASSWORD, Console


async def test_login_sets_a_strict_httponly_session_cookie(console: Console):
    response = await console.login("sam")
    assert response.status == 303 and response.headers["Location"] == "/staff"
    cookie = response.cookies[SESSION_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/staff"
    assert not cookie["secure"]  # plain http in tests; "auto" marks it Secure over https
    assert "Dashboard" in await console.page("/staff")


async def test_cookie_is_secure_when_configured(make_console, accounts):
    console = await make_console(staff_cookie_secure="true")
    response = await console.client.get("/staff/login")
    assert response.cookies[PRELOGIN_COOKIE]["secure"]
    assert response.cookies[PRELOGIN_COOKIE]["httponly"]


async def test_wrong_password_and_unknown_user_get_the_same_answer(console: Console):
    wrong = await console.login("sam", "not the password at all")
    unknown = await console.login("nobody", "not the password at all")
    assert wrong.status == unknown.status == 401
    assert SESSION_COOKIE not in wrong.cookies
    text_wrong, text_unknown = await wrong.text(), await unknown.text()
    assert "Sign-in failed" in text_wrong and "Sign-in failed" in text_unknown


async def test_lockout_after_repeated_failures_then_unlock_after_the_wait(console: Console,
                                                                          clock, accounts):
    for _ in range(console.settings.staff_login_max_failures):
        assert (await console.login("sam", "wrong password!!")).status == 401
    assert accounts.get("sam").locked(clock())
    # Locked: even the right password is refused, with the same message.
    assert (await console.login("sam", PASSWORD)).status == 401
    clock.advance(minutes=console.settings.staff_lockout_minutes + 1)
    assert (await console.login("sam", PASSWORD)).status == 303


async def test_sign_in_attempts_are_throttled_per_address(console: Console):
    statuses = [(await console.login(f"user{n}", "wrong password!!")).status for n in range(12)]
    assert statuses[:10] == [401] * 10 and 429 in statuses[10:]


async def test_disabled_account_cannot_sign_in_and_loses_its_sessions(signed_in: Console,
                                                                      accounts):
    accounts.set_active("sam", False)
    response = await signed_in.get("/staff/cases", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"].startswith("/staff/login")
    assert (await signed_in.login("sam")).status == 401


async def test_logout_ends_the_session_on_the_server(signed_in: Console):
    cookie = signed_in.client.session.cookie_jar.filter_cookies(
        signed_in.client.make_url("/staff"))[SESSION_COOKIE].value
    response = await signed_in.post("/staff/logout")
    assert response.status == 303
    # Replaying the old cookie does not work: the session is gone, not just the cookie.
    replay = await signed_in.client.get("/staff/cases", allow_redirects=False,
                                        cookies={SESSION_COOKIE: cookie})
    assert replay.status == 303


async def test_session_expires_after_idle_time(signed_in: Console, clock):
    assert (await signed_in.get("/staff/cases")).status == 200
    clock.advance(minutes=signed_in.settings.staff_session_idle_minutes + 1)
    response = await signed_in.get("/staff/cases", allow_redirects=False)
    assert response.status == 303


async def test_session_ends_after_its_maximum_life_even_when_used(signed_in: Console, clock):
    for _ in range(signed_in.settings.staff_session_max_hours * 3):
        clock.advance(minutes=20)
        response = await signed_in.get("/staff/cases", allow_redirects=False)
        if response.status != 200:
            break
    assert response.status == 303


async def test_next_parameter_only_leads_inside_the_console(console: Console):
    await console.get("/staff/login")
    response = await console.post("/staff/login", {"username": "sam", "password": PASSWORD,
                                                   "next": "https://evil.example/"})
    assert response.headers["Location"] == "/staff"


async def test_security_headers_on_pages_and_errors(console: Console):
    for path in ("/staff/login", "/staff/cases", "/staff/nothing-here"):
        response = await console.client.get(path, allow_redirects=False)
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, path
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["Cache-Control"] == "no-store"


async def test_pages_have_no_inline_script_or_style(signed_in: Console):
    html = await signed_in.page("/staff")
    assert "<script>" not in html and "style=" not in html and " on" + "click=" not in html


async def test_login_is_written_to_the_access_log(signed_in: Console):
    from bot.db.engine import get_engine, make_session_factory
    from bot.staff.audit import AccessLog

    log = AccessLog(make_session_factory(get_engine(signed_in.settings.database_url)))
    assert [(e.username, e.action) for e in log.recent()][-1] == ("sam", "login")

