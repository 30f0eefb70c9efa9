"""The case repository on real databases: SQLite files and (where available) PostgreSQL."""
from __future__ import annotations

import json
import re
import threading
from datetime import date, datetime, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import event, func, select

from bot.cases.models import Case, CaseEvent
from bot.cases.new_case import NewCase
from bot.cases.records import (
    CaseDetail,
    CaseNotFound,
    CaseSummary,
    InvalidCaseData,
    InvalidCaseEvent,
    case_to_dict,
)
from bot.cases.repository import CaseRepository
from bot.cases.vocabulary import REQUEST_TYPES
from bot.db.engine import build_engine, get_engine, make_session_factory, session_scope
from bot.rules.clock import ClockError, ClockEvent, ClockEventKind, Requirements, compute_clock
from bot.rules.references import ALPHABET, is_reference, new_reference, normalise_reference
from tests.fixtures.databases import FakeClock

SYMBOL = "[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]"
REFERENCE = re.compile(rf"^DPA-{SYMBOL}{{4}}-{SYMBOL}{{4}}$")
CLOCK_KINDS = {kind.value for kind in ClockEventKind}


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.utc)


def make_case(
    repo: CaseRepository, received: date = date(2026, 3, 2), **fields: Any
) -> CaseSummary:
    values: dict[str, Any] = {
        "request_type": "request_access",
        "full_name": "Ada Lovelace",
        "email": "ada@example.org",
        "date_of_birth": date(1985, 12, 10),
        "address": "1 Analytical Row, Northtown",
        "postcode": "nt1 1aa",
        "phone": "01632 960001",
        "conversation_id": "conv-1",
        "received_at": at(received),
    }
    values.update(fields)
    not_fields = ("received_at", "actor", "nation")  # how it is logged, not what
    options = {name: values.pop(name) for name in not_fields if name in values}
    return repo.create_case(NewCase(**values), **options)


def started_case(
    repo: CaseRepository, clock: FakeClock, received: date, **fields: Any
) -> CaseSummary:
    """A case whose ID arrived the day the request did, so its clock runs from ``received``."""
    case = make_case(repo, received, **fields)
    clock.set_today(max(received, clock.now.date()))
    return repo.record_event(case.reference, "id_received", received, "jsmith")


def row_counts(url: str) -> tuple[int, int]:
    with get_engine(url).connect() as connection:
        cases = connection.execute(select(func.count()).select_from(Case)).scalar_one()
        events = connection.execute(select(func.count()).select_from(CaseEvent)).scalar_one()
    return cases, events


# -- creating cases ----------------------------------------------------------------------


def test_a_new_case_is_on_hold_until_id_arrives(repo: CaseRepository, clock: FakeClock) -> None:
    case = make_case(repo, answers={"records": "housing"}, response_format="electronic")
    assert REFERENCE.match(case.reference)
    assert case.request_type == "request_access"
    assert (case.status, case.waiting_for) == ("awaiting_id", ("id",))
    assert case.received_on == date(2026, 3, 2)
    assert case.clock_started_on is None and case.due_on is None
    assert case.extension_notice_by is None and not case.extended
    assert case.postcode == "NT1 1AA"
    assert case.answers == {"records": "housing"}
    assert case.created_at == clock.now and case.created_at.tzinfo == timezone.utc

    detail = repo.get_case(case.reference)
    assert [(e.kind, e.on, e.actor) for e in detail.events] == [
        ("created", None, "assistant"),
        ("received", date(2026, 3, 2), "assistant"),
    ]


def test_day_one_is_the_councils_local_date(repo: CaseRepository, clock: FakeClock) -> None:
    clock.set_today(date(2025, 7, 3))
    case = make_case(repo, received_at=datetime(2025, 7, 1, 23, 30, tzinfo=timezone.utc))
    assert case.received_on == date(2025, 7, 2)  # 00:30 BST
    assert case.received_at == datetime(2025, 7, 1, 23, 30, tzinfo=timezone.utc)


