"""Rasa's tracker-store ``events`` table, described once for everything of ours that uses it.

Rasa 3.6's ``SQLTrackerStore`` (``rasa/core/tracker_store.py``, ``SQLTrackerStore.SQLEvent``)
creates this table in the database ``DATABASE_URL`` names (``bot.rasa.endpoints``) and writes
one row per event: ``id``, ``sender_id`` (the conversation), ``type_name`` ("user",
"action", "slot", ...), ``timestamp`` in epoch seconds, ``intent_name``, ``action_name``,
and the whole event as JSON in ``data``. The columns, types, index and sequence below are
Rasa's own, so a table created from this one (the benchmark's stand-in, tests) is the one
Rasa would create.

The table is Rasa's: it sits on a :class:`~sqlalchemy.MetaData` of its own, never on the
product's (:mod:`bot.db.tables`), so Alembic neither creates, migrates nor drops it.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

EVENTS_TABLE = "events"

metadata = sa.MetaData()

events = sa.Table(
    EVENTS_TABLE,
    metadata,
    # Rasa's Sequence is optional: used only where an Integer key does not autoincrement.
    sa.Column("id", sa.Integer, sa.Sequence(f"{EVENTS_TABLE}_seq", optional=True),
              primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)


def create_events_table(bind: Engine | Connection) -> None:
    """Create the table (and its index) as Rasa would, if it is not there yet.

    Only for databases Rasa has not run on (the benchmark's web app alone, tests): Rasa
    creates its own.
    """
    metadata.create_all(bind, tables=[events])
