"""Our own labelled examples (``data/sentiment_train.jsonl``), and a signals-only logistic
model compared with the rules on them.

    python -m bot.sentiment.training [--data FILE] [--json]

The shipped model (signals + encoder, trained with the outside corpora too) is trained by
``python -m evals.sentiment_training``. Never reads the evaluation set. The comparison is a
grouped k-fold cross-validation: every variant of one hand-written base message is held out
together, so the learned model is judged on wordings it has not seen.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from bot.sentiment.base import Message
from bot.sentiment.metrics import prf, roc_auc
from bot.sentiment.scorers import (
    DEFAULT_THRESHOLD,
    LogisticModel,
    combine,
    features,
    rule_dissatisfaction,
)
from bot.sentiment.signals import Lexicons, Signals, extract

TRAIN = Path("data/sentiment_train.jsonl")
L2 = 10.0


def load_labelled(path: Path) -> list[dict[str, Any]]:
    """Rows of a labelled set (``context``, ``message``, ``labels``)."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def as_messages(row: dict[str, Any]) -> tuple[list[Message], int]:
    messages = [*row["context"], {"role": "user", "content": row["message"]}]
    return messages, len(messages) - 1


def targets(rows: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
    """P(dissatisfied) and P(dissatisfied enough to escalate) targets."""
    dis = np.array([r["labels"]["dissatisfied"] for r in rows], float)
    strong = np.array(
        [r["labels"]["dissatisfied"] and r["labels"]["escalate"] for r in rows], float
    )
    return dis, strong


def fit(x: np.ndarray, rows: list[dict[str, Any]]) -> tuple[LogisticModel, LogisticModel]:
    dis, strong = targets(rows)
    return LogisticModel.fit(x, dis, L2), LogisticModel.fit(x, strong, L2)


def predict(
    models: tuple[LogisticModel, LogisticModel], x: np.ndarray, s: list[Signals]
) -> list[float]:
    p_dis, p_strong = (m.predict(x) for m in models)
    out = [combine(float(a), float(b)) for a, b in zip(p_dis, p_strong, strict=True)]
    return [max(d, 0.85) if sig.abusive else d for d, sig in zip(out, s, strict=True)]


def summary(rows: list[dict[str, Any]], dis: list[float], s: list[Signals]) -> dict[str, Any]:
    labels = [r["labels"] for r in rows]
    escalate = [
        sig.abusive or sig.wants_human or d >= DEFAULT_THRESHOLD
        for d, sig in zip(dis, s, strict=True)
    ]
    auc = roc_auc([lab["dissatisfied"] for lab in labels], dis)
    return {
        "dissatisfaction_auc": round(auc, 4) if auc is not None else None,
        "escalation": prf([lab["escalate"] for lab in labels], escalate),
    }


def cross_validate(
    rows: list[dict[str, Any]], x: np.ndarray, s: list[Signals], folds: int = 5
) -> dict[str, Any]:
    """Out-of-fold learned scores vs the rules, folds drawn by hand-written base message."""
    groups = sorted({r["group"] for r in rows})
    rng = np.random.default_rng(7)
    fold_of = {g: i % folds for i, g in enumerate(rng.permutation(groups))}
    learned = np.zeros(len(rows))
    for fold in range(folds):
        test = np.array([fold_of[r["group"]] == fold for r in rows])
        models = fit(x[~test], [r for r, t in zip(rows, test, strict=True) if not t])
        idx = np.flatnonzero(test)
        learned[idx] = predict(models, x[idx], [s[i] for i in idx])
    rules = [rule_dissatisfaction(sig) for sig in s]
    report: dict[str, Any] = {"folds": folds, "examples": len(rows), "groups": len(groups)}
    for language in ("all", "en", "zh"):
        keep = [i for i, r in enumerate(rows) if language in ("all", r["language"])]
        sub = [rows[i] for i in keep]
        sig = [s[i] for i in keep]
        report[language] = {
            "learned": summary(sub, [float(learned[i]) for i in keep], sig),
            "lexicon_rules": summary(sub, [rules[i] for i in keep], sig),
        }
    return report


def train(data: Path = TRAIN) -> dict[str, Any]:
    """Cross-validate the signals-only model against the rules on ``data``."""
    rows = load_labelled(data)
    lexicons = Lexicons()
    s = [extract(*as_messages(r), lexicons) for r in rows]
    x = np.asarray([features(sig) for sig in s])
    return cross_validate(rows, x, s)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=TRAIN)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    report = train(args.data)
    if args.json:
        sys.stdout.write(json.dumps(report) + "\n")
    else:
        print(json.dumps(report, indent=1), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
