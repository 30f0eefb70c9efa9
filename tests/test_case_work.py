"""Working cases in the store: search by any detail a resident gives on the phone,
assignment (with who had it before) and workload per officer. SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date

import pytest

from bot.cases.repository import CaseRepository
from tests.fixtures.databases import FakeClock
from tests.test_case_repository import make_case


@pytest.fixture
def two_cases(repo: CaseRepository) -> tuple[str, str]:
    ada = make_case(repo, full_name="Ada Lovelace", email="Ada@Example.org",
                    postcode="nt1 1aa", phone="01632 960001", date_of_birth=date(1985, 12, 10),
                    address="1 Analytical Row, Northtown", previous_names="Ada Byron")
    alan = make_case(repo, full_name="Alan Turing", email="alan@example.net",
                     postcode="SW1A 2AA", phone="+44 7700 900123",
                     date_of_birth=date(1954, 6, 7), address="2 Bletchley Lane, Southtown")
    return ada.reference, alan.reference


@pytest.mark.parametrize("search, who", [
    ("ada@example.org", "ada"),        # email, any case
    ("ALAN@EXAMPLE.NET", "alan"),
    ("NT11AA", "ada"),                 # postcode without its space
    ("nt1 1aa", "ada"),
    ("sw1a2aa", "alan"),
    ("01632960001", "ada"),            # phone, any spacing
    ("01632 960 001", "ada"),
    ("07700 900123", "alan"),          # stored as +44 7700 900123
    ("+447700900123", "alan"),
    ("10/12/1985", "ada"),             # date of birth as typed
    ("10 December 1985", "ada"),
    ("7th June 1954", "alan"),
    ("analytical row", "ada"),         # address
    ("Byron", "ada"),                  # previous name
    ("turing", "alan"),                # name, as before
])
def test_search_finds_a_case_by_any_detail(
    repo: CaseRepository, two_cases: tuple[str, str], search: str, who: str
) -> None:
    ada, alan = two_cases
    found = [c.reference for c in repo.list_cases(search=search)]
    assert found == [ada if who == "ada" else alan]


def test_search_does_not_match_unrelated_numbers(
    repo: CaseRepository, two_cases: tuple[str, str]
) -> None:
    assert repo.list_cases(search="11/11/1911") == []
    assert repo.list_cases(search="999999") == []


def test_assignment_is_on_the_timeline_and_filters_my_cases(
    repo: CaseRepository, clock: FakeClock, two_cases: tuple[str, str]
) -> None:
    ada, alan = two_cases
    repo.assign(ada, "sam", actor="ada_admin")
    repo.assign(ada, "sam", actor="ada_admin")  # no change: nothing recorded
    repo.assign(ada, "kim", actor="sam")
    repo.assign(alan, "sam", actor="sam")
    events = [e for e in repo.get_case(ada).events if e.kind == "assigned"]
    assert [(e.actor, e.data) for e in events] == [
        ("ada_admin", {"from": None, "to": "sam"}), ("sam", {"from": "sam", "to": "kim"})]
    assert [c.reference for c in repo.list_cases(assigned_to="sam")] == [alan]
    assert repo.get_case(ada).assigned_to == "kim"
    repo.assign(ada, None, actor="kim")
    assert repo.get_case(ada).assigned_to is None


def test_workload_counts_open_cases_per_officer(
    repo: CaseRepository, clock: FakeClock, two_cases: tuple[str, str]
) -> None:
    ada, alan = two_cases
    third = make_case(repo, full_name="Grace Hopper").reference
    for reference in (ada, alan, third):
        repo.assign(reference, "sam", actor="sam")
    clock.set_today(date(2026, 3, 5))
    repo.record_event(third, "withdrawn", date(2026, 3, 4), "sam")
    unassigned = make_case(repo, full_name="Mary Somerville")
    assert unassigned.assigned_to is None
    assert repo.workload() == [("sam", 2), (None, 1)]


def test_staff_read_the_form_answers_in_the_third_person() -> None:
    """The request-so-far panel and the case page label answers for staff, not as the form
    asks the resident ("Your full name")."""
    from bot.cases.labels import answer_label
    from bot.conversation.request_form import FIELD_LABELS

    assert answer_label("full_name") == "Name"
    for slot in FIELD_LABELS:
        words = answer_label(slot).lower().replace("'", " ").split()
        assert not {"your", "you", "you ll", "you d"} & set(words), (slot, answer_label(slot))
