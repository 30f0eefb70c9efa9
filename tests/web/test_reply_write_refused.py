"""The database refuses the hub's write of the assistant's reply (a lock taken mid-turn).

Rasa (the stand-in) answers, but another process holds the SQLite write lock past the
hub's busy timeout, so the reply cannot be stored. The reply must not be lost: the resident
is told at once that the answer is not saved yet (and nothing claims a handoff), and once
the lock is gone the reply appears, stored, and the resident's next answer goes to the
question they were shown.
"""
from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest

from bot.chat.transcripts import ASSISTANT, DELIVERED, RESIDENT, TranscriptStore
from bot.web import notices
from tests.web.conftest import ChatApp, new_resident
from tests.web.stand_in_rasa import FormScript, StandInRasa
from tests.web.test_outages import start_form, turns_per_message

BUSY_TIMEOUT = "0.3"  # SQLITE_BUSY_TIMEOUT_SECONDS of the hub under test
LOCK_SECONDS = 1.5  # well past the busy timeout and several retries


class LockHolder:
    """Another connection holding ``BEGIN EXCLUSIVE`` on the file, as another process would."""

    def __init__(self, database_url: str) -> None:
        self.path = database_url.removeprefix("sqlite:///")
        self.connection: sqlite3.Connection | None = None

    def take(self) -> None:
        self.connection = sqlite3.connect(self.path, isolation_level=None, timeout=5,
                                          check_same_thread=False)
        self.connection.execute("BEGIN EXCLUSIVE")

    def release(self) -> None:
        if self.connection is not None:
            self.connection.execute("ROLLBACK")
            self.connection.close()
            self.connection = None


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SQLITE_BUSY_TIMEOUT_SECONDS", BUSY_TIMEOUT)
    yield


async def test_a_reply_the_database_refused_is_shown_once_it_is_stored(
    short_busy_timeout: None, make_chat, rasa: StandInRasa,
) -> None:
    chat: ChatApp = await make_chat(chat_rasa_timeout_seconds=2.0, chat_retry_max_seconds=0.3)
    chat.hub.relay.retry_first = 0.2
    form = FormScript()
    lock = LockHolder(chat.settings.database_url)

    def answer_then_lock(turn: dict[str, Any]) -> list[dict[str, Any]]:
        replies = form(turn)
        if turn["message"] == "Ada Lovelace":  # the lock comes while Rasa answers
            lock.take()
            asyncio.get_running_loop().call_later(LOCK_SECONDS, lock.release)
        return replies

    rasa.script = answer_then_lock
    cid = new_resident()
    tab = await chat.open(cid)
    await start_form(tab)
    started = asyncio.get_running_loop().time()
    await tab.say("Ada Lovelace")
    await tab.next("message", role="resident", text="Ada Lovelace")

    # Told at once, within the busy timeout and a little: the answer is not saved yet.
    notice = await tab.next("notice", kind="unavailable")
    assert notice["text"] == notices.REPLY_NOT_SAVED_TEXT
    assert asyncio.get_running_loop().time() - started < LOCK_SECONDS
    assert lock.connection is not None, "the lock was released before the resident was told"

    # Once the lock is gone the reply the assistant gave appears (from Rasa's tracker).
    reply = await tab.next("message", role="assistant")
    assert reply["text"] == "What is your email address?"
    assert asyncio.get_running_loop().time() - started >= LOCK_SECONDS

    # Nothing told the resident of a handoff, or that staff can see anything.
    said = [f["text"] for f in tab.frames if f["type"] in ("notice", "message")]
    assert not [t for t in said if "team" in t or "staff" in t.lower()]

    # The resident's next message answers the question they were shown, not another one.
    await tab.say("ada@example.org")
    await tab.next("message", role="assistant", text="Shall I send your request?")
    assert form.filled[cid] == {"full_name": "Ada Lovelace", "email": "ada@example.org"}

    stored = TranscriptStore.from_url(chat.settings.database_url).history(cid)
    resident = [m for m in stored if m.role == RESIDENT]
    assert [m.text for m in resident] == ["I want my data", "Ada Lovelace", "ada@example.org"]
    assert {m.relay for m in resident} == {DELIVERED}
    assert [m.text for m in stored if m.role == ASSISTANT].count(
        "What is your email address?") == 1
    assert set(turns_per_message(rasa, cid).values()) == {1}  # nothing sent to Rasa twice
