"""Rasa's scale-out on one machine: two web instances, two Rasa servers, one action server,
PostgreSQL and Redis (docs/deployment.md, "Several machines").

A resident on instance A completes a request, asks for a person, and is answered by a
member of staff signed in to instance B, who hands the conversation back; the assistant
then answers again. Both Rasa servers share the PostgreSQL tracker store and the Redis lock
store. Each web app is given one of them (``RASA_URLS``), so whatever the routing, B's
hand-back (Rasa's ``resume``) goes to the Rasa server that does not take A's turns, and A's
next turn must see it there: the tracker store and the lock are shared, not per server.

The heaviest test in the suite (two Rasa servers load the model): one module, one stack,
one test; it prints how long the stack took to start and the conversation to run.
"""
from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace

import aiohttp
import pytest
import redis as redis_client
from sqlalchemy import text

from bot.cases.repository import CaseRepository
from bot.chat.transcripts import DELIVERED, TO_STAFF, TranscriptStore
from bot.config import Settings, load_settings
from bot.db.engine import get_engine, make_session_factory
from bot.db.schema import upgrade_database
from bot.rasa.events import create_events_table
from bot.rasa.stack import Service, Stack, build_services
from bot.rasa.training import ensure_trained, model_path
from bot.staff.auth.accounts import AccountStore, hash_password
from bot.web.resident_ids import ResidentIds
from tests.conftest import free_port, stack_environment

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis]

TURN_TIMEOUT = 90.0  # a turn on a busy two-core machine
PASSWORD = "a long enough password for sam"


@dataclass
class ScaleOut:
    settings: Settings
    web_a: str
    web_b: str
    rasa_urls: tuple[str, str]
    stack: Stack
    started_in: float


def _moved(service: Service, name: str, port: int, env: dict[str, str]) -> Service:
    """The same service on another port (a second Rasa server, a second web app)."""
    argv = list(service.argv)
    argv[argv.index("--port") + 1] = str(port)
    old = str(service.port)
    return replace(service, name=name, argv=argv, port=port, env={**service.env, **env},
                   health_url=service.health_url.replace(old, str(port)),
                   listens_on=service.listens_on.replace(old, str(port)))


@pytest.fixture(scope="module")
def scale_out(tmp_path_factory: pytest.TempPathFactory, postgres, redis) -> Iterator[ScaleOut]:
    database = postgres.new_database()
    upgrade_database(database)
    # Rasa's own events table, created once before two Rasa servers start at the same time
    # (each would otherwise create it, and one would lose the race).
    create_events_table(get_engine(database))
    AccountStore(make_session_factory(get_engine(database))).create(
        "sam", hash_password(PASSWORD), role="staff", display_name="Sam")
    var_dir = tmp_path_factory.mktemp("scale-out-var")
    rasa_y, web_b = free_port(), free_port()
    extra = {
        "DATABASE_URL": database,
        "REDIS_URL": redis.new_database(),
        "STAFF_HOURS": "always",
        "CHAT_ALLOWED_ORIGINS": "self",
        # A test types faster than a person: the per-connection limit would refuse it.
        "CHAT_RATE_PER_MINUTE": "600",
        "CHAT_RATE_BURST": "50",
        # One Rasa server per entry below, whatever `dpa run` would start on this machine.
        "RASA_WORKERS": "1",
    }
    for settings in stack_environment(var_dir, var_dir / "unused.sqlite3", extra):
        urls = (settings.rasa_url, f"http://127.0.0.1:{rasa_y}")
        built = build_services(settings, model_path(settings.model_dir))
        action, rasa, web = (next(s for s in built if s.name.startswith(kind))
                             for kind in ("action", "rasa", "web"))
        services = [
            action,
            replace(rasa, name="rasa server x"),
            _moved(rasa, "rasa server y", rasa_y, {}),
            replace(web, name="web app a", env={**web.env, "RASA_URLS": urls[0]}),
            _moved(web, "web app b", web_b, {"RASA_URLS": urls[1]}),
        ]
        ensure_trained(load_settings().model_dir)
        running = Stack(services, settings.var_dir / "logs")
        started = time.monotonic()
        running.start(timeout=600)
        started_in = time.monotonic() - started
        print(f"\nscale-out stack (2 web, 2 Rasa, 1 action server) started in {started_in:.0f} s")
        try:
            yield ScaleOut(settings, f"http://127.0.0.1:{settings.web_port}",
                           f"http://127.0.0.1:{web_b}", (urls[0], urls[1]), running,
                           started_in)
        finally:
            running.stop()


