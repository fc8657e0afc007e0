"""The dissatisfaction model: two logistic regressions over a message's signals (lexicons,
rules, conversation) and its sentence-encoder features, with a calibration of the first.

* ``dissatisfied``: P(the shopper is dissatisfied at this message), trained on real outside
  corpora (rated dialogues, Chinese reviews) together with our own examples, then
  Platt-calibrated so that 0.5 means even odds; one head per language when trained so (each
  on its own language's rows), the plain lexicons' polarity among its inputs;
* ``strong``: P(dissatisfied enough to hand over), trained where that label exists.

`combine` puts both on the one scale `shopbot sentiment` prints. Weights live in
``model.json``, written by ``python -m evals.sentiment_training``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.sentiment.scorers import FEATURE_NAMES, LogisticModel, combine

MODEL_FILE = Path(__file__).with_name("model.json")


@dataclass
class Calibration:
    """Platt scaling of a probability: sigmoid(a * logit(p) + b)."""

    a: float = 1.0
    b: float = 0.0

    def __call__(self, p: np.ndarray) -> np.ndarray:
        p = np.clip(p, 1e-6, 1 - 1e-6)
        z = self.a * np.log(p / (1 - p)) + self.b
        out: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        return out

    @classmethod
    def fit(cls, p: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None) -> Calibration:
        p = np.clip(p, 1e-6, 1 - 1e-6)
        logit = np.log(p / (1 - p))[:, None]
        m = LogisticModel.fit(logit, y, l2=1e-3, weights=weights)
        # back to the raw logit's scale: (logit - mean) / scale * coef + intercept
        a = float(m.coef[0] / m.scale[0])
        return cls(a, float(m.intercept - a * m.mean[0]))


ANY_LANGUAGE = "*"
MESSAGE_DIMENSIONS = 512
"""The message's own vector in the encoder part (USE-m3), before the context similarities."""
LEXICON_COLUMNS = {
    "en": (FEATURE_NAMES.index("lex_neg_en"), FEATURE_NAMES.index("lex_pos_en")),
    "zh": (FEATURE_NAMES.index("lex_neg_zh"), FEATURE_NAMES.index("lex_pos_zh")),
}
LEXICON_LOGIT_NAMES = ("lex_logit_en", "lex_logit_zh")


def with_lexicon_logits(x: np.ndarray) -> np.ndarray:
    """``x`` (signals first, then the encoder part) with the plain lexicon's polarity of each
    language appended on an unbounded scale: logit(SnowNLP's P(positive)) for Chinese, the
    same stretch of VADER's compound for English. Rank by rank these are the baselines; on
    this scale the model can follow their confident ends, which the -1..1 signals squash."""
    columns = []
    for neg, pos in LEXICON_COLUMNS.values():
        lexical = np.clip(x[:, pos] - x[:, neg], -0.999, 0.999)
        columns.append(np.log((1 + lexical) / (1 - lexical)))
    return np.hstack([x, np.stack(columns, axis=1)])


@dataclass
class DissatisfactionModel:
    dissatisfied: dict[str, LogisticModel]
    """The dissatisfied head by language (``*``: one head for every language)."""
    strong: LogisticModel
    calibration: dict[str, Calibration]
    encoder: str
    """The embedder whose vectors the model reads (its `name`)."""
    info: dict[str, Any]
    context: bool = True
    """Whether it reads the context similarities (`bot.sentiment.encoding.CONTEXT_NAMES`)."""
    lexicon_logits: bool = False
    """Whether its rows end with `with_lexicon_logits`' columns."""

    def head(self, language: str) -> str:
        return language if language in self.dissatisfied else ANY_LANGUAGE

    def rows(self, x: np.ndarray) -> np.ndarray:
        """Feature rows (signals, encoder part) as the heads read them."""
        return with_lexicon_logits(x) if self.lexicon_logits else x

    def predict(
        self, x: np.ndarray, languages: Sequence[str], answers: Sequence[bool] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """P(dissatisfied), calibrated, and P(strong) for feature rows ``x`` (signals, then the
        encoder part) of messages in ``languages``. ``answers`` marks bare answer words ("no",
        "hmm"): what such a word means depends on the question before it, so its own vector
        is no evidence (the rated dialogues' "no" turned down a recommendation): a head reads
        its training mean there instead."""
        x = self.rows(x)
        p_dis = np.zeros(len(x))
        heads = np.array([self.head(language) for language in languages])
        answer = np.zeros(len(x), bool) if answers is None else np.asarray(answers, bool)
        for head in set(heads.tolist()):
            mask = heads == head
            model = self.dissatisfied[head]
            rows = x[mask].copy()
            message = slice(len(FEATURE_NAMES), len(FEATURE_NAMES) + MESSAGE_DIMENSIONS)
            rows[answer[mask], message] = model.mean[message]
            p_dis[mask] = self.calibration[head](model.predict(rows))
        return p_dis, self.strong.predict(x)

    def score(
        self, x: np.ndarray, languages: Sequence[str], answers: Sequence[bool] | None = None
    ) -> np.ndarray:
        """The 0..1 dissatisfaction of each row (see `combine`)."""
        p_dis, p_strong = self.predict(x, languages, answers)
        return np.array([combine(float(a), float(b)) for a, b in zip(p_dis, p_strong, strict=True)])

    def save(self, path: Path = MODEL_FILE) -> None:
        document = {
            "signals": list(FEATURE_NAMES),
            "encoder": self.encoder,
            "context": self.context,
            "lexicon_logits": self.lexicon_logits,
            "models": {
                "dissatisfied": {k: m.as_dict() for k, m in self.dissatisfied.items()},
                "strong": self.strong.as_dict(),
            },
            "calibration": {
                k: {"a": round(c.a, 6), "b": round(c.b, 6)} for k, c in self.calibration.items()
            },
            "info": self.info,
        }
        path.write_text(json.dumps(document, indent=0, ensure_ascii=False) + "\n", "utf-8")

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> DissatisfactionModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["signals"]) != FEATURE_NAMES:
            raise ValueError(
                f"{path} was trained on other signals: retrain it with "
                "`python -m evals.sentiment_training`."
            )
        heads = data["models"]["dissatisfied"]
        calibration = data.get("calibration") or {}
        if "coef" in heads:  # one head, written before heads by language
            heads, calibration = {ANY_LANGUAGE: heads}, {ANY_LANGUAGE: calibration}
        return cls(
            {k: LogisticModel.from_dict(v) for k, v in heads.items()},
            LogisticModel.from_dict(data["models"]["strong"]),
            {
                k: Calibration(
                    float(calibration.get(k, {}).get("a", 1.0)),
                    float(calibration.get(k, {}).get("b", 0.0)),
                )
                for k in heads
            },
            str(data["encoder"]),
            dict(data.get("info") or {}),
            bool(data.get("context", True)),
            bool(data.get("lexicon_logits", False)),
        )
