"""The order audit log: who asked, what was checked, what changed (`bot.orders.audit`).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.migrations import create_table_if_missing

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    created = create_table_if_missing(
        op,
        "order_audit",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("conversation_id", sa.String(64), nullable=False),
        sa.Column("customer_id", sa.String(64), nullable=True),
        sa.Column("order_number", sa.String(64), nullable=True),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("action", sa.String(32), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    if created:
        for column in ("at", "conversation_id", "customer_id", "order_number"):
            op.create_index(f"ix_order_audit_{column}", "order_audit", [column])


def downgrade() -> None:
    op.drop_table("order_audit")
