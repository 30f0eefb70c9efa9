"""What the staff console's handlers share, built once per app at start-up.

All blocking work goes through :meth:`StaffServices.db` (the web app's database thread, which
the chat hub also uses: on SQLite one writer at a time anyway) or :meth:`cpu` (password
hashing, on a worker thread so it never holds up the database thread).
"""
from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

from aiohttp import web

from bot.cases.complaints import ComplaintStore
from bot.cases.repository import CaseRepository
from bot.chat.handoffs import HandoffStore
from bot.chat.transcripts import TranscriptStore
from bot.config import Settings
from bot.documents.crypto import cipher_for
from bot.documents.store import DocumentStore
from bot.mail.outbox import MailOutbox
from bot.rules.hours import StaffedHours
from bot.staff.audit import AccessLog
from bot.staff.auth.accounts import AccountStore
from bot.staff.auth.csrf import CsrfTokens
from bot.staff.auth.sessions import SessionStore
from bot.staff.evaluate_job import EvaluationJob
from bot.trainers.deploy import Deployer
from bot.trainers.service import TrainerTools
from bot.web.limits import TokenBucket

T = TypeVar("T")
Now = Callable[[], datetime]

# Login attempts per client address (on top of the per-account lockout): a person mistyping
# is never slowed; a script trying passwords across many usernames is.
LOGIN_RATE_PER_MINUTE = 10
LOGIN_BURST = 10


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class StaffServices:
    settings: Settings
    run_db: Callable[..., Awaitable[Any]]
    accounts: AccountStore
    sessions: SessionStore
    csrf: CsrfTokens
    access_log: AccessLog
    cases: CaseRepository
    handoffs: HandoffStore
    complaints: ComplaintStore
    transcripts: TranscriptStore
    hours: StaffedHours
    now: Now
    mail: MailOutbox
    documents: DocumentStore
    login_buckets: dict[str, TokenBucket] = field(default_factory=dict)
    # Set when the app shuts down: live streams end.
    closing: asyncio.Event = field(default_factory=asyncio.Event)

    @classmethod
    def build(cls, settings: Settings, sessions: Any, run_db: Callable[..., Awaitable[Any]],
              now: Now = utcnow) -> StaffServices:
        return cls(
            settings=settings,
            run_db=run_db,
            accounts=AccountStore(
                sessions, max_failures=settings.staff_login_max_failures,
                lockout=timedelta(minutes=settings.staff_lockout_minutes), now=now,
            ),
            sessions=SessionStore(
                sessions, settings.session_secret,
                idle=timedelta(minutes=settings.staff_session_idle_minutes),
                maximum=timedelta(hours=settings.staff_session_max_hours), now=now,
            ),
            csrf=CsrfTokens(settings.session_secret),
            access_log=AccessLog(sessions, now=now),
            cases=CaseRepository(sessions, nation=settings.council_nation, now=now),
            handoffs=HandoffStore(sessions, now=now),
            complaints=ComplaintStore(sessions, now=now),
            transcripts=TranscriptStore(sessions),
            hours=StaffedHours.parse(settings.staff_hours, settings.council_nation),
            now=now,
            mail=MailOutbox(sessions, max_attempts=settings.mail_max_attempts,
                            retry_seconds=settings.mail_retry_seconds, now=now),
            documents=DocumentStore(sessions, cipher_for(settings), now=now),
        )

    async def db(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await self.run_db(work, *args, **kwargs)

    async def audit(self, username: str, action: str, *, target: str | None = None,
                    detail: str | None = None) -> None:
        """One line of the staff access log (who, what, when), off the event loop."""
        await self.db(self.access_log.record, username, action, target=target, detail=detail)

    async def cpu(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await asyncio.to_thread(functools.partial(work, *args, **kwargs))

    def login_allowed(self, address: str) -> bool:
        if len(self.login_buckets) > 10_000:  # bounded memory under a spray of addresses
            self.login_buckets.clear()
        bucket = self.login_buckets.get(address)
        if bucket is None:
            bucket = self.login_buckets[address] = TokenBucket(LOGIN_RATE_PER_MINUTE, LOGIN_BURST)
        return bucket.take()


STAFF_KEY = web.AppKey("staff", StaffServices)
# Tests replace the clock before the app starts (``app[NOW_KEY] = fake_clock``).
NOW_KEY: web.AppKey[Now] = web.AppKey("staff_now")
# The trainer pages' tools (data/nlu, domain.yml, held-out set, test stories, tracker store);
# set when the console is added, and tests point it at a copy of the project's data.
TRAINERS_KEY = web.AppKey("trainer_tools", TrainerTools)
# The trainers' "train a candidate and compare" job (``dpa evaluate`` in a child process);
# set when the console is added; tests swap its command for a tiny fake one.
EVALUATION_KEY = web.AppKey("evaluation_job", EvaluationJob)
# Deploying an evaluated model to every Rasa server, and restoring the previous one; set
# when the console is added; tests point it at their own history and model store.
DEPLOYER_KEY = web.AppKey("model_deployer", Deployer)
