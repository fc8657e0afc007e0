"""What one message's trip through the order conversation shares: its state, the audit
trail, the reply it builds and the hand-off to a human."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.orders.audit import AuditEvent, AuditLog
from bot.orders.intents import Extracted
from bot.orders.replies import say

if TYPE_CHECKING:
    from bot.orders.assistant import OrderAssistant


@dataclass
class OrderReply:
    """What the order assistant says this turn."""

    text: str
    language: str
    state: dict[str, Any]
    sources: list[str] = field(default_factory=list)  # policy pages (file names)
    escalate: list[str] = field(default_factory=list)  # reasons, when handed to a human
    case: dict[str, Any] = field(default_factory=dict)  # the details the human needs
    handled: bool = True  # False: not about orders, answer from the knowledge (keep `state`)


class TurnBase:
    """One message worked through the order conversation (the parts every step uses)."""

    def __init__(
        self,
        owner: OrderAssistant,
        st: dict[str, Any],
        ex: Extracted,
        text: str,
        lang: str,
        session: str,
        audit: AuditLog,
    ) -> None:
        self.o = owner
        self.audit = audit
        self.st = st
        self.ex = ex
        self.text = text
        self.lang = lang
        self.session = session
        self.prefix = ""

    # -- helpers --------------------------------------------------------------------------
    def log(self, event: str, **kw: Any) -> None:
        self.audit.record(
            AuditEvent(
                self.session,
                event,
                customer_id=self.st.get("customer"),
                order_number=kw.pop("order", None) or self.st.get("order"),
                action=kw.pop("action", None) or self.st.get("intent"),
                detail=kw or None,
            )
        )

    def reply(self, text: str, sources: tuple[str, ...] = (), **kw: Any) -> OrderReply:
        body = (self.prefix + " " + text).strip() if self.lang != "zh" else self.prefix + text
        return OrderReply(body, self.lang, self.st, list(sources), **kw)

    def say(self, key: str, **values: Any) -> str:
        return say(self.lang, key, **values)

    def reset(self) -> None:
        keys = ("intent", "order", "lines", "sku", "address", "refund", "awaiting", "pending")
        for key in (*keys, "request"):
            self.st.pop(key, None)

    def hand_off(
        self, key: str, reason: str, lead: str = "", sources: tuple[str, ...] = (), **values: Any
    ) -> OrderReply:
        case = {
            "customer": self.st.get("customer"),
            "order": self.st.get("order"),
            "request": self.st.get("intent"),
            "pending": self.st.get("pending"),
            "reason": reason,
        }
        self.log("escalated", reason=reason)
        self.reset()
        glue = "" if self.lang == "zh" or not lead else " "
        text = (lead + glue + self.say(key, **values)).replace("  ", " ")
        return self.reply(text, sources, escalate=[reason], case=case)
