"""The console's "train a candidate and compare" job: ``dpa evaluate`` in a child process.

The web app never loads Rasa or TensorFlow: the job runs ``python -m bot evaluate`` (the
same code as the CLI) with :func:`asyncio.create_subprocess_exec`, its output (stdout and
stderr) going to a log file under ``settings.var_dir``. One job at a time per web app
process; the state lives in memory (a restart of the web app forgets it, and stops a job
still running). Tests swap :attr:`EvaluationJob.command` for a tiny fake command.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.config import PROJECT_ROOT

# bot.trainers.evaluation.job's RESULTS_DIR and REGRESSION_EXIT, repeated here so that the web
# app does not import the evaluation code (tests check they agree).
RESULTS_DIR = PROJECT_ROOT / "results" / "evaluate"
REGRESSION_EXIT = 3
REPORT_FILE = "report.json"
# The confusion-matrix images ``dpa evaluate`` writes into its --out directory; the only
# files the console serves from there.
IMAGES = {
    "confusion_matrix.png": "Confusion matrix of the new (candidate) model",
    "confusion_matrix_before.png": "Confusion matrix of the current model",
}
TAIL_BYTES = 64 * 1024
# Give a job this long to stop after SIGTERM when the web app shuts down, then kill it.
STOP_GRACE_SECONDS = 5.0

IDLE, RUNNING, FINISHED = "idle", "running", "finished"


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return path.name


def default_command(out_dir: Path, labelled: Path | None = None) -> list[str]:
    command = [sys.executable, "-m", "bot", "evaluate", "--out", str(out_dir)]
    return command + (["--labelled", str(labelled)] if labelled is not None else [])


class AlreadyRunning(Exception):
    """A job is running already: one at a time."""


@dataclass
class EvaluationJob:
    """One web app's evaluation job: what it runs, where its log goes, and how it went."""

    log_path: Path
    results_dir: Path = RESULTS_DIR
    command: Sequence[str] | None = None  # None: ``python -m bot evaluate --out results_dir``
    cwd: Path = PROJECT_ROOT
    labelled: Path | None = None  # the console's journal of just-labelled messages
    state: str = IDLE
    started_at: datetime | None = None
    finished_at: datetime | None = None
    started_by: str | None = None
    returncode: int | None = None
    error: str | None = None  # the command could not be started at all
    _started_wall: float = 0.0
    _task: asyncio.Task | None = field(default=None, repr=False)
    _process: asyncio.subprocess.Process | None = field(default=None, repr=False)

    @property
    def running(self) -> bool:
        return self.state == RUNNING

    @property
    def regression(self) -> bool:
        return self.state == FINISHED and self.returncode == REGRESSION_EXIT

    def the_command(self) -> list[str]:
        return list(self.command) if self.command is not None else default_command(
            self.results_dir, self.labelled)

    def start(self, who: str, now: Callable[[], datetime],
              on_finish: Callable[[EvaluationJob], Awaitable[None]] | None = None) -> None:
        """Start the job (in the background); :class:`AlreadyRunning` if one is running.

        ``now`` is the console's clock (for the start and finish times). Synchronous up to
        the task's creation, so two requests cannot both start one."""
        if self.running:
            raise AlreadyRunning
        self.state = RUNNING
        self.started_at, self.finished_at = now(), None
        self.started_by, self.returncode, self.error = who, None, None
        self._started_wall = time.time()
        self._task = asyncio.create_task(self._run(now, on_finish))

    async def _run(self, now: Callable[[], datetime],
                   on_finish: Callable[[EvaluationJob], Awaitable[None]] | None) -> None:
        command = self.the_command()
        try:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.log_path, "wb") as log:
                if self.command is None:  # as trainers know it: no server paths
                    log.write(f"$ dpa evaluate --out {_shown(self.results_dir)}\n".encode())
                    log.flush()
                env = {**os.environ, "PYTHONUNBUFFERED": "1"}
                try:
                    self._process = await asyncio.create_subprocess_exec(
                        *command, stdin=asyncio.subprocess.DEVNULL, stdout=log,
                        stderr=asyncio.subprocess.STDOUT, cwd=str(self.cwd), env=env)
                except (OSError, ValueError) as exc:
                    reason = getattr(exc, "strerror", None) or exc
                    self.error = f"could not start the command: {reason}"
                    log.write(f"{self.error}\n".encode())
                    self.returncode = None
                else:
                    self.returncode = await self._process.wait()
        except OSError as exc:  # the log could not be written
            self.error = f"could not write the log: {exc.strerror or exc}"
        finally:
            self._process = None
            self.state = FINISHED
            self.finished_at = now()
            if on_finish is not None:
                with contextlib.suppress(Exception):
                    await on_finish(self)

    def tail(self, lines: int = 60) -> str:
        """The last ``lines`` lines of the job's log ('' if there is none yet)."""
        try:
            with open(self.log_path, "rb") as log:
                log.seek(0, os.SEEK_END)
                size = log.tell()
                log.seek(max(0, size - TAIL_BYTES))
                data = log.read()
        except OSError:
            return ""
        text = data.decode("utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def images(self) -> list[str]:
        """The confusion-matrix images this job wrote (newer than its start)."""
        if self.state != FINISHED:
            return []
        found = []
        for name in IMAGES:
            with contextlib.suppress(OSError):
                if (self.results_dir / name).stat().st_mtime >= self._started_wall - 1:
                    found.append(name)
        return found

    def report(self) -> dict | None:
        """The ``report.json`` this job wrote (None while running, or if it wrote none)."""
        if self.state != FINISHED:
            return None
        path = self.results_dir / REPORT_FILE
        try:
            if path.stat().st_mtime < self._started_wall - 1:
                return None
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def last_report(self) -> dict | None:
        """The last ``report.json`` on disk, whoever wrote it (after a console restart)."""
        try:
            data = json.loads((self.results_dir / REPORT_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def image_path(self, name: str) -> Path | None:
        """The path of a known image, or None (unknown names are never turned into paths)."""
        if name not in IMAGES:
            return None
        path = self.results_dir / name
        return path if path.is_file() else None

    async def wait(self) -> None:
        """Until the running job (if any) has finished."""
        if self._task is not None:
            await asyncio.shield(self._task)

    async def stop(self) -> None:
        """On shutdown: end a running job's process and wait for its task."""
        process, task = self._process, self._task
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
            try:
                await asyncio.wait_for(process.wait(), STOP_GRACE_SECONDS)
            except asyncio.TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
        if task is not None and not task.done():
            with contextlib.suppress(asyncio.CancelledError, asyncio.TimeoutError):
                await asyncio.wait_for(task, STOP_GRACE_SECONDS)
