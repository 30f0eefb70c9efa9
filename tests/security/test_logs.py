"""No resident's words in any log of any part; logs private and kept across restarts (issue 12).

The end-to-end test completes a request full of personal data through the real stack, then
reads every log file the stack wrote (this run's and the rotated ones of earlier runs) for
any of it, and for the personal data the other end-to-end suites typed (they run before
this folder, against the same session-wide stack).
"""
from __future__ import annotations

import io
import logging
import stat

import pytest
import structlog

from bot.rasa.log_privacy import WITHHELD, install
from bot.rasa.stack import open_log
from tests.e2e.chat import Chat

PERSONAL = ["Zephyrine Quillfeather", "zephyrine.q@example.org", "14 Larkspur Row",
            "CH4 7QZ", "1968", "07700 900 417"]
# What the other end-to-end suites type (tests/e2e, tests/browser).
OTHERS = ["Jane Smith", "jane.smith@example.com", "Sam Carter", "sam.carter@example.net",
          "7 Mill Lane", "12 High Street"]


@pytest.fixture
def captured():
    install()
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    yield buffer
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_rasa_style_records_lose_what_the_resident_said(captured):
    logging.getLogger("rasa.core.processor").error("Received user message '%s'", "I am Jo")
    logging.getLogger("rasa.core.channels").error("Failed on message 'I am Jo Bloggs' from x")
    logging.getLogger("rasa_sdk.executor").warning("slot full_name=%s", "Jo Bloggs")
    logging.getLogger("bot.anything").info("ours: %s", "kept as written")
    text = captured.getvalue()
    assert "Jo" not in text and text.count(WITHHELD) + text.count("withheld") >= 3
    assert "ours: kept as written" in text


def test_rasa_structlog_events_withhold_personal_fields(captured):
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.DEBUG)
    structlog.get_logger("rasa.core.channels.rest").error(
        "rest.message.received.timeout", text="my name is Jo Bloggs, 1 Acacia Avenue")
    structlog.get_logger("rasa.core.processor").debug(
        "processor.message.parse", parse_data_text="email jo@example.com",
        parse_data_entities=[{"value": "jo@example.com"}])
    text = captured.getvalue()
    assert "rest.message.received.timeout" in text
    assert "Jo Bloggs" not in text and "jo@example.com" not in text and "Acacia" not in text


def test_a_log_is_private_and_the_last_run_is_kept(tmp_path):
    path = tmp_path / "rasa-server.log"
    with open_log(path) as first:
        first.write(b"first run\n")
    with open_log(path) as second:
        second.write(b"second run\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes() == b"second run\n"
    assert (tmp_path / "rasa-server.log.1").read_bytes() == b"first run\n"


@pytest.mark.e2e
def test_no_personal_data_in_any_log_after_real_conversations(stack, stack_settings):
    chat = Chat(stack_settings.rasa_url, "e2e-log-privacy")
    chat.say("/request_access")  # the intent itself: this test is about logs, not NLU
    for answer in ["myself", PERSONAL[0], "none", "2 May 1968",
                   f"{PERSONAL[2]}, Chester {PERSONAL[3]}", PERSONAL[1], PERSONAL[5],
                   "none", "my housing file", "the last two years", "by email", "passport",
                   "council tax bill"]:
        chat.say(answer)
    logged = chat.say("yes")
    assert "DPA-" in logged, [[m.get("text") for m in r] for r in chat.replies]
    chat.say(f"my name is {PERSONAL[0]} and my email is {PERSONAL[1]}")  # outside a form

    logs = sorted(p for p in (stack_settings.var_dir / "logs").iterdir() if p.is_file())
    assert logs, "the stack wrote no logs"
    for path in logs:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        text = path.read_text(encoding="utf-8", errors="replace")
        for secret in [*PERSONAL[:4], PERSONAL[5], *OTHERS]:
            assert secret not in text, (path.name, secret)
        assert "e2e-log-privacy" not in text, path.name  # the conversation id is a key too
