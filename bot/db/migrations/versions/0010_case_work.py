"""Cases: proof of address recorded apart from proof of identity, and the officer assigned.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dpa_cases") as batch:
        batch.add_column(sa.Column("requires_address", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("assigned_to", sa.String(length=100), nullable=True))
        batch.create_index(op.f("ix_dpa_cases_assigned_to"), ["assigned_to"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dpa_cases") as batch:
        batch.drop_index(op.f("ix_dpa_cases_assigned_to"))
        batch.drop_column("assigned_to")
        batch.drop_column("requires_address")
