"""Which of an order's own lines a shopper means: by name (in their language or the store's),
by position ("the second one", 第二个), by option ("the black one", 防水的那个), by quantity
("all 3 of them") and by exclusion ("everything except the headlamp", 除了咖啡机和马克杯).

Words shared with the store's names count first (Latin words, Chinese character pairs, option
values); when they name nothing, the multilingual encoder (`bot.orders.meaning`) picks the
line the words mean, if one stands out. Nothing here is a translation table.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Protocol, TypeVar

import numpy as np

from bot.orders.glosses import head_words, thing_words
from bot.orders.meaning import Meaning, clear_winner, group_similarity, similarities
from bot.orders.script import UNREAD, fold, readable, script_parts, simplified, spaced

_CJK = re.compile(r"[\u3400-\u9fff]")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]{2,}")
_LATIN = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
ALL = re.compile(
    # "both pairs", "all 3 bottles": every unit of one line, not every line
    # not the idioms: "doesn't want to skate after all", "not at all", "that's all", "all good"
    r"\b((?<!\bafter\s)(?<!\bat\s)(?<!\bof\s)(?<!\bthat's\s)(?<!\bthats\s)(?<!\babove\s)"
    r"all(?!\s+(?:\d+|two|three|four|five|six|right|good|set|along|in\s+all)\b)"
    r"|everything|every item|whole order|"
    r"both(?!\s+(?:pairs?|units?|sets?|pieces?|packs?|bottles?|boxes?|rolls?|spools?|bags?)\b)|"
    r"entire order)\b"
    r"|全部|都退|全退|整个订单|所有|都要退|都不要",
    re.I,
)
_BARE_VALUES = {"yes", "no", "true", "false", "none", "是", "否", "有", "无"}
_ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "5th": 5, "last": -1,
}  # fmt: skip
ORDINAL_WORDS = "|".join(_ORDINALS)  # first|1st|second|...|last
_POSITION = re.compile(
    rf"\b(?:the\s+)?({ORDINAL_WORDS})\s+(?:one|item|line|"
    r"thing|product)\b|\b(?:item|line)\s*#?\s*(\d)\b|第\s*([一二三四五12345])\s*[个件样项]|"
    r"最后(?:一|那)[个件样]",
    re.I,
)
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}
# Same-language words shoppers use for a kind of product (never across languages).
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "t-shirt": ("tee", "t-shirt", "tshirt"),
    "tee": ("tee", "t-shirt"),
    "hoodie": ("hoodie", "sweatshirt"),
    "sneakers": ("sneakers", "trainers", "shoes"),
    "shoes": ("shoes", "sneakers"),
    "jeans": ("jeans", "denim"),
    "pants": ("pants", "trousers"),
    "beanie": ("beanie", "hat"),
    "jacket": ("jacket", "coat"),
    "headphones": ("headphones", "earbuds"),
    "skillet": ("skillet", "pan"),
    "mug": ("mug", "cup"),
}
_STOP = set(
    """a an the my i i'd id im i'm me it its it's is are was be to of for from on in at and or
    but with this that these those one ones please want would like need can could return
    exchange cancel swap send back order item items thing things get got bought some any
    just also too very really here there where what which when yes no not ok okay""".split()
)


class Line(Protocol):
    """An order line as this module needs it (`bot.orders.system.OrderItem`)."""

    @property
    def line_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def options(self) -> dict[str, str]: ...
    @property
    def quantity(self) -> int: ...


L = TypeVar("L", bound=Line)


def describe(line: Line) -> str:
    values = " ".join(line.options.values())
    return f"{line.name} {values}".strip()


_MEASURE_TAIL = re.compile(
    r"(?:\s*(?:[-·,]\s*)?(?:\d+(?:[.,]\d+)?\s*(?:-?\s*(?:pack|pk|pcs|pieces|pairs?|set|ml|l|g|"
    r"kg|oz|cm|mm|m|inch|in|w|mah|"
    r"片装|片|只装|只|个装|件套|支装|支|包|盒|克|毫升))?|pack of \d+)\b)+$",
    re.I,
)


# A word in Latin letters, accents included ("Máy duỗi tóc": three words, not "du").
_LATIN_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ɏḀ-ỿ][A-Za-zÀ-ÖØ-öø-ɏḀ-ỿ-]+")


def meant_value(
    meaning: Meaning | None,
    queries: list[str],
    values: Sequence[str],
    *,
    floor: float,
    margin: float,
) -> int | None:
    """The value the queries mean, each compared in each of its scripts, when it stands out."""
    if meaning is None or not queries or not values:
        return None
    groups = [script_parts(value) for value in values]
    if all(re.search(r"\d", value) for value in values):
        groups = with_words(groups)  # "Grande 90 cm": "big" means the word, not the measure
    if len(groups) == 1:  # nothing to lead: the margin is asked of the score itself
        floor += margin
    return _clear_best(meaning, queries, groups, floor=floor, margin=margin)


_SUBTITLE = re.compile(r"\s*[:：|｜]\s*|\s+[-–—]\s+")


# The words before the first linking word of a name, and the one word after it.
_HEAD_FIRST = re.compile(
    r"(?i)^\s*([^\W\d_][\w'-]*(?:\s+[^\W\d_][\w'-]*)?)\s+"
    r"(?:de|del|della|di|da|do|dos|das|du|des|en|con|com|avec|para|pour|per|with|for|of)\s+"
    r"(?:la\s+|el\s+|le\s+|les\s+|los\s+|las\s+)?[^\W\d_][\w'-]*"
)


def descriptors(line: Line) -> list[str]:
    """What a line may be called: its name, the kind of thing it is (the name's last word, the
    category's last part) in each script its name is written in, and its options."""
    name = re.sub(r"\([^)]*\)", " ", line.name)
    found = [line.name, describe(line)]
    # The kind of thing is the name's last words before a pack size or measure ("Merino
    # Hiking Socks 2-Pack": socks; "Insulated Steel Bottle 750 ml": a bottle).
    # A name with a subtitle says the kind before it too ("Heirloom Seed Tin: Fynbos Mix").
    for part in _SUBTITLE.split(_MEASURE_TAIL.sub("", name.strip())):
        latin = [] if UNREAD.search(part) else _LATIN_WORD.findall(_MEASURE_TAIL.sub("", part))
        if latin:
            found.append(latin[-1])
        if len(latin) > 2:  # "Rain Jacket" of "Kids Packable Rain Jacket"
            found.append(" ".join(latin[-2:]))
        # A name that says the kind first and what it is of or for after a linking word
        # ("Piñata de estrella", "Velas de cumpleaños con número", "Tote Bag with Zip").
        head = _HEAD_FIRST.match(part)
        if head and not UNREAD.search(part):
            found.append(head.group(1))
            found.append(head.group(0).strip())
    for run in _CJK_RUN.findall(name):
        found += [run, run[-2:], run[-3:]]
    # the category's leaf, then what it is a kind of ("Check-In" of "Luggage")
    found += _category_parts(line)[::-1]
    # "防水款", not "M"; nor a bare "Yes"/"No" (it names no thing: "hi" is near "Yes")
    found += [
        readable(v) for v in line.options.values() if len(v) > 2 and fold(v) not in _BARE_VALUES
    ]
    return list(dict.fromkeys(f for f in found if f))


def _bigrams(text: str) -> set[str]:
    found: set[str] = set()
    for run in _CJK_RUN.findall(simplified(text)):
        found |= {run[i : i + 2] for i in range(len(run) - 1)}
    return found


# English words for sizes written as letters (the longer first: "extra large" is not "large").
SIZE_WORDS = {
    "XXL": ("2xl", "xx-large", "xx large", "double extra large"),
    "XL": ("extra large", "extra-large", "x-large"),
    "XS": ("extra small", "extra-small", "x-small"),
    "L": ("large",),
    "M": ("medium",),
    "S": ("small",),
}


# A size with its system: "EU 21", "US 8.5", "UK 7" (the shopper says "a 21", "size 8.5").
_SIZED = re.compile(r"(?i)(?:eu|us|uk|cn|jp|au|nz|fr|it)\s?(\d{1,2}(?:\.5)?)")


def _size_word(lowered: str, value: str) -> int:
    sized = _SIZED.fullmatch(value.strip())
    if sized:
        number = re.escape(sized.group(1))
        said = re.search(
            rf"(?:\b(?:size|a|an|for|to|into|in|the)\s+|码\s*){number}(?![\d.])"
            rf"|(?<![\d.#]){number}\s*(?:码|号)",
            lowered,
        )
        return said.start() if said else -1
    words = SIZE_WORDS.get(value.upper())
    if not words:
        return -1
    for longer in (w for v, ws in SIZE_WORDS.items() if len(v) > len(value) for w in ws):
        lowered = lowered.replace(longer, " " * len(longer))
    for word in words:
        m = re.search(rf"\b{re.escape(word)}\b", lowered)
        if m:
            return m.start()
    return -1


_SIZE_CODES = frozenset("xxs xs s m l xl xxl xxxl".split())
_NUMBERED_SIZE = re.compile(r"(?:#|no\.?\s*)(\d{1,3})", re.I)
_GLOSS = re.compile(r"\s*[(（][^)）]*[)）]\s*")
# A value that is a word before a measure: the measure alone.
_MEASURED = re.compile(
    r"(?:\w+\s+)+(?:[Øø⌀]\s*)?(\d+(?:[.,]\d+)?\s?(?:mm|cm|m|in|ml|l|kg|g))", re.I
)


def mentions_value(text: str, value: str) -> int:
    """Where the text names this option value (-1: nowhere): "XL", "black", "防水款" (also by
    its first two characters, 防水的那个), "40-41", "Size 10"."""
    if not value:
        return -1
    # "M (5-6歲)": "M" names it too; not a word ("too small" is no "Small (6 arches)")
    head = _GLOSS.sub(" ", value).strip()
    if head and head != value.strip() and (len(head) <= 3 or re.search(r"\d", head)):
        at = mentions_value(text, head)
        if at >= 0:
            return at
    sized = re.fullmatch(r"([A-Za-z]{1,4})\s+(\d+(?:\.\d+)?\s*(?:mm|cm|in))", value.strip())
    if sized and sized.group(1).lower() in _SIZE_CODES:  # "S 49mm": "the S size", "49mm"
        spots = [mentions_value(text, sized.group(1).upper()), mentions_value(text, sized[2])]
        if max(spots) >= 0:
            return min(at for at in spots if at >= 0)
    measure = _MEASURED.fullmatch(value.strip())
    if measure:  # "Küçük Ø 15 cm", "Grande 80 cm": the measure names it in any language
        at = mentions_value(text, measure.group(1))
        if at >= 0:
            return at
    sides = _DIMENSIONS.fullmatch(value.strip())
    if sides:  # "90 × 60 cm": "the 90 × 60", "90x60", "90 by 60"
        a, b = (re.escape(side) for side in sides.group(1, 2))
        said = re.search(rf"(?<![\d.,]){a}\s*(?:[×xX*]|by)\s*{b}(?!\d|[.,]\d|\s*[×xX*]\s*\d)", text)
        return said.start() if said else -1
    numbered = _NUMBERED_SIZE.fullmatch(value.strip())
    if numbered:  # a ring size "#9": "size 9", "#9", 9号
        n = re.escape(numbered.group(1))
        said = re.search(
            rf"(?:\bsize\s*|#\s*|\bno\.?\s*|\b(?:a|an|to|for|in)\s+)0*{n}(?![\d.])"
            rf"|(?<![\d.#]){n}\s*(?:号|號|码|碼)",
            text,
            re.I,
        )
        return said.start() if said else -1
    if _CJK.search(value):
        text, value = simplified(text), simplified(value)
        code = re.match(r"[A-Za-z]{0,3}\d{1,3}[A-Za-z]?(?=\s)", value)  # "02 自然色", "N10 瓷白"
        if code:
            said = re.search(
                rf"(?<![A-Za-z0-9]){re.escape(code.group(0))}(?![A-Za-z0-9])", text, re.I
            )
            if said:
                return said.start()
        if value in text:
            return text.index(value)
        for part in value.split():  # "10吋 10in": "换10吋", "the 10in one"
            said = (
                re.search(rf"(?<![\d.]){re.escape(part)}", text) if re.search(r"\d", part) else None
            )
            if said:
                return said.start()
        folded = fold(text)
        for word in re.findall(r"[A-Za-z]{3,}", value):  # "莓果 Berry": "berry"
            said = re.search(rf"\b{re.escape(fold(word))}\b", folded)
            if said:
                return said.start()
        pairs = [p for p in _bigrams(value) if p in text]
        # A colour by its last character: "红色" for 正红, "蓝色的" for 冰蓝
        pairs += [f"{run[-1]}色" for run in _CJK_RUN.findall(value) if f"{run[-1]}色" in text]
        return min(text.index(p) for p in pairs) if pairs and len(value) >= 2 else -1
    lowered, target = fold(text), fold(value)
    if len(target) <= 3 and target.isalpha():
        # A short size is written as a size: "M", "size m", "XL", never the s of "it's".
        exact = re.search(rf"(?<![A-Za-z0-9'’]){re.escape(value.upper())}(?![A-Za-z0-9])", text)
        if exact:
            return exact.start()
        named = re.search(rf"size\s+{re.escape(target)}\b", lowered)
        return named.start() if named else _size_word(lowered, value)
    plural = r"(?:'?s\b)|" if target.isdigit() else ""  # "the 40s are going back"
    found = re.search(rf"(?<![a-z0-9.]){re.escape(target)}(?:{plural}(?![a-z0-9]|\.\d))", lowered)
    if found:
        return found.start()
    measured = _measured(lowered, target)
    return measured if measured >= 0 else _size_word(lowered, value)


# Two sides of a size: "90 × 60 cm", "60x35", "A3 50 × 70 cm" is not one.
_DIMENSIONS = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*[×xX*]\s*(\d+(?:[.,]\d+)?)\s*(?:cm|mm|m|in|inch|inches|\"|厘米)?"
)
# A measure: "4.5mm", "25cm", "100g", "50W"; its unit in either language.
_MEASURE = re.compile(r"(\d+(?:\.\d+)?)\s*(mm|cm|m|ml|l|g|kg|oz|lb|in|inch|w|v|寸|毫米|厘米)")
_UNIT_WORDS = {
    "w": ("w", "watt", "瓦"), "v": ("v", "volt", "伏"), "l": ("l", "litre", "liter", "升"),
    "ml": ("ml", "毫升"), "g": ("g", "gram", "克"), "kg": ("kg", "kilo", "公斤"),
    "cm": ("cm", "厘米", "公分"), "mm": ("mm", "毫米"), "in": ("in", "inch", "寸", "吋"),
}  # fmt: skip
_NUMBER = re.compile(r"(?<![A-Za-z0-9./#-])(\d+(?:\.\d+)?)(?![\d/]|\.\d)\s*([a-z\u3400-\u9fff]*)")


def _is_unit(after: str, words: tuple[str, ...]) -> bool:
    """Whether the word after a number is the unit: "mm", "watts", 瓦的; never "months" for m."""
    latin = {w for w in words if w.isascii()} | {f"{w}s" for w in words if w.isascii()}
    head = re.match(r"[a-z]+(?=[\u3400-\u9fff]|$)", after)  # "85cm的": the unit is "cm"
    return (
        after in latin
        or bool(head and head.group(0) in latin)
        or any(after.startswith(w) for w in words if not w.isascii())
    )


def _measured(lowered: str, target: str) -> int:
    """Where the text names a measured value by its number ("ok 4.5 then", "换15的", "the 5mm
    one" for 5.0mm): the same number, with the same unit or none."""
    value = _MEASURE.fullmatch(target)
    if value is None:
        return -1
    number, unit = float(value.group(1)), value.group(2)
    for said in _NUMBER.finditer(lowered):
        after = said.group(2)
        if float(said.group(1)) == number and (
            not after
            or _is_unit(after, _UNIT_WORDS.get(unit, (unit,)))
            or after[0] in "的号號吧"
            or after in ("one", "ones", "then", "pls", "please", "instead")
        ):
            return said.start()
    return -1


def name_score(text: str, line: Line) -> float:
    """How strongly the text names this line by shared words (0: not at all)."""
    lowered = fold(spaced(text))
    words = _name_words(line)
    score = float(sum(1 for w in words if re.search(rf"\b{re.escape(w)}(e?s)?\b", lowered)))
    if score:  # "the coffee beans": Beans (of Coffee > Beans) before the Coffee Scale
        kinds = {w for w in _LATIN.findall(fold(line.category)) if len(w) > 2} - set(words)
        score += 0.5 * sum(1 for w in kinds if re.search(rf"\b{re.escape(w)}\b", lowered))
    described = fold(f"{line.name} {line.category}")
    for kind, said in KIND_WORDS.items():
        if re.search(rf"\b{re.escape(kind)}s?\b", described) and any(
            re.search(rf"\b{re.escape(w)}s?\b", lowered) for w in said
        ):
            score += 1
    shared = _bigrams(line.name) & _bigrams(text)
    score += len(shared)
    if _CJK.search(line.name) and re.search(r"[a-z]{4}", lowered):  # "qipao" for 旗袍
        score += sum(1 for w in _pinyin_words(line.name) if re.search(rf"\b{w}s?\b", lowered))
    return score


@lru_cache(maxsize=4096)
def _pinyin_words(name: str) -> frozenset[str]:
    """How shoppers write the Chinese words of a name in letters: two to four syllables in a
    row ("量身定制旗袍": "qipao", "dingzhi", ...; "汉服": "hanfu")."""
    from pypinyin import Style, lazy_pinyin

    found: set[str] = set()
    for run in _CJK_RUN.findall(simplified(name)):
        syllables = lazy_pinyin(run, style=Style.NORMAL, v_to_u=False)
        for n in (2, 3, 4):
            for i in range(len(syllables) - n + 1):
                found.add("".join(syllables[i : i + n]))
    return frozenset(w for w in found if len(w) >= 4 and w.isascii() and w.isalpha())


def option_score(text: str, line: Line) -> float:
    return float(sum(mentions_value(text, value) >= 0 for value in line.options.values()))


def chunks(text: str) -> list[str]:
    """Short pieces of the message to compare by meaning: clauses, Chinese words, word pairs."""
    clean = re.sub(r"\S+@\S+|(?<![A-Za-z])[A-Za-z]{0,5}-?#?\d[\d\s-]*", " ", text)
    pieces = [
        p.strip() for p in re.split(r"[,.?!;:，。？！；：、\n]|\band\b|和|跟", clean) if p.strip()
    ]
    found = [p for p in pieces if len(p) <= 60]
    for run in _CJK_RUN.findall(clean):  # and its two- and three-character words
        found += [run] + [run[i : i + n] for n in (2, 3) for i in range(len(run) - n + 1)]
    words = [w for w in _LATIN.findall(fold(clean)) if w not in _STOP and len(w) > 2]
    found += words + [" ".join(words[i : i + 2]) for i in range(len(words) - 1)]
    return list(dict.fromkeys(found))[:48]


def position(text: str, count: int) -> int | None:
    """The line a position refers to (0-based), if the text gives one."""
    m = _POSITION.search(text)
    if not m:
        return None
    if m.group(0).startswith("最后"):
        return count - 1
    if m.group(1):
        n = _ORDINALS[m.group(1).lower()]
    elif m.group(2):
        n = int(m.group(2))
    else:
        n = _CN_DIGITS.get(m.group(3)) or int(m.group(3))
    index = count - 1 if n == -1 else n - 1
    return index if 0 <= index < count else None


# "the second pair of skates", "the first of the two lamps", 第二双溜冰鞋: an ordinal among the
# lines the words name (a position among all lines is _POSITION's).
_NTH_OF = re.compile(
    r"\b(?:the\s+)?(first|1st|second|2nd|third|3rd|last)\s+(?:(?:pair|set|box|pack)\s+of\s+|"
    r"of\s+the\s+(?:two|three|\d)\s+)?((?!(?:one|item|line|thing|product|order|time)s?\b)"
    r"[a-z][\w'-]*(?:\s+[a-z][\w'-]*){0,2})"
    r"|第\s*([一二三12])\s*[双对對套件个個条條把副盒瓶款]\s*([\u3400-\u9fff]{1,8})",
    re.I,
)


def nth_of_named(text: str, lines: Sequence[L], meaning: Meaning | None) -> L | None:
    """The line an ordinal picks among the lines its words name, when they name several
    ("the second pair of skates" of two pairs of skates and a set of pads)."""
    m = _NTH_OF.search(text)
    if not m:
        return None
    if m.group(1):
        n = _ORDINALS[m.group(1).lower()]
        words = re.split(r"(?i)\s+(?:from|in|of|on|that|which|i|my|to|for|please)\b", m.group(2))[0]
    else:
        n, words = _CN_DIGITS.get(m.group(3)) or int(m.group(3)), m.group(4)
    scores = [name_score(words, line) for line in lines]
    best = max(scores, default=0.0)
    if best > 0:
        named = [line for line, score in zip(lines, scores, strict=True) if score == best]
    else:  # 溜冰鞋 against English names: the product meant, and every line of it
        names = list(dict.fromkeys(line.name for line in lines))
        # the words and, in Chinese, their beginnings ("芭蕾鞋" of "芭蕾鞋唔啱")
        queries = [words] + [words[:n] for n in range(2, len(words)) if _CJK.match(words)]
        pick = (
            clear_winner(similarities(meaning, queries, names).tolist(), floor=0.4, margin=0.06)
            if meaning is not None and len(names) > 1
            else None
        )
        named = [line for line in lines if pick is not None and line.name == names[pick]]
    if len(named) < 2 or n > len(named):
        return None
    return named[-1] if n == -1 else named[n - 1]


def lines_named(
    text: str,
    lines: Sequence[L],
    meaning: Meaning | None,
    *,
    floor: float = 0.5,
    margin: float = 0.06,
) -> list[L]:
    """The lines the text names best (ties kept), by words, options, or else by meaning (the
    best line at least `floor` similar and `margin` ahead of the next)."""
    named = [name_score(text, line) for line in lines]
    scores = [n + option_score(text, line) for n, line in zip(named, lines, strict=True)]
    best = max(scores, default=0.0)
    if best > 0:
        tied = [line for line, score in zip(lines, scores, strict=True) if score == best]
        theirs = [line for line in tied if _named_as_theirs(text, line)]
        if len(theirs) == 1 and len(tied) > 1:  # "上衣S号小了，换M号": the S is theirs
            return theirs
        if max(named) == 0 and not theirs:
            # Only an option was named, which may be the one wanted ("毛衣换成M码": the bowl in
            # M is not the jumper meant): an item the words clearly mean comes first. Not an
            # option named as the one they have ("swap the 60 × 35 for the 90 × 60").
            glossed = named_by_gloss(text, lines)
            if len(glossed) == 1:  # (also one of the lines the option fits: 牛刀210 of two)
                return glossed
            picked = best_line(meaning, text, lines, floor=floor, margin=margin)
            if picked is not None and lines[picked] not in tied:
                return [lines[picked]]
        if len(tied) > 1 and same_product(tied) and not _plural(text, tied[0]):
            # "粉红的那双" of a pink and a navy pair: the option the words mean, or none (the
            # caller asks); never both because their shared name matched.
            picked = _by_option(meaning, text, tied)
            return [tied[picked]] if picked is not None else []
        return tied
    glossed = named_by_gloss(text, lines)
    if len(glossed) > 1 and not _plural(text, glossed[0]):  # two sizes of the teapot
        picked = _by_option(meaning, text, glossed)
        return [glossed[picked]] if picked is not None else []
    if glossed:
        return glossed
    picked = best_line(meaning, text, lines, floor=floor, margin=margin)
    return [lines[picked]] if picked is not None else []


def named_by_gloss(text: str, lines: Sequence[L], *, by_head: bool = True) -> list[L]:
    """The lines of the one product whose name holds most of the dictionary's words for the
    Chinese words of the text ("茶壶" → "teapot": a "Buncheong Teapot"); [] when none does or
    products tie ("芭蕾" → "ballet" of ballet slippers and ballet tights)."""
    if not _CJK.search(text):
        return []
    found = _named_in_english(fold(thing_words(simplified(text))), lines, _name_words)
    if found or not by_head:
        return found
    # A word the dictionary lacks, by its last character (牛刀: 刀 "knife"), in the name or the
    # kind of thing ("Aogami #2 Gyuto" of "Kitchen Knives").
    return _named_in_english(fold(head_words(simplified(text))), lines, _name_and_kind_words)


def _named_in_english(
    glossed: str, lines: Sequence[L], words_of: Callable[[Line], list[str]]
) -> list[L]:
    if not glossed:
        return []
    scores = []
    for line in lines:
        words = [] if _CJK.search(line.name) else words_of(line)
        scores.append(sum(1 for w in words if re.search(rf"\b{re.escape(w)}(e?s)?\b", glossed)))
    best = max(scores, default=0)
    top = [line for line, score in zip(lines, scores, strict=True) if best and score == best]
    return top if top and same_product(top) else []


def _name_and_kind_words(line: Line) -> list[str]:
    kinds = [  # "Kitchen Knives" → knife, "Bowls" → bowl
        w[:-3] + "fe" if w.endswith("ives") else w.removesuffix("s")
        for w in _LATIN.findall(fold(line.category))
    ]
    return _name_words(line) + [w for w in kinds if len(w) > 2 and w not in _STOP]


def _name_words(line: Line) -> list[str]:
    return [w for w in _LATIN.findall(fold(readable(line.name))) if len(w) > 2 and w not in _STOP]


_SWAP_BEFORE = re.compile(
    r"(?i)\b(?:swap|replace|change|exchange|trade)\s+(?:the\s+|my\s+|this\s+|that\s+|our\s+)?$"
    r"|把$"
)


_FAULT_AFTER_VALUE = re.compile(
    r"(?i)^[^,，。.]{0,4}?(?:小了|大了|太小|太大|紧了|松了|偏小|偏大|不合适|"
    r"(?:is|are|was|were|'s)?\s*(?:too|a bit|way too)\s+(?:small|big|large|tight|loose|short|long))"
)


def _named_as_theirs(text: str, line: Line) -> bool:
    """Whether the text names one of the line's own option values as the one to swap away
    ("swap the 60 × 35 for ...") or as what is wrong ("S号小了", "the M is too tight")."""
    for value in line.options.values():
        at = mentions_value(text, value)
        if at < 0:
            continue
        if _SWAP_BEFORE.search(text[max(0, at - 24) : at]):
            return True
        if _FAULT_AFTER_VALUE.search(text[at + len(value) : at + len(value) + 24]):
            return True
        spot = re.match(rf"(?i){re.escape(value)}\S*", text[at:])  # "S号小了": after "S号"
        if spot and _FAULT_AFTER_VALUE.search(text[at + spot.end() : at + spot.end() + 24]):
            return True
    return False


def _base_name(line: Line) -> str:
    return fold(re.sub(r"\([^)]*\)|\s[-–]\s.*$", " ", line.name)).strip()


def _plural(text: str, line: Line) -> bool:
    """ "the fleeces", 两双: the text means every line of the product."""
    lowered = fold(text)
    words = [w for w in _LATIN.findall(_base_name(line)) if len(w) > 2 and w not in _STOP]
    if any(re.search(rf"\b{re.escape(w)}e?s\b", lowered) for w in words if not w.endswith("s")):
        return True
    return bool(re.search(r"[两俩二]\s*[双件个条套]|都", text))


def same_product(lines: Sequence[Line]) -> bool:
    """Lines of one product that differ only by their options (colour, size)."""
    return len({_base_name(line) for line in lines}) == 1 and len(
        {tuple(sorted(line.options.items())) for line in lines}
    ) == len(lines)


# A colour or style suffix (粉色, 防水款) says nothing about which one: compare the rest.
_VALUE_SUFFIX = re.compile(r"(?<=[\u3400-\u9fff])[色款的]")


def _by_option(meaning: Meaning | None, text: str, lines: Sequence[Line]) -> int | None:
    """Which of several lines of one product the words mean by an option value that tells
    them apart ("粉红的" for 粉色, "dark blue" for 藏青), when one clearly stands out."""
    if meaning is None:
        return None
    shared = set.intersection(*(set(line.options.values()) for line in lines))
    values = [[v for v in line.options.values() if v not in shared] for line in lines]
    if not all(values):
        return None
    queries = [c for c in chunks(_VALUE_SUFFIX.sub("", text)) if len(c) <= 12]
    if not queries:
        return None
    stripped = [[_VALUE_SUFFIX.sub("", v) or v for v in vs] for vs in values]
    return _clear_best(meaning, queries, with_words(stripped), floor=0.5, margin=0.15)


def with_words(groups: list[list[str]]) -> list[list[str]]:
    """Each group's texts and also each word of a longer one: "pink" is "Rosa" far more than
    "Rosa mexicano" (0.77 against 0.52), "big" is "Grande" more than "Grande 90 cm". A word
    every group has tells nothing; nor does a number."""
    words = [
        {w for text in texts for w in text.split() if len(w) >= 3 and w != text and w.isalpha()}
        for texts in groups
    ]
    everyone = set.intersection(*words) if words else set()
    return [
        texts + [w for w in sorted(ws - everyone) if w not in texts]
        for texts, ws in zip(groups, words, strict=True)
    ]


def _clear_best(
    meaning: Meaning, queries: list[str], groups: list[list[str]], *, floor: float, margin: float
) -> int | None:
    """The group whose best text the queries mean most, when it clearly stands out: by a
    margin, or by half of it when every query that means anything picks that group and two of
    them are words of their own ("engraved", "comb": both nearest 刻字檀木梳)."""
    return _clear_best_of(group_similarity(meaning, queries, groups), queries, floor, margin)


def _clear_best_of(
    by_group: np.ndarray, queries: list[str], floor: float, margin: float
) -> int | None:
    """``_clear_best`` on the query x group similarities already computed."""
    groups = by_group.shape[1]
    per_group = by_group.max(axis=0).tolist()
    picked = clear_winner(per_group, floor, margin)
    if picked is not None or groups < 2:
        return picked
    close = clear_winner(per_group, floor, margin / 2)
    meant = [i for i in range(len(queries)) if by_group[i].max() >= floor * 0.8]
    if close is None or any(by_group[i].argmax() != close for i in meant):
        return None
    # Two words of their own agree ("engraved", "comb"), not the pieces of one (榨汁机, 汁机).
    words = [queries[i] for i in meant]
    apart = any(a not in b and b not in a for a in words for b in words)
    return close if apart else None


def best_line(
    meaning: Meaning | None,
    text: str,
    lines: Sequence[Line],
    *,
    floor: float = 0.5,
    margin: float = 0.06,
) -> int | None:
    """The line the text's pieces mean, by its best descriptor, when it clearly stands out
    (and the text as a whole does not clearly mean another)."""
    queries = chunks(text)
    if meaning is None or not queries or not lines:
        return None
    named = [descriptors(line) for line in lines]
    # Counted by product: two sizes of one product keep their name ("芭蕾鞋" of two pairs of
    # slippers is not the tights because the slippers' shared name was dropped).
    by_product: dict[str, set[str]] = {}
    for line, names in zip(lines, named, strict=True):
        by_product.setdefault(line.name, set()).update(names)
    counts = Counter(d for names in by_product.values() for d in names)
    # What several lines share ("Coffee" for a grinder and a machine) tells them not apart,
    # nor a kind that is a word of another line's name ("Luggage" of a carry-on beside a
    # "Leather Luggage Tag").
    others = [
        " ".join(fold(other.name) for other in lines if other.name != line.name) for line in lines
    ]  # (another size of the same product is no other line's name)
    # Nor do categories of one kind ("Dětská obuv", "Domácí obuv": both footwear): near a
    # query alike, what little tells them apart is noise.
    kinds = [_category_words(line) for line in lines]
    shared = {w for i, a in enumerate(kinds) for b in kinds[i + 1 :] for w in a & b}
    alike = [
        {part for part in _category_parts(line) if _category_words(line, part) & shared}
        for line in lines
    ]
    named = [
        [d for d in names if counts[d] == 1 and not _word_in(d, elsewhere) and d not in kind]
        or names
        for names, elsewhere, kind in zip(named, others, alike, strict=True)
    ]
    # The pieces and, last, the words as a whole: one look-up of the lines' descriptors.
    by_group = group_similarity(meaning, [*queries, " ".join(text.split())], named)
    picked = _clear_best_of(by_group[:-1], queries, floor, margin)
    if picked is None or len(lines) < 2:
        return picked
    # A piece of the words can point past the thing meant ("土耳其蓝的马赛克台灯": the 蓝 is
    # nearest a blue night light): the words as a whole, when they clearly mean another line,
    # are what was said.
    whole = by_group[-1]
    best = int(whole.argmax())
    if best != picked and whole[best] >= floor * 0.6 and whole[best] - whole[picked] >= 0.1:
        return best
    return picked


def _category_parts(line: Line) -> list[str]:
    return [part.strip() for part in line.category.split(">") if part.strip()]


def _category_words(line: Line, part: str | None = None) -> set[str]:
    """The longer words of a line's category (or of one part of it), folded."""
    text = part if part is not None else " ".join(_category_parts(line))
    return {w for w in re.findall(r"[a-z]{4,}", fold(text))}


def _word_in(descriptor: str, text: str) -> bool:
    """Whether a Latin-script descriptor is a whole word (or words) of the folded text."""
    folded = fold(descriptor)
    return bool(
        re.fullmatch(r"[a-z][a-z -]*", folded)
        and re.search(rf"(?<![a-z]){re.escape(folded)}(?![a-z])", text)
    )


def wanted_part(text: str) -> str:
    """What a swap asks for: the words after "换成" or "swap ... for", else ""."""
    found = list(_WANTED_AFTER.finditer(text))
    return text[found[-1].end() :].strip() if found else ""


# The word that leads to what is wanted in a swap: "换成蓝色的", "exchange the red one for the
# blue", "change it to large".
_WANTED_AFTER = re.compile(
    r"换成|换为|换个|改成|改为|换到|"
    r"(?i:\b(?:swap|exchange|change|replace|trade|switch)\b.*?\b(?:for|to|into|with)\b)"
)


def order_named(
    text: str,
    orders_lines: Sequence[Sequence[Line]],
    meaning: Meaning | None,
    *,
    options: bool = True,
) -> list[int]:
    """Which orders (indexes) have a line the text names: by words first (by name and, with
    ``options``, by option), else by meaning."""
    by_line = [
        [name_score(text, line) + (option_score(text, line) if options else 0.0) for line in lines]
        for lines in orders_lines
    ]
    scored = [max(scores, default=0.0) for scores in by_line]
    best = max(scored, default=0.0)
    if best > 0:
        tied = [i for i, score in enumerate(scored) if score == best]
        if len(tied) > 1 and meaning is not None:
            # A word every tied order has ("piñata" of a star and a burrito piñata): the
            # meaning of the whole ("the small star piñata") tells them apart when it clearly can.
            named = [
                (i, line)
                for i in tied
                for line, score in zip(orders_lines[i], by_line[i], strict=True)
                if score == best
            ]
            lines = [line for _, line in named]
            picked = (
                _by_option(meaning, text, lines)  # "the striped swim shorts" of two orders
                if same_product(lines)
                else best_line(meaning, text, lines, margin=0.1)
            )
            if picked is not None:
                return [named[picked][0]]
        return tied
    flat = [(i, line) for i, lines in enumerate(orders_lines) for line in lines]
    # (not by a last character alone: 暖腳鞋 is no more the shoes of another order than the
    # booties of this one)
    glossed = named_by_gloss(text, [line for _, line in flat], by_head=False)
    if glossed:  # "刚买的铃铛那单": the order with the (Ding-Dong) Bell
        return sorted({i for i, line in flat if any(line is g for g in glossed)})
    picked = best_line(meaning, text, [line for _, line in flat])
    if picked is not None:
        return [flat[picked][0]]
    return []
