"""The helpdesk ledger: events received (each once) and calls to make (the outbox).

Both live in the conversation database, so that nothing acknowledged is lost when shopbot
restarts and nothing is done twice when a helpdesk delivers an event again:

- ``helpdesk_events``: every event accepted from a helpdesk under its idempotency key (a
  retried delivery finds its key taken); pending until it has been handled.
- ``helpdesk_outbox``: every call shopbot owes a helpdesk (a reply, a private note, a status
  change), under a key of its own so that handling an event twice enqueues nothing twice;
  pending until the helpdesk took it, retried with back-off meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import StoreError
from bot.schema import HelpdeskEventRow, HelpdeskOutboxRow, QueuedRow

PENDING, DONE, FAILED = "pending", "done", "failed"
SCAN_LIMIT = 2000
"""Pending rows looked at per claim (a backlog larger than this is worked off in turns)."""


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    """SQLite hands datetimes back without their zone; they were stored in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass
class LedgerEntry:
    """One event to handle or one call to make."""

    id: int
    key: str
    conversation_id: str
    kind: str
    data: dict[str, Any]
    status: str
    attempts: int
    created_at: datetime
    last_error: str | None = None
    external_id: str | None = None


def _event_entry(row: HelpdeskEventRow) -> LedgerEntry:
    return LedgerEntry(
        row.id,
        row.key,
        row.conversation_id,
        row.kind,
        dict(row.event),
        row.status,
        row.attempts,
        _aware(row.received_at),
        row.last_error,
    )


def _outbox_entry(row: HelpdeskOutboxRow) -> LedgerEntry:
    return LedgerEntry(
        row.id,
        row.key,
        row.conversation_id,
        row.kind,
        dict(row.action),
        row.status,
        row.attempts,
        _aware(row.created_at),
        row.last_error,
        row.external_id,
    )


def _claim_heads(
    session: Session,
    table: type[QueuedRow],
    helpdesk: str,
    limit: int,
    lease_s: float,
    exclude: Iterable[str],
) -> list[Any]:
    """The oldest pending row of each conversation, where that row is due; leased."""
    now = _now()
    busy = set(exclude)
    rows = session.scalars(
        select(table)
        .where(table.helpdesk == helpdesk, table.status == PENDING)
        .order_by(table.id)
        .limit(SCAN_LIMIT)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite has one writer
    ).all()
    heads = []
    for row in rows:
        if row.conversation_id in busy:
            continue
        busy.add(row.conversation_id)  # later rows of this conversation wait for this one
        if _aware(row.next_attempt_at) <= now:
            heads.append(row)
            if len(heads) >= limit:
                break
    until = now + timedelta(seconds=lease_s)
    for row in heads:
        row.next_attempt_at = until
    return heads


