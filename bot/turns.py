"""What a turn produces: the `Turn`, its stream events, and per-conversation overrides."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.knowledge import HitLike
from bot.reasons import Reason
from bot.status import ConversationStatus


@dataclass
class Turn:
    """One answered shopper message."""

    session: str
    reply: str
    sources: list[dict[str, Any]]
    sentiment: dict[str, Any]
    escalated: bool
    status: ConversationStatus = ConversationStatus.BOT
    language: str = "en"
    usage: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    withheld: list[dict[str, str]] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)
    """Why the conversation was handed to a human this turn."""

    @property
    def escalation_reasons(self) -> list[str]:
        """The reasons as a person reads them."""
        return [reason.text for reason in self.reasons]

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["reasons"] = [reason.code.value for reason in self.reasons]
        data["escalation_reasons"] = self.escalation_reasons
        return data

    def reply_fields(self) -> dict[str, Any]:
        """What a shopper-facing answer carries (CLI `--json`, the helpdesk API)."""
        return {
            "reply": self.reply,
            "sources": self.sources,
            "sentiment": self.sentiment,
            "escalated": self.escalated,
            "status": self.status,
        }


@dataclass
class StreamEvent:
    kind: str  # "delta" (text for the shopper) or "turn" (the finished turn)
    text: str = ""
    turn: Turn | None = None


@dataclass
class Overrides:
    """Per-conversation instructions, accepted only from trusted command-line input."""

    system_prompt: str | None = None
    secrets: tuple[str, ...] = ()


def source_entry(number: int, hit: HitLike) -> dict[str, Any]:
    meta = hit.metadata or {}
    entry: dict[str, Any] = {
        "n": number,
        "id": hit.id,
        "source": hit.source,
        "title": hit.title,
        "score": round(float(hit.score), 4),
    }
    for key in ("url", "path", "heading", "product_id", "sku", "conversation_id"):
        if meta.get(key):
            entry[key] = meta[key]
    return entry


def elapsed_ms(started: float) -> float:
    """Milliseconds since ``started`` (a `time.perf_counter()` reading), rounded."""
    return round((time.perf_counter() - started) * 1000, 1)
