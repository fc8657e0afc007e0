"""Safety checks around the model: prompt injection in, leaks and unsupported promises out.

Each check is a pure function, testable on its own:
- `detect_injection`: a shopper message (or a retrieved document) that tries to override the
  bot's instructions, in English, Chinese and other common languages, or smuggles chat-template
  markers;
- `leaks_instructions`: a reply sentence that repeats the bot's own instructions;
- `unsupported_promise`: a reply sentence that commits the store to a refund, discount, code,
  price or exception that no retrieved policy passage supports.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.grounding import HitLike

_INJECTION = [
    (
        r"\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(previous|prior|above|earlier|all|"
        r"your|the|system|these|those)\b.{0,20}"
        r"\b(instructions?|rules?|prompts?|directions?|guidelines?)",
        "asks to ignore the bot's instructions",
    ),
    (
        r"\b(reveal|show|print|repeat|output|display|tell me|what (is|are))\b.{0,30}"
        r"\b(system prompt|"
        r"(your|the) (instructions|prompt|rules|configuration)|hidden (prompt|instructions))",
        "asks for the bot's instructions",
    ),
    (
        r"\b(you are now|from now on,? you|act as|pretend (to be|you are)|roleplay as|"
        r"developer mode|jailbreak|DAN\b|do anything now|no restrictions|unfiltered)",
        "tries to change the bot's role",
    ),
    (
        r"<\|im_start\|>|<\|im_end\|>|<\|system\|>|\[/?INST\]|<<SYS>>|^\s*(###\s*)?system\s*:",
        "contains chat-template markers",
    ),
    (
        r"忽略.{0,10}(之前|以上|上面|所有|先前|前面).{0,6}(指令|指示|规则|提示|设定)|"
        r"(系统提示|系统指令|提示词)|你现在是|扮演|假装你是|开发者模式|越狱|不受限制",
        "prompt injection (Chinese)",
    ),
    (
        r"\b(ignora|olvida)\b.{0,30}\binstrucciones\b|\bignore[zr]?\b.{0,30}\binstructions\b.{0,10}"
        r"\b(précédentes|ci-dessus)\b|\bignorier(e|en)?\b.{0,30}\b(anweisungen|regeln)\b|"
        r"\b(игнорируй|забудь)\b.{0,30}\b(инструкции|правила)\b|以前の指示を無視",
        "prompt injection (other language)",
    ),
]
_INJECTION_RES = [(re.compile(p, re.I | re.M | re.S), why) for p, why in _INJECTION]
_BASE64_BLOB = re.compile(r"[A-Za-z0-9+/]{80,}={0,2}")

_PROMISE_TOPIC = re.compile(
    r"\b(refund|reimburse|discount|coupon|promo(tion)? code|voucher|store credit|free (of charge|"
    r"shipping|replacement|gift)|\d+\s?% off|price match|waive|exception|compensat\w+|cashback)\b"
    r"|退款|赔偿|折扣|优惠券|优惠码|代金券|免费|免运费|补偿|返现|例外",
    re.I,
)
_COMMITMENT = re.compile(
    r"\b(i('ll| will| have|'ve)|we('ll| will| have|'ve| can)|you('ll| will) (get|receive)|"
    r"here('s| is) (a|your)|i can (give|offer|issue|apply)|guarantee\w*|approved|issued|"
    r"granted|as an exception)\b"
    r"|我(会|将|已经|已|可以给|给您)|我们(会|将|已|可以)|您将(获得|收到)|保证",
    re.I,
)
_WORD = re.compile(r"[a-z0-9]+|[\u4e00-\u9fff]", re.I)


@dataclass
class SafetyVerdict:
    flagged: bool
    reasons: list[str] = field(default_factory=list)


def detect_injection(text: str) -> SafetyVerdict:
    """Does this text try to take over the bot's instructions?"""
    reasons = [why for pattern, why in _INJECTION_RES if pattern.search(text)]
    if _BASE64_BLOB.search(text):
        reasons.append("contains an encoded blob")
    return SafetyVerdict(bool(reasons), sorted(set(reasons)))


def _shingles(text: str, size: int) -> set[tuple[str, ...]]:
    words = [w.lower() for w in _WORD.findall(text)]
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def leaks_instructions(sentence: str, instructions: str, size: int = 6) -> bool:
    """True when the sentence repeats a run of ``size`` words from the instructions."""
    if not instructions:
        return False
    return bool(_shingles(sentence, size) & _shingles(instructions, size))


def unsupported_promise(sentence: str, hits: Sequence[HitLike], min_overlap: float = 0.5) -> bool:
    """True when the sentence commits to a refund, discount, code or exception that no
    retrieved policy passage supports (its wording must largely come from a policy)."""
    if not (_PROMISE_TOPIC.search(sentence) and _COMMITMENT.search(sentence)):
        return False
    words = {w.lower() for w in _WORD.findall(sentence) if len(w) > 2 or not w.isascii()}
    if not words:
        return False
    for hit in hits:
        if hit.source != "policy":
            continue
        passage = {w.lower() for w in _WORD.findall(f"{hit.title} {hit.text}")}
        if len(words & passage) / len(words) >= min_overlap:
            return False
    return True
