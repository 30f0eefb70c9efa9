"""Dates of birth as residents type them (bot.conversation.validation.dates)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.conversation.validation.dates import check_date_of_birth
from tests.validation.support import TODAY, assert_problem, d


@pytest.mark.parametrize(
    "text, born",
    [
        ("3rd March 1984", "1984-03-03"),
        ("03/03/84", "1984-03-03"),
        ("3/3/1984", "1984-03-03"),
        ("3.3.84", "1984-03-03"),
        ("1984-03-03", "1984-03-03"),
        ("1984-03-04", "1984-03-04"),  # ISO is year-first, even though UK dates are day-first
        ("1984/03/04", "1984-03-04"),
        ("March 3rd 1984", "1984-03-03"),
        ("born on the 5th of June 1975", "1975-06-05"),
        ("14 july 90", "1990-07-14"),
        ("03/04/1984", "1984-04-03"),  # day first: 3 April, not 4 March
        ("03-03-1984", "1984-03-03"),
        ("3 3 1984", "1984-03-03"),
        ("03 / 03 / 1984", "1984-03-03"),
        ("03031984", "1984-03-03"),  # DDMMYYYY, as forms often want
        ("19840303", "1984-03-03"),  # YYYYMMDD
        ("030384", "1984-03-03"),  # DDMMYY
        ("3 Mar 84", "1984-03-03"),
        ("3-Mar-1984", "1984-03-03"),
        ("3rd of march, 1984", "1984-03-03"),
        ("sept 3 1984", "1984-09-03"),
        ("Saturday 3 March 1984", "1984-03-03"),
        ("the third of March 1984", "1984-03-03"),
        ("the twenty-first of June 1990", "1990-06-21"),
        ("my date of birth is 3rd March 1984", "1984-03-03"),
        ("DOB: 03/03/1984", "1984-03-03"),
        ("I'm 42, born 3/3/84", "1984-03-03"),
        ("I'm 42, born 3 March 1984", "1984-03-03"),
        ("I was born on 3 March 1984, thanks", "1984-03-03"),
        ("it may be 3 March 1984", "1984-03-03"),  # "may" is a month name too
        ("  29/02/1984  ", "1984-02-29"),  # a leap year
        ("29/02/00", "2000-02-29"),
        ("1/1/05", "2005-01-01"),  # two-digit years: the most recent past year
        ("13/05/26", "2026-05-13"),  # yesterday
        ("15/05/26", "1926-05-15"),  # 2026-05-15 is tomorrow, so 1926 (aged 99)
        ("14/05/1906", "1906-05-14"),  # 120 today
        ("15/05/1905", "1905-05-15"),  # 121 tomorrow: the oldest accepted today
        ("٣/٣/١٩٨٤", "1984-03-03"),  # Arabic-Indic digits are digits too
    ],
)
def test_dates_of_birth_people_type(text: str, born: str) -> None:
    checked = check_date_of_birth(text, today=TODAY)
    assert checked.ok, checked.problem
    assert checked.value == d(born)


@pytest.mark.parametrize(
    "text, key_words",
    [
        ("", ["couldn't read", "3 March 1984"]),
        ("hello", ["couldn't read", "03/03/1984"]),
        ("I don't know", ["couldn't read"]),
        ("today", ["couldn't read"]),
        ("Monday", ["couldn't read"]),
        ("5", ["couldn't read"]),
        ("1/1/1", ["couldn't read"]),
        ("10:30", ["couldn't read"]),
        ("99999999999999999999999", ["couldn't read"]),
        ("31/02/1990", ["There is no 31 February 1990"]),
        ("31 February 1990", ["There is no 31 February 1990"]),
        ("31/04/84", ["There is no 31 April"]),
        ("29/02/1990", ["There is no 29 February 1990", "leap year"]),
        ("29/02/90", ["There is no 29 February 1990", "leap year"]),
        ("32/1/1990", ["no day 32"]),
        ("0/1/1990", ["no day 0"]),
        ("13/13/1990", ["no month 13", "day first"]),
        ("12/25/1984", ["no month 25", "day first"]),  # US order is not guessed at
        ("15/5/2026", ["in the future"]),
        ("1 January 2030", ["in the future"]),
        ("14/5/2026", ["today"]),
        ("14/05/26", ["today"]),
        ("1/1/1900", ["126 years old"]),
        ("14/05/1905", ["121 years old", "check the year"]),
        ("3/3/0084", ["years old"]),
        ("3 March", ["include the year", "3 March 1984"]),
        ("3/3", ["include the year"]),
        ("the 3rd of March", ["include the year"]),
        ("March", ["day and the year"]),
        ("March 1984", ["include the day"]),
        ("I was born in May 1990", ["include the day"]),
        ("March '84", ["include the day"]),
        ("1984", ["day and month"]),
        ("born in 1984", ["day and month"]),
        ("x" * 600, ["couldn't read"]),
    ],
)
def test_dates_of_birth_refused_with_the_reason(text: str, key_words: list[str]) -> None:
    assert_problem(check_date_of_birth(text, today=TODAY), *key_words)


def test_two_digit_years_never_resolve_to_a_guess_about_the_century() -> None:
    # 15 could be 2015 (aged 11, too young here) or 1915 (aged 111): ask rather than guess.
    assert_problem(
        check_date_of_birth("1/1/15", today=TODAY, min_age=16), "year in full", "1915", "2015"
    )
    # When only one century fits, that one is taken.
    assert check_date_of_birth("1/1/84", today=TODAY, min_age=16).value == d("1984-01-01")
    assert check_date_of_birth("1/1/15", today=TODAY).value == d("2015-01-01")
    # 1930 would be 96: too old when the limit is 90, and 2030 is in the future.
    assert_problem(check_date_of_birth("1/1/30", today=TODAY, max_age=90), "96 years old")


@pytest.mark.parametrize(
    "text, min_age, key_words",
    [
        ("1/1/2015", 16, ["11 years old", "at least 16"]),
        ("1/1/2025", 13, ["1 year old", "at least 13"]),
        ("1/1/2026", 13, ["less than a year old", "at least 13"]),
    ],
)
def test_too_young_for_the_form(text: str, min_age: int, key_words: list[str]) -> None:
    assert_problem(check_date_of_birth(text, today=TODAY, min_age=min_age), *key_words)


def test_age_limits_are_inclusive_and_birthdays_count_from_the_day() -> None:
    assert check_date_of_birth("14/05/2010", today=TODAY, min_age=16).ok  # 16 today
    assert_problem(check_date_of_birth("15/05/2010", today=TODAY, min_age=16), "15 years old")
    assert check_date_of_birth("15/05/1926", today=TODAY, max_age=99).ok  # 99 until tomorrow
    assert_problem(check_date_of_birth("14/05/1926", today=TODAY, max_age=99), "100 years old")


@pytest.mark.parametrize(
    "text, min_age, yours, theirs",
    [
        ("1/1/1900", 0, "That would make you 126", "That would make them 126"),
        ("1/1/2030", 0, "give your date of birth", "give their date of birth"),
        ("14/05/2026", 0, "give your date of birth", "give their date of birth"),
        ("1/1/2015", 16, "you need to be at least 16", "they need to be at least 16"),
        ("1/1/1880", 0, "make you 146", "make them 146"),
    ],
)
def test_reasons_speak_of_whoever_the_date_of_birth_belongs_to(
    text: str, min_age: int, yours: str, theirs: str
) -> None:
    assert_problem(check_date_of_birth(text, today=TODAY, min_age=min_age), yours)
    checked = check_date_of_birth(text, today=TODAY, min_age=min_age, them=True)
    assert_problem(checked, theirs)
    assert " you" not in checked.problem and "your" not in checked.problem


def test_two_digit_years_are_worded_for_them_too() -> None:
    assert_problem(
        check_date_of_birth("1/1/30", today=TODAY, max_age=90, them=True), "make them 96")


def test_a_29_february_birthday_turns_a_year_older_on_1_march() -> None:
    born = "29/02/2008"
    assert_problem(check_date_of_birth(born, today=d("2026-02-28"), min_age=18), "17 years old")
    assert check_date_of_birth(born, today=d("2026-03-01"), min_age=18).ok


def test_today_defaults_to_the_real_date() -> None:
    thirty_years_ago = date.today() - timedelta(days=30 * 365)
    assert check_date_of_birth(f"{thirty_years_ago:%d/%m/%Y}").value == thirty_years_ago
    tomorrow = date.today() + timedelta(days=1)
    assert_problem(check_date_of_birth(f"{tomorrow:%d/%m/%Y}"), "future")


def test_today_must_be_a_date_not_a_datetime() -> None:
    with pytest.raises(TypeError):
        check_date_of_birth("3/3/1984", today=datetime(2026, 5, 14, 23, 30))


@pytest.mark.parametrize("min_age, max_age", [(-1, 120), (30, 20)])
def test_impossible_age_limits_are_a_programming_error(min_age: int, max_age: int) -> None:
    with pytest.raises(ValueError):
        check_date_of_birth("3/3/1984", today=TODAY, min_age=min_age, max_age=max_age)


# Everyone from born yesterday to 120 years old (121 tomorrow).
plausible_births = st.dates(min_value=d("1905-05-15"), max_value=d("2026-05-13"))


@given(plausible_births)
def test_any_plausible_date_round_trips_in_numeric_form(born: date) -> None:
    assert check_date_of_birth(f"{born:%d/%m/%Y}", today=TODAY).value == born
    assert check_date_of_birth(f"{born.day}/{born.month}/{born.year}", today=TODAY).value == born
    assert check_date_of_birth(born.isoformat(), today=TODAY).value == born


@given(plausible_births)
def test_any_plausible_date_round_trips_with_the_month_written(born: date) -> None:
    assert check_date_of_birth(f"{born.day} {born:%B %Y}", today=TODAY).value == born
    assert check_date_of_birth(f"{born:%B} {born.day}, {born.year}", today=TODAY).value == born


@given(plausible_births)
def test_two_digit_years_resolve_to_the_most_recent_past_date(born: date) -> None:
    checked = check_date_of_birth(f"{born:%d.%m.%y}", today=TODAY)
    try:
        a_century_later = born.replace(year=born.year + 100)
    except ValueError:  # 29 February 2000: 2100 is not a leap year
        a_century_later = None
    if a_century_later is None or a_century_later > TODAY:
        assert checked.value == born  # unambiguous
    elif a_century_later == TODAY:
        assert_problem(checked, "today")
    else:
        assert checked.value == a_century_later
