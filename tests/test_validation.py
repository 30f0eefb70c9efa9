"""Reading residents' answers to the request form (bot.conversation.validation).

What residents really type, in the chat box: extra words, any case, odd spacing, UK day-first
dates, and mistakes. Valid answers must come out normalised; invalid ones must come back with
a reason that names the problem (checked by its key words), never an exception.
Pure Python: no Rasa, no database, no clock reads (``today`` is fixed).
"""
from __future__ import annotations

import string
import subprocess
import sys
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.conversation.validation import (
    Checked,
    check_case_reference,
    check_date_of_birth,
    check_email,
    check_full_name,
    check_uk_phone,
    check_uk_postcode,
    extract_email,
    extract_uk_phone,
    extract_uk_postcode,
    is_skip_answer,
)

TODAY = date(2026, 5, 14)


def d(text: str) -> date:
    return date.fromisoformat(text)


def assert_problem(checked: Checked, *key_words: str) -> None:
    """Refused, with a reason that mentions each of ``key_words`` (case-insensitive)."""
    assert not checked.ok, f"expected a problem, got {checked.value!r}"
    assert checked.value is None
    for word in key_words:
        assert word.lower() in checked.problem.lower(), (word, checked.problem)


# --- Checked ----------------------------------------------------------------------------------


def test_checked_is_either_a_value_or_a_problem() -> None:
    assert Checked.good("x").ok and Checked.good("x").problem is None
    assert not Checked.bad("why").ok and Checked.bad("why").value is None
    with pytest.raises(ValueError):
        Checked(value=None, problem=None)
    with pytest.raises(ValueError):
        Checked(value="x", problem="why")


def test_the_module_imports_neither_rasa_nor_the_case_store() -> None:
    code = (
        "import sys, bot.conversation.validation; "
        "bad = {m.split('.')[0] for m in sys.modules} & {'rasa', 'rasa_sdk', 'sqlalchemy'}; "
        "print(*bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# --- Dates of birth ---------------------------------------------------------------------------


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


# --- Email addresses --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, email",
    [
        ("jane@example.com", "jane@example.com"),
        ("  Jane.Smith@Example.COM ", "Jane.Smith@example.com"),  # only the domain is lowered
        ("my email is jane@example.com", "jane@example.com"),
        ("My email address is: jane@example.co.uk.", "jane@example.co.uk"),
        ("it's jane@example.com", "jane@example.com"),
        ("contact me at jane@example.com please", "jane@example.com"),
        ("jane@example.com thanks", "jane@example.com"),
        ("<jane@example.com>", "jane@example.com"),
        ("mailto:jane@example.com", "jane@example.com"),
        ("jane+council@mail.example.org", "jane+council@mail.example.org"),
        ("o'neill@example.ie", "o'neill@example.ie"),
        ("j_smith-99@sub.domain.gov.uk", "j_smith-99@sub.domain.gov.uk"),
        ("jane@xn--bcher-kva.de", "jane@xn--bcher-kva.de"),
        ("jane\uff20example.com", "jane@example.com"),  # a full-width @ from a phone keyboard
    ],
)
def test_email_addresses_accepted_and_tidied(text: str, email: str) -> None:
    checked = check_email(text)
    assert checked.ok, checked.problem
    assert checked.value == email


