"""Work off the event loop: the one rule, and the web app's database thread.

The rule, for all of ``bot/`` and ``actions/``:

- Stores and services are plain blocking code (a function of a session per unit of work:
  :class:`bot.cases.repository.CaseRepository`, :class:`bot.chat.transcripts.TranscriptStore`,
  :class:`bot.chat.handoffs.HandoffStore`, the staff and trainer stores). They have no
  ``async`` twins.
- Async code never calls them directly. In the web app (hub, staff console) they run through
  :meth:`HubDatabase.run` (below), which is what ``StaffServices.db`` and the hub's ``_db``
  are; CPU-bound work that touches no database (hashing a password, reading training files)
  runs in ``asyncio.to_thread``. In the action server, where there is no shared database
  thread, database calls run in ``asyncio.to_thread``.
- Nothing blocking runs at import time.

Why the web app has its own thread rather than ``asyncio.to_thread``:

Every message a resident sends costs the hub a few short transactions, so how they are run
matters as much as what they do (measured with ``python -m bot.tools.bench_chat --stand-in-ms``):

- on their own thread, never the event loop (a blocking call there would stall every chat);
- on *one* thread for SQLite: SQLite has one writer at a time, and writers from several of
  our threads would only wait for each other in SQLite's busy handler, which sleeps in
  steps of up to 100 ms;
- on a connection kept open: :func:`bot.db.engine.get_engine` gives SQLite files
  SQLAlchemy 1.4's ``NullPool``, so every unit of work would connect, set its pragmas and,
  when the last connection to a WAL database closes, checkpoint and delete the WAL (25-40
  ms per write measured; 4.5 ms of CPU per turn against 2.2 ms with the connection kept).

PostgreSQL uses the shared engine (it pools already) and a few threads.
"""
from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import SingletonThreadPool

from bot.config import sqlite_busy_timeout
from bot.db.engine import (
    _install_sqlite_hooks,  # the same pragmas and BEGIN handling as every engine of ours
    get_engine,
    is_sqlite,
    make_session_factory,
    normalise_url,
)

T = TypeVar("T")
POSTGRES_THREADS = 4


def _kept_sqlite_engine(url: str) -> Engine:
    """An engine for one thread that keeps its connection (``SingletonThreadPool``)."""
    get_engine(url)  # creates the file private to its owner if it is missing
    timeout = sqlite_busy_timeout()
    engine = create_engine(
        normalise_url(url),
        future=True,
        poolclass=SingletonThreadPool,
        # Only the hub's database thread uses it; closing at shutdown may run elsewhere.
        connect_args={"timeout": timeout, "check_same_thread": False},
    )
    _install_sqlite_hooks(engine, wal=True, busy_timeout=timeout)
    return engine


class HubDatabase:
    """Where the hub's blocking database work runs."""

    def __init__(self, url: str) -> None:
        self._own_engine = is_sqlite(url)
        self.engine = _kept_sqlite_engine(url) if self._own_engine else get_engine(url)
        self.sessions: sessionmaker = make_session_factory(self.engine)
        self.executor = ThreadPoolExecutor(
            max_workers=1 if self._own_engine else POSTGRES_THREADS,
            thread_name_prefix="dpa-hub-db",
        )

    async def run(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, functools.partial(work, *args, **kwargs))

    async def close(self) -> None:
        if self._own_engine:
            await self.run(self.engine.dispose)
        self.executor.shutdown(wait=True)
