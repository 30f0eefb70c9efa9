"""A person completes a request in `rasa shell`: the real command in a pseudo-terminal, the
real model, and the stack's action server and database.

`rasa shell` shows buttons as an arrow-key menu whose last entry is "Type out your own
message..."; like a person who prefers typing, the test picks that entry (one Up from the
top wraps to it) and types its answer.
"""
from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time
from pathlib import Path

import pytest

from bot.cases.repository import CaseRepository
from bot.config import PROJECT_ROOT
from bot.rasa.action_server import ACTION_TOKEN_HEADER
from tests.conftest import free_port

pytestmark = pytest.mark.e2e

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[=>]|\r")
UP = b"\x1b[A"
FREE_TEXT = "Type out your own message..."


class Shell:
    """`rasa shell` in a pseudo-terminal, 200 columns wide so prompts are not wrapped."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become rasa shell
            os.chdir(PROJECT_ROOT)
            os.execve(argv[0], argv, env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
        self.output = ""
        self.menu = False  # the last prompt is a button menu

    def read(self, ready, timeout: float, quiet: float = 1.0) -> str:
        """Output until ``ready(new output)`` holds and nothing more arrives for ``quiet`` s."""
        start, last = len(self.output), time.monotonic()
        deadline = last + timeout
        while time.monotonic() < deadline:
            if select.select([self.fd], [], [], 0.2)[0]:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    break
                self.output += chunk.decode(errors="replace")
                last = time.monotonic()
            elif time.monotonic() - last > quiet and ready(self.clean(self.output[start:])):
                break
        return self.clean(self.output[start:])

    @staticmethod
    def clean(text: str) -> str:
        return ANSI.sub("", text)

    @staticmethod
    def _last_line(text: str) -> str:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return lines[-1] if lines else ""

    @classmethod
    def text_prompt(cls, text: str) -> bool:
        return cls._last_line(text) == "Your input ->"

    @classmethod
    def prompted(cls, text: str) -> bool:
        """A free-text prompt, or a button menu (its last entry is the free-text one)."""
        return cls.text_prompt(text) or cls._last_line(text).endswith(FREE_TEXT)

    def say(self, text: str) -> str:
        if self.menu:
            os.write(self.fd, UP)
            time.sleep(0.2)
            os.write(self.fd, b"\r")
            self.read(self.text_prompt, timeout=30)
        os.write(self.fd, text.encode() + b"\r")
        reply = self.read(self.prompted, timeout=120)
        self.menu = reply.rstrip().endswith(FREE_TEXT)
        return reply

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGTERM)
            for _ in range(50):
                if os.waitpid(self.pid, os.WNOHANG)[0]:
                    break
                time.sleep(0.1)
            else:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.fd)


@pytest.fixture
def shell(stack, stack_settings, tmp_path: Path):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "{stack_settings.action_server_url}/webhook"\n'
        f'  headers:\n    {ACTION_TOKEN_HEADER}: "{stack_settings.action_token}"\n'
    )
    model = next(stack_settings.model_dir.glob("*.tar.gz"))
    rasa = Path(sys.executable).with_name("rasa")
    env = {**os.environ, "TERM": "xterm"}
    running = Shell([str(rasa), "shell", "--model", str(model), "--endpoints", str(endpoints),
                     "--port", str(free_port())], env)
    loaded = running.read(lambda out: "Bot loaded" in out, timeout=300)
    assert "Bot loaded" in loaded, loaded[-2000:]
    yield running
    running.close()


def test_a_request_can_be_made_in_rasa_shell(shell, stack_settings):
    opening = shell.say("please delete the information you hold about me")
    assert "about you, or are you asking for someone else" in opening
    for text in ["myself", "Sam Carter", "none", "12/10/1975", "7 Mill Lane, Chester CH2 3AB",
                 "sam.carter@example.net", "skip", "my old garden waste account",
                 "I closed the account", "by email", "passport"]:
        reply = shell.say(text)
        assert "did you mean" not in reply.lower(), (text, reply)
    summary = shell.say("council tax bill")
    assert "Sam Carter" in summary and "12 October 1975" in summary and "CH2 3AB" in summary
    logged = shell.say("yes")
    match = re.search(r"DPA-[A-Z0-9]{4}-[A-Z0-9]{4}", logged)
    assert match, logged

    cases = [case for case in CaseRepository.from_url(stack_settings.database_url).list_cases()
             if case.reference == match.group()]
    assert len(cases) == 1
    case = cases[0]
    assert case.request_type == "request_erasure" and case.full_name == "Sam Carter"
    assert case.date_of_birth.isoformat() == "1975-10-12" and case.postcode == "CH2 3AB"
    assert case.status == "awaiting_id"