class Resident:
    """The widget's WebSocket on one instance, keeping every frame in order."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.frames: list[dict] = []

    async def next(self, done) -> dict:
        while True:
            try:
                raw = await asyncio.wait_for(self.ws.receive(), TURN_TIMEOUT)
            except asyncio.TimeoutError:
                raise AssertionError(f"nothing more came; the tab got {self.frames}") from None
            assert raw.type == aiohttp.WSMsgType.TEXT, raw
            frame = json.loads(raw.data)
            self.frames.append(frame)
            if done(frame):
                return frame

    async def say(self, text: str, *, to_staff: bool = False) -> str:
        """Send one message; the assistant's replies as text (nothing when staff have it)."""
        start = len(self.frames)
        await self.ws.send_json({"type": "message", "text": text, "client_id": f"c{start}",
                                 "page": "https://council.example/privacy"})
        if to_staff:
            await self.next(lambda f: f["type"] == "message" and f["role"] == "resident")
            return ""
        await self.next(lambda f: f == {"type": "typing", "on": False})
        replies = [f["text"] for f in self.frames[start:]
                   if f["type"] == "message" and f["role"] == "assistant"]
        assert replies, f"no answer to {text!r}: {self.frames[start:]}"
        return "\n".join(replies)


class Staff:
    """A member of staff's browser on the console: cookies and the CSRF token."""

    def __init__(self, client: aiohttp.ClientSession, base: str) -> None:
        self.client = client
        self.base = base
        self.csrf = ""

    async def page(self, path: str) -> str:
        async with self.client.get(self.base + path) as response:
            assert response.status == 200, (path, response.status)
            body = await response.text()
        marker = '<meta name="csrf-token" content="'
        if marker in body:
            self.csrf = body.split(marker, 1)[1].split('"', 1)[0]
        return body

    async def sign_in(self) -> None:
        await self.page("/staff/login")
        async with self.client.post(self.base + "/staff/login", allow_redirects=False, data={
                "username": "sam", "password": PASSWORD, "csrf_token": self.csrf}) as response:
            assert response.status == 303, await response.text()
        await self.page("/staff")

    async def post(self, path: str, payload: dict | None = None) -> dict:
        async with self.client.post(
            self.base + path, json=payload or {},
            headers={"X-CSRF-Token": self.csrf, "Accept": "application/json"},
        ) as response:
            assert response.status == 200, (path, response.status, await response.text())
            return await response.json()

    async def queue(self) -> list[dict]:
        async with self.client.get(self.base + "/staff/api/handoffs") as response:
            return (await response.json())["queue"]


async def _sse_events(response: aiohttp.ClientResponse, into: list[dict]) -> None:
    """Read a console stream's events (name and data) into ``into`` until it ends."""
    name = None
    async for raw in response.content:
        line = raw.decode().rstrip("\n")
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: ") and name:
            into.append({"event": name, **json.loads(line[6:])})


