"""The trainer pages: the inbox of misunderstood messages, labelling, and test stories.

Everything shown comes from :class:`bot.trainers.service.TrainerTools`, which only ever
returns redacted text (placeholders such as ``[NAME]``); the hub's own transcripts, which
hold what residents really typed, are never read here. A conversation is named by a keyed
hash of its id (``TrainerTools.conversation_ref``), in URLs and the access log alike: the
id is the resident's key to their chat. Every view and change goes to the access log.
"""
from __future__ import annotations

import asyncio
import re
from pathlib import Path
from urllib.parse import urlencode

from aiohttp import web

from bot.config import PROJECT_ROOT
from bot.staff import audit
from bot.staff.auth import roles
from bot.staff.render.html import Markup, escape, fmt_time, join, tag
from bot.staff.render.pages import hidden_csrf, page, post_button, see_other
from bot.staff.auth.security import PREFIX, require
from bot.staff.evaluate_job import IMAGES, AlreadyRunning, EvaluationJob
from bot.staff.services import EVALUATION_KEY, STAFF_KEY, TRAINERS_KEY
from bot.trainers.inbox import (
    AMBIGUOUS,
    BEFORE_HANDOFF,
    FALLBACK,
    LOW_CONFIDENCE,
    SORTS,
    InboxItem,
)
from bot.trainers.labelling import LabellingError, new_intent_advice
from bot.trainers.nlu_files import INTENT_NAME
from bot.trainers.stories import STORY_FILE_HEADER
from bot.trainers.tracker_events import TrackerStoreMissing

TRAINING = PREFIX + "/training"
EVALUATE = TRAINING + "/evaluate"
# While a job runs its page reloads itself this often; the last lines of its output shown.
EVALUATE_REFRESH_SECONDS = 10
EVALUATE_TAIL_LINES = 60
# Items shown on one page (the rest are counted; label or dismiss to see them).
PAGE_SIZE = 100
MAX_EDITED_CHARS = 500
MAX_INTENT_CHARS = 80

REASON_WORDS = {
    FALLBACK: "Fell back: the assistant was not sure enough to answer",
    LOW_CONFIDENCE: "Low confidence",
    AMBIGUOUS: "Close call between two intents",
    BEFORE_HANDOFF: "Came just before a handoff to a person",
}
SORT_WORDS = {"frequent": "Most frequent first", "newest": "Newest first"}
NO_TRACKER_STORE = ("No conversations to review yet: the assistant has not stored any in this "
                    "database.")
ITEM_GONE = ("That message is no longer in the inbox: it may have been labelled or dismissed "
             "already. The list below is up to date.")
_SAFE_FILE = re.compile(r"^[A-Za-z0-9_.-]{1,80}\.ya?ml$")


def _tools(request: web.Request):
    return request.app[TRAINERS_KEY]


async def _log(request: web.Request, action: str, target: str | None = None,
               detail: str | None = None) -> None:
    services = request.app[STAFF_KEY]
    await services.audit(request["staff"].account.username, action,
                         target=target, detail=detail)


def _sort(value: object) -> str:
    return value if isinstance(value, str) and value in SORTS else SORTS[0]


def _inbox_url(sort: str, **query: str) -> str:
    params = {"sort": sort} if sort != SORTS[0] else {}
    params.update({k: v for k, v in query.items() if v})
    return TRAINING + (f"?{urlencode(params)}" if params else "")


def _percent(value: float | None) -> str:
    return "?" if value is None else f"{value:.0%}"


def _shown_path(path: Path) -> str:
    """A path as trainers know it (relative to the project), never a server's layout."""
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return path.name


# -- the inbox ---------------------------------------------------------------------------------


