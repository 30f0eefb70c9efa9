"""Keep the stack serving: restart a part that dies, with back-off, and say so.

``dpa run`` calls :meth:`Supervisor.tick` about once a second. A part that exited is
restarted after a delay that doubles with each restart in the window (1 s, 2 s, 4 s ...
up to ``max_delay``); the others keep serving meanwhile (the hub tells residents the
assistant is briefly unavailable, and keeps their messages). Each restart is reported
(``dpa run``'s output) and written, with every part's state, to ``var/run/parts.json``,
which the web app's ``/health`` includes. After ``max_restarts`` restarts of one part
within ``window_seconds`` the supervisor gives up with :class:`ServiceFailed`, naming the
part, its exit status and the end of its log, and the runner stops everything.
"""
from __future__ import annotations

import json
import os
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from bot.rasa.stack import Service, ServiceFailed, Stack, answers

UP, STARTING, RESTARTING = "up", "starting", "restarting"


@dataclass(frozen=True)
class RestartPolicy:
    max_restarts: int = 5
    window_seconds: float = 600.0
    first_delay: float = 1.0
    max_delay: float = 30.0

    def delay(self, restarts_in_window: int) -> float:
        return min(self.first_delay * 2 ** restarts_in_window, self.max_delay)


@dataclass
class PartState:
    state: str = UP
    restarts: int = 0
    last_exit: int | None = None
    restart_at: float | None = None
    history: deque = field(default_factory=deque)  # monotonic times of recent restarts


class Supervisor:
    def __init__(self, stack: Stack, *, policy: RestartPolicy | None = None,
                 report: Callable[[str], None] = lambda _: None,
                 status_path: Path | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stack = stack
        self.policy = policy or RestartPolicy()
        self.report = report
        self.status_path = status_path
        self.clock = clock
        self.parts = {service.name: PartState() for service in stack.services}

    def tick(self) -> None:
        now = self.clock()
        for service in self.stack.services:
            part = self.parts[service.name]
            if part.state == RESTARTING and part.restart_at is not None and now >= part.restart_at:
                self.stack.spawn(service)
                part.state, part.restart_at = STARTING, None
                self.report(f"restarted the {service.name} (restart {part.restarts})")
            elif part.state == STARTING and self._exited(service) is None:
                if answers(service.health_url, timeout=0.5):
                    part.state = UP
                    self.report(f"the {service.name} is back at {service.listens_on}")
            if part.state in (UP, STARTING) and (code := self._exited(service)) is not None:
                self._schedule_restart(service, part, code, now)
        self.write_status()

    @staticmethod
    def _exited(service: Service) -> int | None:
        return None if service.process is None else service.process.poll()

    def _schedule_restart(self, service: Service, part: PartState, code: int,
                          now: float) -> None:
        while part.history and now - part.history[0] > self.policy.window_seconds:
            part.history.popleft()
        part.last_exit = code
        if len(part.history) >= self.policy.max_restarts:
            self.write_status(gave_up=service.name)
            minutes = self.policy.window_seconds / 60
            raise ServiceFailed(
                f"the {service.name} keeps stopping (exit status {code}, "
                f"{len(part.history) + 1} times in {minutes:g} minutes); giving up. "
                f"End of its log ({service.log_path}):\n{service.log_tail()}"
            )
        delay = self.policy.delay(len(part.history))
        part.history.append(now)
        part.restarts += 1
        part.state, part.restart_at = RESTARTING, now + delay
        self.report(f"the {service.name} stopped (exit status {code}); restarting it in "
                    f"{delay:g}s (restart {len(part.history)} of at most "
                    f"{self.policy.max_restarts} in {self.policy.window_seconds / 60:g} minutes)")

    def status(self) -> dict:
        return {name: {"state": p.state, "restarts": p.restarts, "last_exit": p.last_exit}
                for name, p in self.parts.items()}

    def write_status(self, gave_up: str | None = None) -> None:
        if self.status_path is None:
            return
        payload = {"updated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                   "runner_pid": os.getpid(), "parts": self.status()}
        if gave_up:
            payload["gave_up"] = gave_up
        self.status_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.status_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(payload), encoding="utf-8")
        tmp.replace(self.status_path)


def status_file(var_dir: Path) -> Path:
    """Where the runner writes its parts' states (read by the web app's ``/health``)."""
    return var_dir / "run" / "parts.json"


def read_status(path: Path, *, max_age_seconds: float = 15.0) -> dict | None:
    """The runner's last word on its parts, or None when there is no runner (no file, or
    one not refreshed lately, or its runner gone)."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        if time.time() - path.stat().st_mtime > max_age_seconds:
            return None
        os.kill(int(payload["runner_pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return payload
