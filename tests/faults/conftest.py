"""The real stack for fault injection, with short timeouts, and ways to hurt its parts.

Separate from the session-wide stack of ``tests/conftest.py`` (that one must stay healthy):
its own var directory, database, ports and secrets, and short timeouts given to the parts
by configuration (``FAULT_SETTINGS``). ``dpa run``'s supervisor does not run here: a test
that kills a part restarts it itself (:meth:`FaultStack.restart`).

Generic on purpose: tests for other faults (the database's) use :class:`FaultStack` and
:class:`Resident` too, or their own fixtures.
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.config import Settings, load_settings
from bot.db.schema import upgrade_database
from bot.rasa.stack import Service, Stack, answers, build_services
from bot.rasa.training import ensure_trained, model_path

# Short enough that the whole folder runs in a few minutes, long enough for a real turn.
FAULT_SETTINGS = {
    "CHAT_RASA_TIMEOUT_SECONDS": "3",
    "CHAT_OUTAGE_CONTACT_SECONDS": "20",
    "CHAT_RETRY_MAX_SECONDS": "2",
    # A test resident answers as fast as the assistant asks.
    "CHAT_RATE_PER_MINUTE": "600",
    "CHAT_RATE_BURST": "50",
}
START_TIMEOUT = 420  # Rasa loading the model on a busy two-core machine
RESTART_TIMEOUT = 240
# The names of the parts, as build_services names them.
ACTION_SERVER, RASA, WEB_APP = "action server", "rasa server", "web app"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class FaultStack:
    """The running stack and its settings, with faults to inject by part name."""

    stack: Stack
    settings: Settings
    frozen: set[str] = field(default_factory=set)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.web_port}"

    def service(self, name: str) -> Service:
        for service in self.stack.services:
            if service.name == name:
                return service
        raise KeyError(f"no part named {name!r}: {[s.name for s in self.stack.services]}")

    def signal(self, name: str, sig: int) -> None:
        """Send ``sig`` to the part's whole process group (each part has its own)."""
        process = self.service(name).process
        assert process is not None, f"the {name} was never started"
        os.killpg(process.pid, sig)

    def kill(self, name: str) -> None:
        """SIGKILL the part (no clean-up: as a crash or the OOM killer)."""
        self.signal(name, signal.SIGKILL)
        process = self.service(name).process
        assert process is not None
        process.wait(10)

    def freeze(self, name: str) -> None:
        """SIGSTOP the part: it holds its port and its connections but answers nothing."""
        self.signal(name, signal.SIGSTOP)
        self.frozen.add(name)

    def thaw(self, name: str) -> None:
        self.signal(name, signal.SIGCONT)
        self.frozen.discard(name)

    def restart(self, name: str, timeout: float = RESTART_TIMEOUT) -> float:
        """Start the part again (as the supervisor would) and wait for its health check;
        how long that took.

        Call it from the main thread: a part gets SIGTERM when the *thread* that started it
        ends (its parent-death signal), and an event loop's worker threads end with the
        test. Async tests use :meth:`restart_async`.
        """
        started = time.monotonic()
        self.stack.spawn(self.service(name))
        self.wait_healthy(name, timeout, started)
        return time.monotonic() - started

    async def restart_async(self, name: str, timeout: float = RESTART_TIMEOUT) -> float:
        """:meth:`restart` from a test's event loop: started from this (the main) thread,
        waited for in a worker thread, so the loop keeps serving the residents' sockets."""
        started = time.monotonic()
        self.stack.spawn(self.service(name))
        await asyncio.to_thread(self.wait_healthy, name, timeout, started)
        return time.monotonic() - started

    def wait_healthy(self, name: str, timeout: float, started: float) -> None:
        service = self.service(name)
        while not answers(service.health_url):
            assert service.process is not None
            if service.process.poll() is not None:
                raise AssertionError(f"the {name} exited on restart:\n{service.log_tail()}")
            if time.monotonic() - started > timeout:
                raise AssertionError(f"the {name} did not come back:\n{service.log_tail()}")
            time.sleep(0.3)

    def heal(self) -> None:
        """After a test: every part running and unfrozen, whatever the test did."""
        for name in list(self.frozen):
            self.thaw(name)
        for service in self.stack.services:
            if service.process is None or service.process.poll() is not None:
                self.restart(service.name)


