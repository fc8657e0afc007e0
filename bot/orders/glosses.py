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

# Single characters that end a phrase without being the thing: sizes, qualities, colours,
# places and particles ("寄到家里", 唔要喇).
_NO_HEAD = frozenset(
    "大小长短新旧多少好坏高低宽窄厚薄紧松深浅重轻快慢贵软硬红黑白蓝绿黄灰粉紫棕金银色号码"
    "里内外上下中前后边面喇啦呀哦嘛啲唔咗嘅咩噉"
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


@lru_cache(maxsize=2048)
def head_words(text: str) -> str:
    """For Chinese words the dictionary lacks, which it cuts into single characters, the
    English of the last character: Chinese compounds end in what the thing is (牛刀 → 刀
    "knife", 大碗 → 碗 "bowl", 羊毛袜 → 袜 "socks"). Empty when there is none."""
    table = cedict.entries()

    def sense(word: str) -> str:
        first = next(iter(table.get(word, ())), "")
        return "" if first.startswith(("to ", "classifier", "surname", "(")) else first

    found = []
    for run in cedict.CJK_RUN.findall(text):
        words = cedict.words(run, table, _NO_ITEM)
        for at, word in enumerate(words):
            if len(word) > 1 or word in _NO_ITEM or word in _NO_HEAD or at == 0:
                continue
            after = words[at + 1] if at + 1 < len(words) else ""
            # the compound ends here: at a word, a verb or grammar (大碗想换: 碗, not 想)
            ends = not after or len(after) > 1 or after in _NO_ITEM or not sense(after)
            if ends and words[at - 1] not in _NO_ITEM and (english := sense(word)):
                found.append(english)
    return "; ".join(found)
