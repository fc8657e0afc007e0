"""The tables of the conversation database (SQLAlchemy models on one `Base`): conversations,
their messages, the webhook outbox, remembered replies, the order audit log and the helpdesk
ledger (events received from a helpdesk, calls owed to it: `bot.helpdesk.ledger`).

Every table shopbot keeps in that database is declared here, so that `Base.metadata` is the
whole schema wherever it is used (start-up, `bot.migrations`, their checks). The modules that
read and write them (`bot.store`, `bot.orders.audit`) import their rows from here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.status import ConversationStatus


def utc_now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class ConversationRow(Base):
    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(
        String(32), default=ConversationStatus.BOT.value, index=True
    )
    channel: Mapped[str] = mapped_column(String(32), default="api")
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class MessageRow(Base):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("conversation_id", "position"),
        # A retried request (same idempotency key, maybe through another replica) finds
        # its message instead of storing it twice.
        Index("uq_messages_request_key", "conversation_id", "request_key", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    request_key: Mapped[str | None] = mapped_column(String(200), nullable=True)


class DeliveryRow(Base):
    """An outgoing webhook call, kept until delivered (the outbox)."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class IdempotencyRow(Base):
    """Replies remembered by idempotency key before shopbot kept one rule for retries (the
    message's ``request_key``). Nothing writes it now; it stays for replicas of the older
    version during a rolling upgrade (migrations only add), and a conversation's deletion
    still erases its rows."""

    __tablename__ = "idempotency"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class OrderAuditRow(Base):
    __tablename__ = "order_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now, index=True)
    conversation_id: Mapped[str] = mapped_column(String(64), index=True)
    customer_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    order_number: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    event: Mapped[str] = mapped_column(String(32))
    action: Mapped[str | None] = mapped_column(String(32), nullable=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class QueuedRow:
    """What an event to handle and a call to make both keep: whose, under which key, and
    how far the work on it got."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    helpdesk: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(200))
    conversation_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class HelpdeskEventRow(QueuedRow, Base):
    __tablename__ = "helpdesk_events"
    __table_args__ = (UniqueConstraint("helpdesk", "key", name="uq_helpdesk_events_key"),)

    event: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class HelpdeskOutboxRow(QueuedRow, Base):
    __tablename__ = "helpdesk_outbox"
    __table_args__ = (UniqueConstraint("helpdesk", "key", name="uq_helpdesk_outbox_key"),)

    action: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    external_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
