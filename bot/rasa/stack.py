"""Start and stop the processes: Rasa server(s), action server, web app.

``RASA_WORKERS`` Rasa servers (default: one per core) listen on consecutive ports from
``RASA_PORT``; the web app routes each conversation to one of them (:mod:`bot.rasa.routing`).

Used by ``dpa run`` (and so ``make run``) and by the end-to-end tests, which start the
same stack on free ports. Each process writes to its own log under ``var/logs/``; a part
that does not come up is named with its exit status and the end of its log. Parts die with
the runner (a parent-death signal, and a process group each), and a runner refuses to start
while a port it needs is held by another process. Restarting a part that dies later is
:mod:`bot.rasa.supervisor`'s job.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from bot.config import PROJECT_ROOT, Settings
from bot.rasa.endpoints import write_runtime_endpoints
from bot.rasa.ports import holder, port_is_free


class ServiceFailed(RuntimeError):
    """A service exited or never became healthy; the message says which and why."""


# Enough for Rasa to finish a turn and close its database connections; the whole stack
# stops within STOP_GRACE_SECONDS + a second or two (SIGKILL after it).
STOP_GRACE_SECONDS = 7.0
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM us when the runner dies, even by SIGKILL (Linux)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:  # not Linux: the process group and stop() still apply
        pass


@dataclass
class Service:
    """One process of the stack and how to tell that it is ready."""

    name: str
    argv: Sequence[str]
    health_url: str
    listens_on: str
    env: dict[str, str] = field(default_factory=dict)
    log_path: Path | None = None
    process: subprocess.Popen | None = None
    port: int | None = None  # checked free before the service starts
    host: str = "127.0.0.1"

    def log_tail(self, lines: int = 25) -> str:
        if self.log_path is None or not self.log_path.exists():
            return "(no log)"
        text = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(text[-lines:]) or "(log is empty)"


def _python() -> str:
    return sys.executable


def rasa_worker_names(workers: int) -> list[str]:
    """``rasa server`` alone; ``rasa server 1`` ... ``rasa server N`` when there are several."""
    return ["rasa server"] if workers == 1 else [f"rasa server {n}" for n in range(1, workers + 1)]


def rasa_worker_ports(settings: Settings) -> list[int]:
    """The ports dpa run starts its Rasa servers on: RASA_PORT and the next ones."""
    return [settings.rasa_port + n for n in range(settings.rasa_workers)]


def build_services(settings: Settings, model_path: Path) -> list[Service]:
    """The services with their command lines, from the settings: the action server, the
    Rasa servers and the web app."""
    endpoints = write_runtime_endpoints(settings)
    common_env = {
        "DATABASE_URL": settings.database_url,
        "RASA_URL": settings.rasa_url,
        # The hub routes to exactly the servers started here, unless RASA_URLS names others.
        "RASA_URLS": ",".join(settings.rasa_worker_urls),
        "RASA_WORKERS": str(settings.rasa_workers),
        "ACTION_SERVER_URL": settings.action_server_url,
        # Secrets travel in the environment (readable only by their owner), never in argv.
        "RASA_TOKEN": settings.rasa_token,
        "ACTION_SERVER_TOKEN": settings.action_token,
        "STATUS_CHECK_SECRET": settings.status_check_secret,
        "ACTION_HOST": settings.action_host,
        "COUNCIL_NATION": settings.council_nation,
        "DPA_VAR_DIR": str(settings.var_dir),
        "WEB_PORT": str(settings.web_port),
        "RASA_PORT": str(settings.rasa_port),
        "ACTION_PORT": str(settings.action_port),
    }
    host = settings.web_host
    rasa_servers = [
        Service(
            name=name,
            argv=[
                _python(), "-m", "bot.rasa.server",  # `rasa run`, its token from RASA_TOKEN
                "--model", str(model_path),
                "--endpoints", str(endpoints),
                "--credentials", str(PROJECT_ROOT / "credentials.yml"),
                "--interface", host,
                "--port", str(port),
            ],
            health_url=f"http://127.0.0.1:{port}/",
            listens_on=f"http://localhost:{port}/webhooks/rest/webhook",
            env=common_env,
            port=port,
            host=host,
        )
        for name, port in zip(rasa_worker_names(settings.rasa_workers),
                              rasa_worker_ports(settings), strict=True)
    ]
    return [
        Service(
            name="action server",
            argv=[
                _python(), "-m", "bot.rasa.action_server",
                "--host", settings.action_host,
                "--port", str(settings.action_port),
            ],
            health_url=f"http://127.0.0.1:{settings.action_port}/health",
            listens_on=f"http://localhost:{settings.action_port}/webhook",
            env=common_env,
            port=settings.action_port,
            host=settings.action_host,
        ),
        *rasa_servers,
        Service(
            name="web app",
            argv=[_python(), "-m", "bot.web", "--host", host, "--port", str(settings.web_port)],
            health_url=f"http://127.0.0.1:{settings.web_port}/health",
            listens_on=f"http://localhost:{settings.web_port}/",
            env=common_env,
            port=settings.web_port,
            host=host,
        ),
    ]


def answers(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


class Stack:
    """The running services; stop() is safe to call at any point, more than once."""

    def __init__(self, services: list[Service], log_dir: Path) -> None:
        self.services = services
        self.log_dir = log_dir

    def start(self, timeout: float = 300.0, report: Callable[[str], None] = lambda _: None) -> None:
        """Start every service and wait until each answers its health check."""
        self.check_ports()
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.chmod(0o700)
        for service in self.services:
            self.spawn(service)
            report(f"starting {service.name} (log: {service.log_path})")
        try:
            self._wait_healthy(timeout, report)
        except BaseException:
            self.stop()
            raise

    def check_ports(self) -> None:
        """Refuse to start, naming who holds it, when a port a service needs is taken."""
        busy = [
            f"port {s.port} (for the {s.name}) is in use by {holder(s.port)}"
            for s in self.services if s.port is not None and not port_is_free(s.host, s.port)
        ]
        if busy:
            raise ServiceFailed(
                "cannot start: " + "; ".join(busy)
                + ". Stop that process, or choose other ports (RASA_PORT and the RASA_WORKERS - 1 "
                "after it, ACTION_PORT, WEB_PORT)."
            )

    def spawn(self, service: Service) -> None:
        """Start (or restart) one service, its output appended to a fresh log."""
        service.log_path = self.log_dir / f"{service.name.replace(' ', '-')}.log"
        log = open_log(service.log_path)
        env = {**os.environ, **service.env, "PYTHONUNBUFFERED": "1"}
        service.process = subprocess.Popen(
            list(service.argv),
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        log.close()

    def _wait_healthy(self, timeout: float, report: Callable[[str], None]) -> None:
        deadline = time.monotonic() + timeout
        pending = list(self.services)
        while pending:
            self.check_alive()
            for service in list(pending):
                if answers(service.health_url):
                    report(f"{service.name} is ready at {service.listens_on}")
                    pending.remove(service)
            if pending and time.monotonic() > deadline:
                names = ", ".join(s.name for s in pending)
                tails = "\n".join(f"--- {s.name} ---\n{s.log_tail()}" for s in pending)
                raise ServiceFailed(
                    f"{names} did not answer its health check within {timeout:.0f}s.\n{tails}"
                )
            if pending:
                time.sleep(0.5)

    def check_alive(self) -> None:
        """Raise ServiceFailed naming the first service that has exited."""
        for service in self.services:
            if service.process is not None and service.process.poll() is not None:
                raise ServiceFailed(
                    f"the {service.name} stopped (exit status {service.process.returncode}). "
                    f"End of its log ({service.log_path}):\n{service.log_tail()}"
                )

    def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """Ask every service to stop (SIGTERM to its process group), then insist."""
        running = [s.process for s in self.services if s.process and s.process.poll() is None]
        for process in running:
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for process in running:
            remaining = max(0.1, deadline - time.monotonic())
            try:
                process.wait(remaining)
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait(5)

    def __enter__(self) -> Stack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


LOG_GENERATIONS = 5


def open_log(path: Path, generations: int = LOG_GENERATIONS) -> BinaryIO:
    """A new log for a part, private to its owner (0600); the last run's logs are kept.

    The previous ``name.log`` becomes ``name.log.1`` (and ``.1`` becomes ``.2``, up to
    ``generations``), so a restart never truncates what the last run wrote.
    """
    oldest = path.with_name(f"{path.name}.{generations}")
    oldest.unlink(missing_ok=True)
    for n in range(generations - 1, 0, -1):
        older = path.with_name(f"{path.name}.{n}")
        if older.exists():
            older.replace(path.with_name(f"{path.name}.{n + 1}"))
    if path.exists():
        path.replace(path.with_name(f"{path.name}.1"))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "ab")


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass
