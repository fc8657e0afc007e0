"""What the bot needs of retrieval: a `Knowledge` to search and the passages (`HitLike`) it
returns. `retrieval.KnowledgeBase` and its `Hit` are one implementation; `bot.fakes` another."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol


class HitLike(Protocol):
    """A retrieved passage: what it is, where it comes from, how well it matched."""

    id: str
    source: str
    title: str
    text: str
    score: float
    metadata: dict[str, Any]


class Knowledge(Protocol):
    """What the engine needs of retrieval (`retrieval.KnowledgeBase` is one)."""

    def warm_up(self) -> None: ...

    def search(self, query: str, k: int = 5, source: str | None = None) -> Sequence[HitLike]: ...

    def search_many(
        self, queries: Sequence[str], k: int = 5, source: str | None = None
    ) -> Sequence[Sequence[HitLike]]:
        """Several queries at once (one embedding batch)."""
        ...
