"""The staff console in Chromium against the real stack: a live handoff from the widget,
recording ID received on a case, overdue cases standing out, and axe on the main pages."""
from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from playwright.sync_api import Page, expect

from bot.cases.new_case import NewCase
from bot.cases.repository import CaseRepository
from bot.db.engine import get_engine, make_session_factory
from bot.staff.auth.accounts import AccountError, AccountStore, hash_password
from tests.browser.axe import serious_violations
from tests.browser.staff_pages import PASSWORD, check_pages, shoot, signed_in_page
from tests.browser.widget import REPLY_TIMEOUT_MS, Widget
from tests.e2e.chat import Chat

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

def _account(stack_settings, username: str, role: str, display_name: str) -> str:
    store = AccountStore(make_session_factory(get_engine(stack_settings.database_url)))
    try:
        store.create(username, hash_password(PASSWORD), role=role, display_name=display_name)
    except AccountError:
        pass  # made by an earlier module of this session
    return username


@pytest.fixture(scope="module")
def staff_account(stack_settings) -> str:
    return _account(stack_settings, "sam", "staff", "Sam")


@pytest.fixture
def staff_page(browser, hub_url, staff_account):
    """The member of staff, signed in, in a second browser context."""
    context, page = signed_in_page(browser, hub_url, staff_account)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"script errors in the console: {errors}"


def test_live_handoff_claim_chat_both_ways_and_hand_back(page: Page, hub_url, staff_page: Page):
    staff_page.goto(hub_url + "/staff/handoffs")
    queue = staff_page.get_by_role("table", name=re.compile("waiting for a person"))
    links = queue.get_by_role("link", name=re.compile(r"Open chat \d+"))
    before = links.count()

    page.goto(hub_url + "/")
    widget = Widget(page)
    widget.open()
    widget.human_button.click()
    expect(widget.messages("assistant").first).to_be_visible(timeout=REPLY_TIMEOUT_MS)

    # The new conversation arrives in the queue live, without a reload; newest is last.
    expect(links).to_have_count(before + 1, timeout=REPLY_TIMEOUT_MS)
    links.last.click()
    staff_page.get_by_role("button", name="Claim this conversation").click()
    expect(staff_page.get_by_role("status")).to_contain_text("You have joined the chat")

    joined = widget.notices("staff_joined")
    expect(joined).to_contain_text("Sam from Information Governance has joined")

    transcript = staff_page.get_by_role("log", name="Conversation with the resident")
    expect(transcript).to_contain_text("Talk to a person")
    staff_page.get_by_label("Your reply to the resident").fill("Hello, this is Sam.")
    staff_page.get_by_role("button", name="Send", exact=True).click()
    expect(widget.messages("staff").filter(has_text="Hello, this is Sam.")).to_have_count(1)

    widget.send("I would like my housing records")
    expect(transcript).to_contain_text("I would like my housing records")

    staff_page.get_by_role("link", name="Hand back to the assistant…").click()
    expect(staff_page.get_by_role("heading", name="What the resident will see")).to_be_visible()
    staff_page.get_by_role("button", name="Yes, hand back to the assistant").click()
    expect(staff_page).to_have_url(re.compile(r"/staff/handoffs$"))
    expect(widget.notices("handed_back")).to_contain_text("Sam has left the chat")
    # The assistant answers again (what it answers is the dialogue's business, not the console's).
    answered = widget.messages("assistant").count()
    widget.send("hello")
    expect(widget.messages("assistant")).not_to_have_count(answered, timeout=REPLY_TIMEOUT_MS)


def _case(stack_settings, received: date, **fields):
    repo = CaseRepository.from_url(stack_settings.database_url)
    at = datetime(received.year, received.month, received.day, 11, tzinfo=timezone.utc)
    fields.setdefault("request_type", "request_access")
    return repo.create_case(NewCase(**fields), received_at=at)


