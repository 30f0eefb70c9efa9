"""Several web app instances: a resident on one, staff on another (bot.web.live_channel).

Two real apps share one real PostgreSQL database and talk through each real transport
(PostgreSQL LISTEN/NOTIFY, Redis pub/sub); Rasa is the stand-in (the real one, twice, is
tests/e2e/test_scale_out.py). Each test checks what a tab and a console on different
instances see: everything, once, in seq order.
"""
from __future__ import annotations

import asyncio

import pytest

from bot.chat.handoffs import RETURNED, HandoffStore
from bot.chat.transcripts import IN_DOUBT, PENDING
from bot.web.live_channel import PostgresChannel, RedisChannel
from tests.web.conftest import ChatApp, new_resident
from tests.web.stand_in_rasa import StandInRasa
from tests.web.test_hub import claim, stored

pytestmark = pytest.mark.postgres


@pytest.fixture(params=["postgres", pytest.param("redis", marks=pytest.mark.redis)])
async def instances(request, make_chat, postgres) -> tuple[ChatApp, ChatApp]:
    """Instances A and B on one PostgreSQL database, joined by the channel named."""
    changes = {"database_url": postgres.migrated_database()}
    if request.param == "redis":
        changes["redis_url"] = request.getfixturevalue("redis_url")
    a = await make_chat(**changes)
    b = await make_chat(**changes)
    kind = RedisChannel if request.param == "redis" else PostgresChannel
    for app in (a, b):
        assert isinstance(app.hub.channel, kind)
        await asyncio.wait_for(app.hub.channel.connected.wait(), 5)
    return a, b


async def _relayed(url: str, resident: str, message_id: int) -> None:
    """Wait until the hub has decided where a resident message went (staff or Rasa).

    Across instances, a hand-back on B does not wait for a turn A is routing at that moment
    (one instance's relay lock; docs/deployment.md): staff take seconds, a test not."""
    for _ in range(100):
        [message] = [m for m in stored(url, resident) if m.id == message_id]
        if message.relay not in (PENDING, IN_DOUBT):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the message was never routed")


async def _messages_until(subscription, seq: int) -> list[dict]:
    """The console's message events up to the one with ``seq``."""
    got: list[dict] = []
    while not got or got[-1]["seq"] < seq:
        event = await asyncio.wait_for(subscription.get(), 5)
        if event["type"] == "message":
            got.append(event)
    return got


async def test_resident_on_a_staff_on_b_through_a_handoff_and_back(
    instances: tuple[ChatApp, ChatApp], rasa: StandInRasa
):
    a, b = instances
    resident = new_resident()
    url = a.settings.database_url
    tab = await a.open(resident)

    await tab.say("hello")
    assert (await tab.next("message", role="assistant"))["text"] == "You said: hello"

    # The assistant hands off (as the action server does); staff on B watch and join.
    HandoffStore.from_url(url).request(resident, "asked for a person")
    rasa.paused.add(resident)
    console = b.hub.subscribe_staff(resident)  # as the console does: subscribe, then read
    read = len((await b.hub.transcript(resident, for_staff=True))["messages"])
    wake = b.hub.queue_event
    claim(url, resident)
    await b.hub.notify(resident, "staff_joined", "Sam from Information Governance joined.",
                       author="Sam (Information Governance)")
    assert wake.is_set()  # B's queue page refreshes at once
    assert (await tab.next("notice"))["kind"] == "staff_joined"
    assert await tab.next("mode") == {"type": "mode", "mode": "staff"}

    await b.hub.set_typing(resident, True)
    assert await tab.next("typing") == {"type": "typing", "on": True}
    await b.hub.post_staff_message(resident, "Sam (Information Governance)", "Hello, I'm Sam.")
    said = await tab.next("message", role="staff")
    assert said["text"] == "Hello, I'm Sam." and said["author"] == "Sam (Information Governance)"

    # The resident's message on A reaches staff on B, not Rasa.
    await tab.say("thanks Sam")
    ack = await tab.next("message", role="resident")
    seen = await _messages_until(console, ack["seq"])
    seen = [e for e in seen if e["seq"] > read]  # the console drops what it read already
    assert [e["role"] for e in seen] == ["system", "staff", "resident"]
    assert seen[-1]["id"] == ack["id"] and seen[-1]["text"] == "thanks Sam"
    assert [t["message"] for t in rasa.received] == ["hello"]
    await _relayed(url, resident, ack["id"])  # A has routed it (to staff) before B hands back

    # B hands back; A's tab is told and the assistant answers again, on A.
    await b.hub.hand_back(resident, author="Sam (Information Governance)")
    assert (await tab.next("notice"))["kind"] == "handed_back"
    assert await tab.next("mode") == {"type": "mode", "mode": "assistant"}
    assert [h.status for h in HandoffStore.from_url(url).for_conversation(resident)] == [RETURNED]
    await tab.say("one more question")
    reply = await tab.next("message", role="assistant")
    assert reply["text"] == "You said: one more question"
    assert [t["message"] for t in rasa.received] == ["hello", "one more question"]

    # Every stored line reached the tab once, in seq order; staff on B saw them all too.
    transcript = stored(url, resident)
    shown = [f["seq"] for f in tab.frames if f["type"] in ("message", "notice") and "seq" in f]
    assert shown == [m.seq for m in transcript] == list(range(1, len(transcript) + 1))
    later = await _messages_until(console, transcript[-1].seq)
    assert [e["seq"] for e in seen + later] == [m.seq for m in transcript][2:]
    console.close()


