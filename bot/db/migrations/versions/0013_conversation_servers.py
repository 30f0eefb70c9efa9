"""Which Rasa server serves each conversation (bot/chat/placements.py).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TABLE = "dpa_conversation_servers"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("conversation_id", sa.String(length=128), nullable=False),
        sa.Column("server_url", sa.String(length=200), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_dpa_conversation_servers")),
    )
    op.create_index(op.f("ix_dpa_conversation_servers_seen_at"), TABLE, ["seen_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_dpa_conversation_servers_seen_at"), table_name=TABLE)
    op.drop_table(TABLE)
