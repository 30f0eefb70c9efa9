"""Failed status checks are counted per reference and per client address, keyed, in a window."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.cases.status_limits import (
    Limits,
    StatusCheckAttempt,
    StatusCheckLimits,
    client_tag,
    read_client_tag,
)
from bot.db.engine import get_engine, make_session_factory, session_scope
from tests.fixtures.databases import FakeClock

SECRET = "test-status-check-secret"
REFERENCE = "DPA-7KQ4-M2XP"
ADDRESS = "203.0.113.7"
LIMITS = Limits(per_reference=5, per_address=8, unknown_address=3, window=timedelta(hours=24))


@pytest.fixture
def limits(migrated_url: str, clock: FakeClock) -> StatusCheckLimits:
    return StatusCheckLimits(make_session_factory(get_engine(migrated_url)), SECRET, LIMITS,
                             now=clock)


def address(n: int = 0) -> str:
    """An address hash as the action server reads it from the hub's signed tag."""
    hashed = read_client_tag(SECRET, client_tag(SECRET, f"203.0.113.{n}"))
    assert hashed is not None
    return hashed


def fail(limits: StatusCheckLimits, times: int, reference: str = REFERENCE,
         client: str | None = None) -> None:
    """``times`` checks that were allowed and turned out wrong (never forgiven)."""
    for _ in range(times):
        assert limits.begin(reference, client if client is not None else address()).allowed


def test_five_failures_lock_the_reference_and_the_sixth_check_is_refused(limits):
    fail(limits, 5)
    refused = limits.begin(REFERENCE, address())
    assert not refused.allowed
    assert refused.reference_locked and not refused.address_locked
    assert refused.newly_locked_reference  # staff hear of it now...
    again = limits.begin(REFERENCE, address(1))  # ... and not again from another address
    assert not again.allowed and again.reference_locked and not again.newly_locked_reference


def test_right_answers_are_not_failures(limits):
    for _ in range(20):
        decision = limits.begin(REFERENCE, address())
        assert decision.allowed
        limits.forgive(decision)


def test_the_reference_is_counted_however_it_is_typed(limits):
    for typed in ("DPA-7KQ4-M2XP", "dpa 7kq4 m2xp", "7kq4m2xp", "DPA.7KQ4.M2XP", " dpa-7kq4-m2xp"):
        limits.begin(typed, address())
    assert not limits.begin("7KQ4-M2XP", address()).allowed


def test_other_references_are_not_affected(limits):
    fail(limits, 5)
    assert limits.begin("DPA-2345-6789", address(2)).allowed


def test_the_window_expires_failures_with_an_injected_clock(limits, clock: FakeClock):
    fail(limits, 4)
    clock.advance(hours=12)
    fail(limits, 1)
    assert not limits.begin(REFERENCE, address()).allowed
    clock.advance(hours=12, seconds=1)  # the first four are now older than 24 hours
    assert limits.begin(REFERENCE, address()).allowed  # failure 2 in the window
    fail(limits, 3)  # failures 3..5
    refused = limits.begin(REFERENCE, address())
    assert not refused.allowed
    assert not refused.newly_locked_reference  # refused once already in this window


def test_a_new_lock_after_the_window_is_reported_again(limits, clock: FakeClock):
    fail(limits, 5)
    assert limits.begin(REFERENCE, address()).newly_locked_reference
    clock.advance(hours=24, seconds=1)
    fail(limits, 5)
    assert limits.begin(REFERENCE, address()).newly_locked_reference


def test_one_address_guessing_many_references_is_locked(limits):
    references = [f"DPA-2345-67{a}{b}" for a in "23456789" for b in "AB"]
    for reference in references[:8]:
        assert limits.begin(reference, address(3)).allowed
    refused = limits.begin(references[8], address(3))
    assert not refused.allowed
    assert refused.address_locked and not refused.reference_locked
    assert refused.newly_locked_address
    assert limits.begin(references[9], address(4)).allowed  # another address is not
    # A refusal counts no failure against the reference it named.
    assert limits.begin(references[8], address(5)).allowed


def test_callers_without_an_address_share_one_bucket_with_its_own_limit(limits):
    for n in range(3):
        assert limits.begin(f"DPA-2345-678{n + 2}", None).allowed
    refused = limits.begin("DPA-2345-6789", None)
    assert not refused.allowed and refused.address_locked and refused.newly_locked_address
    assert limits.begin("DPA-2345-6789", address(6)).allowed  # the chat's residents are not


def test_old_rows_are_deleted(limits, clock: FakeClock, migrated_url: str):
    fail(limits, 3)
    clock.advance(hours=25)
    limits.begin("DPA-2345-6789", address(7))
    with session_scope(make_session_factory(get_engine(migrated_url))) as session:
        rows = session.scalars(select(StatusCheckAttempt)).all()
    assert len(rows) == 2 and all(row.at == clock.now for row in rows)


def test_no_reference_or_address_is_stored_in_clear(limits, migrated_url: str):
    tag = client_tag(SECRET, ADDRESS)
    hashed = read_client_tag(SECRET, tag)
    fail(limits, 5, client=hashed)
    limits.begin(REFERENCE, hashed)
    fail(limits, 3, reference="DPA-2345-6789", client=None)
    with session_scope(make_session_factory(get_engine(migrated_url))) as session:
        rows = session.scalars(select(StatusCheckAttempt)).all()
    stored = " ".join(f"{row.scope} {row.key_hash} {row.refused}" for row in rows).upper()
    assert len(rows) == 17  # 5 failures x 2 keys, 1 refusal, 3 x 2
    for clear in (REFERENCE, "7KQ4", "M2XP", "2345-6789", "6789", ADDRESS, "203.0.113"):
        assert clear.upper() not in stored
    assert ADDRESS not in tag
    assert {len(row.key_hash) for row in rows} == {64}


def test_the_hub_s_tag_is_checked():
    tag = client_tag(SECRET, ADDRESS)
    assert read_client_tag(SECRET, tag) == tag.split(".")[0]
    assert client_tag(SECRET, ADDRESS) == tag  # the same address: the same bucket
    assert client_tag(SECRET, "203.0.113.8") != tag
    hashed, mac = tag.split(".")
    made_up = "0" * len(hashed)
    for forged in (f"{made_up}.{mac}", hashed, f"{hashed}.", f"{hashed}.{mac}.x",
                   client_tag("another secret", ADDRESS), None, 42, {"tag": tag}, ""):
        assert read_client_tag(SECRET, forged) is None, forged


def test_a_secret_is_required(migrated_url: str):
    with pytest.raises(ValueError, match="STATUS_CHECK_SECRET"):
        StatusCheckLimits(make_session_factory(get_engine(migrated_url)), "")
