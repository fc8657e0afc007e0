"""Humans in the loop: escalation, agents' replies, handback, closing, shopper feedback."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Protocol

from bot.escalation import EscalationPolicy
from bot.handoff import handoff_packet
from bot.language import phrase
from bot.messages import clean_message
from bot.offline import HandoffNotice, Notice, contact_email
from bot.reasons import Reason, ReasonCode, codes, texts
from bot.settings import Settings
from bot.state import ConversationState
from bot.status import HUMAN_STATUSES, ConversationStatus
from bot.store import ConversationStore, StoredConversation, StoredMessage

log = logging.getLogger(__name__)


class DeskListener(Protocol):
    """Told what people do with a conversation through shopbot (its console, its API): a
    helpdesk bridge does the same in the helpdesk, where the shopper is."""

    def agent_replied(self, session: str, content: str, agent: str) -> None: ...

    def handed_back(self, session: str, notice: str) -> None:
        """``notice``: what the shopper is told (empty when they were not with a person)."""
        ...

    def closed(self, session: str) -> None: ...


class HumanDesk:
    """Hands conversations to people and takes them back."""

    def __init__(
        self,
        store: ConversationStore,
        policy: EscalationPolicy,
        settings: Settings,
        notice: HandoffNotice | None = None,
    ) -> None:
        self.store = store
        self.policy = policy
        self.settings = settings
        self.notice = notice or HandoffNotice(settings.hours, policy)
        """What a hand-off tells the shopper (business hours)."""
        self.listeners: list[DeskListener] = []

    def record_escalation(
        self, session: str, reasons: list[Reason], notice: Notice | None = None
    ) -> None:
        """Queue the conversation for agents and put the handoff packet in the outbox; with
        the ``notice`` the shopper was given, whether it was handed over outside business
        hours (``data["offline"]``, None inside them)."""
        self.store.set_status(session, ConversationStatus.WAITING_FOR_AGENT)
        escalation = {
            "reasons": texts(reasons),
            "codes": codes(reasons),
            "at": datetime.now(UTC).isoformat(),
        }
        update: dict[str, object] = {"escalation": escalation}
        if notice is not None:
            update["offline"] = notice.offline
        self.store.update_data(session, update)
        packet = handoff_packet(
            self.store.get(session), reasons, self.settings.privacy.mask_handoff_summary
        )
        self.store.enqueue_delivery(session, "escalation", packet)

    def request_human(self, session: str, reason: Reason | None = None) -> None:
        """Hand a conversation over on request (the "talk to a person" button)."""
        conversation = self.store.get(session)
        if conversation.status.with_humans:
            return
        reason = reason or Reason(ReasonCode.ASKED_FOR_HUMAN)
        language = conversation.language or "en"
        notice = self.notice.handoff(language, [reason], contact_email(conversation))
        self.store.append(session, "assistant", notice.text, {"handoff": True})
        self.record_escalation(session, [reason], notice)

    def escalations(self) -> list[StoredConversation]:
        """Conversations waiting for a human, oldest escalation first."""
        waiting = self.store.list(status=ConversationStatus.WAITING_FOR_AGENT, limit=500)
        return sorted(waiting, key=lambda c: c.data.get("escalation", {}).get("at", ""))

    def agent_message(self, session: str, content: str, agent: str) -> StoredMessage:
        """A human agent's reply: delivered to the shopper; the bot stays quiet meanwhile."""
        content = clean_message(content, self.settings.limits.max_message_chars)
        message = self.store.append(session, "agent", content, {"agent": agent})
        self.store.set_status(session, ConversationStatus.AGENT)
        self._tell("agent_replied", session, content, agent)
        return message

    def handback(self, session: str, agent: str | None = None) -> None:
        """Return the conversation to the bot, keeping its context; the shopper is told."""
        conversation = self.store.get(session)
        state = ConversationState.from_json(conversation.data.get("bot_state"))
        self.store.update_data(
            session,
            {"bot_state": self.policy.record_success(state).to_json(), "handed_back_by": agent},
        )
        self.store.set_status(session, ConversationStatus.BOT)
        notice = ""
        if conversation.status in HUMAN_STATUSES:
            notice = phrase(conversation.language or "en", "back_with_bot")
            self.store.append(session, "assistant", notice, {"notice": "handback"})
        self._tell("handed_back", session, notice)

    def close_conversation(self, session: str) -> None:
        # Every close is kept: a shopper writing after the first one reopened the case.
        closes = list(self.store.get(session).data.get("closed_at") or [])
        self.store.update_data(session, {"closed_at": [*closes, datetime.now(UTC).isoformat()]})
        self.store.set_status(session, ConversationStatus.CLOSED)
        self._tell("closed", session)

    def _tell(self, what: str, *args: str) -> None:
        for listener in self.listeners:
            try:
                getattr(listener, what)(*args)
            except Exception:  # the person's action is done here; the log says what lags
                log.exception("A desk listener failed on %s of %s", what, args[0])

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