async def test_messages_stored_on_both_instances_at_once_arrive_in_order(
    instances: tuple[ChatApp, ChatApp], rasa: StandInRasa
):
    """Staff on B write while the resident's replies are stored on A: each tab and console
    still gets every message once, in seq order, whichever instance stored it."""
    a, b = instances
    resident = new_resident()
    url = a.settings.database_url
    HandoffStore.from_url(url).request(resident, "asked for a person")
    claim(url, resident)
    tab_a = await a.open(resident)
    tab_b = await b.open(resident)  # the same resident in a second tab, on B
    console = a.hub.subscribe_staff(resident)
    await a.hub.transcript(resident, for_staff=True)

    await asyncio.gather(
        *(b.hub.post_staff_message(resident, "Sam", f"staff {n}") for n in range(5)),
        *(tab_a.say(f"resident {n}") for n in range(5)),
    )
    total = 10
    for tab in (tab_a, tab_b):
        while len([f for f in tab.frames if f["type"] == "message"]) < total:
            await tab.next("message")
    transcript = [m.seq for m in stored(url, resident)]
    assert transcript == list(range(1, total + 1))
    for tab in (tab_a, tab_b):
        assert [f["seq"] for f in tab.messages()] == transcript
    events = await _messages_until(console, total)
    assert [e["seq"] for e in events] == transcript
    console.close()


@pytest.mark.redis
async def test_an_instance_that_lost_the_channel_catches_up_when_it_reconnects(
    make_chat, postgres, redis_url: str, rasa: StandInRasa
):
    """Events published while an instance was not listening are lost to it; on
    reconnecting it reads what it missed from the transcript (the resync)."""
    import redis as redis_client

    changes = {"database_url": postgres.migrated_database(), "redis_url": redis_url}
    a, b = await make_chat(**changes), await make_chat(**changes)
    for app in (a, b):
        await asyncio.wait_for(app.hub.channel.connected.wait(), 5)
    resident = new_resident()
    url = a.settings.database_url
    HandoffStore.from_url(url).request(resident, "asked for a person")
    claim(url, resident)
    tab = await a.open(resident)

    server = redis_client.Redis.from_url(redis_url)
    [listening] = [c for c in server.client_list(_type="pubsub")
                   if c["name"] == f"dpa-live-{a.hub.channel.instance}"]
    server.client_kill(listening["addr"])  # A's subscription only: B stays connected
    for _ in range(100):  # A notices its subscription is gone (and waits before retrying)
        if not a.hub.channel.connected.is_set():
            break
        await asyncio.sleep(0.02)
    assert not a.hub.channel.connected.is_set()
    health = await (await a.client.get("/health")).json()
    assert health["live_channel"] == "unreachable" and health["status"] == "degraded"
    await b.hub.post_staff_message(resident, "Sam", "are you still there?")

    said = await tab.next("message", role="staff")
    assert said["text"] == "are you still there?" and said["seq"] == 1
    assert a.hub.channel.connected.is_set()
    health = await (await a.client.get("/health")).json()
    assert health["live_channel"] == "ok" and health["status"] == "ok"


async def _until(condition, seconds: float = 5.0) -> float:
    """Wait until ``condition()`` holds; how long it took."""
    started = loop_time = asyncio.get_running_loop().time()
    while not condition():
        loop_time = asyncio.get_running_loop().time()
        if loop_time - started > seconds:
            raise AssertionError("never happened")
        await asyncio.sleep(0.02)
    return loop_time - started


async def test_a_resident_on_a_is_connected_for_the_console_on_b(
    instances: tuple[ChatApp, ChatApp], make_chat, rasa: StandInRasa
):
    """What the console shows as "Resident's chat open now", over each transport: a tab on
    A counts on B, until its last tab on A closes; a third instance started later learns it
    at once (it asks), not at the next heartbeat."""
    a, b = instances
    resident, other = new_resident(), new_resident()
    assert not b.hub.resident_connected(resident)
    first, second = await a.open(resident), await a.open(resident)
    await _until(lambda: b.hub.resident_connected(resident))
    assert a.hub.resident_connected(resident) and not b.hub.resident_connected(other)

    c = await make_chat(database_url=a.settings.database_url,
                        redis_url=a.settings.redis_url)
    await asyncio.wait_for(c.hub.channel.connected.wait(), 5)
    took = await _until(lambda: c.hub.resident_connected(resident))
    assert took < c.hub.presence.heartbeat_seconds / 2

    await first.ws.close()
    await asyncio.sleep(0.3)
    assert b.hub.resident_connected(resident)  # one tab is still open on A
    await second.ws.close()
    await _until(lambda: not b.hub.resident_connected(resident))
    await _until(lambda: not c.hub.resident_connected(resident))
    assert not a.hub.resident_connected(resident)


async def test_a_crashed_instance_does_not_leave_its_residents_connected(
    instances: tuple[ChatApp, ChatApp], rasa: StandInRasa
):
    """A goes silent with a tab still open (its heartbeats and channel stop, as when its
    process dies): B stops counting the resident as connected once A's word expires."""
    a, b = instances
    b.hub.presence.expires_seconds = 0.5  # three heartbeats, in the app
    resident = new_resident()
    await a.open(resident)
    await _until(lambda: b.hub.resident_connected(resident))
    await a.hub.presence.stop()
    await a.hub.channel.close()  # no "closed" is ever sent
    assert a.hub.resident_connected(resident)  # the tab is still open on A
    took = await _until(lambda: not b.hub.resident_connected(resident))
    assert 0.1 < took < 2
