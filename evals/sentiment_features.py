"""Feature matrices of labelled rows (outside corpora and our own), computed once and cached.

Per row: the signals the rules read (`bot.sentiment.scorers.features`), the encoder part
(`bot.sentiment.encoding.encoder_features`) and the plain lexicon polarity (VADER for
English, SnowNLP for Chinese: the baselines).
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)
VERSION = "4"  # bump when a feature changes: cached matrices are recomputed


@dataclass
class Features:
    signals: np.ndarray  # (n, len(FEATURE_NAMES))
    encoder: np.ndarray  # (n, dimension + len(CONTEXT_NAMES))
    lexical: np.ndarray  # (n,) -1..1
    abusive: np.ndarray  # (n,) the abuse rule
    wants_human: np.ndarray  # (n,) the asking-for-a-person rule

    def take(self, index: np.ndarray) -> Features:
        return Features(*(getattr(self, f)[index] for f in self.__dataclass_fields__))


def _digest(rows: list[dict[str, Any]]) -> str:
    h = hashlib.sha1(VERSION.encode())
    for row in rows:
        h.update(json.dumps([row["context"], row["message"]], ensure_ascii=False).encode())
    return h.hexdigest()[:16]


def compute(rows: list[dict[str, Any]], embed: Any) -> Features:
    from bot.sentiment.encoding import VectorCache, encoder_features
    from bot.sentiment.scorers import features
    from bot.sentiment.signals import Lexicons, extract
    from bot.sentiment.training import as_messages

    lexicons = Lexicons()
    cache = VectorCache(embed, size=10**7)
    texts = []  # every text the rows need, embedded in bulk first
    for row in rows:
        texts += [m["content"].strip() for m in row["context"] if m["role"] != "agent"]
        texts.append(row["message"].strip())
    texts = [t for t in dict.fromkeys(texts) if t]
    started = time.perf_counter()
    for start in range(0, len(texts), 2048):
        cache(texts[start : start + 2048])
        print(f"  embedded {min(start + 2048, len(texts))}/{len(texts)}", file=sys.stderr)
    log.info("Embedded %d texts in %.1f s.", len(texts), time.perf_counter() - started)
    sig, enc, lex, abusive, human = [], [], [], [], []
    for n, row in enumerate(rows):
        messages, index = as_messages(row)
        s = extract(messages, index, lexicons)
        sig.append(features(s))
        enc.append(encoder_features(messages, index, cache))
        lex.append(s.lexical)
        abusive.append(s.abusive)
        human.append(s.wants_human)
        if n % 5000 == 4999:
            print(f"  signals {n + 1}/{len(rows)}", file=sys.stderr)
    return Features(
        np.asarray(sig, np.float32),
        np.asarray(enc, np.float32),
        np.asarray(lex, np.float32),
        np.asarray(abusive, bool),
        np.asarray(human, bool),
    )


def cached(rows: list[dict[str, Any]], embed: Any, folder: Path, name: str) -> Features:
    """`compute`, kept in ``folder`` under ``name`` and the rows' digest."""
    path = folder / f"{name}-{_digest(rows)}.npz"
    if path.exists():
        with np.load(path) as data:
            return Features(*(data[f] for f in Features.__dataclass_fields__))
    result = compute(rows, embed)
    folder.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **{f: getattr(result, f) for f in Features.__dataclass_fields__})
    return result
