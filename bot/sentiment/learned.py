"""The default scorer: the dissatisfaction model (`bot.sentiment.model`) over a message's
signals and its sentence-encoder features.

Abuse and asking for a person stay rules (they decide a hand-over on their own); the model's
score is the second signal beside them. Without the encoder (its package missing or broken)
the scorer falls back to the lexicon rules, and says so once in the log.
"""

from __future__ import annotations

import logging
from threading import Lock

import numpy as np

from bot.errors import RetrievalError
from bot.sentiment.base import Message, SentimentResult
from bot.sentiment.encoding import Embed, VectorCache, encoder_features
from bot.sentiment.model import DissatisfactionModel
from bot.sentiment.scorers import DEFAULT_THRESHOLD, LexiconSentimentScorer, features

log = logging.getLogger(__name__)
ABUSE_FLOOR = 0.85  # abuse is always serious, whatever the model says


def model_encoder(name: str) -> Embed:
    """The embedding function of the encoder a model was trained with."""
    from retrieval.embedder import USEM3_NAME, shared_usem3

    if name != USEM3_NAME:
        raise RetrievalError(f"The sentiment model reads {name!r}, which shopbot cannot load.")
    encoder = shared_usem3()
    encoder.warm_up()
    return encoder.embed


class LearnedSentimentScorer(LexiconSentimentScorer):
    """Signals + encoder features -> calibrated P(dissatisfied) and P(strong), one scale."""

    def __init__(
        self,
        threshold: float = DEFAULT_THRESHOLD,
        model: DissatisfactionModel | None = None,
        embed: Embed | None = None,
    ) -> None:
        super().__init__(threshold)
        self.model = model or DissatisfactionModel.load()
        self._embed = embed
        self._vectors: VectorCache | None = None
        self._lock = Lock()
        self.fallback = False
        """True when the encoder could not be loaded: the lexicon rules score instead."""

    def warm_up(self) -> None:
        super().warm_up()
        self._encoder()

    def _encoder(self) -> VectorCache | None:
        with self._lock:
            if self._vectors is None and not self.fallback:
                try:
                    self._vectors = VectorCache(self._embed or model_encoder(self.model.encoder))
                except RetrievalError as exc:
                    log.warning("Sentiment falls back to the lexicon rules: %s", exc)
                    self.fallback = True
            return self._vectors

    def score(self, messages: list[Message], index: int) -> SentimentResult:
        s = self.signals(messages, index)
        vectors = self._encoder()
        if vectors is None:
            dis = self.dissatisfaction(s)  # the lexicon rules
        else:
            try:
                encoded = encoder_features(messages, index, vectors, self.model.context)
            except RetrievalError as exc:
                log.warning("Sentiment scored by the lexicon rules for this message: %s", exc)
                dis = self.dissatisfaction(s)
            else:
                x = np.concatenate([features(s), encoded])[None, :]
                dis = float(self.model.score(x, [s.language], [s.answer_only])[0])
        if s.abusive:
            dis = max(dis, ABUSE_FLOOR)
        return self.result(s, round(dis, 3))
