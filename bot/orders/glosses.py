"""Chinese words read in English, for matching a Chinese shopper's words to a catalog written in
another language (变调夹 → "capo", 捲線器 → "fishing reel", 蜂箱 → "beehive").

The multilingual encoder knows common words across languages but not a store's rarer nouns; the
dictionary does (``bot.cedict``). Nothing here decides anything: the
glosses are one more way of saying what the shopper wrote, ranked by the encoder like the rest.
"""

from __future__ import annotations

from functools import lru_cache

from bot import cedict

_GLOSSES_PER_WORD = 2
# Words that carry no item: grammar, the request itself ("退", "不要", "那单").
_NO_ITEM = frozenset(
    "的 了 着 吧 呢 啊 吗 嘛 那 这 个 单 一 和 与 跟 还 也 都 就 要 想 请 帮 我 你 您 它 把 给 被 "
    "退 换 取消 不要 留着 留 保留 那单 这单 订单 收到 买 买的 谢谢 麻烦".split()
)


def is_chinese(text: str) -> bool:
    return bool(cedict.CJK_RUN.search(text))


def gloss(text: str) -> str | None:
    """``text`` with each Chinese word replaced by its English glosses (other text kept), or
    None when no Chinese word in it is known."""
    table = cedict.entries()

    def glosses(word: str) -> str:
        return "" if word in _NO_ITEM else ", ".join(table.get(word, ())[:_GLOSSES_PER_WORD])

    return cedict.rewrite(text, glosses, _NO_ITEM)


@lru_cache(maxsize=2048)
def thing_words(text: str) -> str:
    """The English the dictionary gives first for each Chinese word of ``text`` that may name a
    thing (铃铛 → "little bell", 茶壶 → "teapot"); single characters (马裤 cut as 马 and 裤),
    verbs ("to exchange") and measure words left out, the other text dropped. Empty when none
    is known."""
    table = cedict.entries()

    def first(word: str) -> str:
        if word in _NO_ITEM or len(word) < 2:  # one character is too many things (马: horse)
            return ""
        sense = next(iter(table.get(word, ())), "")
        return "" if sense.startswith(("to ", "classifier")) else sense

    found = []
    for run in cedict.CJK_RUN.findall(text):
        found += [
            english for word in cedict.words(run, table, _NO_ITEM) if (english := first(word))
        ]
    return "; ".join(found)