def _fault_settings(var_dir: Path) -> tuple[Settings, dict[str, str]]:
    """Settings for a stack of our own: read with these variables set, then put back."""
    ports = {"RASA_PORT": free_port(), "ACTION_PORT": free_port(), "WEB_PORT": free_port()}
    overrides = {
        "DPA_VAR_DIR": str(var_dir),
        "CHAT_ALLOWED_ORIGINS": "self",
        "DATABASE_URL": f"sqlite:///{var_dir / 'dpa.sqlite3'}",
        "RASA_URL": f"http://127.0.0.1:{ports['RASA_PORT']}",
        "RASA_URLS": f"http://127.0.0.1:{ports['RASA_PORT']}",
        "RASA_WORKERS": "1",
        "ACTION_SERVER_URL": f"http://127.0.0.1:{ports['ACTION_PORT']}",
        **{name: str(port) for name, port in ports.items()},
        **FAULT_SETTINGS,
    }
    saved = {name: os.environ.get(name) for name in overrides}
    os.environ.update(overrides)
    try:
        return load_settings(), overrides
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(scope="package")
def fault_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultStack]:
    """A real stack (trained model, Rasa, action server, web app) for this folder's tests."""
    settings, overrides = _fault_settings(tmp_path_factory.mktemp("fault-var"))
    model_dir = settings.model_dir
    ensure_trained(model_dir)
    upgrade_database(settings.database_url)
    services = build_services(settings, model_path(model_dir))
    for service in services:  # the parts read the short timeouts from their environment
        service.env = {**service.env, **overrides}
    stack = Stack(services, settings.var_dir / "logs")
    stack.start(timeout=START_TIMEOUT)
    faults = FaultStack(stack, settings)
    try:
        yield faults
    finally:
        for name in list(faults.frozen):
            faults.thaw(name)  # a stopped process ignores SIGTERM until continued
        stack.stop()


@pytest.fixture
def healthy_stack(fault_stack: FaultStack) -> Iterator[FaultStack]:
    """The fault stack, put right after the test (frozen parts thawed, dead ones restarted)."""
    yield fault_stack
    fault_stack.heal()


# -- a resident on the hub's WebSocket ---------------------------------------------------

Frame = dict[str, Any]


@dataclass
class Resident:
    """A resident's tab on the real hub: every frame it received, kept in order."""

    ws: aiohttp.ClientWebSocketResponse
    resident_id: str
    conversation_id: str
    frames: list[Frame] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)  # what the transcript must show, in order
    _counter: int = 0

    async def say(self, text: str, display: str | None = None) -> float:
        """Send a message; when it was sent (the loop's clock)."""
        self._counter += 1
        frame: Frame = {"type": "message", "text": text,
                        "client_id": f"{self.conversation_id[:8]}-{self._counter}"}
        if display:
            frame["display"] = display
        await self.ws.send_json(frame)
        self.sent.append(display or text)
        return asyncio.get_running_loop().time()

    async def until(self, done: Callable[[Frame], bool], timeout: float) -> Frame:
        """Read frames until one satisfies ``done``; fail after ``timeout`` seconds."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(f"nothing matched within {timeout}s; last frames: "
                                     f"{self.frames[-6:]}")
            try:
                raw = await asyncio.wait_for(self.ws.receive(), remaining)
            except asyncio.TimeoutError:
                continue
            if raw.type != aiohttp.WSMsgType.TEXT:
                raise AssertionError(f"socket ended: {raw.type!r} {raw.data!r}")
            frame = json.loads(raw.data)
            self.frames.append(frame)
            if done(frame):
                return frame

    async def turn(self, text: str, display: str | None = None, timeout: float = 60) -> str:
        """Send a message and wait for the end of the assistant's answer; its text."""
        start = len(self.frames)
        await self.say(text, display)
        await self.until(lambda f: f == {"type": "typing", "on": False}, timeout)
        return "\n".join(f["text"] for f in self.frames[start:]
                         if f["type"] == "message" and f["role"] == "assistant")

    def notices(self, kind: str) -> list[Frame]:
        return [f for f in self.frames if f["type"] == "notice" and f["kind"] == kind]

    def assistant_texts(self) -> list[str]:
        return [f["text"] for f in self.frames
                if f["type"] == "message" and f["role"] == "assistant"]


@pytest.fixture
async def residents(healthy_stack: FaultStack):
    """Open residents' tabs on the fault stack's hub: ``await residents()``."""
    client = aiohttp.ClientSession()
    base = healthy_stack.base_url
    opened: list[Resident] = []

    async def open_one() -> Resident:
        async with client.post(f"{base}/chat/session", headers={"Origin": base}) as issued:
            assert issued.status == 200, await issued.text()
            resident_id = (await issued.json())["resident"]
        ws = await client.ws_connect(f"{base}/chat/ws?resident={resident_id}",
                                     headers={"Origin": base})
        resident = Resident(ws, resident_id, resident_id.split(".")[0])
        await resident.until(lambda f: f["type"] == "history", 10)
        opened.append(resident)
        return resident

    yield open_one
    for resident in opened:
        await resident.ws.close()
    await client.close()