class HelpdeskLedger:
    """The two tables of one helpdesk (``helpdesk`` names it: "chatwoot", "zendesk", ...)."""

    def __init__(self, engine: Any, helpdesk: str) -> None:
        self.engine = engine  # its schema is migrated by the conversation store
        self.helpdesk = helpdesk
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def _session(self) -> Session:
        return self._sessions()

    # -- events received -------------------------------------------------------------------
    def record_event(
        self, key: str, conversation_id: str, kind: str, event: dict[str, Any]
    ) -> bool:
        """Keep an event to handle; False when its key was recorded before (a redelivery)."""
        row = HelpdeskEventRow(event=event)
        return self._add_once(row, key, conversation_id, kind, "record the helpdesk event")

    def _add_once(
        self, row: QueuedRow, key: str, conversation_id: str, kind: str, what: str
    ) -> bool:
        """Store ``row`` under ``key``; False when the key is taken already."""
        row.helpdesk, row.key, row.conversation_id, row.kind = (
            self.helpdesk,
            key,
            conversation_id,
            kind,
        )
        try:
            with self._session() as session, session.begin():
                session.add(row)
            return True
        except IntegrityError:
            return False
        except SQLAlchemyError as exc:
            raise StoreError(f"Cannot {what}: {exc}") from exc

    def pending_events(
        self, limit: int = 50, lease_s: float = 300.0, exclude: Iterable[str] = ()
    ) -> list[LedgerEntry]:
        """Claim the next event of each conversation whose next event is due (oldest
        conversations first): the events of one conversation are handled one after the
        other, in the order received, whichever replica handles them. No other replica takes a
        claimed event for ``lease_s`` (after which, if this one died meanwhile, another does).
        ``exclude``: conversations this process is busy with."""
        with self._session() as session, session.begin():
            rows = _claim_heads(session, HelpdeskEventRow, self.helpdesk, limit, lease_s, exclude)
            return [_event_entry(row) for row in rows]

    def finish_event(self, entry_id: int, error: str | None = None, retry_in_s: float = 0) -> None:
        """Handled (no ``error``), to be retried in ``retry_in_s``, or failed (``retry_in_s``
        below 0)."""
        self._finish(HelpdeskEventRow, entry_id, error, retry_in_s, {"done_at": _now()})

    def events(self, conversation_id: str | None = None) -> list[LedgerEntry]:
        with self._session() as session:
            query = select(HelpdeskEventRow).where(HelpdeskEventRow.helpdesk == self.helpdesk)
            if conversation_id:
                query = query.where(HelpdeskEventRow.conversation_id == conversation_id)
            return [_event_entry(r) for r in session.scalars(query.order_by(HelpdeskEventRow.id))]

    # -- calls to make ---------------------------------------------------------------------
    def enqueue(self, key: str, conversation_id: str, kind: str, action: dict[str, Any]) -> bool:
        """Owe the helpdesk a call; False when one with this key was enqueued before."""
        row = HelpdeskOutboxRow(action=action)
        return self._add_once(row, key, conversation_id, kind, "queue the call to the helpdesk")

    def due_calls(self, limit: int = 50, lease_s: float = 60.0) -> list[LedgerEntry]:
        """Claim the next call of each conversation whose next call is due: a conversation's
        calls are made one after the other, so a reply never overtakes the one before it."""
        with self._session() as session, session.begin():
            rows = _claim_heads(session, HelpdeskOutboxRow, self.helpdesk, limit, lease_s, ())
            return [_outbox_entry(row) for row in rows]

    def finish_call(
        self,
        entry_id: int,
        *,
        error: str | None = None,
        retry_in_s: float = 0,
        external_id: str | None = None,
    ) -> None:
        """Made (no ``error``; the helpdesk's id for what it created), to be retried in
        ``retry_in_s``, or failed for good (``retry_in_s`` below 0)."""
        done = {"sent_at": _now(), "external_id": external_id}
        self._finish(HelpdeskOutboxRow, entry_id, error, retry_in_s, done)

    def _finish(
        self,
        table: type[QueuedRow],
        entry_id: int,
        error: str | None,
        retry_in_s: float,
        when_done: dict[str, Any],
    ) -> None:
        with self._session() as session, session.begin():
            row = session.get(table, entry_id)
            if row is None:
                return
            row.attempts += 1
            row.last_error = error
            if error is None:
                row.status = DONE
                for name, value in when_done.items():
                    setattr(row, name, value)
            elif retry_in_s < 0:
                row.status = FAILED
            else:
                row.next_attempt_at = _now() + timedelta(seconds=retry_in_s)

    def retry_now(self, conversation_id: str | None = None) -> int:
        """Make every waiting call due at once (the helpdesk is back); how many."""
        with self._session() as session, session.begin():
            query = update(HelpdeskOutboxRow).where(
                HelpdeskOutboxRow.helpdesk == self.helpdesk, HelpdeskOutboxRow.status == PENDING
            )
            if conversation_id:
                query = query.where(HelpdeskOutboxRow.conversation_id == conversation_id)
            result = session.execute(query.values(next_attempt_at=_now()))
            return int(getattr(result, "rowcount", 0) or 0)

    def calls(self, conversation_id: str | None = None) -> list[LedgerEntry]:
        with self._session() as session:
            query = select(HelpdeskOutboxRow).where(HelpdeskOutboxRow.helpdesk == self.helpdesk)
            if conversation_id:
                query = query.where(HelpdeskOutboxRow.conversation_id == conversation_id)
            rows = session.scalars(query.order_by(HelpdeskOutboxRow.id))
            return [_outbox_entry(r) for r in rows]

    def owes(self, conversation_id: str, kind: str) -> bool:
        """Is a call of ``kind`` for this conversation still waiting to be made?"""
        with self._session() as session:
            found = session.scalar(
                select(HelpdeskOutboxRow.id).where(
                    HelpdeskOutboxRow.helpdesk == self.helpdesk,
                    HelpdeskOutboxRow.conversation_id == conversation_id,
                    HelpdeskOutboxRow.kind == kind,
                    HelpdeskOutboxRow.status == PENDING,
                )
            )
            return found is not None

    def sent_by_us(self, external_id: str) -> bool:
        """Did shopbot create the helpdesk's message ``external_id`` (its own echo)?"""
        with self._session() as session:
            found = session.scalar(
                select(HelpdeskOutboxRow.id).where(
                    HelpdeskOutboxRow.helpdesk == self.helpdesk,
                    HelpdeskOutboxRow.external_id == external_id,
                )
            )
            return found is not None

    def counts(self) -> dict[str, int]:
        """Events and calls by state, for health and metrics."""
        from sqlalchemy import func

        counts: dict[str, int] = {}
        with self._session() as session:
            for name, table in (("events", HelpdeskEventRow), ("calls", HelpdeskOutboxRow)):
                rows = session.execute(
                    select(table.status, func.count())
                    .where(table.helpdesk == self.helpdesk)
                    .group_by(table.status)
                ).all()
                for status, count in rows:
                    counts[f"{name}_{status}"] = int(count)
        return counts
