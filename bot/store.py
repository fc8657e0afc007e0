"""Conversation memory in a real database through SQLAlchemy (SQLite by default, PostgreSQL
by URL). Every message is committed before it is acknowledged."""

from __future__ import annotations

import builtins
import contextlib
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import (
    event,
    func,
    select,
)
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.database import open_engine
from bot.errors import ConversationNotFound, IdempotencyConflict, InvalidMessage, StoreError
from bot.schema import (
    Base,
    ConversationRow,
    DeliveryRow,
    IdempotencyRow,
    MessageRow,
    utc_now,
)
from bot.status import ConversationStatus

STATUSES = tuple(status.value for status in ConversationStatus)


@dataclass
class Delivery:
    id: int
    conversation_id: str
    kind: str
    payload: dict[str, Any]
    status: str
    attempts: int
    last_error: str | None


@dataclass
class StoredMessage:
    position: int
    role: str
    content: str
    created_at: datetime
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class StoredConversation:
    id: str
    status: ConversationStatus
    channel: str
    language: str | None
    created_at: datetime
    updated_at: datetime
    data: dict[str, Any]
    messages: list[StoredMessage]


@runtime_checkable
class ConversationStore(Protocol):
    """Where conversations live."""

    def create(self, conversation_id: str | None = None, channel: str = "api") -> str: ...

    def ensure(self, conversation_id: str, channel: str = "api") -> str: ...

    def exists(self, conversation_id: str) -> bool: ...

    def append(
        self,
        conversation_id: str,
        role: str,
        content: str,
        data: dict[str, Any] | None = None,
        *,
        request_key: str | None = None,
    ) -> StoredMessage: ...

    def update_message(self, conversation_id: str, position: int, data: dict[str, Any]) -> None: ...

    def get(self, conversation_id: str) -> StoredConversation: ...

    def set_status(self, conversation_id: str, status: ConversationStatus) -> None: ...

    def update_data(self, conversation_id: str, data: dict[str, Any]) -> None: ...

    def list(
        self, status: ConversationStatus | None = None, limit: int = 100
    ) -> builtins.list[StoredConversation]: ...

    def enqueue_delivery(self, conversation_id: str, kind: str, payload: dict[str, Any]) -> int: ...

    def due_deliveries(self, limit: int = 20, lease_s: float = 60.0) -> builtins.list[Delivery]: ...

    def finish_delivery(
        self, delivery_id: int, ok: bool, error: str | None = None, retry_in_s: float = 0
    ) -> None: ...


