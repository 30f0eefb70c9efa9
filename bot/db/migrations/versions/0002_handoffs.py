"""Handoffs: conversations waiting for, or with, a member of staff.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dpa_handoffs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=128), nullable=False),
        sa.Column("reason", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=80), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dpa_handoffs")),
    )
    op.create_index(op.f("ix_dpa_handoffs_conversation_id"), "dpa_handoffs",
                    ["conversation_id"], unique=False)
    op.create_index(op.f("ix_dpa_handoffs_status"), "dpa_handoffs", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_dpa_handoffs_status"), table_name="dpa_handoffs")
    op.drop_index(op.f("ix_dpa_handoffs_conversation_id"), table_name="dpa_handoffs")
    op.drop_table("dpa_handoffs")
