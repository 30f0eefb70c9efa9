"""Every /staff route refuses strangers, checks CSRF, and keeps admin actions for admins.

The routes are read from the app's router, so a route added later is covered without
anyone remembering to add it here.
"""
from __future__ import annotations

import re

import pytest

from bot.staff.auth.security import PUBLIC_PATHS, is_staff_path
from tests.staff.conftest import Console

SAMPLE = {"reference": "DPA-0000-0000", "handoff_id": "1", "username": "sam",
          "item_id": "0123456789", "conversation": "0123456789abcdef",
          "image": "confusion_matrix.png", "complaint_id": "1", "message_id": "1",
          "document_id": "1"}


def staff_routes(app) -> list[tuple[str, str]]:
    routes = []
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter")
        if path is None or not is_staff_path(path) or route.method == "HEAD":
            continue
        concrete = re.sub(r"\{(\w+)(:[^}]*)?\}", lambda m: SAMPLE[m.group(1)], path)
        routes.append((route.method, concrete))
    return routes


async def test_there_are_many_staff_routes(console: Console):
    assert len(staff_routes(console.app)) >= 20


async def test_every_staff_route_refuses_anonymous_access(console: Console):
    for method, path in staff_routes(console.app):
        if path in PUBLIC_PATHS:
            continue
        response = await console.client.request(method, path, allow_redirects=False)
        body = await response.text()
        assert response.status in (303, 401), (method, path, response.status)
        if response.status == 303:
            assert response.headers["Location"].startswith("/staff/login"), (method, path)
        assert "DPA-" not in body and "Sam" not in body, (method, path)


async def test_unknown_staff_paths_do_not_reveal_anything_to_strangers(console: Console):
    response = await console.client.get("/staff/secret-admin-thing", allow_redirects=False)
    assert response.status == 303


async def test_every_post_route_refuses_a_missing_or_wrong_csrf_token(signed_in: Console):
    for method, path in staff_routes(signed_in.app):
        if method != "POST":
            continue
        missing = await signed_in.post(path, {}, csrf=False)
        wrong = await signed_in.post(path, {"csrf_token": "0" * 64}, csrf=False)
        as_json = await signed_in.post_json(path, {}, csrf=False)
        for response in (missing, wrong, as_json):
            assert response.status == 403, (path, response.status)
            assert "CSRF" in await response.text() or "not allowed" in await response.text()


async def test_a_post_from_another_site_is_refused_even_with_the_token(signed_in: Console):
    response = await signed_in.post("/staff/logout", headers={"Origin": "https://evil.example"})
    assert response.status == 403


async def test_login_form_needs_its_csrf_token_too(console: Console):
    await console.get("/staff/login")
    response = await console.post("/staff/login", {"username": "sam", "password": "x" * 20},
                                  csrf=False)
    assert response.status == 403


async def test_staff_cannot_reach_admin_actions(signed_in: Console):
    for method, path in staff_routes(signed_in.app):
        if not path.startswith("/staff/accounts"):
            continue
        response = await (signed_in.get(path, allow_redirects=False) if method == "GET"
                          else signed_in.post(path, {"username": "eve", "password": "x" * 20,
                                                     "role": "admin"}))
        assert response.status == 403, (method, path, response.status)
    assert "Accounts" not in await signed_in.page("/staff")


async def test_admin_can_create_an_account_staff_cannot(console: Console, accounts):
    await console.login("ada")
    await console.get("/staff/accounts")
    response = await console.post("/staff/accounts", {
        "username": "newbie", "display_name": "New Person", "role": "staff",
        "password": "another long password"})
    assert response.status == 303
    assert accounts.get("newbie").role == "staff"
    assert "newbie" in await console.page("/staff/accounts")
    assert "account created" in await console.page("/staff/accounts/access-log")


@pytest.mark.parametrize("path", ["/staff", "/staff/cases", "/staff/handoffs"])
async def test_trainers_see_no_cases_or_chats(console: Console, path: str):
    await console.login("tom")
    response = await console.get(path, allow_redirects=False)
    if path == "/staff":  # trainers land on their inbox instead of the dashboard
        assert response.status == 303 and response.headers["Location"] == "/staff/training"
    else:
        assert response.status == 403
