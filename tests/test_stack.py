"""The runner's supervision: readiness, a dying service named with its reason, clean stop."""
from __future__ import annotations

import socket
import sys
import time

import pytest

from bot.rasa.stack import Service, ServiceFailed, Stack


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _http_server(port: int) -> list[str]:
    return [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]


def test_waits_for_health_then_stops_every_process(tmp_path):
    port = _free_port()
    service = Service("demo", _http_server(port), f"http://127.0.0.1:{port}/", f"port {port}")
    stack = Stack([service], tmp_path / "logs")
    seen: list[str] = []
    stack.start(timeout=30, report=seen.append)
    assert any("demo is ready" in line for line in seen)
    assert service.process.poll() is None
    stack.stop()
    assert service.process.poll() is not None


def test_a_service_that_dies_is_named_with_its_exit_status_and_log(tmp_path):
    crash = [sys.executable, "-c", "import sys; print('model file is corrupt'); sys.exit(3)"]
    port = _free_port()
    healthy = Service("healthy", _http_server(port), f"http://127.0.0.1:{port}/", "")
    broken = Service("broken", crash, "http://127.0.0.1:9/", "")
    stack = Stack([healthy, broken], tmp_path / "logs")
    with pytest.raises(ServiceFailed) as failure:
        stack.start(timeout=30)
    message = str(failure.value)
    assert "broken stopped (exit status 3)" in message
    assert "model file is corrupt" in message
    assert healthy.process.poll() is not None, "the other services are stopped too"


def test_a_service_that_never_answers_times_out_with_its_log(tmp_path):
    silent = [sys.executable, "-c", "import time; print('still loading'); time.sleep(60)"]
    service = Service("slow", silent, "http://127.0.0.1:9/", "")
    stack = Stack([service], tmp_path / "logs")
    started = time.monotonic()
    with pytest.raises(ServiceFailed) as failure:
        stack.start(timeout=2)
    assert time.monotonic() - started < 20
    assert "slow did not answer its health check within 2s" in str(failure.value)
    assert "still loading" in str(failure.value)
    assert service.process.poll() is not None


def test_stop_is_safe_twice(tmp_path):
    port = _free_port()
    service = Service("demo", _http_server(port), f"http://127.0.0.1:{port}/", "")
    with Stack([service], tmp_path / "logs") as stack:
        stack.start(timeout=30)
        stack.stop()
    assert service.process.poll() is not None


# -- supervision: restart with back-off, give up clearly, die with the runner, busy ports ---


def _flaky(port: int) -> Service:
    """An HTTP server the test kills to play a part that dies."""
    return Service("flaky", _http_server(port), f"http://127.0.0.1:{port}/", f"port {port}")


def test_a_part_that_dies_is_restarted_and_the_others_keep_serving(tmp_path):
    from bot.rasa.supervisor import RestartPolicy, Supervisor, read_status

    ports = _free_port(), _free_port()
    steady = Service("steady", _http_server(ports[0]), f"http://127.0.0.1:{ports[0]}/", "")
    flaky = _flaky(ports[1])
    said: list[str] = []
    with Stack([steady, flaky], tmp_path / "logs") as stack:
        stack.start(timeout=30)
        status = tmp_path / "run" / "parts.json"
        supervisor = Supervisor(stack, report=said.append, status_path=status,
                                policy=RestartPolicy(first_delay=0.2))
        first_pid = flaky.process.pid
        flaky.process.kill()
        flaky.process.wait()
        supervisor.tick()
        assert read_status(status)["parts"]["flaky"]["state"] == "restarting"
        deadline = time.monotonic() + 20
        while supervisor.parts["flaky"].state != "up" and time.monotonic() < deadline:
            time.sleep(0.2)
            supervisor.tick()
        assert supervisor.parts["flaky"].state == "up"
        assert flaky.process.pid != first_pid and flaky.process.poll() is None
        assert steady.process.poll() is None, "the other part kept running"
        assert any("flaky stopped (exit status -9); restarting it in 0.2s" in line
                   for line in said)
        assert any("the flaky is back" in line for line in said)
        assert read_status(status)["parts"]["flaky"] == {"state": "up", "restarts": 1,
                                                         "last_exit": -9}
        assert (tmp_path / "logs" / "flaky.log.1").exists(), "the dead run's log is kept"


def test_the_supervisor_gives_up_after_repeated_failures(tmp_path):
    from bot.rasa.supervisor import RestartPolicy, Supervisor

    crash = [sys.executable, "-c", "import sys; print('bad config'); sys.exit(4)"]
    port = _free_port()
    service = Service("crashy", _http_server(port), f"http://127.0.0.1:{port}/", "")
    with Stack([service], tmp_path / "logs") as stack:
        stack.start(timeout=30)
        service.argv = crash  # from now on it dies at once
        supervisor = Supervisor(stack, policy=RestartPolicy(max_restarts=2, first_delay=0.05))
        service.process.kill()
        with pytest.raises(ServiceFailed) as failure:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                supervisor.tick()
                time.sleep(0.05)
    message = str(failure.value)
    assert "the crashy keeps stopping (exit status 4, 3 times in 10 minutes); giving up" in message
    assert "bad config" in message


def test_back_off_doubles_up_to_the_cap():
    from bot.rasa.supervisor import RestartPolicy

    policy = RestartPolicy(first_delay=1, max_delay=5)
    assert [policy.delay(n) for n in range(5)] == [1, 2, 4, 5, 5]


def test_a_busy_port_is_named_with_its_holder_and_nothing_starts(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        service = Service("web app", _http_server(port), f"http://127.0.0.1:{port}/", "",
                          port=port)
        stack = Stack([service], tmp_path / "logs")
        with pytest.raises(ServiceFailed) as refused:
            stack.start(timeout=5)
    message = str(refused.value)
    assert f"port {port} (for the web app) is in use by PID " in message
    assert service.process is None


def test_parts_die_with_the_runner_even_when_it_is_killed(tmp_path):
    """SIGKILL of the runner: its parts get SIGTERM from the kernel (no orphans)."""
    import os
    import signal
    import subprocess

    port = _free_port()
    runner = subprocess.Popen([sys.executable, "-c", f"""
import sys, time
from pathlib import Path
from bot.rasa.stack import Service, Stack
service = Service("child", {_http_server(port)!r}, "http://127.0.0.1:{port}/", "")
stack = Stack([service], Path({str(tmp_path / 'logs')!r}))
stack.start(timeout=30)
print(service.process.pid, flush=True)
time.sleep(60)
"""], stdout=subprocess.PIPE, text=True)
    child = int(runner.stdout.readline())
    os.kill(runner.pid, signal.SIGKILL)
    runner.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        with open(f"/proc/{child}/stat") as stat:
            if stat.read().split()[2] == "Z":
                break
        time.sleep(0.1)
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail("the part outlived its runner")
