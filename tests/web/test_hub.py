"""The chat hub over a real WebSocket, with a stand-in Rasa on a real port."""
from __future__ import annotations

import asyncio

import aiohttp
import pytest
from sqlalchemy import text, update

from bot.chat.handoffs import CLAIMED, RETURNED, Handoff, HandoffStore
from bot.chat.transcripts import TranscriptStore
from bot.db.engine import get_engine, make_session_factory, session_scope
from bot.rules.council import DPO_EMAIL, DPO_PHONE
from bot.web.rasa_client import RESUME_EVENTS, RasaUnavailable
from tests.web.conftest import ChatApp, free_port, new_resident
from tests.web.stand_in_rasa import TOKEN, StandInRasa


def stored(url: str, resident: str) -> list:
    return TranscriptStore.from_url(url).history(resident)


def claim(url: str, resident: str, by: str = "Sam") -> None:
    """What the staff console will do when someone takes the conversation."""
    with session_scope(make_session_factory(get_engine(url)), write=True) as session:
        session.execute(
            update(Handoff).where(Handoff.conversation_id == resident).values(
                status=CLAIMED, claimed_by=by
            )
        )


# -- a turn ------------------------------------------------------------------------------


async def test_a_new_resident_gets_an_empty_history_with_the_assistant(chat: ChatApp):
    tab = await chat.open(new_resident())
    assert tab.frames == [{"type": "history", "messages": [], "mode": "assistant"}]


async def test_message_is_stored_acknowledged_then_answered_in_order(
    chat: ChatApp, rasa: StandInRasa
):
    resident = new_resident()
    rasa.script = lambda turn: [
        {"recipient_id": turn["sender"], "text": "Hello, I'm the automated assistant."},
        {"recipient_id": turn["sender"], "text": "What would you like to do?",
         "buttons": [{"title": "See my data", "payload": "/request_access"}]},
        {"recipient_id": turn["sender"], "image": "https://example.org/cat.png"},
    ]
    tab = await chat.open(resident)
    client_id = await tab.say("hello")

    ack = await tab.next("message")
    assert ack["role"] == "resident" and ack["client_id"] == client_id and ack["text"] == "hello"
    first = await tab.next("message")
    second = await tab.next("message")
    await tab.next("typing", on=False)

    assert [first["role"], second["role"]] == ["assistant", "assistant"]
    assert second["buttons"] == [{"title": "See my data", "payload": "/request_access"}]
    assert [ack["seq"], first["seq"], second["seq"]] == [1, 2, 3]
    kinds = [f["type"] for f in tab.frames[1:]]
    assert kinds.index("typing") > kinds.index("message")  # typing starts after the ack
    assert {"intent", "confidence", "page"}.isdisjoint(ack)  # not for residents
    assert ack["at"].endswith("Z")

    [turn] = rasa.received
    assert turn["sender"] == resident and turn["message"] == "hello"
    assert turn["metadata"]["page"] == "https://council.example/privacy"
    rows = stored(chat.settings.database_url, resident)
    assert [(r.seq, r.role) for r in rows] == [(1, "resident"), (2, "assistant"), (3, "assistant")]
    assert rows[0].client_id == client_id and rows[0].page == "https://council.example/privacy"


async def test_resident_message_is_stored_before_rasa_sees_it(chat: ChatApp, rasa: StandInRasa):
    resident = new_resident()
    seen: list[list[str]] = []

    async def script(turn):
        rows = await asyncio.to_thread(stored, chat.settings.database_url, resident)
        seen.append([row.text for row in rows])
        return [{"text": "ok"}]

    rasa.script = script
    tab = await chat.open(resident)
    await tab.say("is it stored?")
    await tab.next("typing", on=False)
    assert seen == [["is it stored?"]]


