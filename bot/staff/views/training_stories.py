"""A conversation as a Rasa test story (redacted), shown to trainers and saved to the test
stories, so that a mistake they correct stays corrected."""
from __future__ import annotations

from aiohttp import web

from bot.staff import audit
from bot.staff.auth import roles
from bot.staff.auth.security import require
from bot.staff.render.pages import message_page, page, see_other
from bot.staff.views.training_common import TRAINING, log, shown_path, story_url
from bot.staff.views.training_common import tools as trainer_tools
from bot.trainers.stories import STORY_FILE_HEADER
from bot.trainers.tracker_events import TrackerStoreMissing


async def _conversation(request: web.Request) -> tuple[str, str]:
    """(reference, conversation id) of the URL's conversation, or 404."""
    ref = request.match_info["conversation"]
    try:
        conversation_id = await trainer_tools(request).find_conversation_async(ref)
    except TrackerStoreMissing:
        conversation_id = None
    if conversation_id is None:
        raise web.HTTPNotFound(text="No such conversation: it may have been deleted at the end "
                                    "of its retention period.")
    return ref, conversation_id


def _title(ref: str) -> str:
    return f"Conversation {ref[:8]}: test story"


@require(roles.TRAINING)
async def story(request: web.Request) -> web.Response:
    tools = trainer_tools(request)
    ref, conversation_id = await _conversation(request)
    await log(request, audit.TRAINING_STORY_VIEW, target=f"conversation:{ref}")
    target = shown_path(tools.stories)
    try:
        text = STORY_FILE_HEADER + await tools.story_async(conversation_id)
    except ValueError:
        return page(request, "training_story.html", title=_title(ref), story=None,
                    back_url=TRAINING)
    flash = {
        "saved": f"Saved to {target}. Edit it there into what the assistant should have done; "
                 "make test then keeps it that way.",
        "already": f"A story of this conversation is already in {target}: nothing changed.",
    }.get(request.query.get("done") or "")
    return page(request, "training_story.html", title=_title(ref), flash=flash, story=text,
                target=target, save_url=story_url(ref), back_url=TRAINING)


@require(roles.TRAINING)
async def save_story(request: web.Request) -> web.Response:
    tools = trainer_tools(request)
    ref, conversation_id = await _conversation(request)
    try:
        saved = await tools.save_story_async(conversation_id)
    except ValueError as exc:
        error = "Not saved: " + str(exc).replace(str(tools.stories), shown_path(tools.stories))
        return message_page(request, _title(ref), error=error, status=400,
                            link=("Back to the story", story_url(ref)))
    await log(request, audit.TRAINING_STORY_SAVE, target=f"conversation:{ref}",
              detail=f"to {shown_path(tools.stories)}" if saved else "already saved")
    return see_other(story_url(ref) + "?done=" + ("saved" if saved else "already"))


def add_routes(app: web.Application) -> None:
    app.router.add_get(TRAINING + "/conversations/{conversation}/story", story)
    app.router.add_post(TRAINING + "/conversations/{conversation}/story", save_story)
