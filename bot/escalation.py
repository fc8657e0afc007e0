"""When a conversation goes to a human, and why. Pure decisions over scores and state.

The state is the conversation's `ConversationState`: the dissatisfaction of each shopper
message so far, whether the shopper was abusive, and how many answers in a row found no
knowledge. Every rule that fires adds a `Reason` (a code, and the text a person reads).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from itertools import pairwise

from bot.reasons import Reason, ReasonCode
from bot.sentiment import SentimentResult, SentimentScorer, predicted_csat
from bot.sentiment.lexicon import FAILED_REPLY
from bot.sentiment.signals import similarity
from bot.settings import EscalationSettings
from bot.state import ConversationState

Message = dict[str, str]
HISTORY = 20
"""Dissatisfaction scores kept per conversation."""
SAME_QUESTION = 0.6
SAME_REPLY = 0.9
_DIGITS = re.compile(r"\d+")


@dataclass
class Decision:
    escalate: bool
    reasons: list[Reason] = field(default_factory=list)


def _since_agent(messages: list[Message]) -> list[Message]:
    """The messages after a human agent last spoke (a handback starts afresh)."""
    start = max((i + 1 for i, m in enumerate(messages) if m["role"] == "agent"), default=0)
    return messages[start:]


def same_question(a: str, b: str) -> bool:
    """Near-identical wording and the same numbers (order 123 is not order 456)."""
    return similarity(a, b) >= SAME_QUESTION and _DIGITS.findall(a) == _DIGITS.findall(b)


def repeated_questions(messages: list[Message]) -> int:
    """Shopper messages that ask again what an earlier one asked, after the bot answered."""
    count = 0
    seen: list[str] = []
    answered = False
    for message in _since_agent(messages):
        if message["role"] == "assistant":
            answered = True
        elif message["role"] == "user":
            text = message["content"]
            if answered and any(same_question(text, s) for s in seen):
                count += 1
            seen.append(text)
    return count


def repeated_replies(messages: list[Message]) -> int:
    """Times the shopper asked again and the bot gave the same reply again (a loop).

    The same reply to different questions is fine ("Yes, we ship there"); 'I don't know'
    replies count as failures instead.
    """
    turns: list[tuple[str, str]] = []  # (shopper message, the bot's reply to it)
    question = ""
    for m in _since_agent(messages):
        if m["role"] == "user":
            question = m["content"]
        elif m["role"] == "assistant" and m["content"] and not FAILED_REPLY.search(m["content"]):
            turns.append((question, m["content"]))
    return sum(
        1
        for i, (q, reply) in enumerate(turns)
        if any(same_question(q, q0) and similarity(reply, r0) >= SAME_REPLY for q0, r0 in turns[:i])
    )


class EscalationPolicy:
    """Decides before each reply whether a human should take over."""

    def __init__(self, settings: EscalationSettings) -> None:
        self.settings = settings
        topics = [re.escape(t) for t in settings.human_only_topics if t]
        pattern = r"(?<![a-z])(" + "|".join(topics) + r")\w*" if topics else None
        self._topics = re.compile(pattern, re.I) if pattern else None

    # -- state ----------------------------------------------------------------------------
    def observe(self, sentiment: SentimentResult, state: ConversationState) -> ConversationState:
        """The state with this message's scores added, and the predicted CSAT updated."""
        history = [*state.dissatisfaction, sentiment.dissatisfaction][-HISTORY:]
        abusive = state.abusive or sentiment.abusive
        csat = predicted_csat(history, abusive, state.failures)
        return replace(state, dissatisfaction=history, abusive=abusive, predicted_csat=csat)

    def record_failure(self, state: ConversationState) -> ConversationState:
        return replace(state, failed_answers=state.failures + 1)

    def record_success(self, state: ConversationState) -> ConversationState:
        return replace(state, failed_answers=0)

    def too_many_failures(self, state: ConversationState) -> bool:
        return state.failures >= self.settings.max_failed_answers

    def rising(self, history: list[float]) -> bool:
        """Dissatisfaction went up over the last ``rising_turns`` messages, is still going up,
        and ends high."""
        n = self.settings.rising_turns
        if len(history) < n:
            return False
        last = history[-n:]
        steady = all(b >= a for a, b in pairwise(last)) and last[-1] > last[-2]
        return steady and last[-1] - last[0] >= self.settings.rising_min and last[-1] >= 0.5

    # -- the decision ---------------------------------------------------------------------
    def before_reply(
        self,
        sentiment: SentimentResult,
        state: ConversationState,
        text: str = "",
        messages: list[Message] | None = None,
    ) -> Decision:
        """Whether to hand over now; ``state`` should already include this message."""
        s = self.settings
        reasons: list[Reason] = []
        if sentiment.wants_human:
            reasons.append(Reason(ReasonCode.ASKED_FOR_HUMAN))
        if sentiment.abusive:
            reasons.append(Reason(ReasonCode.ABUSIVE))
        if sentiment.dissatisfaction >= s.dissatisfaction_threshold:
            score = {"score": sentiment.dissatisfaction, "threshold": s.dissatisfaction_threshold}
            reasons.append(Reason(ReasonCode.DISSATISFIED, score))
        history = list(state.dissatisfaction or [sentiment.dissatisfaction])
        if self.rising(history):
            shown = " -> ".join(f"{v:.2f}" for v in history[-s.rising_turns :])
            rising = {"turns": s.rising_turns, "scores": shown}
            reasons.append(Reason(ReasonCode.DISSATISFACTION_RISING, rising))
        if self._topics and text and (match := self._topics.search(text)):
            topic = {"topic": match.group(1).lower()}
            reasons.append(Reason(ReasonCode.HUMAN_ONLY_TOPIC, topic))
        if self.too_many_failures(state):
            reasons.append(Reason(ReasonCode.NO_KNOWLEDGE, {"count": state.failures}))
        if messages:
            if (repeats := repeated_questions(messages)) >= s.max_repeats:
                reasons.append(Reason(ReasonCode.REPEATED_QUESTION, {"count": repeats}))
            if (loops := repeated_replies(messages)) >= s.max_loops:
                reasons.append(Reason(ReasonCode.REPEATED_REPLY, {"count": loops}))
        return Decision(bool(reasons), reasons)

    def handoff_message(self, language: str) -> str:
        """What the shopper is told when a person takes over (the same for every reason)."""
        if language == "zh":
            return "我已为您转接人工客服，同事会查看我们的对话记录，并尽快在这里回复您。"
        return (
            "I've passed this conversation to a member of our team. They can see everything "
            "we've discussed and will reply here as soon as possible."
        )


def judge_conversation(
    scorer: SentimentScorer, policy: EscalationPolicy, messages: list[Message]
) -> Iterator[tuple[int, SentimentResult, Decision]]:
    """Every shopper message judged as the engine judges it: scored in context, then the
    policy decides with the scores so far (offline: no retrieval failures are known)."""
    state = ConversationState()
    for index, message in enumerate(messages):
        if message["role"] != "user":
            continue
        result = scorer.score(messages, index)
        state = policy.observe(result, state)
        history = messages[: index + 1]
        yield index, result, policy.before_reply(result, state, message["content"], history)
