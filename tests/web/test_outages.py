"""Messages typed while the assistant is down or frozen are kept, then delivered or asked for
again; never an answer to a question the resident did not see; overload is a queue."""
from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from bot.chat.transcripts import DELIVERED, RESEND, TranscriptStore
from bot.rules.council import DPO_EMAIL
from bot.web.understanding import MESSAGE_ID_KEY
from tests.web.conftest import ChatApp, Tab, new_resident
from tests.web.stand_in_rasa import FormScript, StandInRasa

TIMEOUT = 0.6  # CHAT_RASA_TIMEOUT_SECONDS for these tests


@pytest.fixture
async def form(rasa: StandInRasa) -> FormScript:
    rasa.script = FormScript()
    return rasa.script


@pytest.fixture
async def quick(make_chat) -> ChatApp:
    """The hub with a short Rasa timeout and quick retries."""
    chat = await make_chat(chat_rasa_timeout_seconds=TIMEOUT)
    chat.hub.relay.retry_first = 0.2
    return chat


def rows(chat: ChatApp, conversation_id: str):
    return TranscriptStore.from_url(chat.settings.database_url).history(conversation_id)


def turns_per_message(rasa: StandInRasa, conversation_id: str) -> Counter:
    """How many times Rasa took each transcript message (must never be more than once)."""
    return Counter(
        (e.get("metadata") or {}).get(MESSAGE_ID_KEY)
        for e in rasa.trackers[conversation_id] if e["event"] == "user"
    )


async def start_form(tab: Tab) -> None:
    await tab.say("I want my data")
    await tab.next("message", role="assistant", text="What is your full name?")
    await tab.next("typing", on=False)


async def test_a_message_sent_while_rasa_is_down_is_delivered_when_it_is_back(
    quick: ChatApp, rasa: StandInRasa, form: FormScript
):
    cid = new_resident()
    tab = await quick.open(cid)
    await start_form(tab)
    await rasa.go_down()
    await tab.say("Ada Lovelace")
    await tab.next("message", role="resident", text="Ada Lovelace")
    notice = await tab.next("notice", kind="unavailable")
    assert "kept" in notice["text"] and "answered when it is back" in notice["text"]
    assert DPO_EMAIL not in notice["text"]  # only after a longer outage
    await rasa.come_back()
    await tab.next("message", role="assistant", text="What is your email address?")
    # The resident saw the name question before answering it: the answer is used, once.
    assert form.filled[cid] == {"full_name": "Ada Lovelace"}
    assert set(turns_per_message(rasa, cid).values()) == {1}
    [ada] = [r for r in rows(quick, cid) if r.text == "Ada Lovelace"]
    assert ada.relay == DELIVERED


async def test_two_messages_at_a_form_question_are_asked_for_again_not_used(
    quick: ChatApp, rasa: StandInRasa, form: FormScript
):
    cid = new_resident()
    tab = await quick.open(cid)
    await start_form(tab)
    await rasa.go_down()
    await tab.say("Ada Lovelace")
    await tab.next("notice", kind="unavailable")
    await tab.say("are you there?")
    await tab.next("message", role="resident", text="are you there?")
    still = await tab.next("notice", kind="unavailable")
    assert "still unavailable" in still["text"]
    await rasa.come_back()
    resend = await tab.next("notice", kind="resend")
    assert "Ada Lovelace" in resend["text"] and "are you there?" in resend["text"]
    assert "We were at: the question about your full name" in resend["text"]
    await tab.next("message", role="assistant", text="What is your full name?")  # re-shown
    assert form.filled[cid] == {}  # neither was taken as the name
    assert [r.relay for r in rows(quick, cid) if r.role == "resident"][1:] == [RESEND, RESEND]
    await tab.say("Ada Lovelace")
    await tab.next("message", role="assistant", text="What is your email address?")
    assert form.filled[cid] == {"full_name": "Ada Lovelace"}


async def test_after_a_frozen_turn_the_next_message_is_not_taken_as_the_answer(
    quick: ChatApp, rasa: StandInRasa, form: FormScript
):
    """The issue's case: "what was the question?" became the address on the case."""
    cid = new_resident()
    tab = await quick.open(cid)
    await start_form(tab)
    rasa.freeze()
    started = asyncio.get_running_loop().time()
    await tab.say("Ada Lovelace")
    await tab.next("notice", kind="unavailable")
    assert asyncio.get_running_loop().time() - started < TIMEOUT + 1.0  # told in time
    await tab.say("what was the question?")
    await tab.next("notice", kind="unavailable")
    rasa.thaw()  # Rasa takes "Ada Lovelace" after all, and asks for the email: unseen
    asked = await tab.next("message", role="assistant")
    assert asked["text"] == "What is your email address?"  # the lost reply, shown now
    resend = await tab.next("notice", kind="resend")
    assert "what was the question?" in resend["text"]
    assert "We were at: the question about email" in resend["text"]
    assert form.filled[cid] == {"full_name": "Ada Lovelace"}  # no email from that question
    assert set(turns_per_message(rasa, cid).values()) == {1}
    assert len(rasa.received) == 2  # "what was the question?" never went to Rasa
    staff_view = await quick.hub.transcript(cid, for_staff=True)
    assert [m["text"] for m in staff_view["messages"]] == [r.text for r in rows(quick, cid)]


