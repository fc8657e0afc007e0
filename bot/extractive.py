"""Picking the sentence of a retrieved passage that answers the question."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from bot.language import CJK, CJK_RANGES, detect_language

Embed = Callable[[Sequence[str]], np.ndarray]
"""Texts to unit-length vectors (an `Embedder.embed`)."""

_WORD = re.compile(r"[a-z0-9]+|[\u4e00-\u9fff]", re.I)
# "$5.95" and "northwindlane.com" are not sentence ends: Latin punctuation needs a space after.
_SENTENCE = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])\s*|\n+")
_EMPHASIS = re.compile(r"\*\*|__")
_FAQ_QUESTION = re.compile(r"^\s*(?:\*\*|__)[^*_\n]+[?？](?:\*\*|__)\s*$", re.M)
_ANSWER_MARK = re.compile(r"^(?:A|Answer|答)\s*[:：]\s*", re.I)
_QUESTION_MARK = re.compile(r"^(?:Q|Question|问)\s*[:：]", re.I)
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
    passage = _FAQ_QUESTION.sub("\n", passage)  # "**It broke. Can you fix it?**" asks, all of it
    passage = _EMPHASIS.sub("", passage)
    passage = re.sub(r"(?<![.!?:。！？\n])\n(?!\s*(?:[-*•]|\d+\.)\s)", " ", passage)
    found = []
    for sentence in _SENTENCE.split(passage):
        sentence = _ANSWER_MARK.sub("", sentence.strip(" -*#>\t"))
        if _QUESTION_MARK.match(sentence) or sentence.endswith(("?", "？")):
            continue  # an FAQ's question is not its answer
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
        self,
        embed: Embed | None = None,
        *,
        cjk: bool = True,
        cjk_embed: Embed | None = None,
        cache_size: int = 20_000,
    ) -> None:
        self._embed = embed
        self._embed_cjk = cjk
        """False when the embedder does not understand Chinese (the bundled one does not)."""
        self._cache: dict[str, np.ndarray] = {}
        self._cache_size = cache_size
        self._chinese = (
            SentencePicker(cjk_embed, cache_size=cache_size)
            if cjk_embed is not None and not cjk
            else None
        )
        """Picks for a question in Chinese, by a multilingual encoder's meaning, when the
        main embedder cannot read Chinese."""

    def _for(self, question: str) -> SentencePicker:
        if self._chinese is not None and CJK.search(question):
            return self._chinese
        return self

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
        if (picker := self._for(question)) is not self:
            return picker.pick(question, passages)
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

    def compose(
        self,
        question: str,
        passages: Sequence[Passage],
        limit: int = 3,
        whole: str = "",
        section_margin: float | None = None,
    ) -> list[Picked]:
        """The sentences that answer the question, part by part, each from its best passage,
        with the sentence that qualifies it when the passage goes on with one ("Only if ...").

        ``whole``: the shopper's whole message when ``question`` is one part of it ("how much
        does it cost" asks about what the part before it names). ``section_margin``: how close
        a sentence of the best sentence's own passage must score to complete a one-part answer
        (a question about a kind of thing in general wants its section's rules together)."""
        if (picker := self._for(whole or question)) is not self:
            return picker.compose(question, passages, limit, whole, section_margin)
        parts = question_parts(question)
        candidates = [
            (rank, passage, index, sentence)
            for rank, passage in enumerate(passages)
            for index, sentence in enumerate(sentences(passage.text))
            if _states_something(sentence, passage.heading)
        ]
        if not candidates:
            return []
        scores, relevant = self._part_scores(whole or question, parts, candidates)
        chosen: list[int] = []
        for row in scores:
            order = np.argsort(-row, kind="stable")
            best = next((int(i) for i in order if relevant[int(i)] and row[int(i)] > -1e9), None)
            if best is not None and best not in chosen:
                chosen.append(best)
        if len(parts) == 1 and chosen:  # one question: close runners-up may complete it
            row = scores[0]
            first = chosen[0]
            same = candidates[first][1]
            own_margin = COMPLETE_MARGIN if section_margin is None else section_margin
            chosen += [
                int(i)
                for i in np.argsort(-row, kind="stable")
                if int(i) != first
                and relevant[int(i)]
                and row[int(i)]
                >= row[first] - (own_margin if candidates[int(i)][1] is same else COMPLETE_MARGIN)
            ][: limit - 1]
        picked: list[Picked] = []
        seen: set[tuple[int, int]] = set()
        for i in chosen[:limit]:
            _, passage, index, sentence = candidates[i]
            following = sentences(passage.text)
            group = [(index, sentence)]
            if _REFERS_BACK.match(sentence):  # "This includes headphones": what "this" is
                group[:0] = [(at, following[at]) for at in range(max(0, index - 2), index)]
            elif index and passage.heading.rstrip().endswith(("?", "？")):
                group.insert(0, (0, following[0]))  # an FAQ entry's answer starts "No, ..."
            if index + 1 < len(following) and (
                sentence.rstrip().endswith((":", "：")) or _CONTINUES.match(following[index + 1])
            ):
                group.append((index + 1, following[index + 1]))
            for at, text in group:
                if (passage.number, at) not in seen:
                    seen.add((passage.number, at))
                    text = with_negating_heading(text, passage.heading)
                    picked.append(Picked(text, passage.number, detect_language(text)))
        return picked

    def _part_scores(
        self,
        question: str,
        parts: list[str],
        candidates: list[tuple[int, Passage, int, str]],
    ) -> tuple[np.ndarray, list[bool]]:
        """Each candidate sentence's score for each part, and whether it is relevant at all.

        Meaning (with the section heading in front of the sentence: "damaged" is not
        "missing"), shared terms (the heading's count half), the passage's retrieval score,
        and a small preference for earlier passages. A sentence in another language than the
        question is measured against the other sentences of its language."""
        heading_terms = [set(_terms(c[1].heading)) for c in candidates]
        # A word of the question that the section's heading has counts once, for the heading:
        # it says which section answers, not which of its sentences (the section's rule, not
        # the exception that repeats the heading's words).
        lexical = np.array(
            [
                [
                    _lexical(set(_terms(part)) - heads, sentence)
                    + 0.5 * len(set(_terms(part)) & heads)
                    for (_, _, _, sentence), heads in zip(candidates, heading_terms, strict=True)
                ]
                for part in parts
            ]
        )
        rank = np.array([c[0] for c in candidates], dtype=np.float32)
        retrieval = np.array([c[1].score for c in candidates], dtype=np.float32)
        if self._embed is None or (not self._embed_cjk and CJK.search(question)):
            scores = lexical - 0.75 * rank + 0.5 * retrieval
            matched: np.ndarray = np.asarray((lexical >= 1).any(axis=0))
            return scores, [bool(x) for x in matched]
        contexts = [f"{c[1].heading}: {c[3]}" if c[1].heading else c[3] for c in candidates]
        vectors = self._vectors(contexts)
        queries = self._vectors([*parts, question])
        cos = vectors @ queries[:-1].T  # candidates x parts
        whole = vectors @ queries[-1]
        cos = np.maximum(cos, 0.5 * (cos + whole[:, None])).T  # parts x candidates
        own = detect_language(question)
        written = [detect_language(c[3]) for c in candidates]
        mine = [i for i, lang in enumerate(written) if lang == own]
        for language in set(written) - {own}:
            theirs = [i for i, lang in enumerate(written) if lang == language]
            if mine and theirs:  # other-language sentences run lower: compare like with like
                shift = cos[:, mine].mean(axis=1) - cos[:, theirs].mean(axis=1)
                cos[:, theirs] += np.maximum(shift, 0.0)[:, None]
        scores = cos + 0.04 * np.minimum(lexical, 5) - 0.03 * rank + RETRIEVAL_WEIGHT * retrieval
        eligible: np.ndarray = np.asarray(
            ((lexical >= 1) | (cos >= 0.45) | (retrieval >= 0.5)).any(axis=0)
        )
        relevant = [bool(x) for x in eligible]
        return scores, relevant

    def _vectors(self, texts: list[str]) -> np.ndarray:
        assert self._embed is not None
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            if len(self._cache) + len(missing) > self._cache_size:
                self._cache.clear()
            for text, vector in zip(missing, self._embed(missing), strict=True):
                self._cache[text] = np.asarray(vector, dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])


