"""When a conversation goes to a human, and why. Pure decisions over scores and state."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.sentiment import SentimentResult
from bot.settings import EscalationSettings


@dataclass
class Decision:
    escalate: bool
    reasons: list[str] = field(default_factory=list)


class EscalationPolicy:
    """Decides before each reply whether a human should take over."""

    def __init__(self, settings: EscalationSettings) -> None:
        self.settings = settings
        topics = [re.escape(t) for t in settings.human_only_topics if t]
        self._topics = re.compile(r"\b(" + "|".join(topics) + r")\w*", re.I) if topics else None

    def before_reply(
        self, sentiment: SentimentResult, state: dict[str, Any], text: str = ""
    ) -> Decision:
        reasons: list[str] = []
        if sentiment.wants_human:
            reasons.append("the shopper asked for a human")
        if sentiment.abusive:
            reasons.append("abusive language")
        if sentiment.dissatisfaction >= self.settings.dissatisfaction_threshold:
            reasons.append(
                f"dissatisfaction {sentiment.dissatisfaction:.2f} >= "
                f"{self.settings.dissatisfaction_threshold:.2f}"
            )
        if self._topics and text and (match := self._topics.search(text)):
            reasons.append(f"human-only topic: {match.group(1).lower()}")
        return Decision(bool(reasons), reasons)

    def record_failure(self, state: dict[str, Any]) -> dict[str, Any]:
        return {**state, "failed_answers": int(state.get("failed_answers", 0)) + 1}

    def record_success(self, state: dict[str, Any]) -> dict[str, Any]:
        return {**state, "failed_answers": 0}

    def too_many_failures(self, state: dict[str, Any]) -> bool:
        return int(state.get("failed_answers", 0)) >= self.settings.max_failed_answers

    def handoff_message(self, language: str, reasons: list[str]) -> str:
        if language == "zh":
            return "我已为您转接人工客服，同事会查看我们的对话记录，并尽快在这里回复您。"
        return (
            "I've passed this conversation to a member of our team. They can see everything "
            "we've discussed and will reply here as soon as possible."
        )