def _label_form(request: web.Request, item: InboxItem, intents: list[str], sort: str) -> Markup:
    base = f"item-{item.id}"
    options = [tag("option", "Choose an intent", value="")]
    options += [tag("option", name, value=name) for name in intents]
    hint_parts = []
    if item.suggested_intent:
        hint_parts.append(f"The resident chose {item.suggested_intent} when asked.")
    hint_parts.append("Leave the new intent empty unless none of the list fits.")

    def field(ident: str, label: str, control: Markup, hint: str | None = None) -> Markup:
        described = tag("p", hint, id=f"{ident}-hint", class_="hint") if hint else Markup("")
        return tag("div", tag("label", label, for_=ident) + described + control, class_="field")

    fields = join([
        hidden_csrf(request),
        tag("input", type="hidden", name="sort", value=sort),
        field(f"{base}-intent", "Intent", tag(
            "select", join(options), id=f"{base}-intent", name="intent",
            aria_describedby=f"{base}-intent-hint"), " ".join(hint_parts)),
        field(f"{base}-new", "…or a new intent (lower case letters, digits and _)",
              tag("input", id=f"{base}-new", name="new_intent", autocomplete="off",
                  maxlength=str(MAX_INTENT_CHARS), pattern="[a-z][a-z0-9_]*")),
        field(f"{base}-text", "Edited wording (optional)",
              tag("input", id=f"{base}-text", name="text", autocomplete="off",
                  maxlength=str(MAX_EDITED_CHARS), aria_describedby=f"{base}-text-hint"),
              "Leave empty to use the message as shown. Personal data you type is replaced "
              "with placeholders again."),
        tag("div", tag("input", type="checkbox", id=f"{base}-holdout", name="holdout",
                       value="1")
            + " " + tag("label", "Hold out for testing (goes to the held-out test set, not the "
                                 "training data)", for_=f"{base}-holdout"),
            class_="checkbox-field"),
        tag("button", "Label", type="submit", class_="button"),
    ])
    return tag("form", tag("fieldset", tag("legend", "Label this message") + fields),
               method="post", action=f"{TRAINING}/items/{item.id}/label",
               class_="stack-form label-form")


def _conversations(request: web.Request, item: InboxItem) -> Markup:
    tools = _tools(request)
    if not item.conversation_ids:
        return Markup("—")
    newest = tools.conversation_ref(item.conversation_ids[0])
    link = tag("a", f"Conversation {newest[:8]}: test story",
               href=f"{TRAINING}/conversations/{newest}/story")
    others = len(item.conversation_ids) - 1
    if others <= 0:
        return link
    refs = [tools.conversation_ref(c) for c in item.conversation_ids[1:6]]
    more = join((tag("a", ref[:8], href=f"{TRAINING}/conversations/{ref}/story")
                 for ref in refs), ", ")
    said = f" and {others} other{'s' if others != 1 else ''}: "
    return link + said + more + ("…" if others > len(refs) else "")


def _item(request: web.Request, index: int, item: InboxItem, intents: list[str],
          sort: str) -> Markup:
    times = f"said {item.count} time{'s' if item.count != 1 else ''}"
    guess = f"{item.intent or 'none'} ({_percent(item.confidence)})"
    runner_up = (f"{item.second_intent} ({_percent(item.second_confidence)})"
                 if item.second_intent else "none")
    rows = [
        ("Last seen", tag("time", fmt_time(item.last_seen_at),
                          datetime=item.last_seen_at.isoformat())),
        ("Why it is here", tag("ul", join(tag("li", REASON_WORDS.get(r, r))
                                          for r in item.reasons), class_="plain-list")),
        ("Assistant's guess", guess),
        ("Runner-up", runner_up),
    ]
    if item.suggested_intent:
        rows.append(("Resident chose", item.suggested_intent))
    rows.append(("Conversation", _conversations(request, item)))
    details = tag("dl", join(tag("dt", label) + tag("dd", value) for label, value in rows),
                  class_="summary-list")
    dismiss = post_button(request, f"{TRAINING}/items/{item.id}/dismiss", "Dismiss",
                          secondary=True, fields={"sort": sort})
    heading = tag("h2", f"Message {index}: {times}", id=f"item-{item.id}")
    return tag("li", join([
        heading,
        tag("blockquote", tag("p", item.text, class_="inbox-text"), class_="inbox-quote"),
        details,
        _label_form(request, item, intents, sort),
        tag("div", dismiss + tag("span", "Nothing to learn from it? Dismiss hides it.",
                                 class_="hint"), class_="button-row"),
    ]), class_="panel inbox-item", aria_labelledby=f"item-{item.id}")


