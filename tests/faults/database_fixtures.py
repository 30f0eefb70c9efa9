"""The database faults, and what they need from the folder's stack (tests/faults/conftest.py).

The stack's database is in a directory of its own (a small tmpfs when this runs as root, so
the disk can be filled), with short timeouts (``FAST``): a writer gives up after
SQLITE_BUSY_TIMEOUT_SECONDS=1, the outbox is replayed every second and /health says
degraded once a record has waited two seconds.

Faults:

- :func:`database_locked`: another process holds ``BEGIN EXCLUSIVE`` on the file.
- :func:`database_read_only`: the file and its WAL made immutable (``chattr +i``; root
  ignores file modes, so ``chmod`` would not do), so every write fails.
- :func:`disk_full`: the database's filesystem filled to the last byte.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings

TMPFS_SIZE = "48m"
FAST = {
    "SQLITE_BUSY_TIMEOUT_SECONDS": "1",
    "OUTBOX_REPLAY_SECONDS": "1",
    "OUTBOX_DEGRADED_AFTER_SECONDS": "2",
}


def mount_tmpfs(directory: Path) -> bool:
    """Mount a small tmpfs on ``directory`` (root only); whether it was mounted."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE},mode=0700",
                           "tmpfs", str(directory)], capture_output=True)
    return done.returncode == 0


def unmount(directory: Path) -> None:
    subprocess.run(["umount", "-l", str(directory)], check=False)


def database_file(settings: Settings) -> Path:
    return Path(settings.database_url.removeprefix("sqlite:///"))


# -- the faults ------------------------------------------------------------------------------

_HOLDER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.read()
connection.execute("ROLLBACK")
"""


@contextmanager
def database_locked(settings: Settings) -> Iterator[None]:
    """Another process holds an exclusive transaction on the file until the block ends."""
    with file_locked(database_file(settings)):
        yield


@contextmanager
def file_locked(path: Path) -> Iterator[None]:
    """Another process holds an exclusive transaction on the SQLite file ``path``."""
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=10)


@contextmanager
def database_read_only(settings: Settings) -> Iterator[None]:
    path = database_file(settings)
    files = [p for p in (path, path.with_name(path.name + "-wal")) if p.exists()]
    done = subprocess.run(["chattr", "+i", *map(str, files)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot make the database immutable here: {done.stderr.strip()!r}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", *map(str, files)], check=True)


@contextmanager
def disk_full(settings: Settings, mounted: bool) -> Iterator[None]:
    if not mounted:
        pytest.skip("disk full needs the database on a small tmpfs (mount needs root)")
    path = database_file(settings)
    _checkpoint(path)  # an empty WAL: the next write needs new space
    filler = path.with_name("filler")
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 20, 4096, 1):
            try:
                while os.write(fd, b"\0" * size):
                    pass
            except OSError:
                continue
    finally:
        os.close(fd)
    try:
        yield
    finally:
        filler.unlink()


def _checkpoint(path: Path) -> None:
    import sqlite3

    connection = sqlite3.connect(str(path), timeout=5)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


# -- looking at the stack --------------------------------------------------------------------


def health(settings: Settings) -> dict[str, Any]:
    url = f"http://127.0.0.1:{settings.web_port}/health"
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def wait_for(check: Callable[[], Any], timeout: float = 20.0, every: float = 0.2) -> Any:
    """The first truthy value ``check`` returns, or an AssertionError after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {timeout} s")
        time.sleep(every)