@pytest.mark.parametrize(
    "text, key_words",
    [
        ("", ["type your email"]),
        ("jane.example.com", ["missing the @"]),
        ("my email is jane.example.com", ["missing the @"]),
        ("@example.com", ["missing the part before the @"]),
        ("jane@", ["missing the part after the @"]),
        ("jane smith@example.com", ["space"]),
        ("jane@example .com", ["space"]),
        ("jane@example. com", ["space"]),
        ("jane @example.com", ["space"]),
        ("jane@ example.com", ["space"]),
        ("jane@example com", ["space"]),
        ("jane@@example.com", ["more than one @"]),
        ("jane@a@example.com", ["more than one @"]),
        ("jane@example", ["missing its ending", ".com"]),
        ("jane@localhost", ["missing its ending"]),
        ("jane@example.c", ["ending", ".c"]),
        ("jane@example.c0m", ["ending"]),
        ("jane..smith@example.com", ["two dots in a row"]),
        ("jane@example..com", ["two dots in a row"]),
        (".jane@example.com", ["before the @", "dot"]),
        ("jane.@example.com", ["before the @", "dot"]),
        ("jane@.example.com", ["after the @", "dot"]),
        ("jane@-example.com", ["after the @"]),
        ("jane@example,com", ["can't have", ","]),
        ("jané@example.com", ["can't have", "é"]),
        ("jane@a.com or jane@b.com", ["just one"]),
        ("x" * 65 + "@example.com", ["too long"]),
        ("jane@" + "a" * 250 + ".com", ["too long"]),
        ("jane@" + "a" * 64 + ".com", ["after the @"]),
    ],
)
def test_email_addresses_refused_with_the_reason(text: str, key_words: list[str]) -> None:
    assert_problem(check_email(text), *key_words)


@pytest.mark.parametrize(
    "text, email",
    [
        ("Hi, it's Jane (jane@example.com) - my old one was j@x", "jane@example.com"),
        ("write to JANE@EXAMPLE.COM.", "JANE@example.com"),
        ("broken j@x then good@example.org", "good@example.org"),
        ("no address here", None),
        ("jane@example", None),
    ],
)
def test_extract_email_from_a_longer_message(text: str, email: str | None) -> None:
    assert extract_email(text) == email


_word = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=8)
_local_part = st.lists(_word, min_size=1, max_size=3).map(".".join)
_domain = st.tuples(
    st.lists(_word, min_size=1, max_size=3).map(".".join),
    st.text(alphabet=string.ascii_letters, min_size=2, max_size=6),
).map(".".join)


@given(_local_part, st.sampled_from(["", "+council", "_1", "-x"]), _domain)
def test_email_normalisation_is_idempotent(local: str, tag: str, domain: str) -> None:
    local += tag
    checked = check_email(f" {local}@{domain} ")
    assert checked.value == f"{local}@{domain.lower()}"
    assert check_email(checked.value).value == checked.value


# --- UK postcodes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, postcode",
    [
        ("ch12np", "CH1 2NP"),
        ("CH1 2NP", "CH1 2NP"),
        ("  ch1   2np ", "CH1 2NP"),
        ("12 High St, Chester CH1 2NP", "CH1 2NP"),
        ("my postcode is ch4 7ab thanks", "CH4 7AB"),
        ("M1 1AE", "M1 1AE"),  # A9
        ("B33 8TH", "B33 8TH"),  # A99
        ("CR2 6XH", "CR2 6XH"),  # AA9
        ("DN55 1PT", "DN55 1PT"),  # AA99
        ("W1A 0AX", "W1A 0AX"),  # A9A
        ("EC1A 1BB", "EC1A 1BB"),  # AA9A
        ("sw1a1aa", "SW1A 1AA"),
        ("GIR 0AA", "GIR 0AA"),
        ("gir0aa", "GIR 0AA"),
        ("CH1 2NP, CH1 2NP", "CH1 2NP"),  # the same one twice is still one
    ],
)
def test_uk_postcodes_accepted_and_normalised(text: str, postcode: str) -> None:
    checked = check_uk_postcode(text)
    assert checked.ok, checked.problem
    assert checked.value == postcode


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "12345",
        "CH1",  # the outward code only
        "2NP",
        "CH1 2N",
        "CH1 2NPX",
        "CHX1 2NP",
        "CH123 2NP",
        "QH1 2NP",  # Q never starts a postcode
        "CI1 2NP",  # I is never second
        "CH1 2NO",  # O is never in the inward code (a zero typed as a letter?)
        "CH1 2CP",
        "W1I 0AX",  # I is not a third-position letter
        "EC1C 1BB",  # C is not a fourth-position letter
        "75008 Paris",
        "SW1A-1AA",
        "CH١ 2NP",  # only 0-9 are postcode digits
    ],
)
def test_not_uk_postcodes(text: str) -> None:
    assert_problem(check_uk_postcode(text), "doesn't look like a UK postcode", "CH1 2NP")


