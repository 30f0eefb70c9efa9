"""Creating and upgrading the case tables with Alembic, configured in code.

Upgrading is explicit (``dpa db upgrade``, the runner at start-up, the tests), never a side
effect of the first query: three processes share the database and should not race to
migrate it. Running it again is a no-op; concurrent runs wait for each other (SQLite's write
lock, a PostgreSQL advisory lock).
"""
from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL

from bot.db.engine import WRITE_OPTION, get_engine, normalise_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
TABLE_PREFIX = "dpa_"
# Alembic's bookkeeping table, named so it cannot collide with another tool's alembic_version.
VERSION_TABLE = "dpa_alembic_version"

# Alembic's ``context`` and ``op`` are process-wide proxies: one upgrade at a time per process.
_upgrade_lock = threading.Lock()


def include_name(name: str | None, type_: str, _parent_names: Mapping[Any, str | None]) -> bool:
    """Alembic filter: only our own tables (Rasa's may live in the same database)."""
    if type_ == "table":
        return name is not None and name.startswith(TABLE_PREFIX) and name != VERSION_TABLE
    return True


def alembic_config(url: str | URL | None = None) -> Config:
    """An Alembic Config pointing at ``bot/db/migrations``, without an ini file."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    if url is not None:
        # ConfigParser interpolates '%', which URL-encoded passwords contain.
        rendered = normalise_url(url).render_as_string(hide_password=False)
        config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return config


def upgrade_database(url: str | URL, revision: str = "head") -> None:
    """Bring the case tables at ``url`` up to ``revision`` (creating them on an empty DB)."""
    engine = get_engine(url)
    with _upgrade_lock, engine.connect() as connection:
        connection = connection.execution_options(**{WRITE_OPTION: True})
        with connection.begin():
            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.upgrade(config, revision)


def head_revision() -> str:
    """The newest migration in the code."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "bot/db/migrations/versions has no migrations"
    return head


def current_revision(url: str | URL) -> str | None:
    """The migration the database at ``url`` is at, or None if it was never migrated."""
    with get_engine(url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision()

