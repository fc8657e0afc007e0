"""Traditional and simplified Chinese read alike: "訂單 46197，幫我取消" is the same request as
"订单 46197，帮我取消". Rules and names are matched on the simplified text; what the shopper
wrote stays as written where it is stored (a new address keeps 大安區...號)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import zhconv

_CJK = re.compile(r"[\u3400-\u9fff]")


@lru_cache(maxsize=4096)
def simplified(text: str) -> str:
    """The text in simplified characters, position for position (else as it is)."""
    if not _CJK.search(text):
        return text
    converted = str(zhconv.convert(text, "zh-cn"))
    return converted if len(converted) == len(text) else text


def as_written(value: str, simple: str, original: str) -> str:
    """A value read from ``simple`` (the simplified ``original``) as the shopper wrote it."""
    if not value or simple is original or not _CJK.search(value):
        return value
    at = simple.find(value)
    return original[at : at + len(value)] if at >= 0 else value


def fold(text: str) -> str:
    """Lower case without accents, Chinese in simplified characters: "Jürgen" → "jurgen",
    "陳怡君" → "陈怡君"."""
    text = unicodedata.normalize("NFKD", simplified(text).casefold().translate(_LETTERS))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


# Letters Unicode does not decompose into a base letter and an accent ("Søren" is "Soren").
_LETTERS = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)


_CJK_LATIN = re.compile(r"(?<=[\u3400-\u9fff])(?=[A-Za-z])|(?<=[A-Za-z])(?=[\u3400-\u9fff])")


def spaced(text: str) -> str:
    """English words inside Chinese set apart ("我想cancel今天的订单", "那个TSA锁")."""
    return _CJK_LATIN.sub(" ", text)
