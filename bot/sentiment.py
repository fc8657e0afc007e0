"""How the shopper feels, per message, judged in the context of the conversation so far."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import cached_property
from itertools import pairwise
from typing import Any, Protocol

from bot.language import detect_language

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


_HUMAN_EN = re.compile(
    r"\b(human|real person|real people|live (agent|person|chat)|(an|a|your) (agent|manager|"
    r"supervisor|representative|rep)|someone (real|else)|talk to (a |an )?(person|someone|"
    r"somebody)|speak (to|with) (a |an |someone|somebody|person)|customer service|operator)\b",
    re.I,
)
_HUMAN_ZH = re.compile(r"人工|真人|客服主管|经理|找个懂的|找个人|转接|投诉")
_ABUSE_EN = re.compile(
    r"\b(f+u+c+k+\w*|shit\w*|bullshit|idiot\w*|stupid|moron\w*|dumb\w*|crap\w*|"
    r"bitch\w*|asshole\w*|bastard\w*|damn\w*|wtf|stfu|screw you|useless piece|"
    r"piece of (shit|junk|garbage)|go to hell|retard\w*|pathetic|scam\w*|trash)\b",
    re.I,
)
_ABUSE_ZH = re.compile(r"傻|蠢|垃圾|废物|他妈|妈的|滚|脑残|白痴|骗子|混蛋|智障|去死|操你|坑人|笨蛋")
_FRUSTRATION_EN = re.compile(
    r"\b(ridiculous|unacceptable|terrible|awful|worst|frustrat\w*|annoy\w*|angry|upset|"
    r"disappoint\w*|not (what|helpful|good enough)|useless|doesn'?t help|didn'?t help|"
    r"no help|waste of time|already (told|said|asked)|again\?|still (haven'?t|not|no)|"
    r"never (arrived|received|came)|that'?s not|you (don'?t|do not) understand|"
    r"not answering|third time|second time|how many times (do|must|have|should) i|fed up|sick of|"
    r"what a joke|are you kidding|seriously\?|unbelievable|cancel everything|"
    r"i want my money back|chargeback|report you|bad review|lawyer)\b",
    re.I,
)
_FRUSTRATION_ZH = re.compile(
    r"不满|生气|气死|太差|太慢|失望|离谱|无语|搞什么|怎么回事|到底|又是|还是没|已经说了|说过了|"
    r"第三次|好几次|多少次|没用|听不懂|不懂|答非所问|投诉|差评|退钱|骗|坑|烦|受不了|什么破|"
    r"怎么还|为什么还|一直|等了|没人管|敷衍"
)
_NEGATED_NEG_EN = re.compile(r"\b(not|never|no)\s+(unhappy|upset|angry|disappointed|bad)\b", re.I)
_THANKS = re.compile(
    r"\b(thanks?|thank you|great,? thanks|perfect|awesome|appreciate)\b|谢谢|感谢|好的|太好了", re.I
)
_SARCASM = re.compile(
    r"\b(great|wonderful|fantastic|brilliant|thanks a lot|nice),?\s+(another|so|just|for nothing|"
    r"very helpful|really helpful)\b|\byeah right\b|\bwow,? (thanks|great)\b|真是谢谢|呵呵|好棒棒",
    re.I,
)
_WORD = re.compile(r"\w+", re.U)


def _similarity(a: str, b: str) -> float:
    """Overlap of word sets (characters for Chinese)."""

    def tokens(text: str) -> set[str]:
        if detect_language(text) == "zh":
            chars = [c for c in text if not c.isspace()]
            return {a + b for a, b in pairwise(chars)}
        return {w.lower() for w in _WORD.findall(text) if len(w) > 2}

    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


class LexiconSentimentScorer:
    """VADER (English) and SnowNLP (Chinese) lexicons plus conversation rules."""

    def warm_up(self) -> None:
        _ = self._vader

    @cached_property
    def _vader(self) -> Any:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        return SentimentIntensityAnalyzer()

    def _lexicon(self, text: str, language: str) -> float:
        if language == "zh":
            from snownlp import SnowNLP

            try:
                return 2.0 * SnowNLP(text).sentiments - 1.0
            except Exception:
                return 0.0
        return float(self._vader.polarity_scores(text)["compound"])

    def score(self, messages: list[Message], index: int) -> SentimentResult:
        text = messages[index]["content"]
        language = detect_language(text)
        reasons: list[str] = []
        lexical = self._lexicon(text, language)
        dis = max(0.0, -lexical) * 0.45

        abusive = bool(_ABUSE_EN.search(text) or _ABUSE_ZH.search(text))
        if abusive:
            reasons.append("abusive language")
            dis = max(dis, 0.85)
        wants_human = bool(_HUMAN_EN.search(text) or _HUMAN_ZH.search(text))
        if wants_human:
            reasons.append("asks for a human")
            dis = max(dis, 0.55)
        if _FRUSTRATION_EN.search(text) or _FRUSTRATION_ZH.search(text):
            reasons.append("expresses frustration")
            dis = max(dis, 0.7)
        if _SARCASM.search(text):
            reasons.append("sarcasm")
            dis = max(dis, 0.65)
        letters = [c for c in text if c.isalpha() and c.isascii()]
        if len(letters) >= 8 and sum(c.isupper() for c in letters) / len(letters) > 0.7:
            reasons.append("shouting (capitals)")
            dis = min(1.0, dis + 0.25)
        if text.count("!") + text.count("！") >= 3 or "?!" in text or "？！" in text:
            reasons.append("repeated exclamation")
            dis = min(1.0, dis + 0.15)

        earlier_user = [m["content"] for m in messages[:index] if m["role"] == "user"]
        if any(_similarity(text, earlier) >= 0.6 for earlier in earlier_user[-3:]):
            reasons.append("repeats an earlier question")
            dis = min(1.0, dis + 0.35)
        previous_bot = next(
            (m["content"] for m in reversed(messages[:index]) if m["role"] == "assistant"), ""
        )
        if previous_bot and re.search(r"don'?t have|not sure|没有找到|不太确定", previous_bot):
            reasons.append("the bot could not answer before")
            dis = min(1.0, dis + 0.15)
        if _NEGATED_NEG_EN.search(text) or (_THANKS.search(text) and not reasons):
            dis *= 0.3
        dis = round(min(1.0, max(0.0, dis)), 3)
        sentiment = round(max(-1.0, min(1.0, lexical - dis * 0.6)), 3)
        escalate = abusive or wants_human or dis >= 0.75
        return SentimentResult(sentiment, dis, abusive, wants_human, escalate, reasons)
