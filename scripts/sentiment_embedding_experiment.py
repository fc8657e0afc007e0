"""Does the bundled MiniLM sentence embedding help the learned sentiment scorer?

Grouped 5-fold cross-validation on data/sentiment_train.jsonl (never the eval set): signals
alone vs signals + all-MiniLM-L6-v2 embedding vs the embedding alone, and what embedding
costs per message.

    .venv/bin/python scripts/sentiment_embedding_experiment.py
"""

from __future__ import annotations

import time

import numpy as np

from bot.model_files import force_offline
from bot.sentiment.metrics import roc_auc
from bot.sentiment.scorers import LogisticModel, combine, features
from bot.sentiment.signals import Lexicons, extract
from bot.sentiment.training import TRAIN, as_messages, load_labelled, targets
from bot.settings import Settings


def main() -> None:
    force_offline()
    from retrieval.embedder import embedder_from_settings

    embedder = embedder_from_settings(Settings())
    rows = load_labelled(TRAIN)
    lexicons = Lexicons()
    x = np.array([features(extract(*as_messages(r), lexicons)) for r in rows])
    t0 = time.perf_counter()
    e = np.asarray(embedder.embed([r["message"] for r in rows]))
    print(f"embedding, batched: {(time.perf_counter() - t0) / len(rows) * 1000:.1f} ms/message")
    t0 = time.perf_counter()
    for row in rows[:30]:
        embedder.embed([row["message"]])
    print(f"embedding, one at a time: {(time.perf_counter() - t0) / 30 * 1000:.1f} ms/message")
    groups = sorted({r["group"] for r in rows})
    order = np.random.default_rng(7).permutation(groups)
    fold_of = {g: i % 5 for i, g in enumerate(order)}
    dis, strong = targets(rows)
    labels = np.array([r["labels"]["dissatisfied"] for r in rows])
    language = np.array([r["language"] for r in rows])
    for name, f, l2 in [
        ("signals", x, 1.0),
        ("signals+embedding", np.hstack([x, e]), 1.0),
        ("signals+embedding l2=30", np.hstack([x, e]), 30.0),
        ("embedding only", e, 10.0),
    ]:
        out = np.zeros(len(rows))
        for fold in range(5):
            test = np.array([fold_of[r["group"]] == fold for r in rows])
            m1 = LogisticModel.fit(f[~test], dis[~test], l2)
            m2 = LogisticModel.fit(f[~test], strong[~test], l2)
            p1, p2 = m1.predict(f[test]), m2.predict(f[test])
            out[test] = [combine(a, b) for a, b in zip(p1, p2, strict=True)]
        aucs = {
            lang: roc_auc(list(labels[keep]), list(out[keep]))
            for lang, keep in [
                ("all", np.ones(len(rows), bool)),
                ("en", language == "en"),
                ("zh", language == "zh"),
            ]
        }
        print(name, {k: round(v or 0, 4) for k, v in aucs.items()})


if __name__ == "__main__":
    main()
