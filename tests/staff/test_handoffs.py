"""Live handoff through the console's HTTP layer: queue, claim, chat both ways, hand back."""
from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp

from bot.chat.handoffs import CLAIMED, RETURNED, WAITING, HandoffStore
from bot.chat.transcripts import TranscriptStore
from bot.db.engine import get_engine, make_session_factory
from bot.staff.callbacks import offer_call_backs
from bot.staff.services import NOW_KEY
from bot.web.keys import RESIDENT_IDS_KEY
from bot.web.rasa_client import RESUME_EVENTS
from tests.staff.conftest import Console, new_resident
from tests.web.conftest import Tab
from tests.web.stand_in_rasa import StandInRasa


async def open_tab(console: Console, resident: str) -> Tab:
    """A resident's tab on conversation ``resident``, with the id the hub signs for it."""
    origin = f"http://127.0.0.1:{console.client.port}"
    signed = console.app[RESIDENT_IDS_KEY].sign(resident)
    ws = await console.client.ws_connect("/chat/ws", params={"resident": signed},
                                         headers={"Origin": origin})
    tab = Tab(ws)
    await tab.next("history")
    return tab


class Events:
    """A Server-Sent Events stream read line by line."""

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self.response = response

    async def next(self, event: str | None = None, timeout: float = 5.0) -> tuple[str, Any]:
        while True:
            name, data = await asyncio.wait_for(self._one(), timeout)
            if event is None or name == event:
                return name, data

    async def _one(self) -> tuple[str, Any]:
        name, data = "message", None
        while True:
            line = (await self.response.content.readline()).decode()
            if line == "":
                raise AssertionError("stream ended")
            line = line.rstrip("\n")
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data = json.loads(line[6:])
            elif line == "" and data is not None:
                return name, data


async def waiting_handoff(console: Console, rasa: StandInRasa, reason="asked for a person"):
    resident = new_resident()
    clock = console.app[NOW_KEY]
    store = HandoffStore(make_session_factory(get_engine(console.settings.database_url)), now=clock)
    handoff = store.request(resident, reason)
    rasa.paused.add(resident)
    return resident, handoff


async def test_queue_lists_waiting_conversations_oldest_first(signed_in: Console, rasa, clock):
    _, first = await waiting_handoff(signed_in, rasa, "complaint")
    clock.advance(minutes=3)
    _, second = await waiting_handoff(signed_in, rasa)
    clock.advance(minutes=2)
    response = await signed_in.get("/staff/api/handoffs")
    queue = (await response.json())["queue"]
    assert [item["id"] for item in queue] == [first.id, second.id]
    assert [item["waited_minutes"] for item in queue] == [5, 2]
    assert queue[0]["reason"] == "complaint"
    assert all("conversation_id" not in item for item in queue)
    html = await signed_in.page("/staff/handoffs")
    assert "Complaint" in html and "5 min" in html


async def test_queue_stream_updates_live(signed_in: Console, rasa):
    async with signed_in.client.get("/staff/handoffs/stream") as response:
        assert response.headers["Content-Type"].startswith("text/event-stream")
        events = Events(response)
        _, data = await events.next("queue")
        assert data["queue"] == []
        _, handoff = await waiting_handoff(signed_in, rasa)
        _, data = await events.next("queue")
        assert [item["id"] for item in data["queue"]] == [handoff.id]


async def test_claim_chat_both_ways_and_hand_back(signed_in: Console, rasa: StandInRasa):
    resident, handoff = await waiting_handoff(signed_in, rasa)
    tab = await open_tab(signed_in, resident)
    page = await signed_in.page(f"/staff/handoffs/{handoff.id}")
    assert "Claim this conversation" in page
    response = await signed_in.post(f"/staff/handoffs/{handoff.id}/claim")
    assert response.status == 303
    notice = await tab.next("notice")
    assert notice["kind"] == "staff_joined" and "Sam" in notice["text"]
    assert notice["author"] == "Sam (Information Governance)"
    assert await tab.next("mode") == {"type": "mode", "mode": "staff"}
    assert HandoffStore.from_url(signed_in.settings.database_url).get(handoff.id).status == CLAIMED

    await signed_in.page(f"/staff/handoffs/{handoff.id}")
    async with signed_in.client.get(f"/staff/handoffs/{handoff.id}/stream") as stream:
        events = Events(stream)
        _, history = await events.next("history")
        assert history["mode"] == "staff"
        sent = await signed_in.post_json(f"/staff/handoffs/{handoff.id}/messages",
                                         {"text": "Hello, I'm Sam. How can I help?"})
        assert sent.status == 200, await sent.text()
        said = await tab.next("message", role="staff")
        assert said["text"] == "Hello, I'm Sam. How can I help?"
        await tab.say("I want to see my records")
        _, heard = await events.next("message")
        while heard["role"] != "resident":
            _, heard = await events.next("message")
        assert heard["text"] == "I want to see my records"
        assert rasa.received == []  # the assistant stays out of it

    typing = await signed_in.post_json(f"/staff/handoffs/{handoff.id}/typing", {"on": True})
    assert typing.status == 200
    assert await tab.next("typing", on=True) == {"type": "typing", "on": True}

    back = await signed_in.post(f"/staff/handoffs/{handoff.id}/hand-back")
    assert back.status == 303
    notice = await tab.next("notice")
    assert notice["kind"] == "handed_back" and "Sam has left the chat" in notice["text"]
    assert HandoffStore.from_url(signed_in.settings.database_url).get(handoff.id).status == RETURNED
    assert rasa.events[-1][1] == RESUME_EVENTS
    await tab.ws.close()


