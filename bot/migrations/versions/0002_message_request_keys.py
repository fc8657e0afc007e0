"""A shopper message remembers the request (idempotency key) that brought it, once per
conversation: a retry through another replica finds it instead of storing it again.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("messages", sa.Column("request_key", sa.String(200), nullable=True))
    op.create_index(
        "uq_messages_request_key", "messages", ["conversation_id", "request_key"], unique=True
    )


def downgrade() -> None:
    op.drop_index("uq_messages_request_key", "messages")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("request_key")
