"""The real stack for fault injection, with short timeouts, and ways to hurt its parts.

Separate from the session-wide stack of ``tests/conftest.py`` (that one must stay healthy):
its own var directory, database, ports and secrets, and short timeouts given to the parts
by configuration (``FAULT_SETTINGS``). One stack serves the whole folder, the assistant's
faults, the database's and ``dpa run``'s own alike (starting Rasa is most of the suite's
time). It is started by a real ``dpa run``, so a part a test kills is brought back by the
runner's supervisor, as in production (:meth:`FaultStack.restarted`), and
``test_runner.py``, last, stops it with SIGTERM. Its database lives in a small tmpfs of its
own when the tests run as root, so the disk can be filled
(``tests/faults/database_fixtures.py`` has the database faults).

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
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.config import PROJECT_ROOT, Settings, load_settings
from bot.db.engine import get_engine, make_session_factory
from bot.rasa.stack import answers
from bot.rasa.training import ensure_trained
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
RESTART_TIMEOUT = 360  # a Rasa restart took 170 s with the machine busy
# The names of the parts, as build_services names them, and the module each runs.
ACTION_SERVER, RASA, WEB_APP = "action server", "rasa server", "web app"
PART_MODULES = {ACTION_SERVER: "bot.rasa.action_server", RASA: "bot.rasa.server",
                WEB_APP: "bot.web"}


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # pid (comm) state ppid ...: comm may hold spaces, so split after its ")".
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie has exited; its parent has not reaped it yet)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def command_line(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


@dataclass
class Runner:
    """A ``dpa run`` process of the tests' own, its output in a file."""

    process: subprocess.Popen
    log: Path

    @classmethod
    def start(cls, env: dict[str, str], log: Path) -> Runner:
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run", "--startup-timeout", str(START_TIMEOUT)],
                cwd=PROJECT_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT)
        return cls(process, log)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def parts(self) -> dict[str, int]:
        """The runner's parts now, by name (``python -m MODULE ...``)."""
        found = {}
        for pid in children(self.process.pid):
            argv = command_line(pid)
            for name, module in PART_MODULES.items():
                if argv[1:3] == ["-m", module] and alive(pid):
                    found[name] = pid
        return found

    def wait_up(self, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while "everything is up" not in self.output():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"dpa run did not start:\n{self.output()[-3000:]}")
            time.sleep(0.3)

    def end(self) -> None:
        """Whatever state it is in: nothing of it left running."""
        parts = list(self.parts().values())
        for pid in parts:  # a stopped process ignores SIGTERM until continued
            _signal(pid, signal.SIGCONT)
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        for pid in parts:
            _signal(pid, signal.SIGKILL)


def _signal(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


@dataclass
class FaultStack:
    """The stack under a real ``dpa run`` (its supervisor restarts what dies), its settings
    and environment, with faults to inject by part name."""

    runner: Runner
    settings: Settings
    env: dict[str, str]
    frozen: set[str] = field(default_factory=set)
    supervisor_paused: bool = False

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.web_port}"

    def health_url(self, name: str) -> str:
        port = {ACTION_SERVER: self.settings.action_port, RASA: self.settings.rasa_port,
                WEB_APP: self.settings.web_port}[name]
        return f"http://127.0.0.1:{port}" + ("/" if name == RASA else "/health")

    def pid(self, name: str) -> int:
        parts = self.runner.parts()
        assert name in parts, f"the {name} is not running: {parts}\n{self.runner.output()[-2000:]}"
        return parts[name]

    def signal(self, name: str, sig: int) -> int:
        """Send ``sig`` to the part's whole process group (each part has its own); its pid."""
        pid = self.pid(name)
        os.killpg(pid, sig)
        return pid

    def kill(self, name: str) -> None:
        """SIGKILL the part (no clean-up: as a crash or the OOM killer).

        The runner is paused first (SIGSTOP; its parts run on), so the part stays down until
        :meth:`restarted` lets the supervisor see it and bring it back: the test decides how
        long the outage lasts, not the back-off and the part's start-up time."""
        os.kill(self.runner.process.pid, signal.SIGSTOP)
        self.supervisor_paused = True
        pid = self.signal(name, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while alive(pid) and time.monotonic() < deadline:  # a zombie until the runner reaps it
            time.sleep(0.05)

    def resume_supervisor(self) -> None:
        if self.supervisor_paused:
            os.kill(self.runner.process.pid, signal.SIGCONT)
            self.supervisor_paused = False

    def freeze(self, name: str) -> None:
        """SIGSTOP the part: it holds its port and its connections but answers nothing."""
        self.signal(name, signal.SIGSTOP)
        self.frozen.add(name)

    def thaw(self, name: str) -> None:
        self.signal(name, signal.SIGCONT)
        self.frozen.discard(name)

    async def restarted(self, name: str, timeout: float = RESTART_TIMEOUT) -> float:
        """Wait (off the test's event loop, which keeps serving the residents' sockets) for
        ``dpa run``'s supervisor to bring the part back; how long that took."""
        started = time.monotonic()
        self.resume_supervisor()
        await asyncio.to_thread(self.wait_healthy, name, timeout, started)
        return time.monotonic() - started

    def wait_healthy(self, name: str, timeout: float, started: float) -> None:
        while not answers(self.health_url(name)):
            if self.runner.process.poll() is not None:
                raise AssertionError(f"dpa run stopped:\n{self.runner.output()[-3000:]}")
            if time.monotonic() - started > timeout:
                raise AssertionError(f"the {name} did not come back:\n"
                                     f"{self.runner.output()[-3000:]}")
            time.sleep(0.3)

    def heal(self) -> None:
        """After a test: every part running and unfrozen, whatever the test did."""
        for name in list(self.frozen):
            self.thaw(name)
        self.resume_supervisor()
        started = time.monotonic()
        for name in PART_MODULES:
            self.wait_healthy(name, RESTART_TIMEOUT, started)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """``test_runner.py`` stops the folder's stack: it runs after every other test here (the
    folder's tests keep their places among the session's)."""
    here = Path(__file__).parent
    places = [n for n, item in enumerate(items) if item.path.parent == here]
    ours = sorted((items[n] for n in places), key=lambda item: item.path.name == "test_runner.py")
    for n, item in zip(places, ours, strict=True):
        items[n] = item


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
    """A real stack (trained model, Rasa, action server, web app) for this folder's tests,
    started by ``dpa run`` with the short timeouts in its environment.

    ``test_runner.py`` (the folder's last file) stops it with SIGTERM, as a service manager
    would; whatever remains is ended here."""
    var_dir = tmp_path_factory.mktemp("fault-var")
    environment = stack_environment(var_dir, db_dir[0] / "dpa.sqlite3", FAULT_SETTINGS)
    settings = next(environment)
    env = dict(os.environ)
    environment.close()  # the environment put back: the runner has its own copy
    ensure_trained(load_settings().model_dir)
    runner = Runner.start(env, var_dir / "dpa-run.out")
    try:
        runner.wait_up()
        yield FaultStack(runner, settings, env)
    finally:
        runner.end()


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
