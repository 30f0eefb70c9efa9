"""Scale-out settings (docs/deployment.md): several Rasa servers, the tracker and lock stores,
and which live channel the hub uses."""
from __future__ import annotations

import pytest
import yaml

from bot.config import ConfigError, load_settings
from bot.rasa.endpoints import lock_store_config, write_runtime_endpoints
from bot.web.live_channel import (
    LiveChannel,
    PostgresChannel,
    RedisChannel,
    live_channel_for,
    psycopg2_arguments,
)
from bot.web.rasa_client import server_for

SCALE_OUT = ("DATABASE_URL", "RASA_URL", "RASA_URLS", "TRACKER_STORE_URL", "REDIS_URL")


@pytest.fixture
def env(monkeypatch, tmp_path):
    for name in SCALE_OUT:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DPA_VAR_DIR", str(tmp_path / "var"))
    return monkeypatch


def _endpoints() -> dict:
    return yaml.safe_load(write_runtime_endpoints(load_settings()).read_text())


def test_one_machine_has_no_lock_store_and_one_rasa(env):
    settings = load_settings()
    assert settings.rasa_servers == ("http://localhost:5005",)
    assert settings.tracker_store_database == settings.database_url
    endpoints = _endpoints()
    assert "lock_store" not in endpoints  # Rasa's default: in memory, right for one server
    assert endpoints["tracker_store"]["dialect"] == "sqlite"
    assert isinstance(live_channel_for(settings), LiveChannel)
    assert not live_channel_for(settings).shared


def test_several_rasa_servers_a_tracker_store_and_redis(env):
    env.setenv("DATABASE_URL", "postgresql://dpa:pw@db.internal/dpa")
    env.setenv("TRACKER_STORE_URL", "postgresql://rasa:pw@trackers.internal:5433/rasa")
    env.setenv("RASA_URLS", "http://rasa1:5005/, http://rasa2:5005")
    env.setenv("REDIS_URL", "redis://:s%40cret@redis.internal:6380/2")
    settings = load_settings()
    assert settings.rasa_servers == ("http://rasa1:5005", "http://rasa2:5005")
    endpoints = _endpoints()
    assert endpoints["tracker_store"]["url"] == "postgresql://rasa:pw@trackers.internal:5433/rasa"
    assert endpoints["lock_store"] == {
        "type": "redis", "url": "redis.internal", "port": 6380, "db": 2,
        "key_prefix": "dpa", "password": "s@cret"}
    assert isinstance(live_channel_for(settings), RedisChannel)


def test_postgres_without_redis_uses_listen_notify(env):
    env.setenv("DATABASE_URL", "postgresql+psycopg2://dpa:pw@db:5432/dpa?options=-csearch_path%3Dx")
    assert isinstance(live_channel_for(load_settings()), PostgresChannel)
    assert psycopg2_arguments(load_settings().database_url) == {
        "host": "db", "port": 5432, "user": "dpa", "password": "pw", "dbname": "dpa",
        "options": "-csearch_path=x", "connect_timeout": 10}


def test_lock_store_from_redis_urls():
    assert lock_store_config("redis://localhost") == {
        "type": "redis", "url": "localhost", "port": 6379, "db": 0, "key_prefix": "dpa"}
    tls = lock_store_config("rediss://me:pw@r.example:6390/1")
    assert tls["use_ssl"] is True and tls["username"] == "me" and tls["db"] == 1
    with pytest.raises(ConfigError, match="database after the host must be a number"):
        lock_store_config("redis://localhost/zero")


@pytest.mark.parametrize("name,value,message", [
    ("REDIS_URL", "localhost:6379", "must start with redis://"),
    ("RASA_URLS", "http://rasa1:5005,rasa2:5005", "is not an http"),
])
def test_bad_scale_out_settings_are_refused_clearly(env, name, value, message):
    env.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        load_settings()


def test_each_conversation_keeps_one_rasa_server_and_all_are_used():
    servers = ["http://a", "http://b", "http://c"]
    picks = {f"conversation-{n}": server_for(f"conversation-{n}", servers) for n in range(300)}
    assert all(server_for(c, servers) == s for c, s in picks.items())  # stable
    counts = [list(picks.values()).count(s) for s in servers]
    assert min(counts) > 60, counts  # spread over every server
    assert server_for("anything", ["http://only"]) == "http://only"
