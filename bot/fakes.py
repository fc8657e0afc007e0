"""Fakes shipped beside the real parts, for fast tests of the logic around them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

_WORD = re.compile(r"\w+")
_STOP = frozenset(
    """
    the and you your can how what when where which with for are was were does did have has
    this that from our any about
    """.split()
)


@dataclass
class SimpleHit:
    id: str
    source: str
    title: str
    text: str
    score: float = 0.0
    metadata: dict[str, Any] = field(default_factory=dict)


class StaticKnowledge:
    """A handful of passages searched by word overlap; scores in 0..1."""

    def __init__(self, hits: list[SimpleHit]) -> None:
        self.hits = hits
        self.queries: list[str] = []

    def warm_up(self) -> None:
        return None

    def search(self, query: str, k: int = 5, source: str | None = None) -> list[SimpleHit]:
        self.queries.append(query)
        words = {w.lower() for w in _WORD.findall(query) if len(w) > 2} - _STOP
        scored = []
        for hit in self.hits:
            if source and hit.source != source:
                continue
            text_words = {w.lower() for w in _WORD.findall(f"{hit.title} {hit.text}")}
            overlap = len(words & text_words) / max(len(words), 1)
            if overlap > 0:
                scored.append(replace(hit, score=round(min(1.0, 0.2 + overlap), 3)))
        scored.sort(key=lambda h: h.score, reverse=True)
        return scored[:k]

    def search_many(
        self, queries: Sequence[str], k: int = 5, source: str | None = None
    ) -> list[list[SimpleHit]]:
        return [self.search(q, k=k, source=source) for q in queries]
