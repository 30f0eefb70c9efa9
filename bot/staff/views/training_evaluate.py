"""Retrain and evaluate, and deploy: ``dpa evaluate`` in a child process started from the
console, the held-out data checked first, its report as tables, and the evaluated model
deployed to every Rasa server (or the previous one restored) without a restart.

The job's part of the page is served alone at ``.../job``; while a job runs the page's
script fetches it again every few seconds and announces a change of state in a live
region (no reload). Everything shown is figures, file names, staff names and redacted
example texts.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.staff import audit
from bot.staff.auth import roles
from bot.staff.auth.security import csrf_token, require
from bot.staff.evaluate_job import IMAGES, AlreadyRunning, EvaluationJob
from bot.staff.render.pages import page, see_other
from bot.staff.render.templating import render
from bot.staff.services import DEPLOYER_KEY, EVALUATION_KEY, STAFF_KEY
from bot.staff.views.training_common import EVALUATE, TRAINING, log, shown_path
from bot.staff.views.training_common import tools as trainer_tools
from bot.staff.views.training_inbox import words
from bot.trainers.deploy import Deployer, DeployFailed, HistoryEntry, read_model_info, stored_name
from bot.trainers.held_out_checks import HeldOutCheck, check_file
from bot.trainers.nlu_files import domain_intents

# While a job runs the page's script fetches the job's part this often.
EVALUATE_POLL_SECONDS = 5
EVALUATE_TAIL_LINES = 60
CONFUSION_WORDS = {"new": "New confusion", "fixed": "Fixed", "better": "Fewer",
                   "worse": "More"}


def _job(request: web.Request) -> EvaluationJob:
    return request.app[EVALUATION_KEY]


def _deployer(request: web.Request) -> Deployer:
    return request.app[DEPLOYER_KEY]


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
                         "The new model can be deployed below.", "css": "flash"}
    if job.regression:
        return {"words": "Regressions flagged: at least one intent got worse on the held-out "
                         "data (marked Worse below). Do not deploy this model as it is.",
                "css": "flash flash--error"}
    return {"words": f"The job failed (exit status {job.returncode}): open the job's output "
                     "below. Nothing was compared.", "css": "flash flash--error"}


def _state_words(job: EvaluationJob) -> str:
    if job.running:
        return "Training and comparing: this takes several minutes."
    if job.state == "finished":
        return "Finished. " + _outcome(job)["words"]
    return "Idle."


def _check(request: web.Request) -> HeldOutCheck:
    tools = trainer_tools(request)
    try:
        known = domain_intents(tools.domain_path)
    except OSError:
        known = []
    return check_file(tools.holdout, known_intents=known, where=shown_path(tools.holdout))


@dataclass(frozen=True)
class LiveModel:
    name: str
    trained: datetime | None
    entry: HistoryEntry | None


_INFO_CACHE: dict[tuple[str, float], Any] = {}


def _info(path: Path):
    """A model file's metadata, read once per file version (hashing 10 MB takes a moment)."""
    key = (str(path), path.stat().st_mtime)
    if key not in _INFO_CACHE:
        _INFO_CACHE.clear()
        _INFO_CACHE[key] = read_model_info(path)
    return _INFO_CACHE[key]


def _live(deployer: Deployer) -> LiveModel:
    entry = deployer.live()
    if entry is not None:
        return LiveModel(entry.name, entry.trained, entry)
    trained = None
    if deployer.startup_model.is_file():
        info = _info(deployer.startup_model)
        if info.trained_at:
            trained = datetime.fromtimestamp(info.trained_at, tz=timezone.utc)
    return LiveModel(deployer.startup_model.name, trained, None)


def _candidate(job: EvaluationJob, report: dict | None) -> Path | None:
    """The report's candidate model, only if it lies in the job's results directory."""
    if not report or not isinstance(report.get("candidate"), str):
        return None
    path = Path(report["candidate"]).resolve()
    try:
        path.relative_to(job.results_dir.resolve())
    except ValueError:
        return None
    return path if path.is_file() else None