def test_a_request_for_someone_else_also_waits_for_authority(
    repo: CaseRepository, clock: FakeClock
) -> None:
    case = make_case(
        repo,
        on_behalf=True,
        subject_name="Byron Lovelace",
        relationship="child",
        authority="parental_responsibility",
    )
    assert case.requires_authority and case.waiting_for == ("id", "authority")
    clock.set_today(date(2026, 3, 9))
    case = repo.record_event(case.reference, "id_received", date(2026, 3, 3), "jsmith")
    assert case.status == "awaiting_authority" and case.due_on is None
    case = repo.record_event(case.reference, "authority_received", date(2026, 3, 5), "jsmith")
    assert case.status == "clock_running"
    assert case.clock_started_on == date(2026, 3, 5)  # the latest of the things waited for
    assert case.due_on == date(2026, 4, 7)  # 5 April is a Sunday, 6 April Easter Monday


def test_every_request_type_can_be_logged(repo: CaseRepository) -> None:
    for request_type in REQUEST_TYPES:
        make_case(repo, request_type=request_type)
    assert sorted(c.request_type for c in repo.list_cases()) == sorted(REQUEST_TYPES)


def test_creation_is_atomic_when_a_write_fails_midway(
    repo: CaseRepository, migrated_url: str
) -> None:
    """The case row is written, then writing its RECEIVED event fails: nothing may remain."""

    def fail_on_received(_mapper: Any, _connection: Any, target: CaseEvent) -> None:
        if target.kind == "received":
            raise RuntimeError("disk full")

    event.listen(CaseEvent, "before_insert", fail_on_received)
    try:
        with pytest.raises(RuntimeError, match="disk full"):
            make_case(repo)
    finally:
        event.remove(CaseEvent, "before_insert", fail_on_received)
    assert row_counts(migrated_url) == (0, 0)
    make_case(repo)
    assert row_counts(migrated_url) == (1, 2)


@pytest.mark.parametrize(
    "bad",
    [
        {"request_type": "ask_cost"},
        {"request_type": "REQUEST_ACCESS"},
        {"response_format": "fax"},
        {"full_name": "   "},
        {"nation": "france"},
        {"answers": {"when": object()}},
        {"date_of_birth": datetime(1985, 12, 10, 0, 0)},
        {"on_behalf": "yes"},
        {"postcode": "X" * 40},
        {"actor": ""},
        {"received_at": date(2026, 3, 2)},
    ],
    ids=lambda bad: "-".join(bad),
)
def test_invalid_details_are_refused_and_nothing_is_stored(
    repo: CaseRepository, migrated_url: str, bad: dict[str, Any]
) -> None:
    with pytest.raises(InvalidCaseData):
        make_case(repo, **bad)
    assert row_counts(migrated_url) == (0, 0)


# -- references --------------------------------------------------------------------------


def test_references_are_well_formed_unambiguous_and_unique(repo: CaseRepository) -> None:
    references = [make_case(repo).reference for _ in range(25)]
    assert len(set(references)) == len(references)
    for reference in references:
        assert REFERENCE.match(reference)
        assert not set(reference[4:]) & set("0O1I")


def test_a_reference_collision_is_retried(migrated_url: str, clock: FakeClock) -> None:
    taken = "DPA-7KQ4-M2XP"
    candidates = iter([taken, taken, "DPA-2222-3333"])
    repo = CaseRepository.from_url(migrated_url, now=clock, new_reference=lambda: next(candidates))
    assert make_case(repo).reference == taken
    assert make_case(repo).reference == "DPA-2222-3333"


