"""Agents' own accounts, their console sessions and the audit of their actions
(`bot.agents`).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.migrations import create_table_if_missing

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_table_if_missing(
        op,
        "agents",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("secret_hash", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
    )
    if create_table_if_missing(
        op,
        "agent_sessions",
        sa.Column("token_sha256", sa.String(64), primary_key=True),
        sa.Column("agent", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("shared_key", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    ):
        for column in ("agent", "expires_at"):
            op.create_index(f"ix_agent_sessions_{column}", "agent_sessions", [column])
    if create_table_if_missing(
        op,
        "agent_audit",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("agent", sa.String(100), nullable=False),
        sa.Column("via", sa.String(32), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("conversation_id", sa.String(64), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
    ):
        for column in ("at", "agent", "conversation_id"):
            op.create_index(f"ix_agent_audit_{column}", "agent_audit", [column])


def downgrade() -> None:
    for table in ("agent_audit", "agent_sessions", "agents"):
        op.drop_table(table)
