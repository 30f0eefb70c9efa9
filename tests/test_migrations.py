"""The Alembic migrations create the case tables, are idempotent and match the models."""
from __future__ import annotations

import stat
import subprocess
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from bot.cases.new_case import NewCase
from bot.cases.repository import CaseRepository
from bot.config import PROJECT_ROOT
from bot.db.engine import get_engine, mask_url, normalise_url
from bot.db.schema import (
    VERSION_TABLE,
    alembic_config,
    current_revision,
    head_revision,
    include_name,
    upgrade_database,
)
from bot.db.tables import Base

OUR_TABLES = {
    "dpa_cases", "dpa_case_events", "dpa_handoffs", "dpa_transcript_messages",
    "dpa_staff_users", "dpa_staff_sessions", "dpa_staff_access_log", "dpa_status_check_attempts",
    "dpa_mail_outbox", "dpa_complaints", "dpa_complaint_events", "dpa_case_documents",
    "dpa_conversation_servers",
}


def _tables(url: str) -> set[str]:
    return set(inspect(get_engine(url)).get_table_names())


def test_upgrade_creates_the_schema_on_an_empty_database(database_url: str) -> None:
    assert current_revision(database_url) is None
    upgrade_database(database_url)
    assert _tables(database_url) == OUR_TABLES | {VERSION_TABLE}
    assert current_revision(database_url) == head_revision()


def test_upgrading_twice_is_a_no_op_and_keeps_data(database_url: str) -> None:
    upgrade_database(database_url)
    repo = CaseRepository.from_url(database_url)
    case = repo.create_case(
        NewCase(request_type="request_access", full_name="Ada Lovelace"),
        received_at=datetime(2026, 1, 5, 9, tzinfo=timezone.utc),
    )
    upgrade_database(database_url)
    assert current_revision(database_url) == head_revision()
    assert [c.reference for c in repo.list_cases()] == [case.reference]
    with get_engine(database_url).connect() as connection:
        versions = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).all()
    assert versions == [(head_revision(),)]


def test_models_match_the_migrations(database_url: str) -> None:
    """Autogenerate finds nothing to do: nobody changed a model without a migration."""
    upgrade_database(database_url)
    with get_engine(database_url).connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_name": include_name,
                "version_table": VERSION_TABLE,
            },
        )
        assert compare_metadata(context, Base.metadata) == []


def test_downgrade_to_base_and_back(database_url: str) -> None:
    upgrade_database(database_url)
    config = alembic_config(database_url)
    with get_engine(database_url).begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert _tables(database_url) == {VERSION_TABLE}
    upgrade_database(database_url)
    assert _tables(database_url) == OUR_TABLES | {VERSION_TABLE}


def test_shares_a_database_with_rasa_and_other_alembic_users(database_url: str) -> None:
    """Rasa's tracker store has an ``events`` table; another tool may use alembic_version."""
    with get_engine(database_url).begin() as connection:
        connection.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, data TEXT)"))
        connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
        connection.execute(text("INSERT INTO alembic_version VALUES ('someone_elses')"))
    upgrade_database(database_url)
    assert _tables(database_url) == OUR_TABLES | {VERSION_TABLE, "events", "alembic_version"}
    with get_engine(database_url).connect() as connection:
        theirs = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        context = MigrationContext.configure(
            connection,
            opts={"include_name": include_name, "version_table": VERSION_TABLE},
        )
        assert compare_metadata(context, Base.metadata) == []  # their tables are ignored
    assert theirs == [("someone_elses",)]
    assert all(name.startswith("dpa_") for name in Base.metadata.tables)


def test_concurrent_upgrades_in_one_process_wait_for_each_other(database_url: str) -> None:
    errors: list[BaseException] = []

    def upgrade() -> None:
        try:
            upgrade_database(database_url)
        except BaseException as exc:  # collected and reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=upgrade) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert current_revision(database_url) == head_revision()


def test_concurrent_upgrades_from_several_processes(database_url: str) -> None:
    """The runner, a CLI and a test may all upgrade at start-up; none may fail."""
    script = "import sys; from bot.db.schema import upgrade_database; upgrade_database(sys.argv[1])"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, database_url],
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outcomes = [(p.wait(timeout=60), p.stderr.read()) for p in processes]
    for process in processes:
        process.stdout.close()
        process.stderr.close()
    assert [code for code, _ in outcomes] == [0, 0], [err[-800:] for _, err in outcomes]
    assert current_revision(database_url) == head_revision()


def test_sqlite_connections_are_set_up_for_several_processes(sqlite_url: str) -> None:
    upgrade_database(sqlite_url)  # also creates the missing var/ directory
    with get_engine(sqlite_url).connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 5000


def test_a_new_sqlite_file_is_private_to_its_owner(sqlite_url: str) -> None:
    """It holds residents' personal data."""
    upgrade_database(sqlite_url)
    path = Path(make_url(sqlite_url).database)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_engines_are_cached_per_url(sqlite_url: str) -> None:
    assert get_engine(sqlite_url) is get_engine(sqlite_url)


@pytest.mark.parametrize(
    "url, shown",
    [
        ("postgresql://dpa:s3cret@db.example:5432/dpa", "postgresql://dpa:***@db.example:5432/dpa"),
        ("postgres://dpa:p%40ss@db/dpa", "postgresql://dpa:***@db/dpa"),
        ("sqlite:////srv/var/dpa.sqlite3", "sqlite:////srv/var/dpa.sqlite3"),
    ],
)
def test_urls_are_shown_without_passwords(url: str, shown: str) -> None:
    assert mask_url(url) == shown
    assert "s3cret" not in mask_url(url)


def test_postgres_scheme_alias_is_accepted() -> None:
    assert normalise_url("postgres://u@h/d").drivername == "postgresql"
