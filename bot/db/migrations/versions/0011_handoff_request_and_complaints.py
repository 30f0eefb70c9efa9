"""Handoffs remember what staff did with the resident's request; complaints made in chat.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dpa_handoffs") as batch:
        batch.add_column(sa.Column("request_outcome", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("request_reference", sa.String(length=16), nullable=True))
    op.create_table(
        "dpa_complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=128), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dpa_complaints")),
    )
    op.create_index(op.f("ix_dpa_complaints_conversation_id"), "dpa_complaints",
                    ["conversation_id"], unique=False)
    op.create_index(op.f("ix_dpa_complaints_status"), "dpa_complaints", ["status"],
                    unique=False)
    op.create_table(
        "dpa_complaint_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["complaint_id"], ["dpa_complaints.id"],
                                name=op.f("fk_dpa_complaint_events_complaint_id_dpa_complaints"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dpa_complaint_events")),
    )
    op.create_index(op.f("ix_dpa_complaint_events_complaint_id"), "dpa_complaint_events",
                    ["complaint_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_dpa_complaint_events_complaint_id"),
                  table_name="dpa_complaint_events")
    op.drop_table("dpa_complaint_events")
    op.drop_index(op.f("ix_dpa_complaints_status"), table_name="dpa_complaints")
    op.drop_index(op.f("ix_dpa_complaints_conversation_id"), table_name="dpa_complaints")
    op.drop_table("dpa_complaints")
    with op.batch_alter_table("dpa_handoffs") as batch:
        batch.drop_column("request_reference")
        batch.drop_column("request_outcome")