# -- whole answers ----------------------------------------------------------------------------

COMPLETE_MARGIN = 0.06
"""Sentences that score this close to the best one complete a one-part answer (the rule and its
exception, processing days and then bank days)."""
RETRIEVAL_WEIGHT = 0.2
"""How much the passage's retrieval score counts for each of its sentences."""


def _states_something(sentence: str, heading: str) -> bool:
    """Not the FAQ entry's own question again, nor a bare "(see Returns)" reference."""
    if sentence.startswith(("(", "（")) and sentence.endswith((")", "）")):
        return False
    return not (heading and sentence.rstrip(".。").casefold() in heading.casefold())


_ASKING = (
    r"how|what|what's|whats|when|where|which|who|why|is|are|do|does|did|can|could|will|would|"
    r"should|may|must|shall|has|have"
)
# "Do you ship to Canada and how much does it cost?": a new question starts at a question word
# after "and" or a comma; "？" and "?" end one.
_PART_BREAK = re.compile(
    rf"(?<=[?？!！])\s*|[,;，；]?\s+(?:and|&|also|plus)\s+(?=(?:{_ASKING})\b)|[,;]\s+(?=(?:{_ASKING})\b)",
    re.I,
)
_ZH_PART_BREAK = re.compile(
    r"(?<=[，；,])(?=[^，；,]*(?:吗|多少|多久|几|什么|怎么|哪|是否|能否|可以|有没有))"
)
_CONTINUES = re.compile(
    r"^(?:this|these|that|those|it|they|only|but|however|unless|except|if|then|after that|"
    r"otherwise|also|note|please note|仅|但|如果|否则|此外|另外|注意)\b",
    re.I,
)


