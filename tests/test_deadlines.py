"""The statutory deadline engine: the worked examples in time-limits.md, month ends, leap
years, the three nations' bank holidays, extensions, local dates, and invariants."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rules.deadlines import (
    NATIONS,
    add_calendar_months,
    due_date,
    extension_notice_by,
    is_bank_holiday,
    is_working_day,
    next_working_day,
    parse_nation,
    received_on,
)

EW, SCOTLAND, NI = "england-and-wales", "scotland", "northern-ireland"


def d(text: str) -> date:
    return date.fromisoformat(text)


# --- The ICO's worked examples (time-limits.md), with concrete years -------------------------


@pytest.mark.parametrize(
    "received, deadline",
    [
        ("2025-09-03", "2025-10-03"),  # 3 September -> 3 October (a Friday)
        ("2025-03-31", "2025-04-30"),  # 31 March -> 30 April: there is no 31 April
        ("2025-01-31", "2025-02-28"),  # 31 January -> 28 February
        ("2024-01-31", "2024-02-29"),  # ... 29 February in a leap year
        ("2026-01-31", "2026-03-02"),  # ... and the next Monday when 28 Feb is a Saturday
        ("2021-01-31", "2021-03-01"),  # ... or a Sunday
        ("2024-11-25", "2024-12-27"),  # Mon 25 Nov 2024 -> Fri 27 Dec (25, 26 Dec holidays)
        ("2024-01-01", "2024-02-01"),  # 1 January (a bank holiday) -> 1 February, a Thursday
        ("2026-01-01", "2026-02-02"),  # ... or the next working day (1 Feb 2026 is a Sunday)
        ("2025-04-01", "2025-05-01"),  # 1 April -> 1 May, a Thursday
        ("2027-04-01", "2027-05-04"),  # ... or the next working day: Sat 1, Sun 2, May Day 3
    ],
)
def test_ico_worked_examples(received: str, deadline: str) -> None:
    assert due_date(d(received)) == d(deadline)


def test_day_one_is_the_day_of_receipt_even_on_a_bank_holiday() -> None:
    # Received on New Year's Day: the month runs from that day, not from the next working day.
    assert not is_working_day(d("2024-01-01"))
    assert due_date(d("2024-01-01")) == d("2024-02-01")
    assert due_date(d("2024-01-02")) == d("2024-02-02")


# --- Dates worked through for England and Wales (time-limits.md) ------------------------------


@pytest.mark.parametrize(
    "received, extended, deadline",
    [
        ("2025-01-01", False, "2025-02-03"),  # 1 Feb is a Saturday
        ("2026-01-31", False, "2026-03-02"),  # 28 Feb is a Saturday
        ("2026-03-03", False, "2026-04-07"),  # Good Friday 3, weekend 4-5, Easter Monday 6
        ("2025-12-02", False, "2026-01-02"),  # 1 Jan a bank holiday, 2 Jan is not here
        ("2025-09-03", True, "2025-12-03"),  # extended: three months
    ],
)
def test_england_and_wales_table(received: str, extended: bool, deadline: str) -> None:
    assert due_date(d(received), EW, extended=extended) == d(deadline)


# --- Calendar months ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, months, expected",
    [
        ("2025-01-31", 1, "2025-02-28"),
        ("2024-01-31", 1, "2024-02-29"),  # leap year
        ("2028-01-31", 1, "2028-02-29"),  # leap year
        ("2100-01-31", 1, "2100-02-28"),  # divisible by 100, not by 400: not a leap year
        ("2000-01-31", 1, "2000-02-29"),  # divisible by 400: a leap year
        ("2025-03-31", 1, "2025-04-30"),
        ("2025-08-31", 1, "2025-09-30"),
        ("2025-05-31", 1, "2025-06-30"),
        ("2025-10-31", 1, "2025-11-30"),
        ("2025-12-31", 1, "2026-01-31"),  # across the year end
        ("2024-02-29", 1, "2024-03-29"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2025-11-30", 3, "2026-02-28"),
        ("2025-10-31", 3, "2026-01-31"),
        ("2023-11-29", 3, "2024-02-29"),
        ("2025-09-03", 3, "2025-12-03"),
        ("2025-09-03", 0, "2025-09-03"),
    ],
)
def test_add_calendar_months(start: str, months: int, expected: str) -> None:
    assert add_calendar_months(d(start), months) == d(expected)


@pytest.mark.parametrize(
    "received, deadline",
    [
        ("2025-03-31", "2025-04-30"),  # Wednesday
        ("2025-08-31", "2025-09-30"),  # Tuesday
        ("2024-01-31", "2024-02-29"),  # Thursday, leap year
        ("2028-01-31", "2028-02-29"),  # Tuesday, leap year
        ("2025-01-29", "2025-02-28"),  # 29, 30 and 31 January all give 28 February
        ("2025-01-30", "2025-02-28"),
        ("2023-03-31", "2023-05-02"),  # 30 Apr 2023 is a Sunday; Mon 1 May is May Day
    ],
)
def test_month_end_due_dates(received: str, deadline: str) -> None:
    assert due_date(d(received)) == d(deadline)


# --- Working days and the three nations ---------------------------------------------------------


def test_weekends_are_not_working_days() -> None:
    assert is_working_day(d("2026-03-06"))  # Friday
    assert not is_working_day(d("2026-03-07"))  # Saturday
    assert not is_working_day(d("2026-03-08"))  # Sunday
    assert is_working_day(d("2026-03-09"))  # Monday


def test_next_working_day() -> None:
    assert next_working_day(d("2026-03-06"), EW) == d("2026-03-06")  # itself
    assert next_working_day(d("2026-03-07"), EW) == d("2026-03-09")  # Saturday -> Monday
    # Christmas 2026: Fri 25, Sat 26, Sun 27, Mon 28 (Boxing Day observed) -> Tue 29.
    assert next_working_day(d("2026-12-25"), EW) == d("2026-12-29")


def test_second_of_january_is_a_holiday_only_in_scotland() -> None:
    assert not is_working_day(d("2026-01-02"), SCOTLAND)
    assert is_working_day(d("2026-01-02"), EW)
    assert is_working_day(d("2026-01-02"), NI)
    assert due_date(d("2025-12-02"), EW) == d("2026-01-02")
    assert due_date(d("2025-12-02"), NI) == d("2026-01-02")
    # 1 and 2 Jan are Scottish holidays, 3-4 Jan 2026 a weekend.
    assert due_date(d("2025-12-02"), SCOTLAND) == d("2026-01-05")


def test_st_patricks_day_in_northern_ireland() -> None:
    assert is_bank_holiday(d("2026-03-17"), NI)
    assert not is_bank_holiday(d("2026-03-17"), EW)
    assert not is_bank_holiday(d("2026-03-17"), SCOTLAND)
    assert due_date(d("2026-02-17"), NI) == d("2026-03-18")
    assert due_date(d("2026-02-17"), EW) == d("2026-03-17")


def test_twelfth_of_july_in_northern_ireland() -> None:
    # 12 July 2027 is a Monday: a holiday only in Northern Ireland.
    assert due_date(d("2027-06-12"), NI) == d("2027-07-13")
    assert due_date(d("2027-06-12"), EW) == d("2027-07-12")
    # 12 July 2026 is a Sunday: Northern Ireland observes it on Monday 13.
    assert due_date(d("2026-06-12"), NI) == d("2026-07-14")
    assert due_date(d("2026-06-12"), EW) == d("2026-07-13")


def test_st_andrews_day_in_scotland() -> None:
    # 30 November 2026 is a Monday.
    assert due_date(d("2026-10-30"), SCOTLAND) == d("2026-12-01")
    assert due_date(d("2026-10-30"), EW) == d("2026-11-30")
    # 30 November 2025 is a Sunday: Scotland observes it on Monday 1 December.
    assert due_date(d("2025-11-01"), SCOTLAND) == d("2025-12-02")
    assert due_date(d("2025-11-01"), EW) == d("2025-12-01")


def test_summer_bank_holiday_differs_in_scotland() -> None:
    # Scotland: first Monday of August; England, Wales and Northern Ireland: the last.
    assert due_date(d("2026-07-03"), SCOTLAND) == d("2026-08-04")
    assert due_date(d("2026-07-03"), EW) == d("2026-08-03")
    assert due_date(d("2026-07-31"), EW) == d("2026-09-01")
    assert due_date(d("2026-07-31"), NI) == d("2026-09-01")
    assert due_date(d("2026-07-31"), SCOTLAND) == d("2026-08-31")


def test_easter_monday_is_not_a_scottish_bank_holiday() -> None:
    assert due_date(d("2026-03-03"), EW) == d("2026-04-07")
    assert due_date(d("2026-03-03"), NI) == d("2026-04-07")
    assert due_date(d("2026-03-03"), SCOTLAND) == d("2026-04-06")


def test_wales_shares_englands_bank_holidays() -> None:
    """Why one 'england-and-wales' nation is enough."""
    years = range(2000, 2041)
    england = holidays.country_holidays("GB", subdiv="ENG", years=years)
    wales = holidays.country_holidays("GB", subdiv="WLS", years=years)
    assert set(england) == set(wales)


def test_one_off_bank_holidays_come_from_the_library() -> None:
    # The coronation of Charles III, 8 May 2023: no hand-typed list would have it in advance.
    assert not is_working_day(d("2023-05-08"), EW)
    assert due_date(d("2023-04-08"), EW) == d("2023-05-09")


# --- Extension ----------------------------------------------------------------------------------


def test_extension_is_three_months_with_the_same_rules() -> None:
    assert due_date(d("2025-09-03"), extended=True) == d("2025-12-03")
    assert due_date(d("2025-10-31"), extended=True) == d("2026-02-02")  # 31 Jan 2026 Saturday
    assert due_date(d("2025-11-30"), extended=True) == d("2026-03-02")  # 28 Feb 2026 Saturday
    assert due_date(d("2025-09-25"), extended=True) == d("2025-12-29")  # 25, 26 Dec, weekend
    assert due_date(d("2025-10-02"), SCOTLAND, extended=True) == d("2026-01-05")


def test_extension_notice_by_is_the_end_of_the_first_month() -> None:
    assert extension_notice_by(d("2025-09-03")) == d("2025-10-03")
    assert extension_notice_by(d("2026-01-31")) == d("2026-03-02")
    assert extension_notice_by(d("2025-12-02"), SCOTLAND) == d("2026-01-05")
    assert extension_notice_by(d("2026-02-15"), paused_days=5) == d("2026-03-20")


# --- Days the clock was stopped -----------------------------------------------------------------


def test_paused_days_are_added_to_the_raw_deadline() -> None:
    # Clock started 15 Feb 2026; asked for clarification on 20 Feb, answered 25 Feb: 5 days.
    assert due_date(d("2026-02-15")) == d("2026-03-16")  # 15 Mar is a Sunday
    assert due_date(d("2026-02-15"), paused_days=5) == d("2026-03-20")
    # The pause counts in calendar days and the result is rolled forward once.
    assert due_date(d("2026-02-15"), paused_days=6) == d("2026-03-23")  # Sat 21 -> Mon 23


def test_short_pause_may_not_move_a_rolled_deadline() -> None:
    # 28 Feb 2026 is a Saturday: the deadline is Monday 2 March with or without a 1-day pause.
    assert due_date(d("2026-01-31"), paused_days=0) == d("2026-03-02")
    assert due_date(d("2026-01-31"), paused_days=1) == d("2026-03-02")
    assert due_date(d("2026-01-31"), paused_days=2) == d("2026-03-02")
    assert due_date(d("2026-01-31"), paused_days=3) == d("2026-03-03")


def test_paused_days_with_extension() -> None:
    assert due_date(d("2025-09-03"), extended=True, paused_days=2) == d("2025-12-05")


def test_negative_paused_days_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        due_date(d("2026-02-15"), paused_days=-1)


# --- The council's local date -------------------------------------------------------------------


@pytest.mark.parametrize(
    "moment, local_day",
    [
        # Summer (BST, UTC+1): 23:30 UTC is 00:30 the next day.
        (datetime(2025, 7, 15, 23, 30, tzinfo=timezone.utc), "2025-07-16"),
        (datetime(2025, 7, 15, 22, 59, tzinfo=timezone.utc), "2025-07-15"),
        (datetime(2025, 7, 15, 23, 0, tzinfo=timezone.utc), "2025-07-16"),
        # Winter (GMT): UTC and local dates agree.
        (datetime(2025, 1, 15, 23, 30, tzinfo=timezone.utc), "2025-01-15"),
        # Clocks go forward at 01:00 UTC on 30 March 2025.
        (datetime(2025, 3, 29, 23, 30, tzinfo=timezone.utc), "2025-03-29"),
        (datetime(2025, 3, 30, 23, 30, tzinfo=timezone.utc), "2025-03-31"),
        # Clocks go back at 01:00 UTC on 26 October 2025.
        (datetime(2025, 10, 25, 23, 30, tzinfo=timezone.utc), "2025-10-26"),
        (datetime(2025, 10, 26, 23, 30, tzinfo=timezone.utc), "2025-10-26"),
        # Other offsets are converted, not read as local.
        (datetime(2025, 7, 15, 20, 0, tzinfo=timezone(timedelta(hours=-5))), "2025-07-16"),
        (datetime(2025, 1, 16, 0, 30, tzinfo=ZoneInfo("Europe/Paris")), "2025-01-15"),
        (datetime(2025, 7, 16, 0, 30, tzinfo=ZoneInfo("Europe/London")), "2025-07-16"),
    ],
)
def test_received_on_uses_london_time(moment: datetime, local_day: str) -> None:
    assert received_on(moment) == d(local_day)


def test_received_on_treats_naive_datetimes_as_utc() -> None:
    assert received_on(datetime(2025, 7, 15, 23, 30)) == d("2025-07-16")
    assert received_on(datetime(2025, 1, 15, 23, 30)) == d("2025-01-15")


def test_received_on_needs_a_datetime() -> None:
    with pytest.raises(TypeError):
        received_on(d("2025-07-15"))  # type: ignore[arg-type]


def test_calendar_functions_refuse_datetimes() -> None:
    # A datetime is a date subclass; accepting it would silently drop the time (and the zone).
    with pytest.raises(TypeError, match="received_on"):
        due_date(datetime(2025, 7, 15, 23, 30))


# --- Nations ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, nation",
    [
        ("england-and-wales", EW),
        ("scotland", SCOTLAND),
        ("northern-ireland", NI),
        ("England and Wales", EW),
        ("England & Wales", EW),
        ("england_and_wales", EW),
        ("  Scotland ", SCOTLAND),
        ("Northern Ireland", NI),
        ("england", EW),
        ("wales", EW),
        ("GB-ENG", EW),
        ("gb-wls", EW),
        ("gb-sct", SCOTLAND),
        ("NI", NI),
        ("gb-nir", NI),
    ],
)
def test_parse_nation(text: str, nation: str) -> None:
    assert parse_nation(text) == nation


@pytest.mark.parametrize(
    "text", ["", "ireland", "uk", "great britain", "france", "england-scotland"]
)
def test_parse_nation_rejects_unknown_values_clearly(text: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_nation(text)
    message = str(excinfo.value)
    assert repr(text) in message
    for nation in NATIONS:
        assert nation in message


def test_unknown_nation_is_a_value_error_everywhere() -> None:
    for call in (
        lambda: is_working_day(d("2026-01-02"), "atlantis"),
        lambda: next_working_day(d("2026-01-02"), "atlantis"),
        lambda: due_date(d("2026-01-02"), "atlantis"),
        lambda: extension_notice_by(d("2026-01-02"), "atlantis"),
    ):
        with pytest.raises(ValueError, match="atlantis"):
            call()


def test_functions_accept_aliases() -> None:
    assert due_date(d("2025-12-02"), "Scotland") == d("2026-01-05")
    assert not is_working_day(d("2026-03-17"), "ni")


# --- Invariants ---------------------------------------------------------------------------------

dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 9, 30))
nations = st.sampled_from(NATIONS)
pauses = st.integers(min_value=0, max_value=120)
properties = settings(max_examples=200, deadline=None)


@properties
@given(start=dates, nation=nations)
def test_due_date_is_the_corresponding_date_or_a_few_days_after(start: date, nation: str) -> None:
    corresponding = add_calendar_months(start, 1)
    due = due_date(start, nation)
    assert corresponding <= due <= corresponding + timedelta(days=5)
    assert is_working_day(due, nation)
    # Nothing between the corresponding date and the due date was a working day.
    gap = (due - corresponding).days
    assert not any(is_working_day(corresponding + timedelta(days=i), nation) for i in range(gap))


@properties
@given(start=dates, nation=nations)
def test_extended_due_date_follows_the_same_rules(start: date, nation: str) -> None:
    corresponding = add_calendar_months(start, 3)
    extended = due_date(start, nation, extended=True)
    assert corresponding <= extended <= corresponding + timedelta(days=5)
    assert is_working_day(extended, nation)
    assert extended >= due_date(start, nation)
    assert extension_notice_by(start, nation) == due_date(start, nation)


@properties
@given(first=dates, second=dates, nation=nations, extended=st.booleans())
def test_due_date_never_decreases_as_the_start_moves_later(
    first: date, second: date, nation: str, extended: bool
) -> None:
    early, late = sorted((first, second))
    assert due_date(early, nation, extended=extended) <= due_date(late, nation, extended=extended)


@properties
@given(start=dates, nation=nations, offset=st.integers(min_value=0, max_value=3))
def test_consecutive_starts_are_monotonic(start: date, nation: str, offset: int) -> None:
    # Neighbouring days exercise the month-end clamping (29, 30, 31 January -> 28 February).
    later = start + timedelta(days=offset)
    assert due_date(start, nation) <= due_date(later, nation)


@properties
@given(start=dates, nation=nations, paused=pauses, extended=st.booleans())
def test_paused_days_shift_the_deadline_by_at_least_that_many_days(
    start: date, nation: str, paused: int, extended: bool
) -> None:
    corresponding = add_calendar_months(start, 3 if extended else 1)
    due = due_date(start, nation, extended=extended, paused_days=paused)
    shifted = corresponding + timedelta(days=paused)
    assert shifted <= due <= shifted + timedelta(days=5)
    assert is_working_day(due, nation)
    assert due >= due_date(start, nation, extended=extended)
    assert due <= due_date(start, nation, extended=extended, paused_days=paused + 1)


@properties
@given(day=st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 20)), nation=nations)
def test_next_working_day_is_the_first_working_day_on_or_after(day: date, nation: str) -> None:
    found = next_working_day(day, nation)
    assert found >= day and is_working_day(found, nation)
    skipped = (day + timedelta(days=i) for i in range((found - day).days))
    assert not any(is_working_day(other, nation) for other in skipped)


@properties
@given(moment=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2099, 12, 31)))
def test_received_on_is_the_utc_date_or_the_next_day(moment: datetime) -> None:
    # London is UTC or UTC+1 in this range, so the local date is never earlier than UTC's.
    local = received_on(moment)
    assert local in (moment.date(), moment.date() + timedelta(days=1))
    assert local == moment.replace(tzinfo=timezone.utc).astimezone(ZoneInfo("Europe/London")).date()
