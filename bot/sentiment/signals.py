"""Signals of one shopper message in its conversation: lexicons, rules, context, style.

`Signals` is what both scorers read: the hand-weighted rules (`RuleScorer`) and the learned
combination (`LearnedScorer`). Every signal that fires can explain itself in `reasons`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from typing import Any

from bot.language import detect_language
from bot.sentiment import lexicon as lx
from bot.sentiment.base import Message
from bot.sentiment.normalise import normalise, snow

_WORD = re.compile(r"\w+", re.U)
_DIGITS = re.compile(r"\d+")
_STOP = {"the", "and", "you", "your", "for", "are", "can", "what", "how", "this", "that", "have"}


def _tokens(text: str) -> set[str]:
    """Words (English) or character pairs (Chinese) of a message, for similarity."""
    if detect_language(text) == "zh":
        chars = [c for c in text if c.isalnum()]
        return {a + b for a, b in pairwise(chars)}
    return {w.lower() for w in _WORD.findall(text) if len(w) > 2 and w.lower() not in _STOP}


def similarity(a: str, b: str) -> float:
    """Jaccard overlap of `_tokens`, 0..1."""
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def _unanswered(context: list[Message]) -> list[str]:
    """Shopper messages whose next bot reply missed them: it said it could not answer, or it
    shares no words with the question ("Blue shirt in M?" "Refunds take 5 days.")."""
    out = []
    for n, message in enumerate(context):
        if message["role"] != "user":
            continue
        reply = next((m["content"] for m in context[n + 1 :] if m["role"] == "assistant"), None)
        if reply is not None and (
            lx.FAILED_REPLY.search(reply) or similarity(reply, message["content"]) < 0.1
        ):
            out.append(message["content"])
    return out


def _repeat(text: str, earlier: str) -> float:
    """How much ``text`` asks ``earlier`` again; other numbers (another order, size or item)
    make it most likely another question."""
    same_numbers = _DIGITS.findall(text) == _DIGITS.findall(earlier)
    return similarity(text, earlier) * (1.0 if same_numbers else 0.4)


@dataclass
class Signals:
    """Everything the scorers know about one message; numbers are 0..1 unless noted."""

    language: str
    lexical: float  # VADER compound (en) or SnowNLP (zh) as -1..1
    abusive: bool
    wants_human: bool
    strong: int  # strong-dissatisfaction lexicon hits
    mild: int
    positive: int  # thanks and praise
    negated_negative: bool  # "not bad", "no complaints", "没问题"
    problem: bool  # a fault or a wait reported: "stopped working", "still waiting", "没收到"
    correction: bool  # "that's not what I asked"
    threat: bool  # chargeback, review, lawyer, 投诉
    waiting: bool  # "still", "already", "two weeks", "一直"
    caps: bool
    exclamations: int
    question: bool
    neg_emoji: bool
    pos_emoji: bool
    repeat: float  # similarity to an earlier shopper message since the last agent message
    unanswered: float  # `repeat` of an earlier message the bot's next reply did not answer
    previous_failed: bool  # the bot's last reply said it could not answer
    failures: int  # bot replies in context that could not answer
    user_turns: int  # earlier shopper messages in context
    length: int  # characters
    reasons: list[str] = field(default_factory=list)
    answer_only: bool = False  # only an answer word: "no", "ok", "hmm", 嗯
    declined_offer: bool = False  # "no thanks" to the person the bot offered: an answer

    @property
    def feeling(self) -> float:
        """The lexicon's polarity as evidence of feelings: none in a bare answer word."""
        return 0.0 if self.answer_only else self.lexical

    @cached_property
    def sarcasm(self) -> bool:
        """Praise right after the bot failed, or praise beside complaint wording; not the
        thanks that turns down the person offered ("ok thanks, leave it for now")."""
        return (
            self.positive > 0
            and not self.declined_offer
            and (self.previous_failed or self.strong > 0 or self.correction or self.repeat >= 0.5)
        )


class Lexicons:
    """VADER (English) and SnowNLP (Chinese) polarity, loaded on first use."""

    @cached_property
    def vader(self) -> Any:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        return SentimentIntensityAnalyzer()

    def polarity(self, text: str, language: str) -> float:
        if language == "zh":
            try:
                return 2.0 * float(snow(text).sentiments) - 1.0
            except Exception:  # SnowNLP fails on some symbol-only input
                return 0.0
        return float(self.vader.polarity_scores(text)["compound"])


