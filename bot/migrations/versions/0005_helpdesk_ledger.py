"""The helpdesk ledger (`bot.helpdesk.ledger`): events received from a helpdesk, each once,
and the outbox of calls owed to it.

Revision ID: 0005
Revises: 0003
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from bot.migrations import create_table_if_missing

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _common() -> list[sa.Column[Any]]:
    return [
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("helpdesk", sa.String(32), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("conversation_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
    ]


def upgrade() -> None:
    if create_table_if_missing(
        op,
        "helpdesk_events",
        *_common(),
        sa.Column("event", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("helpdesk", "key", name="uq_helpdesk_events_key"),
    ):
        for column in ("conversation_id", "status"):
            op.create_index(f"ix_helpdesk_events_{column}", "helpdesk_events", [column])
    if create_table_if_missing(
        op,
        "helpdesk_outbox",
        *_common(),
        sa.Column("action", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("external_id", sa.String(64), nullable=True),
        sa.UniqueConstraint("helpdesk", "key", name="uq_helpdesk_outbox_key"),
    ):
        for column in ("conversation_id", "status", "external_id"):
            op.create_index(f"ix_helpdesk_outbox_{column}", "helpdesk_outbox", [column])


def downgrade() -> None:
    op.drop_table("helpdesk_outbox")
    op.drop_table("helpdesk_events")
