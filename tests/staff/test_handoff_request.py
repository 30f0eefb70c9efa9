"""The request so far beside a live chat: shown in words, finished or cancelled by staff
(the chat's checks, the same case store), the hand-back confirmation and what the assistant
is told, the live count of waiting chats, and complaints worked in the console."""
from __future__ import annotations

import re

from bot.cases.complaints import ComplaintStore
from bot.chat.handoffs import REQUEST_CANCELLED, REQUEST_LOGGED, RETURNED, HandoffStore
from bot.db.engine import get_engine, make_session_factory
from bot.staff.audit import AccessLog
from bot.web.rasa_client import HANDED_BACK_INTENT
from tests.staff.conftest import Console
from tests.staff.test_handoffs import Events, open_tab, waiting_handoff

SO_FAR = {"request_type": "request_access", "subject": "self", "full_name": "Ann Example",
          "previous_names": "none", "date_of_birth": "1984-03-02",
          "address": "12 High Street, Chester", "postcode": "CH1 1AA"}
REST = {"answer-email": "ann@example.org", "answer-phone": "skip",
        "answer-previous_addresses": "none", "answer-access_what": "my housing file",
        "answer-access_period": "all", "answer-response_format": "electronic",
        "answer-id_document": "passport", "answer-address_document": "council_tax_bill"}


async def claimed_mid_request(console: Console, rasa):
    resident, handoff = await waiting_handoff(console, rasa)
    rasa.slots[resident].update(SO_FAR)
    assert (await console.post(f"/staff/handoffs/{handoff.id}/claim")).status == 303
    return resident, handoff


async def test_staff_see_the_request_so_far_in_words(signed_in: Console, rasa):
    _, handoff = await claimed_mid_request(signed_in, rasa)
    html = await signed_in.page(f"/staff/handoffs/{handoff.id}")
    start = html.index('id="request-so-far"')
    panel = html[start:html.index("</section>", start)]
    assert "Subject access (a copy of their information)" in panel
    assert "Fri 2 Mar 1984" in panel and "12 High Street, Chester" in panel
    assert re.search(r'id="request-pending">Email<', panel)
    assert "request_access" not in panel and "1984-03-02" not in panel  # words, not codes
    assert "Finish the request for the resident" in panel


async def test_the_panel_says_so_when_rasa_cannot_be_reached(signed_in: Console, rasa):
    _, handoff = await claimed_mid_request(signed_in, rasa)
    await rasa.go_down()
    html = await signed_in.page(f"/staff/handoffs/{handoff.id}")
    assert "could not be reached" in html


async def test_hand_back_asks_first_and_says_what_the_resident_will_see(signed_in: Console, rasa):
    resident, handoff = await claimed_mid_request(signed_in, rasa)
    tab = await open_tab(signed_in, resident)
    html = await signed_in.page(f"/staff/handoffs/{handoff.id}")
    assert f'href="/staff/handoffs/{handoff.id}/hand-back"' in html  # a link to the question
    confirm = await signed_in.page(f"/staff/handoffs/{handoff.id}/hand-back")
    assert "What the resident will see" in confirm
    assert "Sam has left the chat. You are now talking to the automated assistant again." \
        in confirm
    assert "We were at: your email address." in confirm
    assert "Yes, hand back to the assistant" in confirm and "No, stay in the chat" in confirm

    rasa.trigger_replies = [{"text": "Let's carry on. We were at: your email address."},
                            {"text": "What email address can we use?"}]
    assert (await signed_in.post(f"/staff/handoffs/{handoff.id}/hand-back")).status == 303
    assert rasa.triggered == [(resident, HANDED_BACK_INTENT)]
    await tab.next("notice", kind="handed_back")
    said = await tab.next("message", role="assistant")
    assert said["text"].endswith("We were at: your email address.")
    assert (await tab.next("message", role="assistant"))["text"] == "What email address can we use?"
    store = HandoffStore.from_url(signed_in.settings.database_url)
    assert store.get(handoff.id).status == RETURNED
    await tab.ws.close()