async def test_seq_increases_strictly_over_many_quick_messages(chat: ChatApp, rasa: StandInRasa):
    resident = new_resident()
    tab = await chat.open(resident)
    for n in range(4):
        await tab.say(f"message {n}")
    while len([m for m in tab.messages() if m["role"] == "assistant"]) < 4:
        await tab.next("message")
    seqs = [m["seq"] for m in tab.messages()]
    assert seqs == sorted(seqs) == list(range(1, 9))
    # Every reply comes after the acknowledgement of the message it answers.
    for n in range(4):
        ack = next(m for m in tab.messages() if m["text"] == f"message {n}")
        reply = next(m for m in tab.messages() if m["text"] == f"You said: message {n}")
        assert ack["seq"] < reply["seq"]
    assert [t["message"] for t in rasa.received] == [f"message {n}" for n in range(4)]


async def test_button_click_sends_the_payload_and_shows_the_title(chat: ChatApp, rasa: StandInRasa):
    resident = new_resident()
    tab = await chat.open(resident)
    await tab.say("/request_access", display="See my data")
    ack = await tab.next("message", role="resident")
    assert ack["text"] == "See my data"
    await tab.next("message", role="assistant")
    assert rasa.received[0]["message"] == "/request_access"


async def test_reconnecting_gets_the_history(chat: ChatApp):
    resident = new_resident()
    tab = await chat.open(resident)
    await tab.say("hello")
    await tab.next("typing", on=False)
    await tab.ws.close()

    again = await chat.open(resident)
    history = again.frames[0]
    assert history["mode"] == "assistant"
    assert [(m["seq"], m["role"], m["text"]) for m in history["messages"]] == [
        (1, "resident", "hello"), (2, "assistant", "You said: hello")
    ]


# -- resending after a reconnect ---------------------------------------------------------


async def test_a_resent_client_id_is_stored_once_and_answered_once(
    chat: ChatApp, rasa: StandInRasa
):
    resident = new_resident()
    tab = await chat.open(resident)
    client_id = await tab.say("hello")
    first_ack = await tab.next("message", role="resident")
    await tab.next("typing", on=False)
    await tab.ws.close()

    again = await chat.open(resident)
    await again.say("hello", client_id=client_id)
    re_ack = await again.next("message")
    assert re_ack == first_ack  # the same message: the widget drops it by seq
    assert await again.silent() == []
    assert len(rasa.received) == 1
    assert [r.role for r in stored(chat.settings.database_url, resident)] == [
        "resident", "assistant"
    ]


async def test_a_resend_while_the_first_copy_is_still_with_rasa(chat: ChatApp, rasa: StandInRasa):
    """The tab lost its socket mid-turn: the reply still arrives, once, on the new socket."""
    resident = new_resident()
    rasa.delay = 0.5
    tab = await chat.open(resident)
    client_id = await tab.say("hello")
    await tab.next("message", role="resident")
    await tab.ws.close()  # gone before Rasa answers

    again = await chat.open(resident)
    await again.say("hello", client_id=client_id)
    await again.next("message", role="resident", client_id=client_id)
    reply = await again.next("message", role="assistant")
    assert reply["text"] == "You said: hello"
    assert await again.silent(0.8) == [{"type": "typing", "on": False}]
    assert len(rasa.received) == 1
    assert len(stored(chat.settings.database_url, resident)) == 2


# -- when Rasa fails ---------------------------------------------------------------------


async def test_rasa_down_gives_the_dpo_contacts_and_keeps_the_message(make_chat):
    # The DPO's contacts come once the outage lasted CHAT_OUTAGE_CONTACT_SECONDS (here: at
    # once); tests/web/test_outages.py has the default, a short notice first.
    chat = await make_chat(rasa_url=f"http://127.0.0.1:{free_port()}",
                           chat_outage_contact_seconds=0.0)
    resident = new_resident()
    tab = await chat.open(resident)
    await tab.say("can I see my data?")
    await tab.next("message", role="resident")
    notice = await tab.next("notice")
    assert notice["kind"] == "unavailable"
    assert DPO_EMAIL in notice["text"] and DPO_PHONE in notice["text"]
    await tab.next("typing", on=False)
    rows = stored(chat.settings.database_url, resident)
    assert [(r.role, r.kind) for r in rows] == [("resident", None), ("system", "unavailable")]
    assert notice["seq"] == 2  # kept, so a reload still explains the missing answer


