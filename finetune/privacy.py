"""Masking personal data (English and Chinese formats) before anything is trained on it.

Each kind of personal data is replaced by a typed placeholder such as ``[email]``, so the
model learns where such a value goes without ever seeing one. Human agents' introductions
("Hi, this is Elena.", "您好，我是客服小王。") are dropped too: the bot must not learn to
present itself as a named person.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 13–19 digits, optionally grouped by spaces or dashes (cards are masked whatever the checksum).
CARD = re.compile(r"(?<![A-Za-z0-9-])\d(?:[ -]?\d){12,18}(?![A-Za-z0-9-])")
ORDER = re.compile(
    r"(?<![A-Za-z0-9-])[A-Z]{2,4}-\d{5,10}(?![A-Za-z0-9-])"
    r"|(?<=#)\d{5,20}(?!\d)"
    r"|(?:(?<=order )|(?<=order number )|(?<=订单)|(?<=订单号)|(?<=订单号：)|(?<=订单号:))"
    r"\d{5,20}(?!\d)",
    re.IGNORECASE,
)
PHONE = re.compile(
    r"(?:\+?86[ -]?)?(?<!\d)1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)"  # Chinese mobile
    r"|(?<!\d)0\d{2,3}-\d{7,8}(?!\d)"  # Chinese landline
    r"|(?:\+?1[ .-]?)?(?:\(\d{3}\)|(?<!\d)\d{3})[ .-]?\d{3}[ .-]\d{4}(?!\d)"  # North American
    r"|\+\d{1,3}(?:[ .-]?\d{2,4}){2,5}(?!\d)"  # international
)
_STREET = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl"
    r"|Terrace|Parkway|Pkwy|Highway|Hwy|Circle|Square|Sq)"
)
ADDRESS_EN = re.compile(
    r"(?<![A-Za-z0-9])\d{1,6}(?: [NSEW]\.?)?(?: [A-Z0-9][\w'-]*){1,4} " + _STREET + r"\b\.?"
    r"(?:,? (?:Apt|Apartment|Unit|Suite|Ste|Flat|#)\.? ?[\w-]+)?"
    r"(?:, (?:[A-Z][a-z]+ ?){1,3})?(?:,? [A-Z]{2}\.?(?: \d{5}(?:-\d{4})?)?)?"
)
ADDRESS_ZH = re.compile(
    r"(?:[\u4e00-\u9fff]{2,4}[省市])?(?:[\u4e00-\u9fff]{2,4}[区县])?"
    r"[\u4e00-\u9fff\d]{1,8}(?:路|街|大道|巷|弄|胡同)\d+号"
    r"(?:\d+(?:号楼|栋|幢|单元|楼|层))*(?:\d+室)?"
)
AGENT_INTRO_EN = re.compile(
    r"^(?:Hi|Hello|Hey)\b[^.!?\n]{0,60}?\b(?:this is|here from|here)\b[^.!?\n]*[.!]\s*"
)
GREETING_NAME_EN = re.compile(r"^(Hi|Hello|Hey|Dear) [A-Z][a-z]+([!,.])\s*")
VOCATIVE_EN = re.compile(r",\s[A-Z][a-z]+(?=[!.?]\s*$)")
AGENT_INTRO_ZH = re.compile(
    r"^(?:亲，)?(?:您好[，,！!]?)?(?:我是(?:人工)?客服小.|小.为您服务|(?:人工)?客服小.)[^。！]*[。！]\s*"
)

PLACEHOLDERS = {
    "email": "[email]",
    "card": "[card number]",
    "order": "[order number]",
    "phone": "[phone]",
    "address": "[address]",
}


def mask_personal_data(text: str) -> str:
    """The text with emails, card, order and phone numbers and street addresses masked."""
    text = EMAIL.sub(PLACEHOLDERS["email"], text)
    text = ADDRESS_EN.sub(PLACEHOLDERS["address"], text)
    text = ADDRESS_ZH.sub(PLACEHOLDERS["address"], text)
    text = ORDER.sub(PLACEHOLDERS["order"], text)
    text = CARD.sub(PLACEHOLDERS["card"], text)
    return PHONE.sub(PLACEHOLDERS["phone"], text)


def strip_agent_intro(text: str) -> str:
    """An agent's reply without their self-introduction or the shopper's name in a greeting."""
    stripped = AGENT_INTRO_EN.sub("", text, count=1)
    stripped = AGENT_INTRO_ZH.sub("", stripped, count=1)
    stripped = GREETING_NAME_EN.sub(r"\1\2 ", stripped, count=1)
    stripped = VOCATIVE_EN.sub("", stripped).strip()
    return stripped or text