def test_repeated_collisions_give_up_cleanly(migrated_url: str, clock: FakeClock) -> None:
    repo = CaseRepository.from_url(migrated_url, now=clock, new_reference=lambda: "DPA-7KQ4-M2XP")
    make_case(repo)
    with pytest.raises(InvalidCaseData, match="unique case reference"):
        make_case(repo)
    assert row_counts(migrated_url) == (1, 2)


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("DPA-7KQ4-M2XP", "DPA-7KQ4-M2XP"),
        ("dpa-7kq4-m2xp", "DPA-7KQ4-M2XP"),
        (" dpa 7kq4 m2xp ", "DPA-7KQ4-M2XP"),
        ("7KQ4-M2XP", "DPA-7KQ4-M2XP"),
        ("DPA7KQ4M2XP", "DPA-7KQ4-M2XP"),
        ("DPA.7KQ4.M2XP", "DPA-7KQ4-M2XP"),
        ("DPA-7KQ0-M2XP", None),  # 0 is never used: not silently read as O
        ("DPA-7KQ4-M2X", None),
        ("DPA-7KQ4-M2XPQ", None),
        ("", None),
        ("hello there", None),
    ],
)
def test_typed_references_are_normalised(typed: str, expected: str | None) -> None:
    assert normalise_reference(typed) == expected


@given(
    st.text(alphabet=ALPHABET, min_size=8, max_size=8),
    st.sampled_from([str.lower, str.upper]),
    st.sampled_from(["-", " ", "", "."]),
    st.booleans(),
)
def test_any_reference_survives_how_people_retype_it(
    symbols: str, change_case: Any, separator: str, with_prefix: bool
) -> None:
    reference = f"DPA-{symbols[:4]}-{symbols[4:]}"
    assert is_reference(reference)
    typed = separator.join((["dpa"] if with_prefix else []) + [symbols[:4], symbols[4:]])
    assert normalise_reference(change_case(typed)) == reference


def test_new_references_are_random_not_sequential() -> None:
    made = [new_reference() for _ in range(200)]
    assert all(is_reference(reference) for reference in made)
    assert len(set(made)) == len(made)
    assert len({reference[4] for reference in made}) > 10  # the first symbol varies too


# -- residents checking their case ---------------------------------------------------------


def test_a_resident_finds_their_case_with_the_reference_and_one_more_detail(
    repo: CaseRepository,
) -> None:
    case = make_case(repo, email="Ada@Example.org")
    other = make_case(repo, email="someone@example.org", date_of_birth=date(1990, 1, 1))
    found = repo.find_case_for_resident
    assert found(case.reference, email="ada@example.org") == case
    assert found(case.reference.lower(), email=" ADA@EXAMPLE.ORG ") == case
    assert found(case.reference.replace("-", " "), date_of_birth=date(1985, 12, 10)) == case
    assert found(case.reference, email="ada@example.org", date_of_birth=date(1985, 12, 10)) == case

    misses = [
        found(case.reference, email="eve@example.org"),  # wrong detail
        found(case.reference, date_of_birth=date(1985, 12, 11)),
        found(case.reference, email="ada@example.org", date_of_birth=date(1990, 1, 1)),
        found(case.reference, email="someone@example.org"),  # another case's detail
        found(case.reference),  # no second detail at all
        found("DPA-2222-2222", email="ada@example.org"),  # no such reference
        found("not a reference", email="ada@example.org"),
        found(other.reference, email="ada@example.org"),
    ]
    assert misses == [None] * len(misses)


def test_a_case_without_an_email_cannot_be_found_by_an_empty_email(repo: CaseRepository) -> None:
    case = make_case(repo, email=None)
    assert repo.find_case_for_resident(case.reference, email="") is None
    assert repo.find_case_for_resident(case.reference, email="  ") is None


# -- staff lists ---------------------------------------------------------------------------


@pytest.fixture
def caseload(repo: CaseRepository, clock: FakeClock) -> dict[str, CaseSummary]:
    """Five cases in different states; 'today' is Friday 20 March 2026."""
    cases = {
        "running": started_case(repo, clock, date(2026, 3, 3), full_name="Ada Lovelace"),
        "overdue": started_case(
            repo, clock, date(2026, 2, 10), full_name="Ben Okafor", request_type="request_erasure"
        ),
        "due_soon": started_case(
            repo, clock, date(2026, 2, 23), full_name="Dev Patel",
            request_type="request_portability",
        ),
        "on_hold": make_case(
            repo, date(2026, 3, 18), full_name="Chloe Price", request_type="request_rectification"
        ),
    }
    done = started_case(repo, clock, date(2026, 1, 5), full_name="Ewan Jones",
                        on_behalf=True, subject_name="Fiona Jones", requires_authority=False)
    cases["done"] = repo.record_event(done.reference, "completed", date(2026, 1, 20), "jsmith")
    clock.set_today(date(2026, 3, 20))
    assert cases["running"].due_on == date(2026, 4, 7)
    assert cases["overdue"].due_on == date(2026, 3, 10)
    assert cases["due_soon"].due_on == date(2026, 3, 23)
    assert cases["done"].due_on == date(2026, 2, 5)
    return cases


