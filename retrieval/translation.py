"""A Chinese question read in the words of a store's English pages, by dictionary.

The bundled encoder is English; the multilingual one knows common words across languages but
ranks English pages low for Chinese questions. Each Chinese word of the question is looked up
in CC-CEDICT (``bot.cedict``) and given the senses the store's own English text uses: 退 is
"to retreat; to withdraw; to reject; to return" in the dictionary and "return" in a store that
writes about returns. Words whose senses the store never uses are left out, so the English
question holds only words that can match; it is searched as one more query beside the original.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache

from bot import cedict
from retrieval.text import keyword_terms

SENSES_PER_WORD = 2
MAX_SENSE_TERMS = 3  # longer senses explain a word rather than translate it
# Grammar and filler: they say nothing a page could match ("的", "吗", "请问", "一下").
FUNCTION_WORDS = frozenset(
    "的 地 得 了 着 过 吧 呢 啊 吗 嘛 么 呀 哦 哈 啦 嗯 是 在 我 你 您 他 她 它 们 我们 你们 "
    "他们 这 那 这个 那个 这些 那些 个 把 被 给 就 都 也 还 又 很 太 一下 请问 请 麻烦 想 "
    "要 能 会 可以 可不可以 能不能 有没有 是不是 吗 一 和 跟 与 或者 还是 如果 的话".split()
)
_PARTICLES = "了的着过地得吗呢吧啊"


def to_english(query: str, known: Callable[[str], int]) -> str | None:
    """``query`` with each Chinese word replaced by its senses that the store's text uses
    (``known(term)``: how many passages contain a keyword term); None when no Chinese word has
    such a sense."""
    table = cedict.entries()
    return cedict.rewrite(
        query, lambda word: "; ".join(_senses(word, table, known)), FUNCTION_WORDS
    )


def _senses(
    word: str, entries: dict[str, tuple[str, ...]], known: Callable[[str], int]
) -> list[str]:
    """The word's senses the store's text uses (at least half of a short sense's content words
    occur in it), the senses whose words it uses most first."""
    if word in FUNCTION_WORDS:
        return []
    ranked: list[tuple[float, str]] = []
    for sense in entries.get(word, ()):
        terms = keyword_terms(sense)
        used = [t for t in terms if known(t) > 0]
        if used and len(used) * 2 >= len(terms) and len(terms) <= MAX_SENSE_TERMS:
            weight = sum(math.log1p(known(t)) for t in used) / len(terms)
            ranked.append((weight, sense))
    chosen = list(dict.fromkeys(text for _, text in sorted(ranked, key=lambda r: -r[0])))
    if chosen:
        return chosen[: 1 if len(word) == 1 else SENSES_PER_WORD]
    # 坏了 is "shoot!, gosh!" in the dictionary; 坏 "bad, broken" is what the shopper means.
    # Other words the store never writes about are left out, not read character by character
    # (物流 is not 物 "thing" and 流 "stream").
    rest = word.strip(_PARTICLES)
    if rest and rest != word:
        return _senses(rest, entries, known)
    return []


def to_chinese(query: str, known: Callable[[str], int]) -> str | None:
    """An English question as the Chinese words the store's text uses for its words: each
    content word (or pair) is looked up among the dictionary's short senses ("refund": 退款)
    and given the headwords the store's Chinese text contains, the most used first; None when
    no word has one."""
    senses = _english_senses()
    if not senses or cedict.CJK_RUN.search(query):
        return None
    terms = keyword_terms(query)
    out: list[str] = []
    i = 0
    while i < len(terms):
        for size in (2, 1):  # "credit card" is 信用卡 before "credit" is 信用
            heads = [h for h in senses.get(" ".join(terms[i : i + size]), ()) if _written(h, known)]
            if heads or size == 1:
                heads.sort(key=lambda h: -min(known(p) for p in _bigrams(h)))
                out += heads[:SENSES_PER_WORD]
                i += size
                break
    return " ".join(dict.fromkeys(out)) or None


def _bigrams(word: str) -> list[str]:
    return [word[i : i + 2] for i in range(len(word) - 1)] or [word]


def _written(word: str, known: Callable[[str], int]) -> bool:
    """Whether the store's Chinese text holds a word of two characters or more (its keyword
    terms are character pairs)."""
    return len(word) >= 2 and all(known(p) > 0 for p in _bigrams(word))


@lru_cache(maxsize=1)
def _english_senses() -> dict[str, tuple[str, ...]]:
    """English keyword terms (one or two) → the Chinese headwords that have them as a whole sense
    ("to refund" → 退款, "credit card" → 信用卡)."""
    out: dict[str, list[str]] = {}
    for head, meanings in cedict.entries().items():
        if not 2 <= len(head) <= 4:
            continue
        for sense in meanings:
            terms = keyword_terms(sense)
            if 1 <= len(terms) <= 2:
                out.setdefault(" ".join(terms), []).append(head)
    return {term: tuple(heads) for term, heads in out.items()}
