"""Case tables: dpa_cases and its audit trail dpa_case_events.

Revision ID: 0001
Revises:
Create Date: 2025-11-23
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dpa_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("request_type", sa.String(length=40), nullable=False),
        sa.Column("nation", sa.String(length=32), nullable=False),
        sa.Column("conversation_id", sa.String(length=128), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requires_id", sa.Boolean(), nullable=False),
        sa.Column("requires_authority", sa.Boolean(), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("previous_names", sa.Text(), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("postcode", sa.String(length=16), nullable=True),
        sa.Column("previous_addresses", sa.Text(), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("on_behalf", sa.Boolean(), nullable=False),
        sa.Column("subject_name", sa.String(length=200), nullable=True),
        sa.Column("relationship", sa.String(length=60), nullable=True),
        sa.Column("authority", sa.String(length=60), nullable=True),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("period", sa.Text(), nullable=True),
        sa.Column("services", sa.Text(), nullable=True),
        sa.Column("response_format", sa.String(length=20), nullable=True),
        sa.Column("id_document", sa.String(length=100), nullable=True),
        sa.Column("address_document", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("clock_started_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("extended", sa.Boolean(), nullable=False),
        sa.Column("extension_reason", sa.Text(), nullable=True),
        sa.Column("extension_notice_by", sa.Date(), nullable=True),
        sa.Column("paused_days", sa.Integer(), nullable=False),
        sa.Column("waiting_for", sa.String(length=100), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dpa_cases")),
        sa.UniqueConstraint("reference", name=op.f("uq_dpa_cases_reference")),
    )
    op.create_index(op.f("ix_dpa_cases_conversation_id"), "dpa_cases", ["conversation_id"])
    op.create_index(op.f("ix_dpa_cases_due_on"), "dpa_cases", ["due_on"])
    op.create_index(op.f("ix_dpa_cases_request_type"), "dpa_cases", ["request_type"])
    op.create_index(op.f("ix_dpa_cases_status"), "dpa_cases", ["status"])

    op.create_table(
        "dpa_case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["dpa_cases.id"],
            name=op.f("fk_dpa_case_events_case_id_dpa_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dpa_case_events")),
    )
    op.create_index(op.f("ix_dpa_case_events_case_id"), "dpa_case_events", ["case_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_dpa_case_events_case_id"), table_name="dpa_case_events")
    op.drop_table("dpa_case_events")
    op.drop_index(op.f("ix_dpa_cases_status"), table_name="dpa_cases")
    op.drop_index(op.f("ix_dpa_cases_request_type"), table_name="dpa_cases")
    op.drop_index(op.f("ix_dpa_cases_due_on"), table_name="dpa_cases")
    op.drop_index(op.f("ix_dpa_cases_conversation_id"), table_name="dpa_cases")
    op.drop_table("dpa_cases")
