"""Documents sent in the chat: the widget's endpoint refuses what it must (type by content,
size, count, empty, no request, a made-up resident id); what it keeps is encrypted; staff
open it (a download, audited) and accept it, which starts the clock on the day it arrived,
tells the resident in the chat and queues the email. A real app on a real SQLite database."""
from __future__ import annotations

import logging
from datetime import date

import aiohttp
import pytest
from sqlalchemy import text

from bot.cases.repository import CaseRepository
from bot.db.engine import get_engine
from bot.staff.services import STAFF_KEY
from bot.web.keys import RESIDENT_IDS_KEY
from tests.documents.test_checks import JPEG, PDF
from tests.staff.conftest import Console, new_resident
from tests.staff.test_cases import new_case


def origin(console: Console) -> str:
    return f"http://127.0.0.1:{console.client.port}"


async def upload(console: Console, resident: str, data: bytes, *, name: str = "passport.jpg",
                 content_type: str = "image/jpeg", purpose: str = "id"):
    form = aiohttp.FormData()
    form.add_field("purpose", purpose)
    form.add_field("document", data, filename=name, content_type=content_type)
    response = await console.client.post(f"/chat/documents?resident={resident}", data=form,
                                         headers={"Origin": origin(console)})
    return response.status, await response.json()


@pytest.fixture
async def small_limits(make_console, accounts) -> Console:
    console = await make_console(document_max_bytes=4096, document_max_count=2)
    assert (await console.login("sam")).status == 303
    return console


def case_in_chat(cases: CaseRepository, **fields):
    conversation = new_resident()
    case = new_case(cases, day=date(2026, 11, 20), conversation_id=conversation,
                    requires_id=True, **fields)
    return case, conversation


async def test_hostile_uploads_are_refused_with_a_reason_and_nothing_kept(
    small_limits: Console, cases: CaseRepository
):
    console = small_limits
    case, conversation = case_in_chat(cases)
    resident = console.app[RESIDENT_IDS_KEY].sign(conversation)

    status, body = await upload(console, resident, b"<script>alert(1)</script>")
    assert status == 400 and "not a photo (JPEG or PNG) or a PDF" in body["text"]
    status, body = await upload(console, resident, JPEG + b"\x00" * 5000)
    assert status == 413 and "too large" in body["text"] and "4 KB" in body["text"]
    status, body = await upload(console, resident, b"")
    assert status == 400 and "empty" in body["text"]
    status, body = await upload(console, "made-up." + "x" * 24, JPEG)
    assert status == 403
    other = console.app[RESIDENT_IDS_KEY].sign(new_resident())  # a chat with no request
    status, body = await upload(console, other, JPEG)
    assert status == 409 and "no request in this chat" in body["text"]
    assert console.app[STAFF_KEY].documents.for_case(case.reference) == []

    assert (await upload(console, resident, JPEG))[0] == 200
    assert (await upload(console, resident, PDF, name="id.pdf",
                         content_type="application/pdf"))[0] == 200
    status, body = await upload(console, resident, JPEG)
    assert status == 400 and "already sent 2 files" in body["text"]
    assert len(console.app[STAFF_KEY].documents.for_case(case.reference)) == 2


