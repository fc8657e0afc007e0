"""The order conversation: identify the shopper, find their order, check the policy, confirm,
carry out, or hand to a human with the details filled in.

State lives in the conversation (`bot.orders.state.OrderState`) so a restart resumes it.
Nothing is shown before the shopper is identified, only their own orders are ever looked at,
and a change is carried out only after an explicit yes to a description of exactly that
change, checked against the policy again right before it is made.
"""

from __future__ import annotations

import logging
import re
from typing import Literal

from bot.errors import ChangeRejected, OrderSystemError
from bot.language import CJK
from bot.orders.audit import AuditLog, MemoryAuditLog
from bot.orders.flow import OrderFlow
from bot.orders.intents import extract, strip_references
from bot.orders.meaning import Meaning, bundled_meaning
from bot.orders.policy import OrderPolicy
from bot.orders.reader import ModelRead, apply
from bot.orders.state import OrderState
from bot.orders.system import OrderSystem
from bot.orders.turn import OrderReply, OrderTurn
from bot.reasons import Reason, ReasonCode
from bot.settings import OrdersSettings

__all__ = ["OrderAssistant", "OrderReply", "OrderState"]

log = logging.getLogger(__name__)
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


class OrderAssistant:
    """Handles the shopper's own orders; everything else is left to the knowledge answers."""

    def __init__(
        self,
        system: OrderSystem,
        settings: OrdersSettings,
        audit: AuditLog,
        policy: OrderPolicy | None = None,
        meaning: Meaning | Literal["bundled"] | None = "bundled",
    ) -> None:
        self.system = system
        self.settings = settings
        self.audit = audit
        self.policy = policy or OrderPolicy(settings)
        self.meaning = bundled_meaning() if meaning == "bundled" else meaning
        self.pattern = (
            re.compile(settings.order_number_pattern, re.I)
            if settings.order_number_pattern
            else None
        )

    def handle(
        self,
        text: str,
        state: OrderState | None,
        language: str,
        session: str,
        persist: bool = True,
        read: ModelRead | None = None,
    ) -> OrderReply:
        """The reply to an order message; ``handled`` is False when it is not about an order
        (the conversation's order state may still have changed: store ``state``).

        ``state`` is not changed: the reply carries the new one. With ``persist=False``
        (answers to conversations given as data) nothing is changed and nothing is written to
        the audit log: without stored state no yes can confirm.
        """
        state = OrderState.from_json(state.to_json() if state else None)
        said = extract(text, self.pattern)
        if read is not None:  # what a capable model read, where the rules missed it
            said = apply(said, read, text)
        language = self._language(text, language, state)
        state.language = language
        turn = OrderTurn(
            text=text,
            said=said,
            state=state,
            language=language,
            session=session,
            system=self.system,
            policy=self.policy,
            settings=self.settings,
            audit=self.audit if persist else MemoryAuditLog(),
            meaning=self.meaning,
        )
        try:
            return OrderFlow(turn).run() or OrderReply("", language, state, handled=False)
        except ChangeRejected as exc:
            log.warning("Order system refused a change in %s: %s", session, exc)
            refused = Reason(ReasonCode.ORDER_CHANGE_REJECTED, {"error": str(exc)})
            return turn.hand_off("changed_meanwhile", refused)
        except OrderSystemError as exc:
            log.warning("Order system failed in %s: %s", session, exc)
            failed = Reason(ReasonCode.ORDER_SYSTEM_FAILED, {"error": str(exc)})
            return turn.hand_off("system_down", failed)

    @staticmethod
    def _language(text: str, detected: str, state: OrderState) -> str:
        """The shopper's language, kept when a message is only an email, a number or a yes."""
        if CJK.search(text):
            return "zh"
        rest = strip_references(text)
        words = [w for w in _LATIN_WORD.findall(rest) if w.lower() not in ("ok", "nw")]
        if words:
            return "en"
        return str(state.language or detected)
