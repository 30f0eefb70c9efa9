"""Engines and units of work for the case store, on SQLite or PostgreSQL.

By default the Rasa server, the action server and the web app share one SQLite file, so every
SQLite connection uses WAL (readers never block the writer), enforces foreign keys and waits
for a lock instead of failing at once. Write units of work start with ``BEGIN IMMEDIATE`` so
that two processes never both read and then both try to upgrade to a write lock (SQLite would
fail one of them at once, without waiting). On PostgreSQL the same code runs unchanged.

The busy timeout (``SQLITE_BUSY_TIMEOUT_SECONDS``, :func:`bot.config.sqlite_busy_timeout`)
is how long a writer waits for another's lock before giving up; docs/benchmarks.md has the
measurements behind its default. It must stay well under the hub's wait for a turn, so that
a submission the database refuses is still kept in the outbox and the resident told.
"""
from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from bot.config import sqlite_busy_timeout

# Execution option asking the SQLite begin hook for a write transaction (BEGIN IMMEDIATE).
WRITE_OPTION = "dpa_write"

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def normalise_url(url: str | URL) -> URL:
    """Parse ``url``, accepting the ``postgres://`` spelling some hosts hand out."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.drivername in ("postgres", "postgres+psycopg2"):
        parsed = parsed.set(drivername=parsed.drivername.replace("postgres", "postgresql", 1))
    return parsed


def mask_url(url: str | URL) -> str:
    """The URL with any password replaced by ``***``, safe to print or log."""
    return normalise_url(url).render_as_string(hide_password=True)


def is_sqlite(url: str | URL) -> bool:
    return normalise_url(url).get_backend_name() == "sqlite"


def get_engine(url: str | URL) -> Engine:
    """The process-wide engine for ``url`` (one per URL: engines own connection pools)."""
    parsed = normalise_url(url)
    key = parsed.render_as_string(hide_password=False)
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _engines[key] = build_engine(parsed)
        return engine


def dispose_engine(url: str | URL) -> None:
    """Close and forget the cached engine for ``url`` (tests, and before deleting a file)."""
    key = normalise_url(url).render_as_string(hide_password=False)
    with _engines_lock:
        engine = _engines.pop(key, None)
    if engine is not None:
        engine.dispose()


def dispose_all_engines() -> None:
    with _engines_lock:
        engines = list(_engines.values())
        _engines.clear()
    for engine in engines:
        engine.dispose()


def database_refused(exc: BaseException) -> bool:
    """Whether ``exc`` means the database could not take a write now (locked past the busy
    timeout, read-only, full, unreachable) rather than that the write itself was wrong.

    A missing table or column is an OperationalError too, but a schema that was never
    migrated is a mistake to fix, not an outage to wait out.
    """
    if isinstance(exc, OperationalError):
        return "no such " not in str(exc.orig)
    return isinstance(exc, (InterfaceError, DisconnectionError, PoolTimeout, OSError))


def build_engine(url: str | URL, *, busy_timeout: float | None = None) -> Engine:
    """A new engine for ``url`` (uncached; most callers want :func:`get_engine`).

    ``busy_timeout`` (seconds) defaults to ``SQLITE_BUSY_TIMEOUT_SECONDS``.
    """
    parsed = normalise_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, future=True, pool_pre_ping=True)
    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or "mode=memory" in database
    if not in_memory and not database.startswith("file:"):
        _create_private_file(Path(database).expanduser())
    timeout = sqlite_busy_timeout() if busy_timeout is None else busy_timeout
    engine = create_engine(parsed, future=True, connect_args={"timeout": timeout})
    _install_sqlite_hooks(engine, wal=not in_memory, busy_timeout=timeout)
    return engine


def _create_private_file(path: Path) -> None:
    """Create the database file readable by its owner only: it holds residents' personal data.

    SQLite gives its -wal and -shm files the same permissions as the database file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.touch(mode=0o600, exist_ok=True)


def _enter_wal(cursor: Any, busy_timeout: float) -> None:
    """Switch the file to WAL (persistent, so usually a no-op read), retrying while locked.

    Changing the journal mode needs an exclusive lock, and SQLite does not always call the busy
    handler for it: two processes opening a new file at once (the runner and a CLI upgrading at
    start-up) can get "database is locked" at once. Retry up to the busy timeout instead.
    """
    deadline = time.monotonic() + busy_timeout
    delay = 0.01
    while True:
        try:
            mode = cursor.execute("PRAGMA journal_mode").fetchone()
            if mode and str(mode[0]).lower() == "wal":
                return
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + delay > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


def _install_sqlite_hooks(engine: Engine, *, wal: bool, busy_timeout: float) -> None:
    """Pragmas on every new connection, and our own BEGIN (the recipe in SQLAlchemy's docs).

    pysqlite's own transaction handling is switched off (``isolation_level = None``) because
    it delays BEGIN until the first write, which breaks both SAVEPOINT and BEGIN IMMEDIATE.
    """
    busy_ms = int(busy_timeout * 1000)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if wal:
                _enter_wal(cursor, busy_timeout)
                # NORMAL is durable across application crashes in WAL mode and much faster.
                cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_session_factory(engine: Engine) -> sessionmaker:
    """Sessions in 2.0 style whose loaded objects stay readable after commit."""
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker, *, write: bool = False) -> Iterator[Session]:
    """One unit of work: commit when the block ends, roll back on any error, always close.

    ``write=True`` takes SQLite's write lock at the start (waiting up to the busy timeout)
    rather than at the first write; elsewhere it changes nothing.
    """
    with factory() as session:
        with session.begin():
            if write:
                session.connection(execution_options={WRITE_OPTION: True})
            yield session
