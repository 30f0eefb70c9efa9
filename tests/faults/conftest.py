"""The real stack for fault injection, with short timeouts, and ways to hurt its parts.

Separate from the session-wide stack of ``tests/conftest.py`` (that one must stay healthy):
its own var directory, database, ports and secrets, and short timeouts given to the parts
by configuration (``FAULT_SETTINGS``). One stack serves the whole folder, the assistant's
faults and the database's alike (starting Rasa is most of the suite's time): its database
lives in a small tmpfs of its own when the tests run as root, so the disk can be filled
(``tests/faults/database_fixtures.py`` has the database faults). ``dpa run``'s supervisor
does not run here: a test that kills a part restarts it itself (:meth:`FaultStack.restart`);
``test_runner.py`` tests ``dpa run`` itself.

Generic on purpose: :class:`FaultStack`, :class:`Resident` and :class:`Officer` serve every
test here.
"""
from __future__ import annotations

import asyncio
import http.cookiejar
import json
import os
import re
import signal
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.config import Settings, load_settings
from bot.db.engine import get_engine, make_session_factory
from bot.db.schema import upgrade_database
from bot.rasa.stack import Service, Stack, answers, build_services
from bot.rasa.training import ensure_trained, model_path
from bot.staff.auth.accounts import AccountStore, hash_password
from tests.conftest import stack_environment
from tests.faults.database_fixtures import FAST, mount_tmpfs, unmount

# Short enough that the whole folder runs in a few minutes, long enough for a real turn.
FAULT_SETTINGS = {
    "CHAT_ALLOWED_ORIGINS": "self",
    **FAST,  # the database's busy timeout, the outbox's replay and /health's degraded
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


@pytest.fixture(scope="package")
def db_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, bool]]:
    """Where the database lives, and whether it is a small tmpfs of its own."""
    directory = tmp_path_factory.mktemp("database")
    mounted = mount_tmpfs(directory)
    yield directory, mounted
    if mounted:
        unmount(directory)


@pytest.fixture(scope="package")
def fault_stack(
    tmp_path_factory: pytest.TempPathFactory, db_dir: tuple[Path, bool]
) -> Iterator[FaultStack]:
    """A real stack (trained model, Rasa, action server, web app) for this folder's tests.

    The parts read the short timeouts from the environment ``stack_environment`` sets for
    the folder's duration (a part restarted by a test reads them too)."""
    environment = stack_environment(tmp_path_factory.mktemp("fault-var"),
                                    db_dir[0] / "dpa.sqlite3", FAULT_SETTINGS)
    settings = next(environment)
    try:
        ensure_trained(load_settings().model_dir)
        upgrade_database(settings.database_url)
        stack = Stack(build_services(settings, model_path(settings.model_dir)),
                      settings.var_dir / "logs")
        stack.start(timeout=START_TIMEOUT)
        faults = FaultStack(stack, settings)
        try:
            yield faults
        finally:
            for name in list(faults.frozen):
                faults.thaw(name)  # a stopped process ignores SIGTERM until continued
            stack.stop()
    finally:
        environment.close()  # the environment put back


@pytest.fixture
def fault_settings(fault_stack: FaultStack) -> Settings:
    return fault_stack.settings


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


# -- a member of staff at the console ------------------------------------------------------

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]*)">')
OFFICER, OFFICER_PASSWORD = "fault-officer", "a long enough password for the faults"


@dataclass
class Officer:
    """A member of staff signed in to the real console (cookies and CSRF as a browser)."""

    base_url: str
    opener: urllib.request.OpenerDirector
    csrf: str = ""

    @classmethod
    def sign_in(cls, stack: FaultStack) -> Officer:
        accounts = AccountStore(make_session_factory(get_engine(stack.settings.database_url)))
        if not accounts.count():
            accounts.create(OFFICER, hash_password(OFFICER_PASSWORD), role="staff",
                            display_name="Fault Officer")
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        officer = cls(stack.base_url, opener)
        officer.page("/staff/login")
        form = urllib.parse.urlencode({"username": OFFICER, "password": OFFICER_PASSWORD,
                                       "csrf_token": officer.csrf}).encode()
        with opener.open(f"{stack.base_url}/staff/login", data=form, timeout=30) as signed:
            assert signed.status == 200 and "/staff/login" not in signed.url, signed.url
        return officer

    def page(self, path: str) -> str:
        with self.opener.open(f"{self.base_url}{path}", timeout=30) as response:
            text = response.read().decode()
        if match := CSRF_META.search(text):
            self.csrf = match.group(1) or self.csrf
        return text

    def handoff_queue(self) -> list[dict[str, Any]]:
        """The live-chat queue as the console's JSON API shows it."""
        with self.opener.open(f"{self.base_url}/staff/api/handoffs", timeout=30) as response:
            return json.loads(response.read())["queue"]


@pytest.fixture
def officer(healthy_stack: FaultStack) -> Officer:
    return Officer.sign_in(healthy_stack)
