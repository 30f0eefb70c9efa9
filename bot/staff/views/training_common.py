"""What the trainer pages share: their URLs, the trainer tools, the access log, and paths as
trainers know them.

Everything shown comes from :class:`bot.trainers.service.TrainerTools`, which only ever
returns redacted text (placeholders such as ``[NAME]``); the hub's own transcripts, which
hold what residents really typed, are never read by these pages. A conversation is named by
a keyed hash of its id (``TrainerTools.conversation_ref``), in URLs and the access log alike:
the id is the resident's key to their chat. Every view and change goes to the access log.
"""
from __future__ import annotations

from pathlib import Path

from aiohttp import web

from bot.config import PROJECT_ROOT
from bot.staff.auth.security import PREFIX
from bot.staff.services import STAFF_KEY, TRAINERS_KEY
from bot.trainers.service import TrainerTools

TRAINING = PREFIX + "/training"
EVALUATE = TRAINING + "/evaluate"


def tools(request: web.Request) -> TrainerTools:
    return request.app[TRAINERS_KEY]


async def log(request: web.Request, action: str, target: str | None = None,
              detail: str | None = None) -> None:
    """An entry in the access log, by the signed-in trainer."""
    services = request.app[STAFF_KEY]
    await services.audit(request["staff"].account.username, action,
                         target=target, detail=detail)


def shown_path(path: Path) -> str:
    """A path as trainers know it (relative to the project), never a server's layout."""
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return path.name


def story_url(ref: str) -> str:
    return f"{TRAINING}/conversations/{ref}/story"
