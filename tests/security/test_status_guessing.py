"""Issue 12, item 4: a case's status cannot be had by guessing the date of birth.

Before, 40 wrong dates of birth followed by the right one revealed the status, and a new
connection per guess escaped the per-connection rate limit. Now failed checks are counted per
case reference and per client address before anything is compared: after five, even the
right answer is refused (the resident is told to contact the DPO) and staff see it in the
access log; every connection from one address carries the same signed address tag to Rasa.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from actions.settings import case_repository, settings
from actions.status import ActionCheckCaseStatus
from bot.cases.new_case import NewCase
from bot.cases.status_limits import CLIENT_TAG_KEY, client_tag, read_client_tag
from bot.conversation.wording import STATUS_CHECK_LOCKED_TEXT
from tests.actions.conftest import domain, isolated_settings  # noqa: F401  (fixtures)
from tests.actions.support import make_tracker, run_action
from tests.staff.conftest import (  # noqa: F401  (fixtures)
    accounts,
    clock,
    console,
    make_console,
    trainer_project,
)
from tests.web.conftest import new_resident

ATTACKER = "203.0.113.66"


async def guess(rasa_domain: dict[str, Any], reference: str, date_of_birth: str) -> list[str]:
    """One status check as it reaches the action server after the form, from ATTACKER."""
    tag = client_tag(settings().status_check_secret, ATTACKER)
    tracker = make_tracker(
        rasa_domain,
        slots={"case_reference": reference, "identity_check": date_of_birth},
        text=date_of_birth, metadata={CLIENT_TAG_KEY: tag},
    )
    outcome = await run_action(ActionCheckCaseStatus(), tracker, rasa_domain)
    return outcome.responses + outcome.texts


async def test_five_wrong_dates_of_birth_then_the_right_one_reveal_nothing(
    domain, db_url, console  # noqa: F811
):
    assert settings().database_url == db_url  # the actions and the console share it
    case = case_repository().create_case(
        NewCase(request_type="request_access", full_name="Grace Hopper",
                email="grace@example.org", date_of_birth=date(1986, 12, 9)),
        received_at=datetime.now(timezone.utc),
    )
    for day in range(1, 6):
        assert await guess(domain, case.reference, f"1986-12-{day:02d}") == [
            "utter_case_not_matched"
        ]
    answer = await guess(domain, case.reference, "1986-12-09")
    assert answer == [STATUS_CHECK_LOCKED_TEXT]
    assert not any(case.reference in said or "waiting" in said for said in answer)

    await console.login("ada")  # admins read the access log
    page = await console.page("/staff/accounts/access-log")
    assert "status check locked" in page and case.reference in page
    assert ATTACKER not in page and "1986" not in page


async def test_a_new_connection_per_guess_is_still_the_same_address(make_chat, rasa):
    chat = await make_chat(status_check_secret="test-status-check-secret")
    for _ in range(3):
        tab = await chat.open(new_resident())
        await tab.say("1986-12-09")
        await tab.next("message", role="assistant")
        await tab.ws.close()
    tags = [turn["metadata"][CLIENT_TAG_KEY] for turn in rasa.received]
    assert len(tags) == 3 and len(set(tags)) == 1
    assert read_client_tag("test-status-check-secret", tags[0]) is not None
    assert tags[0] == client_tag("test-status-check-secret", "127.0.0.1")
    assert "127.0.0.1" not in tags[0]