def _deploy_offer(job: EvaluationJob, report: dict | None, live: LiveModel) -> dict[str, Any]:
    if report is None:
        return {"offered": False, "words": ""}
    if report.get("worse"):
        return {"offered": False, "words": "Not offered: the new model is worse on the held-out "
                                           "data. Fix the labels of the intents marked Worse "
                                           "and evaluate again."}
    candidate = _candidate(job, report)
    if candidate is None:
        return {"offered": False, "words": "The evaluated model's file is gone: evaluate again "
                                           "to deploy."}
    if stored_name(_info(candidate)) == live.name:
        return {"offered": False, "words": "This model is the one the assistant is using."}
    warn = (" The held-out set is small, so the comparison is only a hint."
            if (report.get("held_out") or {}).get("warnings") else "")
    return {"offered": True, "words": "The new model is no worse than the current one on the "
                                      "held-out data. Deploying switches every Rasa server to "
                                      "it without a restart; the current model can be restored "
                                      "in one step." + warn}


def _report(job: EvaluationJob) -> dict | None:
    """The finished job's report; when idle (the console restarted), the last one on disk."""
    if job.running:
        return None
    if job.state == "finished":
        return job.report()
    return job.last_report()


async def _job_context(request: web.Request) -> dict[str, Any]:
    job = _job(request)
    deployer = _deployer(request)
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
    check = await asyncio.to_thread(_check, request)
    report = await asyncio.to_thread(_report, job)
    live = await asyncio.to_thread(_live, deployer)
    deploy = await asyncio.to_thread(_deploy_offer, job, report, live)
    tools = trainer_tools(request)
    return dict(
        job=job, finished=finished, elapsed=elapsed, check=check, report=report,
        holdout_shown=shown_path(tools.holdout), deploy=deploy, live=live,
        outcome=_outcome(job) if finished else None, state_words=_state_words(job),
        images=[(name, IMAGES[name]) for name in job.images()] if finished else [],
        output=output, tail_lines=EVALUATE_TAIL_LINES, evaluate_url=EVALUATE,
        training_url=TRAINING, poll_seconds=EVALUATE_POLL_SECONDS, words=words,
        confusion_words=CONFUSION_WORDS)


_DONE = {
    "started": ("Started: training a candidate model.", None),
    "running": (None, "A job is already running: wait for it to finish."),
    "deployed": ("Deployed: the assistant now answers with the new model.", None),
    "restored": ("Restored: the assistant answers with the previous model again.", None),
}


@require(roles.TRAINING)
async def evaluate_page(request: web.Request) -> web.Response:
    context = await _job_context(request)
    deployer = _deployer(request)
    servers = await deployer.statuses()
    previous = deployer.previous()
    flash, error = _DONE.get(request.query.get("done", ""), (None, None))
    failure = request.query.get("failed")
    if failure in ("deploy", "restore"):
        who = request["staff"].account.username
        reason = _LAST_FAILURE.get((who, failure), "see the access log")
        error = (f"The {failure} did not go through: {reason}. "
                 "The assistant kept the model it had.")
    await log(request, audit.TRAINING_EVALUATE_VIEW, target="evaluate",
              detail=f"state={context['job'].state}")
    return page(request, "training_evaluate.html", title="Retrain and evaluate",
                flash=flash, error=error, servers=servers, previous=previous, **context)


@require(roles.TRAINING)
async def evaluate_job_part(request: web.Request) -> web.Response:
    """The job's part of the page alone, for the page's script (no reload)."""
    context = await _job_context(request)
    html = render("training_evaluate_job.html", csrf=csrf_token(request), **context)
    return web.Response(text=html, content_type="text/html", charset="utf-8",
                        headers={"Cache-Control": "no-store"})


