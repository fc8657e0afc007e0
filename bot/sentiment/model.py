"""The dissatisfaction model: two logistic regressions over a message's signals (lexicons,
rules, conversation) and its sentence-encoder features, with a calibration of the first.

* ``dissatisfied``: P(the shopper is dissatisfied at this message), trained on real outside
  corpora (rated dialogues, Chinese reviews) together with our own examples, then
  Platt-calibrated so that 0.5 means even odds;
* ``strong``: P(dissatisfied enough to hand over), trained where that label exists.

`combine` puts both on the one scale `shopbot sentiment` prints. Weights live in
``model.json``, written by ``python -m evals.sentiment_training``.
"""

from __future__ import annotations

import json
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


@dataclass
class DissatisfactionModel:
    dissatisfied: LogisticModel
    strong: LogisticModel
    calibration: Calibration
    encoder: str
    """The embedder whose vectors the model reads (its `name`)."""
    info: dict[str, Any]
    context: bool = True
    """Whether it reads the context similarities (`bot.sentiment.encoding.CONTEXT_NAMES`)."""

    def predict(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """P(dissatisfied), calibrated, and P(strong) for feature rows ``x``."""
        return self.calibration(self.dissatisfied.predict(x)), self.strong.predict(x)

    def score(self, x: np.ndarray) -> np.ndarray:
        """The 0..1 dissatisfaction of each row (see `combine`)."""
        p_dis, p_strong = self.predict(x)
        return np.array([combine(float(a), float(b)) for a, b in zip(p_dis, p_strong, strict=True)])

    def save(self, path: Path = MODEL_FILE) -> None:
        document = {
            "signals": list(FEATURE_NAMES),
            "encoder": self.encoder,
            "context": self.context,
            "models": {
                "dissatisfied": self.dissatisfied.as_dict(),
                "strong": self.strong.as_dict(),
            },
            "calibration": {"a": round(self.calibration.a, 6), "b": round(self.calibration.b, 6)},
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
        calibration = data.get("calibration") or {}
        return cls(
            LogisticModel.from_dict(data["models"]["dissatisfied"]),
            LogisticModel.from_dict(data["models"]["strong"]),
            Calibration(float(calibration.get("a", 1.0)), float(calibration.get("b", 0.0))),
            str(data["encoder"]),
            dict(data.get("info") or {}),
            bool(data.get("context", True)),
        )
