"""Which resident messages the assistant has not had yet (kept through an outage).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dpa_transcript_messages") as batch:
        batch.add_column(sa.Column("relay", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dpa_transcript_messages") as batch:
        batch.drop_column("relay")
