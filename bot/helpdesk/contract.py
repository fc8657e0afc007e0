"""The contract between shopbot and a helpdesk (Chatwoot, Zendesk, Freshdesk, ...).

A helpdesk adapter is one module implementing `Helpdesk`: it verifies and reads the events the
helpdesk sends (into `HelpdeskEvent`s) and carries out the `Action`s shopbot asks of it.
Everything else (keeping each event once, answering, handing off, the outbox and its
retries, formatting for the channel) is shared by every helpdesk (`bot.helpdesk.bridge`).
docs/helpdesk.md describes the contract for adapter writers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, Protocol


class EventKind(StrEnum):
    """What happened in the helpdesk."""

    SHOPPER_MESSAGE = "shopper_message"  # the shopper wrote (any channel)
    AGENT_MESSAGE = "agent_message"  # a human agent wrote to the shopper (not a private note)
    STATUS_CHANGED = "status_changed"  # the conversation changed hands (see `DeskStatus`)


class DeskStatus(StrEnum):
    """Who owns the conversation in the helpdesk."""

    BOT = "bot"  # the bot answers (Chatwoot: pending)
    TEAM = "team"  # open to people: the bot stays silent (Chatwoot: open, snoozed)
    RESOLVED = "resolved"  # done; a new shopper message starts afresh


class ChannelKind(StrEnum):
    """How a reply must be written for the channel the shopper uses."""

    CHAT = "chat"  # a web chat that renders Markdown (Chatwoot's widget)
    EMAIL = "email"  # greeting, paragraphs, sources listed, sign-off
    MESSAGING = "messaging"  # WhatsApp, SMS, Telegram, social: plain text, links spelt out


class ActionKind(StrEnum):
    """What shopbot asks of a helpdesk."""

    REPLY = "reply"  # a message the shopper sees
    NOTE = "note"  # a private note only the team sees
    HAND_TO_TEAM = "hand_to_team"  # open the conversation to people
    RETURN_TO_BOT = "return_to_bot"  # give the conversation back to the bot
    RESOLVE = "resolve"  # close it (an agent closed it in shopbot's console)


@dataclass(frozen=True)
class ConversationRef:
    """A conversation as the helpdesk knows it."""

    helpdesk: str
    account: str
    conversation: str
    inbox: str | None = None

    @property
    def shopbot_id(self) -> str:
        """The id of this conversation in shopbot's store (keyed by the helpdesk's ids)."""
        return f"{self.helpdesk}-{self.account}-{self.conversation}"


@dataclass(frozen=True)
class Contact:
    name: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class HelpdeskEvent:
    """One thing that happened, read from a helpdesk's payload."""

    key: str
    """Unique per happening: a redelivery of the same event has the same key."""
    kind: EventKind
    ref: ConversationRef
    desk_status: DeskStatus | None = None
    """Who owns the conversation according to the helpdesk when it sent the event."""
    content: str = ""
    channel: ChannelKind = ChannelKind.CHAT
    channel_name: str = "chat"
    """The helpdesk's channel in a word: web, email, whatsapp, sms, telegram, ..."""
    message_id: str | None = None
    author: str | None = None
    """The human agent's name (AGENT_MESSAGE)."""
    contact: Contact = field(default_factory=Contact)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HelpdeskEvent:
        values = dict(data)
        values["kind"] = EventKind(values["kind"])
        values["ref"] = ConversationRef(**values["ref"])
        values["channel"] = ChannelKind(values.get("channel") or ChannelKind.CHAT)
        status = values.get("desk_status")
        values["desk_status"] = DeskStatus(status) if status else None
        values["contact"] = Contact(**(values.get("contact") or {}))
        return cls(**values)


@dataclass(frozen=True)
class Action:
    """One call shopbot owes a helpdesk (kept in the outbox until the helpdesk takes it)."""

    kind: ActionKind
    ref: ConversationRef
    content: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Action:
        return cls(
            ActionKind(data["kind"]), ConversationRef(**data["ref"]), data.get("content", "")
        )


@dataclass(frozen=True)
class Done:
    """What the helpdesk answered to an action: the id of what it created, if anything."""

    external_id: str | None = None


class Helpdesk(Protocol):
    """One helpdesk. Cheap to construct; `aclose` releases its HTTP client."""

    name: str
    """Short and stable (it keys conversations and the ledger): "chatwoot", "zendesk"."""

    def verify(self, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]) -> None:
        """Raise `EventNotVerified` unless the request really comes from the helpdesk
        (``headers`` lower-cased)."""
        ...

    def parse(self, body: bytes, headers: Mapping[str, str]) -> list[HelpdeskEvent]:
        """The events of one delivery that shopbot acts on (others are left out); raise
        `EventMalformed` for a payload the helpdesk would never send."""
        ...

    async def perform(self, action: Action) -> Done:
        """Carry out ``action``; raise `HelpdeskUnavailable` (retried later) or
        `HelpdeskRejected` (given up)."""
        ...

    async def aclose(self) -> None: ...
