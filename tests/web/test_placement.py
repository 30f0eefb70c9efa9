"""Placing conversations on Rasa servers: least busy when new, then kept (a real database)."""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer, unused_port
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.chat.placements import ACTIVE_WINDOW, ConversationServer, place
from bot.db.engine import build_engine, get_engine, make_session_factory, session_scope
from bot.db.schema import upgrade_database
from bot.rasa.routing import RasaRouting
from bot.trainers.retention import erase_conversation, purge_older_than
from bot.web.placement import TOUCH_EVERY, StoredPlacement
from bot.web.rasa_client import RasaClient
from tests.faults.database_fixtures import file_locked

A, B = "http://127.0.0.1:5005", "http://127.0.0.1:5006"
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def sessions(migrated_url: str):
    return make_session_factory(get_engine(migrated_url))


def stored(sessions) -> dict[str, str]:
    with session_scope(sessions) as session:
        return {r.conversation_id: r.server_url for r in session.query(ConversationServer)}


def test_new_conversations_alternate_between_servers_whatever_their_hash(sessions):
    """Ten conversations that all hash to A: placed by load, five on each."""
    routing = RasaRouting([A, B])
    ids = [f"c{n}" for n in range(200) if routing.url_for(f"c{n}") == A][:10]
    for n, conversation in enumerate(ids):
        place(sessions, conversation, [A, B], NOW + timedelta(seconds=n))
    placed = stored(sessions)
    assert sorted(placed.values()) == [A] * 5 + [B] * 5
    assert placed[ids[0]] == A  # nothing active: the hash's preference wins the tie


def test_a_placed_conversation_stays_on_its_server(sessions):
    assert place(sessions, "first", [A, B], NOW) == A
    assert place(sessions, "second", [A, B], NOW) == B
    for n in range(3):  # load and order change; neither moves a placed conversation
        place(sessions, f"more-{n}", [B, A], NOW)
    assert place(sessions, "first", [B, A], NOW) == A
    assert place(sessions, "second", [A, B], NOW) == B


def test_only_conversations_active_in_the_window_count_as_load(sessions):
    old = NOW - ACTIVE_WINDOW - timedelta(seconds=1)
    for n in range(3):
        place(sessions, f"idle-{n}", [A], old)  # three on A, all idle now
    place(sessions, "busy", [B], NOW)  # one on B, active
    assert place(sessions, "new", [B, A], NOW) == A


def test_a_conversation_on_a_removed_server_is_placed_again(sessions):
    place(sessions, "moved", [A, B], NOW)
    assert place(sessions, "moved", [B], NOW) == B
    assert stored(sessions)["moved"] == B


def test_two_hubs_placing_one_conversation_at_once_agree(sessions):
    """Many threads, as many hub instances would: one choice, stored once."""
    place(sessions, "load-on-a", [A], NOW)
    with ThreadPoolExecutor(max_workers=8) as pool:
        chosen = list(pool.map(lambda order: place(sessions, "contested", order, NOW),
                               [[A, B], [B, A]] * 8))
    assert len(set(chosen)) == 1 and stored(sessions)["contested"] == chosen[0]


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


async def test_the_hub_asks_the_database_once_then_touches_about_a_minute(sessions):
    calls: list[str] = []
    pool = ThreadPoolExecutor(max_workers=1)

    async def run_db(work, *args):
        calls.append(work.__name__)
        return await asyncio.get_running_loop().run_in_executor(pool, work, *args)

    clock = Clock()
    placement = StoredPlacement(RasaRouting([A, B]), run_db, sessions, now=clock)
    first = await placement.url_for("c1")
    for _ in range(5):
        assert await placement.url_for("c1") == first
    assert calls == ["place"]
    clock.now += TOUCH_EVERY
    assert await placement.url_for("c1") == first
    assert calls == ["place", "touch"]
    with session_scope(sessions) as session:
        assert session.get(ConversationServer, "c1").seen_at == clock.now
    pool.shutdown()


async def test_asking_where_a_conversation_is_places_nothing(sessions):
    """A health check before the first turn (placed_on) must not take a server's place."""
    async def run_db(work, *args):
        return work(*args)

    placement = StoredPlacement(RasaRouting([A, B]), run_db, sessions, now=Clock())
    assert await placement.placed_on("c1") is None
    assert stored(sessions) == {}
    chosen = await placement.url_for("c1")
    assert await placement.placed_on("c1") == chosen
    other = StoredPlacement(RasaRouting([A, B]), run_db, sessions, now=Clock())
    assert await other.placed_on("c1") == chosen  # another hub reads it from the table
    assert await StoredPlacement(RasaRouting([B]), run_db, sessions,
                                 now=Clock()).placed_on("c1") == B  # one server: no lookup