_REFERS_BACK = re.compile(
    r"^(?:this|these|that|those|it|they|such)\b|^(?:这|此|该|上述|以上)", re.I
)
"""A sentence whose subject is the sentences before it ("This includes headphones, ...")."""


_NEGATION = re.compile(
    r"\b(?:not|no|never|cannot|can't|won't|isn't|aren't|don't|doesn't|excluded|exclusions?)\b"
    r"|不|无|非|没有|禁止|除外",
    re.I,
)


_BOTH_SIDES = re.compile(
    rf"\b(\w+) and \1(?:n't| not)\b|\bcan and cannot\b|([{CJK_RANGES}]+)[与和]不\2", re.I
)


def with_negating_heading(sentence: str, heading: str) -> str:
    """The sentence with its section's title in front when the title says "not" and the
    sentence does not: under "What is not covered", "Water damage, normal wear" means the
    opposite of what it says alone."""
    title = heading.rsplit(">", 1)[-1].strip()
    if not title or title.endswith(("?", "？")) or not _NEGATION.search(title):
        return sentence
    if _BOTH_SIDES.search(title):  # "What our assistant can and cannot do" flips nothing
        return sentence
    if _NEGATION.search(sentence):
        return sentence
    return f"{title}：{sentence}" if CJK.search(sentence) else f"{title}: {sentence}"


def question_parts(question: str) -> list[str]:
    """The questions a message asks, in order ("Do you ship to Canada and how much does it
    cost?" asks two); one part when it asks one thing."""
    pieces = [p.strip(" ,;，；") for p in _PART_BREAK.split(question)]
    parts: list[str] = []
    for piece in pieces:
        parts += (
            [q.strip(" ,;，；") for q in _ZH_PART_BREAK.split(piece)]
            if CJK.search(piece)
            else [piece]
        )
    parts = [p for p in parts if p]
    kept: list[str] = []
    for part in parts:
        short = len(part) < 4 if CJK.search(part) else len(part.split()) < 2
        if kept and short:
            kept[-1] = f"{kept[-1]} {part}"
        else:
            kept.append(part)
    return kept or [question]


@dataclass(frozen=True)
class Passage:
    """A retrieved passage offered to the composer: its citation number, text and heading."""

    number: int
    text: str
    heading: str = ""
    score: float = 0.0
    """Retrieval's calibrated relevance (0..1), comparable across languages."""


@dataclass(frozen=True)
class Picked:
    """A sentence of the answer, with the passage it comes from."""

    sentence: str
    number: int
    language: str
