"""The trainer tools behind one set of settings, for the staff console (and anything else).

The console's trainer pages (role ``trainer``) need what ``dpa inbox`` does, from the
event loop. :class:`TrainerTools` gathers the paths and thresholds once and offers each
operation twice: blocking, and ``*_async`` run in a worker thread (the database reads and
file edits must never block aiohttp's loop). Every text it returns is redacted, and the
console names conversations by :meth:`TrainerTools.conversation_ref`, not by their id.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import threading
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import PROJECT_ROOT, Settings
from bot.trainers.inbox import DismissedStore, InboxItem, InboxOptions, find_item, load_inbox
from bot.trainers.labelling import LabelResult, LabellingError, label_item
from bot.trainers.retention import PurgeReport, erase_conversation
from bot.trainers.stories import append_story, influential_slots, story_name, story_yaml
from bot.trainers.tracker_events import conversation_ids, read_story_events

# Thresholds that pick every typed message: an id shown with other thresholds is found.
_EVERY_MESSAGE = InboxOptions(min_confidence=1.01, min_margin=1.01)
# Where the console saves test stories (``dpa inbox story --out`` names any file).
DEFAULT_STORIES = PROJECT_ROOT / "tests" / "test_from_transcripts.yml"
CONVERSATION_REF_LENGTH = 16


@dataclass(frozen=True)
class TrainerTools:
    settings: Settings
    nlu_dir: Path = PROJECT_ROOT / "data" / "nlu"
    domain_path: Path = PROJECT_ROOT / "domain.yml"
    holdout: Path = PROJECT_ROOT / "tests" / "nlu" / "holdout.yml"
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

    def options(self, **overrides) -> InboxOptions:
        values = dict(min_confidence=self.settings.inbox_min_confidence,
                      min_margin=self.settings.inbox_min_margin)
        values.update(overrides)
        return InboxOptions(**values)

    # -- blocking ------------------------------------------------------------------------

    def inbox(self, options: InboxOptions | None = None) -> list[InboxItem]:
        return load_inbox(self._engine, self.nlu_dir, self._dismissed,
                          options or self.options(), holdout=self.holdout)

    def find(self, item_id: str) -> InboxItem | None:
        return find_item(load_inbox(self._engine, self.nlu_dir, self._dismissed, _EVERY_MESSAGE,
                                    holdout=self.holdout), item_id)

    def label(self, item_id: str, intent: str, *, new_intent: bool = False,
              text: str | None = None, holdout: bool = False) -> LabelResult:
        item = self.find(item_id)
        if item is None:
            raise LabellingError(f"no inbox item {item_id!r}")
        with self._writing:
            return label_item(item, intent, nlu_dir=self.nlu_dir, domain_path=self.domain_path,
                              new_intent=new_intent, text=text,
                              holdout=self.holdout if holdout else None)

    def dismiss(self, item_id: str) -> bool:
        item = self.find(item_id)
        if item is None:
            return False
        with self._writing:
            self._dismissed.add([item.id])
        return True

    def intents(self) -> list[str]:
        """The intents domain.yml declares (what a trainer may label with)."""
        from bot.trainers.nlu_files import domain_intents

        return domain_intents(self.domain_path)

    def story(self, conversation_id: str) -> str:
        """The conversation as one ``- story:`` item (raises ValueError if it has none)."""
        return story_yaml(read_story_events(self._engine, conversation_id),
                          story_name(conversation_id), slots=influential_slots(self.domain_path))

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

    # -- the same, off the event loop ----------------------------------------------------

    async def inbox_async(self, options: InboxOptions | None = None) -> list[InboxItem]:
        return await asyncio.to_thread(self.inbox, options)

    async def label_async(self, item_id: str, intent: str, **kwargs) -> LabelResult:
        return await asyncio.to_thread(lambda: self.label(item_id, intent, **kwargs))

    async def dismiss_async(self, item_id: str) -> bool:
        return await asyncio.to_thread(self.dismiss, item_id)

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
