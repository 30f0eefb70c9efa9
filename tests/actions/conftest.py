"""Fixtures for the action tests: the real domain, and a real case store per test.

Every test runs with its own settings: ``DPA_VAR_DIR`` and ``DATABASE_URL`` point into the
test's tmp_path (so nothing touches var/ or a running stack's database), and the action
server's cached settings and case repository are cleared before and after, so each test
sees the database it set up.
"""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from actions.settings import access_log, case_repository, outbox, settings, status_limits
from bot.cases.repository import CaseRepository
from bot.db.engine import dispose_engine
from bot.db.schema import current_revision, head_revision, upgrade_database
from tests.actions.support import load_domain


def _clear_caches() -> None:
    settings.cache_clear()
    case_repository.cache_clear()
    status_limits.cache_clear()
    access_log.cache_clear()
    outbox.cache_clear()


@pytest.fixture
def domain() -> dict[str, Any]:
    """domain.yml with data/responses/*.yml merged under "responses", as Rasa sends it."""
    return load_domain()


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Settings for this test alone; yields its DATABASE_URL (an empty SQLite file)."""
    var_dir = tmp_path / "var"
    url = f"sqlite:///{var_dir / 'dpa.sqlite3'}"
    monkeypatch.setenv("DPA_VAR_DIR", str(var_dir))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("COUNCIL_NATION", raising=False)
    _clear_caches()
    yield url
    _clear_caches()
    dispose_engine(url)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per session (migrating costs more than most tests)."""
    path = tmp_path_factory.mktemp("migrated") / "dpa.sqlite3"
    url = f"sqlite:///{path}"
    upgrade_database(url)
    dispose_engine(url)  # closing the last connection folds the WAL into the file
    return path


@pytest.fixture
def case_db(isolated_settings: str, migrated_template: Path) -> str:
    """The test's own database, migrated to head (the case and handoff tables)."""
    path = Path(make_url(isolated_settings).database)
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(migrated_template, path)
    assert current_revision(isolated_settings) == head_revision()
    return isolated_settings


@pytest.fixture
def cases(case_db: str) -> CaseRepository:
    """The very repository the actions use (actions.settings.case_repository)."""
    return case_repository()


@pytest.fixture
def use_database(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Point the action server at another database URL (clears the cached settings)."""
    used: list[str] = []

    def point_at(url: str) -> None:
        monkeypatch.setenv("DATABASE_URL", url)
        _clear_caches()
        used.append(url)

    yield point_at
    for url in used:
        dispose_engine(url)