async def _until(check, timeout: float = TURN_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if asyncio.iscoroutine(found):
            found = await found
        if found:
            return found
        await asyncio.sleep(0.1)
    raise AssertionError("timed out waiting")


async def test_a_request_a_handoff_and_a_hand_back_across_instances(scale_out: ScaleOut):
    started = time.monotonic()
    settings = scale_out.settings
    origin_a = scale_out.web_a
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        async with client.post(f"{origin_a}/chat/session", headers={"Origin": origin_a}) as r:
            resident_id = (await r.json())["resident"]
        ws = await client.ws_connect(f"{origin_a}/chat/ws?resident={resident_id}",
                                     headers={"Origin": origin_a})
        tab = Resident(ws)
        await tab.next(lambda f: f["type"] == "history")

        # A whole request with the assistant, on A.
        answer = await tab.say("stop sending me marketing emails")
        assert "marketing" in answer.lower()
        for line in ("myself", "Tom Jones", "none", "14/07/1990",
                     "4 Civic Way, Ellesmere Port CH65 0BE", "tom@example.org", "07700 900123",
                     "emails and texts"):
            await tab.say(line)
        logged = await tab.say("/affirm")
        assert "DPA-" in logged

        # A person, please: the handoff opens and staff on B see it in their queue.
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as console:
            staff = Staff(console, scale_out.web_b)
            await staff.sign_in()
            await tab.say("/request_human")
            await tab.next(lambda f: f == {"type": "mode", "mode": "waiting"})
            [waiting] = await _until(staff.queue)
            stream = await console.get(f"{scale_out.web_b}{waiting['url']}/stream")
            events: list[dict] = []
            reader = asyncio.create_task(_sse_events(stream, events))
            await _until(lambda: any(e["event"] == "history" for e in events))

            await staff.post(f"{waiting['url']}/claim")
            joined = await tab.next(lambda f: f["type"] == "notice")
            assert joined["kind"] == "staff_joined" and "Sam" in joined["text"]
            await tab.next(lambda f: f == {"type": "mode", "mode": "staff"})

            await tab.say("is anyone there?", to_staff=True)
            await _until(lambda: any(e.get("text") == "is anyone there?" for e in events))
            await staff.post(f"{waiting['url']}/messages", {"text": "Hello, I'm Sam."})
            said = await tab.next(lambda f: f["type"] == "message" and f["role"] == "staff")
            assert said["text"] == "Hello, I'm Sam." and said["author"].startswith("Sam")

            # B hands back through the other Rasa server; A's next turn sees the resume.
            await staff.post(f"{waiting['url']}/hand-back")
            back = await tab.next(lambda f: f["type"] == "notice")
            assert back["kind"] == "handed_back"
            await tab.next(lambda f: f == {"type": "mode", "mode": "assistant"})
            reader.cancel()
            stream.close()

        cost = (await tab.say("how much does it cost?")).lower()
        assert "free" in cost or "fee" in cost, cost
        await ws.close()
    took = time.monotonic() - started

    conversation = ResidentIds(settings.session_secret).conversation_id(resident_id)
    assert conversation is not None
    # Every line once, in order, on the resident's tab; each resident message went to the
    # assistant or (during the handoff) to staff, never lost or sent twice.
    transcript = TranscriptStore.from_url(settings.database_url).history(conversation)
    shown = [f["seq"] for f in tab.frames if f["type"] in ("message", "notice") and "seq" in f]
    assert shown == [m.seq for m in transcript] == list(range(1, len(transcript) + 1))
    routed = [(m.text, m.relay) for m in transcript if m.role == "resident"]
    assert [r for r in routed if r[1] not in (DELIVERED, TO_STAFF)] == []
    assert ("is anyone there?", TO_STAFF) in routed
    # Rasa's tracker (the shared PostgreSQL store) has every turn the assistant took, in
    # order; the resume B sent through the other server is in it, before the last turn.
    with get_engine(settings.database_url).connect() as connection:
        rows = connection.execute(text(
            "SELECT type_name, data FROM events WHERE sender_id = :c ORDER BY id"),
            {"c": conversation}).all()
    said = [json.loads(data)["text"] for kind, data in rows if kind == "user"]
    # The hand back is told to the assistant (EXTERNAL_handed_back), so it carries on.
    assert "EXTERNAL: EXTERNAL_handed_back" in said
    said_to_rasa = [line for line in said if not line.startswith("EXTERNAL: ")]
    assert said_to_rasa == [text_ for text_, relay in routed if relay == DELIVERED]
    kinds = [kind for kind, _ in rows]
    assert "resume" in kinds and kinds.index("resume") < len(kinds) - kinds[::-1].index("user")
    # One case, and Rasa's lock store was Redis (its SET/DEL of lock keys; the live channel
    # only publishes).
    cases = CaseRepository.from_url(settings.database_url).list_cases(
        conversation_id=conversation)
    assert len(cases) == 1 and cases[0].reference in logged
    stats = redis_client.Redis.from_url(settings.redis_url).info("commandstats")
    assert stats.get("cmdstat_set", {}).get("calls", 0) >= len(said_to_rasa), stats
    print(f"scale-out conversation: {len(transcript)} lines, {len(said_to_rasa)} turns "
          f"with the assistant, in {took:.1f} s (stack start {scale_out.started_in:.0f} s)")
