"""The training inbox: messages the assistant probably misunderstood, labelling them with
an intent (or holding them out for testing), and dismissing them.

What trainers see is redacted; see :mod:`bot.staff.views.training_common`.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from bot.conversation.intent_labels import label as intent_words
from bot.staff import audit
from bot.staff.auth import roles
from bot.staff.auth.security import require
from bot.staff.render.pages import page, see_other
from bot.staff.render.templating import plural
from bot.staff.views.training_common import (
    EVALUATE,
    TRAINING,
    log,
    shown_path,
    story_url,
)
from bot.staff.views.training_common import tools as trainer_tools
from bot.trainers.inbox import (
    AMBIGUOUS,
    BEFORE_HANDOFF,
    FALLBACK,
    LOW_CONFIDENCE,
    NOT_UNDERSTOOD,
    SORTS,
    InboxItem,
)
from bot.trainers.label_journal import new_batch_id
from bot.trainers.labelling import LabellingError, new_intent_advice
from bot.trainers.nlu_files import INTENT_NAME
from bot.trainers.service import TrainerTools
from bot.trainers.tracker_events import TrackerStoreMissing

# Items shown on one page (the rest are counted; label or dismiss to see them).
PAGE_SIZE = 100
MAX_EDITED_CHARS = 500
MAX_INTENT_CHARS = 80
# Besides the newest, how many of an item's other conversations are linked.
OTHER_CONVERSATIONS_SHOWN = 5

REASON_WORDS = {
    NOT_UNDERSTOOD: "Answered “didn't understand”",
    FALLBACK: "Fell back: the assistant was not sure enough to answer",
    LOW_CONFIDENCE: "Low confidence",
    AMBIGUOUS: "Close call between two intents",
    BEFORE_HANDOFF: "Came just before a handoff to a person",
}
_BATCH = re.compile(r"^[0-9a-f]{12}$")
# Items labelled or dismissed in one press at most (the page shows PAGE_SIZE).
MAX_BATCH = PAGE_SIZE


def words(intent: str | None) -> str:
    """An intent in plain words with its contract name beside ("Does it cost anything?
    (ask_cost)"): one vocabulary, bot.conversation.intent_labels."""
    if not intent:
        return "none"
    return f"{intent_words(intent)} ({intent})"
SORT_WORDS = {"frequent": "Most frequent first", "newest": "Newest first"}
NO_TRACKER_STORE = ("No conversations to review yet: the assistant has not stored any in this "
                    "database.")
ITEM_GONE = ("That message is no longer in the inbox: it may have been labelled or dismissed "
             "already. The list below is up to date.")
_SAFE_FILE = re.compile(r"^[A-Za-z0-9_.-]{1,80}\.ya?ml$")


def _sort(value: object) -> str:
    return value if isinstance(value, str) and value in SORTS else SORTS[0]


def _inbox_url(sort: str, **query: str) -> str:
    params = {"sort": sort} if sort != SORTS[0] else {}
    params.update({k: v for k, v in query.items() if v})
    return TRAINING + (f"?{urlencode(params)}" if params else "")


def _entry(tools: TrainerTools, item: InboxItem) -> dict[str, Any]:
    """An item and links to the test stories of its conversations (newest first)."""
    refs = [tools.conversation_ref(c)
            for c in item.conversation_ids[:OTHER_CONVERSATIONS_SHOWN + 1]]
    links = [{"ref": ref, "url": story_url(ref)} for ref in refs]
    return {"item": item, "newest": links[0] if links else None, "more": links[1:],
            "others": max(len(item.conversation_ids) - 1, 0)}


def _count(items: list[InboxItem], shown: int) -> str:
    if not items:
        return "Nothing to review: every message has been labelled or dismissed."
    said = sum(item.count for item in items)
    count = f"{plural(len(items), 'message')} to review ({plural(said, 'time')} in all)"
    if shown < len(items):
        count += f"; showing the first {shown}"
    return count


def _undo(query) -> dict[str, str] | None:
    batch = query.get("batch", "")
    if not _BATCH.match(batch):
        return None
    return {"batch": batch, "label": "Undo: put those messages back in the inbox"}


async def _inbox_page(request: web.Request, sort: str, *, flash: str | None = None,
                      error: str | None = None, status: int = 200,
                      undo: dict[str, str] | None = None,
                      failures: list[dict[str, str]] | None = None) -> web.Response:
    tools = trainer_tools(request)
    frame: dict[str, Any] = {"title": "Training inbox", "flash": flash, "error": error,
                             "status": status, "evaluate_url": EVALUATE, "undo": undo,
                             "failures": failures or [], "training_url": TRAINING,
                             "sort": sort}
    try:
        items = await tools.inbox_async(tools.options(sort=sort))
    except TrackerStoreMissing:
        await log(request, audit.TRAINING_INBOX, target="inbox", detail="no tracker store")
        return page(request, "training_inbox.html", missing=NO_TRACKER_STORE, **frame)
    intents = await tools.intents_async()
    shown = items[:PAGE_SIZE]
    await log(request, audit.TRAINING_INBOX, target="inbox",
              detail=f"sort={sort}; {len(shown)} of {len(items)} items")
    sorts = [{"href": _inbox_url(key), "label": words, "current": key == sort}
             for key, words in SORT_WORDS.items()]
    return page(request, "training_inbox.html", missing=None, sorts=sorts,
                count=_count(items, len(shown)), entries=[_entry(tools, i) for i in shown],
                intents=[(name, intent_words(name)) for name in intents],
                reason_words=REASON_WORDS, words=words,
                max_intent_chars=MAX_INTENT_CHARS, max_edited_chars=MAX_EDITED_CHARS, **frame)


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
    if done == "batch":
        counts = [(query.get("labelled", ""), "labelled"), (query.get("held", ""), "held out"),
                  (query.get("dismissed", ""), "dismissed")]
        said = [f"{plural(int(n), 'message')} {what}" for n, what in counts
                if n.isdigit() and int(n) > 0]
        return ("Done: " + ", ".join(said) + ".") if said else "Nothing changed."
    if done == "undone":
        n = query.get("n", "")
        return (f"Undone: {plural(int(n), 'message')} back in the inbox."
                if n.isdigit() else "Undone.")
    return None


@require(roles.TRAINING)
async def inbox(request: web.Request) -> web.Response:
    query = request.query
    return await _inbox_page(request, _sort(query.get("sort")), flash=_done_message(query),
                             undo=_undo(query) if query.get("done") == "batch" else None)


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
    tools = trainer_tools(request)
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
        error = (f"“{chosen[:MAX_INTENT_CHARS]}” is not one of the assistant's intents: "
                 "choose one from the list.")
    elif new and new in known:
        error = (f"“{new}” is already one of the assistant's intents: "
                 "choose it from the list instead.")
    elif new and (len(new) > MAX_INTENT_CHARS or not INTENT_NAME.match(new) or "/" in new):
        error = ("A new intent's name may only have lower case letters, digits and _ "
                 "(like ask_parking).")
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
             shown_path(result.path) if result.path is not None else "unchanged")
    detail = f"intent={result.intent}; to {where}" + ("; new intent" if result.new_intent else "")
    await log(request, audit.TRAINING_LABEL, target=f"inbox-item:{item_id[:40]}", detail=detail)
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
    tools = trainer_tools(request)
    item_id = request.match_info["item_id"]
    form = await request.post()
    sort = _sort(form.get("sort"))
    if not await tools.dismiss_async(item_id):
        return await _inbox_page(request, sort, error=ITEM_GONE, status=404)
    await log(request, audit.TRAINING_DISMISS, target=f"inbox-item:{item_id[:40]}")
    return see_other(_inbox_url(sort, done="dismissed"))


