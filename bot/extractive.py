"""Picking the sentence of a retrieved passage that answers the question."""

from __future__ import annotations

import re
from itertools import pairwise

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


def best_sentence(question: str, passage: str) -> str:
    """The passage sentence sharing the most terms with the question (first on ties)."""
    return scored_sentence(question, passage)[0]


def scored_sentence(question: str, passage: str) -> tuple[str, float]:
    """`best_sentence` and its score (shared terms, plus half a point for a number)."""
    wanted = set(_terms(question))
    best, best_score = "", 0.0
    # Documents wrap lines inside sentences; list items and paragraphs stay apart.
    passage = re.sub(r"(?<![.!?:。！？\n])\n(?!\s*(?:[-*•]|\d+\.)\s)", " ", passage)
    for sentence in _SENTENCE.split(passage):
        sentence = sentence.strip(" -*#>\t")
        # A Chinese sentence says in 6 characters what takes 12 letters.
        if len(sentence) < (6 if re.search(r"[\u4e00-\u9fff]", sentence) else 12):
            continue
        terms = set(_terms(sentence))
        score = len(wanted & terms) + 0.5 * bool(re.search(r"\d", sentence))
        if score > best_score:
            best, best_score = sentence, score
    return (best, best_score) if best_score >= 1 else ("", 0.0)