def test_two_different_postcodes_is_a_question() -> None:
    assert_problem(check_uk_postcode("CH1 2NP or SW1A 1AA"), "more than one postcode")


@pytest.mark.parametrize(
    "text, postcode",
    [
        ("Flat 2, 12 High St, Chester, ch1 2np", "CH1 2NP"),
        ("I moved from SW1A 1AA to CH1 2NP", "SW1A 1AA"),
        ("12 High Street, Chester", None),
        ("", None),
    ],
)
def test_extract_uk_postcode(text: str, postcode: str | None) -> None:
    assert extract_uk_postcode(text) == postcode


# The official letters for each position, spelt out here independently of the module.
_digit = st.sampled_from("0123456789")
_first = st.sampled_from("ABCDEFGHIJKLMNOPRSTUWYZ")
_second = st.sampled_from("ABCDEFGHKLMNOPQRSTUVWXY")
_outward = st.one_of(
    st.tuples(_first, _digit),
    st.tuples(_first, _digit, _digit),
    st.tuples(_first, _second, _digit),
    st.tuples(_first, _second, _digit, _digit),
    st.tuples(_first, _digit, st.sampled_from("ABCDEFGHJKPSTUW")),
    st.tuples(_first, _second, _digit, st.sampled_from("ABEHMNPRVWXY")),
).map("".join)
_inward = st.tuples(_digit, *[st.sampled_from("ABDEFGHJLNPQRSTUWXYZ")] * 2).map("".join)


@given(_outward, _inward, st.sampled_from(["", " ", "  "]), st.booleans())
def test_any_valid_postcode_normalises_idempotently(
    outward: str, inward: str, space: str, lower: bool
) -> None:
    canonical = f"{outward} {inward}"
    typed = f"{outward}{space}{inward}"
    typed = typed.lower() if lower else typed
    assert check_uk_postcode(typed).value == canonical
    assert check_uk_postcode(canonical).value == canonical
    assert check_uk_postcode(f"12 High St, Chester {typed}").value == canonical
    assert extract_uk_postcode(f"It's {typed}, thanks") == canonical


# --- UK phone numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, phone",
    [
        ("07700 900123", "07700 900123"),
        ("07700900123", "07700 900123"),
        ("0770 0900 123", "07700 900123"),
        ("+44 7700 900123", "07700 900123"),
        ("+447700900123", "07700 900123"),
        ("+44 (0)7700 900123", "07700 900123"),
        ("+44 (0) 7700-900-123", "07700 900123"),
        ("+44 07700 900123", "07700 900123"),
        ("0044 7700 900123", "07700 900123"),
        ("447700900123", "07700 900123"),
        ("(0)7700 900123", "07700 900123"),
        ("01244 977100", "01244 977100"),
        ("(01244) 977100", "01244 977100"),
        ("01244-977-100", "01244 977100"),
        ("01244.977.100", "01244 977100"),
        ("+44 1244 977100", "01244 977100"),
        ("020 7946 0018", "020 7946 0018"),
        ("02079460018", "020 7946 0018"),
        ("0113 496 0000", "0113 496 0000"),
        ("0121 496 0018", "0121 496 0018"),
        ("015394 12345", "015394 12345"),  # a six-digit area code (Hawkshead)
        ("0169773456", "016977 3456"),  # ten digits (Brampton)
        ("0300 123 4567", "0300 123 4567"),
        ("0800 123456", "0800 123456"),
        ("0808 157 0000", "0808 157 0000"),
        ("my number is 07700 900123", "07700 900123"),
        ("call me on 01244 977100 after 5", "01244 977100"),
        ("01244 977100 ext 23", "01244 977100"),
    ],
)
def test_uk_phone_numbers_accepted_and_formatted(text: str, phone: str) -> None:
    checked = check_uk_phone(text)
    assert checked.ok, checked.problem
    assert checked.value == phone


