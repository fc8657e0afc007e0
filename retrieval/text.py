"""Text normalization and keyword terms (words, identifiers, CJK character bigrams)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CJK = (
    r"\u3040-\u30ff"  # hiragana, katakana
    r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs
    r"\uac00-\ud7af"  # hangul syllables
)
_W = rf"[^\W_{_CJK}]+"
_RUN = re.compile(rf"([{_CJK}]+)|({_W}(?:[-./_#+]{_W})*)")
_PART = re.compile(_W)
_CONTRACTION = re.compile(r"(?<=[^\W\d_])['’](?:s|t|d|ll|re|ve|m)\b")

STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been being
    do does did doing have has had having i me my we our you your he she it its they them their
    this that these those there here what which who whom whose when where why how can could
    would should will shall may might must am not no so than too very just also any some
    please hi hello hey thanks thank s t d ll re ve m""".split()
)
# Keep single-letter sizes searchable: "m", "s" are stopwords in prose but sizes in catalogs.
_KEEP_SHORT = frozenset({"s", "m", "l"})


# "HoodieForest L有货吗" (typed without a space) is "Hoodie Forest L"; "iPhone" stays whole.
_GLUED = re.compile(r"(?<=[a-z]{2})(?=[A-Z][a-z])")


def normalize(text: str) -> str:
    """NFKC (full-width to half-width), glued words apart, case folding."""
    text = _GLUED.sub(" ", unicodedata.normalize("NFKC", text))
    return _CONTRACTION.sub("", text.casefold())


def is_cjk(text: str) -> bool:
    """Whether the text contains CJK characters."""
    return bool(re.search(rf"[{_CJK}]", text))


_CJK_RUN = re.compile(rf"[{_CJK}]+")


def script_part(text: str, language: str) -> str:
    """The part of a text written in the script of ``language``: its CJK runs for "zh" (and
    the other CJK languages), everything else for the rest."""
    if language in {"zh", "ja", "ko"}:
        return " ".join(_CJK_RUN.findall(text))
    return _CJK_RUN.sub(" ", text)


def _stem(word: str) -> str:
    """A light plural stemmer for English words (shirts -> shirt, policies -> policy)."""
    if not word.isalpha() or len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def keyword_terms(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Terms for keyword matching.

    Latin words are case-folded and lightly stemmed; identifiers like ``LS-BL-M`` or
    ``#10234`` give their parts and the whole; unsegmented CJK runs give character
    bigrams (a single character stays a unigram).
    """
    terms: list[str] = []
    for match in _RUN.finditer(normalize(text)):
        cjk, word = match.group(1), match.group(2)
        if cjk:
            if len(cjk) == 1:
                terms.append(cjk)
            else:
                terms.extend(cjk[i : i + 2] for i in range(len(cjk) - 1))
            continue
        parts = _PART.findall(word)
        for part in parts:
            if not keep_stopwords and part in STOPWORDS and part not in _KEEP_SHORT:
                continue
            terms.append(_stem(part))
        if len(parts) > 1:
            terms.append(word)
    return terms


def word_set(text: str) -> set[str]:
    """Distinct terms of a text, stopwords kept (for matching option values)."""
    return set(keyword_terms(text, keep_stopwords=True))


def value_in_query(value: str, query_norm: str, query_words: set[str]) -> bool:
    """Whether an option value (``Blue``, ``M``, ``42``, ``蓝色``) is named in a query."""
    value_norm = normalize(value).strip()
    if not value_norm:
        return False
    if is_cjk(value_norm):
        return value_norm in query_norm
    words = word_set(value_norm)
    if bool(words) and words <= query_words:
        return True
    # "右拉链" names the option "Right", "蓝色" the colour "Blue": a Chinese word's first senses.
    return is_cjk(query_norm) and value_norm in _chinese_senses(query_norm)


SENSES_NAMING = 2
"""A Chinese word names an option value by one of its first senses only (右 is "right", not
"the side of precedence")."""


@lru_cache(maxsize=2048)
def _chinese_senses(query_norm: str) -> frozenset[str]:
    """The first senses of the query's Chinese words, each a lower-case phrase."""
    from bot import cedict

    table = cedict.entries()
    found: set[str] = set()
    for run in _CJK_RUN.findall(query_norm):
        for word in cedict.words(run, table):
            for sense in table.get(word, ())[:SENSES_NAMING]:
                found.update(p.strip().casefold() for p in re.split(r"[;,]", sense) if p.strip())
    return frozenset(found)
