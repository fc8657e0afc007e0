"""Fusing dense and keyword evidence into one calibrated score, and collapsing variants.

The score is a logistic function of two signals, each on a fixed scale:

* ``cos``: cosine similarity between query and passage embeddings;
* ``coverage``: the IDF-weighted share of the query's terms found in the passage (0..1).

``score = sigmoid(DENSE_WEIGHT * (cos - DENSE_MID) + KEYWORD_WEIGHT * (coverage - KEYWORD_MID))``,
read as "the probability that the passage is relevant to the query". It is 0.5 when both
signals sit at their mid points, rises above 0.8 when either is clearly strong, and stays
below 0.1 when both are weak. Scores are comparable across queries, so one threshold
(``settings.retrieval.min_score``) separates "found something" from "nothing relevant".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from retrieval.text import normalize, value_in_query, word_set

DENSE_WEIGHT = 10.0
DENSE_MID = 0.45
KEYWORD_WEIGHT = 6.0
KEYWORD_MID = 0.55
DEFAULT_MIN_SCORE = 0.5


def calibrated(cos: float, coverage: float) -> float:
    """The relevance probability (0..1) of a passage given both signals."""
    z = DENSE_WEIGHT * (cos - DENSE_MID) + KEYWORD_WEIGHT * (coverage - KEYWORD_MID)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass
class Candidate:
    """A passage being ranked for one query."""

    id: str
    cos: float
    coverage: float
    metadata: dict[str, Any] = field(default_factory=dict)
    score: float = 0.0
    option_matches: int = 0

    def __post_init__(self) -> None:
        self.score = calibrated(self.cos, self.coverage)


def options_named(query: str, options: dict[str, str]) -> int:
    """How many of a variant's option values the query names."""
    query_norm = normalize(query)
    words = word_set(query)
    return sum(1 for value in options.values() if value_in_query(str(value), query_norm, words))


def collapse(candidates: list[Candidate], query: str) -> list[Candidate]:
    """At most one passage per product, best first.

    If the query names option values of a product's variants, the variant matching most of
    them represents the product (with the group's best score); otherwise the best-scoring
    passage of the product does.
    """
    groups: dict[str, list[Candidate]] = {}
    out: list[Candidate] = []
    for cand in candidates:
        pid = cand.metadata.get("product_id") if cand.metadata.get("source") == "catalog" else None
        if pid is None:
            out.append(cand)
        else:
            groups.setdefault(str(pid), []).append(cand)
    for members in groups.values():
        best = max(members, key=lambda c: c.score)
        named = [c for c in members if c.option_matches > 0]
        if named:
            top = max(named, key=lambda c: (c.option_matches, c.score))
            top.score = max(top.score, best.score)
            best = top
        out.append(best)
    out.sort(key=lambda c: c.score, reverse=True)
    return out
