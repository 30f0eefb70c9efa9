"""Email addresses (bot.conversation.validation.email)."""
from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.conversation.validation.email import check_email, extract_email
from tests.validation.support import assert_problem


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
