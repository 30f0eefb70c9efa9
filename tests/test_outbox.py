"""The outbox: durable appends, replay exactly once, two replayers, torn lines, compaction."""
from __future__ import annotations

import json
import os
import threading
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from bot.cases.new_case import NewCase
from bot.cases.outbox import Outbox, PendingCase, PendingHandoff
from bot.cases.outbox_replay import replay
from bot.cases.records import ReferenceTaken
from bot.cases.repository import CaseRepository
from bot.chat.handoffs import HandoffStore
from bot.config import load_settings
from bot.db.engine import build_engine, database_refused, make_session_factory

RECEIVED = datetime(2026, 3, 2, 10, 30, tzinfo=timezone.utc)


def new_case(conversation: str = "conv-1", name: str = "Ada Lovelace") -> NewCase:
    return NewCase(request_type="request_access", full_name=name, conversation_id=conversation,
                   date_of_birth=date(1984, 3, 3), email="ada@example.org",
                   answers={"access_what": "housing records"})


@pytest.fixture
def outbox(tmp_path: Path) -> Outbox:
    return Outbox(tmp_path / "outbox")


def stores(url: str) -> tuple[CaseRepository, HandoffStore]:
    """A repository and handoff store on their own engine, as another process has."""
    sessions = make_session_factory(build_engine(url))
    return CaseRepository(sessions), HandoffStore(sessions)


def test_a_record_is_fsynced_before_add_returns(outbox, monkeypatch):
    synced: list[int] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        synced.append(os.fstat(fd).st_size)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    outbox.add_case(new_case(), reference="DPA-7KQ4-M2XP", received_at=RECEIVED)
    size = outbox.path.stat().st_size
    assert size in synced  # the file was synced once the whole line was in it
    assert oct(outbox.path.stat().st_mode & 0o777) == "0o600"  # it holds personal data


def test_a_pending_case_reads_back_as_it_was_given(outbox):
    record_id = outbox.add_case(new_case(), reference="DPA-7KQ4-M2XP", received_at=RECEIVED)
    [pending] = outbox.pending()
    assert isinstance(pending, PendingCase)
    assert (pending.id, pending.reference, pending.received_at) == (
        record_id, "DPA-7KQ4-M2XP", RECEIVED)
    assert pending.new_case == new_case()
    status = outbox.status()
    assert status.pending == 1 and status.oldest is not None


def test_every_record_has_its_own_id(outbox):
    ids = {outbox.add_handoff(f"conv-{n}", "asked for a person") for n in range(20)}
    assert len(ids) == 20


def test_replay_writes_each_case_exactly_once_under_its_reference(outbox, migrated_url):
    cases, handoffs = stores(migrated_url)
    outbox.add_case(new_case(), reference="DPA-7KQ4-M2XP", received_at=RECEIVED)
    outbox.add_handoff("conv-2", "asked for a person")

    first = replay(outbox, cases, handoffs)
    again = replay(outbox, cases, handoffs)

    assert len(first.written) == 2 and first.remaining == 0
    assert again.written == [] and again.already_there == []
    [case] = cases.list_cases()
    assert (case.reference, case.conversation_id, case.received_at) == (
        "DPA-7KQ4-M2XP", "conv-1", RECEIVED)
    assert case.answers == {"access_what": "housing records"}
    assert [h.status for h in handoffs.for_conversation("conv-2")] == ["waiting"]
    assert outbox.pending() == []
    assert outbox.path.read_bytes() == b""  # compacted once everything was done


def test_a_case_written_before_the_crash_is_marked_done_not_doubled(outbox, migrated_url):
    """The write committed but the done mark was never appended (a crash between them)."""
    cases, handoffs = stores(migrated_url)
    outbox.add_case(new_case(), reference="DPA-7KQ4-M2XP", received_at=RECEIVED)
    cases.create_case_once(new_case(), reference="DPA-7KQ4-M2XP", received_at=RECEIVED)

    result = replay(outbox, cases, handoffs)

    assert result.written == [] and len(result.already_there) == 1
    assert len(cases.list_cases()) == 1
    assert outbox.pending() == []


