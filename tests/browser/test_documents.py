"""Sending ID in the chat, end to end in Chromium against the real stack and a real SMTP
server: a resident logs an access request through the widget (on a phone-sized screen), is
refused a file that only pretends to be a photo, sends a photo of their passport and a PDF
proof of address; staff open and accept them on the case page; the due date is a calendar
month from the day they arrived; the confirmation and acceptance emails reach the server."""
from __future__ import annotations

import json
import re
import struct
import zlib
from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect

from bot.cases.repository import CaseRepository
from bot.conversation.wording import long_date
from bot.rules.deadlines import due_date, received_on
from tests.browser.axe import serious_violations
from tests.browser.conftest import SCREENSHOTS
from tests.browser.staff_pages import signed_in_page
from tests.browser.test_staff_console import staff_account  # noqa: F401
from tests.browser.widget import REPLY_TIMEOUT_MS, Widget, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
# The access request of tests/e2e/test_requests.py, as a resident types it.
ANSWERS = (
    "I'd like a copy of all the records the council has about me", "myself", "Jane Browser",
    "none", "3rd March 1984", "12 High Street, Chester CH1 2NP", "jane.browser@example.com",
    "skip", "none", "all my council tax and housing records", "2015 to 2019", "paper",
    "passport", "bank statement", "/affirm",
)
REFERENCE = re.compile(r"DPA-[0-9A-Z]{4}-[0-9A-Z]{4}")
# Fifteen real turns in a row: on a loaded machine one may wait past the hub's Rasa timeout
# and be answered when retried; bounded, but more patient than one reply.
TURN_TIMEOUT_MS = 2 * REPLY_TIMEOUT_MS
# The hub allows CHAT_RATE_PER_MINUTE (30) messages a minute per tab, after a burst of 5:
# answers typed faster than a person types are refused, so they are paced.
PACE_MS = 2_100


def png(width: int = 64, height: int = 40) -> bytes:
    """A real PNG (a grey card with a darker band), as a phone's photo would be one."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + bytes([90 if 10 < y < 20 else 200] * width * 3)
                    for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                             0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>"
       b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _log_a_request(widget: Widget, hub_transcript) -> str:
    """Every answer typed in the widget, each waiting for the assistant's turn; the reference."""
    def stored() -> list[dict]:  # the latest page of the transcript, enough for one turn
        return hub_transcript(widget.resident_id())["messages"] if widget.resident_id() else []

    def replied_after(seq: int) -> bool:
        return any(m["role"] == "assistant" and m["seq"] > seq for m in stored())

    for index, answer in enumerate(ANSWERS):
        if index >= 4:
            widget.page.wait_for_timeout(PACE_MS)
        before = max((m["seq"] for m in stored()), default=0)
        widget.textbox.fill(answer)  # typed, even where a reply button would say the same
        widget.textbox.press("Enter")
        try:
            wait_until(widget.page, lambda before=before: replied_after(before),
                       f"the reply to {answer!r}", timeout_ms=TURN_TIMEOUT_MS)
        except AssertionError:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            widget.page.screenshot(path=str(SCREENSHOTS / "widget-documents-failed.png"))
            print(widget.panel.inner_text())
            raise AssertionError(json.dumps([(m["role"], m["text"][:80]) for m in stored()],
                                            indent=1)) from None
    logged = widget.assistant_reply("DPA-").last
    expect(logged).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    return REFERENCE.search(logged.inner_text()).group(0)


SUBJECTS = {"confirmation": "has been logged",
            "document_accepted": "We have checked your document"}


def _emails(inbox, reference: str, page, template: str, count: int = 1) -> list:
    """The emails of one kind about the case, once ``count`` of them arrived at the server."""
    def arrived() -> list:
        return [m for m in inbox.about(reference) if SUBJECTS[template] in str(m["Subject"])]
    wait_until(page, lambda: len(arrived()) >= count, f"{count} {template} email(s) for "
               f"{reference}", timeout_ms=30_000)
    return arrived()