def test_record_id_received_and_see_the_deadline(staff_page: Page, hub_url, stack_settings):
    today = CaseRepository.from_url(stack_settings.database_url).today()
    case = _case(stack_settings, today - timedelta(days=3), full_name="Grace Browser")
    staff_page.goto(f"{hub_url}/staff/cases/{case.reference}")
    deadline = staff_page.locator("#deadline-panel")
    expect(deadline).to_contain_text("Not set")
    form = staff_page.get_by_role("group", name="Record ID received")
    form.get_by_label("Date").fill(today.isoformat())
    form.get_by_role("button", name=re.compile("^Record ID received .*…$")).click()
    preview = staff_page.get_by_role("table", name=re.compile("what changes"))
    expect(preview).to_contain_text("Clock running")
    due = staff_page.locator("#preview-due").inner_text()
    assert re.fullmatch(r"\w{3} \d{1,2} \w{3} \d{4}", due), due
    staff_page.get_by_role("button", name="Save: Record ID received").click()
    expect(staff_page.get_by_role("status")).to_contain_text("Saved")
    expect(deadline.locator(".due-date")).to_have_text(due)
    expect(deadline).to_contain_text("Clock running")


def test_overdue_cases_stand_out(staff_page: Page, hub_url, stack_settings):
    today = CaseRepository.from_url(stack_settings.database_url).today()
    late = _case(stack_settings, today - timedelta(days=70), full_name="Olive Late",
                 requires_id=False)
    staff_page.goto(hub_url + "/staff/cases")
    row = staff_page.get_by_role("row").filter(has_text=late.reference)
    expect(row.get_by_text("⚠ Overdue")).to_be_visible()
    expect(row).to_contain_text("days overdue")
    # Not by colour alone: the words are there, and the row also gets a border pattern.
    assert "row--overdue" in (row.get_attribute("class") or "")
    staff_page.get_by_label("Due").select_option("overdue")
    staff_page.get_by_role("button", name="Apply filters").click()
    expect(staff_page.get_by_role("row").filter(has_text=late.reference)).to_have_count(1)
    # The Content-Security-Policy blocks inline script: an injected one does not run.
    ran = staff_page.evaluate("""() => {
        window.__ran = false;
        const s = document.createElement('script');
        s.textContent = 'window.__ran = true';
        document.body.appendChild(s);
        return window.__ran;
    }""")
    assert ran is False


def test_console_pages_pass_axe(browser, hub_url, stack_settings, staff_account, axe_source):
    today = CaseRepository.from_url(stack_settings.database_url).today()
    case = _case(stack_settings, today - timedelta(days=40), full_name="Axel Axe",
                 requires_id=False)
    # axe is injected as an inline script, which the console's CSP rightly forbids.
    context, page = signed_in_page(browser, hub_url, staff_account, bypass_csp=True)
    try:
        for path in ("/staff", "/staff/cases", f"/staff/cases/{case.reference}",
                     "/staff/handoffs", "/staff/login?next=/staff"):
            page.goto(hub_url + path)
            violations = serious_violations(page, axe_source)
            assert violations == [], (path, json.dumps(violations, indent=1))
            # For people to look at (results/screenshots/); not compared pixel by pixel.
            shoot(page, "staff" + re.sub(r"[^a-z]+", "-", path.split("?")[0].lower()).rstrip("-"))
    finally:
        context.close()


def _chat_with_a_long_reply(stack_settings) -> tuple[str, int]:
    """A conversation waiting for a person whose assistant turn is long and ends with a
    question and its buttons; linked to a case too. Returns (conversation id, handoff id)."""
    from bot.chat.handoffs import HandoffStore
    from bot.chat.transcripts import NewMessage, TranscriptStore
    from bot.web.resident_ids import new_conversation_id

    resident = new_conversation_id()
    store = TranscriptStore.from_url(stack_settings.database_url)
    store.append(resident, NewMessage(role="resident", text="I want my housing file"))
    long_reply = " ".join(["You can ask for a copy of the information we hold about you."] * 12)
    store.append(resident, NewMessage(
        role="assistant", text=long_reply + "\n\nWho is the request about?",
        buttons=[{"title": "Myself", "payload": "self"},
                 {"title": "Someone else", "payload": "other"}]))
    store.append(resident, NewMessage(role="resident", text="Can I talk to a person?"))
    handoff = HandoffStore.from_url(stack_settings.database_url).request(
        resident, "asked for a person")
    return resident, handoff.id


