"""Complaints in the case store (SQLite and PostgreSQL), the handoff's request outcome, and
the pure logic of carrying on with a request and of staff finishing it."""
from __future__ import annotations

import pytest

from bot.cases.complaints import (
    IN_PROGRESS,
    NEW,
    RESOLVED,
    ComplaintStore,
    InvalidComplaintChange,
    NoSuchComplaint,
)
from bot.chat.handoffs import REQUEST_LOGGED, HandoffNotOpen, HandoffStore
from bot.conversation.resume import carry_on_message, has_answers, pending_question
from bot.staff.render.request_so_far import answer_for_resident, request_so_far

ANSWERS = {"request_type": "request_access", "subject": "self", "full_name": "Ann Example",
           "previous_names": "none", "date_of_birth": "1984-03-02",
           "address": "12 High Street, Chester", "postcode": "CH1 1AA"}


def test_a_complaint_is_worked_from_new_to_resolved_with_its_history(migrated_url):
    store = ComplaintStore.from_url(migrated_url)
    complaint = store.record("conv-1", "  You sent my records to the wrong address  ")
    assert complaint.status == NEW and complaint.text == "You sent my records to the wrong address"
    store.change(complaint.id, IN_PROGRESS, "sam", "Called the resident")
    with pytest.raises(InvalidComplaintChange, match="how the complaint was resolved"):
        store.change(complaint.id, RESOLVED, "sam")
    with pytest.raises(InvalidComplaintChange):
        store.change(complaint.id, "closed", "sam", "x")
    with pytest.raises(InvalidComplaintChange, match="Nothing changed"):
        store.change(complaint.id, IN_PROGRESS, "sam")
    done = store.change(complaint.id, RESOLVED, "ada", "Apologised; records recovered")
    assert done.status == RESOLVED
    assert [(h.actor, h.status, h.note) for h in done.history] == [
        ("assistant", NEW, None), ("sam", IN_PROGRESS, "Called the resident"),
        ("ada", RESOLVED, "Apologised; records recovered")]
    assert store.open_count() == 0
    with pytest.raises(NoSuchComplaint):
        store.change(complaint.id + 99, NEW, "sam", "x")


def test_open_complaints_are_listed_and_counted(migrated_url):
    store = ComplaintStore.from_url(migrated_url)
    first = store.record("conv-1", "one")
    store.record("conv-2", "two")
    store.change(first.id, RESOLVED, "sam", "sorted")
    assert [c.text for c in store.listing(open_only=True)] == ["two"]
    assert store.open_count() == 1 and len(store.listing()) == 2


def test_the_handoff_keeps_what_staff_did_with_the_request(migrated_url):
    store = HandoffStore.from_url(migrated_url)
    handoff = store.request("conv-1", "asked for a person")
    with pytest.raises(HandoffNotOpen):  # only while someone has the chat
        store.record_request_outcome(handoff.id, REQUEST_LOGGED, "DPA-7KQ4-M2XP")
    store.claim(handoff.id, "sam")
    assert store.waiting_count() == 0
    store.record_request_outcome(handoff.id, REQUEST_LOGGED, "DPA-7KQ4-M2XP")
    store.end("conv-1", returned=True)
    latest = store.latest("conv-1")
    assert latest is not None and latest.request_outcome == REQUEST_LOGGED
    assert latest.request_reference == "DPA-7KQ4-M2XP"
    with pytest.raises(ValueError):
        store.record_request_outcome(handoff.id, "lost")


def test_the_pending_question_is_the_next_the_form_would_ask():
    assert pending_question("request_access", ANSWERS) == "email"
    assert pending_question("request_access", {**ANSWERS, "subject": "other"}) == "relationship"
    assert pending_question(None, ANSWERS) is None
    assert has_answers(ANSWERS) and not has_answers({"request_type": "request_access"})
    assert carry_on_message("a copy", "email").endswith("We were at: your email address.")


def test_staff_see_the_request_so_far_in_words():
    so_far = request_so_far(ANSWERS)
    assert so_far is not None
    assert so_far.request.startswith("Subject access")
    words = {a.label: a.value for a in so_far.answers}
    assert words["Date of birth"] == "Fri 2 Mar 1984"
    assert words["Who the request is about"] == "The resident"
    assert words["Previous names"] == "None"
    assert so_far.pending == "Email"
    assert [q.slot for q in so_far.questions][:2] == ["email", "phone"]
    formats = dict(next(q for q in so_far.questions if q.slot == "response_format").choices)
    assert formats["electronic"] == "Electronic copy (usually PDF)"
    assert request_so_far({"request_type": None}) is None


def test_staff_answers_are_checked_as_the_chat_checks_them():
    typed = {"email": "ann@example", "phone": "skip", "previous_addresses": "none",
             "access_what": "housing records", "access_period": "all",
             "response_format": "electronic", "id_document": "passport",
             "address_document": "council_tax_bill"}
    answers, problems = answer_for_resident(ANSWERS, typed)
    assert set(problems) == {"email", "phone"}  # a bad email; no contact left without it
    assert "email" in problems["email"].lower()
    answers, problems = answer_for_resident(ANSWERS, {**typed, "email": "Ann@Example.org"})
    assert problems == {}
    assert answers["email"] == "Ann@example.org" or answers["email"].lower() == "ann@example.org"
    assert answers["phone"] == "none" and answers["address_document"] == "council_tax_bill"


def test_an_answer_that_brings_new_questions_asks_for_them_too():
    slots = {"request_type": "request_erasure"}
    _, problems = answer_for_resident(slots, {"subject": "for my mum"})
    assert "authority" in problems and "subject_name" in problems
    assert "relationship" not in problems  # "my mum" answered it