def _names(cases: list[CaseSummary], caseload: dict[str, CaseSummary]) -> list[str]:
    by_reference = {case.reference: name for name, case in caseload.items()}
    return [by_reference[case.reference] for case in cases]


def test_list_is_soonest_due_first_with_cases_on_hold_last(
    repo: CaseRepository, caseload: dict[str, CaseSummary]
) -> None:
    assert _names(repo.list_cases(), caseload) == [
        "done", "overdue", "due_soon", "running", "on_hold",
    ]


LIST_FILTERS = [
    ({"status": "clock_running"}, {"overdue", "due_soon", "running"}),
    ({"status": "awaiting_id"}, {"on_hold"}),
    ({"status": "completed"}, {"done"}),
    ({"request_type": "request_access"}, {"running", "done"}),
    ({"request_type": "request_erasure"}, {"overdue"}),
    ({"due_within_days": 7}, {"due_soon"}),
    ({"due_within_days": 30}, {"due_soon", "running"}),
    ({"due_within_days": 0}, set()),
    ({"overdue": True}, {"overdue"}),
    ({"overdue": True, "request_type": "request_access"}, set()),
    ({"awaiting_id": True}, {"on_hold"}),
    ({"search": "lovelace"}, {"running"}),
    ({"search": "  OKAFOR "}, {"overdue"}),
    ({"search": "fiona"}, {"done"}),  # the person the request is about
    ({"search": "%"}, set()),  # LIKE wildcards are searched for literally
    ({"search": "_"}, set()),
]


def test_list_filters(repo: CaseRepository, caseload: dict[str, CaseSummary]) -> None:
    """One caseload, every filter (building the caseload per filter would be slow)."""
    for filters, expected in LIST_FILTERS:
        assert set(_names(repo.list_cases(**filters), caseload)) == expected, filters


def test_search_by_reference(repo: CaseRepository, caseload: dict[str, CaseSummary]) -> None:
    reference = caseload["due_soon"].reference
    for typed in (reference, reference.lower(), reference[4:8].lower(), reference.replace("-", "")):
        assert _names(repo.list_cases(search=typed), caseload) == ["due_soon"], typed


def test_awaiting_id_includes_cases_also_waiting_for_authority(
    repo: CaseRepository, clock: FakeClock
) -> None:
    both = make_case(repo, on_behalf=True)
    authority_only = make_case(repo, on_behalf=True, requires_id=False)
    assert authority_only.status == "awaiting_authority"
    assert [c.reference for c in repo.list_cases(awaiting_id=True)] == [both.reference]


@pytest.mark.parametrize(
    "filters", [{"status": "open"}, {"request_type": "ask_cost"}, {"due_within_days": -1}]
)
def test_unknown_filter_values_are_refused(repo: CaseRepository, filters: dict[str, Any]) -> None:
    with pytest.raises(InvalidCaseData):
        repo.list_cases(**filters)


# -- the clock -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "received, id_on, due",
    [
        (date(2025, 1, 1), date(2025, 1, 1), date(2025, 2, 3)),  # 1 Feb is a Saturday
        (date(2026, 1, 31), date(2026, 1, 31), date(2026, 3, 2)),  # 28 Feb is a Saturday
        (date(2026, 2, 27), date(2026, 3, 3), date(2026, 4, 7)),  # starts on ID; Easter
        (date(2025, 12, 2), date(2025, 12, 2), date(2026, 1, 2)),  # 1 Jan a bank holiday
    ],
)
def test_id_received_starts_the_clock_and_sets_the_statutory_due_date(
    repo: CaseRepository, clock: FakeClock, received: date, id_on: date, due: date
) -> None:
    case = make_case(repo, received)
    clock.set_today(id_on)
    case = repo.record_event(case.reference, ClockEventKind.ID_RECEIVED, id_on, "jsmith")
    assert case.status == "clock_running"
    assert case.clock_started_on == id_on
    assert case.due_on == due
    assert case.extension_notice_by == due
    assert case.waiting_for == ()


