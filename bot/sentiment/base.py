"""The result of judging one shopper message, and what a scorer provides."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

Message = dict[str, str]


@dataclass
class SentimentResult:
    sentiment: float
    """-1 (very negative) .. 1 (very positive)."""
    dissatisfaction: float
    """0..1; >= 0.5 means the shopper is judged dissatisfied."""
    abusive: bool
    wants_human: bool
    escalate: bool
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class SentimentScorer(Protocol):
    def warm_up(self) -> None: ...

    def score(self, messages: list[Message], index: int) -> SentimentResult:
        """Judge ``messages[index]`` (a shopper message) given the messages before it."""
