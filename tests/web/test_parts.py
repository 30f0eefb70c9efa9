"""The hub's small parts: origins, the rate limit, Rasa's replies, what the model understood,
the widget's files."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from bot.config import ConfigError
from bot.db.engine import get_engine
from bot.rasa.events import create_events_table
from bot.web import static
from bot.web.limits import TokenBucket
from bot.web.origins import OriginPolicy
from bot.web.rasa_client import RasaUnavailable, Reply, parse_replies
from bot.web.understanding import MESSAGE_ID_KEY, Understanding, read_understanding
from tests.web.conftest import ChatApp


@pytest.mark.parametrize(
    "origin, host, allowed",
    [
        ("http://localhost:3000", "hub.example", True),
        ("http://localhost:3001", "hub.example", False),  # exact port, no wildcards
        ("http://127.0.0.1:8080", "hub.example", True),
        ("http://localhost", "hub.example", False),  # port 80 is not listed
        ("https://localhost:3000", "hub.example", False),  # scheme matters
        ("http://localhost.evil.example", "hub.example", False),
        ("https://www.council.example", "hub.example", True),
        ("https://WWW.Council.Example:443", "hub.example", True),  # the same origin
        ("https://chat.www.council.example", "hub.example", False),  # no subdomains
        ("https://council.example", "hub.example", False),
        ("https://evil-council.example", "hub.example", False),
        ("https://chat.example", "chat.example", True),  # self (behind a TLS proxy)
        ("https://chat.example:8443", "chat.example", False),
        ("http://hub.example:8080", "hub.example:8080", True),
        ("null", "hub.example", False),
        ("", "hub.example", False),
        (None, "hub.example", False),
        ("https://www.council.example/path", "hub.example", False),
    ],
)
def test_origin_policy(origin, host, allowed):
    policy = OriginPolicy(["self", "http://localhost:3000", "http://127.0.0.1:8080",
                           "https://www.council.example"])
    assert policy.allows(origin, host) is allowed


def test_origin_policy_refuses_nonsense_entries():
    with pytest.raises(ValueError, match="not an origin"):
        OriginPolicy(["council.example"])
    with pytest.raises(ValueError, match="not an origin"):
        OriginPolicy(["https://www.council.example/chat"])


@pytest.mark.parametrize("entry", ["http://localhost:*", "https://*.council.example", "*"])
def test_origin_policy_refuses_wildcards(entry):
    with pytest.raises(ValueError, match="wildcards are not allowed"):
        OriginPolicy([entry])


def test_token_bucket_allows_a_burst_then_the_rate():
    now = [0.0]
    bucket = TokenBucket(rate_per_minute=30, burst=3, clock=lambda: now[0])
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    now[0] += 2.0  # 30 a minute: one every two seconds
    assert [bucket.take(), bucket.take()] == [True, False]
    now[0] += 600
    assert sum(bucket.take() for _ in range(10)) == 3  # never more than the burst


def test_replies_keep_text_and_buttons_only():
    replies = parse_replies([
        {"recipient_id": "r", "text": "Hello"},
        {"recipient_id": "r", "image": "https://example.org/x.png"},
        {"recipient_id": "r", "text": "Pick one", "buttons": [
            {"title": "Yes", "payload": "/affirm"}, {"title": "broken"}]},
        {"recipient_id": "r", "custom": {"any": "thing"}},
        "junk",
    ])
    assert replies == [Reply("Hello"), Reply("Pick one", [{"title": "Yes", "payload": "/affirm"}])]
    with pytest.raises(RasaUnavailable):
        parse_replies({"error": "oops"})


def test_understanding_is_read_from_rasas_events(db_url: str):
    engine = get_engine(db_url)
    assert read_understanding(engine, "someone", 1) is None  # no tracker store here
    with engine.begin() as connection:
        create_events_table(connection)
        for message_id, intent in ((7, "greet"), (8, "request_access")):
            data = {"event": "user", "metadata": {MESSAGE_ID_KEY: message_id},
                    "parse_data": {"intent": {"name": intent, "confidence": 0.8}}}
            connection.execute(
                text("INSERT INTO events (sender_id, type_name, data)"
                     " VALUES ('someone', 'user', :d)"),
                {"d": json.dumps(data)})
        connection.execute(text("INSERT INTO events (sender_id, type_name, data)"
                                " VALUES ('someone','bot','{}')"))
    assert read_understanding(engine, "someone", 7) == Understanding("greet", 0.8)
    assert read_understanding(engine, "someone", 8) == Understanding("request_access", 0.8)
    assert read_understanding(engine, "someone", 9) is None
    assert read_understanding(engine, "someone else", 7) is None


async def test_widget_files_are_served_from_static(chat: ChatApp, tmp_path, monkeypatch):
    monkeypatch.setattr(static, "STATIC_DIR", tmp_path / "static")
    assert (await chat.client.get("/widget.js")).status == 404  # not written yet
    (tmp_path / "static" / "img").mkdir(parents=True)
    (tmp_path / "static" / "widget.js").write_text("console.log('widget')")
    (tmp_path / "static" / "widget.css").write_text(".dpa-chat {}")
    (tmp_path / "static" / "demo.html").write_text("<!doctype html><title>demo</title>")
    (tmp_path / "static" / "img" / "icon.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("not for the web")

    js = await chat.client.get("/widget.js")
    assert js.status == 200 and "javascript" in js.headers["Content-Type"]
    assert js.headers["Cache-Control"] == "no-cache"
    assert "css" in (await chat.client.get("/widget.css")).headers["Content-Type"]
    assert "demo" in await (await chat.client.get("/")).text()
    assert (await chat.client.get("/static/img/icon.svg")).status == 200
    assert (await chat.client.get("/static/widget.js")).status == 200
    sneaky_paths = ("/static/../secret.txt", "/static/%2e%2e/secret.txt",
                    "/static/img/../../secret.txt")
    for sneaky in sneaky_paths:
        assert (await chat.client.get(sneaky)).status == 404, sneaky


def test_chat_settings_come_from_the_environment(monkeypatch, tmp_path):
    from bot.config import DEFAULT_CHAT_ORIGINS, load_settings

    monkeypatch.setenv("DPA_VAR_DIR", str(tmp_path / "var"))
    for name in ("CHAT_ALLOWED_ORIGINS", "CHAT_MAX_MESSAGE_CHARS", "CHAT_RATE_PER_MINUTE",
                 "CHAT_RATE_BURST", "CHAT_RASA_TIMEOUT_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    defaults = load_settings()
    assert defaults.chat_allowed_origins == DEFAULT_CHAT_ORIGINS
    assert (defaults.chat_max_message_chars, defaults.chat_rate_per_minute,
            defaults.chat_rate_burst, defaults.chat_rasa_timeout_seconds) == (1000, 30, 5, 30.0)
    OriginPolicy(defaults.chat_allowed_origins)  # the defaults parse

    monkeypatch.setenv("CHAT_ALLOWED_ORIGINS", " https://www.council.example , self ")
    monkeypatch.setenv("CHAT_MAX_MESSAGE_CHARS", "500")
    monkeypatch.setenv("CHAT_RASA_TIMEOUT_SECONDS", "7.5")
    changed = load_settings()
    assert changed.chat_allowed_origins == ("https://www.council.example", "self")
    assert changed.chat_max_message_chars == 500 and changed.chat_rasa_timeout_seconds == 7.5

    monkeypatch.setenv("CHAT_RATE_PER_MINUTE", "0")
    with pytest.raises(ConfigError, match="CHAT_RATE_PER_MINUTE must be greater than zero"):
        load_settings()
    monkeypatch.setenv("CHAT_RATE_PER_MINUTE", "30")
    monkeypatch.setenv("CHAT_RASA_TIMEOUT_SECONDS", "soon")
    with pytest.raises(ConfigError, match="CHAT_RASA_TIMEOUT_SECONDS must be a number"):
        load_settings()