def extract(messages: list[Message], index: int, lexicons: Lexicons) -> Signals:
    """The signals of ``messages[index]`` given the conversation before it."""
    original = messages[index]["content"].strip()
    language = detect_language(original)
    text = normalise(original, language)
    # Context since a human agent last spoke: a handback starts a fresh attempt.
    start = max((i + 1 for i, m in enumerate(messages[:index]) if m["role"] == "agent"), default=0)
    context = messages[start:index]
    earlier = [m["content"] for m in context if m["role"] == "user"]
    bot = [m["content"] for m in context if m["role"] == "assistant"]
    reasons: list[str] = []

    about_others = lx.ABUSE_SELF.sub(" ", text)  # "I'm not an idiot" insults nobody
    abusive = bool(lx.ABUSE_EN.search(about_others) or lx.ABUSE_ZH.search(about_others))
    wants_human = bool(
        (lx.HUMAN_EN.search(text) and not lx.HUMAN_NOT_EN.search(text))
        or (lx.HUMAN_ZH.search(text) and not lx.HUMAN_NOT_ZH.search(text))
    )
    previous_bot = bot[-1] if bot else ""
    if lx.OFFERED_HUMAN.search(previous_bot) and lx.AFFIRM.search(text):
        wants_human = True  # "Would you like me to connect you with our team?" "Yes please"
    negated = bool(lx.NEGATED_NEG_EN.search(text) or lx.NEGATED_NEG_ZH.search(text))
    # "not angry", "不生气": negated complaint words do not count as complaints
    plain = lx.NEGATED_NEG_ZH.sub(" ", lx.NEGATED_NEG_EN.sub(" ", text))
    strong = len(lx.STRONG_EN.findall(plain)) + len(lx.STRONG_ZH.findall(plain))
    mild = len(lx.MILD_EN.findall(plain)) + len(lx.MILD_ZH.findall(plain))
    problem = bool(lx.PROBLEM_EN.search(plain) or lx.PROBLEM_ZH.search(plain))
    positive = len(lx.THANKS.findall(text))
    if lx.NOT_SATISFIED_ZH.search(text):
        positive = max(0, positive - 1)
        mild += 1
    letters = [c for c in original if c.isascii() and c.isalpha()]
    caps = len(letters) >= 6 and sum(c.isupper() for c in letters) / len(letters) > 0.7
    # A second "yes" (to a proposal described again) asks nothing again.
    acknowledges = bool(lx.AFFIRM.search(text))
    repeat = 0.0 if acknowledges else max((_repeat(text, e) for e in earlier[-3:]), default=0.0)
    missed = set(_unanswered(context))
    unanswered = (
        0.0
        if acknowledges
        else max((_repeat(text, e) for e in earlier[-3:] if e in missed), default=0.0)
    )
    failed = [bool(lx.FAILED_REPLY.search(b)) for b in bot]
    signals = Signals(
        language=language,
        lexical=lexicons.polarity(original, language),
        abusive=abusive,
        wants_human=wants_human,
        strong=strong,
        mild=mild,
        positive=positive,
        negated_negative=negated,
        problem=problem,
        correction=bool(lx.CORRECTION_EN.search(text) or lx.CORRECTION_ZH.search(text)),
        threat=bool(lx.THREAT_EN.search(text) or lx.THREAT_ZH.search(text)),
        waiting=bool(lx.WAITING_EN.search(text) or lx.WAITING_ZH.search(text)),
        caps=caps,
        exclamations=text.count("!") + text.count("！"),
        question=bool(lx.QUESTION.search(text)),
        neg_emoji=bool(lx.EMOJI_NEG.search(text)),
        pos_emoji=bool(lx.EMOJI_POS.search(text)),
        repeat=repeat,
        unanswered=unanswered,
        previous_failed=bool(failed and failed[-1]),
        failures=sum(failed),
        user_turns=len(earlier),
        length=len(text),
        reasons=reasons,
        answer_only=bool(lx.ANSWER_ONLY.match(text)),
        declined_offer=bool(
            lx.OFFERED_HUMAN.search(previous_bot) and lx.DECLINE.search(text) and not wants_human
        ),
    )
    _explain(signals)
    return signals


def _explain(s: Signals) -> None:
    """Human-readable reasons for the signals that fired."""
    checks = [
        (s.abusive, "abusive language"),
        (s.wants_human, "asks for a human"),
        (s.strong > 0, "expresses frustration"),
        (s.mild > 0 and not s.strong, "mild disappointment"),
        (s.problem, "reports a fault or a wait"),
        (s.correction, "corrects the bot"),
        (s.threat, "threatens to leave, complain or dispute"),
        (s.sarcasm, "sarcasm (praise after a failed answer or beside a complaint)"),
        (s.caps, "shouting (capitals)"),
        (s.exclamations >= 2, "repeated exclamation"),
        (s.repeat >= 0.5, "repeats an earlier question"),
        (s.unanswered >= 0.5, "asks again after a reply that missed the question"),
        (s.previous_failed, "the bot could not answer before"),
        (s.negated_negative, "negated complaint ('not bad', 'no problem')"),
        (s.neg_emoji, "angry or annoyed emoji"),
    ]
    s.reasons.extend(reason for fired, reason in checks if fired)


FEATURES = (
    "lex_neg_en",
    "lex_pos_en",
    "lex_neg_zh",
    "lex_pos_zh",
    "abusive",
    "wants_human",
    "strong",
    "mild",
    "positive",
    "negated",
    "problem",
    "correction",
    "threat",
    "waiting",
    "caps",
    "exclaim",
    "neg_emoji",
    "pos_emoji",
    "question",
    "repeat",
    "unanswered",
    "previous_failed",
    "failures",
    "sarcasm",
    "mild_only",
)
"""Only signals with a meaning of their own: no message length or language offset, which
would let the model learn the quirks of a small training set."""


def vector(s: Signals) -> list[float]:
    """`Signals` as the feature vector of the learned scorer (order of `FEATURES`)."""
    zh = s.language == "zh"
    lex = s.feeling
    return [
        0.0 if zh else max(0.0, -lex),
        0.0 if zh else max(0.0, lex),
        max(0.0, -lex) if zh else 0.0,
        max(0.0, lex) if zh else 0.0,
        float(s.abusive),
        float(s.wants_human),
        min(s.strong, 3) / 3,
        min(s.mild, 2) / 2,
        min(s.positive, 2) / 2,
        float(s.negated_negative),
        float(s.problem),
        float(s.correction),
        float(s.threat),
        float(s.waiting),
        float(s.caps),
        min(s.exclamations, 3) / 3,
        float(s.neg_emoji),
        float(s.pos_emoji),
        float(s.question),
        s.repeat,
        s.unanswered,
        float(s.previous_failed),
        min(s.failures, 3) / 3,
        float(s.sarcasm),
        float(s.mild > 0 and s.strong == 0 and not s.abusive),
    ]