def test_a_reference_taken_by_another_conversation_is_kept_for_staff(outbox, migrated_url):
    cases, handoffs = stores(migrated_url)
    cases.create_case_once(new_case("someone-else"), reference="DPA-7KQ4-M2XP",
                           received_at=RECEIVED)
    with pytest.raises(ReferenceTaken):
        cases.create_case_once(new_case(), reference="DPA-7KQ4-M2XP", received_at=RECEIVED)
    outbox.add_case(new_case(), reference="DPA-7KQ4-M2XP", received_at=RECEIVED)

    result = replay(outbox, cases, handoffs)

    assert len(result.failed) == 1 and result.remaining == 1
    assert outbox.status().pending == 1  # still counted: staff see it waiting
    assert [c.conversation_id for c in cases.list_cases()] == ["someone-else"]


def test_nothing_is_marked_done_while_the_database_refuses(outbox, migrated_url):
    path = migrated_url.removeprefix("sqlite:///")
    if path == migrated_url:
        pytest.skip("a read-only file is a SQLite fault")
    outbox.add_case(new_case(), reference="DPA-7KQ4-M2XP", received_at=RECEIVED)
    outbox.add_handoff("conv-2", "complaint")
    read_only = stores(f"sqlite:///file:{path}?mode=ro&uri=true")

    result = replay(outbox, *read_only)

    assert result.remaining == 2 and result.written == []
    assert len(outbox.pending()) == 2
    cases, handoffs = stores(migrated_url)  # the database recovers
    assert len(replay(outbox, cases, handoffs).written) == 2