@require(roles.TRAINING)
async def evaluate_start(request: web.Request) -> web.Response:
    job = _job(request)
    services = request.app[STAFF_KEY]
    who = request["staff"].account.username
    check = await asyncio.to_thread(_check, request)
    if check.problems:
        await log(request, audit.TRAINING_EVALUATE_START, target="evaluate",
                  detail="refused: the held-out data cannot judge a model")
        context = await _job_context(request)
        deployer = _deployer(request)
        return page(request, "training_evaluate.html", title="Retrain and evaluate",
                    status=400, error="Not started. " + " ".join(check.problems),
                    servers=await deployer.statuses(), previous=deployer.previous(),
                    **context)

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


# The last failure's reason per member of staff and kind, shown after the redirect (this
# process only; no resident data: file names and Rasa's error text).
_LAST_FAILURE: dict[tuple[str, str], str] = {}


@require(roles.TRAINING)
async def deploy(request: web.Request) -> web.Response:
    """Promote the evaluated candidate: every Rasa server loads it (Rasa's PUT /model)."""
    job, deployer = _job(request), _deployer(request)
    who = request["staff"].account.username
    report = await asyncio.to_thread(_report, job)
    live = await asyncio.to_thread(_live, deployer)
    offer = await asyncio.to_thread(_deploy_offer, job, report, live)
    candidate = _candidate(job, report)
    if not offer["offered"] or candidate is None or report is None:
        await log(request, audit.TRAINING_DEPLOY, target="model",
                  detail="refused: " + (offer["words"] or "no evaluated model"))
        _LAST_FAILURE[(who, "deploy")] = (offer["words"]
                                          or "there is no evaluated model to deploy")
        return see_other(f"{EVALUATE}?failed=deploy")
    started = time.monotonic()
    try:
        entry = await deployer.deploy(candidate, who, fingerprint=report.get("fingerprint"))
    except DeployFailed as failed:
        await log(request, audit.TRAINING_DEPLOY, target="model", detail=f"failed: {failed}")
        _LAST_FAILURE[(who, "deploy")] = str(failed)
        return see_other(f"{EVALUATE}?failed=deploy")
    await asyncio.to_thread(trainer_tools(request).journal.mark_deployed)
    await log(request, audit.TRAINING_DEPLOY, target=f"model:{entry.name}",
              detail=f"replaced {live.name}; on {len(entry.servers)} Rasa server(s); "
                     f"{time.monotonic() - started:.0f} s")
    return see_other(f"{EVALUATE}?done=deployed")


@require(roles.TRAINING)
async def restore(request: web.Request) -> web.Response:
    """Put the model the live one replaced back on every Rasa server."""
    deployer = _deployer(request)
    who = request["staff"].account.username
    live = await asyncio.to_thread(_live, deployer)
    try:
        entry = await deployer.restore(who)
    except DeployFailed as failed:
        await log(request, audit.TRAINING_RESTORE, target="model", detail=f"failed: {failed}")
        _LAST_FAILURE[(who, "restore")] = str(failed)
        return see_other(f"{EVALUATE}?failed=restore")
    await log(request, audit.TRAINING_RESTORE, target=f"model:{entry.name}",
              detail=f"replaced {live.name}; on {len(entry.servers)} Rasa server(s)")
    return see_other(f"{EVALUATE}?done=restored")


@require(roles.TRAINING)
async def evaluate_image(request: web.Request) -> web.StreamResponse:
    path = _job(request).image_path(request.match_info["image"])
    if path is None:
        raise web.HTTPNotFound(text="No such image.")
    return web.FileResponse(path, headers={"Cache-Control": "no-store"})


def add_routes(app: web.Application) -> None:
    app.router.add_get(EVALUATE, evaluate_page)
    app.router.add_post(EVALUATE, evaluate_start)
    app.router.add_get(EVALUATE + "/job", evaluate_job_part)
    app.router.add_post(EVALUATE + "/deploy", deploy)
    app.router.add_post(EVALUATE + "/restore", restore)
    app.router.add_get(EVALUATE + "/images/{image}", evaluate_image)