async def test_rasa_slower_than_the_timeout(make_chat, rasa: StandInRasa):
    chat = await make_chat(chat_rasa_timeout_seconds=0.3)
    rasa.delay = 2.0
    resident = new_resident()
    tab = await chat.open(resident)
    await tab.say("hello")
    await tab.next("message", role="resident")
    started = asyncio.get_running_loop().time()
    notice = await tab.next("notice")
    assert notice["kind"] == "unavailable"
    assert asyncio.get_running_loop().time() - started < 1.5
    assert stored(chat.settings.database_url, resident)[0].text == "hello"


async def test_rasa_error_status_is_unavailable(chat: ChatApp, rasa: StandInRasa):
    rasa.status = 500
    tab = await chat.open(new_resident())
    await tab.say("hello")
    assert (await tab.next("notice"))["kind"] == "unavailable"


async def test_no_answer_at_all_is_unavailable(chat: ChatApp, rasa: StandInRasa):
    """What Rasa does when the action server is down: the custom action's reply is lost."""
    rasa.script = lambda turn: []
    tab = await chat.open(new_resident())
    await tab.say("I want to see my data")
    assert (await tab.next("notice"))["kind"] == "unavailable"


# -- limits ------------------------------------------------------------------------------


async def test_a_message_too_long_is_refused_and_not_stored(make_chat, rasa: StandInRasa):
    chat = await make_chat(chat_max_message_chars=20)
    resident = new_resident()
    tab = await chat.open(resident)
    client_id = await tab.say("x" * 21)
    notice = await tab.next("notice")
    error = await tab.next("error")
    assert notice["kind"] == "too_long" and "20" in notice["text"]
    assert error["kind"] == "too_long" and error["client_id"] == client_id
    await tab.say("x" * 20)
    await tab.next("message", role="assistant")
    assert [r.text for r in stored(chat.settings.database_url, resident)][0] == "x" * 20
    assert len(rasa.received) == 1


async def test_rate_limit_per_connection(make_chat, rasa: StandInRasa):
    chat = await make_chat(chat_rate_per_minute=1, chat_rate_burst=2)
    resident = new_resident()
    tab = await chat.open(resident)
    for n in range(3):
        await tab.say(f"message {n}")
    notice = await tab.next("notice")
    assert notice["kind"] == "rate_limited"
    assert (await tab.next("error"))["kind"] == "rate_limited"
    while len([m for m in tab.messages() if m["role"] == "assistant"]) < 2:
        await tab.next("message")
    assert [r.text for r in stored(chat.settings.database_url, resident) if r.role == "resident"] \
        == ["message 0", "message 1"]
    # A new tab has its own allowance.
    other = await chat.open(resident)
    await other.say("from another tab")
    await other.next("message", text="from another tab")


# -- who may connect ---------------------------------------------------------------------


@pytest.mark.parametrize("origin", ["https://evil.example", "null", None])
async def test_other_origins_are_refused(chat: ChatApp, origin):
    headers = {} if origin is None else {"Origin": origin}
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await chat.client.ws_connect(
            "/chat/ws", params={"resident": chat.resident_id(new_resident())}, headers=headers
        )
    assert refused.value.status == 403


async def test_configured_origins_are_allowed(make_chat):
    chat = await make_chat(chat_allowed_origins=("https://www.council.example",))
    tab = await chat.open(new_resident(), origin="https://www.council.example")
    assert tab.frames[0]["type"] == "history"
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await chat.client.ws_connect(
            "/chat/ws", params={"resident": chat.resident_id(new_resident())},
            headers={"Origin": chat.origin},
        )
    assert refused.value.status == 403  # "self" is not in that list


@pytest.mark.parametrize("resident", ["", "short", "a" * 21, "has spaces in it here!!", "é" * 30,
                                      "a" * 129])
async def test_malformed_resident_ids_are_refused(chat: ChatApp, resident):
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await chat.client.ws_connect(
            "/chat/ws", params={"resident": resident}, headers={"Origin": chat.origin}
        )
    assert refused.value.status == 403
    response = await chat.client.get("/chat/transcript", params={"resident": resident})
    assert response.status == 403


