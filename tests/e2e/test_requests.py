"""Complete requests through the REST channel with the real model and action server, then
find the case in the database with the statutory deadline."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.cases.repository import CaseRepository
from bot.conversation.wording import long_date
from bot.rules.deadlines import due_date, received_on
from tests.e2e.chat import Chat

pytestmark = pytest.mark.e2e


def _today():
    return received_on(datetime.now(timezone.utc))


def test_access_request_is_logged_and_waits_for_id(stack, stack_settings):
    chat = Chat(stack_settings.rasa_url, "e2e-access-request")
    opening = chat.say("I'd like a copy of all the records the council has about me")
    assert "copy" in opening.lower()
    assert "about you, or are you asking for someone else" in opening
    chat.say("myself")
    chat.say("Jane Smith")
    chat.say("none")
    reply = chat.say("31/02/1984")  # no such date: re-asked with the reason
    assert "february" in reply.lower() and "date of birth" in reply.lower()
    chat.say("3rd March 1984")
    email_question = chat.say("12 High Street, Chester CH1 2NP")  # postcode taken from it
    assert "email" in email_question.lower()
    chat.say("jane.smith@example.com")
    chat.say("skip")
    chat.say("none")
    chat.say("all my council tax and housing records")
    chat.say("2015 to 2019")
    chat.say("paper")
    chat.say("passport")
    summary = chat.say("bank statement")
    assert "Jane Smith" in summary and "3 March 1984" in summary and "CH1 2NP" in summary
    assert [b["payload"] for b in chat.buttons()] == ["/affirm", "/deny"]
    logged = chat.say("/affirm")
    assert "DPA-" in logged

    cases = CaseRepository.from_url(stack_settings.database_url).list_cases(
        conversation_id="e2e-access-request"
    )
    assert len(cases) == 1
    case = cases[0]
    assert case.reference in logged
    assert case.request_type == "request_access"
    assert case.status == "awaiting_id" and case.due_on is None
    assert case.full_name == "Jane Smith" and case.postcode == "CH1 2NP"
    assert case.date_of_birth.isoformat() == "1984-03-03"
    assert long_date(due_date(_today(), stack_settings.council_nation)) in logged


def test_marketing_objection_starts_the_clock_at_once(stack, stack_settings):
    chat = Chat(stack_settings.rasa_url, "e2e-marketing")
    chat.say("stop sending me marketing emails")
    chat.say("myself")
    chat.say("Tom Jones")
    chat.say("none")
    chat.say("14/07/1990")
    chat.say("4 Civic Way, Ellesmere Port CH65 0BE")
    chat.say("tom@example.org")
    chat.say("07700 900123")
    chat.say("emails and texts")
    logged = chat.say("/affirm")
    case = CaseRepository.from_url(stack_settings.database_url).list_cases(
        conversation_id="e2e-marketing"
    )[0]
    expected = due_date(_today(), stack_settings.council_nation)
    assert case.status == "clock_running"
    assert case.due_on == expected
    assert long_date(expected) in logged


def test_cancel_mid_form_logs_nothing(stack, stack_settings):
    chat = Chat(stack_settings.rasa_url, "e2e-cancel")
    chat.say("please delete all the information you hold about me")
    chat.say("myself")
    confirm = chat.say("cancel")
    assert "stop this request" in confirm.lower()
    done = chat.say("/affirm")
    assert "saved nothing" in done.lower()
    assert CaseRepository.from_url(stack_settings.database_url).list_cases(
        conversation_id="e2e-cancel"
    ) == []


def test_deadline_question_gives_real_dates(stack, stack_settings):
    chat = Chat(stack_settings.rasa_url, "e2e-deadline")
    reply = chat.say("how long do you have to respond to a subject access request?")
    today = _today()
    assert long_date(due_date(today, stack_settings.council_nation)) in reply
