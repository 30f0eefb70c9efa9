"""The trainer pages: the inbox shows only redacted text, labelling and dismissing work through
HTTP (with CSRF), test stories are shown and saved, roles are enforced and everything is in
the access log.

The tracker store is filled the way Rasa's SQLTrackerStore fills it (``tests/trainers/
support.py``) in the test database; the pages write to a copy of the project's data
(``trainer_project`` in conftest), never to the real ``data/`` or ``tests/``.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.config import PROJECT_ROOT
from bot.db.engine import get_engine
from bot.rasa.events import create_events_table
from bot.staff.services import STAFF_KEY, TRAINERS_KEY
from tests.staff.conftest import Console
from tests.trainers.support import Conversation
from tests.trainers.written import added_lines

RESIDENT = "resident-conversation-4f2a9c"
PERSONAL = ("jane.doe@example.com", "07700 900123", "Jane", "Doe")
FALLBACK_TEXT = ("my name is Jane Doe, email jane.doe@example.com or ring 07700 900123, "
                 "wot do u hold")
SCRIPT_TEXT = "<script>alert('x')</script> pls send me my stuff"
ITEM_FORM = re.compile(r'action="/staff/training/items/(\w+)/label"')
STORY_LINK = re.compile(r'href="(/staff/training/conversations/(\w+)/story)"')


@pytest.fixture
def tracker(db_url: str):
    """Three resident messages worth a trainer's look, and one the assistant understood."""
    engine = get_engine(db_url)
    create_events_table(engine)
    (Conversation(engine, RESIDENT).session_start()
     .user(FALLBACK_TEXT, ("ask_what_data_held", 0.45), ("request_access", 0.40), fallback=True)
     .bot("Sorry, I'm not sure I understood. Did you mean one of these?",
          utter="utter_ask_affirmation")
     .reply("action_two_stage_fallback")
     .user("hello", ("greet", 0.98), ("thank", 0.01)).reply("utter_greet")
     .user(SCRIPT_TEXT, ("request_access", 0.55), ("ask_rights", 0.3)).reply("utter_ask")
     .user("can I talk to someone", ("request_human", 0.97)).reply("action_handoff"))
    (Conversation(engine, "another-resident-77", start=1_790_000_500.0).session_start()
     .user("how much does it cost to get my file", ("ask_cost", 0.62), ("ask_deadline", 0.3))
     .reply("utter_ask_cost"))
    return engine


@pytest.fixture
async def trainer(console: Console, tracker) -> Console:
    assert (await console.login("tom")).status == 303
    return console


def project(console: Console) -> Path:
    return console.app[TRAINERS_KEY].nlu_dir.parent.parent


async def access_log(console: Console) -> list[tuple[str, str, str | None]]:
    """(who, what, target) of the access log's recent entries."""
    services = console.app[STAFF_KEY]
    entries = await services.db(services.access_log.recent, 100)
    return [(e.username, e.action, e.target) for e in entries]


def items(html: str) -> list[str]:
    return ITEM_FORM.findall(html)


def item_for(html: str, text_fragment: str) -> str:
    """The id of the inbox item whose section contains ``text_fragment``."""
    for section in html.split('<li class="panel inbox-item"')[1:]:
        if text_fragment in section:
            return ITEM_FORM.search(section).group(1)
    raise AssertionError(f"no item with {text_fragment!r}")


async def test_trainers_land_on_the_inbox_and_see_only_redacted_text(trainer: Console):
    landing = await trainer.client.get("/staff")  # where sign-in sends everyone
    assert str(landing.url).endswith("/staff/training")
    html = await landing.text()
    assert landing.status == 200
    for secret in PERSONAL:  # as words ("Doe" is in "Does it cost anything?")
        assert not re.search(rf"\b{re.escape(secret)}\b", html), secret
    assert "[NAME]" in html and "[EMAIL]" in html and "[PHONE]" in html
    assert "Resident:</span> hello<" not in html  # understood: not in the inbox
    assert len(items(html)) == 3
    assert "3 messages to review" in html
    # the model's guess, its confidence, the runner-up and why it was picked
    # in plain words with the contract name beside, one compact row each
    assert "guess: What information do you collect? (ask_what_data_held) 45%" in html
    assert "then Get a copy of my information (request_access) 40%" in html
    assert "Fell back" in html and "Came just before a handoff" in html
    assert "Answered “didn&#39;t understand”" in html  # replied with the two-stage fallback
    # the navigation offers the trainer pages, not cases or chats
    assert 'href="/staff/training"' in html
    assert 'href="/staff/cases"' not in html and 'href="/staff/handoffs"' not in html
    # no conversation id in the page: conversations are named by a keyed hash
    assert RESIDENT not in html and "another-resident-77" not in html


