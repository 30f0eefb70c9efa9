"""Alembic environment, configured in code by :mod:`bot.db.schema` (no alembic.ini).

Only the ``dpa_`` tables are ours: Rasa's tracker store may share the database, and
autogenerate must neither see its tables as strays nor propose to drop them.
"""
from __future__ import annotations

from alembic import context
from sqlalchemy import text

from bot.db.engine import get_engine
from bot.db.schema import VERSION_TABLE, include_name
from bot.db.tables import Base

# Any constant will do: it names the lock that serialises concurrent upgrades on PostgreSQL.
_POSTGRES_MIGRATION_LOCK = 727_001


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        include_name=include_name,
        compare_type=True,
        # SQLite cannot ALTER most things: batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        engine = get_engine(context.config.get_main_option("sqlalchemy.url"))
        with engine.connect() as connection:
            _run(connection)
            connection.commit()
    else:
        _run(connection)


def _run(connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSTGRES_MIGRATION_LOCK}
            )
        context.run_migrations()


def run_migrations_offline() -> None:
    """``--sql`` mode: print the DDL instead of running it (for a DBA to review)."""
    context.configure(
        url=context.config.get_main_option("sqlalchemy.url"),
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
