"""``dpa run`` itself: refusing a busy port, stopping within 10 s, no orphans.

The folder's stack is a real ``dpa run`` (tests/faults/conftest.py); this file runs last
and ends it:

- a second runner on the same ports refuses to start, naming each port and the process that
  holds it, and leaves the first's parts alone;
- SIGTERM stops the runner and every part within 10 s and frees the ports;
- a third runner is killed (SIGKILL: no chance to clean up) once its parts are running: each
  part dies with it (the parent-death signal) within 10 s, and the ports are free again.

The third runner is killed while Rasa is still loading its model (the other parts already
answer): the parent-death signal does not depend on how far a part got, and waiting for
Rasa again would cost a minute or more.
"""
from __future__ import annotations

import re
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.rasa.ports import port_is_free
from bot.rasa.stack import answers
from tests.faults.conftest import (
    ACTION_SERVER,
    PART_MODULES,
    RASA,
    START_TIMEOUT,
    WEB_APP,
    FaultStack,
    Runner,
    alive,
    children,
)

pytestmark = pytest.mark.e2e

STOP_WITHIN = 10.0  # the bound for SIGTERM, and for dying with a killed runner


def wait_for(check: Callable[[], object], timeout: float, what: str) -> float:
    """Seconds until ``check`` is true; AssertionError naming ``what`` after ``timeout``."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"{what}: not within {timeout:.0f}s")
        time.sleep(0.05)
    return time.monotonic() - started


def ports(settings: Settings) -> dict[str, int]:
    return {ACTION_SERVER: settings.action_port, RASA: settings.rasa_port,
            WEB_APP: settings.web_port}


def all_free(settings: Settings) -> bool:
    return all(port_is_free("127.0.0.1", port) for port in ports(settings).values())


@pytest.fixture
def more_runners(fault_stack: FaultStack, tmp_path: Path) -> Iterator[Callable[[str], Runner]]:
    """Start further runners with the folder stack's environment (its ports)."""
    started: list[Runner] = []

    def start(name: str) -> Runner:
        runner = Runner.start(fault_stack.env, tmp_path / f"{name}.out")
        started.append(runner)
        return runner

    yield start
    for runner in started:
        runner.end()


def test_a_second_runner_refuses_a_busy_port_saying_by_what(fault_stack, more_runners):
    parts = fault_stack.runner.parts()
    assert set(parts) == set(PART_MODULES)
    second = more_runners("second")
    assert second.process.wait(120) != 0
    refusal = second.output()
    assert "everything is up" not in refusal
    for name, port in ports(fault_stack.settings).items():
        named = re.search(rf"port {port} \(for the {name}\) is in use by PID (\d+) \(", refusal)
        assert named, refusal
        # The part itself, or one of its own processes (a server's worker).
        assert int(named.group(1)) in {parts[name], *children(parts[name])}, refusal
    assert fault_stack.runner.parts() == parts  # the first runner's parts untouched


def test_sigterm_stops_every_part_within_ten_seconds(fault_stack):
    fault_stack.heal()
    runner, named = fault_stack.runner, fault_stack.runner.parts()
    assert set(named) == set(PART_MODULES)
    started, stopped_after = time.monotonic(), {}

    def all_stopped() -> bool:
        for name, pid in named.items():
            if name not in stopped_after and not alive(pid):
                stopped_after[name] = time.monotonic() - started
        return (runner.process.poll() is not None and len(stopped_after) == len(named)
                and all_free(fault_stack.settings))

    runner.process.send_signal(signal.SIGTERM)
    took = wait_for(all_stopped, STOP_WITHIN, "the runner and its parts stopping on SIGTERM")
    assert runner.process.returncode == 0, runner.output()[-2000:]
    assert "dpa run: stopping" in runner.output()
    print(f"SIGTERM: the runner and its parts stopped, ports free, in {took:.1f}s ("
          + ", ".join(f"{name} {after:.1f}s" for name, after in stopped_after.items()) + ")")


def test_sigkill_of_the_runner_leaves_no_orphan(fault_stack, more_runners):
    settings = fault_stack.settings
    wait_for(lambda: all_free(settings), STOP_WITHIN, "the folder's stack gone")
    third = more_runners("third")
    wait_for(lambda: len(third.parts()) == len(PART_MODULES)
             and answers(f"http://127.0.0.1:{settings.web_port}/health")
             and answers(f"http://127.0.0.1:{settings.action_port}/health"),
             START_TIMEOUT, "the third runner's parts starting")
    orphans = list(third.parts().values())
    third.process.kill()
    third.process.wait(10)
    took = wait_for(lambda: not any(alive(pid) for pid in orphans) and all_free(settings),
                    STOP_WITHIN, "the parts of a killed runner dying with it")
    print(f"SIGKILL of the runner: its parts gone, ports free, in {took:.1f}s")
