"""How the shopper feels, per message, judged in the context of the conversation so far
(`SentimentScorer`: sentiment, dissatisfaction, abuse, asking for a person) and the CSAT that
predicts. It may import only the foundation of `bot` (settings, errors, languages); the
escalation policy that acts on its scores lives above it, in the pipeline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.sentiment.base import Message, SentimentResult, SentimentScorer
from bot.sentiment.csat import predicted_csat
from bot.sentiment.learned import LearnedSentimentScorer
from bot.sentiment.scorers import LexiconSentimentScorer

if TYPE_CHECKING:
    from bot.settings import Settings

__all__ = [
    "LearnedSentimentScorer",
    "LexiconSentimentScorer",
    "Message",
    "SentimentResult",
    "SentimentScorer",
    "make_scorer",
    "predicted_csat",
]


def make_scorer(settings: Settings) -> SentimentScorer:
    """The configured scorer: the learned one (the dissatisfaction model over the multilingual
    encoder), escalating at the configured threshold."""
    threshold = settings.escalation.dissatisfaction_threshold
    if settings.escalation.scorer == "lexicon":
        return LexiconSentimentScorer(threshold)
    return LearnedSentimentScorer(threshold)
