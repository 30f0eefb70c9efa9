"""Fixtures for the staff console: the real web app on a migrated SQLite file (and PostgreSQL
where cheap), a stand-in Rasa, accounts, a settable clock, and a signed-in browser-like client."""
from __future__ import annotations

import re
import shutil
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.cases.repository import CaseRepository
from bot.config import PROJECT_ROOT, Settings
from bot.db.engine import get_engine, make_session_factory
from bot.staff.auth.accounts import AccountStore, hash_password
from bot.staff.evaluate_job import EvaluationJob
from bot.staff.services import DEPLOYER_KEY, EVALUATION_KEY, NOW_KEY, TRAINERS_KEY
from bot.trainers.deploy import Deployer, DeployHistory
from bot.trainers.service import TrainerTools
from bot.web.app import create_app
from bot.web.resident_ids import new_conversation_id
from tests.fixtures.databases import FakeClock
from tests.web.conftest import db_url, migrated_template, rasa, settings  # noqa: F401

PASSWORD = "a long enough password"
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]*)">')
# Monday 23 November 2026, 10:00 in London (GMT): inside the default staffed hours.
MONDAY_MORNING = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)

_hashes: dict[str, str] = {}


def password_hash(password: str = PASSWORD) -> str:
    """Hashing costs ~50 ms on purpose; one hash per password is enough for the tests."""
    if password not in _hashes:
        _hashes[password] = hash_password(password)
    return _hashes[password]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY_MORNING)


@pytest.fixture
def accounts(db_url: str, clock: FakeClock) -> AccountStore:  # noqa: F811
    store = AccountStore(make_session_factory(get_engine(db_url)), now=clock)
    store.create("sam", password_hash(), role="staff", display_name="Sam")
    store.create("ada", password_hash(), role="admin", display_name="Ada")
    store.create("tom", password_hash(), role="trainer", display_name="Tom")
    return store


@pytest.fixture
def cases(db_url: str, clock: FakeClock) -> CaseRepository:  # noqa: F811
    return CaseRepository.from_url(db_url, now=clock)


@pytest.fixture
def trainer_project(tmp_path: Path) -> Path:
    """A copy of the project's training data: the trainer pages write here, never to the
    real ``data/`` and ``tests/`` (every console in these tests uses it)."""
    root = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT / "data" / "nlu", root / "data" / "nlu")
    shutil.copy(PROJECT_ROOT / "domain.yml", root / "domain.yml")
    (root / "tests" / "nlu").mkdir(parents=True)
    return root


def trainer_tools(app_settings: Settings, root: Path) -> TrainerTools:
    return TrainerTools(app_settings, nlu_dir=root / "data" / "nlu",
                        domain_path=root / "domain.yml",
                        holdout=root / "tests" / "nlu" / "holdout.yml",
                        stories=root / "tests" / "test_from_transcripts.yml")


@dataclass
class Console:
    """A browser-like client of the console: cookies, and the CSRF token of the last page."""

    client: TestClient
    settings: Settings
    csrf: str = ""

    @property
    def app(self):
        return self.client.app

    async def get(self, path: str, **kwargs: Any):
        response = await self.client.get(path, **kwargs)
        if response.content_type == "text/html":
            match = CSRF_META.search(await response.text())
            if match and match.group(1):
                self.csrf = match.group(1)
        return response

    async def page(self, path: str) -> str:
        response = await self.get(path)
        assert response.status == 200, (path, response.status, await response.text())
        return await response.text()

    async def post(self, path: str, data: dict[str, Any] | None = None, *, csrf: bool = True,
                   **kwargs: Any):
        form = dict(data or {})
        if csrf:
            form.setdefault("csrf_token", self.csrf)
        return await self.client.post(path, data=form, allow_redirects=False, **kwargs)

    async def post_json(self, path: str, payload: dict[str, Any], *, csrf: bool = True):
        headers = {"X-CSRF-Token": self.csrf} if csrf else {}
        headers["Accept"] = "application/json"
        return await self.client.post(path, json=payload, headers=headers)

    async def login(self, username: str, password: str = PASSWORD):
        await self.get("/staff/login")
        response = await self.post("/staff/login", {"username": username, "password": password})
        if response.status == 303:
            await self.get("/staff")  # a fresh CSRF token, bound to the new session
        return response


@pytest.fixture
async def make_console(settings: Settings, clock: FakeClock,  # noqa: F811
                       trainer_project: Path) -> AsyncIterator[Callable[..., Any]]:
    clients: list[TestClient] = []

    async def start(**changes: Any) -> Console:
        app_settings = replace(settings, **{"staff_hours": "always", **changes})
        app = create_app(app_settings)
        app[NOW_KEY] = clock
        app[TRAINERS_KEY] = trainer_tools(app_settings, trainer_project)
        # Never real training in these tests: a command that only prints (tests that start
        # the job set their own fake command on it).
        app[EVALUATION_KEY] = EvaluationJob(
            log_path=app_settings.var_dir / "evaluate" / "evaluate.log",
            results_dir=trainer_project.parent / "results" / "evaluate",
            command=[sys.executable, "-c", "print('no training in tests')"])
        # Never the project's models/ nor a real Rasa: nothing listens on port 9 (tests of
        # deploying point it at a Rasa of their own).
        app[DEPLOYER_KEY] = Deployer(
            servers=("http://127.0.0.1:9",), token="test-token",
            history=DeployHistory(app_settings.var_dir / "trainers" / "deployments.json"),
            store_dir=trainer_project.parent / "models" / "deployed",
            startup_model=trainer_project.parent / "models" / "dpa.tar.gz")
        client = TestClient(TestServer(app))
        await client.start_server()
        clients.append(client)
        return Console(client, app_settings)

    yield start
    for client in clients:
        await client.close()


@pytest.fixture
async def console(make_console, accounts) -> Console:
    return await make_console()


@pytest.fixture
async def signed_in(console: Console) -> Console:
    response = await console.login("sam")
    assert response.status == 303
    return console


def new_resident() -> str:
    """A new conversation id, as the hub makes them (``open_tab`` signs it)."""
    return new_conversation_id()