async def test_only_one_member_of_staff_can_claim(console: Console, rasa):
    resident, handoff = await waiting_handoff(console, rasa)
    await console.login("sam")
    assert (await console.post(f"/staff/handoffs/{handoff.id}/claim")).status == 303
    await console.post("/staff/logout")
    await console.login("ada")
    await console.page(f"/staff/handoffs/{handoff.id}")
    again = await console.post(f"/staff/handoffs/{handoff.id}/claim")
    assert again.status == 409
    reply = await console.post_json(f"/staff/handoffs/{handoff.id}/messages", {"text": "hi"})
    assert reply.status == 409


async def test_close_and_release(signed_in: Console, rasa):
    resident, handoff = await waiting_handoff(signed_in, rasa)
    await signed_in.post(f"/staff/handoffs/{handoff.id}/claim")
    assert (await signed_in.post(f"/staff/handoffs/{handoff.id}/release")).status == 303
    store = HandoffStore.from_url(signed_in.settings.database_url)
    assert store.get(handoff.id).status == WAITING
    kinds = [m.kind for m in TranscriptStore.from_url(signed_in.settings.database_url)
             .history(resident)]
    assert kinds == ["staff_joined", "staff_left"]
    await signed_in.post(f"/staff/handoffs/{handoff.id}/claim")
    assert (await signed_in.post(f"/staff/handoffs/{handoff.id}/close")).status == 303
    assert store.get(handoff.id).status == "closed"


async def test_hand_back_when_rasa_is_down_keeps_the_chat(signed_in: Console, rasa):
    resident, handoff = await waiting_handoff(signed_in, rasa)
    await signed_in.post(f"/staff/handoffs/{handoff.id}/claim")
    rasa.status = 503
    response = await signed_in.post(f"/staff/handoffs/{handoff.id}/hand-back")
    assert response.status == 503 and "stays with you" in await response.text()
    assert HandoffStore.from_url(signed_in.settings.database_url).get(handoff.id).status == CLAIMED


async def test_transcript_shows_intent_and_confidence_and_escapes_html(signed_in: Console, rasa):
    resident, handoff = await waiting_handoff(signed_in, rasa)
    store = TranscriptStore.from_url(signed_in.settings.database_url)
    from bot.chat.transcripts import NewMessage

    record, _ = store.append(resident, NewMessage("resident", "<script>alert(1)</script>"))
    store.set_understanding(record.id, "request_human", 0.87)
    html = await signed_in.page(f"/staff/handoffs/{handoff.id}")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Understood as: Talk to a person (87% sure)" in html
    assert "Understood as request_human" not in html
    assert 'role="log"' in html


async def test_unclaimed_too_long_or_off_duty_residents_are_offered_a_call_back(
    make_console, accounts, rasa, clock
):
    console = await make_console(staff_hours="Mon-Fri 09:00-17:00")
    resident, handoff = await waiting_handoff(console, rasa)
    tab = await open_tab(console, resident)
    assert await offer_call_backs(console.app) == 0  # on duty, and only just asked
    clock.advance(minutes=console.settings.staff_claim_timeout_minutes)
    assert await offer_call_backs(console.app) == 1
    notice = await tab.next("notice")
    assert notice["kind"] == "staff_unavailable" and "call back" in notice["text"]
    assert await offer_call_backs(console.app) == 0  # told once
    store = HandoffStore.from_url(console.settings.database_url)
    assert store.get(handoff.id).status == WAITING  # still in the queue for follow-up

    clock.now = clock.now.replace(hour=20)  # 20:00 in London: off duty
    other, late = await waiting_handoff(console, rasa)
    assert await offer_call_backs(console.app) == 0  # the assistant's own reply comes first
    clock.advance(seconds=30)
    assert await offer_call_backs(console.app) == 1
    [line] = TranscriptStore.from_url(console.settings.database_url).history(other)
    assert line.kind == "staff_unavailable" and "not available right now" in line.text
    await tab.ws.close()