@pytest.mark.parametrize(
    "text, key_words",
    [
        ("", ["doesn't look like a phone number"]),
        ("hello", ["doesn't look like a phone number", "07700 900123"]),
        ("0770O 900123", ["letter in it"]),
        ("my number is 07700 90012", ["mobile", "11 digits"]),
        ("01244 9771", ["too short", "10 or 11 digits"]),
        ("077009001234", ["too long", "10 or 11 digits"]),
        ("07700 90012", ["mobile", "11 digits"]),
        ("020 7946 001", ["02", "11 digits"]),
        ("0845 123 456", ["08", "11 digits"]),
        ("+33 1 23 45 67 89", ["outside the UK", "+44"]),
        ("0033 1 23 45 67 89", ["outside the UK"]),
        ("+1 212 555 0100", ["outside the UK"]),
        ("7700900123", ["0 at the start"]),
        ("0400 123 4567", ["don't start with 04"]),
        ("0609 123 4567", ["don't start with 06"]),
        ("0909 123 4567", ["premium-rate"]),
        ("07700 900123 or 01244 977100", ["just one"]),
    ],
)
def test_uk_phone_numbers_refused_with_the_reason(text: str, key_words: list[str]) -> None:
    assert_problem(check_uk_phone(text), *key_words)


@pytest.mark.parametrize(
    "text, phone",
    [
        ("call me on +44 (0) 1244 977100 after 5pm", "01244 977100"),
        ("ref 123, mobile 07700 900123", "07700 900123"),
        ("٠٧٧٠٠ ٩٠٠١٢٣", None),  # only 0-9 are dialled
        ("no number here", None),
        ("0909 123 4567", None),
    ],
)
def test_extract_uk_phone(text: str, phone: str | None) -> None:
    assert extract_uk_phone(text) == phone


@given(
    st.tuples(
        st.sampled_from("12345789"), st.text(alphabet=string.digits, min_size=8, max_size=8)
    ).map(lambda parts: "7" + "".join(parts)),
    st.sampled_from(["0{a} {b}", "+44 {a} {b}", "+44 (0){a} {b}", "0044-{a}-{b}", "(0{a}) {b}"]),
)
def test_any_mobile_in_any_usual_form_normalises_idempotently(digits: str, form: str) -> None:
    canonical = f"0{digits[:4]} {digits[4:]}"
    typed = form.format(a=digits[:4], b=digits[4:])
    assert check_uk_phone(typed).value == canonical
    assert check_uk_phone(canonical).value == canonical


# --- Names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, name",
    [
        ("Jane Smith", "Jane Smith"),
        ("jane smith", "Jane Smith"),  # all lower: title-cased
        ("JANE SMITH", "Jane Smith"),  # all capitals: title-cased
        ("  jane   smith  ", "Jane Smith"),
        ("mary-jane o'neill", "Mary-Jane O'Neill"),
        ("Ronan McDonald", "Ronan McDonald"),  # mixed case is the resident's own spelling
        ("Aisha al-Rashid", "Aisha al-Rashid"),
        ("Ludwig van Beethoven", "Ludwig van Beethoven"),
        ("Siobhán O’Neill", "Siobhán O'Neill"),  # a phone's curly apostrophe
        ("josé álvarez", "José Álvarez"),
        ("Дмитрий Иванов", "Дмитрий Иванов"),
        ("प्रिया शर्मा", "प्रिया शर्मा"),
        ("J. R. R. Tolkien", "J. R. R. Tolkien"),  # initials keep their full stops
        ("Jane S.", "Jane S."),
        ("my name is jane smith", "Jane Smith"),
        ("My full name is Jane Smith.", "Jane Smith"),
        ("It's Jane Smith", "Jane Smith"),
        ("I'm Jane O'Neill", "Jane O'Neill"),
        ("Hi, I'm Jane Smith!", "Jane Smith"),
        ("hello my name is jane smith", "Jane Smith"),
        ("Yes, Jane Smith", "Jane Smith"),
        ("name: Jane Smith", "Jane Smith"),
        ("Name:Jane Smith", "Jane Smith"),
        ("Im Yoon-ah", "Im Yoon-ah"),  # a surname, not "I'm"
        ("A" + "b" * 48 + " " + "C" + "d" * 49, "A" + "b" * 48 + " " + "C" + "d" * 49),  # 100
    ],
)
def test_full_names_accepted(text: str, name: str) -> None:
    checked = check_full_name(text)
    assert checked.ok, checked.problem
    assert checked.value == name


