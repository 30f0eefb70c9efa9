"""Plugging the staff console into the web app: services, middleware, routes, queue watcher."""
from __future__ import annotations

import asyncio
import contextlib

from aiohttp import web

from bot.staff.auth.security import add_security_headers, staff_gate
from bot.staff.callbacks import watch_queue
from bot.staff.evaluate_job import EvaluationJob
from bot.staff.services import (
    DEPLOYER_KEY,
    EVALUATION_KEY,
    NOW_KEY,
    STAFF_KEY,
    TRAINERS_KEY,
    StaffServices,
    utcnow,
)
from bot.staff.views import (
    accounts,
    case_actions,
    case_documents,
    case_mail,
    case_work,
    cases,
    complaints,
    dashboard,
    handoff_request,
    handoffs,
    live,
    sign_in,
    training_evaluate,
    training_inbox,
    training_stories,
)
from bot.trainers.deploy import Deployer
from bot.trainers.label_journal import label_journal_path
from bot.trainers.service import TrainerTools
from bot.web.keys import DATABASE_KEY, SETTINGS_KEY


async def _services(app: web.Application):
    """After the database context (it needs the database thread); watches the queue."""
    database = app[DATABASE_KEY]
    now = app.get(NOW_KEY, utcnow)
    services = StaffServices.build(app[SETTINGS_KEY], database.sessions, database.run, now=now)
    app[STAFF_KEY] = services
    watcher = asyncio.create_task(watch_queue(app))
    yield
    services.closing.set()
    watcher.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await watcher


async def _stop_streams(app: web.Application) -> None:
    """On shutdown, before the hub closes: live streams end instead of being cut."""
    if STAFF_KEY in app:
        app[STAFF_KEY].closing.set()


async def _stop_evaluation(app: web.Application) -> None:
    """On shutdown: a running ``dpa evaluate`` job is stopped, not left behind."""
    await app[EVALUATION_KEY].stop()


def add_staff_console(app: web.Application) -> None:
    app.cleanup_ctx.append(_services)
    app.middlewares.append(staff_gate)
    app.middlewares.append(live.count_waiting)  # after the gate: it needs the account
    # aiohttp 3.9 writes Signal[Callable[...]] but aiosignal 1.4's Signal is generic in the
    # callbacks' arguments, so mypy expects callbacks that take a callback: a typing mismatch.
    app.on_response_prepare.append(add_security_headers)  # type: ignore[arg-type]
    app.on_shutdown.append(_stop_streams)  # type: ignore[arg-type]
    app.on_shutdown.append(_stop_evaluation)  # type: ignore[arg-type]
    app[TRAINERS_KEY] = TrainerTools(app[SETTINGS_KEY])
    app[EVALUATION_KEY] = EvaluationJob(
        log_path=app[SETTINGS_KEY].var_dir / "evaluate" / "evaluate.log",
        labelled=label_journal_path(app[SETTINGS_KEY].var_dir))
    app[DEPLOYER_KEY] = Deployer.for_settings(app[SETTINGS_KEY])
    for module in (sign_in, dashboard, cases, case_actions, case_work, case_mail, case_documents,
                   handoffs, handoff_request, complaints, live, accounts,
                   training_inbox, training_stories, training_evaluate):
        module.add_routes(app)
