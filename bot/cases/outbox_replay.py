"""Writing the outbox to the database once it takes writes again, each record exactly once.

The action server runs :class:`Replayer` in a background thread (it is the part that fills
the outbox and always runs beside the database); ``dpa outbox replay`` does one pass by hand.
A pass holds the outbox's replay lock, so two replayers (two processes, or the thread and
the command) never write the same record: the second simply skips its pass. A case is
written under the reference the resident was told, idempotently
(:meth:`CaseRepository.create_case_once`), then marked done; a crash between the two only
means the next pass finds the case already there and marks it done.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.cases.outbox import Outbox, PendingCase, PendingHandoff
from bot.cases.records import CaseSummary
from bot.cases.repository import CaseRepository
from bot.chat.handoffs import HandoffStore
from bot.config import Settings
from bot.db.engine import database_refused

log = logging.getLogger(__name__)


@dataclass
class ReplayResult:
    """What one pass did (``skipped``: another replayer held the lock)."""

    written: list[str] = field(default_factory=list)
    already_there: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    remaining: int = 0
    skipped: bool = False


Confirm = Callable[[CaseSummary], object]


def replay(
    outbox: Outbox, cases: CaseRepository, handoffs: HandoffStore, *, wait: bool = False,
    confirm: Confirm | None = None,
) -> ReplayResult:
    """One pass over the pending records, oldest first; stops while the database refuses.

    ``confirm`` is called with each case this pass wrote (not one already there): the
    confirmation email (bot.mail.case_mail), as for a case logged at once. Its failure is
    logged and never stops the pass.
    """
    result = ReplayResult()
    with outbox.replay_lock(wait=wait) as held:
        if not held:
            result.skipped = True
            return result
        pending = outbox.pending()
        for index, record in enumerate(pending):
            try:
                if isinstance(record, PendingCase):
                    summary, created = cases.create_case_once(
                        record.new_case, reference=record.reference,
                        received_at=record.received_at)
                    (result.written if created else result.already_there).append(record.id)
                    if created and confirm is not None:
                        _confirm(confirm, summary)
                elif isinstance(record, PendingHandoff):
                    handoffs.request(record.conversation_id, record.reason)
                    result.written.append(record.id)
            except Exception as exc:
                if database_refused(exc):  # still down: the rest would fail alike
                    log.warning("outbox: database still refuses writes (%s); %d waiting",
                                type(exc).__name__, len(pending) - index)
                    result.remaining = len(pending) - index
                    return result
                # Kept (and counted as waiting, so staff see it) for someone to look at.
                log.error("outbox: record %s could not be written: %s", record.id,
                          type(exc).__name__)
                result.failed.append(record.id)
                continue
            outbox.mark_done(record.id)
        result.remaining = len(result.failed)
        if not result.failed:
            outbox.compact()
    if result.written or result.already_there:
        log.info("outbox: %d written, %d already there, %d waiting", len(result.written),
                 len(result.already_there), result.remaining)
    return result


def mail_confirmation(settings: Settings) -> Confirm:
    """The confirmation email to the requester of a replayed case (docs/mail.md)."""
    from bot.mail.case_mail import MailContext, queue_case_confirmation

    def confirm(summary: CaseSummary) -> object:
        return queue_case_confirmation(summary, context=MailContext.from_settings(settings))

    return confirm


def _confirm(confirm: Confirm, summary: CaseSummary) -> None:
    try:
        confirm(summary)
    except Exception as exc:  # noqa: BLE001 (the case is written; the email is extra)
        log.error("outbox: case %s: confirmation email not queued: %s", summary.reference,
                  type(exc).__name__)


class Replayer(threading.Thread):
    """Replays the outbox every ``interval`` seconds until stopped (a daemon thread).

    The stores are built on the first pass that has work, not at start-up: a database that
    cannot even be opened must not stop the action server from starting (that is exactly
    when the outbox is needed).
    """

    def __init__(self, outbox: Outbox,
                 stores: Callable[[], tuple[CaseRepository, HandoffStore]],
                 interval: float, confirm: Confirm | None = None) -> None:
        super().__init__(name="outbox-replayer", daemon=True)
        self.outbox, self._stores, self.interval = outbox, stores, interval
        self.confirm = confirm
        self.stopped = threading.Event()

    @classmethod
    def from_settings(cls, settings: Settings) -> Replayer:
        def stores() -> tuple[CaseRepository, HandoffStore]:
            return (CaseRepository.from_settings(settings),
                    HandoffStore.from_url(settings.database_url))

        return cls(Outbox.from_settings(settings), stores, settings.outbox_replay_seconds,
                   confirm=mail_confirmation(settings))

    def run(self) -> None:
        built: tuple[CaseRepository, HandoffStore] | None = None
        while not self.stopped.wait(self.interval):
            if not self.outbox.path.exists() or self.outbox.path.stat().st_size == 0:
                continue
            try:
                built = built or self._stores()
                replay(self.outbox, *built, confirm=self.confirm)
            except Exception as exc:  # never let the thread die: the next pass tries again
                log.error("outbox replay failed: %s", type(exc).__name__)

    def stop(self) -> None:
        self.stopped.set()