@pytest.mark.parametrize(
    "text, key_words",
    [
        ("", ["type your name"]),
        ("my name is", ["type your name"]),
        ("j", ["letters"]),
        ("!!", ["type your name"]),
        ("'-", ["letters"]),
        ("12345", ["numbers"]),
        ("Jane Sm1th", ["numbers"]),
        ("Jane @ Smith", ["only letters, spaces, hyphens and apostrophes"]),
        ("Jane_Smith", ["only letters"]),
        ("Jane - Smith", ["start and end with a letter"]),
        ("-Jane Smith", ["start and end with a letter"]),
        ("Jane Smith-", ["start and end with a letter"]),
        ("Jane", ["full name", "first name and surname"]),
        ("A" + "b" * 50 + " " + "C" + "d" * 50, ["too long", "100"]),
    ],
)
def test_full_names_refused_with_the_reason(text: str, key_words: list[str]) -> None:
    assert_problem(check_full_name(text), *key_words)


def test_a_single_name_only_when_the_caller_allows_it() -> None:
    assert check_full_name("Madonna", require_surname=False).value == "Madonna"
    assert check_full_name("it's cher", require_surname=False).value == "Cher"
    assert_problem(check_full_name("j", require_surname=False), "letters")


# --- Case references --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "DPA-7KQ4-M2XP",
        "dpa-7kq4-m2xp",
        "dpa 7kq4 m2xp",
        "DPA7KQ4M2XP",
        "DPA--7KQ4--M2XP",
        "DPA 7KQ-4M2XP",
        "dpa.7kq4.m2xp",
        "DPA_7KQ4_M2XP",
        "my reference is dpa-7kq4-m2xp, thanks",
        "It's DPA 7KQ4M2XP.",
        "my DPA requests ref is DPA-7KQ4-M2XP",
        "7KQ4-M2XP",  # the DPA left off, when the answer is only the reference
        "7kq4m2xp",
    ],
)
def test_case_references_accepted_and_normalised(text: str) -> None:
    checked = check_case_reference(text)
    assert checked.ok, checked.problem
    assert checked.value == "DPA-7KQ4-M2XP"


@pytest.mark.parametrize(
    "text, key_words",
    [
        ("", ["look like DPA-7KQ4-M2XP"]),
        ("hello", ["look like DPA-7KQ4-M2XP"]),
        ("SKIP THAT", ["look like"]),  # eight letters, but no digit and no DPA
        ("ABCD-EFGH", ["look like"]),
        ("DPA-7KQ4-M2X", ["DPA and then eight"]),
        ("DPA-7KQ4-M2XPQ", ["DPA and then eight"]),
        ("DPA-0KQ4-M2XP", ["no O, I, 0 or 1"]),
        ("DPA-OKQ4-M2XP", ["no O, I, 0 or 1"]),
        ("dpa-1kq4-m2xp", ["no O, I, 0 or 1"]),
        ("DPA-IKQ4-M2XP", ["no O, I, 0 or 1"]),
        ("DPA-7KQ4-M2XP and DPA-ABCD-EFG2", ["just one"]),
    ],
)
def test_case_references_refused_with_the_reason(text: str, key_words: list[str]) -> None:
    assert_problem(check_case_reference(text), *key_words)


def test_case_references_agree_with_the_case_store() -> None:
    # Imported here: bot.cases pulls in SQLAlchemy, which bot.conversation.validation deliberately avoids.
    from bot.rules import references
    from bot.conversation import validation

    assert validation.REFERENCE_ALPHABET == references.ALPHABET
    assert validation.REFERENCE_PREFIX == references.PREFIX
    for _ in range(200):
        reference = references.new_reference()
        assert check_case_reference(reference).value == reference
        assert check_case_reference(reference.lower().replace("-", " ")).value == reference
        assert references.normalise_reference(check_case_reference(reference).value) == reference


