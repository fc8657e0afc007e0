"""The lexicon-and-rules scorer, and the pieces the learned scorer (`bot.sentiment.learned`)
shares with it: the signals as features, logistic regression, and the one output scale
(`combine`): calm ~0, mild 0.5-0.7, strong 0.7-1. The rules for abuse and for asking a
person stay rules (precision matters there); the learned score is a second signal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from bot.sentiment.base import Message, SentimentResult
from bot.sentiment.signals import FEATURES, Lexicons, Signals, extract, vector

DEFAULT_THRESHOLD = 0.7


def rule_dissatisfaction(s: Signals) -> float:
    """Dissatisfaction 0..1 from hand-set weights (the lexicon-and-rules baseline)."""
    dis = 0.45 * max(0.0, -s.feeling)
    if s.mild:
        dis = max(dis, 0.55)
    if s.strong:
        dis = max(dis, min(0.95, 0.7 + 0.1 * (s.strong - 1)))
    if s.correction or s.sarcasm:
        dis = max(dis, 0.72)
    if s.threat:
        dis = max(dis, 0.8)
    if s.abusive:
        dis = max(dis, 0.9)
    if s.repeat >= 0.5:
        dis += 0.3
    if s.caps:
        dis += 0.2
    if s.exclamations >= 2:
        dis += 0.1
    if s.previous_failed:
        dis += 0.1
    if s.neg_emoji:
        dis += 0.1
    negative = s.strong or s.abusive or s.correction or s.threat or s.repeat >= 0.5
    if s.negated_negative and not negative:
        dis *= 0.4
    if s.positive and not negative and not s.mild and not s.sarcasm:
        dis *= 0.3
    return round(min(1.0, max(0.0, dis)), 3)


def polarity(s: Signals, dissatisfaction: float) -> float:
    """Sentiment -1..1: the lexicon's polarity pulled down by dissatisfaction."""
    weight = 0.3 if s.language == "zh" else 0.7  # SnowNLP is noisy outside product reviews
    value = weight * s.feeling - 1.2 * max(0.0, dissatisfaction - 0.2)
    if s.positive and dissatisfaction < 0.3:
        value = max(value, 0.3)
    return round(max(-1.0, min(1.0, value)), 3)


class _Base:
    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        self.lexicons = Lexicons()

    def warm_up(self) -> None:
        _ = self.lexicons.vader
        self.lexicons.polarity("你好", "zh")

    def signals(self, messages: list[Message], index: int) -> Signals:
        return extract(messages, index, self.lexicons)

    def dissatisfaction(self, s: Signals) -> float:
        raise NotImplementedError

    def score(self, messages: list[Message], index: int) -> SentimentResult:
        s = self.signals(messages, index)
        return self.result(s, self.dissatisfaction(s))

    def result(self, s: Signals, dis: float) -> SentimentResult:
        """The rules decide abuse and asking for a person; the score decides the rest."""
        escalate = s.abusive or s.wants_human or dis >= self.threshold
        reasons = [*s.reasons, f"dissatisfaction {dis:.2f}"]
        return SentimentResult(polarity(s, dis), dis, s.abusive, s.wants_human, escalate, reasons)


class LexiconSentimentScorer(_Base):
    """VADER (English) and SnowNLP (Chinese) lexicons plus hand-weighted conversation rules."""

    def dissatisfaction(self, s: Signals) -> float:
        return rule_dissatisfaction(s)


def features(s: Signals) -> list[float]:
    """The learned scorer's input: the rule score and every signal."""
    return [rule_dissatisfaction(s), *vector(s)]


FEATURE_NAMES = ("rules", *FEATURES)


@dataclass
class LogisticModel:
    """L2-regularised logistic regression on standardised features (numpy, Newton steps)."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    @classmethod
    def fit(
        cls,
        x: np.ndarray,
        y: np.ndarray,
        l2: float = 1.0,
        steps: int = 30,
        weights: np.ndarray | None = None,
    ) -> LogisticModel:
        """Fit on rows ``x`` and 0/1 targets ``y``; ``weights`` (one per row) count a row
        that many times (the mean weight should be 1 for ``l2`` to keep its meaning)."""
        mean, scale = x.mean(axis=0), x.std(axis=0)
        scale[scale < 1e-9] = 1.0
        z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
        sw = np.ones(len(x)) if weights is None else np.asarray(weights, float)
        w = np.zeros(z.shape[1])
        penalty = np.full(z.shape[1], l2)
        penalty[0] = 0.0
        for _ in range(steps):
            p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -30, 30)))
            grad = z.T @ (sw * (p - y)) + penalty * w
            hess = (z * (sw * p * (1 - p))[:, None]).T @ z + np.diag(penalty + 1e-9)
            delta = np.linalg.solve(hess, grad)
            w -= delta
            if np.abs(delta).max() < 1e-7:
                break
        return cls(mean, scale, w[1:], float(w[0]))

    def predict(self, x: np.ndarray) -> np.ndarray:
        logits = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        probability: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))
        return probability

    def as_dict(self) -> dict[str, Any]:
        return {
            "mean": self.mean.round(6).tolist(),
            "scale": self.scale.round(6).tolist(),
            "coef": self.coef.round(6).tolist(),
            "intercept": round(self.intercept, 6),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LogisticModel:
        return cls(
            np.asarray(data["mean"], float),
            np.asarray(data["scale"], float),
            np.asarray(data["coef"], float),
            float(data["intercept"]),
        )


def combine(p_dissatisfied: float, p_strong: float) -> float:
    """One 0..1 score on a fixed scale. Below 0.5 it is P(dissatisfied) itself (0.5: even
    odds); P(dissatisfied) >= 0.5 maps to 0.5-0.69 (dissatisfied, mild); P(escalation-worthy)
    >= 0.5 maps to 0.7-1 (the default hand-off threshold is 0.7). A message worth a person is
    a dissatisfied one first: P(escalation-worthy) = P(dissatisfied) * P(strong), the strong
    head read as how likely a complaint is to need a person. It learned from our own examples
    alone and reads a message's wording, so on its own it handed over ordinary requests worded
    like complaints ("I need to cancel, I ordered the wrong colour": 0.82 at P(dissatisfied)
    0.03; "sorry wrong account, [e-mail] is the one")."""
    low = p_dissatisfied if p_dissatisfied < 0.5 else 0.5 + 0.38 * (p_dissatisfied - 0.5)
    p_person = p_dissatisfied * p_strong
    if p_person < 0.5:
        return round(low, 3)
    return round(min(1.0, max(low, 0.7 + 0.6 * (p_person - 0.5))), 3)