async def test_plain_http_to_the_socket_is_refused(chat: ChatApp):
    response = await chat.client.get(
        "/chat/ws", params={"resident": chat.resident_id(new_resident())},
        headers={"Origin": chat.origin},
    )
    assert response.status == 400


# -- several tabs ------------------------------------------------------------------------


async def test_every_tab_of_a_resident_gets_every_message(chat: ChatApp):
    resident = new_resident()
    first, second = await chat.open(resident), await chat.open(resident)
    stranger = await chat.open(new_resident())
    await first.say("hello from the first tab")
    for tab in (first, second):
        await tab.next("message", role="resident", text="hello from the first tab")
        await tab.next("message", role="assistant", text="You said: hello from the first tab")
    await second.say("and from the second")
    for tab in (first, second):
        await tab.next("message", role="assistant", text="You said: and from the second")
    seqs = [[m["seq"] for m in tab.messages()] for tab in (first, second)]
    assert seqs == [[1, 2, 3, 4], [1, 2, 3, 4]]
    assert await stranger.silent() == []


async def test_ping_and_bad_frames(chat: ChatApp):
    tab = await chat.open(new_resident())
    await tab.ws.send_json({"type": "ping"})
    assert await tab.next() == {"type": "pong"}
    await tab.ws.send_str("not json")
    assert (await tab.next())["type"] == "error"
    await tab.ws.send_json({"type": "shout"})
    assert (await tab.next())["type"] == "error"
    await tab.ws.send_json({"type": "message", "text": "   "})
    assert (await tab.next())["type"] == "error"
    await tab.ws.send_json({"type": "message", "text": "hi", "client_id": "x" * 65})
    assert (await tab.next())["type"] == "error"


async def test_end_closes_every_tab_and_tells_staff(chat: ChatApp):
    resident = new_resident()
    first, second = await chat.open(resident), await chat.open(resident)
    subscription = chat.hub.subscribe_staff(resident)
    await first.ws.send_json({"type": "end"})
    for tab in (first, second):
        notice = await tab.next("notice")
        assert notice["kind"] == "closed"
        closing = await asyncio.wait_for(tab.ws.receive(), 5)
        assert closing.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
    events = [await subscription.get(), await subscription.get()]
    assert events[0]["role"] == "system" and events[0]["kind"] == "closed"
    assert events[1] == {"type": "resident_ended"}
    subscription.close()


# -- the transcript over HTTP ------------------------------------------------------------


async def test_transcript_endpoint_matches_the_history(chat: ChatApp):
    resident = new_resident()
    tab = await chat.open(resident)
    await tab.say("hello")
    await tab.next("typing", on=False)
    response = await chat.client.get(
        "/chat/transcript", params={"resident": chat.resident_id(resident)},
        headers={"Origin": chat.origin},
    )
    assert response.status == 200
    assert response.headers["Access-Control-Allow-Origin"] == chat.origin
    body = await response.json()
    again = await chat.open(resident)
    assert body == again.frames[0]
    refused = await chat.client.get(
        "/chat/transcript", params={"resident": chat.resident_id(resident)},
        headers={"Origin": "https://evil.example"},
    )
    assert refused.status == 403


# -- what the model understood -----------------------------------------------------------


async def test_intent_and_confidence_are_kept_for_staff(chat: ChatApp, rasa: StandInRasa):
    rasa.tracker_store_url = chat.settings.database_url
    rasa.intent, rasa.confidence = "request_access", 0.87
    resident = new_resident()
    subscription = chat.hub.subscribe_staff(resident)
    tab = await chat.open(resident)
    await tab.say("can I see what you hold on me?")
    await tab.next("typing", on=False)
    [asked, _reply] = stored(chat.settings.database_url, resident)
    assert (asked.intent, asked.confidence) == ("request_access", 0.87)
    events = [await subscription.get() for _ in range(3)]
    assert events[1] == {"type": "understanding", "id": asked.id, "intent": "request_access",
                         "confidence": 0.87}
    assert events[0]["page"] == "https://council.example/privacy"
    subscription.close()


