"""What the benchmark runs against: the real stack on free ports, or the web app alone
talking to a stand-in for Rasa that answers after a fixed delay."""
from __future__ import annotations

import asyncio
import os
import socket
import sys
import threading
from pathlib import Path

from aiohttp import web

# The hub's per-connection rate limit protects against people; simulated residents type
# faster than people, so the benchmark's stack raises it.
BENCH_ENV = {"CHAT_RATE_PER_MINUTE": "100000", "CHAT_RATE_BURST": "1000"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_ports(count: int) -> int:
    """The first of ``count`` consecutive free ports (for ``count`` Rasa servers)."""
    from bot.rasa.ports import port_is_free

    for _ in range(50):
        first = free_port()
        if all(port_is_free("127.0.0.1", first + n) for n in range(1, count)):
            return first
    raise RuntimeError(f"no {count} consecutive free ports")


def fresh_postgres_database(server_url: str, name: str) -> str:
    """A new, empty database ``name`` on the PostgreSQL server at ``server_url`` (dropped
    first if a run before left it), and its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    if not name.isidentifier():
        raise ValueError(f"not a database name: {name!r}")
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def start_stack(var_dir: Path, workers: int = 1, *, profile_web: bool = False,
                database_url: str | None = None):
    """The real stack on free ports with its own database, as tests/e2e does, with
    ``workers`` Rasa servers (``profile_web``: the web app under
    :mod:`bot.tools.bench_chat.web_profile`). The database is a SQLite file in
    ``var_dir`` unless ``database_url`` names another (cases, transcripts and Rasa's
    tracker store all go there, as in ``dpa run``)."""
    from bot.config import load_settings
    from bot.db.schema import upgrade_database
    from bot.rasa.stack import Stack, build_services
    from bot.rasa.training import model_is_current, model_path

    ports = {"RASA_PORT": free_ports(workers), "ACTION_PORT": free_port(),
             "WEB_PORT": free_port()}
    os.environ.update({
        "DPA_VAR_DIR": str(var_dir),
        "DATABASE_URL": database_url or f"sqlite:///{var_dir / 'dpa.sqlite3'}",
        "RASA_URL": f"http://127.0.0.1:{ports['RASA_PORT']}",
        "RASA_WORKERS": str(workers),
        "RASA_URLS": ",".join(f"http://127.0.0.1:{ports['RASA_PORT'] + n}"
                              for n in range(workers)),
        "ACTION_SERVER_URL": f"http://127.0.0.1:{ports['ACTION_PORT']}",
        **{name: str(port) for name, port in ports.items()},
        **BENCH_ENV,
    })
    settings = load_settings()
    model = model_path(settings.model_dir)
    if not model.exists():
        raise SystemExit(f"no trained model at {model}: run `make model` first")
    if not model_is_current(settings.model_dir):
        print("note: the model is older than the training data; benchmarking it as it is",
              flush=True)
    upgrade_database(settings.database_url)
    services = build_services(settings, model)
    if profile_web:
        for service in services:
            if service.name == "web app":
                service.argv = ["bot.tools.bench_chat.web_profile" if arg == "bot.web" else arg
                                for arg in service.argv]
    stack = Stack(services, var_dir / "logs")
    stack.start(timeout=420, report=lambda line: print(f"  {line}", flush=True))
    return stack, settings


class FixedLatencyRasa:
    """A stand-in for Rasa's REST channel that answers every turn after a fixed delay.

    With Rasa's own (load-dependent) time taken out, what remains of a turn through the hub
    is the hub's own cost. Runs in its own thread and event loop, so the load generator
    cannot slow it down.
    """

    def __init__(self, delay_ms: float) -> None:
        self.delay = delay_ms / 1000.0
        self.port = free_port()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FixedLatencyRasa:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=30)
        return self

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_get("/", self._root)
        app.router.add_post("/webhooks/rest/webhook", self._turn)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def _root(self, _request: web.Request) -> web.Response:
        return web.Response(text="Hello from a stand-in for Rasa")

    async def _turn(self, request: web.Request) -> web.Response:
        turn = await request.json()
        await asyncio.sleep(self.delay)
        return web.json_response([
            {"recipient_id": turn.get("sender"), "text": "A fixed reply from a stand-in."}
        ])


def start_web_app_only(var_dir: Path, rasa_url: str):
    """The web app alone (as ``dpa run`` starts it), talking to ``rasa_url``."""
    from bot.config import load_settings
    from bot.db.engine import get_engine
    from bot.db.schema import upgrade_database
    from bot.rasa.events import create_events_table
    from bot.rasa.stack import Service, Stack

    port = free_port()
    database_url = f"sqlite:///{var_dir / 'dpa.sqlite3'}"
    env = {"DPA_VAR_DIR": str(var_dir), "DATABASE_URL": database_url, "RASA_URL": rasa_url,
           "RASA_URLS": rasa_url, "RASA_WORKERS": "1",
           "ACTION_SERVER_URL": f"http://127.0.0.1:{free_port()}", "WEB_PORT": str(port),
           **BENCH_ENV}
    os.environ.update(env)
    load_settings()  # creates var/secrets.json as the web app expects
    upgrade_database(database_url)
    # Rasa's tracker store table, empty, so the hub's intent lookup runs as in production.
    create_events_table(get_engine(database_url))
    web_app = Service(
        name="web app",
        argv=[sys.executable, "-m", "bot.web", "--host", "127.0.0.1", "--port", str(port)],
        health_url=f"http://127.0.0.1:{port}/health",
        listens_on=f"http://localhost:{port}/",
        env=env,
    )
    stack = Stack([web_app], var_dir / "logs")
    stack.start(timeout=120, report=lambda line: print(f"  {line}", flush=True))
    return stack, f"http://127.0.0.1:{port}"