def _sort_switch(sort: str) -> Markup:
    links = join(
        tag("li", tag("a", words, href=_inbox_url(key),
                      aria_current="true" if key == sort else None))
        for key, words in SORT_WORDS.items()
    )
    return tag("nav", tag("span", "Order: ") + tag("ul", links, class_="sort-list"),
               aria_label="Order of the inbox", class_="sort-switch")


async def _inbox_page(request: web.Request, sort: str, *, flash: str | None = None,
                      error: str | None = None, status: int = 200) -> web.Response:
    tools = _tools(request)
    intro = tag("p", Markup("").join([
        escape("Messages from real conversations that the assistant probably "
               "misunderstood. Personal data has been replaced with placeholders such "
               "as [NAME]. Label each with the intent it should have been, or dismiss "
               "it. When you have labelled a batch, "),
        tag("a", "retrain and evaluate", href=EVALUATE),
        escape(" (the same as dpa evaluate)."),
    ]), class_="hint")
    try:
        items = await tools.inbox_async(tools.options(sort=sort))
    except TrackerStoreMissing:
        await _log(request, audit.TRAINING_INBOX, target="inbox", detail="no tracker store")
        return page(request, "Training inbox", join([intro, tag("p", NO_TRACKER_STORE)]),
                    flash=flash, error=error, status=status)
    intents = await tools.intents_async()
    shown = items[:PAGE_SIZE]
    await _log(request, audit.TRAINING_INBOX, target="inbox",
               detail=f"sort={sort}; {len(shown)} of {len(items)} items")
    total_said = sum(item.count for item in items)
    if items:
        count = (f"{len(items)} message{'s' if len(items) != 1 else ''} to review "
                 f"({total_said} time{'s' if total_said != 1 else ''} in all)")
        if len(shown) < len(items):
            count += f"; showing the first {len(shown)}"
        listing = tag("ol", join(_item(request, i, item, intents, sort)
                                 for i, item in enumerate(shown, 1)), class_="inbox")
    else:
        count = "Nothing to review: every message has been labelled or dismissed."
        listing = Markup("")
    body = join([intro, _sort_switch(sort), tag("p", count, class_="inbox-count"), listing])
    return page(request, "Training inbox", body, flash=flash, error=error, status=status)


def _done_message(query) -> str | None:
    done = query.get("done")
    intent = query.get("intent", "")
    intent = intent if INTENT_NAME.match(intent) and len(intent) <= MAX_INTENT_CHARS else ""
    file = query.get("file", "")
    file = file if _SAFE_FILE.match(file) else ""
    if done == "labelled" and intent and file:
        return f"Added to data/nlu/{file} as an example of {intent}."
    if done == "new_intent" and intent:
        return f"Added to data/nlu/{file or 'new_intents.yml'}. " + new_intent_advice(intent)
    if done == "held_out" and intent:
        return f"Held out for testing as {intent}: it is not training data."
    if done == "already" and intent:
        return f"That example was already there as {intent}: nothing changed."
    if done == "dismissed":
        return "Dismissed: the message is hidden from the inbox."
    return None


@require(roles.TRAINING)
async def inbox(request: web.Request) -> web.Response:
    return await _inbox_page(request, _sort(request.query.get("sort")),
                             flash=_done_message(request.query))