async def test_without_a_tracker_store_the_intent_stays_unknown(chat: ChatApp):
    resident = new_resident()
    tab = await chat.open(resident)
    await tab.say("hello")
    await tab.next("message", role="assistant")
    assert stored(chat.settings.database_url, resident)[0].intent is None


# -- handoff to staff and back -----------------------------------------------------------


async def test_during_a_handoff_messages_go_to_staff_not_rasa(chat: ChatApp, rasa: StandInRasa):
    resident = new_resident()
    HandoffStore.from_url(chat.settings.database_url).request(resident, "asked for a person")
    subscription = chat.hub.subscribe_staff(resident)
    tab = await chat.open(resident)
    assert tab.frames[0]["mode"] == "waiting"

    await tab.say("is anyone there?")
    ack = await tab.next("message", role="resident")
    event = await asyncio.wait_for(subscription.get(), 5)
    assert event["type"] == "message" and event["id"] == ack["id"]
    assert event["text"] == "is anyone there?" and "intent" in event
    assert await tab.silent() == []  # no typing, no reply
    assert rasa.received == []
    subscription.close()


async def test_the_assistant_handing_off_switches_the_widget_to_waiting(
    chat: ChatApp, rasa: StandInRasa
):
    """As the action server does: record the handoff and pause, then say so."""
    resident = new_resident()
    store = HandoffStore.from_url(chat.settings.database_url)

    async def script(turn):
        if turn["message"] == "a person please":
            await asyncio.to_thread(store.request, turn["sender"], "asked for a person")
            rasa.paused.add(turn["sender"])
            return [{"text": "I've asked a member of our data protection team to join."}]
        return [{"text": "ok"}]

    rasa.script = script
    tab = await chat.open(resident)
    await tab.say("a person please")
    await tab.next("message", role="assistant")
    assert await tab.next("mode") == {"type": "mode", "mode": "waiting"}
    await tab.say("hello?")
    await tab.next("message", role="resident", text="hello?")
    assert await tab.silent() == []
    assert [t["message"] for t in rasa.received] == ["a person please"]


async def test_staff_join_talk_and_hand_back(chat: ChatApp, rasa: StandInRasa):
    resident = new_resident()
    url = chat.settings.database_url
    HandoffStore.from_url(url).request(resident, "asked for a person")
    rasa.paused.add(resident)
    tab = await chat.open(resident)
    subscription = chat.hub.subscribe_staff(resident)

    claim(url, resident)
    await chat.hub.notify(resident, "staff_joined", "Sam from Information Governance joined.",
                          author="Sam (Information Governance)")
    notice = await tab.next("notice")
    assert notice["kind"] == "staff_joined" and notice["seq"] == 1
    assert await tab.next("mode") == {"type": "mode", "mode": "staff"}

    await chat.hub.set_typing(resident, True)
    assert await tab.next("typing") == {"type": "typing", "on": True}
    await chat.hub.post_staff_message(resident, "Sam (Information Governance)", "Hello, I'm Sam.")
    said = await tab.next("message")
    assert said["role"] == "staff" and said["author"] == "Sam (Information Governance)"
    assert said["text"] == "Hello, I'm Sam."

    await tab.say("thanks Sam")
    await tab.next("message", role="resident")
    assert rasa.received == []

    await chat.hub.hand_back(resident, author="Sam (Information Governance)")
    assert (await tab.next("notice"))["kind"] == "handed_back"
    assert await tab.next("mode") == {"type": "mode", "mode": "assistant"}
    [(conversation, event, query)] = rasa.events
    assert conversation == resident and event == RESUME_EVENTS
    assert query["token"] == TOKEN
    assert [h.status for h in HandoffStore.from_url(url).for_conversation(resident)] == [RETURNED]

    await tab.say("one more question")
    reply = await tab.next("message", role="assistant")
    assert reply["text"] == "You said: one more question"

    roles = [(r.role, r.kind) for r in stored(url, resident)]
    assert roles == [("system", "staff_joined"), ("staff", None), ("resident", None),
                     ("system", "handed_back"), ("resident", None), ("assistant", None)]
    staff_saw = []
    while len(staff_saw) < 6:
        staff_saw.append(await asyncio.wait_for(subscription.get(), 5))
    assert [e.get("role") for e in staff_saw if e["type"] == "message"][:3] == [
        "system", "staff", "resident"
    ]
    subscription.close()


