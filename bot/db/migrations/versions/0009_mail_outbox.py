"""The mail outbox: every email, its text and its delivery state (bot/mail/models.py).

Numbered 0009 so that branches adding 0006-0008 meanwhile keep their numbers; it revises
0006, the head when it was merged.

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLE = "dpa_mail_outbox"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("template", sa.String(length=40), nullable=False),
        sa.Column("case_reference", sa.String(length=16), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("to_address", sa.String(length=320), nullable=False),
        sa.Column("from_address", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dpa_mail_outbox")),
        sa.UniqueConstraint("message_id", name=op.f("uq_dpa_mail_outbox_message_id")),
    )
    op.create_index(op.f("ix_dpa_mail_outbox_case_reference"), TABLE, ["case_reference"])
    op.create_index(op.f("ix_dpa_mail_outbox_status"), TABLE, ["status"])
    op.create_index(op.f("ix_dpa_mail_outbox_next_attempt_at"), TABLE, ["next_attempt_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_dpa_mail_outbox_next_attempt_at"), table_name=TABLE)
    op.drop_index(op.f("ix_dpa_mail_outbox_status"), table_name=TABLE)
    op.drop_index(op.f("ix_dpa_mail_outbox_case_reference"), table_name=TABLE)
    op.drop_table(TABLE)
