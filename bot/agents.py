"""Human agents: their accounts, their console sessions and the audit of what they did.

Each agent has a name, a role (``agent`` works the queue; ``admin`` also sees the insights and
the audit log) and a secret stored only as a scrypt hash. ``shopbot agents add|list|disable``
manages them. A store with a single agent may keep the shared keys of ``SHOPBOT_AGENT_KEYS``
instead: whoever has one logs in under any name no account holds, as an admin.

Console sessions live in the conversation database (only a hash of the session token), so
they survive restarts, work across replicas, and end at once when an account is disabled.
The console's CSRF token is derived from the session token: the page gets it from the server
and sends it back in a header, and a page that cannot read the HttpOnly cookie cannot make it.

Every agent action (logging in and out, failed logins, replies, hand-backs, closes, and the
same through the helpdesk API, account changes) is a row in ``agent_audit``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import JSON, Boolean, DateTime, Engine, Integer, String, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.errors import InputError
from bot.schema import Base

Role = Literal["agent", "admin"]
ROLES: tuple[Role, ...] = ("agent", "admin")
NAME = re.compile(r"^[^\x00-\x1f\x7f]{1,100}$")
MIN_SECRET_CHARS = 12
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
ACTIONS = (
    "login",
    "login_failed",
    "logout",
    "reply",
    "handback",
    "close",
    "privacy_export",
    "privacy_delete",
    "account_added",
    "account_disabled",
    "account_enabled",
)


def _now() -> datetime:
    return datetime.now(UTC)


class AgentRow(Base):
    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(16), default="agent")
    secret_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AgentSessionRow(Base):
    __tablename__ = "agent_sessions"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    agent: Mapped[str] = mapped_column(String(100), index=True)
    role: Mapped[str] = mapped_column(String(16))
    shared_key: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class AgentAuditRow(Base):
    __tablename__ = "agent_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)
    agent: Mapped[str] = mapped_column(String(100), index=True)
    via: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(32))
    conversation_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


@dataclass(frozen=True)
class Agent:
    """Who is acting: a name, a role, and how they proved it (``via``)."""

    name: str
    role: Role
    via: str  # "account", "shared key", "api key …", "cli"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


CLI = Agent("shopbot agents", "admin", "cli")
"""Who changes accounts from the command line (the machine's operator)."""


@dataclass(frozen=True)
class Account:
    name: str
    role: Role
    created_at: datetime
    disabled_at: datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role,
            "created_at": self.created_at.isoformat(),
            "disabled": self.disabled_at is not None,
            "disabled_at": self.disabled_at.isoformat() if self.disabled_at else None,
        }


@dataclass(frozen=True)
class ConsoleSession:
    agent: Agent
    csrf: str
    expires_at: datetime


