"""How a platform connector decides that a name or a postcode a shopper gave is a customer's.

Stores' own search is loose (Shopify's customer search matches words anywhere; WooCommerce's
``search`` matches substrings), so connectors search broadly and then keep only exact fits.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import product

from bot.orders.script import fold

_CJK = re.compile(r"[\u3400-\u9fff]")
# German umlauts as typed without them: "Karin Mueller" is Karin Müller (as is "Karin Muller").
# Letters typed out the way their language does without them: Müller as Mueller, Åse as Aase,
# Bjørn as Bjoern (the plain forms, Muller and Bjorn, match without this).
_UMLAUTS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "å": "aa", "Å": "Aa",
     "ø": "oe", "Ø": "Oe"}
)  # fmt: skip


def name_key(name: str) -> tuple[str, ...]:
    """Words of a name, case- and accent-insensitive, in any order: "Jürgen  MÜLLER",
    "muller jurgen" and "Jurgen Muller" are the same, as are "Seo-yeon Kim" and "Kim Seoyeon"
    (a hyphen inside a given name is often left out); Chinese names ignore spaces; a name of
    both scripts ("Kevin 陈") is its words in any order."""
    text = fold(name)
    if _CJK.search(text) and re.search(r"[a-z]", text):  # "Kevin 陈", also kept as "陈Kevin"
        return tuple(sorted(re.findall(r"[\u3400-\u9fff]+|[^\W\d_\u3400-\u9fff]+", text)))
    if _CJK.search(text):
        return ("".join(text.split()),)
    words = re.findall(r"[^\W_]+(?:['’-][^\W_]+)*", text)
    if len(words) > 2:  # "Jordi Puig i Ferrer" is also written "Jordi Puig Ferrer"
        words = [word for word in words if word not in _JOINERS]
    return tuple(sorted(re.sub(r"(?<=[^\W_])-(?=[^\W_])", "", word) for word in words))


# "and" between two family names (Catalan i, Spanish y, Portuguese e): often left out.
_JOINERS = frozenset({"i", "y", "e"})


def same_name(given: str, *names: str) -> bool:
    """Whether the name given is one of ``names``: the same words, or a Chinese name and its
    pinyin ("Ouyang Xiao", "xiao ouyang" and "欧阳晓")."""
    key = name_key(given)
    if not key:
        return False
    if any(key in (name_key(n), name_key(n.translate(_UMLAUTS))) for n in names if n):
        return True
    if "." in given and any(_abbreviated(given, n) for n in names if n):
        return True
    return any(_written_alike(given, n) for n in names if n)


def _abbreviated(given: str, name: str) -> bool:
    """ "Mohd. Irfan Shaikh" for Mohammed Irfan Shaikh: each word the same, or written short
    with a dot (its letters in order, from the same first letter), the last name in full."""
    short = [w for w in re.split(r"\s+", fold(given).strip()) if w]
    full = [w for w in re.split(r"\s+", fold(name).strip()) if w]
    if len(short) != len(full) or len(short) < 2 or short[-1].endswith("."):
        return False
    for s, f in zip(short, full, strict=True):
        if not s.endswith("."):
            if s != f:
                return False
            continue
        letters = s.rstrip(".")
        if not letters or letters[0] != f[0] or not _in_order(letters, f):
            return False
    return True


def _in_order(letters: str, word: str) -> bool:
    rest = iter(word)
    return all(ch in rest for ch in letters)


def _written_alike(a: str, b: str) -> bool:
    """A Chinese name and the same name in letters, either way round."""
    if bool(_CJK.search(a)) == bool(_CJK.search(b)):
        return False
    chinese, latin = (a, b) if _CJK.search(a) else (b, a)
    letters = "".join(re.findall(r"[a-z]+", fold(latin)))  # in the order written
    return bool(letters) and letters in pinyin_forms(chinese)


@lru_cache(maxsize=4096)
def pinyin_forms(name: str) -> frozenset[str]:
    """How a Chinese name of two to four characters is written in letters: its syllables joined,
    family name first or last (one or two characters), in every reading of each character
    ("曾慧敏": "zenghuimin", "huiminzeng", "cenghuimin", ...)."""
    from pypinyin import Style, pinyin

    chars = [ch for ch in name if _CJK.match(ch)]
    if not 2 <= len(chars) <= 4:
        return frozenset()
    readings = [
        [r.replace("v", "u") for r in dict.fromkeys(options)][:3]
        for options in pinyin("".join(chars), style=Style.NORMAL, heteronym=True)
    ]
    forms: set[str] = set()
    for spelled in product(*readings):
        forms.add("".join(spelled))
        for family in (1, 2) if len(spelled) > 2 else (1,):
            forms.add("".join(spelled[family:] + spelled[:family]))
    return frozenset(forms)


def postcode_key(postcode: str) -> str:
    return "".join(ch for ch in postcode.upper() if ch.isalnum())


def postcode_queries(postcode: str) -> list[str]:
    """What to search a store for: the postcode as given, and written the way stores keep a
    British, Canadian, Irish or Dutch one ("w1d5qe" -> "W1D 5QE", "t12x2n6" -> "T12 X2N6"):
    stores' searches match text, not codes."""
    key = postcode_key(postcode)
    forms = [postcode.strip()]
    if 5 <= len(key) <= 7 and not key.isdigit() and key[-3].isdigit():
        forms.append(f"{key[:-3]} {key[-3:]}")
    if re.fullmatch(r"[A-Z]\d[\dW][A-Z0-9]{4}", key):  # an Eircode: routing key + 4
        forms.append(f"{key[:3]} {key[3:]}")
    if re.fullmatch(r"\d{4}[A-Z]{2}", key):  # Dutch: "3035an" -> "3035 AN"
        forms.append(f"{key[:4]} {key[4:]}")
    return list(dict.fromkeys(forms))


def same_postcode(given: str, actual: str) -> bool:
    """ "02116-5021" is "02116"; "h2x1y4" is "H2X 1Y4"; "LT-01103" is "01103"; an empty
    postcode matches nothing."""
    a, b = postcode_key(given), postcode_key(actual)
    if not a or not b:
        return False
    if a != b and re.fullmatch(r"[A-Z]{1,2}\d{3,5}", a) and a[-len(b) :] == b:
        return b.isdigit()  # the country's letters before it
    if a != b and re.fullmatch(r"[A-Z]{1,2}\d{3,5}", b) and b[-len(a) :] == a:
        return a.isdigit()
    if a[:5].isdigit() and b[:5].isdigit() and len(a) in (5, 9) and len(b) in (5, 9):
        return a[:5] == b[:5]
    return a == b


def full_name(first: str | None, last: str | None) -> str:
    """A person's name from the two fields: "Emma" + "Johnson"; "芳" + "王" → "王芳"."""
    first, last = (first or "").strip(), (last or "").strip()
    if _CJK.search(first + last):
        return f"{last}{first}"
    return " ".join(p for p in (first, last) if p)


def order_key(reference: str) -> str:
    """An order number compared loosely: "#1188", "1188" and " #1188 " are "1188";
    "nw-104233" and "NW 104233" are "NW104233"."""
    return "".join(ch for ch in reference.upper() if ch.isalnum())
