"""Retrain and evaluate: ``dpa evaluate`` in a child process, started from the console; its
state, outcome, confusion matrices and output on one page that reloads itself while it runs."""
from __future__ import annotations

import asyncio

from aiohttp import web

from bot.staff import audit
from bot.staff.auth import roles
from bot.staff.auth.security import require
from bot.staff.evaluate_job import IMAGES, AlreadyRunning, EvaluationJob
from bot.staff.render.pages import page, see_other
from bot.staff.services import EVALUATION_KEY, STAFF_KEY
from bot.staff.views.training_common import EVALUATE, TRAINING, log

# While a job runs its page reloads itself this often; the last lines of its output shown.
EVALUATE_REFRESH_SECONDS = 10
EVALUATE_TAIL_LINES = 60


def _job(request: web.Request) -> EvaluationJob:
    return request.app[EVALUATION_KEY]


def _minutes(seconds: float) -> str:
    minutes, seconds = divmod(max(0, int(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {seconds:02d} s"


def _outcome(job: EvaluationJob) -> dict[str, str]:
    """How a finished job went: words, and the css class of their box."""
    if job.error:
        return {"words": f"The job failed: {job.error}.", "css": "flash flash--error"}
    if job.returncode == 0:
        return {"words": "No regressions flagged: no intent got worse on the held-out data. "
                         "Deploy the new model with dpa train and restart dpa run.",
                "css": "flash"}
    if job.regression:
        return {"words": "Regressions flagged: at least one intent got worse on the held-out "
                         "data (see the output below). Do not deploy this model as it is.",
                "css": "flash flash--error"}
    return {"words": f"The job failed (exit status {job.returncode}): see the output below. "
                     "Nothing was compared.", "css": "flash flash--error"}


@require(roles.TRAINING)
async def evaluate_page(request: web.Request) -> web.Response:
    job = _job(request)
    now = request.app[STAFF_KEY].now()
    finished = job.state == "finished"
    elapsed = None
    started, ended = job.started_at, job.finished_at
    if job.running and started is not None:
        elapsed = _minutes((now - started).total_seconds())
    elif finished and started is not None and ended is not None:
        elapsed = _minutes((ended - started).total_seconds())
    output = None
    if job.state != "idle":
        output = await asyncio.to_thread(job.tail, EVALUATE_TAIL_LINES)
    done = request.query.get("done")
    return page(
        request, "training_evaluate.html", title="Retrain and evaluate",
        flash="Started: training a candidate model." if done == "started" else None,
        error="A job is already running: wait for it to finish." if done == "running" else None,
        refresh_seconds=EVALUATE_REFRESH_SECONDS if job.running else None,
        job=job, finished=finished, elapsed=elapsed,
        outcome=_outcome(job) if finished else None,
        images=[(name, IMAGES[name]) for name in job.images()] if finished else [],
        output=output, tail_lines=EVALUATE_TAIL_LINES, evaluate_url=EVALUATE,
        training_url=TRAINING)


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
        await log(request, audit.TRAINING_EVALUATE_START, target="evaluate",
                  detail="refused: a job is already running")
        return see_other(f"{EVALUATE}?done=running")
    await log(request, audit.TRAINING_EVALUATE_START, target="evaluate",
              detail="dpa evaluate")
    return see_other(f"{EVALUATE}?done=started")


@require(roles.TRAINING)
async def evaluate_image(request: web.Request) -> web.StreamResponse:
    path = _job(request).image_path(request.match_info["image"])
    if path is None:
        raise web.HTTPNotFound(text="No such image.")
    return web.FileResponse(path, headers={"Cache-Control": "no-store"})


def add_routes(app: web.Application) -> None:
    app.router.add_get(EVALUATE, evaluate_page)
    app.router.add_post(EVALUATE, evaluate_start)
    app.router.add_get(EVALUATE + "/images/{image}", evaluate_image)