async def test_a_health_check_asks_the_placed_server_else_every_server(sessions):
    """RasaClient.ready: the one server a conversation is on, or (not yet placed) all of
    them, and the check places nothing."""
    up = web.Application()
    up.router.add_get("/", lambda request: web.Response(text="Hello from Rasa"))
    server = TestServer(up)
    await server.start_server()
    live, dead = str(server.make_url("")).rstrip("/"), f"http://127.0.0.1:{unused_port()}"

    async def run_db(work, *args):
        return work(*args)

    async with aiohttp.ClientSession() as client:
        rasa = RasaClient(client, [live, dead], "token", 2.0, placement=lambda routing:
                          StoredPlacement(routing, run_db, sessions, now=Clock()))
        assert not await rasa.ready("new")  # one of the servers it may go to is down
        assert stored(sessions) == {}
        place(sessions, "on-live", [live], NOW)
        assert await rasa.ready("on-live")
        assert not await rasa.ready()
    await server.close()


async def test_with_the_database_down_a_new_conversation_is_hashed_and_placed_later(sessions):
    down = True

    async def run_db(work, *args):
        if down:
            raise OperationalError("SELECT", {}, Exception("database is locked"))
        return work(*args)

    routing = RasaRouting([A, B])
    placement = StoredPlacement(routing, run_db, sessions, now=Clock())
    assert await placement.url_for("c1") == routing.url_for("c1")
    assert await placement.placed_on("c1") is None
    assert stored(sessions) == {}
    down = False
    assert await placement.url_for("c1") in (A, B)
    assert "c1" in stored(sessions)


async def test_a_schema_mistake_is_not_taken_for_an_outage(sessions):
    async def run_db(work, *args):
        raise OperationalError("SELECT", {}, Exception("no such table: dpa_conversation_servers"))

    placement = StoredPlacement(RasaRouting([A, B]), run_db, sessions, now=Clock())
    with pytest.raises(OperationalError):
        await placement.url_for("c1")


def test_purge_and_erasure_remove_placements(sessions, migrated_url):
    place(sessions, "old", [A, B], NOW - timedelta(days=200))
    place(sessions, "recent", [A, B], NOW)
    place(sessions, "erased", [A, B], NOW)
    engine = get_engine(migrated_url)
    purge_older_than(engine, NOW - timedelta(days=180), dry_run=True)
    assert set(stored(sessions)) == {"old", "recent", "erased"}
    purge_older_than(engine, NOW - timedelta(days=180))
    assert set(stored(sessions)) == {"recent", "erased"}
    erase_conversation(engine, "erased")
    assert set(stored(sessions)) == {"recent"}


# -- real faults: a locked SQLite file, a PostgreSQL nobody answers on ---------------------

def in_thread(pool: ThreadPoolExecutor):
    async def run_db(work, *args):
        return await asyncio.get_running_loop().run_in_executor(pool, work, *args)
    return run_db


async def test_a_locked_sqlite_file_hashes_new_conversations_and_keeps_placed_ones(sqlite_url):
    """Another process holds the write lock past the busy timeout: a placed conversation
    stays where it is, a new one goes to its hash (nothing stored), and both are stored
    normally once the lock is gone."""
    upgrade_database(sqlite_url)
    engine = build_engine(sqlite_url, busy_timeout=0.3)
    sessions = make_session_factory(engine)
    routing, clock = RasaRouting([A, B]), Clock()
    with ThreadPoolExecutor(max_workers=1) as pool:
        placement = StoredPlacement(routing, in_thread(pool), sessions, now=clock)
        placed = await placement.url_for("placed")
        with file_locked(Path(make_url(sqlite_url).database)):
            assert await placement.url_for("new") == routing.url_for("new")
            clock.now += TOUCH_EVERY  # its touch is refused too: the turn still goes through
            assert await placement.url_for("placed") == placed
        assert stored(sessions) == {"placed": placed}
        assert await placement.url_for("new") in (A, B)
        assert set(stored(sessions)) == {"placed", "new"}
    engine.dispose()


async def test_a_postgresql_that_does_not_answer_hashes_new_conversations():
    """Nothing listening where the database should be (a stopped server): the real driver's
    refusal is an outage, not a bug, so the resident's turn still has a server."""
    url = f"postgresql+psycopg2://dpa@127.0.0.1:{unused_port()}/dpa?connect_timeout=2"
    engine = build_engine(url)
    routing = RasaRouting([A, B])
    with ThreadPoolExecutor(max_workers=1) as pool:
        placement = StoredPlacement(routing, in_thread(pool), make_session_factory(engine),
                                    now=Clock())
        assert await placement.url_for("new") == routing.url_for("new")
        assert await placement.placed_on("new") is None
    engine.dispose()
