"""Spelling the word lists expect, so that real shoppers' writing still matches them."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_ELONGATED = re.compile(r"([a-z])\1{2,}", re.I)
_MISSPELT = {
    r"\b(dis+ap+oint|dis+apoint)": "disappoint",
    r"\br[ei]di?cul(o|u|ou)s\b": "ridiculous",
    r"\bunaccept[ai]ble\b": "unacceptable",
    r"\bfrus?trat": "frustrat",
    r"\ban+oy": "annoy",
    r"\bter+ib+le\b": "terrible",
    r"\bhor+ib+le\b": "horrible",
    r"\bawful+\b": "awful",
    r"\buse?les+\b": "useless",
    r"\bidoit": "idiot",
    r"\bstupd\b": "stupid",
    r"\bwors?t\b": "worst",
    r"\bp(ea|e)ople\b": "people",
    r"\bu\b": "you",
    r"\bur\b": "your",
    r"\b(dont|doesnt|didnt|cant|wont|isnt|wasnt|havent|hasnt|youre|thats|im)\b": "",
}
_MISSPELT_RE = [(re.compile(k, re.I), v) for k, v in _MISSPELT.items()]
_CONTRACTIONS = {
    "dont": "don't",
    "doesnt": "doesn't",
    "didnt": "didn't",
    "cant": "can't",
    "wont": "won't",
    "isnt": "isn't",
    "wasnt": "wasn't",
    "havent": "haven't",
    "hasnt": "hasn't",
    "youre": "you're",
    "thats": "that's",
    "im": "i'm",
}


def normalise(text: str, language: str) -> str:
    """Spelling that the word lists expect: simplified Chinese, no stretched letters
    ("sooooo"), common misspellings and apostrophe-less contractions fixed."""
    if language == "zh":
        try:
            return str(snow(text).han)  # traditional -> simplified
        except Exception:  # symbol-only input
            return text
    text = _ELONGATED.sub(r"\1", text)
    for pattern, replacement in _MISSPELT_RE:
        if replacement:
            text = pattern.sub(replacement, text)
        else:
            text = pattern.sub(lambda m: _CONTRACTIONS[m.group(0).lower()], text)
    return text


@lru_cache(maxsize=64)
def snow(text: str) -> Any:
    """One SnowNLP analysis per text (conversion and polarity share it)."""
    from snownlp import SnowNLP

    return SnowNLP(text)
