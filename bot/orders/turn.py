"""One message's trip through the order conversation: what every step shares (the message,
the conversation's state, the order system and policy, the audit trail) and the replies it
builds, the hand-off to a human among them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.orders.audit import AuditEvent, AuditLog
from bot.orders.intents import Said
from bot.orders.meaning import Meaning
from bot.orders.policy import OrderPolicy
from bot.orders.replies import say
from bot.orders.state import OrderState
from bot.orders.system import OrderSystem
from bot.reasons import Reason
from bot.settings import OrdersSettings


@dataclass
class OrderReply:
    """What the order assistant says this turn."""

    text: str
    language: str
    state: OrderState
    sources: list[str] = field(default_factory=list)  # policy pages (file names)
    escalate: list[Reason] = field(default_factory=list)  # when handed to a human
    case: dict[str, Any] = field(default_factory=dict)  # the details the human needs
    handled: bool = True  # False: not about orders, answer from the knowledge (keep `state`)


class OrderTurn:
    """One shopper message worked through the order conversation.

    The steps (`IdentityCheck`, `OrderFinder`, `OrderChanges`, `OrderFlow`) each hold this
    turn and read and change its ``state``; it writes the audit trail and the reply.
    """

    def __init__(
        self,
        *,
        text: str,
        said: Said,
        state: OrderState,
        language: str,
        session: str,
        system: OrderSystem,
        policy: OrderPolicy,
        settings: OrdersSettings,
        audit: AuditLog,
        meaning: Meaning | None = None,
    ) -> None:
        self.text = text
        self.said = said
        self.state = state
        self.language = language
        self.session = session
        self.system = system
        self.policy = policy
        self.settings = settings
        self.audit = audit
        self.meaning = meaning  # names in another language than the store's, by meaning
        self.greeting = ""  # said before the reply ("Thanks, Emma, you're verified.")

    def log(self, event: str, **detail: Any) -> None:
        """An audit event about the order and request in hand (unless named here)."""
        self.audit.record(
            AuditEvent(
                self.session,
                event,
                customer_id=self.state.customer,
                order_number=detail.pop("order", None) or self.state.order,
                action=detail.pop("action", None) or self.state.intent,
                detail=detail or None,
            )
        )

    def reply(self, text: str, sources: tuple[str, ...] = (), **fields: Any) -> OrderReply:
        if self.language == "zh":
            body = self.greeting + text
        else:
            body = (self.greeting + " " + text).strip()
        return OrderReply(body, self.language, self.state, list(sources), **fields)

    def say(self, key: str, **values: Any) -> str:
        return say(self.language, key, **values)

    def hand_off(
        self,
        key: str,
        reason: Reason,
        lead: str = "",
        sources: tuple[str, ...] = (),
        **values: Any,
    ) -> OrderReply:
        """Hand the request to a human with the case filled in, and tell the shopper."""
        state = self.state
        case = {
            "customer": state.customer,
            "order": state.order,
            "request": state.intent,
            "pending": state.pending.to_json() if state.pending else None,
            "reason": reason.text,
        }
        self.log("escalated", reason=reason.text)
        state.forget_request()
        glue = "" if self.language == "zh" or not lead else " "
        text = (lead + glue + self.say(key, **values)).replace("  ", " ")
        return self.reply(text, sources, escalate=[reason], case=case)
