"""Resident ids are issued and signed by the hub; made-up ones and other origins are refused.

Before: any 22+ URL-safe characters opened (or created) the conversation of that name, so
22 ``a``s read and wrote whatever conversation had that id, and a page on any local port
could open the socket.
"""
from __future__ import annotations

import secrets

import aiohttp
import pytest

from bot.web.resident_ids import ResidentIds, new_conversation_id
from tests.web.conftest import ChatApp


def _one_character_changed(resident: str, at: int) -> str:
    swapped = "B" if resident[at] == "A" else "A"
    return resident[:at] + swapped + resident[at + 1:]


async def _ws_status(chat: ChatApp, resident: str, origin: str | None = None) -> int:
    try:
        ws = await chat.client.ws_connect(
            "/chat/ws", params={"resident": resident}, headers={"Origin": origin or chat.origin}
        )
    except aiohttp.WSServerHandshakeError as refused:
        return refused.status
    await ws.close()
    return 101


async def _made_up(chat: ChatApp) -> list[str]:
    issued = await chat.issue()
    dot = issued.index(".")
    return [
        "a" * 22,
        secrets.token_urlsafe(16),
        secrets.token_urlsafe(32),
        new_conversation_id(),  # the right shape, never signed
        f"{new_conversation_id()}.{issued[dot + 1:]}",  # another id's signature
        _one_character_changed(issued, 0),  # the conversation half
        _one_character_changed(issued, dot + 1),  # the signature half
        _one_character_changed(issued, len(issued) - 1),
        issued + "A",
        issued[:-1],
        ResidentIds("another-secret").issue(),  # signed, but not with this hub's secret
    ]


async def test_the_hub_issues_long_random_signed_ids(chat: ChatApp):
    ids = {await chat.issue() for _ in range(20)}
    assert len(ids) == 20
    for resident in ids:
        conversation, tag = resident.split(".")
        assert len(conversation) * 6 >= 128 and len(tag) * 6 >= 128
        assert ResidentIds(chat.settings.session_secret).conversation_id(resident) == conversation


async def test_made_up_ids_are_refused_by_the_transcript_and_the_socket(chat: ChatApp):
    for resident in await _made_up(chat):
        response = await chat.client.get(
            "/chat/transcript", params={"resident": resident}, headers={"Origin": chat.origin}
        )
        assert response.status == 403, resident
        body = await response.json()
        assert body["error"] == "resident_not_valid" and "POST /chat/session" in body["text"]
        # The widget reads this to start afresh, so an allowed page may read it.
        assert response.headers["Access-Control-Allow-Origin"] == chat.origin
        assert await _ws_status(chat, resident) == 403, resident


async def test_an_issued_id_works_and_comes_back_on_a_second_socket(chat: ChatApp):
    resident = await chat.issue()
    ws = await chat.client.ws_connect(
        "/chat/ws", params={"resident": resident}, headers={"Origin": chat.origin}
    )
    history = await ws.receive_json(timeout=5)
    assert history == {"type": "history", "messages": [], "mode": "assistant"}
    await ws.send_json({"type": "message", "text": "hello", "client_id": "c-1"})
    while (await ws.receive_json(timeout=5)) != {"type": "typing", "on": False}:
        pass
    await ws.close()

    # A reload: the same id, a new socket, the conversation so far.
    again = await chat.client.ws_connect(
        "/chat/ws", params={"resident": resident}, headers={"Origin": chat.origin}
    )
    history = await again.receive_json(timeout=5)
    assert [m["text"] for m in history["messages"]] == ["hello", "You said: hello"]
    await again.close()
    response = await chat.client.get("/chat/transcript", params={"resident": resident})
    assert (await response.json())["messages"] == history["messages"]


async def test_the_conversation_is_kept_under_the_unsigned_half(chat: ChatApp, rasa):
    """Rasa, the transcripts and the staff console know only the random half: read from
    the database or a tracker, it opens nothing without the signature."""
    resident = await chat.issue()
    conversation = resident.split(".")[0]
    tab = await chat.open(conversation)
    await tab.say("hello")
    await tab.next("typing", on=False)
    assert rasa.received[-1]["sender"] == conversation
    transcript = await chat.hub.transcript(conversation)
    assert [m["text"] for m in transcript["messages"]][0] == "hello"
    assert await _ws_status(chat, conversation) == 403


async def test_an_id_from_before_a_new_session_secret_is_refused(make_chat):
    before = await make_chat(session_secret="the-old-secret")
    resident = await before.issue()
    after = await make_chat(session_secret="the-new-secret")
    assert await _ws_status(after, resident) == 403
    assert await _ws_status(before, resident) == 101


async def test_ids_are_issued_only_to_allowed_origins(chat: ChatApp):
    for origin in ("https://evil.example", f"http://127.0.0.1:{chat.client.port + 1}"):
        response = await chat.client.post("/chat/session", headers={"Origin": origin})
        assert response.status == 403, origin
        assert "Access-Control-Allow-Origin" not in response.headers
    response = await chat.client.post("/chat/session")  # browsers always send Origin on POST
    assert response.status == 403
    response = await chat.client.post("/chat/session", headers={"Origin": chat.origin})
    assert response.status == 200
    assert response.headers["Access-Control-Allow-Origin"] == chat.origin
    assert response.headers["Cache-Control"] == "no-store"


async def test_only_the_configured_origin_is_accepted_not_another_port(make_chat):
    chat = await make_chat(chat_allowed_origins=("self", "http://localhost:8000"))
    resident = await chat.issue()
    assert await _ws_status(chat, resident, origin="http://localhost:8000") == 101
    assert await _ws_status(chat, resident, origin=chat.origin) == 101  # self
    for other in ("http://localhost:8001", "http://localhost", "https://localhost:8000",
                  "http://127.0.0.1:8000", "http://sub.localhost:8000"):
        assert await _ws_status(chat, resident, origin=other) == 403, other
        response = await chat.client.get(
            "/chat/transcript", params={"resident": resident}, headers={"Origin": other}
        )
        assert response.status == 403, other


async def test_the_default_origins_are_the_web_app_itself_only(chat: ChatApp):
    resident = await chat.issue()
    assert await _ws_status(chat, resident) == 101
    other_port = f"http://127.0.0.1:{chat.client.port + 1}"
    for origin in (other_port, "http://localhost:3000"):
        assert await _ws_status(chat, resident, origin=origin) == 403, origin


def test_wildcard_origins_are_a_configuration_error(settings):
    from dataclasses import replace

    from bot.config import ConfigError
    from bot.web.app import create_app

    for entry in ("http://localhost:*", "https://*.council.example"):
        with pytest.raises(ConfigError, match="wildcards are not allowed"):
            create_app(replace(settings, chat_allowed_origins=("self", entry)))
