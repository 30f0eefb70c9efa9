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