@pytest.mark.parametrize("width", [1280, 390])
def test_console_pages_pass_axe_and_fit_the_screen(browser, hub_url, stack_settings,
                                                   staff_account, axe_source, width):
    """No serious or critical axe violations on the console's pages (transcripts included)
    and, on a phone, no sideways scrolling; screenshots for people to look at."""
    today = CaseRepository.from_url(stack_settings.database_url).today()
    resident, handoff_id = _chat_with_a_long_reply(stack_settings)
    case = _case(stack_settings, today - timedelta(days=3), full_name="Bartholomew Longname-Smythe",
                 email="bartholomew.longname-smythe@example-council.gov.uk",
                 conversation_id=resident, requires_address=True, id_document="passport",
                 address_document="council_tax_bill", response_format="electronic",
                 address="Flat 12, The Very Long Building Name, 123 Extraordinarily Long Road")
    context, page = signed_in_page(browser, hub_url, staff_account, bypass_csp=True)
    page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
    pages = {"dashboard": "/staff", "cases": "/staff/cases",
             "case": f"/staff/cases/{case.reference}",
             "chat": f"/staff/handoffs/{handoff_id}", "queue": "/staff/handoffs"}
    try:
        check_pages(page, hub_url, pages, width=width, axe_source=axe_source, prefix="staff-")
        # The transcript is a labelled region the keyboard reaches, with a list inside.
        page.goto(hub_url + pages["chat"])
        log = page.get_by_role("log", name="Conversation with the resident")
        assert log.get_attribute("tabindex") == "0"
        expect(log.get_by_role("listitem")).to_have_count(3)
        if width == 1280:
            # The whole question and its buttons fit in the conversation area at once.
            box = log.bounding_box()
            assert box is not None and box["height"] >= 450, box
            question = log.get_by_text("Buttons shown: Myself · Someone else")
            expect(question).to_be_visible()
            expect(page.get_by_role("button", name="Claim this conversation")).to_be_in_viewport()
    finally:
        context.close()


@pytest.fixture(scope="module")
def trainer_account(stack_settings) -> str:
    return _account(stack_settings, "tess", "trainer", "Tess")


def test_trainer_inbox_shows_real_messages_redacted_and_passes_axe(
    browser, hub_url, stack_settings, trainer_account, axe_source
):
    # A real conversation with the real model: a muddled message with personal data in it,
    # then a request for a person (so the inbox picks the message before the handoff,
    # whatever the model's confidence was).
    sender = "browser-trainer-" + datetime.now(timezone.utc).strftime("%H%M%S%f")
    chat = Chat(stack_settings.rasa_url, sender)
    chat.say("flibber wobble, mail me at tess.trainer@example.org")
    chat.say("/request_human")

    # axe is injected as an inline script, which the console's CSP rightly forbids.
    context, page = signed_in_page(browser, hub_url, trainer_account,
                                    landing="Training inbox", bypass_csp=True)
    try:
        expect(page).to_have_url(re.compile(r"/staff/training"))
        item = page.locator(".inbox-item").filter(has_text="flibber wobble")
        expect(item).to_have_count(1)
        expect(item).to_contain_text("[EMAIL]")
        assert "tess.trainer@example.org" not in page.content()
        # Keyboard: the intent list of the item's label form is labelled and reachable.
        expect(item.get_by_role("combobox").first).to_be_visible()

        violations = serious_violations(page, axe_source)
        assert violations == [], json.dumps(violations, indent=1)
        shoot(page, "staff-training")
    finally:
        context.close()