def _plain(message: str, tools) -> str:
    """A labelling refusal in the console's words (the tools speak the CLI's)."""
    if message.startswith("no inbox item"):
        return ITEM_GONE
    message = message.replace(str(tools.nlu_dir), "data/nlu")
    message = message.replace("; for a new intent use --new-intent",
                              ". For a new intent, type its name in the new intent field")
    message = message.replace(": label without --new-intent", ": choose it from the list")
    return message[:1].upper() + message[1:]


@require(roles.TRAINING)
async def label(request: web.Request) -> web.Response:
    tools = _tools(request)
    item_id = request.match_info["item_id"]
    form = await request.post()
    sort = _sort(form.get("sort"))
    chosen = str(form.get("intent", "")).strip()
    new = str(form.get("new_intent", "")).strip()
    text = " ".join(str(form.get("text", "")).split()) or None
    holdout = form.get("holdout") == "1"
    known = await tools.intents_async()
    error = None
    if chosen and new:
        error = "Choose an intent from the list or type a new one, not both."
    elif not chosen and not new:
        error = "Choose an intent from the list, or type the name of a new one."
    elif chosen and chosen not in known:
        error = f"“{chosen[:MAX_INTENT_CHARS]}” is not one of the assistant's intents: choose one from the list."
    elif new and new in known:
        error = f"“{new}” is already one of the assistant's intents: choose it from the list instead."
    elif new and (len(new) > MAX_INTENT_CHARS or not INTENT_NAME.match(new) or "/" in new):
        error = "A new intent's name may only have lower case letters, digits and _ (like ask_parking)."
    elif text is not None and len(text) > MAX_EDITED_CHARS:
        error = f"The edited wording is too long: at most {MAX_EDITED_CHARS} characters."
    if error:
        return await _inbox_page(request, sort, error="Not labelled. " + error, status=400)
    intent = new or chosen
    try:
        result = await tools.label_async(item_id, intent, new_intent=bool(new), text=text,
                                         holdout=holdout)
    except LabellingError as exc:
        message = _plain(str(exc), tools)
        if message == ITEM_GONE:
            return await _inbox_page(request, sort, error=message, status=404)
        return await _inbox_page(request, sort, error="Not labelled. " + message, status=400)
    where = ("held-out set" if holdout else
             _shown_path(result.path) if result.path is not None else "unchanged")
    detail = f"intent={result.intent}; to {where}" + ("; new intent" if result.new_intent else "")
    await _log(request, audit.TRAINING_LABEL, target=f"inbox-item:{item_id[:40]}", detail=detail)
    if not result.written:
        done = "already"
    elif holdout:
        done = "held_out"
    elif result.new_intent:
        done = "new_intent"
    else:
        done = "labelled"
    file = result.path.name if result.path is not None and not holdout else ""
    return see_other(_inbox_url(sort, done=done, intent=result.intent, file=file))


@require(roles.TRAINING)
async def dismiss(request: web.Request) -> web.Response:
    tools = _tools(request)
    item_id = request.match_info["item_id"]
    form = await request.post()
    sort = _sort(form.get("sort"))
    if not await tools.dismiss_async(item_id):
        return await _inbox_page(request, sort, error=ITEM_GONE, status=404)
    await _log(request, audit.TRAINING_DISMISS, target=f"inbox-item:{item_id[:40]}")
    return see_other(_inbox_url(sort, done="dismissed"))


# -- a conversation as a test story -------------------------------------------------------------


async def _conversation(request: web.Request) -> tuple[str, str]:
    """(reference, conversation id) of the URL's conversation, or 404."""
    ref = request.match_info["conversation"]
    try:
        conversation_id = await _tools(request).find_conversation_async(ref)
    except TrackerStoreMissing:
        conversation_id = None
    if conversation_id is None:
        raise web.HTTPNotFound(text="No such conversation: it may have been deleted at the end "
                                    "of its retention period.")
    return ref, conversation_id