def hash_secret(secret: str) -> str:
    """``scrypt$n$r$p$salt$hash`` (base64): what is stored instead of the secret."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, dklen=32, **_SCRYPT)
    b64 = base64.b64encode
    params = f"{_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}"
    return f"scrypt${params}${b64(salt).decode()}${b64(digest).decode()}"


def verify_secret(secret: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            secret.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def csrf_token(session_token: str) -> str:
    """The CSRF token of a console session (a page must be told it: it cannot derive it)."""
    return hmac.new(session_token.encode(), b"shopbot-console-csrf", hashlib.sha256).hexdigest()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AgentDirectory:
    """Agent accounts, console sessions and the audit log, in the conversation database
    (the engine of a `SQLConversationStore`, whose migrations create the tables)."""

    def __init__(
        self,
        engine: Engine | Callable[[], Engine],
        shared_keys: list[str] | None = None,
        session_hours: float = 12,
    ) -> None:
        self._engine = engine
        self.shared_keys = [k for k in shared_keys or [] if k]
        self.session_hours = session_hours
        # A fixed hash to check against when no account has the name: a failed login takes
        # as long whether or not the name exists.
        self._decoy = hash_secret(secrets.token_urlsafe(16))

    @property
    def engine(self) -> Engine:
        """The database engine (given, or opened on first use)."""
        if not isinstance(self._engine, Engine):
            self._engine = self._engine()
        return self._engine

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # -- accounts --------------------------------------------------------------------------
    def add(self, name: str, role: str = "agent", secret: str | None = None) -> str:
        """A new account; returns its secret (generated unless given). Say it once."""
        name = name.strip()
        if not NAME.match(name):
            raise InputError("An agent's name is 1 to 100 printable characters.")
        if role not in ROLES:
            raise InputError(f"Unknown role {role!r}; one of {', '.join(ROLES)}.")
        if secret is None:
            secret = secrets.token_urlsafe(18)
        elif len(secret) < MIN_SECRET_CHARS:
            raise InputError(f"A secret has at least {MIN_SECRET_CHARS} characters.")
        taken = InputError(f"An agent named {name!r} exists already.")
        try:
            with self._session() as session, session.begin():
                if (same := self._row(session, name)) is not None:  # names differ beyond case
                    raise InputError(f"An agent named {same.name!r} exists already.")
                session.add(AgentRow(name=name, role=role, secret_hash=hash_secret(secret)))
        except IntegrityError as exc:
            raise taken from exc
        detail = {"account": name, "role": role}
        self.record(CLI, "account_added", detail=detail)
        return secret

    @staticmethod
    def _row(session: Session, name: str) -> AgentRow | None:
        return session.scalar(select(AgentRow).where(func.lower(AgentRow.name) == name.lower()))

    def accounts(self) -> list[Account]:
        with self._session() as session:
            rows = session.scalars(select(AgentRow).order_by(AgentRow.name)).all()
            return [
                Account(r.name, r.role, r.created_at, r.disabled_at)  # type: ignore[arg-type]
                for r in rows
            ]

    def account(self, name: str) -> Account | None:
        return next((a for a in self.accounts() if a.name == name), None)

    def set_disabled(self, name: str, disabled: bool) -> None:
        """Disable (every session of the agent ends at once) or enable an account."""
        with self._session() as session, session.begin():
            row = self._row(session, name)
            if row is None:
                raise InputError(f"No agent named {name!r}; `shopbot agents list` shows them.")
            row.disabled_at = _now() if disabled else None
            if disabled:
                session.execute(delete(AgentSessionRow).where(AgentSessionRow.agent == row.name))
            name = row.name
        action = "account_disabled" if disabled else "account_enabled"
        self.record(CLI, action, detail={"account": name})

    def shared_keys_warning(self) -> str | None:
        """What to say when shared keys are still set beside agents' own accounts."""
        if not self.shared_keys:
            return None
        count = len(self.accounts())
        if not count:
            return None
        return (
            f"SHOPBOT_AGENT_KEYS is set while {count} agent account(s) exist: whoever has a "
            "shared key logs in, as an admin, under any name no account holds. Remove it once "
            "every agent has an account."
        )

    # -- logging in --------------------------------------------------------------------------
    def authenticate(self, name: str, secret: str) -> Agent | None:
        """The agent these credentials prove, or None. An account's name takes its own
        secret only; any other name takes a shared key of ``SHOPBOT_AGENT_KEYS``."""
        name = name.strip()
        with self._session() as session:
            row = self._row(session, name)
        if row is not None:
            ok = verify_secret(secret, row.secret_hash) and row.disabled_at is None
            return Agent(row.name, row.role, "account") if ok else None  # type: ignore[arg-type]
        verify_secret(secret, self._decoy)  # the same cost as for an account
        if NAME.match(name) and any(
            hmac.compare_digest(secret.encode(), k.encode()) for k in self.shared_keys
        ):
            return Agent(name, "admin", "shared key")
        return None

    def open_session(self, agent: Agent) -> tuple[str, ConsoleSession]:
        """A new console session: its token (for the cookie) and what it grants."""
        token = secrets.token_urlsafe(32)
        expires = _now() + timedelta(hours=self.session_hours)
        with self._session() as session, session.begin():
            session.execute(delete(AgentSessionRow).where(AgentSessionRow.expires_at < _now()))
            session.add(
                AgentSessionRow(
                    token_sha256=_token_hash(token),
                    agent=agent.name,
                    role=agent.role,
                    shared_key=agent.via == "shared key",
                    expires_at=expires,
                )
            )
        return token, ConsoleSession(agent, csrf_token(token), expires)

    def session(self, token: str) -> ConsoleSession | None:
        """The live session of this cookie value, or None (unknown, expired, disabled)."""
        if not token:
            return None
        with self._session() as session:
            row = session.get(AgentSessionRow, _token_hash(token))
        if row is None or _aware(row.expires_at) < _now():
            return None
        via = "shared key" if row.shared_key else "account"
        agent = Agent(row.agent, row.role, via)  # type: ignore[arg-type]
        return ConsoleSession(agent, csrf_token(token), _aware(row.expires_at))

    def close_session(self, token: str) -> None:
        with self._session() as session, session.begin():
            session.execute(
                delete(AgentSessionRow).where(AgentSessionRow.token_sha256 == _token_hash(token))
            )

    # -- the audit log -----------------------------------------------------------------------
    def record(
        self,
        agent: Agent,
        action: str,
        conversation_id: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        if action not in ACTIONS:
            raise ValueError(f"Unknown agent action {action!r}; one of {ACTIONS}.")
        with self._session() as session, session.begin():
            session.add(
                AgentAuditRow(
                    agent=agent.name,
                    via=agent.via[:32],
                    action=action,
                    conversation_id=conversation_id,
                    detail=detail or {},
                )
            )

    def audit_log(
        self, agent: str | None = None, conversation_id: str | None = None, limit: int = 200
    ) -> list[dict[str, Any]]:
        """Newest first."""
        query = select(AgentAuditRow).order_by(AgentAuditRow.id.desc()).limit(limit)
        if agent:
            query = query.where(AgentAuditRow.agent == agent)
        if conversation_id:
            query = query.where(AgentAuditRow.conversation_id == conversation_id)
        with self._session() as session:
            return [
                {
                    "at": _aware(r.at).isoformat(),
                    "agent": r.agent,
                    "via": r.via,
                    "action": r.action,
                    "conversation_id": r.conversation_id,
                    "detail": r.detail or {},
                }
                for r in session.scalars(query).all()
            ]


def _aware(moment: datetime) -> datetime:
    """SQLite gives datetimes back without their time zone; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