async def test_hand_back_when_rasa_is_down_keeps_the_conversation_with_staff(
    chat: ChatApp, rasa: StandInRasa
):
    resident = new_resident()
    url = chat.settings.database_url
    HandoffStore.from_url(url).request(resident, "asked for a person")
    claim(url, resident)
    rasa.status = 503
    with pytest.raises(RasaUnavailable):
        await chat.hub.hand_back(resident)
    assert [h.status for h in HandoffStore.from_url(url).for_conversation(resident)] == [CLAIMED]
    assert stored(url, resident) == []


async def test_staff_closing_the_chat_resumes_the_assistant(chat: ChatApp, rasa: StandInRasa):
    resident = new_resident()
    url = chat.settings.database_url
    HandoffStore.from_url(url).request(resident, "complaint")
    rasa.paused.add(resident)
    tab = await chat.open(resident)
    await chat.hub.close_handoff(resident, author="Sam")
    assert (await tab.next("notice"))["kind"] == "closed"
    await tab.say("hello again")
    assert (await tab.next("message", role="assistant"))["text"] == "You said: hello again"


async def test_notify_refuses_unknown_kinds(chat: ChatApp):
    with pytest.raises(ValueError):
        await chat.hub.notify(new_resident(), "party", "!")


async def test_a_staff_console_that_stops_reading_is_dropped(chat: ChatApp, monkeypatch):
    from bot.web import staff_subscription as hub_module

    monkeypatch.setattr(hub_module, "STAFF_QUEUE_LIMIT", 2)
    resident = new_resident()
    subscription = chat.hub.subscribe_staff(resident)
    for n in range(3):
        await chat.hub.post_staff_message(resident, "Sam", f"note {n}")
    assert subscription.overflowed
    assert [event["text"] async for event in subscription] == ["note 0", "note 1"]


# -- start-up and health -----------------------------------------------------------------


async def test_an_unmigrated_database_is_reported_not_crashed_on(make_chat, tmp_path):
    chat = await make_chat(database_url=f"sqlite:///{tmp_path / 'empty' / 'dpa.sqlite3'}")
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await chat.client.ws_connect(
            "/chat/ws", params={"resident": chat.resident_id(new_resident())},
            headers={"Origin": chat.origin},
        )
    assert refused.value.status == 503
    health = await (await chat.client.get("/health")).json()
    assert health["status"] == "degraded" and "not migrated" in health["hub"]


async def test_health_reports_hub_rasa_and_action_server(make_chat):
    chat = await make_chat(action_server_url=f"http://127.0.0.1:{free_port()}")
    health = await (await chat.client.get("/health")).json()
    assert health["hub"] == "ok" and health["rasa"] == "ok"
    assert health["action_server"].startswith("unreachable")
    assert health["status"] == "degraded"


async def test_conversations_are_forgotten_when_nobody_is_left(chat: ChatApp):
    tab = await chat.open(new_resident())
    await tab.say("hello")
    await tab.next("typing", on=False)
    await tab.ws.close()
    for _ in range(50):
        if chat.hub.active_conversations == 0:
            break
        await asyncio.sleep(0.02)
    assert chat.hub.active_conversations == 0


async def test_events_table_of_rasa_is_left_alone(chat: ChatApp, rasa: StandInRasa):
    """The hub only reads Rasa's tracker store."""
    rasa.tracker_store_url = chat.settings.database_url
    tab = await chat.open(new_resident())
    await tab.say("hello")
    await tab.next("typing", on=False)
    with get_engine(chat.settings.database_url).connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM events")).scalar() == 1