@require(roles.TRAINING)
async def story(request: web.Request) -> web.Response:
    tools = _tools(request)
    ref, conversation_id = await _conversation(request)
    await _log(request, audit.TRAINING_STORY_VIEW, target=f"conversation:{ref}")
    title = f"Conversation {ref[:8]}: test story"
    back = tag("p", tag("a", "Back to the training inbox", href=TRAINING))
    try:
        text = await tools.story_async(conversation_id)
    except ValueError:
        return page(request, title, join([
            tag("p", "This conversation has nothing to write as a story yet."), back]))
    target = _shown_path(tools.stories)
    done = request.query.get("done")
    flash = {
        "saved": f"Saved to {target}. Edit it there into what the assistant should have done; "
                 "make test then keeps it that way.",
        "already": f"A story of this conversation is already in {target}: nothing changed.",
    }.get(done or "")
    body = join([
        tag("p", "The conversation as a Rasa test story: what the resident wrote (with "
                 "personal data replaced by placeholders), the intent the assistant understood "
                 "and what it did. Save it, then correct it into what the assistant should "
                 "have done, so that a fixed mistake stays fixed.", class_="hint"),
        tag("pre", tag("code", STORY_FILE_HEADER + text), class_="story", tabindex="0",
            aria_label="Test story (YAML)"),
        tag("div", post_button(request, f"{TRAINING}/conversations/{ref}/story",
                               f"Save to {target}"), class_="button-row"),
        back,
    ])
    return page(request, title, body, flash=flash)


@require(roles.TRAINING)
async def save_story(request: web.Request) -> web.Response:
    tools = _tools(request)
    ref, conversation_id = await _conversation(request)
    try:
        saved = await tools.save_story_async(conversation_id)
    except ValueError as exc:
        body = tag("p", tag("a", "Back to the story",
                            href=f"{TRAINING}/conversations/{ref}/story"))
        return page(request, f"Conversation {ref[:8]}: test story", body,
                    error="Not saved: " + str(exc).replace(str(tools.stories),
                                                           _shown_path(tools.stories)),
                    status=400)
    await _log(request, audit.TRAINING_STORY_SAVE, target=f"conversation:{ref}",
               detail=f"to {_shown_path(tools.stories)}" if saved else "already saved")
    return see_other(f"{TRAINING}/conversations/{ref}/story?done="
                     + ("saved" if saved else "already"))


# -- retrain and evaluate (dpa evaluate in a child process) ------------------------------------


def _job(request: web.Request) -> EvaluationJob:
    return request.app[EVALUATION_KEY]


