"""Why a conversation went to a human: a `ReasonCode` for every escalation and hand-off, and
`Reason`, the code with the figures behind it, from which the human-readable text is derived.

Modules hand reasons to each other as `Reason` values and store their codes next to their
texts; reports group by code. Texts are for people (agents, webhooks, the CLI), never parsed
again, except `ReasonCode.of_text` for conversations stored before codes were kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ReasonCode(StrEnum):
    """Every reason a conversation is handed to a human."""

    ASKED_FOR_HUMAN = "asked_for_human"
    ABUSIVE = "abusive"
    DISSATISFIED = "dissatisfied"
    DISSATISFACTION_RISING = "dissatisfaction_rising"
    HUMAN_ONLY_TOPIC = "human_only_topic"
    NO_KNOWLEDGE = "no_knowledge"
    REPEATED_QUESTION = "repeated_question"
    REPEATED_REPLY = "repeated_reply"
    BACKEND_FAILED = "backend_failed"
    IDENTITY_NOT_VERIFIED = "identity_not_verified"
    DUPLICATE_CHARGE = "duplicate_charge"
    OUTSIDE_ORDER_POLICY = "outside_order_policy"
    ORDER_CHANGED_MEANWHILE = "order_changed_meanwhile"
    ORDER_CHANGE_REJECTED = "order_change_rejected"
    ORDER_SYSTEM_FAILED = "order_system_failed"
    OPENED_IN_HELPDESK = "opened_in_helpdesk"  # people took it over in the helpdesk itself
    CONVERSATION_TOO_LONG = "conversation_too_long"  # past limits.max_turns (helpdesk channels)
    HUMAN_AGENT_ONLY = "human_agent_only"  # imported history: only a human ever answered
    NOT_RECORDED = "not_recorded"  # imported history: the bot handed over, no reason kept
    OTHER = "other"  # a stored text no code matches (conversations stored before codes)

    @classmethod
    def of_text(cls, text: str) -> ReasonCode:
        """The code of a reason stored as text only (before codes were kept with it)."""
        for code, pattern in _LEGACY:
            if pattern.search(text):
                return code
        return cls.OTHER


# The human text of each code; ``{name}`` is filled from the reason's details.
TEXTS: dict[ReasonCode, str] = {
    ReasonCode.ASKED_FOR_HUMAN: "the shopper asked for a human",
    ReasonCode.ABUSIVE: "abusive language",
    ReasonCode.DISSATISFIED: "dissatisfaction {score:.2f} >= {threshold:.2f}",
    ReasonCode.DISSATISFACTION_RISING: "dissatisfaction rising over {turns} turns ({scores})",
    ReasonCode.HUMAN_ONLY_TOPIC: "human-only topic: {topic}",
    ReasonCode.NO_KNOWLEDGE: "no relevant knowledge {count} times in a row",
    ReasonCode.REPEATED_QUESTION: "the shopper asked the same question again {count} times",
    ReasonCode.REPEATED_REPLY: "the bot repeated the same reply {count} times",
    ReasonCode.BACKEND_FAILED: "model backend failed: {error}",
    ReasonCode.IDENTITY_NOT_VERIFIED: "the shopper's identity could not be verified",
    ReasonCode.DUPLICATE_CHARGE: "duplicate charge on {order}: {amounts}",
    ReasonCode.OUTSIDE_ORDER_POLICY: (
        "order request outside the policy: {action} on {order} ({policy_reasons})"
    ),
    ReasonCode.ORDER_CHANGED_MEANWHILE: "{action} on {order} no longer allowed: {policy_reasons}",
    ReasonCode.ORDER_CHANGE_REJECTED: "the order system refused: {error}",
    ReasonCode.ORDER_SYSTEM_FAILED: "the order system failed: {error}",
    ReasonCode.OPENED_IN_HELPDESK: "opened to the team in {helpdesk}",
    ReasonCode.CONVERSATION_TOO_LONG: "the conversation reached {turns} shopper messages",
    ReasonCode.HUMAN_AGENT_ONLY: "human-agent only conversation",
    ReasonCode.NOT_RECORDED: "the bot handed over (reason not recorded)",
    ReasonCode.OTHER: "{text}",
}

# Texts written before codes were stored (and the engine's older wording of a few).
_LEGACY: list[tuple[ReasonCode, re.Pattern[str]]] = [
    (ReasonCode.ASKED_FOR_HUMAN, re.compile(r"asked for a human")),
    (ReasonCode.ABUSIVE, re.compile(r"abusive")),
    (ReasonCode.DISSATISFACTION_RISING, re.compile(r"dissatisfaction rising")),
    (ReasonCode.DISSATISFIED, re.compile(r"dissatisfaction")),
    (ReasonCode.NO_KNOWLEDGE, re.compile(r"no relevant knowledge|could not answer")),
    (ReasonCode.HUMAN_ONLY_TOPIC, re.compile(r"human-only topic")),
    (ReasonCode.REPEATED_QUESTION, re.compile(r"same question")),
    (ReasonCode.REPEATED_REPLY, re.compile(r"repeated the same")),
    (ReasonCode.BACKEND_FAILED, re.compile(r"backend failed")),
    (ReasonCode.OPENED_IN_HELPDESK, re.compile(r"^opened to the team in ")),
    (ReasonCode.CONVERSATION_TOO_LONG, re.compile(r"^the conversation reached \d+ shopper")),
    (ReasonCode.HUMAN_AGENT_ONLY, re.compile(r"human-agent only")),
    (ReasonCode.NOT_RECORDED, re.compile(r"bot handed over")),
    (ReasonCode.IDENTITY_NOT_VERIFIED, re.compile(r"identity could not be verified")),
    (ReasonCode.DUPLICATE_CHARGE, re.compile(r"^duplicate charge")),
    (ReasonCode.OUTSIDE_ORDER_POLICY, re.compile(r"^order request outside the policy")),
    (ReasonCode.ORDER_CHANGED_MEANWHILE, re.compile(r" no longer allowed: ")),
    (ReasonCode.ORDER_CHANGE_REJECTED, re.compile(r"^the order system refused")),
    (ReasonCode.ORDER_SYSTEM_FAILED, re.compile(r"^the order system failed")),
]


@dataclass(frozen=True)
class Reason:
    """One reason for a hand-off: its code and the figures its text names."""

    code: ReasonCode
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """What a person reads (an agent, a helpdesk, the CLI's ``escalation_reasons``)."""
        return TEXTS[self.code].format(**self.details)

    def __str__(self) -> str:
        return self.text


def texts(reasons: Iterable[Reason]) -> list[str]:
    return [reason.text for reason in reasons]


def codes(reasons: Iterable[Reason]) -> list[str]:
    return [reason.code.value for reason in reasons]


def stored_codes(escalation: Mapping[str, Any]) -> list[ReasonCode]:
    """The reason codes of a stored escalation (``{"codes", "reasons", "at"}``); one stored
    before codes were kept has its codes read from its texts."""
    if "codes" in escalation:
        return [ReasonCode(code) for code in escalation.get("codes") or []]
    return [ReasonCode.of_text(text) for text in escalation.get("reasons") or []]
