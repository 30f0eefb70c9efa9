"""The case pages and every case action through the HTTP layer, on a real database."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import text

from bot.cases.new_case import NewCase
from bot.cases.repository import CaseRepository
from bot.chat.transcripts import NewMessage, TranscriptStore
from bot.db.engine import get_engine, make_session_factory
from bot.staff.auth.accounts import AccountError, AccountStore
from tests.staff.conftest import Console, new_resident, password_hash


def received(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 11, tzinfo=timezone.utc)


def new_case(cases: CaseRepository, day: date = date(2026, 11, 2), **fields):
    fields.setdefault("full_name", "Ada Lovelace")
    fields.setdefault("request_type", "request_access")
    fields.setdefault("email", "ada@example.org")
    return cases.create_case(NewCase(**fields), received_at=received(day))


async def preview_then_save(console: Console, reference: str, kind: str, on: str,
                            reason: str = "") -> str:
    await console.page(f"/staff/cases/{reference}")
    response = await console.post(f"/staff/cases/{reference}/preview",
                                  {"kind": kind, "on": on, "reason": reason})
    preview = await response.text()
    assert response.status == 200, preview
    assert "Nothing is saved yet" in preview
    saved = await console.post(f"/staff/cases/{reference}/events",
                               {"kind": kind, "on": on, "reason": reason})
    assert saved.status == 303, await saved.text()
    return preview


def due_in_preview(html: str) -> str:
    return re.search(r'id="preview-due">([^<]*)<', html).group(1)


async def test_record_id_received_previews_then_saves_the_deadline(signed_in: Console, cases):
    case = new_case(cases)
    assert case.status == "awaiting_id" and case.due_on is None
    await signed_in.page(f"/staff/cases/{case.reference}")
    response = await signed_in.post(f"/staff/cases/{case.reference}/preview",
                                    {"kind": "id_received", "on": "2026-11-20"})
    html = await response.text()
    assert due_in_preview(html) == "Mon 21 Dec 2026"
    assert cases.get_case(case.reference).due_on is None  # the preview saved nothing
    saved = await signed_in.post(f"/staff/cases/{case.reference}/events",
                                 {"kind": "id_received", "on": "2026-11-20"})
    assert saved.status == 303
    after = cases.get_case(case.reference)
    assert after.status == "clock_running" and after.due_on == date(2026, 12, 21)
    assert after.events[-1].actor == "sam" and after.events[-1].kind == "id_received"
    page = await signed_in.page(saved.headers["Location"])
    assert "Mon 21 Dec 2026" in page and "Saved" in page


async def test_clarification_stops_and_restarts_the_clock(signed_in: Console, cases):
    case = new_case(cases, requires_id=False)
    await preview_then_save(signed_in, case.reference, "clarification_requested", "2026-11-10",
                            "Which years?")
    assert cases.get_case(case.reference).status == "clarification_requested"
    preview = await preview_then_save(signed_in, case.reference, "clarification_received",
                                      "2026-11-15")
    after = cases.get_case(case.reference)
    assert after.status == "clock_running" and after.paused_days == 5
    assert due_in_preview(preview) == "Mon 7 Dec 2026" == after.due_on.strftime("%a %-d %b %Y")


async def test_extension_needs_a_reason_and_the_first_month(signed_in: Console, cases, clock):
    case = new_case(cases, requires_id=False)
    await signed_in.page(f"/staff/cases/{case.reference}")
    no_reason = await signed_in.post(f"/staff/cases/{case.reference}/preview",
                                     {"kind": "extended", "on": "2026-11-20", "reason": ""})
    assert no_reason.status == 400 and "needs a reason" in await no_reason.text()
    await preview_then_save(signed_in, case.reference, "extended", "2026-11-20",
                            "Complex: several departments")
    after = cases.get_case(case.reference)
    assert after.extended and after.due_on == date(2027, 2, 2)
    late = new_case(cases, day=date(2026, 9, 1), requires_id=False)
    response = await signed_in.post(f"/staff/cases/{late.reference}/preview",
                                    {"kind": "extended", "on": "2026-11-20", "reason": "Complex"})
    assert response.status == 400 and "too late" in await response.text()


async def test_fee_requested_then_received_restarts_the_clock(signed_in: Console, cases):
    case = new_case(cases, requires_id=False)
    await preview_then_save(signed_in, case.reference, "fee_requested", "2026-11-05",
                            "Further copies")
    assert cases.get_case(case.reference).status == "awaiting_fee"
    await preview_then_save(signed_in, case.reference, "fee_received", "2026-11-09")
    after = cases.get_case(case.reference)
    assert after.status == "clock_running" and after.clock_started_on == date(2026, 11, 9)


async def test_complete_refuse_and_notes(signed_in: Console, cases):
    done = new_case(cases, requires_id=False)
    await preview_then_save(signed_in, done.reference, "completed", "2026-11-20")
    assert cases.get_case(done.reference).status == "completed"
    refused = new_case(cases, requires_id=False, full_name="Bob Smith")
    await signed_in.page(f"/staff/cases/{refused.reference}")
    missing = await signed_in.post(f"/staff/cases/{refused.reference}/events",
                                   {"kind": "refused", "on": "2026-11-20"})
    assert missing.status == 400
    await preview_then_save(signed_in, refused.reference, "refused", "2026-11-20",
                            "Manifestly unfounded")
    assert cases.get_case(refused.reference).status == "refused"
    note = await signed_in.post(f"/staff/cases/{refused.reference}/notes",
                                {"note": "Phoned the requester."})
    assert note.status == 303
    events = cases.get_case(refused.reference).events
    assert (events[-1].kind, events[-1].reason, events[-1].actor) == (
        "note", "Phoned the requester.", "sam")
    page = await signed_in.page(f"/staff/cases/{refused.reference}")
    assert "Phoned the requester." in page and "Manifestly unfounded" in page


async def test_a_future_date_is_refused_with_a_message(signed_in: Console, cases):
    case = new_case(cases)
    await signed_in.page(f"/staff/cases/{case.reference}")
    response = await signed_in.post(f"/staff/cases/{case.reference}/preview",
                                    {"kind": "id_received", "on": "2027-01-01"})
    assert response.status == 400 and "in the future" in await response.text()


async def test_case_page_shows_details_documents_and_logs_the_view(signed_in: Console, cases):
    case = new_case(cases, phone="07700 900123", id_document="passport")
    html = await signed_in.page(f"/staff/cases/{case.reference}")
    for expected in ("Ada Lovelace", "ada@example.org", "07700 900123", "Proof of identity",
                     "Passport", "Outstanding", "Request received", "Record ID received"):
        assert expected in html, expected
    from bot.staff.audit import AccessLog

    log = AccessLog(make_session_factory(get_engine(signed_in.settings.database_url)))
    assert [(e.username, e.action) for e in log.for_target(case.reference)] == [
        ("sam", "case_view")]


async def test_transcript_with_script_is_shown_as_text(signed_in: Console, cases, db_url):
    resident = new_resident()
    TranscriptStore.from_url(db_url).append(
        resident, NewMessage("resident", '<script>alert("x")</script><img src=x onerror=alert(1)>'))
    case = new_case(cases, conversation_id=resident)
    html = await signed_in.page(f"/staff/cases/{case.reference}")
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert 'role="log"' in html


async def test_overdue_and_due_soon_cases_stand_out_in_words(signed_in: Console, cases):
    overdue = new_case(cases, day=date(2026, 9, 1), requires_id=False, full_name="Late Case")
    soon = new_case(cases, day=date(2026, 10, 27), requires_id=False, full_name="Soon Case")
    fine = new_case(cases, day=date(2026, 11, 20), requires_id=False, full_name="Fine Case")
    html = await signed_in.page("/staff/cases")

    def row(ref: str) -> str:
        pattern = rf"<tr[^>]*>(?:(?!</tr>).)*{ref}(?:(?!</tr>).)*</tr>"
        return re.search(pattern, html, re.S).group(0)

    assert "Overdue" in row(overdue.reference) and "row--overdue" in row(overdue.reference)
    assert "Due soon" in row(soon.reference)
    assert "Overdue" not in row(fine.reference) and "Due soon" not in row(fine.reference)
    only_overdue = await signed_in.page("/staff/cases?due=overdue")
    assert overdue.reference in only_overdue and fine.reference not in only_overdue
    dashboard = await signed_in.page("/staff")
    assert "<svg" in dashboard and "Open cases by status" in dashboard


async def test_filters_and_search(signed_in: Console, cases):
    a = new_case(cases, full_name="Grace Hopper")
    b = new_case(cases, full_name="Alan Turing", request_type="request_erasure",
                 requires_id=False)
    assert b.reference not in await signed_in.page("/staff/cases?due=awaiting_id")
    assert a.reference in await signed_in.page("/staff/cases?due=awaiting_id")
    html = await signed_in.page("/staff/cases?q=turing")
    assert b.reference in html and a.reference not in html
    html = await signed_in.page("/staff/cases?type=request_erasure")
    assert b.reference in html and a.reference not in html
    html = await signed_in.page("/staff/cases?status=awaiting_id")
    assert a.reference in html and b.reference not in html
    html = await signed_in.page(f"/staff/cases?q={a.reference.lower()}")
    assert a.reference in html


async def test_exports_json_print_and_csv(signed_in: Console, cases):
    case = new_case(cases, full_name="=HYPERLINK(\"http://evil\")")
    response = await signed_in.get(f"/staff/cases/{case.reference}/export.json")
    assert response.status == 200 and "attachment" in response.headers["Content-Disposition"]
    payload = json.loads(await response.text())
    assert payload["reference"] == case.reference and payload["events"]
    assert payload["request_type"] == "request_access"  # contract names stay in JSON
    assert "conversation_id" not in payload  # the key to the resident's conversation
    printable = await signed_in.page(f"/staff/cases/{case.reference}/print")
    assert 'data-action="print"' in printable and "Record ID received" not in printable
    response = await signed_in.get("/staff/cases.csv")
    rows = list(csv.reader(io.StringIO(await response.text())))
    assert rows[0][0] == "Reference" and rows[1][0] == case.reference
    assert rows[1][rows[0].index("Name")].startswith("'=")  # no formula in a spreadsheet
    assert rows[1][rows[0].index("Request")] == "Subject access (a copy of their information)"
    assert rows[1][rows[0].index("Status")] == "Awaiting proof of identity"


@pytest.mark.postgres
async def test_case_action_flow_on_postgresql(make_console, postgres, clock):
    """The same flow on PostgreSQL (every other test here runs on SQLite)."""
    migrated_url = postgres.migrated_database()
    with get_engine(migrated_url).begin() as connection:
        for table in ("dpa_case_events", "dpa_cases", "dpa_staff_sessions"):
            connection.execute(text(f"DELETE FROM {table}"))
    store = AccountStore(make_session_factory(get_engine(migrated_url)), now=clock)
    try:
        store.create("sam", password_hash(), role="staff")
    except AccountError:
        pass  # the shared PostgreSQL schema keeps accounts between tests
    console = await make_console(database_url=migrated_url)
    assert (await console.login("sam")).status == 303
    repo = CaseRepository.from_url(migrated_url, now=clock)
    case = new_case(repo)
    await preview_then_save(console, case.reference, "id_received", "2026-11-20")
    assert repo.get_case(case.reference).due_on == date(2026, 12, 21)
