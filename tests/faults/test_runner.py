"""``dpa run`` itself: stopping within 10 s, no orphans, and refusing a busy port.

One real runner (trained model, the three parts) on free ports of its own:

- a second runner on the same ports refuses to start, naming each port and the process that
  holds it, and starts nothing;
- SIGTERM stops every part within 10 s and frees the ports;
- a third runner is killed (SIGKILL: no chance to clean up) once its parts are running: each
  part dies with it (the parent-death signal) within 10 s, and the ports are free again.

The third runner is killed while Rasa is still loading its model (the other parts answer):
the parent-death signal does not depend on how far a part got, and waiting for Rasa again
would double this test's time.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT, Settings
from bot.rasa.ports import port_is_free
from tests.conftest import stack_environment

pytestmark = pytest.mark.e2e

START_TIMEOUT = 420.0  # Rasa loading the model on a busy two-core machine
STOP_WITHIN = 10.0  # the bound for SIGTERM, and for dying with a killed runner
PARTS = 3


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after its ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited (its parent has not reaped it yet)


def wait_for(check: Callable[[], object], timeout: float, what: str) -> float:
    """Seconds until ``check`` is true; AssertionError naming ``what`` after ``timeout``."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"{what}: not within {timeout:.0f}s")
        time.sleep(0.1)
    return time.monotonic() - started


@dataclass
class Runner:
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def parts(self) -> list[int]:
        return children(self.process.pid)


@pytest.fixture
def runner_env(tmp_path: Path) -> Iterator[tuple[Settings, dict[str, str]]]:
    """The environment of runners of our own: free ports, a var dir, SQLite under it."""
    environment = stack_environment(tmp_path / "var", tmp_path / "var" / "dpa.sqlite3")
    settings = next(environment)
    env = dict(os.environ)
    environment.close()
    yield settings, env


@pytest.fixture
def start_runner(runner_env, tmp_path: Path) -> Iterator[Callable[[str], Runner]]:
    _, env = runner_env
    started: list[Runner] = []

    def start(name: str) -> Runner:
        log = tmp_path / f"{name}.out"
        with log.open("wb") as out:
            process = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=PROJECT_ROOT,
                                       env=env, stdin=subprocess.DEVNULL, stdout=out,
                                       stderr=subprocess.STDOUT)
        runner = Runner(process, log)
        started.append(runner)
        return runner

    yield start
    for runner in started:  # whatever the test did: nothing of ours left running
        parts = runner.parts()
        if runner.process.poll() is None:
            runner.process.kill()
            runner.process.wait(10)
        for pid in parts:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def ports(settings: Settings) -> dict[str, int]:
    return {"action server": settings.action_port, "rasa server": settings.rasa_port,
            "web app": settings.web_port}


def all_free(settings: Settings) -> bool:
    return all(port_is_free("127.0.0.1", port) for port in ports(settings).values())


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def test_dpa_run_stops_in_time_leaves_no_orphans_and_refuses_a_busy_port(
    runner_env, start_runner
) -> None:
    settings, _ = runner_env
    first = start_runner("first")
    wait_for(lambda: "everything is up" in first.output() or first.process.poll() is not None,
             START_TIMEOUT, "the first runner starting")
    assert first.process.poll() is None, first.output()
    parts = first.parts()
    assert len(parts) == PARTS, parts

    # A second runner on the same ports: refused, saying which port and by what.
    second = start_runner("second")
    assert second.process.wait(120) != 0
    refusal = second.output()
    assert "everything is up" not in refusal
    for name, port in ports(settings).items():
        assert f"port {port} (for the {name}) is in use by PID" in refusal, refusal
    assert any(f"PID {pid} (" in refusal for pid in parts), refusal
    assert all(alive(pid) for pid in parts)  # the refusal touched nothing of the first's

    # SIGTERM: every part stopped, and the ports free, within 10 s.
    first.process.send_signal(signal.SIGTERM)
    took = wait_for(lambda: first.process.poll() is not None
                    and not any(alive(pid) for pid in parts) and all_free(settings),
                    STOP_WITHIN, "the runner and its parts stopping on SIGTERM")
    assert first.process.returncode == 0, first.output()
    print(f"SIGTERM: everything stopped in {took:.1f}s")

    # SIGKILL of a runner whose parts are running: they die with it; the ports come free.
    third = start_runner("third")
    wait_for(lambda: len(third.parts()) == PARTS
             and answers(f"http://127.0.0.1:{settings.web_port}/health")
             and answers(f"http://127.0.0.1:{settings.action_port}/health"),
             START_TIMEOUT, "the third runner's parts starting")
    orphans = third.parts()
    third.process.kill()
    third.process.wait(10)
    took = wait_for(lambda: not any(alive(pid) for pid in orphans) and all_free(settings),
                    STOP_WITHIN, "the parts of a killed runner dying with it")
    print(f"SIGKILL of the runner: its parts gone in {took:.1f}s")
