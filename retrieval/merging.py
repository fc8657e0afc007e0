"""Putting together hits for one question found two ways (in its own words and through the
dictionary; by the English encoder and by the multilingual one)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from retrieval.documents import Hit


def keep_sure_then_best(
    own: list[Hit],
    other: Iterable[Hit],
    *,
    sure: Callable[[Hit], bool],
    admit: Callable[[Hit], bool],
    k: int,
) -> list[Hit]:
    """``own`` hits that are ``sure`` keep their places; below them the rest of ``own`` and the
    ``admit``-ted hits of ``other``, best first, the better score kept per passage. A hit from
    ``other`` never scores above the last sure one: the order stays the order of the scores."""
    kept = [hit for hit in own if sure(hit)]
    ceiling = min((hit.score for hit in kept), default=1.0)
    taken = {hit.id for hit in kept}
    rest = {hit.id: hit for hit in own if hit.id not in taken}
    for hit in other:
        if hit.id in taken or not admit(hit):
            continue
        hit.score = min(hit.score, ceiling)
        if hit.id not in rest or rest[hit.id].score < hit.score:
            rest[hit.id] = hit
    return (kept + sorted(rest.values(), key=lambda hit: -hit.score))[:k]
