"""The audit log of order requests: who asked, what was checked, what changed.

One row per event: an identity check, a decision shown to the shopper, a change carried out,
declined or abandoned, a hand-off. Kept in the conversation database (table `order_audit`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.errors import StoreError
from bot.schema import OrderAuditRow

EVENTS = (
    "identity_verified",  # the shopper proved who they are
    "identity_failed",  # details given did not match (which ones is not recorded in clear)
    "order_refused",  # an order that is not the shopper's was asked for
    "viewed",  # order details were shown
    "proposed",  # an allowed change was described and a yes asked for
    "refused",  # the policy refused a change
    "executed",  # the change was carried out after an explicit yes
    "declined",  # the shopper said no
    "abandoned",  # the shopper moved on without answering
    "failed",  # the order system refused or failed
    "escalated",  # handed to a human with the details
    "proof_asked",  # more proof asked for before goods go somewhere new
    "proof_given",  # a detail that proves more was given before any change was asked
    "restated",  # the shopper changed a detail of the proposal (it was described again)
    "asked_again",  # the shopper asked about the proposal (it was described again, unchanged)
)


@dataclass(frozen=True)
class AuditEvent:
    conversation_id: str
    event: str
    customer_id: str | None = None
    order_number: str | None = None
    action: str | None = None
    detail: dict[str, Any] | None = None
    at: datetime | None = None


class AuditLog(Protocol):
    def record(self, event: AuditEvent) -> None: ...

    def events(
        self, conversation_id: str | None = None, order_number: str | None = None
    ) -> list[AuditEvent]: ...


class SQLAuditLog:
    """`AuditLog` in the conversation database (the engine of a `SQLConversationStore`)."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine  # its schema (with `order_audit`) is migrated by the store

    def record(self, event: AuditEvent) -> None:
        if event.event not in EVENTS:
            raise ValueError(f"Unknown audit event {event.event!r}; one of {EVENTS}.")
        row = OrderAuditRow(
            conversation_id=event.conversation_id,
            customer_id=event.customer_id,
            order_number=event.order_number,
            event=event.event,
            action=event.action,
            detail=event.detail or {},
        )
        try:
            with Session(self.engine) as session, session.begin():
                session.add(row)
        except SQLAlchemyError as exc:
            raise StoreError(f"Could not write the order audit log: {exc}") from exc

    def events(
        self, conversation_id: str | None = None, order_number: str | None = None
    ) -> list[AuditEvent]:
        query = select(OrderAuditRow).order_by(OrderAuditRow.id)
        if conversation_id is not None:
            query = query.where(OrderAuditRow.conversation_id == conversation_id)
        if order_number is not None:
            query = query.where(OrderAuditRow.order_number == order_number)
        with Session(self.engine) as session:
            return [
                AuditEvent(
                    r.conversation_id,
                    r.event,
                    r.customer_id,
                    r.order_number,
                    r.action,
                    dict(r.detail or {}),
                    r.at,
                )
                for r in session.scalars(query)
            ]


class MemoryAuditLog:
    """`AuditLog` in memory (offline answers and unit tests)."""

    def __init__(self) -> None:
        self._events: list[AuditEvent] = []

    def record(self, event: AuditEvent) -> None:
        self._events.append(event)

    def events(
        self, conversation_id: str | None = None, order_number: str | None = None
    ) -> list[AuditEvent]:
        return [
            e
            for e in self._events
            if (conversation_id is None or e.conversation_id == conversation_id)
            and (order_number is None or e.order_number == order_number)
        ]
