"""The training inbox: messages the assistant probably misunderstood, labelling them with
an intent (or holding them out for testing), and dismissing them.

What trainers see is redacted; see :mod:`bot.staff.views.training_common`.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

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
    SORTS,
    InboxItem,
)
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


async def _inbox_page(request: web.Request, sort: str, *, flash: str | None = None,
                      error: str | None = None, status: int = 200) -> web.Response:
    tools = trainer_tools(request)
    frame: dict[str, Any] = {"title": "Training inbox", "flash": flash, "error": error,
                             "status": status, "evaluate_url": EVALUATE}
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
                intents=intents, sort=sort, reason_words=REASON_WORDS, training_url=TRAINING,
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


def add_routes(app: web.Application) -> None:
    app.router.add_get(TRAINING, inbox)
    app.router.add_post(TRAINING + "/items/{item_id}/label", label)
    app.router.add_post(TRAINING + "/items/{item_id}/dismiss", dismiss)