_symbols = st.text(alphabet="23456789ABCDEFGHJKLMNPQRSTUVWXYZ", min_size=8, max_size=8)


@given(_symbols, st.sampled_from(["-", " ", "", "--", " - "]), st.booleans())
def test_any_reference_however_typed_normalises(symbols: str, sep: str, lower: bool) -> None:
    canonical = f"DPA-{symbols[:4]}-{symbols[4:]}"
    typed = f"DPA{sep}{symbols[:4]}{sep}{symbols[4:]}"
    typed = typed.lower() if lower else typed
    assert check_case_reference(typed).value == canonical
    assert check_case_reference(f"my reference is {typed} thanks").value == canonical
    assert check_case_reference(canonical).value == canonical


# --- Skipping a question ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "skip", "Skip", "skip it", "Skip this question", "pass",
        "none", "None.", "nothing", "nil", "n/a", "N/A", "n.a.", "na", "not applicable",
        "no", "No!", "nope", "no thanks", "no thank you",
        "no email", "No phone number", "no mobile", "no case reference",
        "I'd rather not say", "I’d rather not say", "rather not", "prefer not to say",
        "I would rather not answer",
        "don't have one", "I don't have one", "I dont have an email", "I do not have a phone",
        "No, I don't have one", "sorry, I don't have one", "haven't got one",
        "I haven't got a mobile", "don't know", "not sure", "no idea", "can't remember",
        "leave it blank", "-",
    ],
)
def test_skip_answers(text: str) -> None:
    assert is_skip_answer(text)


@pytest.mark.parametrize(
    "text",
    [
        "", "   ", "yes", "Nora", "Noel Smith", "Nonie", "no 12 high street",
        "None Street, Chester", "not sure which one", "jane@example.com", "07700 900123",
        "3 March 1984", "skipton", "I don't have one but my wife does: jane@example.com",
        "none " * 30,
    ],
)
def test_real_answers_are_not_skips(text: str) -> None:
    assert not is_skip_answer(text)


# --- Never an exception -----------------------------------------------------------------------

_CHECKS = [
    check_email, check_uk_postcode, check_uk_phone, check_full_name, check_case_reference,
]
_EXTRACTS = [extract_email, extract_uk_postcode, extract_uk_phone]

# Text made of the pieces the parsers look for, so the odd corners are reached, not just noise.
_date_like = st.lists(
    st.sampled_from(
        ["3", "3rd", "31", "29", "02", "13", "00", "0", "84", "1984", "2026", "99999", "march",
         "may", "feb", "of", "the", "sat", "/", "-", ".", "'", ",", "+44", "@", "dpa", "²", "٣"]
    ),
    max_size=8,
).map(" ".join)


@settings(max_examples=150)
@given(st.one_of(st.text(), _date_like), st.dates(), st.integers(0, 130))
def test_nothing_typed_makes_a_check_raise(text: str, today: date, min_age: int) -> None:
    results = [check(text) for check in _CHECKS]
    results.append(
        check_date_of_birth(text, today=today, min_age=min_age, max_age=max(min_age, 120))
    )
    for result in results:
        assert isinstance(result, Checked)
        assert result.ok == (result.problem is None) and (result.value is None) != result.ok
        assert result.ok or result.problem.strip()
    for extract in _EXTRACTS:
        found = extract(text)
        assert found is None or isinstance(found, str)
    assert isinstance(is_skip_answer(text), bool)


@pytest.mark.parametrize("value", [None, 42, ["jane@example.com"], b"CH1 2NP"])
def test_values_that_are_not_text_are_refused_not_raised(value: object) -> None:
    for check in [*_CHECKS, check_date_of_birth]:
        assert not check(value).ok  # type: ignore[arg-type]
    for extract in _EXTRACTS:
        assert extract(value) is None  # type: ignore[arg-type]
    assert is_skip_answer(value) is False  # type: ignore[arg-type]
