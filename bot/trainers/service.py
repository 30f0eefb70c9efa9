"""The trainer tools behind one set of settings: what ``dpa inbox`` / ``dpa purge`` and the
staff console's trainer pages both do, wired once.

:class:`TrainerTools` gathers the paths and thresholds once and offers each operation
twice: blocking (the CLI), and ``*_async`` run in a worker thread (the console: the database
reads and file edits must never block aiohttp's loop). Every text it returns is redacted,
and the console names conversations by :meth:`TrainerTools.conversation_ref`, not by their id.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.config import PROJECT_ROOT, Settings
from bot.trainers import label_journal
from bot.trainers.inbox import DismissedStore, InboxItem, InboxOptions, find_item, load_inbox
from bot.trainers.label_journal import (
    DISMISS,
    LABEL,
    JournalEntry,
    LabelJournal,
    label_journal_path,
    new_batch_id,
)
from bot.trainers.labelling import LabellingError, LabelResult, label_item
from bot.trainers.nlu_files import remove_example
from bot.trainers.retention import PurgeReport, cutoff_for, erase_conversation, purge_older_than
from bot.trainers.stories import NO_STEPS, append_story, influential_slots, story_name, story_yaml
from bot.trainers.tracker_events import conversation_ids, read_story_events

# Thresholds that pick every typed message: an id shown with other thresholds is found.
_EVERY_MESSAGE = InboxOptions(min_confidence=1.01, min_margin=1.01)
# Where the console saves test stories (``dpa inbox story --out`` names any file).
DEFAULT_STORIES = PROJECT_ROOT / "tests" / "test_from_transcripts.yml"
CONVERSATION_REF_LENGTH = 16
NLU_DIR = PROJECT_ROOT / "data" / "nlu"
DOMAIN_PATH = PROJECT_ROOT / "domain.yml"
HOLDOUT = PROJECT_ROOT / "tests" / "nlu" / "holdout.yml"


class UnknownItem(LabellingError):
    """No inbox item has this id (already labelled or dismissed?)."""


class UnknownConversation(ValueError):
    """The tracker store has no events of this conversation.

    A ValueError with the same message as a conversation with nothing to write, so the
    console treats both alike (and never shows the id); the CLI names the conversation.
    """


@dataclass(frozen=True)
class AgePurge:
    """What :meth:`TrainerTools.purge` did: the retention period applied and its result."""

    days: int
    cutoff: datetime
    report: PurgeReport


@dataclass(frozen=True)
class TrainerTools:
    settings: Settings
    nlu_dir: Path = NLU_DIR
    domain_path: Path = DOMAIN_PATH
    holdout: Path = HOLDOUT
    stories: Path = DEFAULT_STORIES
    # One file edit at a time (two trainers labelling at once must not interleave the
    # read-edit-write of the same data/nlu file); within this process.
    _writing: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    @property
    def _engine(self):
        from bot.db.engine import get_engine

        return get_engine(self.settings.database_url)

    @property
    def _dismissed(self) -> DismissedStore:
        return DismissedStore.in_var_dir(self.settings.var_dir)

    def options(self, **overrides: Any) -> InboxOptions:
        """The inbox's options: the settings' thresholds unless overridden (None: not)."""
        values: dict[str, Any] = dict(min_confidence=self.settings.inbox_min_confidence,
                                      min_margin=self.settings.inbox_min_margin)
        values.update({name: value for name, value in overrides.items() if value is not None})
        return InboxOptions(**values)

    # -- blocking ------------------------------------------------------------------------

    def inbox(self, options: InboxOptions | None = None) -> list[InboxItem]:
        return load_inbox(self._engine, self.nlu_dir, self._dismissed,
                          options or self.options(), holdout=self.holdout)

    def find(self, item_id: str) -> InboxItem | None:
        return find_item(load_inbox(self._engine, self.nlu_dir, self._dismissed, _EVERY_MESSAGE,
                                    holdout=self.holdout), item_id)

    @property
    def journal(self) -> LabelJournal:
        """What was just labelled or dismissed (for undo, and for scoring the labels)."""
        return LabelJournal(label_journal_path(self.settings.var_dir))

    def label(self, item_id: str, intent: str, *, new_intent: bool = False,
              text: str | None = None, holdout: bool = False,
              batch: str | None = None) -> LabelResult:
        item = self.find(item_id)
        if item is None:
            raise UnknownItem(f"no inbox item {item_id!r}")
        return self._label(item, intent, new_intent=new_intent, text=text, holdout=holdout,
                           batch=batch or new_batch_id())

    def _label(self, item: InboxItem, intent: str, *, new_intent: bool, text: str | None,
               holdout: bool, batch: str) -> LabelResult:
        with self._writing:
            result = label_item(item, intent, nlu_dir=self.nlu_dir,
                                domain_path=self.domain_path, new_intent=new_intent, text=text,
                                holdout=self.holdout if holdout else None)
            if result.written and result.path is not None:
                self.journal.add([JournalEntry(
                    batch=batch, kind=label_journal.HOLDOUT if holdout else LABEL, item_id=item.id,
                    intent=result.intent, text=result.text, file=str(result.path))])
        return result

    def label_many(self, choices: Sequence[tuple[str, str, bool]], batch: str
                   ) -> list[tuple[str, LabelResult | LabellingError]]:
        """Label several items at once: (item id, intent, hold out) each; one batch, so
        one undo. Each choice succeeds or fails on its own (the result, or the refusal)."""
        items = load_inbox(self._engine, self.nlu_dir, self._dismissed, _EVERY_MESSAGE,
                           holdout=self.holdout)
        out: list[tuple[str, LabelResult | LabellingError]] = []
        for item_id, intent, holdout in choices:
            item = find_item(items, item_id)
            if item is None:
                out.append((item_id, UnknownItem(f"no inbox item {item_id!r}")))
                continue
            try:
                out.append((item_id, self._label(item, intent, new_intent=False, text=None,
                                                 holdout=holdout, batch=batch)))
            except LabellingError as exc:
                out.append((item_id, exc))
        return out

    def undo(self, batch: str) -> tuple[int, int]:
        """Undo a batch: its examples taken out of the files, its dismissed items shown
        again; (labels undone, dismissals undone)."""
        with self._writing:
            entries = self.journal.take_batch(batch)
            labels = 0
            for entry in entries:
                written = entry.kind in (LABEL, label_journal.HOLDOUT)
                if written and entry.file and entry.intent and entry.text:
                    labels += remove_example(Path(entry.file), entry.intent, entry.text)
            dismissed = [e.item_id for e in entries if e.kind == DISMISS]
            if dismissed:
                self._dismissed.remove(dismissed)
        return labels, len(dismissed)

    def dismiss(self, item_id: str) -> bool:
        found, _ = self.dismiss_many([item_id])
        return bool(found)

    def dismiss_many(self, item_ids: Sequence[str], batch: str | None = None
                     ) -> tuple[list[str], list[str]]:
        """Hide these items; returns (the ids dismissed, the ids no item has)."""
        items = load_inbox(self._engine, self.nlu_dir, self._dismissed, _EVERY_MESSAGE,
                           holdout=self.holdout)
        found: list[str] = []
        unknown: list[str] = []
        for wanted in item_ids:
            item = find_item(items, wanted)
            if item is None:
                unknown.append(wanted)
            else:
                found.append(item.id)
        if found:
            with self._writing:
                self._dismissed.add(found)
                if batch is not None:
                    self.journal.add([JournalEntry(batch=batch, kind=DISMISS, item_id=i)
                                      for i in found])
        return found, unknown

    def intents(self) -> list[str]:
        """The intents domain.yml declares (what a trainer may label with)."""
        from bot.trainers.nlu_files import domain_intents

        return domain_intents(self.domain_path)

    def story(self, conversation_id: str) -> str:
        """The conversation as one ``- story:`` item (raises ValueError if it has none:
        :class:`UnknownConversation` when the tracker store has no events of it)."""
        events = read_story_events(self._engine, conversation_id)
        if not events:
            raise UnknownConversation(NO_STEPS)
        return story_yaml(events, story_name(conversation_id),
                          slots=influential_slots(self.domain_path))

    def save_story(self, conversation_id: str) -> bool:
        """Append the conversation's story to :attr:`stories` (``dpa inbox story --out``).

        False when a story of this conversation is already there (its name holds a hash of
        the conversation id). Raises ValueError if it has no steps or the file is not usable.
        """
        story = self.story(conversation_id)
        marker = story_name(conversation_id).rsplit(" (", 1)[0] + " ("
        with self._writing:
            if self.stories.exists() and marker in self.stories.read_text(encoding="utf-8"):
                return False
            append_story(self.stories, story)
        return True

    def conversation_ref(self, conversation_id: str) -> str:
        """What the console shows and puts in URLs and the access log instead of the
        conversation id, which is the resident's key to their chat (keyed: not guessable)."""
        key = ("trainer-conversation:" + self.settings.session_secret).encode("utf-8")
        digest = hmac.new(key, conversation_id.encode("utf-8"), hashlib.sha256).hexdigest()
        return digest[:CONVERSATION_REF_LENGTH]

    def find_conversation(self, ref: str) -> str | None:
        """The conversation id behind a :meth:`conversation_ref` (None if there is none)."""
        ref = ref.strip().lower()
        if len(ref) != CONVERSATION_REF_LENGTH:
            return None
        for conversation_id in conversation_ids(self._engine):
            if hmac.compare_digest(self.conversation_ref(conversation_id), ref):
                return conversation_id
        return None

    def erase(self, conversation_id: str, *, dry_run: bool = False) -> PurgeReport:
        return erase_conversation(self._engine, conversation_id, dry_run=dry_run)

    def purge(self, older_than_days: int | None = None, *, dry_run: bool = False) -> AgePurge:
        """Delete conversations older than the retention period (default the settings')."""
        days = (self.settings.transcript_retention_days if older_than_days is None
                else older_than_days)
        cutoff = cutoff_for(days)
        return AgePurge(days, cutoff, purge_older_than(self._engine, cutoff, dry_run=dry_run))

    # -- the same, off the event loop ----------------------------------------------------

    async def inbox_async(self, options: InboxOptions | None = None) -> list[InboxItem]:
        return await asyncio.to_thread(self.inbox, options)

    async def label_async(self, item_id: str, intent: str, **kwargs) -> LabelResult:
        return await asyncio.to_thread(lambda: self.label(item_id, intent, **kwargs))

    async def dismiss_async(self, item_id: str) -> bool:
        return await asyncio.to_thread(self.dismiss, item_id)

    async def dismiss_many_async(self, item_ids: Sequence[str], batch: str | None = None
                                 ) -> tuple[list[str], list[str]]:
        return await asyncio.to_thread(self.dismiss_many, item_ids, batch)

    async def label_many_async(self, choices: Sequence[tuple[str, str, bool]], batch: str
                               ) -> list[tuple[str, LabelResult | LabellingError]]:
        return await asyncio.to_thread(self.label_many, choices, batch)

    async def undo_async(self, batch: str) -> tuple[int, int]:
        return await asyncio.to_thread(self.undo, batch)

    async def story_async(self, conversation_id: str) -> str:
        return await asyncio.to_thread(self.story, conversation_id)

    async def save_story_async(self, conversation_id: str) -> bool:
        return await asyncio.to_thread(self.save_story, conversation_id)

    async def intents_async(self) -> list[str]:
        return await asyncio.to_thread(self.intents)

    async def find_conversation_async(self, ref: str) -> str | None:
        return await asyncio.to_thread(self.find_conversation, ref)

    async def erase_async(self, conversation_id: str, *, dry_run: bool = False) -> PurgeReport:
        return await asyncio.to_thread(lambda: self.erase(conversation_id, dry_run=dry_run))