def test_send_id_in_the_chat_staff_accept_it_and_the_clock_starts_that_day(
    browser, hub_url, hub_transcript, stack_settings, stack_smtp, staff_account, axe_source,  # noqa: F811
):
    inbox, _ = stack_smtp
    resident_context = browser.new_context(viewport=PHONE, locale="en-GB", has_touch=True,
                                           timezone_id="Europe/London", bypass_csp=True)
    resident_context.set_default_timeout(15_000)
    page = resident_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    staff_context = None
    try:
        page.goto(hub_url + "/")
        widget = Widget(page)
        widget.open()
        reference = _log_a_request(widget, hub_transcript)
        today = received_on(datetime.now(timezone.utc))

        # The widget offers the documents the case waits for, from a phone's camera too.
        upload = page.locator(".dpa-chat__upload")
        expect(upload).to_be_visible(timeout=10_000)
        expect(upload).to_have_attribute("open", "")
        expect(upload.locator("summary")).to_contain_text("Send your proof of identity")
        chooser = page.get_by_label("Choose a photo or PDF")
        camera = page.get_by_label("Or take a photo with your camera")
        expect(camera).to_have_attribute("capture", "environment")
        expect(chooser).to_have_attribute("accept", re.compile("image/jpeg.*application/pdf"))
        expect(page.get_by_label("Which document is it?")).to_be_visible()
        send = page.get_by_role("button", name="Send document")
        violations = serious_violations(page, axe_source)
        assert violations == [], json.dumps(violations, indent=1)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        # A page renamed passport.jpg is refused, and the resident is told why.
        chooser.set_input_files({"name": "passport.jpg", "mimeType": "image/jpeg",
                                 "buffer": b"<html><script>alert(1)</script></html>"})
        send.click()
        expect(page.get_by_role("alert")).to_contain_text("not a photo (JPEG or PNG) or a PDF")

        # By keyboard: choose what it is, then the file, then send.
        page.get_by_label("Which document is it?").select_option(label="Proof of identity")
        chooser.set_input_files({"name": "passport.png", "mimeType": "image/png",
                                 "buffer": png()})
        chooser.focus()
        page.keyboard.press("Tab")  # the camera input
        page.keyboard.press("Tab")
        expect(send).to_be_focused()
        page.keyboard.press("Enter")
        status = page.locator(".dpa-chat__upload-status")
        expect(status).to_contain_text("your proof of identity is stored safely")
        expect(page.locator(".dpa-chat__upload-error")).to_have_text("")  # the refusal went
        # The next document is the one not sent yet.
        expect(page.get_by_label("Which document is it?")).to_have_value("address")
        chooser.set_input_files({"name": "bank.pdf", "mimeType": "application/pdf",
                                 "buffer": PDF})
        send.click()
        expect(status).to_contain_text("your proof of address is stored safely")
        expect(page.get_by_role("list", name="Documents you have sent")
               .get_by_role("listitem")).to_have_count(2)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "widget-documents-390.png"))

        # The confirmation went to the resident at once (the real assistant, the real SMTP).
        [confirmation] = _emails(inbox, reference, page, "confirmation")
        assert confirmation["To"] == "jane.browser@example.com"
        assert reference in confirmation.get_body(preferencelist=("plain",)).get_content()

        # Staff: open each document (a download), accept it.
        staff_context, staff = signed_in_page(browser, hub_url, staff_account, bypass_csp=True)
        staff.goto(f"{hub_url}/staff/cases/{reference}")
        expect(staff.locator("#deadline-panel")).to_contain_text("Not set")
        documents = staff.locator(".document-list")
        with staff.expect_download() as download:
            documents.get_by_role("link", name=re.compile("proof of identity")).click()
        assert open(download.value.path(), "rb").read() == png()
        with staff.expect_download() as download:
            documents.get_by_role("link", name=re.compile("proof of address")).click()
        assert open(download.value.path(), "rb").read() == PDF
        staff.get_by_role("button", name="Accept proof of identity").click()
        expect(staff.get_by_role("status")).to_contain_text("The resident is told")
        staff.get_by_role("button", name="Accept proof of address").click()
        due = due_date(today, stack_settings.council_nation)
        case = CaseRepository.from_url(stack_settings.database_url).get_case(reference)
        assert case.clock_started_on == today and case.due_on == due
        expect(staff.locator("#deadline-panel .due-date")).to_contain_text(str(due.day))
        violations = serious_violations(staff, axe_source)
        assert violations == [], json.dumps(violations, indent=1)
        staff.screenshot(path=str(SCREENSHOTS / "staff-case-documents-1280.png"), full_page=True)

        # The resident is told in the chat (still open) and by email.
        expect(widget.notices("document_accepted").last).to_contain_text(
            f"due by {long_date(due)}", timeout=10_000)
        accepted = _emails(inbox, reference, page, "document_accepted", count=2)
        assert len(accepted) == 2
        bodies = [m.get_body(preferencelist=("plain",)).get_content() for m in accepted]
        assert any("We still need a copy of" in b for b in bodies)  # after the first only
        assert any(f"We will respond by {long_date(due)}" in b for b in bodies)
        page.screenshot(path=str(SCREENSHOTS / "widget-documents-accepted-390.png"))
    finally:
        if staff_context is not None:
            staff_context.close()
        resident_context.close()
    assert not errors, f"script errors in the page: {errors}"
