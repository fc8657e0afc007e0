"""Humans in the loop: escalation, agents' replies, handback, closing, shopper feedback."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.language import phrase
from bot.messages import clean_message
from bot.store import StoredConversation, StoredMessage

if TYPE_CHECKING:
    from bot.escalation import EscalationPolicy
    from bot.settings import Settings
    from bot.store import ConversationStore


class HumanHandoff:
    """The part of `ShopBot` that hands conversations to people and takes them back."""

    store: ConversationStore
    policy: EscalationPolicy
    settings: Settings

    def _record_escalation(self, session: str, reasons: list[str]) -> None:
        """Queue the conversation for agents and put the handoff packet in the outbox."""
        from datetime import UTC, datetime

        from bot.handoff import handoff_packet

        self.store.set_status(session, "waiting_for_agent")
        self.store.update_data(
            session,
            {"escalation": {"reasons": reasons, "at": datetime.now(UTC).isoformat()}},
        )
        packet = handoff_packet(
            self.store.get(session), reasons, self.settings.privacy.mask_handoff_summary
        )
        self.store.enqueue_delivery(session, "escalation", packet)

    def request_human(self, session: str, reason: str = "the shopper asked for a human") -> None:
        """Hand a conversation over on request (the "talk to a person" button)."""
        conversation = self.store.get(session)
        if conversation.status in ("waiting_for_agent", "agent"):
            return
        language = conversation.language or "en"
        self.store.append(
            session, "assistant", self.policy.handoff_message(language, [reason]), {"handoff": True}
        )
        self._record_escalation(session, [reason])

    def escalations(self) -> list[StoredConversation]:
        """Conversations waiting for a human, oldest escalation first."""
        waiting = self.store.list(status="waiting_for_agent", limit=500)
        return sorted(waiting, key=lambda c: c.data.get("escalation", {}).get("at", ""))

    def agent_message(self, session: str, content: str, agent: str) -> StoredMessage:
        """A human agent's reply: delivered to the shopper; the bot stays quiet meanwhile."""
        content = clean_message(content, self.settings.limits.max_message_chars)
        message = self.store.append(session, "agent", content, {"agent": agent})
        self.store.set_status(session, "agent")
        return message

    def handback(self, session: str, agent: str | None = None) -> None:
        """Return the conversation to the bot, keeping its context; the shopper is told."""
        conversation = self.store.get(session)
        state = dict(conversation.data.get("bot_state") or {})
        self.store.update_data(
            session, {"bot_state": self.policy.record_success(state), "handed_back_by": agent}
        )
        self.store.set_status(session, "bot")
        if conversation.status in ("waiting_for_agent", "agent"):
            notice = phrase(conversation.language or "en", "back_with_bot")
            self.store.append(session, "assistant", notice, {"notice": "handback"})

    def close_conversation(self, session: str) -> None:
        from datetime import UTC, datetime

        # Every close is kept: a shopper writing after the first one reopened the case.
        closes = list(self.store.get(session).data.get("closed_at") or [])
        self.store.update_data(session, {"closed_at": [*closes, datetime.now(UTC).isoformat()]})
        self.store.set_status(session, "closed")

    def feedback(self, session: str, position: int, helpful: bool) -> None:
        """The shopper's thumbs up or down on one reply."""
        message = next(
            (m for m in self.store.get(session).messages if m.position == position), None
        )
        if message is None or message.role not in ("assistant", "agent"):
            raise ValueError(f"Message {position} of {session!r} is not a reply.")
        self.store.update_message(session, position, {"feedback": "up" if helpful else "down"})

    def rate(self, session: str, stars: int) -> None:
        """The shopper's end-of-chat rating, 1 to 5."""
        if not 1 <= stars <= 5:
            raise ValueError("A rating is 1 to 5 stars.")
        self.store.update_data(session, {"rating": stars})