def _sample_report() -> dict:
    """A finished evaluation's report.json as dpa evaluate writes it (figures and redacted
    examples only), for the evaluate page's tables."""
    rows = [("ask_cost", 0.8, 0.91, 11), ("request_access", 0.95, 0.97, 14),
            ("ask_what_data_held", None, 0.88, 6), ("object_automated_decision", 0.9, 0.9, 3)]
    return {
        "version": 1, "finished_at": 0, "worse": False, "tolerance": 0.02,
        "test_data": "tests/nlu/holdout.yml",
        "held_out": {"examples": 34, "per_intent": {}, "problems": [],
                     "warnings": ["The held-out set is small (34 examples, fewer than 50)"],
                     "uncovered": []},
        "current_model": "models/dpa.tar.gz", "candidate": "", "fingerprint": "",
        "summary": {"macro_f1_before": 0.8833, "macro_f1_after": 0.915,
                    "accuracy_before": 0.88, "accuracy_after": 0.94},
        "intents": [{"intent": i, "before": b, "after": a, "delta": a - (b or 0.0),
                     "support": n, "regressed": False} for i, b, a, n in rows],
        "confusions": [{"intent": "ask_what_data_held", "predicted": "request_access",
                        "before": 3, "after": 1, "status": "better"}],
        "labelled": {"total": 8, "before": 2, "after": 6, "missed": [
            {"text": "is it free for [NAME]", "intent": "ask_cost",
             "predicted": "nlu_fallback"}]},
    }


@pytest.mark.parametrize("width", [1280, 390])
def test_trainer_pages_pass_axe_and_fit_the_screen(
    browser, hub_url, stack_settings, trainer_account, axe_source, width
):
    """The inbox (compact rows, a question before each message) and Retrain and evaluate
    (its report as tables, no reload): no serious or critical axe violations at 1280 and
    390 px, no sideways scrolling on a phone; screenshots for people to look at."""
    from bot.staff.evaluate_job import REPORT_FILE, RESULTS_DIR

    sender = "browser-trainloop-" + datetime.now(timezone.utc).strftime("%H%M%S%f")
    chat = Chat(stack_settings.rasa_url, sender)
    chat.say("hello")
    chat.say("zorp glimmer quonk, ring me on 07700 900456")
    report = RESULTS_DIR / REPORT_FILE
    wrote_report = not report.exists()  # never clobber a real evaluation's report
    if wrote_report:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        report.write_text(json.dumps(_sample_report()), encoding="utf-8")
    context, page = signed_in_page(browser, hub_url, trainer_account,
                                    landing="Training inbox", bypass_csp=True)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
    try:
        page.goto(hub_url + "/staff/training")
        item = page.locator(".inbox-item").filter(has_text="zorp glimmer")
        expect(item).to_have_count(1)
        expect(item).to_contain_text("[PHONE]")
        expect(item.locator(".inbox-question")).to_contain_text("Assistant:")
        assert "07700 900456" not in page.content()
        # one tick box per row, named by the message; the intent list labelled
        expect(item.get_by_role("checkbox", name=re.compile("zorp glimmer"))).to_be_visible()
        expect(item.get_by_role("combobox", name="Intent of this message")).to_be_visible()
        check_pages(page, hub_url,
                    {"inbox": "/staff/training", "evaluate": "/staff/training/evaluate"},
                    width=width, axe_source=axe_source, prefix="staff-training-")
        assert page.locator('meta[http-equiv="refresh"]').count() == 0
        expect(page.get_by_role("table", name=re.compile("Per intent"))).to_be_visible()
        expect(page.get_by_text("now understood 6 of 8")).to_be_visible()
        # the live region is there, quiet until the job's state changes
        assert page.locator("#evaluate-announce[role=status]").count() == 1
    finally:
        context.close()
        if wrote_report:
            report.unlink(missing_ok=True)
    assert not errors, f"script errors in the console: {errors}"
