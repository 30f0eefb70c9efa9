"""Shared fixtures: the real stack (trained model, Rasa, action server, web app) on free ports.

One stack per test session: starting Rasa costs tens of seconds on two cores. It uses its
own var directory and SQLite database, so it never touches a developer's var/.
"""
from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings, load_settings
from bot.db.schema import upgrade_database
from bot.rasa.ports import port_is_free
from bot.rasa.stack import Stack, build_services
from bot.rasa.training import ensure_trained, model_path
from tests.fixtures.smtp import Inbox, smtp_server_on

# The real-database fixtures (database_url, migrated_url, repo, clock, postgres, ...) for
# every test module: tests/fixtures/databases.py; Redis (redis, redis_url):
# tests/fixtures/services.py.
pytest_plugins = ("tests.fixtures.databases", "tests.fixtures.services")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_ports(count: int) -> int:
    """The first of ``count`` consecutive free ports (dpa run's Rasa servers take RASA_PORT
    and the next ones)."""
    for _ in range(50):
        first = free_port()
        if all(port_is_free("127.0.0.1", first + n) for n in range(1, count)):
            return first
    raise RuntimeError(f"no {count} consecutive free ports")


@pytest.fixture(scope="session")
def council_site_port() -> int:
    """Where the browser tests serve a council's page on another origin
    (``http://localhost:PORT``): the stack allows exactly that origin, no wildcards."""
    return free_port()


@pytest.fixture(scope="session")
def stack_smtp() -> Iterator[tuple[Inbox, int]]:
    """A real local SMTP server the session stack's web app delivers its mail outbox to."""
    port = free_port()
    with smtp_server_on(port) as inbox:
        yield inbox, port


@pytest.fixture(scope="session")
def stack_settings(
    tmp_path_factory: pytest.TempPathFactory, council_site_port: int,
    stack_smtp: tuple[Inbox, int],
) -> Iterator[Settings]:
    var_dir: Path = tmp_path_factory.mktemp("var")
    yield from stack_environment(
        var_dir, var_dir / "dpa.sqlite3",
        {"CHAT_ALLOWED_ORIGINS": f"self,http://localhost:{council_site_port}",
         # Mail leaves through real SMTP (aiosmtpd, no TLS on loopback), checked often.
         "SMTP_URL": f"smtp://127.0.0.1:{stack_smtp[1]}?starttls=off",
         "MAIL_SEND_INTERVAL_SECONDS": "1",
         # Two Rasa workers, as dpa run starts on this two-core machine: every end-to-end
         # test goes through the hub's routing (tests/e2e/test_workers.py checks it).
         "RASA_WORKERS": "2"},
    )


def stack_environment(var_dir: Path, database: Path,
                      extra: dict[str, str] | None = None) -> Iterator[Settings]:
    """Settings for a stack of its own (var dir, SQLite file, free ports), set in the
    environment for the parts it starts, and put back afterwards (a fixture's body).

    One Rasa server unless ``extra`` sets RASA_WORKERS (each costs tens of seconds to start
    and several hundred MB)."""
    extra = {"RASA_WORKERS": "1", **(extra or {})}
    workers = int(extra["RASA_WORKERS"])
    ports = {"RASA_PORT": free_ports(workers), "ACTION_PORT": free_port(),
             "WEB_PORT": free_port()}
    overrides = {
        "DPA_VAR_DIR": str(var_dir),
        "RASA_URLS": ",".join(f"http://127.0.0.1:{ports['RASA_PORT'] + n}"
                              for n in range(workers)),
        "DATABASE_URL": f"sqlite:///{database}",
        "RASA_URL": f"http://127.0.0.1:{ports['RASA_PORT']}",
        "ACTION_SERVER_URL": f"http://127.0.0.1:{ports['ACTION_PORT']}",
        **extra,
        **{name: str(port) for name, port in ports.items()},
    }
    saved = {name: os.environ.get(name) for name in overrides}
    os.environ.update(overrides)
    try:
        yield load_settings()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(scope="session")
def stack(stack_settings: Settings) -> Iterator[Stack]:
    model_dir = load_settings().model_dir
    ensure_trained(model_dir)
    upgrade_database(stack_settings.database_url)
    running = Stack(
        build_services(stack_settings, model_path(model_dir)), stack_settings.var_dir / "logs"
    )
    running.start(timeout=420)
    try:
        yield running
    finally:
        running.stop()
