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

SCALE_OUT = ("DATABASE_URL", "RASA_URL", "RASA_URLS", "RASA_PORT", "TRACKER_STORE_URL",
             "REDIS_URL")


@pytest.fixture
def env(monkeypatch, tmp_path):
    for name in SCALE_OUT:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DPA_VAR_DIR", str(tmp_path / "var"))
    return monkeypatch


def _endpoints() -> dict:
    return yaml.safe_load(write_runtime_endpoints(load_settings()).read_text())


def test_one_machine_has_no_lock_store_and_one_rasa(env):
    env.setenv("RASA_WORKERS", "1")
    settings = load_settings()
    assert settings.rasa_worker_urls == ("http://localhost:5005",)
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
    assert settings.rasa_worker_urls == ("http://rasa1:5005", "http://rasa2:5005")
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