async def test_a_script_typed_by_a_resident_is_shown_as_text(trainer: Console):
    html = await trainer.page("/staff/training")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(" in html


async def test_sort_switch_orders_newest_first(trainer: Console):
    newest = await trainer.page("/staff/training?sort=newest")
    first = newest.index("how much does it cost")
    assert first < newest.index("wot do u hold")
    assert 'aria-current="true">Newest first' in newest
    frequent = await trainer.page("/staff/training?sort=bogus")  # unknown: the default
    assert 'aria-current="true">Most frequent first' in frequent


async def test_labelling_adds_the_redacted_example_to_the_right_nlu_file(trainer: Console):
    html = await trainer.page("/staff/training")
    item = item_for(html, "wot do u hold")
    requests_file = project(trainer) / "data" / "nlu" / "requests.yml"
    before = requests_file.read_text(encoding="utf-8")
    response = await trainer.post(f"/staff/training/items/{item}/label",
                                  {"intent": "request_access", "sort": "newest"})
    assert response.status == 303
    assert response.headers["Location"].startswith("/staff/training?sort=newest&done=labelled")
    written = requests_file.read_text(encoding="utf-8")
    added = added_lines(before, written)
    assert "my name is [NAME]" in added and "[EMAIL]" in added
    for secret in PERSONAL:
        assert secret not in added
    examples = yaml.safe_load(written)["nlu"]
    access = next(e for e in examples if e.get("intent") == "request_access")
    assert any("wot do u hold" in line for line in access["examples"].splitlines())
    # the real project data is untouched
    assert "wot do u hold" not in (PROJECT_ROOT / "data" / "nlu" / "requests.yml").read_text()

    after = await trainer.page(response.headers["Location"])
    assert 'role="status"' in after
    assert "Added to data/nlu/requests.yml as an example of request_access." in after
    assert item not in items(after)  # labelled messages leave the inbox
    log = await access_log(trainer)
    assert ("tom", "training_label", f"inbox-item:{item}") in log
    assert ("tom", "training_inbox", "inbox") in log


async def test_edited_wording_is_redacted_again_and_can_be_held_out(trainer: Console):
    html = await trainer.page("/staff/training")
    item = item_for(html, "how much does it cost")
    response = await trainer.post(f"/staff/training/items/{item}/label", {
        "intent": "ask_cost", "holdout": "1",
        "text": "how much to get my file, I'm Bob Smith of 12 Acacia Avenue"})
    assert response.status == 303 and "done=held_out" in response.headers["Location"]
    held = (project(trainer) / "tests" / "nlu" / "holdout.yml").read_text(encoding="utf-8")
    assert "how much to get my file" in held
    assert "Bob" not in held and "Acacia" not in held and "[ADDRESS]" in held
    training = (project(trainer) / "data" / "nlu")
    assert not any("how much to get my file" in p.read_text() for p in training.glob("*.yml"))


async def test_a_new_intent_goes_to_new_intents_with_advice(trainer: Console):
    html = await trainer.page("/staff/training")
    item = item_for(html, "how much does it cost")
    response = await trainer.post(f"/staff/training/items/{item}/label",
                                  {"new_intent": "ask_file_fee"})
    assert response.status == 303
    page = await trainer.page(response.headers["Location"])
    assert "new_intents.yml" in page and "domain.yml" in page
    new_file = project(trainer) / "data" / "nlu" / "new_intents.yml"
    assert "ask_file_fee" in new_file.read_text(encoding="utf-8")


@pytest.mark.parametrize("form,expected", [
    ({"intent": "request_acess"}, "is not one of the assistant&#39;s intents"),
    ({}, "Choose an intent from the list, or type the name of a new one."),
    ({"intent": "ask_cost", "new_intent": "ask_other"}, "not both"),
    ({"new_intent": "ask_cost"}, "already one of the assistant&#39;s intents"),
    ({"new_intent": "Ask Cost!"}, "lower case letters, digits and _"),
])
async def test_label_errors_are_said_in_plain_words(trainer: Console, form, expected):
    html = await trainer.page("/staff/training")
    item = item_for(html, "how much does it cost")
    before = {p.name: p.read_text() for p in (project(trainer) / "data" / "nlu").glob("*.yml")}
    response = await trainer.post(f"/staff/training/items/{item}/label", form)
    page = await response.text()
    assert response.status == 400
    assert 'role="alert"' in page and expected in page
    assert "--new-intent" not in page
    after = {p.name: p.read_text() for p in (project(trainer) / "data" / "nlu").glob("*.yml")}
    assert after == before


async def test_an_example_another_intent_already_has_is_refused(trainer: Console):
    html = await trainer.page("/staff/training")
    item = item_for(html, "how much does it cost")
    response = await trainer.post(f"/staff/training/items/{item}/label", {
        "intent": "greet", "text": "how much does it cost to get my file"})
    assert response.status == 303  # first time: written as greet (a wrong label, for the test)
    response = await trainer.post(f"/staff/training/items/{item_for(html, 'wot do u hold')}"
                                  "/label", {"intent": "ask_cost",
                                             "text": "how much does it cost to get my file"})
    page = await response.text()
    assert response.status == 400
    assert "already labelled &#39;greet&#39;" in page and 'role="alert"' in page


async def test_labelling_an_item_that_is_gone_says_so(trainer: Console):
    await trainer.page("/staff/training")
    response = await trainer.post("/staff/training/items/0123456789/label",
                                  {"intent": "ask_cost"})
    assert response.status == 404
    assert "no longer in the inbox" in await response.text()


async def test_dismiss_hides_the_item(trainer: Console):
    html = await trainer.page("/staff/training")
    item = item_for(html, "how much does it cost")
    response = await trainer.post(f"/staff/training/items/{item}/dismiss", {})
    assert response.status == 303 and "done=dismissed" in response.headers["Location"]
    after = await trainer.page(response.headers["Location"])
    assert item not in items(after) and len(items(after)) == 2
    assert "Dismissed" in after and 'role="status"' in after
    assert ("tom", "training_dismiss", f"inbox-item:{item}") in await access_log(trainer)


async def test_the_story_page_shows_the_redacted_story_and_saves_it(trainer: Console):
    html = await trainer.page("/staff/training")
    section = html.split('<li class="panel inbox-item"')[1:]
    wot = next(s for s in section if "wot do u hold" in s)
    path, ref = STORY_LINK.search(wot).groups()
    story = await trainer.page(path)
    assert "<pre" in story and "- story:" in story and "[NAME]" in story
    for secret in PERSONAL:
        assert secret not in story
    assert RESIDENT not in story
    assert "&lt;script&gt;" in story and "<script>alert" not in story
    assert "action_two_stage_fallback" in story

    response = await trainer.post(path, {})
    assert response.status == 303 and response.headers["Location"].endswith("?done=saved")
    saved = project(trainer) / "tests" / "test_from_transcripts.yml"
    document = yaml.safe_load(saved.read_text(encoding="utf-8"))
    assert len(document["stories"]) == 1 and "Jane" not in saved.read_text()
    assert not (PROJECT_ROOT / "tests" / "test_from_transcripts.yml").exists() or \
        ref not in (PROJECT_ROOT / "tests" / "test_from_transcripts.yml").read_text()
    assert "Saved to" in await trainer.page(response.headers["Location"])
    again = await trainer.post(path, {})
    assert again.headers["Location"].endswith("?done=already")
    assert len(yaml.safe_load(saved.read_text())["stories"]) == 1
    log = await access_log(trainer)
    assert ("tom", "training_story_view", f"conversation:{ref}") in log
    assert ("tom", "training_story_save", f"conversation:{ref}") in log


async def test_an_unknown_conversation_is_not_found(trainer: Console):
    response = await trainer.get("/staff/training/conversations/0123456789abcdef/story")
    assert response.status == 404
    response = await trainer.get(f"/staff/training/conversations/{RESIDENT}/story")
    assert response.status == 404  # the raw id is not a way in


@pytest.mark.parametrize("path", ["/staff/training",
                                  "/staff/training/conversations/0123456789abcdef/story"])
async def test_staff_cannot_reach_the_trainer_pages(signed_in: Console, tracker, path: str):
    response = await signed_in.get(path, allow_redirects=False)
    assert response.status == 403
    assert 'href="/staff/training"' not in await signed_in.page("/staff")


async def test_staff_cannot_label(signed_in: Console, tracker):
    response = await signed_in.post("/staff/training/items/0123456789/label",
                                    {"intent": "ask_cost"})
    assert response.status == 403


async def test_admins_may_use_the_trainer_pages(console: Console, tracker):
    await console.login("ada")
    dashboard = await console.page("/staff")
    assert 'href="/staff/training"' in dashboard and "Open cases by status" in dashboard
    html = await console.page("/staff/training")
    assert len(items(html)) == 3


async def test_trainer_posts_need_the_csrf_token(trainer: Console):
    html = await trainer.page("/staff/training")
    item = items(html)[0]
    for path in (f"/staff/training/items/{item}/label", f"/staff/training/items/{item}/dismiss",
                 STORY_LINK.search(html).group(1)):
        for csrf in ({"csrf_token": "0" * 64}, {}):
            response = await trainer.post(path, {"intent": "ask_cost", **csrf}, csrf=False)
            assert response.status == 403 and "CSRF" in await response.text(), path
    assert len(items(await trainer.page("/staff/training"))) == 3  # nothing changed


async def test_without_a_tracker_store_the_inbox_says_so(console: Console):
    await console.login("tom")
    html = await console.page("/staff/training")
    assert "No conversations to review yet" in html


async def test_the_resident_choice_or_the_guess_is_preselected(trainer: Console):
    html = await trainer.page("/staff/training")
    cost = item_for(html, "how much does it cost")
    row = html.split(f'name="intent-{cost}"')[1].split("</select>")[0]
    assert '<option value="ask_cost" selected>Does it cost anything? (ask_cost)</option>' in row
    assert row.count(" selected") == 1


async def test_several_messages_are_labelled_at_once_and_the_batch_undone(trainer: Console):
    html = await trainer.page("/staff/training")
    wot, cost = item_for(html, "wot do u hold"), item_for(html, "how much does it cost")
    response = await trainer.post("/staff/training/batch", {
        "action": "label", "pick": [wot, cost], f"intent-{wot}": "request_access",
        f"intent-{cost}": "ask_cost", f"holdout-{cost}": "1"})
    assert response.status == 303
    after = await trainer.page(response.headers["Location"])
    assert "Done: 1 message labelled, 1 message held out." in after
    assert wot not in items(after) and cost not in items(after) and len(items(after)) == 1
    nlu = project(trainer) / "data" / "nlu"
    held = project(trainer) / "tests" / "nlu" / "holdout.yml"
    assert "wot do u hold" in (nlu / "requests.yml").read_text()
    assert "how much does it cost" in held.read_text()
    log = await access_log(trainer)
    assert ("tom", "training_label", f"inbox-item:{wot}") in log
    assert ("tom", "training_label", f"inbox-item:{cost}") in log

    batch = re.search(r'name="batch" value="([0-9a-f]{12})"', after).group(1)
    undone = await trainer.post("/staff/training/undo", {"batch": batch})
    assert undone.status == 303
    back = await trainer.page(undone.headers["Location"])
    assert "Undone: 2 messages back in the inbox." in back and len(items(back)) == 3
    assert "wot do u hold" not in (nlu / "requests.yml").read_text()
    assert "how much does it cost" not in held.read_text()
    assert ("tom", "training_undo", f"batch:{batch}") in await access_log(trainer)
    again = await trainer.post("/staff/training/undo", {"batch": batch})
    assert again.status == 409 and "Nothing to undo" in await again.text()


async def test_dismissing_several_and_undoing_it(trainer: Console):
    html = await trainer.page("/staff/training")
    picks = items(html)[:2]
    response = await trainer.post("/staff/training/batch", {"action": "dismiss", "pick": picks})
    after = await trainer.page(response.headers["Location"])
    assert "Done: 2 messages dismissed." in after and len(items(after)) == 1
    batch = re.search(r'name="batch" value="([0-9a-f]{12})"', after).group(1)
    undone = await trainer.post("/staff/training/undo", {"batch": batch})
    assert len(items(await trainer.page(undone.headers["Location"]))) == 3


async def test_a_batch_says_what_was_not_labelled(trainer: Console):
    html = await trainer.page("/staff/training")
    wot, cost = item_for(html, "wot do u hold"), item_for(html, "how much does it cost")
    nothing = await trainer.post("/staff/training/batch", {"action": "label"})
    assert nothing.status == 400 and "Nothing selected" in await nothing.text()
    response = await trainer.post("/staff/training/batch", {
        "action": "label", "pick": [wot, cost], f"intent-{wot}": "request_access",
        f"intent-{cost}": "no_such_intent"})
    page = await response.text()
    assert response.status == 200 and 'role="alert"' in page
    assert "choose one of the assistant&#39;s intents" in page
    assert "Done: 1 message labelled." in page and 'name="batch"' in page