async def test_staff_finish_the_request_with_the_chats_own_checks(signed_in: Console, rasa):
    resident, handoff = await claimed_mid_request(signed_in, rasa)
    tab = await open_tab(signed_in, resident)
    form = await signed_in.page(f"/staff/handoffs/{handoff.id}/request")
    assert 'name="answer-email"' in form and 'name="answer-full_name"' not in form

    bad = await signed_in.post(f"/staff/handoffs/{handoff.id}/request",
                               {**REST, "answer-email": "ann@example", "confirmed": "yes"})
    assert bad.status == 422
    text = await bad.text()
    assert 'aria-invalid="true"' in text and "ann@example" in text  # kept, with the reason
    unconfirmed = await signed_in.post(f"/staff/handoffs/{handoff.id}/request", REST)
    assert unconfirmed.status == 422 and "agreed" in await unconfirmed.text()

    done = await signed_in.post(f"/staff/handoffs/{handoff.id}/request",
                                {**REST, "confirmed": "yes"})
    assert done.status == 303, await done.text()
    reference = done.headers["Location"].rsplit("/", 1)[-1]
    case = await signed_in.page(f"/staff/cases/{reference}")
    assert "Ann Example" in case and "ann@example.org" in case
    store = HandoffStore.from_url(signed_in.settings.database_url)
    record = store.get(handoff.id)
    assert (record.request_outcome, record.request_reference) == (REQUEST_LOGGED, reference)
    assert rasa.slots[resident]["request_type"] is None  # the assistant will not resume it
    assert rasa.slots[resident]["case_reference"] == reference
    told = await tab.next("message", role="staff")
    assert reference in told["text"]
    log = AccessLog(make_session_factory(get_engine(signed_in.settings.database_url)))
    assert any(e.action == "handoff_request_logged" and e.detail == reference
               for e in log.recent(50))
    confirm = await signed_in.page(f"/staff/handoffs/{handoff.id}/hand-back")
    assert f"you logged it ({reference})" in confirm
    await tab.ws.close()


async def test_staff_cancel_the_request_with_the_resident(signed_in: Console, rasa):
    resident, handoff = await claimed_mid_request(signed_in, rasa)
    response = await signed_in.post(f"/staff/handoffs/{handoff.id}/request/cancel")
    assert response.status == 303
    store = HandoffStore.from_url(signed_in.settings.database_url)
    assert store.get(handoff.id).request_outcome == REQUEST_CANCELLED
    assert rasa.slots[resident]["request_type"] is None and rasa.slots[resident]["email"] is None
    html = await signed_in.page(f"/staff/handoffs/{handoff.id}")
    assert "cancelled with the resident" in html


async def test_only_whoever_claimed_the_chat_can_finish_it(console: Console, rasa):
    await console.login("sam")
    _, handoff = await claimed_mid_request(console, rasa)
    await console.post("/staff/logout")
    await console.login("ada")
    await console.page("/staff")
    response = await console.post(f"/staff/handoffs/{handoff.id}/request",
                                  {**REST, "confirmed": "yes"})
    assert response.status == 409


async def test_every_page_shows_the_chats_waiting_live(signed_in: Console, rasa):
    html = await signed_in.page("/staff/cases")
    assert re.search(r'id="nav-waiting" hidden>0 waiting', html)
    assert "<title>Cases" in html
    _, handoff = await waiting_handoff(signed_in, rasa)
    html = await signed_in.page("/staff/cases")
    assert re.search(r'id="nav-waiting">1 waiting<', html)
    assert "<title>(1 waiting) Cases" in html
    async with signed_in.client.get("/staff/live/stream?dashboard=1") as response:
        events = Events(response)
        _, data = await events.next("live")
        assert data["waiting"] == 1 and data["tiles"]["waiting"] == 1
        await waiting_handoff(signed_in, rasa)
        _, data = await events.next("live")
        assert data["waiting"] == 2


async def test_a_complaint_is_listed_viewed_and_worked_with_an_audit_trail(
        signed_in: Console, rasa):
    url = signed_in.settings.database_url
    complaint = ComplaintStore.from_url(url).record("conv-complaint", "<b>You lost my file</b>")
    listing = await signed_in.page("/staff/complaints")
    assert f"Complaint {complaint.id}" in listing and "New" in listing
    dashboard = await signed_in.page("/staff")
    assert re.search(r'data-tile="complaints">1<', dashboard)
    page = await signed_in.page(f"/staff/complaints/{complaint.id}")
    assert "&lt;b&gt;You lost my file&lt;/b&gt;" in page  # text, never HTML
    refused = await signed_in.post(f"/staff/complaints/{complaint.id}", {"status": "resolved"})
    assert refused.status == 422 and "how the complaint was resolved" in await refused.text()
    saved = await signed_in.post(f"/staff/complaints/{complaint.id}",
                                 {"status": "resolved", "note": "Found and returned"})
    assert saved.status == 303
    worked = ComplaintStore.from_url(url).get(complaint.id)
    assert worked.status == "resolved" and worked.history[-1].actor == "sam"
    log = AccessLog(make_session_factory(get_engine(url)))
    actions = {e.action for e in log.recent(50)}
    assert {"complaint_list", "complaint_view", "complaint_change"} <= actions
