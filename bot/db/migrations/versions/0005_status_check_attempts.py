"""Status checks counted per case reference and per client address (keyed hashes only).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dpa_status_check_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("refused", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dpa_status_check_attempts")),
    )
    op.create_index(op.f("ix_dpa_status_check_attempts_at"), "dpa_status_check_attempts",
                    ["at"], unique=False)
    op.create_index(op.f("ix_dpa_status_check_attempts_key_hash"), "dpa_status_check_attempts",
                    ["key_hash"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_dpa_status_check_attempts_key_hash"),
                  table_name="dpa_status_check_attempts")
    op.drop_index(op.f("ix_dpa_status_check_attempts_at"), table_name="dpa_status_check_attempts")
    op.drop_table("dpa_status_check_attempts")