def test_two_replayers_never_write_a_record_twice(tmp_path, migrated_url):
    directory = tmp_path / "outbox"
    for number in range(12):
        Outbox(directory).add_case(new_case(f"conv-{number}"),
                                   reference=f"DPA-2222-{'23456789ABCD'[number]}AAA",
                                   received_at=RECEIVED)
    start = threading.Barrier(4)
    results = []

    def replayer() -> None:
        cases, handoffs = stores(migrated_url)  # each its own engine, as two processes
        start.wait()
        results.append(replay(Outbox(directory), cases, handoffs, wait=True))

    threads = [threading.Thread(target=replayer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    cases, _ = stores(migrated_url)
    written = [record for result in results for record in result.written]
    assert len(written) == 12 and len(set(written)) == 12
    assert sum(len(result.already_there) for result in results) == 0
    assert len(cases.list_cases()) == 12
    assert Outbox(directory).pending() == []


def test_a_replayer_skips_its_pass_while_another_holds_the_lock(outbox, migrated_url):
    outbox.add_handoff("conv-1", "complaint")
    with Outbox(outbox.directory).replay_lock() as held:
        assert held
        result = replay(outbox, *stores(migrated_url))
    assert result.skipped and len(outbox.pending()) == 1


def test_a_torn_last_line_is_ignored_and_the_next_record_is_kept(outbox, migrated_url):
    outbox.add_case(new_case(), reference="DPA-7KQ4-M2XP", received_at=RECEIVED)
    with outbox.path.open("ab") as file:  # a crash half way through writing a record
        file.write(b'{"id": "torn", "kind": "case", "refer')
    assert [p.reference for p in outbox.pending()] == ["DPA-7KQ4-M2XP"]

    outbox.add_handoff("conv-2", "complaint")  # starts on a line of its own
    kinds = [type(p) for p in outbox.pending()]
    assert kinds == [PendingCase, PendingHandoff]
    lines = outbox.path.read_bytes().split(b"\n")
    assert json.loads(lines[-2])["kind"] == "handoff"
    result = replay(outbox, *stores(migrated_url))
    assert len(result.written) == 2 and outbox.pending() == []


def test_compaction_keeps_a_file_with_work_still_pending(outbox):
    outbox.add_handoff("conv-1", "complaint")
    assert outbox.compact() is False
    assert len(outbox.pending()) == 1


def test_an_append_waiting_on_compaction_goes_to_the_new_file(outbox):
    """Compaction replaces the file: an appender that opened the old one reopens."""
    record_id = outbox.add_handoff("conv-1", "complaint")
    outbox.mark_done(record_id)
    old_inode = outbox.path.stat().st_ino
    assert outbox.compact() is True
    outbox.add_handoff("conv-2", "complaint")
    assert outbox.path.stat().st_ino != old_inode
    assert [p.conversation_id for p in outbox.pending()] == ["conv-2"]


def test_what_counts_as_the_database_refusing(tmp_path):
    import sqlite3

    from sqlalchemy.exc import IntegrityError, OperationalError

    def operational(message: str) -> OperationalError:
        return OperationalError("INSERT ...", {}, sqlite3.OperationalError(message))

    assert database_refused(operational("database is locked"))
    assert database_refused(operational("attempt to write a readonly database"))
    assert database_refused(operational("database or disk is full"))
    assert database_refused(operational("unable to open database file"))
    assert database_refused(NotADirectoryError("var"))
    assert not database_refused(operational("no such table: dpa_cases"))
    assert not database_refused(IntegrityError("INSERT ...", {}, sqlite3.IntegrityError("x")))
    assert not database_refused(RuntimeError("a bug"))


def test_dpa_outbox_shows_and_replays_what_waits(tmp_path, migrated_url, monkeypatch, capsys):
    from bot.cli import main

    if not migrated_url.startswith("sqlite"):
        pytest.skip("one database kind is enough for the command")
    monkeypatch.setenv("DPA_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DATABASE_URL", migrated_url)
    Outbox(tmp_path / "var" / "outbox").add_case(new_case(), reference="DPA-7KQ4-M2XP",
                                                 received_at=RECEIVED)
    assert main(["outbox", "status"]) == 1
    assert "1 waiting" in capsys.readouterr().out
    assert main(["outbox", "replay"]) == 0
    assert "1 written" in capsys.readouterr().out
    assert main(["outbox", "status"]) == 0
    assert [c.reference for c in CaseRepository.from_url(migrated_url).list_cases()] == [
        "DPA-7KQ4-M2XP"]


def test_the_replayer_thread_writes_what_arrives_and_survives_a_refusing_database(
    outbox, migrated_url
):
    import time

    from bot.cases.outbox_replay import Replayer

    calls: list[int] = []

    def flaky_stores() -> tuple[CaseRepository, HandoffStore]:
        calls.append(1)
        if len(calls) == 1:
            raise NotADirectoryError("the database cannot be opened yet")
        return stores(migrated_url)

    replayer = Replayer(outbox, flaky_stores, interval=0.05)
    replayer.start()
    try:
        outbox.add_handoff("conv-thread", "complaint")
        deadline = time.monotonic() + 10
        while outbox.pending() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        replayer.stop()
        replayer.join(timeout=5)
    assert outbox.pending() == [] and len(calls) >= 2
    assert len(stores(migrated_url)[1].for_conversation("conv-thread")) == 1


def test_a_replayed_case_gets_its_confirmation_once(outbox, migrated_url):
    """A case kept in the outbox while the database refused is confirmed by email when it is
    written (bot.cases.outbox_replay.mail_confirmation), and not again on a later pass."""
    from bot.mail.case_mail import MailContext, queue_case_confirmation
    from bot.mail.outbox import MailOutbox

    cases, handoffs = stores(migrated_url)
    mail = MailOutbox(make_session_factory(build_engine(migrated_url)))
    settings = load_settings()
    context = MailContext(outbox=mail, from_address="dpo@example.org", settings=settings)
    outbox.add_case(new_case(), reference="DPA-7KQ4-M2XP", received_at=RECEIVED)
    outbox.add_case(new_case("conv-3"), reference="DPA-7KQ4-M2XQ", received_at=RECEIVED)
    cases.create_case_once(new_case("conv-3"), reference="DPA-7KQ4-M2XQ", received_at=RECEIVED)

    def confirm(summary):
        return queue_case_confirmation(summary, context=context)

    replay(outbox, cases, handoffs, confirm=confirm)
    replay(outbox, cases, handoffs, confirm=confirm)
    [sent] = mail.not_sent()  # the one already there was confirmed when it was logged
    assert sent.case_reference == "DPA-7KQ4-M2XP" and sent.template == "confirmation"
    assert "DPA-7KQ4-M2XP" in sent.text_body and sent.to_address == "ada@example.org"


def test_a_failing_confirmation_never_stops_the_replay(outbox, migrated_url):
    cases, handoffs = stores(migrated_url)
    outbox.add_case(new_case(), reference="DPA-7KQ4-M2XP", received_at=RECEIVED)

    def broken(summary):
        raise OSError("mail table unreachable")

    result = replay(outbox, cases, handoffs, confirm=broken)
    assert len(result.written) == 1 and outbox.pending() == []