@require(roles.TRAINING)
async def batch(request: web.Request) -> web.Response:
    """Label (each with the intent chosen on its row) or dismiss the ticked messages."""
    tools = trainer_tools(request)
    form = await request.post()
    sort = _sort(form.get("sort"))
    picks = list(dict.fromkeys(str(p) for p in form.getall("pick", [])))[:MAX_BATCH]
    action = form.get("action")
    if not picks:
        return await _inbox_page(request, sort, status=400, error=(
            "Nothing selected: tick the messages to label or dismiss first."))
    batch_id = new_batch_id()
    if action == "dismiss":
        found, _ = await tools.dismiss_many_async(picks, batch_id)
        for item_id in found:
            await log(request, audit.TRAINING_DISMISS, target=f"inbox-item:{item_id[:40]}",
                      detail=f"batch={batch_id}")
        return see_other(_inbox_url(sort, done="batch", dismissed=str(len(found)),
                                    batch=batch_id if found else ""))
    if action != "label":
        return await _inbox_page(request, sort, status=400,
                                 error="Choose Label selected or Dismiss selected.")
    known = set(await tools.intents_async())
    choices: list[tuple[str, str, bool]] = []
    failures: list[dict[str, str]] = []
    texts = {item.id: item.text for item in await tools.inbox_async(tools.options(sort=sort))}
    for item_id in picks:
        intent = str(form.get(f"intent-{item_id}", "")).strip()
        if intent not in known:
            failures.append({"text": texts.get(item_id, item_id)[:80],
                             "reason": "choose one of the assistant's intents"})
            continue
        choices.append((item_id, intent, form.get(f"holdout-{item_id}") == "1"))
    labelled = held = 0
    for item_id, outcome in await tools.label_many_async(choices, batch_id):
        if isinstance(outcome, Exception):
            failures.append({"text": texts.get(item_id, item_id)[:80],
                             "reason": _plain(str(outcome), tools)})
            continue
        holdout = next(h for i, _, h in choices if i == item_id)
        where = ("held-out set" if holdout else shown_path(outcome.path)
                 if outcome.path is not None else "unchanged")
        await log(request, audit.TRAINING_LABEL, target=f"inbox-item:{item_id[:40]}",
                  detail=f"intent={outcome.intent}; to {where}; batch={batch_id}")
        if outcome.written:
            held += holdout
            labelled += not holdout
    if failures:
        done = {"done": "batch", "labelled": str(labelled), "held": str(held)}
        return await _inbox_page(
            request, sort, status=400 if not (labelled or held) else 200,
            flash=_done_message(done) if labelled or held else None, failures=failures,
            undo=_undo({"batch": batch_id}) if labelled or held else None)
    return see_other(_inbox_url(sort, done="batch", labelled=str(labelled), held=str(held),
                                batch=batch_id if labelled or held else ""))


@require(roles.TRAINING)
async def undo(request: web.Request) -> web.Response:
    """Undo one batch: its examples out of the files, its dismissed messages back."""
    tools = trainer_tools(request)
    form = await request.post()
    sort = _sort(form.get("sort"))
    batch_id = str(form.get("batch", ""))
    if not _BATCH.match(batch_id):
        return await _inbox_page(request, sort, status=400, error="Nothing to undo.")
    labels, dismissals = await tools.undo_async(batch_id)
    await log(request, audit.TRAINING_UNDO, target=f"batch:{batch_id}",
              detail=f"{labels} labels, {dismissals} dismissals undone")
    if not labels and not dismissals:
        return await _inbox_page(request, sort, status=409, error=(
            "Nothing to undo: that batch was undone already, or is part of a deployed model."))
    return see_other(_inbox_url(sort, done="undone", n=str(labels + dismissals)))


def add_routes(app: web.Application) -> None:
    app.router.add_get(TRAINING, inbox)
    app.router.add_post(TRAINING + "/batch", batch)
    app.router.add_post(TRAINING + "/undo", undo)
    app.router.add_post(TRAINING + "/items/{item_id}/label", label)
    app.router.add_post(TRAINING + "/items/{item_id}/dismiss", dismiss)
