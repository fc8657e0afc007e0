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


# Written Cantonese read as Mandarin, character for character (so positions still hold): its
# common words and particles are a closed set ("淨係退支噴霧，補充液留低" = 只是退…留下).
# Pairs are matched on the simplified text, longest first; zhconv writes 嗰 as 𠮶.
_CANTONESE_WORDS = {
    "系唔系": "是不是",
    "唔该": "谢谢",
    "唔使": "不用",
    "唔洗": "不用",
    "唔好": "不要",
    "净系": "只是",
    "我系": "我是",
    "你系": "你是",
    "佢系": "他是",
    "就系": "就是",
    "都系": "都是",
    "唔系": "不是",
    "系咪": "是不",
    "仲系": "还是",
    "仲未": "还未",
    "仲有": "还有",
    "而家": "现在",
    "留低": "留下",
    "退晒": "全退",  # 晒 after a verb: all of it
    "换晒": "全换",
    "啱啱": "刚刚",
    "啱先": "刚才",
    "礼拜": "星期",
    "边度": "哪里",
    "边个": "哪个",
    "边张": "哪张",
    "边间": "哪间",
    "到边": "到哪",
    "寻日": "昨天",
    "琴日": "昨天",
    "听日": "明天",
    "今日": "今天",
    "前日": "前天",
    "点解": "为何",
    "点样": "怎样",
    "几多": "多少",
    "几耐": "多久",
    "张单": "订单",
    "呢个": "这个",
    "呢张": "这张",
    "呢单": "这单",
    "乜嘢": "什么",
    "咩嘢": "什么",
    "我啲": "我的",
    "你啲": "你的",
    "佢啲": "他的",
}
_CANTONESE_CHARS = str.maketrans(
    {
        "咗": "了",
        "嘅": "的",
        "唔": "不",
        "冇": "没",
        "嗰": "那",
        "𠮶": "那",
        "佢": "他",
        "啲": "些",
        "喺": "在",
        "睇": "看",
        "畀": "给",
        "俾": "给",
        "嚟": "来",
        "哋": "们",
        "攞": "拿",
        "揾": "找",
        "搵": "找",
    }
)
_CANTONESE = re.compile("|".join(sorted(_CANTONESE_WORDS, key=len, reverse=True)))
assert all(len(k) == len(v) for k, v in _CANTONESE_WORDS.items())


@lru_cache(maxsize=4096)
def mandarin(text: str) -> str:
    """The text in simplified characters with written Cantonese read as Mandarin ("我係黃美玲，
    想查下我張單去到邊" → "我是黄美玲，想查下我订单去到哪"), position for position: what the
    order rules read."""
    plain = simplified(text)
    if plain == text and not _CJK.search(text) and "𠮶" not in text:
        return text
    plain = _CANTONESE.sub(lambda m: _CANTONESE_WORDS[m.group(0)], plain)
    read = plain.translate(_CANTONESE_CHARS)
    return read if len(read) == len(text) else plain


# The words of a request, for "retrun", "cancle", "exhcange", "adderss", "refnud": two letters
# swapped, the commonest slip on a phone keyboard. Only a swap: "cancer" is not "cancel".
_REQUEST_WORDS = ("return", "cancel", "exchange", "address", "refund", "delivered", "tracking")
_SWAPPED = {
    word[:i] + word[i + 1] + word[i] + word[i + 2 :]: word
    for word in _REQUEST_WORDS
    for i in range(1, len(word) - 1)
    if word[i] != word[i + 1]
}
_WORDS = re.compile(r"[A-Za-z]{5,}")


def unswapped(text: str) -> str:
    """``text`` with the request words whose letters were swapped put right, same length."""

    def mend(m: re.Match[str]) -> str:
        word = m.group(0)
        right = _SWAPPED.get(word.lower())
        if right is None:
            return word
        return right.capitalize() if word[0].isupper() else right

    return _WORDS.sub(mend, text)


def plain_text(text: str) -> str:
    """What the order rules read: one script (``mandarin``), request words spelled right;
    position for position with ``text``."""
    return unswapped(mandarin(text))


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


# Letters Unicode does not decompose into a base letter and an accent ("Søren" is "Soren",
# Azerbaijani "Məmmədova" is "Mammadova" in Latin letters).
_LETTERS = str.maketrans(
    {
        "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
        "ı": "i", "ə": "a", "ħ": "h",
    }
)  # fmt: skip


_CJK_LATIN = re.compile(r"(?<=[\u3400-\u9fff])(?=[A-Za-z])|(?<=[A-Za-z])(?=[\u3400-\u9fff])")


def spaced(text: str) -> str:
    """English words inside Chinese set apart ("我想cancel今天的订单", "那个TSA锁")."""
    return _CJK_LATIN.sub(" ", text)


_CJK_WORD = re.compile(r"[\u3400-\u9fff]{2,}")  # the Chinese part of a bilingual value
# Vietnamese letters: a language the bundled encoder does not read ("lớn" came out nearest
# "instead"); the name's other script says what the thing is.
UNREAD = re.compile(r"[ăđơưĂĐƠƯ\u1ea0-\u1ef9]")


def script_parts(text: str) -> list[str]:
    """A bilingual value and each of its scripts apart ("墨绿 Xanh rêu": also "墨绿" and
    "Xanh rêu"), without the words the encoder does not read."""
    cjk = " ".join(_CJK_WORD.findall(text))
    rest = _CJK_WORD.sub(" ", text).strip(" ()")
    parts = [readable(text)]
    if cjk and re.search(r"[A-Za-z]", rest):
        parts += [cjk] + ([rest] if not UNREAD.search(rest) else [])
    return list(dict.fromkeys(p for p in parts if p))


def readable(text: str) -> str:
    """The text without its runs in a language the encoder does not read ("雾粉 Hồng phấn" →
    "雾粉"; all of "Bộ 3 dây buộc tóc lụa", whose "dây" would fold to "day"); the whole text
    when nothing else is left."""
    runs = re.split(r"([\u3400-\u9fff]+|[()（）,，/|]+)", text)
    kept = "".join(run for run in runs if not UNREAD.search(run))
    kept = re.sub(r"\(\s*\)|（\s*）", " ", kept)
    kept = " ".join(re.sub(r"(?<=\S)\(", " (", kept).split()).strip(" ,，/|")
    return kept if re.search(r"\w", kept) else text
