"""bot.rasa.events is Rasa 3.6's own tracker-store table, and stays off our Alembic metadata."""
from __future__ import annotations

import pytest
from sqlalchemy.dialects import oracle, postgresql, sqlite
from sqlalchemy.schema import CreateIndex, CreateTable

from bot.db.tables import metadata as product_metadata
from bot.rasa.events import EVENTS_TABLE, events


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect(), oracle.dialect()],
                         ids=lambda d: d.name)
def test_the_table_is_the_one_rasa_creates(dialect):
    tracker_store = pytest.importorskip("rasa.core.tracker_store")
    theirs = tracker_store.SQLTrackerStore.SQLEvent.__table__

    def ddl(table):
        return [str(CreateTable(table).compile(dialect=dialect))] + sorted(
            str(CreateIndex(index).compile(dialect=dialect)) for index in table.indexes
        )

    assert ddl(events) == ddl(theirs)


def test_rasas_table_is_not_ours_to_migrate():
    assert EVENTS_TABLE not in product_metadata.tables
    assert events.metadata is not product_metadata
