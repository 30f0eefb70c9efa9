"""The whole stack answers: Rasa through its REST channel, its HTTP API, the action
server and the web app, started exactly as `dpa run` starts them."""
from __future__ import annotations

import json
import urllib.request

import pytest

pytestmark = pytest.mark.e2e


def _post(url: str, payload: dict, headers: dict | None = None) -> object:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def _get(url: str) -> object:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def test_rest_channel_greets_as_an_automated_assistant(stack, stack_settings):
    replies = _post(
        f"{stack_settings.rasa_url}/webhooks/rest/webhook",
        {"sender": "e2e-greeting", "message": "hello there"},
    )
    assert replies, "Rasa answered with no messages"
    text = " ".join(reply.get("text", "") for reply in replies).lower()
    assert "automated" in text


def test_http_api_needs_the_token(stack, stack_settings):
    url = f"{stack_settings.rasa_url}/model/parse"
    with pytest.raises(urllib.error.HTTPError) as refused:
        _post(url, {"text": "hello"})
    assert refused.value.code == 401
    parsed = _post(f"{url}?token={stack_settings.rasa_token}", {"text": "good morning"})
    assert parsed["intent"]["name"] == "greet"


def test_tracker_is_stored_in_the_shared_database(stack, stack_settings):
    sender = "e2e-tracker"
    _post(f"{stack_settings.rasa_url}/webhooks/rest/webhook", {"sender": sender, "message": "hi"})
    tracker = _get(
        f"{stack_settings.rasa_url}/conversations/{sender}/tracker?token={stack_settings.rasa_token}"
    )
    assert tracker["sender_id"] == sender
    assert tracker["latest_message"]["intent"]["name"] == "greet"

    import sqlalchemy as sa

    engine = sa.create_engine(stack_settings.database_url, future=True)
    with engine.connect() as connection:
        count = connection.execute(
            sa.text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}
        ).scalar_one()
    engine.dispose()
    assert count > 0


def test_action_server_and_web_app_answer(stack, stack_settings):
    assert _get(f"{stack_settings.action_server_url}/health")["status"] == "ok"
    health = _get(f"http://127.0.0.1:{stack_settings.web_port}/health")
    assert {k: health[k] for k in ("status", "hub", "rasa", "action_server")} == {
        "status": "ok", "hub": "ok", "rasa": "ok", "action_server": "ok"}
    assert health["outbox"] == {"pending": 0, "oldest": None}
