"""Who has a conversation: `ConversationStatus`, stored with every conversation."""

from __future__ import annotations

from enum import StrEnum


class ConversationStatus(StrEnum):
    """Who answers the shopper now; the values are what the store and the APIs hold."""

    BOT = "bot"
    WAITING_FOR_AGENT = "waiting_for_agent"  # handed over, no human has answered yet
    AGENT = "agent"  # a human agent is answering; the bot stays quiet
    CLOSED = "closed"  # a new shopper message reopens it with the bot

    @property
    def with_humans(self) -> bool:
        """Whether a human has the conversation (waiting for one, or answering)."""
        return self in HUMAN_STATUSES


HUMAN_STATUSES = (ConversationStatus.WAITING_FOR_AGENT, ConversationStatus.AGENT)
