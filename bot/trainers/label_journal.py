"""The console's journal of what trainers just did in the inbox: labels, held-out labels
and dismissals, in batches (one press of *Label selected*), so a batch can be undone and
``dpa evaluate --labelled`` can score the messages just labelled.

Kept in ``var/trainers/labelled.json``: inbox item ids, intents, file names and the
*redacted* text that was written to data/nlu (the same text the data files hold), never
anything a resident typed before redaction. Cleared for labels once a model trained on
them is deployed.
"""
from __future__ import annotations

import fcntl
import json
import os
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

LABEL, HOLDOUT, DISMISS = "label", "holdout", "dismiss"
# Batches kept for undo (older ones can no longer be undone from the console).
BATCHES_KEPT = 20


def label_journal_path(var_dir: Path) -> Path:
    return var_dir / "trainers" / "labelled.json"


def new_batch_id() -> str:
    return secrets.token_hex(6)


@dataclass(frozen=True)
class JournalEntry:
    batch: str
    kind: str  # LABEL, HOLDOUT or DISMISS
    item_id: str
    intent: str | None = None
    text: str | None = None  # redacted, as written
    file: str | None = None  # where it was written (absolute), None for a dismissal
    at: float = 0.0
    deployed: bool = False  # a deployed model was trained on it


class LabelJournal:
    """Read and change the journal under a file lock (the console and the CLI may both
    write)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self, handle) -> list[JournalEntry]:
        handle.seek(0)
        try:
            data = json.loads(handle.read() or "{}")
        except ValueError:
            return []
        entries = []
        for raw in data.get("entries", []) if isinstance(data, dict) else []:
            if isinstance(raw, dict):
                try:
                    entries.append(JournalEntry(**raw))
                except TypeError:
                    continue
        return entries

    def _change(self, change: Callable[[list[JournalEntry]], tuple[list[JournalEntry], Any]]
                ) -> Any:
        """Apply ``change`` (current entries -> entries kept, result) under the lock."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                entries = self._read(handle)
                kept, result = change(entries)
                handle.seek(0)
                handle.truncate()
                handle.write(json.dumps({"entries": [asdict(e) for e in kept]}, indent=1))
                handle.flush()
                os.fsync(handle.fileno())
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return result

    def entries(self) -> list[JournalEntry]:
        if not self.path.is_file():
            return []
        with open(self.path, encoding="utf-8") as handle:
            return self._read(handle)

    def add(self, entries: Iterable[JournalEntry]) -> None:
        new = [e if e.at else JournalEntry(**{**asdict(e), "at": time.time()}) for e in entries]

        def change(current: list[JournalEntry]):
            merged = current + new
            batches = list(dict.fromkeys(e.batch for e in merged if not e.deployed))
            old = set(batches[:-BATCHES_KEPT])
            # Old batches lose their undo, but a label stays until deployed (it is scored).
            return [e for e in merged if e.batch not in old or e.kind == LABEL], None

        self._change(change)

    def take_batch(self, batch: str) -> list[JournalEntry]:
        """Remove a batch from the journal and return its entries (for undo)."""
        def change(current: list[JournalEntry]):
            taken = [e for e in current if e.batch == batch and not e.deployed]
            return [e for e in current if e not in taken], taken

        return self._change(change)

    def mark_deployed(self) -> int:
        """Labels so far were in the deployed model: no longer "just labelled"."""
        def change(current: list[JournalEntry]):
            labels = [e for e in current if e.kind == LABEL]
            return [e for e in current if e.kind != LABEL], len(labels)

        return self._change(change)

    def last_batch(self) -> str | None:
        batches = [e.batch for e in self.entries() if not e.deployed]
        return batches[-1] if batches else None