class SQLConversationStore:
    """`ConversationStore` on any SQLAlchemy database."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = open_engine(url, StoreError, "SHOPBOT_DATABASE_URL")
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite takes its write lock only when a transaction first writes, so two appends can
        # read the same last position; in one process, take turns instead of retrying.
        self._append_lock: contextlib.AbstractContextManager[Any] = (
            threading.Lock() if url.startswith("sqlite") else contextlib.nullcontext()
        )
        from bot import migrations

        try:
            migrations.upgrade(self.engine, Base.metadata)
        except SQLAlchemyError as exc:
            raise StoreError(f"Cannot reach the database {self._safe_url()}: {exc}") from exc

    def _safe_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def _session(self) -> Session:
        return self._sessions()

    def create(self, conversation_id: str | None = None, channel: str = "api") -> str:
        conversation_id = conversation_id or uuid.uuid4().hex
        try:
            with self._session() as session, session.begin():
                session.add(ConversationRow(id=conversation_id, channel=channel, data={}))
        except IntegrityError as exc:
            raise StoreError(f"A conversation {conversation_id!r} already exists.") from exc
        except SQLAlchemyError as exc:
            raise StoreError(f"Cannot store the conversation: {exc}") from exc
        return conversation_id

    def ensure(self, conversation_id: str, channel: str = "api") -> str:
        if not self.exists(conversation_id):
            try:
                self.create(conversation_id, channel)
            except StoreError:
                if not self.exists(conversation_id):  # not a lost race: a real failure
                    raise
        return conversation_id

    def exists(self, conversation_id: str) -> bool:
        with self._session() as session:
            return session.get(ConversationRow, conversation_id) is not None

    def append(
        self,
        conversation_id: str,
        role: str,
        content: str,
        data: dict[str, Any] | None = None,
        *,
        request_key: str | None = None,
    ) -> StoredMessage:
        """Store a message at the next position; with ``request_key``, a message stored
        before under the same key is returned instead (the retry of a request), and a
        different message under that key is an `IdempotencyConflict`. Text with a null byte
        is refused on every database (`InvalidMessage`; PostgreSQL cannot store it)."""
        if "\x00" in content:
            raise InvalidMessage("A message with a null byte (\\u0000) cannot be stored.")
        for attempt in range(10):  # another writer may take the same position: retry
            try:
                with self._append_lock, self._session() as session, session.begin():
                    # The row lock serialises writers of one conversation (PostgreSQL);
                    # SQLite serialises all writers and the retry covers the rest.
                    conversation = session.get(
                        ConversationRow, conversation_id, with_for_update=True
                    )
                    if conversation is None:
                        raise ConversationNotFound(f"No conversation {conversation_id!r}.")
                    if request_key and (
                        earlier := _by_request(session, conversation_id, request_key)
                    ):
                        if (earlier.role, earlier.content) != (role, content):
                            raise IdempotencyConflict(
                                f"The request key {request_key!r} was used before for another "
                                "message of this conversation; send a new key with a new message.",
                                key=request_key,
                            )
                        return _message(earlier)
                    position = session.scalar(
                        select(func.coalesce(func.max(MessageRow.position), -1)).where(
                            MessageRow.conversation_id == conversation_id
                        )
                    )
                    row = MessageRow(
                        conversation_id=conversation_id,
                        position=(position if position is not None else -1) + 1,
                        role=role,
                        content=content,
                        data=data or {},
                        request_key=request_key,
                    )
                    session.add(row)
                    conversation.updated_at = utc_now()
                return _message(row)
            except IntegrityError:
                time.sleep(random.uniform(0, 0.01 * (attempt + 1)))  # let the other one finish
                continue
            except SQLAlchemyError as exc:
                raise StoreError(f"Cannot store the message: {exc}") from exc
        raise StoreError(f"Too many concurrent writers on conversation {conversation_id!r}.")

    def update_message(self, conversation_id: str, position: int, data: dict[str, Any]) -> None:
        with self._session() as session, session.begin():
            row = session.scalar(
                select(MessageRow).where(
                    MessageRow.conversation_id == conversation_id, MessageRow.position == position
                )
            )
            if row is None:
                raise ConversationNotFound(f"No message {position} in {conversation_id!r}.")
            row.data = {**(row.data or {}), **data}

    def get(self, conversation_id: str) -> StoredConversation:
        with self._session() as session:
            row = session.get(ConversationRow, conversation_id)
            if row is None:
                raise ConversationNotFound(f"No conversation {conversation_id!r}.")
            messages = session.scalars(
                select(MessageRow)
                .where(MessageRow.conversation_id == conversation_id)
                .order_by(MessageRow.position)
            ).all()
            return _conversation(row, messages)

    def set_status(self, conversation_id: str, status: ConversationStatus) -> None:
        if status not in STATUSES:
            raise ValueError(f"Unknown status {status!r}; one of {STATUSES}.")
        with self._session() as session, session.begin():
            row = session.get(ConversationRow, conversation_id)
            if row is None:
                raise ConversationNotFound(f"No conversation {conversation_id!r}.")
            row.status = ConversationStatus(status).value
            row.updated_at = utc_now()

    def update_data(self, conversation_id: str, data: dict[str, Any]) -> None:
        with self._session() as session, session.begin():
            row = session.get(ConversationRow, conversation_id)
            if row is None:
                raise ConversationNotFound(f"No conversation {conversation_id!r}.")
            row.data = {**(row.data or {}), **data}
            if "language" in data:
                row.language = data["language"]

    def list(
        self, status: ConversationStatus | None = None, limit: int = 100
    ) -> builtins.list[StoredConversation]:
        with self._session() as session:
            query = select(ConversationRow).order_by(ConversationRow.updated_at.desc()).limit(limit)
            if status:
                query = query.where(ConversationRow.status == status)
            return [_conversation(row, []) for row in session.scalars(query).all()]

    # -- personal data: per-shopper export and deletion --------------------------------------
    def delete(self, conversation_id: str) -> None:
        """Erase a conversation: its messages, queued webhook calls and remembered replies."""
        from sqlalchemy import delete as sql_delete

        with self._session() as session, session.begin():
            row = session.get(ConversationRow, conversation_id)
            if row is None:
                raise ConversationNotFound(f"No conversation {conversation_id!r}.")
            session.execute(sql_delete(MessageRow).where(MessageRow.conversation_id == row.id))
            session.execute(sql_delete(DeliveryRow).where(DeliveryRow.conversation_id == row.id))
            session.execute(
                sql_delete(IdempotencyRow).where(IdempotencyRow.key.startswith(f"{row.id}:"))
            )
            session.delete(row)

    def conversations_mentioning(self, fragment: str, role: str = "user") -> builtins.list[str]:
        """Ids of conversations where ``role`` wrote ``fragment`` (case-insensitive), newest
        first: candidates for a shopper's export or deletion, to be verified by the caller."""
        with self._session() as session:
            query = (
                select(MessageRow.conversation_id)
                .where(MessageRow.role == role)
                .where(func.lower(MessageRow.content).contains(fragment.lower(), autoescape=True))
                .group_by(MessageRow.conversation_id)
                .order_by(func.max(MessageRow.created_at).desc())
            )
            return list(session.scalars(query).all())

    # -- the webhook outbox ----------------------------------------------------------------
    def enqueue_delivery(self, conversation_id: str, kind: str, payload: dict[str, Any]) -> int:
        with self._session() as session, session.begin():
            row = DeliveryRow(conversation_id=conversation_id, kind=kind, payload=payload)
            session.add(row)
            session.flush()
            return row.id

    def due_deliveries(self, limit: int = 20, lease_s: float = 60.0) -> builtins.list[Delivery]:
        """Claim deliveries that are due: no other replica gets them for ``lease_s`` (after
        which, if this one died meanwhile, another retries them)."""
        from datetime import timedelta

        with self._session() as session, session.begin():
            rows = session.scalars(
                select(DeliveryRow)
                .where(DeliveryRow.status == "pending", DeliveryRow.next_attempt_at <= utc_now())
                .order_by(DeliveryRow.id)
                .limit(limit)
                .with_for_update(skip_locked=True)  # PostgreSQL; SQLite has one writer
            ).all()
            lease_until = utc_now() + timedelta(seconds=lease_s)
            for row in rows:
                row.next_attempt_at = lease_until
            return [
                Delivery(
                    r.id, r.conversation_id, r.kind, r.payload, r.status, r.attempts, r.last_error
                )
                for r in rows
            ]

    def deliveries(self, conversation_id: str) -> builtins.list[Delivery]:
        with self._session() as session:
            rows = session.scalars(
                select(DeliveryRow).where(DeliveryRow.conversation_id == conversation_id)
            ).all()
            return [
                Delivery(
                    r.id, r.conversation_id, r.kind, r.payload, r.status, r.attempts, r.last_error
                )
                for r in rows
            ]

    def finish_delivery(
        self, delivery_id: int, ok: bool, error: str | None = None, retry_in_s: float = 0
    ) -> None:
        from datetime import timedelta

        with self._session() as session, session.begin():
            row = session.get(DeliveryRow, delivery_id)
            if row is None:
                return
            row.attempts += 1
            row.last_error = error
            if ok:
                row.status = "delivered"
            elif retry_in_s < 0:
                row.status = "failed"
            else:
                row.next_attempt_at = utc_now() + timedelta(seconds=retry_in_s)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _by_request(session: Session, conversation_id: str, request_key: str) -> MessageRow | None:
    return session.scalar(
        select(MessageRow).where(
            MessageRow.conversation_id == conversation_id, MessageRow.request_key == request_key
        )
    )


def _message(row: MessageRow) -> StoredMessage:
    return StoredMessage(row.position, row.role, row.content, row.created_at, dict(row.data or {}))


def _conversation(row: ConversationRow, messages: Any) -> StoredConversation:
    return StoredConversation(
        id=row.id,
        status=ConversationStatus(row.status),
        channel=row.channel,
        language=row.language,
        created_at=row.created_at,
        updated_at=row.updated_at,
        data=dict(row.data or {}),
        messages=[
            StoredMessage(m.position, m.role, m.content, m.created_at, dict(m.data or {}))
            for m in messages
        ],
    )
