"""Routing conversations to Rasa servers: stable, spread, and one server per conversation."""
from __future__ import annotations

from collections import Counter

import pytest

from bot.chat.handoffs import HandoffStore
from bot.rasa.routing import RasaRouting
from bot.web.rasa_client import RESUME_EVENTS
from tests.web.conftest import new_resident
from tests.web.stand_in_rasa import StandInRasa
from tests.web.test_hub import claim

URLS = ["http://127.0.0.1:5005", "http://127.0.0.1:5006", "http://127.0.0.1:5007"]


def test_the_same_conversation_always_goes_to_the_same_server():
    ids = [new_resident() for _ in range(50)]
    first = [RasaRouting(URLS).url_for(i) for i in ids]
    # A new routing (another hub process, or after a restart) chooses the same.
    assert [RasaRouting(list(URLS)).url_for(i) for i in ids] == first
    # Fixed expectations: SHA-256, the same in every process (Python's hash() of a str is
    # salted per process, so two hub instances would disagree).
    routing = RasaRouting(URLS)
    assert [routing.index_for(f"conversation-{c}") for c in "abcdef"] == [2, 2, 1, 2, 0, 0]
    assert RasaRouting(["http://a/", " http://b"]).urls == ("http://a", "http://b")


def test_conversations_spread_evenly_over_the_servers():
    counts = Counter(RasaRouting(URLS).index_for(f"resident-{n}") for n in range(3000))
    assert set(counts) == {0, 1, 2}
    assert all(800 < count < 1200 for count in counts.values()), counts


def test_adding_a_server_moves_only_the_conversations_it_takes():
    ids = [f"resident-{n}" for n in range(2000)]
    two, three = RasaRouting(URLS[:2]), RasaRouting(URLS)
    moved = [i for i in ids if two.url_for(i) != three.url_for(i)]
    assert all(three.url_for(i) == URLS[2] for i in moved)
    assert 500 < len(moved) < 850  # about a third


def test_one_server_and_bad_lists():
    assert RasaRouting(["http://only:5005"]).url_for("anything") == "http://only:5005"
    with pytest.raises(ValueError):
        RasaRouting([])
    with pytest.raises(ValueError):
        RasaRouting(["http://a", "http://a/"])


async def test_every_call_about_a_conversation_goes_to_its_server(make_chat, rasa: StandInRasa):
    """Two conversations, placed on the two servers (the least busy takes the second); every
    turn of each, and staff handing it back (the resume), reach its server and no other."""
    other = await StandInRasa().start()
    try:
        servers = {rasa.url: rasa, other.url: other}
        chat = await make_chat(rasa_urls=(rasa.url, other.url))
        residents = [new_resident(), new_resident()]
        served_by: dict[str, StandInRasa] = {}
        for resident in residents:
            tab = await chat.open(resident)
            for n in range(3):
                await tab.say(f"message {n}")
                reply = await tab.next("message", role="assistant")
                assert reply["text"] == f"You said: message {n}"
            reached = [s for s in servers.values()
                       if any(t["sender"] == resident for t in s.received)]
            assert len(reached) == 1, "one conversation's turns went to two servers"
            served_by[resident] = reached[0]
            assert [t["message"] for t in reached[0].received if t["sender"] == resident] == [
                "message 0", "message 1", "message 2"]
        assert served_by[residents[0]] is not served_by[residents[1]]

        resident = residents[1]
        server = served_by[resident]
        unused = next(s for s in servers.values() if s is not server)
        HandoffStore.from_url(chat.settings.database_url).request(resident, "asked for a person")
        claim(chat.settings.database_url, resident)
        await chat.hub.hand_back(resident)
        assert server.events == [(resident, RESUME_EVENTS, server.events[0][2])]
        assert unused.events == []
    finally:
        await other.close()


async def test_health_shows_each_rasa_server(make_chat, rasa: StandInRasa):
    other = await StandInRasa().start()
    try:
        chat = await make_chat(rasa_urls=(rasa.url, other.url))
        async with chat.client.get("/health") as response:
            health = await response.json()
        assert health["rasa"] == "ok"
        assert health["rasa_workers"] == [{"url": rasa.url, "state": "ok"},
                                          {"url": other.url, "state": "ok"}]
        await other.go_down()
        async with chat.client.get("/health") as response:
            health = await response.json()
        assert health["status"] == "degraded" and health["rasa"].startswith("unreachable")
        assert [w["state"] == "ok" for w in health["rasa_workers"]] == [True, False]
    finally:
        await other.close()


def test_order_for_lists_every_server_the_hash_choice_first():
    routing = RasaRouting(URLS)
    for n in range(50):
        order = routing.order_for(f"resident-{n}")
        assert sorted(order) == sorted(routing.urls)
        assert order[0] == routing.url_for(f"resident-{n}")
        weights = [routing.weight(url, f"resident-{n}") for url in order]
        assert weights == sorted(weights, reverse=True)