def _minutes(seconds: float) -> str:
    minutes, seconds = divmod(max(0, int(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {seconds:02d} s"


def _clock(moment) -> Markup:
    return tag("time", fmt_time(moment)[-5:], datetime=moment.isoformat())


def _outcome(job: EvaluationJob) -> tuple[str, str]:
    """(words, css class) of how a finished job went."""
    if job.error:
        return f"The job failed: {job.error}.", "flash flash--error"
    if job.returncode == 0:
        return ("No regressions flagged: no intent got worse on the held-out data. Deploy "
                "the new model with dpa train and restart dpa run."), "flash"
    if job.regression:
        return ("Regressions flagged: at least one intent got worse on the held-out data "
                "(see the output below). Do not deploy this model as it is.",
                "flash flash--error")
    return (f"The job failed (exit status {job.returncode}): see the output below. Nothing "
            "was compared.", "flash flash--error")


@require(roles.TRAINING)
async def evaluate_page(request: web.Request) -> web.Response:
    job = _job(request)
    now = request.app[STAFF_KEY].now()
    intro = tag("p", "Trains a candidate model on data/nlu as it is now (with everything "
                     "labelled in the inbox), scores it and the assistant's current model on "
                     "the same held-out messages, and shows what got better or worse: the "
                     "same as dpa evaluate. Training takes several minutes; the assistant "
                     "keeps answering with its current model meanwhile, and nothing is "
                     "deployed.", class_="hint")
    parts = [intro]
    if job.running:
        state = Markup("Running since ") + _clock(job.started_at) + escape(
            f" ({_minutes((now - job.started_at).total_seconds())} so far"
            + (f", started by {job.started_by}" if job.started_by else "") + "). "
            f"This page reloads itself every {EVALUATE_REFRESH_SECONDS} seconds.")
    elif job.state == "finished":
        took = _minutes((job.finished_at - job.started_at).total_seconds())
        status = ("could not start" if job.returncode is None
                  else f"exit status {job.returncode}")
        state = Markup("Finished at ") + _clock(job.finished_at) + escape(
            f" after {took}, {status}.")
    else:
        state = escape("Idle: no job has run since the console started.")
    parts.append(tag("h2", "State", id="evaluate-state"))
    parts.append(tag("p", state, class_="evaluate-state"))
    if job.state == "finished":
        words, css = _outcome(job)
        parts.append(tag("div", tag("p", words), class_=css + " evaluate-outcome",
                         role="status"))
        images = job.images()
        if images:
            parts.append(tag("h2", "Confusion matrices"))
            parts.append(tag("ul", join(
                tag("li", tag("a", IMAGES[name], href=f"{EVALUATE}/images/{name}"))
                for name in images)))
    if not job.running:
        label = "Train a candidate and compare"
        parts.append(tag("div", post_button(request, EVALUATE, label), class_="button-row"))
    if job.state != "idle":
        output = await asyncio.to_thread(job.tail, EVALUATE_TAIL_LINES)
        parts.append(tag("h2", f"Output (last {EVALUATE_TAIL_LINES} lines)"))
        parts.append(tag("pre", tag("code", output or "(nothing yet)"), class_="story",
                         tabindex="0", aria_label="Output of dpa evaluate"))
    parts.append(tag("p", tag("a", "Back to the training inbox", href=TRAINING)))
    done = request.query.get("done")
    flash = "Started: training a candidate model." if done == "started" else None
    error = "A job is already running: wait for it to finish." if done == "running" else None
    return page(request, "Retrain and evaluate", join(parts), flash=flash, error=error,
                refresh_seconds=EVALUATE_REFRESH_SECONDS if job.running else None)


@require(roles.TRAINING)
async def evaluate_start(request: web.Request) -> web.Response:
    job = _job(request)
    services = request.app[STAFF_KEY]
    who = request["staff"].account.username

    async def finished(done: EvaluationJob) -> None:
        detail = (done.error if done.error else f"exit status {done.returncode}"
                  + ("; regressions flagged" if done.regression else ""))
        await services.audit(who, audit.TRAINING_EVALUATE_END,
                             target="evaluate", detail=detail)

    try:
        job.start(who, services.now, on_finish=finished)
    except AlreadyRunning:
        await _log(request, audit.TRAINING_EVALUATE_START, target="evaluate",
                   detail="refused: a job is already running")
        return see_other(f"{EVALUATE}?done=running")
    await _log(request, audit.TRAINING_EVALUATE_START, target="evaluate",
               detail="dpa evaluate")
    return see_other(f"{EVALUATE}?done=started")


@require(roles.TRAINING)
async def evaluate_image(request: web.Request) -> web.StreamResponse:
    path = _job(request).image_path(request.match_info["image"])
    if path is None:
        raise web.HTTPNotFound(text="No such image.")
    return web.FileResponse(path, headers={"Cache-Control": "no-store"})


def add_routes(app: web.Application) -> None:
    app.router.add_get(TRAINING, inbox)
    app.router.add_post(TRAINING + "/items/{item_id}/label", label)
    app.router.add_post(TRAINING + "/items/{item_id}/dismiss", dismiss)
    app.router.add_get(TRAINING + "/conversations/{conversation}/story", story)
    app.router.add_post(TRAINING + "/conversations/{conversation}/story", save_story)
    app.router.add_get(EVALUATE, evaluate_page)
    app.router.add_post(EVALUATE, evaluate_start)
    app.router.add_get(EVALUATE + "/images/{image}", evaluate_image)
