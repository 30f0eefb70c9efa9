"""The transcript store: order, idempotent resends and concurrent writers, on each database."""
from __future__ import annotations

import secrets
import threading
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from bot.chat.transcripts import (
    ASSISTANT,
    RESIDENT,
    SYSTEM,
    NewMessage,
    TranscriptStore,
    message_payload,
)


@pytest.fixture
def store(migrated_url: str) -> TranscriptStore:
    return TranscriptStore.from_url(migrated_url)


def conversation() -> str:
    # Unique per test: the PostgreSQL schema is shared by the session's tests.
    return secrets.token_urlsafe(16)


def test_messages_are_numbered_per_conversation(store: TranscriptStore):
    first, second = conversation(), conversation()
    a, _ = store.append(first, NewMessage(RESIDENT, "hello", client_id="c1"))
    b, _ = store.append(second, NewMessage(RESIDENT, "hi", client_id="c1"))
    replies = store.append_many(first, [NewMessage(ASSISTANT, "one"),
                                        NewMessage(ASSISTANT, "two", buttons=[
                                            {"title": "Yes", "payload": "/affirm"}])])
    assert (a.seq, b.seq) == (1, 1)
    assert [r.seq for r in replies] == [2, 3]
    history = store.history(first)
    assert [(m.seq, m.role, m.text) for m in history] == [
        (1, RESIDENT, "hello"), (2, ASSISTANT, "one"), (3, ASSISTANT, "two")
    ]
    assert history[2].buttons == [{"title": "Yes", "payload": "/affirm"}]
    assert history[0].created_at.tzinfo == timezone.utc


def test_a_client_id_is_stored_once(store: TranscriptStore):
    cid = conversation()
    first, created = store.append(cid, NewMessage(RESIDENT, "hello", client_id="same"))
    again, created_again = store.append(cid, NewMessage(RESIDENT, "hello", client_id="same"))
    assert created and not created_again
    assert again == first
    assert len(store.history(cid)) == 1


def test_messages_without_client_id_are_all_kept(store: TranscriptStore):
    cid = conversation()
    store.append(cid, NewMessage(SYSTEM, "a", kind="unavailable"))
    store.append(cid, NewMessage(SYSTEM, "b", kind="unavailable"))
    assert [m.text for m in store.history(cid)] == ["a", "b"]


def test_concurrent_writers_never_share_a_seq(store: TranscriptStore):
    cid = conversation()
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for n in range(8):
                store.append(cid, NewMessage(RESIDENT, f"{worker}-{n}", client_id=f"{worker}-{n}"))
                if n % 3 == 0:
                    store.append_many(cid, [NewMessage(ASSISTANT, "r"), NewMessage(ASSISTANT, "s")])
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    seqs = [m.seq for m in store.history(cid)]
    assert seqs == list(range(1, 6 * (8 + 3 * 2) + 1))


def test_concurrent_resends_of_one_message_store_it_once(store: TranscriptStore):
    cid = conversation()
    results = []

    def resend() -> None:
        results.append(store.append(cid, NewMessage(RESIDENT, "hello", client_id="retry")))

    threads = [threading.Thread(target=resend) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(created for _, created in results) == [False] * 4 + [True]
    assert len({message.id for message, _ in results}) == 1
    assert len(store.history(cid)) == 1


def test_understanding_is_recorded_on_the_residents_message(store: TranscriptStore):
    cid = conversation()
    message, _ = store.append(
        cid, NewMessage(RESIDENT, "delete my data", page="https://x.example/p")
    )
    store.set_understanding(message.id, "request_erasure", 0.91)
    [kept] = store.history(cid)
    assert (kept.intent, kept.confidence) == ("request_erasure", 0.91)
    assert kept.page == "https://x.example/p"


def test_payload_for_residents_and_for_staff(store: TranscriptStore):
    cid = conversation()
    message, _ = store.append(cid, NewMessage(RESIDENT, "hi", client_id="a", page="https://p"))
    store.set_understanding(message.id, "greet", 0.5)
    [message] = store.history(cid)
    for_resident = message_payload(message)
    assert for_resident == {
        "type": "message", "id": message.id, "seq": 1, "role": "resident", "author": None,
        "text": "hi", "buttons": [], "client_id": "a", "at": for_resident["at"],
    }
    assert datetime.fromisoformat(for_resident["at"].replace("Z", "+00:00")).tzinfo is not None
    for_staff = message_payload(message, for_staff=True)
    assert (for_staff["intent"], for_staff["confidence"]) == ("greet", 0.5)
    assert for_staff["page"] == "https://p"


def test_roles_are_checked():
    with pytest.raises(ValueError):
        NewMessage("robot", "beep")


def test_long_metadata_is_trimmed_to_the_columns(store: TranscriptStore):
    cid = conversation()
    message, _ = store.append(cid, NewMessage(RESIDENT, "hi", page="https://p/" + "x" * 5000,
                                              author="A" * 500))
    assert len(message.page) == 2000 and len(message.author) == 120


def test_replies_and_the_parse_they_answer_are_stored_together(store: TranscriptStore):
    from bot.chat.transcripts import Understanding

    cid = conversation()
    asked, _ = store.append(cid, NewMessage(RESIDENT, "what ID do I need?"))
    store.append_many(cid, [NewMessage(ASSISTANT, "A passport or ...")],
                      understanding=(asked.id, Understanding("ask_id_requirements", 0.97)))
    store.append_many(cid, [], understanding=(asked.id, Understanding("ask_id_requirements", 0.98)))
    history = store.history(cid)
    assert [m.role for m in history] == [RESIDENT, ASSISTANT]
    assert (history[0].intent, history[0].confidence) == ("ask_id_requirements", 0.98)


def test_what_a_write_returns_is_what_is_read_back(store: TranscriptStore):
    """The hub sends what append/append_many return without reading it again: each field
    (the id, the time, trimmed columns, buttons, relay) must be what the database holds."""
    from bot.chat.transcripts import DELIVERED, PENDING

    cid = conversation()
    asked, created = store.append(cid, NewMessage(RESIDENT, "can I see my data?",
                                                  client_id="c-1", page="https://p/" + "x" * 3000,
                                                  relay=PENDING))
    again, created_again = store.append(cid, NewMessage(RESIDENT, "can I see my data?",
                                                        client_id="c-1"))
    replies = store.append_many(
        cid, [NewMessage(ASSISTANT, "Yes.", buttons=[{"title": "Ask", "payload": "/ask"}]),
              NewMessage(SYSTEM, "note", kind="k" * 50, author="Sam")],
        relay=([asked.id], DELIVERED))
    assert (created, created_again) == (True, False)
    assert again == asked
    history = store.history(cid)
    assert history[1:] == replies
    assert history[0] == replace(asked, relay=DELIVERED)
    assert history[0].created_at.tzinfo is not None
    assert store.undelivered(cid) == []
    assert replies[0].buttons == [{"title": "Ask", "payload": "/ask"}]
    assert replies[1].kind == "k" * 32 and len(asked.page) == 2000
