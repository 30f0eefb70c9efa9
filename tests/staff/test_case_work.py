"""Working cases in the console: plain words, assignment and "my cases", workload, proof of
identity and of address apart with who checked them, corrections with the old values kept,
and why the due date moved. A real app on a real SQLite database."""
from __future__ import annotations

import re
from datetime import date

from bot.cases.repository import CaseRepository
from tests.staff.conftest import Console
from tests.staff.test_cases import new_case, preview_then_save

CODES = ("request_access", "awaiting_id", "clock_running", "id_received", "passport",
         "council_tax_bill", "electronic", "Access what")


def visible_text(html: str) -> str:
    """The words on the page (no tags, attributes or option values)."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


async def test_the_case_page_shows_words_not_codes(signed_in: Console, cases: CaseRepository):
    case = new_case(cases, id_document="passport", address_document="council_tax_bill",
                    response_format="electronic", services="Housing benefit",
                    answers={"access_what": "Housing benefit", "access_period": "2020"},
                    period="2020", requires_address=True)
    text = visible_text(await signed_in.page(f"/staff/cases/{case.reference}"))
    for code in CODES:
        assert code not in text, code
    for words in ("Subject access (a copy of their information)", "Passport",
                  "Council tax bill (up to 1 year old)", "Electronic copy (usually PDF)",
                  "Awaiting proof of identity", "Information wanted"):
        assert words in text, words
    assert text.count("Housing benefit") == 1  # "Access what" no longer repeats it


async def test_proof_of_identity_and_of_address_are_recorded_apart(
    signed_in: Console, cases: CaseRepository
):
    case = new_case(cases, requires_address=True, id_document="passport")
    await preview_then_save(signed_in, case.reference, "id_received", "2026-11-20")
    after = cases.get_case(case.reference)
    assert after.status == "awaiting_address" and after.due_on is None
    html = await signed_in.page(f"/staff/cases/{case.reference}")
    assert "Received Fri 20 Nov 2026, checked by sam" in html
    assert "Record proof of address checked" in html
    await preview_then_save(signed_in, case.reference, "address_received", "2026-11-23")
    after = cases.get_case(case.reference)
    assert after.status == "clock_running" and after.clock_started_on == date(2026, 11, 23)
    html = await signed_in.page(f"/staff/cases/{case.reference}")
    assert "Received Mon 23 Nov 2026, checked by sam" in html


async def test_the_timeline_says_why_the_due_date_moved(signed_in: Console, cases):
    case = new_case(cases, requires_id=True)
    await preview_then_save(signed_in, case.reference, "id_received", "2026-11-23")
    html = await signed_in.page(f"/staff/cases/{case.reference}")
    assert "Due Wed 23 Dec 2026: one calendar month from Mon 23 Nov 2026" in html
    other = new_case(cases)
    await preview_then_save(signed_in, other.reference, "id_received", "2026-11-21")
    html = await signed_in.page(f"/staff/cases/{other.reference}")
    assert "Mon 21 Dec 2026" in html


async def test_a_weekend_and_bank_holidays_are_named(signed_in: Console, cases, clock):
    clock.advance(days=3)  # Thursday 26 November 2026 (the session has timed out)
    await signed_in.login("sam")
    case = new_case(cases, day=date(2026, 11, 26))
    await preview_then_save(signed_in, case.reference, "id_received", "2026-11-26")
    text = visible_text(await signed_in.page(f"/staff/cases/{case.reference}"))
    assert "Sat 26 Dec 2026 is a bank holiday (Boxing Day)" in text
    assert "Sun 27 Dec 2026 is a Sunday" in text
    assert "Mon 28 Dec 2026 is a bank holiday (Boxing Day (observed))" in text
    assert "so it moves to the next working day, Tue 29 Dec 2026" in text


async def test_assign_my_cases_and_workload(signed_in: Console, cases: CaseRepository):
    mine = new_case(cases, full_name="Grace Hopper")
    theirs = new_case(cases, full_name="Alan Turing")
    await signed_in.page(f"/staff/cases/{mine.reference}")
    response = await signed_in.post(f"/staff/cases/{mine.reference}/assign", {"assignee": "sam"})
    assert response.status == 303
    await signed_in.post(f"/staff/cases/{theirs.reference}/assign", {"assignee": "ada"})
    refused = await signed_in.post(f"/staff/cases/{theirs.reference}/assign",
                                   {"assignee": "tom"})  # a trainer works no cases
    assert refused.status == 400
    html = await signed_in.page("/staff/cases?assigned=mine")
    assert mine.reference in html and theirs.reference not in html
    dashboard = await signed_in.page("/staff")
    assert "Open cases per officer" in dashboard
    assert re.search(r">sam</a></th><td>1<", dashboard)
    await signed_in.post(f"/staff/cases/{mine.reference}/assign", {"assignee": "ada"})
    text = visible_text(await signed_in.page(f"/staff/cases/{mine.reference}"))
    assert "Assigned to ada (was: sam)" in text


async def test_correcting_details_keeps_the_old_values(signed_in: Console, cases):
    case = new_case(cases, phone="07700 900123", postcode="CH1 2NP",
                    date_of_birth=date(1984, 3, 3))
    page = await signed_in.page(f"/staff/cases/{case.reference}")
    assert 'value="3 March 1984"' in page
    response = await signed_in.post(f"/staff/cases/{case.reference}/details", {
        "full_name": "Ada Lovelace", "email": "ada.lovelace@example.org",
        "phone": "07700900124", "postcode": "ch12np", "date_of_birth": "04/03/1984",
        "reason": "The resident phoned to correct them"})
    assert response.status == 303, await response.text()
    after = cases.get_case(case.reference)
    assert after.email == "ada.lovelace@example.org" and after.phone == "07700 900124"
    assert after.date_of_birth == date(1984, 3, 4) and after.postcode == "CH1 2NP"
    text = visible_text(await signed_in.page(f"/staff/cases/{case.reference}"))
    assert "Email (was: ada@example.org)" in text and "Phone (was: 07700 900123)" in text
    assert "Postcode (was" not in text  # "ch12np" is the same postcode: nothing changed


async def test_a_bad_correction_is_refused_with_the_form_checks(signed_in: Console, cases):
    case = new_case(cases)
    await signed_in.page(f"/staff/cases/{case.reference}")
    response = await signed_in.post(f"/staff/cases/{case.reference}/details", {
        "email": "not an email", "reason": "typo"})
    assert response.status == 400 and "Email:" in await response.text()
    response = await signed_in.post(f"/staff/cases/{case.reference}/details",
                                    {"email": "a@example.org"})
    assert response.status == 400 and "Say why" in await response.text()
    assert cases.get_case(case.reference).email == "ada@example.org"


async def test_search_by_postcode_phone_and_date_of_birth(signed_in: Console, cases):
    case = new_case(cases, postcode="CH1 2NP", phone="07700 900123",
                    date_of_birth=date(1984, 3, 3))
    other = new_case(cases, full_name="Alan Turing", email="alan@example.net")
    for search in ("ch12np", "07700900123", "3/3/1984", "3 March 1984", "ada@example.org"):
        html = await signed_in.page(f"/staff/cases?q={search}")
        assert case.reference in html and other.reference not in html, search