def test_a_clarification_stops_the_clock(repo: CaseRepository, clock: FakeClock) -> None:
    case = started_case(repo, clock, date(2025, 9, 3))
    assert case.due_on == date(2025, 10, 3)
    clock.set_today(date(2025, 9, 15))
    case = repo.record_event(
        case.reference, "clarification_requested", date(2025, 9, 10), "jsmith",
        reason="which years of housing records?",
    )
    assert case.status == "clarification_requested"
    assert case.due_on is None and case.waiting_for == ("clarification",)
    case = repo.record_event(case.reference, "clarification_received", date(2025, 9, 15), "jsmith")
    assert case.status == "clock_running"
    assert case.paused_days == 5
    assert case.due_on == date(2025, 10, 8)


def test_an_extension_gives_three_months(repo: CaseRepository, clock: FakeClock) -> None:
    case = started_case(repo, clock, date(2025, 9, 3))
    clock.set_today(date(2025, 9, 20))
    case = repo.record_event(
        case.reference, "extended", date(2025, 9, 20), "jsmith", reason="complex: 6 services"
    )
    assert case.status == "extended" and case.extended
    assert case.due_on == date(2025, 12, 3)
    assert case.extension_reason == "complex: 6 services"
    assert case.extension_notice_by == date(2025, 10, 3)


def test_completion_closes_the_case(repo: CaseRepository, clock: FakeClock) -> None:
    case = started_case(repo, clock, date(2025, 9, 3))
    clock.set_today(date(2025, 10, 1))
    case = repo.record_event(case.reference, "completed", date(2025, 10, 1), "jsmith")
    assert (case.status, case.closed_on, case.due_on) == (
        "completed", date(2025, 10, 1), date(2025, 10, 3),  # due date kept for the record
    )
    assert case.is_closed and not case.is_overdue(date(2025, 12, 1))
    with pytest.raises(InvalidCaseEvent, match="closed"):
        repo.record_event(case.reference, "id_received", date(2025, 10, 1), "jsmith")


@pytest.mark.parametrize(
    "kind, on, reason, message",
    [
        ("extended", date(2025, 9, 10), None, "reason"),
        ("extended", date(2025, 9, 10), "   ", "reason"),
        ("extended", date(2025, 11, 1), "complex", "too late"),
        ("fee_received", date(2025, 9, 10), None, "no fee was asked for"),
        ("clarification_received", date(2025, 9, 10), None, "no clarification"),
        ("received", date(2025, 9, 10), None, "new case"),
        ("id_received", date(2025, 8, 1), None, "before the request was received"),
        ("id_received", date(2025, 12, 1), None, "in the future"),
        ("note", date(2025, 9, 10), None, "unknown event"),
        ("completed_ok", date(2025, 9, 10), None, "unknown event"),
    ],
)
def test_invalid_events_are_rejected_and_nothing_is_stored(
    repo: CaseRepository,
    clock: FakeClock,
    migrated_url: str,
    kind: str,
    on: date,
    reason: str | None,
    message: str,
) -> None:
    case = started_case(repo, clock, date(2025, 9, 3))
    clock.set_today(date(2025, 11, 15))
    counts = row_counts(migrated_url)
    with pytest.raises(InvalidCaseEvent, match=message) as raised:
        repo.record_event(case.reference, kind, on, "jsmith", reason=reason)
    assert isinstance(raised.value, ClockError) and isinstance(raised.value, ValueError)
    assert row_counts(migrated_url) == counts
    assert repo.get_case(case.reference).status == case.status


def test_a_clock_event_needs_a_date_not_a_datetime(repo: CaseRepository) -> None:
    case = make_case(repo)
    with pytest.raises(InvalidCaseData):
        repo.record_event(case.reference, "id_received", at(date(2026, 3, 2)), "jsmith")


