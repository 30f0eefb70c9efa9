"""Start, watch and stop the three processes: Rasa server, action server, web app.

Used by ``dpa run`` (and so ``make run``) and by the end-to-end tests, which start the
same stack on free ports. Each process writes to its own log under ``var/logs/``; when one
dies we say which, with its exit status and the end of its log, instead of hanging.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from bot.config import PROJECT_ROOT, Settings
from bot.rasa.endpoints import write_runtime_endpoints


class ServiceFailed(RuntimeError):
    """A service exited or never became healthy; the message says which and why."""


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

    def log_tail(self, lines: int = 25) -> str:
        if self.log_path is None or not self.log_path.exists():
            return "(no log)"
        text = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(text[-lines:]) or "(log is empty)"


def _python() -> str:
    return sys.executable


def build_services(settings: Settings, model_path: Path) -> list[Service]:
    """The three services with their command lines, from the settings."""
    endpoints = write_runtime_endpoints(settings)
    common_env = {
        "DATABASE_URL": settings.database_url,
        "RASA_URL": settings.rasa_url,
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
        ),
        Service(
            name="rasa server",
            argv=[
                _python(), "-m", "bot.rasa.server",  # `rasa run`, its token from RASA_TOKEN
                "--model", str(model_path),
                "--endpoints", str(endpoints),
                "--credentials", str(PROJECT_ROOT / "credentials.yml"),
                "--interface", host,
                "--port", str(settings.rasa_port),
            ],
            health_url=f"http://127.0.0.1:{settings.rasa_port}/",
            listens_on=f"http://localhost:{settings.rasa_port}/webhooks/rest/webhook",
            env=common_env,
        ),
        Service(
            name="web app",
            argv=[_python(), "-m", "bot.web", "--host", host, "--port", str(settings.web_port)],
            health_url=f"http://127.0.0.1:{settings.web_port}/health",
            listens_on=f"http://localhost:{settings.web_port}/",
            env=common_env,
        ),
    ]


def _answers(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (localhost)
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
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for service in self.services:
            service.log_path = self.log_dir / f"{service.name.replace(' ', '-')}.log"
            log = open(service.log_path, "wb")  # noqa: SIM115 (kept open for the child)
            env = {**os.environ, **service.env, "PYTHONUNBUFFERED": "1"}
            service.process = subprocess.Popen(  # noqa: S603 (our own argv)
                list(service.argv),
                cwd=PROJECT_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            log.close()
            report(f"starting {service.name} (log: {service.log_path})")
        try:
            self._wait_healthy(timeout, report)
        except BaseException:
            self.stop()
            raise

    def _wait_healthy(self, timeout: float, report: Callable[[str], None]) -> None:
        deadline = time.monotonic() + timeout
        pending = list(self.services)
        while pending:
            self.check_alive()
            for service in list(pending):
                if _answers(service.health_url):
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

    def stop(self, grace: float = 15.0) -> None:
        """Ask every service to stop (SIGTERM to its process group), then insist."""
        running = [s for s in self.services if s.process and s.process.poll() is None]
        for service in running:
            _signal_group(service.process, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for service in running:
            remaining = max(0.1, deadline - time.monotonic())
            try:
                service.process.wait(remaining)
            except subprocess.TimeoutExpired:
                _signal_group(service.process, signal.SIGKILL)
                service.process.wait(5)

    def __enter__(self) -> "Stack":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass
