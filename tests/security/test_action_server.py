"""The action server trusts only Rasa: loopback, a shared secret, nothing in argv (issue 12).

Against the real stack, started as ``dpa run`` starts it: a hand-written call to
``/webhook`` (the forged case of the security review) is refused and stores nothing, the
refusal is logged without the body, and no process shows a secret on its command line.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from bot.cases.repository import CaseRepository
from bot.rasa.action_server import ACTION_TOKEN_HEADER

pytestmark = pytest.mark.e2e

FORGED = {
    "next_action": "action_submit_request",
    "sender_id": "forged-sender",
    "version": "3.6.21",
    "domain": {},
    "tracker": {
        "sender_id": "forged-sender",
        "slots": {"request_type": "request_access", "full_name": "=1+1",
                  "email": "=1+1", "date_of_birth": "1900-01-01", "confirmed": True},
        "latest_message": {"intent": {"name": "affirm"}, "entities": [], "text": "yes"},
        "events": [], "paused": False, "followup_action": None, "active_loop": {},
        "latest_action_name": "action_listen",
    },
}


def _post(url: str, payload: dict, headers: dict[str, str] | None = None) -> int:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), method="POST",
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as refused:
        return refused.code


def _cases_for(settings, sender: str) -> list:
    return [c for c in CaseRepository.from_url(settings.database_url).list_cases()
            if c.conversation_id == sender]


def test_a_forged_webhook_call_is_refused_and_stores_nothing(stack, stack_settings):
    url = f"{stack_settings.action_server_url}/webhook"
    assert _post(url, FORGED) == 401
    assert _post(url, FORGED, {ACTION_TOKEN_HEADER: "not-the-token"}) == 401
    assert _post(url, FORGED, {"Authorization": f"Bearer {stack_settings.rasa_token}"}) == 401
    assert _cases_for(stack_settings, "forged-sender") == []

    log = next(s for s in stack.services if s.name == "action server").log_path.read_text()
    assert "refused POST /webhook" in log
    assert "=1+1" not in log and "forged-sender" not in log


def test_health_needs_no_token(stack, stack_settings):
    with urllib.request.urlopen(f"{stack_settings.action_server_url}/health", timeout=10) as r:
        assert r.status == 200


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on ``port`` (from /proc/net/tcp{,6})."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            next(rows)
            for row in rows:
                local, state = row.split()[1], row.split()[3]
                address, _, hex_port = local.rpartition(":")
                if state == "0A" and int(hex_port, 16) == port:
                    found.add(address)
    return found


def test_the_action_server_and_rasa_listen_on_loopback_only(stack, stack_settings):
    loopback = {"0100007F", "00000000000000000000000001000000"}
    for port in (stack_settings.action_port, stack_settings.rasa_port):
        addresses = _listening_addresses(port)
        assert addresses, f"nothing listens on {port}"
        assert addresses <= loopback, (port, addresses)


def test_no_secret_is_on_any_command_line(stack, stack_settings):
    secrets = [stack_settings.rasa_token, stack_settings.action_token,
               stack_settings.session_secret]
    for service in stack.services:
        with open(f"/proc/{service.process.pid}/cmdline", "rb") as argv:
            command_line = argv.read().decode(errors="replace")
        for secret in secrets:
            assert secret not in command_line, service.name