def test_preview_shows_the_new_due_date_without_saving(
    repo: CaseRepository, clock: FakeClock, migrated_url: str
) -> None:
    case = started_case(repo, clock, date(2025, 9, 3))
    clock.set_today(date(2025, 9, 20))
    counts = row_counts(migrated_url)
    preview = repo.preview_event(case.reference, "extended", date(2025, 9, 20), "complex")
    assert preview.due_on == date(2025, 12, 3) and preview.extended
    assert row_counts(migrated_url) == counts
    assert repo.get_case(case.reference).due_on == date(2025, 10, 3)
    with pytest.raises(InvalidCaseEvent, match="reason"):
        repo.preview_event(case.reference, "extended", date(2025, 9, 20))


@pytest.mark.parametrize("reference", ["DPA-2222-2222", "garbage"])
def test_unknown_references_are_not_found(repo: CaseRepository, reference: str) -> None:
    make_case(repo)
    calls = [
        lambda: repo.get_case(reference),
        lambda: repo.record_event(reference, "id_received", date(2026, 3, 2), "jsmith"),
        lambda: repo.preview_event(reference, "id_received", date(2026, 3, 2)),
        lambda: repo.add_note(reference, "called back", actor="jsmith"),
        lambda: repo.update_details(reference, actor="jsmith", phone="01632 960002"),
    ]
    for call in calls:
        with pytest.raises(CaseNotFound):
            call()


def test_the_cached_clock_columns_always_match_a_replay_of_the_events(
    repo: CaseRepository, clock: FakeClock, migrated_url: str
) -> None:
    case = started_case(repo, clock, date(2025, 9, 3), on_behalf=True, requires_authority=True)
    clock.set_today(date(2025, 9, 30))
    reference = case.reference
    repo.record_event(reference, "authority_received", date(2025, 9, 5), "jsmith")
    repo.record_event(reference, "clarification_requested", date(2025, 9, 8), "jsmith")
    repo.record_event(reference, "clarification_received", date(2025, 9, 12), "jsmith")
    repo.record_event(reference, "extended", date(2025, 9, 29), "jsmith", reason="complex")

    detail = repo.get_case(reference)
    replay = compute_clock(
        [ClockEvent(e.kind, e.on, e.reason) for e in detail.events if e.kind in CLOCK_KINDS],
        Requirements(id=True, authority=True),
    )
    stored = (detail.status, detail.clock_started_on, detail.due_on, detail.extended,
              detail.extension_notice_by, detail.paused_days, detail.waiting_for, detail.closed_on)
    assert stored == (replay.status.value, replay.clock_started_on, replay.due_on, replay.extended,
                      replay.extension_notice_by, replay.paused_days, replay.waiting_for,
                      replay.closed_on)
    assert (detail.clock_started_on, detail.paused_days, detail.due_on) == (
        date(2025, 9, 5), 4, date(2025, 12, 9),  # 5 Dec + 4 days stopped
    )
    # The SQL columns staff filter on hold the same values.
    with session_scope(make_session_factory(get_engine(migrated_url))) as session:
        row = session.scalars(select(Case).where(Case.reference == reference)).one()
        assert (row.status, row.due_on, row.waiting_for) == ("extended", date(2025, 12, 9), "")


# -- the audit trail -----------------------------------------------------------------------


def test_every_change_records_who_when_and_why(repo: CaseRepository, clock: FakeClock) -> None:
    case = make_case(repo)
    clock.set_today(date(2026, 3, 4), hour=9)
    updated = repo.record_event(
        case.reference, "id_received", date(2026, 3, 3), "jsmith", reason="passport by post"
    )
    assert updated.updated_at == clock.now
    clock.advance(minutes=5)
    note = repo.add_note(case.reference, "  Phoned to confirm address  ", actor="akhan")
    assert (note.kind, note.actor, note.reason, note.at) == (
        "note", "akhan", "Phoned to confirm address", clock.now,
    )

    events = repo.get_case(case.reference).events
    assert [(e.kind, e.actor) for e in events] == [
        ("created", "assistant"), ("received", "assistant"), ("id_received", "jsmith"),
        ("note", "akhan"),
    ]
    id_event = events[2]
    assert (id_event.on, id_event.reason) == (date(2026, 3, 3), "passport by post")
    assert id_event.at == datetime(2026, 3, 4, 9, tzinfo=timezone.utc)
    assert all(e.at.tzinfo == timezone.utc for e in events)


