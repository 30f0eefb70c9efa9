"""Staff console: accounts, sessions, the access log; when a waiting resident was told.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dpa_staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dpa_staff_users")),
        sa.UniqueConstraint("username", name=op.f("uq_dpa_staff_users_username")),
    )
    op.create_table(
        "dpa_staff_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["dpa_staff_users.id"],
            name=op.f("fk_dpa_staff_sessions_user_id_dpa_staff_users"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dpa_staff_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_dpa_staff_sessions_token_hash")),
    )
    op.create_index(op.f("ix_dpa_staff_sessions_user_id"), "dpa_staff_sessions", ["user_id"],
                    unique=False)
    op.create_table(
        "dpa_staff_access_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=120), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dpa_staff_access_log")),
    )
    op.create_index(op.f("ix_dpa_staff_access_log_at"), "dpa_staff_access_log", ["at"],
                    unique=False)
    op.create_index(op.f("ix_dpa_staff_access_log_target"), "dpa_staff_access_log", ["target"],
                    unique=False)
    # Adding a nullable column needs no table rebuild, on SQLite either.
    op.add_column("dpa_handoffs",
                  sa.Column("callback_offered_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dpa_handoffs") as batch:
        batch.drop_column("callback_offered_at")
    op.drop_index(op.f("ix_dpa_staff_access_log_target"), table_name="dpa_staff_access_log")
    op.drop_index(op.f("ix_dpa_staff_access_log_at"), table_name="dpa_staff_access_log")
    op.drop_table("dpa_staff_access_log")
    op.drop_index(op.f("ix_dpa_staff_sessions_user_id"), table_name="dpa_staff_sessions")
    op.drop_table("dpa_staff_sessions")
    op.drop_table("dpa_staff_users")
