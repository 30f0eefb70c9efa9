"""Retention deletes exactly what it should: old sessions and transcript messages, or one
conversation everywhere, and never a case. On SQLite and (when available) PostgreSQL."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.cases.new_case import NewCase
from bot.cases.repository import CaseRepository
from bot.chat.handoffs import HandoffStore
from bot.chat.transcripts import RESIDENT, NewMessage, TranscriptStore
from bot.db.engine import get_engine, make_session_factory
from bot.rasa.events import create_events_table
from bot.trainers.retention import cutoff_for, erase_conversation, purge_older_than
from tests.trainers.support import Conversation, drop_events_table

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
CUTOFF = NOW - timedelta(days=180)
OLD = CUTOFF - timedelta(days=30)
RECENT = NOW - timedelta(days=2)


@pytest.fixture
def engine(migrated_url: str) -> Iterator[Engine]:
    engine = get_engine(migrated_url)
    with engine.begin() as connection:  # the PostgreSQL schema is shared between tests
        for table in ("dpa_transcript_messages", "dpa_handoffs"):
            connection.execute(sa.text(f"DELETE FROM {table}"))
    create_events_table(engine)
    yield engine
    drop_events_table(engine)


def say(engine: Engine, conversation: str, when: datetime, text: str = "hello") -> None:
    store = TranscriptStore(make_session_factory(engine), now=lambda: when)
    store.append(conversation, NewMessage(role=RESIDENT, text=text))


def hand_off(engine: Engine, conversation: str, when: datetime) -> None:
    HandoffStore(make_session_factory(engine), now=lambda: when).request(conversation, "asked")


def events_of(engine: Engine) -> dict[str, list[tuple[str, float]]]:
    out: dict[str, list[tuple[str, float]]] = {}
    with engine.connect() as connection:
        for row in connection.execute(sa.text(
            "SELECT sender_id, type_name, timestamp FROM events ORDER BY id"
        )):
            out.setdefault(row.sender_id, []).append((row.type_name, row.timestamp))
    return out


def count(engine: Engine, table: str, where: str = "1=1") -> int:
    with engine.connect() as connection:
        return connection.execute(sa.text(f"SELECT count(*) FROM {table} WHERE {where}")).scalar()


def fill(engine: Engine, migrated_url: str) -> None:
    # idle since before the cut-off: goes entirely
    (Conversation(engine, "old", start=OLD.timestamp()).session_start()
     .user("hi", ("greet", 0.9)).reply("utter_greet"))
    # an old session, then one that began before the cut-off and is still going: the old
    # session goes, the running one stays whole (even its events from before the cut-off)
    (Conversation(engine, "long", start=OLD.timestamp()).session_start()
     .user("hi", ("greet", 0.9)).reply("utter_greet"))
    (Conversation(engine, "long", start=(CUTOFF - timedelta(hours=1)).timestamp())
     .session_start().user("delete my data", ("request_erasure", 0.9)))
    (Conversation(engine, "long", start=(CUTOFF + timedelta(days=1)).timestamp())
     .reply("request_form"))
    # recent: untouched
    (Conversation(engine, "new", start=RECENT.timestamp()).session_start()
     .user("hi", ("greet", 0.9)).reply("utter_greet"))
    for conversation, when in [("old", OLD), ("old", OLD), ("long", OLD), ("long", RECENT),
                               ("new", RECENT)]:
        say(engine, conversation, when)
    hand_off(engine, "old", OLD)
    hand_off(engine, "new", RECENT)
    CaseRepository.from_url(migrated_url).create_case(
        NewCase(request_type="request_erasure", full_name="Ben Okafor", conversation_id="old"),
        received_at=OLD,
    )


def test_purge_removes_old_sessions_and_messages_and_nothing_else(
    engine: Engine, migrated_url: str
) -> None:
    fill(engine, migrated_url)
    before = events_of(engine)
    long_running = [e for e in before["long"] if e[1] >= (CUTOFF - timedelta(hours=1)).timestamp()]

    dry = purge_older_than(engine, CUTOFF, dry_run=True)
    assert events_of(engine) == before and count(engine, "dpa_transcript_messages") == 5

    report = purge_older_than(engine, CUTOFF)
    assert (dry.events, dry.transcript_messages, dry.conversations) == (
        report.events, report.transcript_messages, report.conversations,
    )
    after = events_of(engine)
    assert "old" not in after
    assert after["long"] == long_running and after["long"][0][0] == "action"
    assert after["new"] == before["new"]
    assert report.events == len(before["old"]) + len(before["long"]) - len(long_running)
    assert report.conversations == 1 and report.transcript_messages == 3
    assert count(engine, "dpa_transcript_messages") == 2
    assert count(engine, "dpa_transcript_messages", "conversation_id = 'old'") == 0
    # handoffs and cases are not the purge's business
    assert count(engine, "dpa_handoffs") == 2
    assert count(engine, "dpa_cases") == 1 and count(engine, "dpa_case_events") >= 1


def test_purging_twice_deletes_nothing_more(engine: Engine, migrated_url: str) -> None:
    fill(engine, migrated_url)
    purge_older_than(engine, CUTOFF)
    again = purge_older_than(engine, CUTOFF)
    assert (again.events, again.transcript_messages, again.conversations) == (0, 0, 0)


def test_erasing_a_conversation_removes_it_everywhere_but_keeps_cases(
    engine: Engine, migrated_url: str
) -> None:
    fill(engine, migrated_url)
    before = events_of(engine)
    dry = erase_conversation(engine, "old", dry_run=True)
    assert events_of(engine) == before
    report = erase_conversation(engine, "old")
    assert (report.events, report.transcript_messages, report.handoffs, report.cases_kept) == (
        len(before["old"]), 2, 1, 1,
    )
    assert (dry.events, dry.transcript_messages, dry.handoffs) == (
        report.events, report.transcript_messages, report.handoffs,
    )
    after = events_of(engine)
    assert "old" not in after and after["long"] == before["long"] and after["new"] == before["new"]
    assert count(engine, "dpa_transcript_messages", "conversation_id = 'old'") == 0
    assert count(engine, "dpa_transcript_messages") == 3
    assert count(engine, "dpa_handoffs", "conversation_id = 'new'") == 1
    assert count(engine, "dpa_cases", "conversation_id = 'old'") == 1


def test_erasing_an_unknown_conversation_deletes_nothing(engine: Engine, migrated_url: str) -> None:
    fill(engine, migrated_url)
    report = erase_conversation(engine, "nobody")
    assert (report.events, report.transcript_messages, report.handoffs) == (0, 0, 0)
    with pytest.raises(ValueError):
        erase_conversation(engine, "  ")


def test_without_a_tracker_store_only_transcripts_are_purged(
    migrated_url: str,
) -> None:
    engine = get_engine(migrated_url)
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM dpa_transcript_messages"))
    say(engine, "old", OLD)
    report = purge_older_than(engine, CUTOFF)
    assert report.transcript_messages == 1 and report.missing_tables == ("events",)


def test_cutoff() -> None:
    assert cutoff_for(180, NOW) == CUTOFF
    with pytest.raises(ValueError):
        cutoff_for(-1, NOW)
    with pytest.raises(ValueError):
        purge_older_than(None, datetime(2026, 1, 1))  # type: ignore[arg-type]