def test_viewing_a_case_is_recorded_only_when_asked(repo: CaseRepository) -> None:
    case = make_case(repo)
    assert [e.kind for e in repo.get_case(case.reference).events] == ["created", "received"]
    detail = repo.get_case(case.reference, viewed_by="jsmith")
    assert isinstance(detail, CaseDetail)
    assert (detail.events[-1].kind, detail.events[-1].actor) == ("viewed", "jsmith")


def test_corrections_record_which_fields_changed_and_keep_the_old_values(
    repo: CaseRepository, clock: FakeClock
) -> None:
    case = make_case(repo)
    clock.advance(hours=1)
    updated = repo.update_details(
        case.reference, actor="jsmith", reason="resident corrected typo",
        email="ada.lovelace@example.org", phone="01632 960001",  # phone unchanged
    )
    assert updated.email == "ada.lovelace@example.org" and updated.updated_at == clock.now
    last = repo.get_case(case.reference).events[-1]
    assert (last.kind, last.actor, last.reason, last.data) == (
        "details_changed", "jsmith", "resident corrected typo",
        {"fields": ["email"], "old": {"email": "ada@example.org"}},
    )
    assert "ada.lovelace" not in repr(last)  # nothing personal in logs
    assert "ada.lovelace" not in json.dumps(last.data)  # the new value is on the case only

    unchanged = repo.update_details(case.reference, actor="jsmith", phone="01632 960001")
    assert len(repo.get_case(case.reference).events) == 3
    assert unchanged.updated_at == updated.updated_at
    with pytest.raises(InvalidCaseData, match="cannot be changed"):
        repo.update_details(case.reference, actor="jsmith", status="completed")
    with pytest.raises(InvalidCaseData, match="actor"):
        repo.record_event(case.reference, "id_received", date(2026, 3, 2), " ")


def test_changing_what_the_clock_waits_for_recomputes_it(
    repo: CaseRepository, clock: FakeClock
) -> None:
    case = make_case(repo)
    case = repo.update_details(case.reference, actor="jsmith", reason="ID checked in chat",
                               requires_id=False)
    assert case.status == "clock_running" and case.due_on == date(2026, 4, 2)


# -- serialisation and concurrency ---------------------------------------------------------


def test_case_to_dict_is_json_with_iso_dates(repo: CaseRepository, clock: FakeClock) -> None:
    case = started_case(repo, clock, date(2026, 3, 2))
    as_dict = json.loads(json.dumps(case_to_dict(repo.get_case(case.reference))))
    assert as_dict["reference"] == case.reference
    assert as_dict["received_on"] == "2026-03-02" and as_dict["due_on"] == "2026-04-02"
    assert as_dict["date_of_birth"] == "1985-12-10"
    assert as_dict["created_at"].endswith("+00:00")
    assert [e["kind"] for e in as_dict["events"]] == ["created", "received", "id_received"]
    assert "events" not in case_to_dict(case)


def test_several_processes_can_write_at_once(migrated_url: str, clock: FakeClock) -> None:
    """The Rasa action server and the web app write to the same database concurrently."""
    shared = make_case(CaseRepository.from_url(migrated_url, now=clock))
    errors: list[BaseException] = []
    engines = [build_engine(migrated_url) for _ in range(4)]  # one per simulated process

    def work(engine: Any) -> None:
        worker = CaseRepository.from_engine(engine, now=clock)
        try:
            for _ in range(5):
                make_case(worker)
                worker.add_note(shared.reference, "chased", actor="jsmith")
        except BaseException as exc:  # collected and reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for engine in engines:
        engine.dispose()
    assert errors == []
    assert row_counts(migrated_url) == (21, 21 * 2 + 20)
