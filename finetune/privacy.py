"""Masking personal data before anything is trained on it (the shared masking of
`bot.privacy`, plus order numbers and agents' names).

Each kind of personal data is replaced by a typed placeholder such as ``[email]``, so the
model learns where such a value goes without ever seeing one. Human agents' introductions
("Hi, this is Elena.", "您好，我是客服小王。") are dropped too: the bot must not learn to
present itself as a named person.
"""

from __future__ import annotations

import re

from bot.privacy import PLACEHOLDERS as SHARED_PLACEHOLDERS
from bot.privacy import mask_personal_data as mask_shared

ORDER = re.compile(
    r"(?<![A-Za-z0-9-])[A-Z]{2,4}-\d{5,10}(?![A-Za-z0-9-])"
    r"|(?<=#)\d{5,20}(?!\d)"
    r"|(?:(?<=order )|(?<=order number )|(?<=订单)|(?<=订单号)|(?<=订单号：)|(?<=订单号:))"
    r"\d{5,20}(?!\d)",
    re.IGNORECASE,
)
AGENT_INTRO_EN = re.compile(
    r"^(?:Hi|Hello|Hey)\b[^.!?\n]{0,60}?\b(?:this is|here from|here)\b[^.!?\n]*[.!]\s*"
)
GREETING_NAME_EN = re.compile(r"^(Hi|Hello|Hey|Dear) [A-Z][a-z]+([!,.])\s*")
VOCATIVE_EN = re.compile(r",\s[A-Z][a-z]+(?=[!.?]\s*$)")
AGENT_INTRO_ZH = re.compile(
    r"^(?:亲，)?(?:您好[，,！!]?)?(?:我是(?:人工)?客服小.|小.为您服务|(?:人工)?客服小.)[^。！]*[。！]\s*"
)

PLACEHOLDERS = {**SHARED_PLACEHOLDERS, "order": "[order number]"}


def mask_personal_data(text: str) -> str:
    """The text with emails, card, order and phone numbers and street addresses masked.

    Order numbers too (unlike `bot.privacy`): the model must not learn any real one. Cards
    are masked whatever their checksum: over-masking training data costs nothing."""
    # Order numbers first: a long one would otherwise pass for a card number.
    return mask_shared(ORDER.sub(PLACEHOLDERS["order"], text), any_card=True)


def strip_agent_intro(text: str) -> str:
    """An agent's reply without their self-introduction or the shopper's name in a greeting."""
    stripped = AGENT_INTRO_EN.sub("", text, count=1)
    stripped = AGENT_INTRO_ZH.sub("", stripped, count=1)
    stripped = GREETING_NAME_EN.sub(r"\1\2 ", stripped, count=1)
    stripped = VOCATIVE_EN.sub("", stripped).strip()
    return stripped or text
