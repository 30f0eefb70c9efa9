"""Settings come from the environment with safe local defaults; secrets are generated once."""
from __future__ import annotations

import stat

import pytest

from bot.config import ConfigError, load_settings
from bot.rasa.endpoints import (
    TRACKER_STORE_TYPE,
    tracker_store_config,
    write_runtime_endpoints,
)
from bot.rasa.training import training_fingerprint


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in ("DATABASE_URL", "RASA_URL", "ACTION_SERVER_URL", "RASA_TOKEN", "SESSION_SECRET",
                 "COUNCIL_NATION", "RASA_PORT", "ACTION_PORT", "WEB_PORT", "RASA_URLS",
                 "RASA_WORKERS", "TRACKER_STORE_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DPA_VAR_DIR", str(tmp_path / "var"))
    return tmp_path / "var"


def test_defaults_run_locally(clean_env):
    settings = load_settings()
    assert settings.database_url == f"sqlite:///{clean_env / 'dpa.sqlite3'}"
    assert settings.rasa_url == "http://localhost:5005"
    assert settings.action_webhook_url == "http://localhost:5055/webhook"
    assert settings.council_nation == "england-and-wales"
    assert settings.web_port == 8080


def test_secrets_are_generated_once_private_and_reused(clean_env):
    first = load_settings()
    second = load_settings()
    assert first.rasa_token == second.rasa_token and len(first.rasa_token) >= 32
    assert first.session_secret != first.rasa_token
    mode = stat.S_IMODE((clean_env / "secrets.json").stat().st_mode)
    assert mode == 0o600


def test_environment_overrides(clean_env, monkeypatch):
    monkeypatch.setenv("RASA_TOKEN", "from-env")
    monkeypatch.setenv("COUNCIL_NATION", "Scotland")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db:5432/dpa")
    settings = load_settings()
    assert settings.rasa_token == "from-env"
    assert settings.council_nation == "scotland"
    assert settings.database_url.startswith("postgresql://")


def test_bad_values_are_refused_clearly(clean_env, monkeypatch):
    monkeypatch.setenv("COUNCIL_NATION", "atlantis")
    with pytest.raises(ConfigError, match="COUNCIL_NATION must be one of"):
        load_settings()
    monkeypatch.setenv("COUNCIL_NATION", "scotland")
    monkeypatch.setenv("WEB_PORT", "eighty")
    with pytest.raises(ConfigError, match="WEB_PORT must be a whole number"):
        load_settings()


def test_tracker_store_follows_database_url():
    assert tracker_store_config("sqlite:////srv/var/dpa.sqlite3") == {
        "type": TRACKER_STORE_TYPE, "dialect": "sqlite", "db": "/srv/var/dpa.sqlite3"}
    pg = tracker_store_config("postgresql://u:p@db:5432/dpa")
    assert pg["url"] == "postgresql://u:p@db:5432/dpa" and pg["dialect"] == "postgresql"


def test_runtime_endpoints_file(clean_env):
    path = write_runtime_endpoints(load_settings())
    text = path.read_text()
    assert "http://localhost:5055/webhook" in text and "dialect: sqlite" in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_training_fingerprint_changes_with_the_data(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "config.yml").write_text("a")
    (tmp_path / "domain.yml").write_text("b")
    (tmp_path / "data" / "nlu.yml").write_text("c")
    before = training_fingerprint(tmp_path)
    assert training_fingerprint(tmp_path) == before
    (tmp_path / "data" / "nlu.yml").write_text("c2")
    assert training_fingerprint(tmp_path) != before


def test_the_cli_turns_a_bad_setting_into_a_message_and_status_2(clean_env, monkeypatch, capsys):
    from bot.cli import main

    monkeypatch.setenv("COUNCIL_NATION", "atlantis")
    assert main(["cases"]) == 2
    err = capsys.readouterr().err
    assert "COUNCIL_NATION must be one of" in err
    assert "Traceback" not in err


def test_status_check_limits_and_their_secret(clean_env, monkeypatch):
    for name in ("STATUS_CHECK_SECRET", "STATUS_CHECK_MAX_FAILURES", "STATUS_CHECK_WINDOW_HOURS",
                 "STATUS_CHECK_MAX_FAILURES_PER_ADDRESS",
                 "STATUS_CHECK_MAX_FAILURES_UNKNOWN_ADDRESS"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert (settings.status_check_max_failures, settings.status_check_window_hours) == (5, 24)
    assert settings.status_check_max_failures_per_address == 20
    assert settings.status_check_max_failures_unknown_address == 20
    assert len(settings.status_check_secret) >= 32
    assert settings.status_check_secret not in (settings.session_secret, settings.action_token)
    assert load_settings().status_check_secret == settings.status_check_secret
    monkeypatch.setenv("STATUS_CHECK_MAX_FAILURES", "3")
    assert load_settings().status_check_max_failures == 3
    monkeypatch.setenv("STATUS_CHECK_WINDOW_HOURS", "0")
    with pytest.raises(ConfigError, match="STATUS_CHECK_WINDOW_HOURS must be greater than zero"):
        load_settings()