async def test_an_accepted_document_starts_the_clock_on_the_day_it_arrived(
    signed_in: Console, cases: CaseRepository, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.DEBUG)
    case, conversation = case_in_chat(cases)
    assert case.due_on is None and "id" in case.waiting_for
    resident = signed_in.app[RESIDENT_IDS_KEY].sign(conversation)
    state = await (await signed_in.client.get(f"/chat/documents?resident={resident}")).json()
    assert state["reference"] == case.reference
    assert [a["purpose"] for a in state["awaiting"]] == ["id"]

    status, body = await upload(signed_in, resident, PDF, name="passport.jpg",
                                content_type="image/jpeg")
    assert status == 200 and body["ok"] and case.reference in body["text"]
    document = body["document"]
    assert document["received_on"] == "2026-11-23"  # the app's clock: Monday 23 November

    stored = get_engine(signed_in.settings.database_url).connect()
    try:
        [(ciphertext, content_type)] = stored.execute(text(
            "SELECT ciphertext, content_type FROM dpa_case_documents")).all()
    finally:
        stored.close()
    assert PDF not in ciphertext and b"JavaScript" not in ciphertext  # encrypted at rest
    assert content_type == "application/pdf"  # what the bytes are, not what the name says

    page = await signed_in.page(f"/staff/cases/{case.reference}")
    assert "Sent in the chat" in page and f"Open document {document['id']}" in page
    response = await signed_in.get(f"/staff/cases/{case.reference}/documents/{document['id']}")
    assert response.status == 200 and await response.read() == PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["Content-Type"] == "application/pdf"
    services = signed_in.app[STAFF_KEY]
    log = await services.db(services.access_log.for_target, case.reference, 20)
    assert any(e.action == "document_view" and e.username == "sam" for e in log)

    await signed_in.page(f"/staff/cases/{case.reference}")
    response = await signed_in.post(
        f"/staff/cases/{case.reference}/documents/{document['id']}/decide",
        {"decision": "accept"})
    assert response.status == 303, await response.text()
    after = cases.get_case(case.reference)
    assert after.clock_started_on == date(2026, 11, 23)
    assert after.due_on == date(2026, 12, 23)
    [mail] = services.mail.for_case(case.reference)
    assert mail.template == "document_accepted" and "Wednesday 23 December 2026" in mail.text_body
    history = await services.db(services.transcripts.history, conversation)
    assert any(m.kind == "document_accepted" and "accepted" in m.text for m in history)
    # The logs name the case and the document, never its content or the resident's address.
    assert case.reference in caplog.text
    for secret in ("JavaScript", "ada@example.org", "Ada Lovelace", "%PDF"):
        assert secret not in caplog.text, secret
    # Decided once: a second decision is refused.
    response = await signed_in.post(
        f"/staff/cases/{case.reference}/documents/{document['id']}/decide",
        {"decision": "reject", "reason": "blurred"})
    assert response.status == 400


async def test_a_rejection_needs_a_reason_and_tells_the_resident_why(
    signed_in: Console, cases: CaseRepository
):
    case, conversation = case_in_chat(cases)
    resident = signed_in.app[RESIDENT_IDS_KEY].sign(conversation)
    _, body = await upload(signed_in, resident, JPEG)
    path = f"/staff/cases/{case.reference}/documents/{body['document']['id']}/decide"
    await signed_in.page(f"/staff/cases/{case.reference}")
    assert (await signed_in.post(path, {"decision": "reject", "reason": ""})).status == 400
    assert (await signed_in.post(path, {"decision": "reject",
                                        "reason": "The photo is too blurred to read."})
            ).status == 303
    assert cases.get_case(case.reference).due_on is None  # the clock still waits
    [mail] = signed_in.app[STAFF_KEY].mail.for_case(case.reference)
    assert mail.template == "document_rejected" and "too blurred" in mail.text_body
    state = await (await signed_in.client.get(f"/chat/documents?resident={resident}")).json()
    assert state["sent"][0]["status"] == "rejected"


async def test_files_are_deleted_a_set_time_after_the_case_is_closed(
    signed_in: Console, cases: CaseRepository
):
    case, conversation = case_in_chat(cases)
    resident = signed_in.app[RESIDENT_IDS_KEY].sign(conversation)
    _, body = await upload(signed_in, resident, JPEG)
    store = signed_in.app[STAFF_KEY].documents
    cases.record_event(case.reference, "withdrawn", date(2026, 11, 23), "sam")
    assert store.purge_closed(date(2026, 12, 22), 30) == 0  # 29 days: kept
    assert store.purge_closed(date(2026, 12, 23), 30, dry_run=True) == 1
    assert store.purge_closed(date(2026, 12, 23), 30) == 1
    [record] = store.for_case(case.reference)
    assert record.deleted_at is not None and record.status == "received"
    response = await signed_in.get(
        f"/staff/cases/{case.reference}/documents/{body['document']['id']}")
    assert response.status == 410


async def test_only_signed_in_case_staff_can_open_a_document(make_console, accounts, cases):
    console = await make_console()
    case, conversation = case_in_chat(cases)
    _, body = await upload(console, console.app[RESIDENT_IDS_KEY].sign(conversation), JPEG)
    path = f"/staff/cases/{case.reference}/documents/{body['document']['id']}"
    response = await console.get(path, allow_redirects=False)
    assert response.status in (302, 303) and "/staff/login" in response.headers["Location"]
    assert (await console.login("tom")).status == 303  # a trainer: redacted text only
    response = await console.get(path, allow_redirects=False)
    assert response.status == 403
