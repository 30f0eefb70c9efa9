"""The outbox: confirmed requests and handoffs the database refused, kept on disk until written.

When the database is locked past its busy timeout, read-only, full or unreachable, the
assistant appends the confirmed request (with the reference the resident was given) or the
handoff here instead, so nothing a resident confirmed is lost; a replayer
(:mod:`bot.cases.outbox_replay`) writes each record to the database exactly once when it
recovers. The file is append-only JSON lines, ``var/outbox/outbox.jsonl``:

- ``{"id": ..., "kind": "case", "reference": ..., "received_at": ..., "case": {...}}``
- ``{"id": ..., "kind": "handoff", "conversation_id": ..., "reason": ..., "requested_at": ...}``
- ``{"id": ..., "kind": "done", "at": ...}``: that record has been written.

Every append is flushed and fsync'd before the resident is told anything. A torn last line
(a crash mid-write) is ignored. Appends and compaction lock the file itself (``flock``);
replayers also hold ``replay.lock`` so two of them never write the same record.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from bot.cases.new_case import NewCase
from bot.config import Settings
from bot.db.durable import fsync_directory

log = logging.getLogger(__name__)

OUTBOX_FILE = "outbox.jsonl"
REPLAY_LOCK_FILE = "replay.lock"
CASE, HANDOFF, DONE = "case", "handoff", "done"


@dataclass(frozen=True)
class PendingCase:
    """A confirmed request waiting to be logged, with the reference the resident was given."""

    id: str
    reference: str
    received_at: datetime
    new_case: NewCase
    recorded_at: datetime


@dataclass(frozen=True)
class PendingHandoff:
    """A conversation handed to staff while the handoff table could not be written."""

    id: str
    conversation_id: str
    reason: str
    requested_at: datetime
    recorded_at: datetime


Pending = PendingCase | PendingHandoff


@dataclass(frozen=True)
class OutboxStatus:
    """What /health and the staff dashboard show: how many wait, since when."""

    pending: int
    oldest: datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {"pending": self.pending,
                "oldest": self.oldest.isoformat() if self.oldest else None}


def outbox_overdue(status: OutboxStatus, settings: Settings) -> bool:
    """Whether a record has waited longer than OUTBOX_DEGRADED_AFTER_SECONDS (a few failed
    replays: the database is not just briefly busy)."""
    if status.oldest is None:
        return False
    waited = (_now() - status.oldest).total_seconds()
    return waited > settings.outbox_degraded_after_seconds


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _case_to_json(new_case: NewCase) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in fields(NewCase):
        value = getattr(new_case, f.name)
        if isinstance(value, date):
            value = value.isoformat()
        elif f.name == "answers":
            value = dict(value)
        values[f.name] = value
    return values


def _case_from_json(values: dict[str, Any]) -> NewCase:
    known = {f.name for f in fields(NewCase)}
    kept = {name: value for name, value in values.items() if name in known}
    if kept.get("date_of_birth"):
        kept["date_of_birth"] = date.fromisoformat(kept["date_of_birth"])
    return NewCase(**kept)


class Outbox:
    """The outbox file in one directory (every process configured alike shares it)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / OUTBOX_FILE

    @classmethod
    def from_settings(cls, settings: Settings) -> Outbox:
        return cls(settings.var_dir / "outbox")

    # -- writing -----------------------------------------------------------------------------

    def add_case(self, new_case: NewCase, *, reference: str, received_at: datetime) -> str:
        """Keep a confirmed request durably (on disk when this returns); its record id."""
        return self._append({"kind": CASE, "reference": reference,
                             "received_at": received_at.isoformat(),
                             "case": _case_to_json(new_case)})

    def add_handoff(self, conversation_id: str, reason: str) -> str:
        return self._append({"kind": HANDOFF, "conversation_id": conversation_id,
                             "reason": reason, "requested_at": _now().isoformat()})

    def mark_done(self, record_id: str) -> None:
        self._append({"kind": DONE, "done": record_id})

    def _append(self, record: dict[str, Any]) -> str:
        record_id = record.setdefault("id", uuid.uuid4().hex)
        record["at"] = _now().isoformat()
        line = (json.dumps(record, separators=(",", ":")) + "\n").encode("utf-8")
        with self._locked_file() as fd:
            # A torn line left by a crash would swallow this record: start on a new line.
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                line = b"\n" + line
            os.write(fd, line)
            os.fsync(fd)
        fsync_directory(self.directory)  # the file's own entry, if this append created it
        return record_id

    @contextmanager
    def _locked_file(self) -> Iterator[int]:
        """The outbox file, open for appending and locked; reopened if compaction replaced
        it while we waited for the lock (so no append goes to the old file)."""
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                if os.path.exists(self.path) and os.stat(self.path).st_ino == os.fstat(fd).st_ino:
                    yield fd
                    return
            finally:
                os.close(fd)  # closing releases the lock

    # -- reading -----------------------------------------------------------------------------

    def pending(self) -> list[Pending]:
        """Records not yet marked done, oldest first (a torn or unreadable line is skipped)."""
        records: dict[str, Pending] = {}
        done: set[str] = set()
        for raw in self._lines():
            kind = raw.get("kind")
            try:
                if kind == DONE:
                    done.add(str(raw["done"]))
                elif kind == CASE:
                    records[raw["id"]] = PendingCase(
                        raw["id"], raw["reference"], datetime.fromisoformat(raw["received_at"]),
                        _case_from_json(raw["case"]), datetime.fromisoformat(raw["at"]))
                elif kind == HANDOFF:
                    records[raw["id"]] = PendingHandoff(
                        raw["id"], raw["conversation_id"], raw["reason"],
                        datetime.fromisoformat(raw["requested_at"]),
                        datetime.fromisoformat(raw["at"]))
            except (KeyError, TypeError, ValueError) as exc:
                log.error("outbox: unreadable %s record skipped: %s", kind, type(exc).__name__)
        return [record for key, record in records.items() if key not in done]

    def status(self) -> OutboxStatus:
        waiting = self.pending()
        return OutboxStatus(len(waiting), min((r.recorded_at for r in waiting), default=None))

    def _lines(self) -> Iterator[dict[str, Any]]:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return
        for number, line in enumerate(data.split(b"\n"), start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except ValueError:
                log.warning("outbox: line %d is incomplete (a torn write?): ignored", number)
                continue
            if isinstance(raw, dict):
                yield raw

    # -- replaying ---------------------------------------------------------------------------

    @contextmanager
    def replay_lock(self, *, wait: bool = False) -> Iterator[bool]:
        """Exclusive among replayers (every process): yields False if another holds it."""
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.directory / REPLAY_LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            yield True
        finally:
            os.close(fd)

    def compact(self) -> bool:
        """Empty the file once every record is done (True if it did); keep it otherwise."""
        with self._locked_file() as fd:
            if self.pending():
                return False
            if os.fstat(fd).st_size == 0:
                return True
            empty = self.directory / (OUTBOX_FILE + ".new")
            new_fd = os.open(empty, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.fsync(new_fd)
            finally:
                os.close(new_fd)
            os.replace(empty, self.path)  # appenders waiting on the old file reopen
            fsync_directory(self.directory)
            return True
