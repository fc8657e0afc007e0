"""Picking the sentence of a retrieved passage that answers the question."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from itertools import pairwise

import numpy as np

from bot.language import CJK

Embed = Callable[[Sequence[str]], np.ndarray]
"""Texts to unit-length vectors (an `Embedder.embed`)."""

_WORD = re.compile(r"[a-z0-9]+|[\u4e00-\u9fff]", re.I)
# "$5.95" and "northwindlane.com" are not sentence ends: Latin punctuation needs a space after.
_SENTENCE = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])\s*|\n+")
_STOP = frozenset(
    """
    a an the is are was were be do does did can could i you we my your our to of in on for
    and or it this that with how what when where which who why will would should if at by
    from as me us am have has had not no
    """.split()
)


def _terms(text: str) -> list[str]:
    words = [w.lower() for w in _WORD.findall(text)]
    terms = [w for w in words if w not in _STOP]
    cjk = [w for w in words if "\u4e00" <= w <= "\u9fff"]
    terms += [a + b for a, b in pairwise(cjk)]
    return [t[:6] if t.isascii() and len(t) > 6 else t for t in terms]  # crude stemming


def sentences(passage: str) -> list[str]:
    """The passage's sentences long enough to answer something."""
    # Documents wrap lines inside sentences; list items and paragraphs stay apart.
    passage = re.sub(r"(?<![.!?:。！？\n])\n(?!\s*(?:[-*•]|\d+\.)\s)", " ", passage)
    found = []
    for sentence in _SENTENCE.split(passage):
        sentence = sentence.strip(" -*#>\t")
        # A Chinese sentence says in 6 characters what takes 12 letters.
        if len(sentence) >= (6 if CJK.search(sentence) else 12):
            found.append(sentence)
    return found


def _lexical(wanted: set[str], sentence: str) -> float:
    """Shared terms, plus half a point for a number (answers are often quantities)."""
    return len(wanted & set(_terms(sentence))) + 0.5 * bool(re.search(r"\d", sentence))


class SentencePicker:
    """Picks, among retrieved passages, the sentence that answers the question.

    By shared terms alone, or also by meaning when given an embedder (sentence vectors are
    cached: policy passages repeat from shopper to shopper).
    """

    def __init__(
        self, embed: Embed | None = None, *, cjk: bool = True, cache_size: int = 20_000
    ) -> None:
        self._embed = embed
        self._embed_cjk = cjk
        """False when the embedder does not understand Chinese (the bundled one does not)."""
        self._cache: dict[str, np.ndarray] = {}
        self._cache_size = cache_size

    def prime(self, passages: Iterable[str]) -> int:
        """Embed the sentences of these passages now (in bulk) rather than while a shopper
        waits; returns how many were embedded."""
        if self._embed is None:
            return 0
        found = dict.fromkeys(s for p in passages for s in sentences(p))
        missing = [s for s in found if s not in self._cache][: self._cache_size // 2]
        if missing:
            self._vectors(missing)
        return len(missing)

    def pick(self, question: str, passages: Sequence[tuple[int, str]]) -> str:
        """The best sentence with its citation, from ``(number, text)`` in preference order."""
        wanted = set(_terms(question))
        candidates = [
            (rank, number, sentence, _lexical(wanted, sentence))
            for rank, (number, text) in enumerate(passages)
            for sentence in sentences(text)
        ]
        if not candidates:
            return ""
        if self._embed is None or (not self._embed_cjk and CJK.search(question)):
            scores = [lex - 0.75 * rank for rank, _, _, lex in candidates]
            relevant = [lex >= 1 for *_, lex in candidates]
        else:
            similarity = self._vectors([c[2] for c in candidates]) @ self._vectors([question])[0]
            # Meaning first; shared terms break near-ties; later passages must do clearly better.
            scores = [
                float(cos) + 0.04 * min(lex, 5) - 0.03 * rank
                for cos, (rank, _, _, lex) in zip(similarity, candidates, strict=True)
            ]
            lexical = [c[3] for c in candidates]
            pairs = zip(similarity, lexical, strict=True)
            relevant = [lex >= 1 or cos >= 0.5 for cos, lex in pairs]
        best = max(
            (i for i in range(len(candidates)) if relevant[i]), key=scores.__getitem__, default=None
        )
        if best is None:
            return ""
        _, number, sentence, _ = candidates[best]
        return f"{sentence} [{number}]"

    def _vectors(self, texts: list[str]) -> np.ndarray:
        assert self._embed is not None
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            if len(self._cache) + len(missing) > self._cache_size:
                self._cache.clear()
            for text, vector in zip(missing, self._embed(missing), strict=True):
                self._cache[text] = np.asarray(vector, dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])
