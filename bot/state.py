"""What the bot remembers about a conversation between turns: `ConversationState`.

It is stored with the conversation as JSON (``data["bot_state"]``); `from_json` reads every
state stored so far, `to_json` writes the same keys. The escalation policy keeps the scores
(`bot.escalation`), the order assistant its own part (`bot.orders.state.OrderState`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.orders.state import OrderState

_KNOWN = ("dissatisfaction", "abusive", "predicted_csat", "failed_answers", "orders")


@dataclass
class ConversationState:
    """The bot's memory of one conversation."""

    dissatisfaction: list[float] = field(default_factory=list)
    """The dissatisfaction of each shopper message so far (the latest few, oldest first)."""
    abusive: bool = False
    """Whether the shopper has been abusive at any point."""
    predicted_csat: float | None = None
    failed_answers: int | None = None
    """Answers in a row that found no knowledge (None: none counted yet)."""
    orders: OrderState | None = None
    """The order conversation (None while the order assistant has not seen a message)."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Keys this version does not know, kept as they were."""

    @property
    def failures(self) -> int:
        return self.failed_answers or 0

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            **self.extra,
            "dissatisfaction": list(self.dissatisfaction),
            "abusive": self.abusive,
            "predicted_csat": self.predicted_csat,
        }
        if self.failed_answers is not None:
            data["failed_answers"] = self.failed_answers
        if self.orders is not None:
            data["orders"] = self.orders.to_json()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> ConversationState:
        data = data or {}
        failed = data.get("failed_answers")
        csat = data.get("predicted_csat")
        return cls(
            dissatisfaction=[float(v) for v in data.get("dissatisfaction") or []],
            abusive=bool(data.get("abusive")),
            predicted_csat=float(csat) if csat is not None else None,
            failed_answers=int(failed) if failed is not None else None,
            orders=OrderState.from_json(data["orders"]) if "orders" in data else None,
            extra={k: v for k, v in data.items() if k not in _KNOWN},
        )