async def test_a_confirmation_lost_to_the_action_server_is_asked_for_again_once(
    quick: ChatApp, rasa: StandInRasa, form: FormScript
):
    cid = new_resident()
    tab = await quick.open(cid)
    await start_form(tab)
    for answer, question in (("Ada Lovelace", "What is your email address?"),
                             ("ada@example.org", "Shall I send your request?")):
        await tab.say(answer)
        await tab.next("message", role="assistant", text=question)
    rasa.actions_down = True
    await tab.say("/affirm", display="Yes, send it")
    await tab.next("notice", kind="unavailable")
    assert form.cases == []
    await asyncio.sleep(0.5)
    rasa.actions_down = False
    resend = await tab.next("notice", kind="resend")
    assert "Yes, send it" in resend["text"] and "confirming the details" in resend["text"]
    again = await tab.next("message", role="assistant", text="Shall I send your request?")
    assert [b["payload"] for b in again["buttons"]] == ["/affirm", "/deny"]
    await tab.say("/affirm", display="Yes, send it")
    await tab.next("message", role="assistant", text="Your request is logged: DPA-1.")
    assert await tab.silent(0.8) == [{"type": "typing", "on": False}]
    assert len(form.cases) == 1


async def test_outside_a_form_kept_messages_are_delivered_in_order(
    quick: ChatApp, rasa: StandInRasa
):
    cid = new_resident()
    tab = await quick.open(cid)
    await rasa.go_down()
    for text in ("hello", "how long does a request take?"):
        await tab.say(text)
        await tab.next("notice", kind="unavailable")
    await rasa.come_back()
    first = await tab.next("message", role="assistant")
    second = await tab.next("message", role="assistant")
    assert [first["text"], second["text"]] == [
        "You said: hello", "You said: how long does a request take?"]
    assert [t["message"] for t in rasa.received] == ["hello", "how long does a request take?"]


async def test_the_dpo_contacts_come_after_a_longer_outage(make_chat, rasa: StandInRasa):
    chat = await make_chat(chat_rasa_timeout_seconds=TIMEOUT, chat_outage_contact_seconds=0.5)
    chat.hub.relay.retry_first = 0.2
    tab = await chat.open(new_resident())
    await rasa.go_down()
    await tab.say("hello")
    first = await tab.next("notice", kind="unavailable")
    assert DPO_EMAIL not in first["text"]
    later = await tab.next("notice", kind="unavailable")
    assert DPO_EMAIL in later["text"] and "kept" in later["text"]
    await rasa.come_back()
    await tab.next("message", role="assistant", text="You said: hello")


async def test_kept_messages_survive_a_hub_restart(make_chat, rasa: StandInRasa, form):
    """The transcript is the durable record: a new hub catches up on what an old one kept."""
    chat = await make_chat(chat_rasa_timeout_seconds=TIMEOUT)
    cid = new_resident()
    tab = await chat.open(cid)
    await start_form(tab)
    await rasa.go_down()
    await tab.say("Ada Lovelace")
    await tab.next("notice", kind="unavailable")
    await chat.client.close()  # the web app stops mid-outage
    await rasa.come_back()
    again = await make_chat(chat_rasa_timeout_seconds=TIMEOUT)
    tab = await again.open(cid)
    await tab.say("ada@example.org")
    resend = await tab.next("notice", kind="resend")
    assert "Ada Lovelace" in resend["text"] and "ada@example.org" in resend["text"]
    assert form.filled[cid] == {}


async def test_past_capacity_residents_are_told_they_are_queued(make_chat, rasa: StandInRasa):
    chat = await make_chat(chat_max_turns_in_flight=1, chat_rasa_timeout_seconds=2.0)
    rasa.delay = 0.4
    tabs = [await chat.open(new_resident()) for _ in range(3)]
    for n, tab in enumerate(tabs):
        await tab.say(f"hello {n}")
    for n, tab in enumerate(tabs):
        await tab.next("message", role="assistant", text=f"You said: hello {n}")
    queued = [f for tab in tabs for f in tab.frames if f.get("kind") == "queued"]
    assert len(queued) == 2
    assert "number 1" in queued[0]["text"] and "seconds" in queued[0]["text"]
    assert not [f for tab in tabs for f in tab.frames if f.get("kind") == "unavailable"]
