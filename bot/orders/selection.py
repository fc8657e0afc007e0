"""Which of an order's lines a request changes and which it leaves: a small parse of the frames
shoppers use to include and exclude, resolved against the order's own lines.

A message is cut into clauses; in each clause the cues are found ("return", "keep", "except",
"only", "not the", 退, 留着, 除了, 只 ...), and each cue takes as its object the words after it,
or, when those name nothing, the words before it ("the hat I'll keep", 帽子留着). An object
names lines (by name, option, position or meaning, `bot.orders.items`), "all" (everything, 全部)
or "the rest" (the others, 其他的: everything not named elsewhere). Lines named outside any cue
are the reference of "the rest" when there is one ("I love the hat, send the others back").

The result names the lines to change and the lines kept; when the frames do not settle it (a
line both kept and returned, an "except" whose object names no line, "keep the hat" with
several others), it is unclear and the shopper is asked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import permutations
from typing import Generic, Literal

from bot.orders.items import (
    ALL,
    ORDINAL_WORDS,
    L,
    descriptors,
    lines_named,
    nth_of_named,
    position,
    same_product,
)
from bot.orders.meaning import Meaning, group_similarity
from bot.orders.script import plain_text

Polarity = Literal["include", "exclude"]

# Sentences, and their parts between commas (a part with no cue continues the one before).
_SENTENCE = re.compile(r"[.!?;\n。！？；]+")
_PART = re.compile(
    r"[,，:：]+|\s[-–—]+\s|以外|之外|但是|不过|可是|\bbut\b(?<!\ball but)(?<!\beverything but)"
    r"(?<!\banything but)(?!\s+not\b)",
    re.I,
)

# Cues, the longer forms first. Exclusions: what stays with the shopper.
# "all but the hat", "all items but the first one", "everything in it but the mugs"; not "all
# of it, but I'm keeping ..." (a new clause).
_ALL_BUT = (
    r"\b(?:all|everything|anything|every\s+\w+|both|(?:the\s+)?whole\s+\w+)"
    r"(?:\s+(?!but\b)[\w']+){0,4}?\s+but\b(?!\s+(?:not|i|i'm|i'll|i'd|i've|we|it|it's|they|"
    r"you|he|she|there|that's|please|also)\b)"
)
_EXCEPT = (
    _ALL_BUT + "|"
    r"\b(?:except(?:\s+for)?|apart\s+from|aside\s+from|other\s+than|besides|excluding|exclude|"
    r"minus|save\s+for|but\s+not|leav(?:e|ing)\s+out)\b"
    r"|除了|除去|除开|不包括|不含|除外"
)
_KEEP = (
    r"\b(?:(?<!n't\s)(?<!not\s)keep(?:ing|s)?(?!\s+(?:my|the|it|them)\s+\w+\s+(?:warm|cool|"
    r"cold|dry|fresh|clean|safe))|hold(?:ing)?\s+on(?:to|\s+to)|hang(?:ing)?\s+on(?:to|\s+to)|"
    r"(?:can|will|'ll|should)\s+stay|stays|staying|stay\s+with\s+(?:me|us)|stay\s+here|"
    r"(?:do\s*n[o']?t|won't|will\s+not|not|never)\s+(?:want\s+to\s+|need\s+to\s+|going\s+to\s+)?"
    r"(?:return|send|refund|exchange|swap|cancel)(?:ing)?|"
    r"no\s+need\s+to\s+(?:return|send)|not\s+(?:the|my|this|that|these|those)\b|"
    r"(?:do\s*n[o']?t|does\s*n[o']?t|won't|will\s+not)(?=\s*$)|"
    r"(?:can'?t|cannot|can\s+not)\s+be\s+returned|non-returnable)"
    r"|我留住|留住|留返|我留着|留着|留下|保留|自己留|我留|要留|留用|不退|不用退|先不退|别退|不要退|不想退|不需要退|不换|不取消"
    r"|不用(?![了换])"  # "袜子不用": the socks stay; Cantonese 髮夾唔退 reads 不退
    # 清倉的我知道不能退; never the question 能不能退, 可唔可以退 (可不可以退)
    r"|(?<!能)不能退|(?<!可)不可以退|(?<!可)不可退|(?<!退)退不了|不退得"
)
# Inclusions: what the request changes.
_INCLUDE = (
    r"\b(?:return(?:ing|ed|s)?|send(?:ing|s)?|refund|exchange|swap|cancel(?:l?ing)?|"
    r"go(?:es|ing)?\s+back|take\s+(?:it\s+|them\s+)?back|"
    r"(?:do\s*n[o']?t|no\s+longer)\s+(?:want|need|like)|only)\b"
    r"|退货|退掉|退回|寄回|退了|退(?!款|钱|到)|换|取消|不要了|不想要|不需要了|只|仅"
)
# Soft keeps: "the black one is fine", "happy with the lamp" (naming no line, they say nothing).
_SOFT_KEEP = (
    r"\b(?:(?:is|are|was|were|'s)\s+(?:fine|ok|okay|good|great|perfect|alright|all\s+right)\b|"
    r"fits?\s+(?:fine|well|great|perfectly)|happy\s+with|love\s+(?:the|my|it|them))\b"
    r"|没问题|挺好|(?<!不)合适|不错"
)
_CUE = re.compile(rf"(?P<x>{_EXCEPT})|(?P<k>{_KEEP})|(?P<s>{_SOFT_KEEP})|(?P<i>{_INCLUDE})", re.I)
_STAYS = re.compile(r"\bstay", re.I)
# "the rest": everything not named elsewhere.
_REST = re.compile(
    r"\b(?:the\s+)?(?:rest|others|remainder|remaining\s+(?:ones?|items?|things?))\b"
    r"|\b(?:everything|anything|all)\s+else\b"
    r"|\b(?:the\s+)?other\s+(?:ones?|items?|things?|stuff|products?|pieces?|two|three|four)\b"
    r"|其他|其它|其余|剩下|剩余|别的",
    re.I,
)
# Words that carry no item: what is left of an object when they are taken out tells whether it
# names anything.
_FILLER = re.compile(
    r"\b(?:i|i'm|im|i'll|i'd|i've|me|my|we|you|it|them|they|the|a|an|of|from|to|in|on|this|"
    r"that|these|those|order|item|items|please|pls|want|would|like|could|can|will|and|but|"
    r"also|too|so|then|back|one|ones|for|is|are|be|with|all|everything|both|thanks|thank|"
    r"ok|okay|yes|no|hi|hey|just|only|really|still|now)\b|[^\w\u3400-\u9fff]+"
    r"|我|的|了|吧|都|也|要|想|把|那|个|这|请|帮|订单|一下|还是|就|呢|啊|着|下|好|用|自己|是",
    re.I,
)


_AND = re.compile(r"(?i)\b(?:and|plus)\b|和|跟|及|、|还有")
_POSITIONAL = re.compile(rf"(?i)\b(?:{ORDINAL_WORDS})\b|\b(?:item|line)\s*#?\s*\d|第")


_RECEIVED = re.compile(
    r"(?i)收到|买了|买的|订了|订的|到了|\b(?:received|got|ordered|bought|came|arrived)\b"
)
_REQUEST = re.compile(
    r"(?i)想|要|请|帮|退|换|取消|\b(?:return|send|exchange|swap|cancel|refund|wants?|needs?|like|"
    r"please|go(?:es)? back)\b"
)


def _requests_only(text: str) -> str:
    """The text without clauses that only tell what came ("上个礼拜收到两件吊带练功服，黑色嗰件想
    退": the black one is listed, not both), when another clause asks for something."""
    clauses = re.split(r"(?<=[,;.!?，；。！？])", text)
    told = [c for c in clauses if _RECEIVED.search(c) and not _REQUEST.search(c)]
    if not told or not any(_REQUEST.search(c) for c in clauses if c not in told):
        return text
    return "".join(" " if c in told else c for c in clauses)


def _listed_with_it(text: str) -> bool:
    """Whether the clause naming a position lists more ("the first pair and the pads"); not
    "the order with the lederhosen, shoes and belt: the 2nd item"."""
    for clause in re.split(r"[:;.?!：；。？！\n]", text):
        if _POSITIONAL.search(clause) and _AND.search(clause):
            return True
    return False


@dataclass
class Selection(Generic[L]):
    """The lines a request changes and the lines the shopper keeps; `unclear` when the frames
    do not settle it (ask, never guess); `framed` when the message used such frames at all."""

    chosen: list[L] = field(default_factory=list)
    kept: list[L] = field(default_factory=list)
    unclear: bool = False
    framed: bool = False
    excluded: list[L] = field(default_factory=list)  # the lines the shopper said to keep


@dataclass
class _Object:
    polarity: Polarity | None
    text: str
    strong: bool = False  # "except"/"keep": an object that names no line makes it unclear
    implies_rest: bool = False  # "except X": the rest is meant even when not said


def select_items(
    text: str, lines: Sequence[L], meaning: Meaning | None, *, single: bool
) -> Selection[L]:
    """The lines a request changes: by include/exclude frames when the text uses them, else by
    position, "all", a list of names or the one name; unclear (ask) when it does not tell."""
    text = plain_text(text)  # 髮夾唔退, 補充液留低: Cantonese read as Mandarin
    framed = select_lines(text, lines, meaning)
    if framed.framed:
        if single and len(framed.chosen) != 1:
            framed.chosen, framed.unclear = [], True
        return framed
    chosen = _named_lines(text, lines, meaning, single=single)
    kept = [line for line in lines if line not in chosen]
    return Selection(chosen=chosen, kept=kept, unclear=not chosen)


def resolve_lines(
    text: str, lines: Sequence[L], meaning: Meaning | None, *, single: bool
) -> list[L]:
    """The lines a request is about ([] when the text does not tell)."""
    return select_items(text, lines, meaning, single=single).chosen


def _named_lines(
    text: str, lines: Sequence[L], meaning: Meaning | None, *, single: bool
) -> list[L]:
    if len(lines) == 1:
        return list(lines)
    nth = nth_of_named(text, lines, meaning)
    at = position(text, len(lines))
    if (nth is not None or at is not None) and not single and _listed_with_it(text):
        listed = _resolve(text, lines, meaning, words_only=False)  # "the first pair and the pads"
        if len(listed) > 1:
            return listed
    if nth is not None:
        return [nth]
    if at is not None:
        return [lines[at]]
    if not single and ALL.search(text):
        named = _all_of_named(text, lines, meaning)
        return list(lines) if named is None else named
    asked = _requests_only(text)  # "I ordered it in 38 and 40 to compare. The 40 is too big"
    if not single:  # "the headlamp and the sun hat": each listed part names its own line
        listed = _resolve(asked, lines, meaning, words_only=False)
        if len(listed) > 1:
            return listed
    named = (lines_named(asked, lines, meaning) if asked != text else []) or lines_named(
        text, lines, meaning
    )
    if single and len(named) > 1:
        return []
    return named


# The order named by a thing in it ("the saree order", "纱丽那单", "in the parcel with the mugs"):
# a name of the order, not of the lines "all" is about.
_ORDER_BY_THING = re.compile(
    r"\b(?:from|in|of|with)?\s*(?:the|my|that|this)\s+[^,.;]*?\b(?:order|package|parcel)s?\b"
    r"|\border\s+with\s+[^,.;]*"
    r"|^.*?(?:那|这|哪)(?:一)?(?:单|笔|个订单|个包裹)(?:里面?|中|入面)?的?|订单|包裹",
    re.I,
)


# What points back to the clause before: "the black blouses, return them all", "衬衫，都退了".
_THEM = re.compile(r"\b(?:them|these|those)\b|它们|这些|那些|这几|那几|^\s*(?:都|全)", re.I)


def _all_of_named(text: str, lines: Sequence[L], meaning: Meaning | None) -> list[L] | None:
    """ "衬衫都退", "鸭舌帽和羊绒帽都退了", "return both blouses": "all" of the lines its own
    clause names, not every line of the order. None when that clause names no line (or only
    the order: "纱丽那单都退"); [] when a thing it lists names no line (ask)."""
    for sentence in _SENTENCE.split(text):
        clauses = _PART.split(sentence)
        for at, clause in enumerate(clauses):
            if not clause or not ALL.search(clause):
                continue
            named = _each_named(clause, lines, meaning)
            if (
                named is None and at and _THEM.search(clause)
            ):  # "the black blouses, return them all"
                named = _each_named(clauses[at - 1], lines, meaning)
            if named is not None:
                return named
    return None


def _each_named(clause: str, lines: Sequence[L], meaning: Meaning | None) -> list[L] | None:
    """The lines the things listed in the clause name; None when none names a line (or there
    are as many things as lines), [] when they do not settle which lines."""
    words = _ORDER_BY_THING.sub(" ", ALL.sub(" ", clause))
    things = [
        part
        for part in re.split(r"\band\b|和|跟|与|及|、|/|&", words)
        if _FILLER.sub(" ", part).strip()
    ]
    named = [lines_named(thing, lines, meaning) for thing in things]
    if not any(named):
        return None
    found: list[L] = []
    for lines_of_thing in named:
        _add(found, lines_of_thing)
    if all(named) and len(found) >= len(things):
        return [line for line in lines if line in found]
    # "包和水壶都退" of an order of a bag and a bottle: as many things as lines, all of them,
    # though the encoder did not tell each apart; fewer things than lines: ask which.
    return None if len(things) == len(lines) else []


def select_lines(text: str, lines: Sequence[L], meaning: Meaning | None) -> Selection[L]:
    """The lines the text includes and excludes, resolved against the order's lines."""
    included: list[L] = []
    included_by: list[list[L]] = []  # what each including object named
    excluded: list[L] = []
    kept_firmly: list[L] = []  # by "keep", "except"; not only "is fine"
    unmarked: list[L] = []
    scope_all = scope_rest = keep_rest = implied_rest = unclear = unnamed_keep = False
    keep_all = False
    relative: list[L] = []  # kept as "the other X": the X lines not named to go
    pairable: list[tuple[Polarity, str]] = []  # single things named to go or to stay
    kept_by_words: list[L] = []  # lines named to stay by their own words, not by meaning
    said_by_words: list[L] = []  # lines otherwise named by their own words
    earlier: list[tuple[str, list[L]]] = []  # the objects resolved so far, with their lines
    for obj in _objects(text.replace("’", "'")):
        rest = bool(_REST.search(obj.text))
        every = bool(ALL.search(obj.text)) and not rest
        if obj.polarity is not None and not (rest or every):
            pairable += [(obj.polarity, part) for part in _things(obj.text)]
        # A line to keep is taken by meaning only when it clearly stands out: a wrong one
        # would send back what the shopper keeps.
        strict = obj.polarity == "exclude"
        named = _resolve(obj.text, lines, meaning, words_only=rest or every, strict=strict)
        if not named and not (rest or every):
            # "有phulkari围巾的那单，除了围巾其他都退": the words said again are the line they
            # named the first time.
            named = _said_before(obj.text, earlier)
        earlier.append((obj.text, named))
        if meaning is not None and named:
            worded = _resolve(obj.text, lines, None, words_only=True)
            (kept_by_words if obj.polarity == "exclude" else said_by_words).extend(worded)
        if obj.polarity == "exclude" and _OTHER_ONE.search(obj.text):
            _add(relative, named)  # "keep the other mat": whichever mat is not the one named
        if obj.polarity == "exclude":
            if rest:
                keep_rest = True  # "keep the rest", 其他不退
            elif every:
                unclear = keep_all = True  # "keep everything"
            elif obj.strong and not named:
                unnamed_keep = True  # "except the thing" that is no line (or not clearly one)
            _add(excluded, named)
            if obj.strong:
                _add(kept_firmly, named)
            implied_rest = implied_rest or obj.implies_rest
        elif obj.polarity == "include":
            scope_rest, scope_all = scope_rest or rest, scope_all or every
            _add(included, named)
            included_by.append(named)
        elif not _WHAT_I_BOUGHT.search(obj.text):  # "I bought two mats": no request
            scope_rest = scope_rest or rest
            _add(unmarked, named)
    named_to_go = [line for line in included if line in relative]
    if relative and not named_to_go:
        unclear = True  # "keep the other mat", no mat named to go: which is the other?
    elif named_to_go and len(named_to_go) < len(relative):
        excluded = [line for line in excluded if line not in named_to_go]
        kept_firmly = [line for line in kept_firmly if line not in named_to_go]
    if excluded and not kept_firmly and all(line in excluded for line in lines):
        excluded = []  # "the black grinder is great but I'd rather have the walnut": no keep
    if not (excluded or scope_rest or keep_rest or unclear or unnamed_keep):
        return Selection()  # no frames: the caller resolves names, positions and "all"
    # "return the guitar but keep the strap" (a guitar strap): a kept line that an including
    # word names only along with others it does not keep is the word's wider sense.
    for line in [line for line in included if line in excluded]:
        if all(
            any(other not in excluded for other in named) for named in included_by if line in named
        ):
            included.remove(line)
    # "send back the bucket hat but keep the beret": the beret named by its word stays; that
    # "bucket hat" came nearest the beret by meaning names nothing to go.
    for line in [line for line in included if line in excluded]:
        if line in kept_by_words and line not in said_by_words:
            included.remove(line)
    if scope_rest:  # what was named outside any cue is what "the rest" is the rest of
        _add(excluded, [line for line in unmarked if line not in included])
    else:
        _add(included, [line for line in unmarked if line not in excluded])
    # A kept thing that names no line settles nothing, unless only the lines named go
    # ("狗毛衣退掉，外套留着": the jumper goes whatever 外套 is): then it changes nothing.
    unclear = unclear or (unnamed_keep and not (included and not (scope_rest or scope_all)))
    selection: Selection[L] = Selection(framed=True, excluded=list(excluded))
    remaining = [line for line in lines if line not in excluded]
    if unclear or any(line in excluded for line in included):
        chosen: list[L] = []
    elif keep_rest:
        chosen = [line for line in included if line not in excluded]
    elif scope_rest or scope_all:
        chosen = remaining if (excluded or included or scope_all) else []
    elif implied_rest:
        chosen = included or remaining  # "除了咖啡机，我想退货"
    elif included:
        chosen = included  # "just the mug, not the bottle"
    else:
        chosen = remaining if len(remaining) == 1 else []  # "keep the navy one" of two
    if not chosen and not keep_all:  # "吉他退了，弦我留着" of a Portuguese catalog
        chosen = _paired(pairable, lines, meaning)
    selection.chosen = [line for line in lines if line in chosen]
    selection.kept = [line for line in lines if line not in chosen] if chosen else excluded
    selection.unclear = not chosen
    return selection


# What the shopper bought, told as a story: it names lines but asks nothing of them.
_WHAT_I_BOUGHT = re.compile(
    r"^\s*(?:i|we)\s+(?:bought|ordered|got|purchased|received)\b|^\s*我(?:们)?(?:买|订|收到)了",
    re.I,
)
# "the other mat", 另一个: relative to the one named to go.
_OTHER_ONE = re.compile(
    r"\b(?:the|my)\s+other\s+(?!ones?\b|items?\b|things?\b|stuff\b|products?\b|pieces?\b)"
    r"[a-z]+|另(?:一|外一)(?:个|件|张|条|双|只|把)",
    re.I,
)
# "两周前到的那单里的拨片", "上周收到的瑜伽带": the thing, not the order or when it came.
_IN_THE_ORDER = re.compile(
    r"^.*?(?:那|这)(?:一)?(?:单|笔|张单)(?:里面?|中|入面)?的?"
    r"|^[^的]{0,8}(?:收到|到货|买|订|下单|寄来)的"  # "上周收到的瑜伽带": the thing received
)
_PAIRING_MARGIN = 0.08


def _things(text: str) -> list[str]:
    """The things an object names, one per listed part."""
    parts = re.split(r"\band\b|\bor\b|\bnor\b|和|跟|与|及|、|/|&|,|，", text)
    return [_IN_THE_ORDER.sub("", part).strip() for part in parts if _names_something(part)]


def _paired(
    things: list[tuple[Polarity, str]], lines: Sequence[L], meaning: Meaning | None
) -> list[L]:
    """When each line of a small order is named once, some to go and some to stay, and no
    name settles it alone: the one way of pairing names with lines that clearly fits best
    (the encoder may not tell 吉他 from a ukulele, but it tells which of two lines is nearer
    吉他 once 弦 takes the strings). [] when no pairing stands out."""
    polarities = {polarity for polarity, _ in things}
    if meaning is None or not 2 <= len(lines) <= 3 or len(things) != len(lines):
        return []
    if polarities != {"include", "exclude"}:
        return []
    groups = [descriptors(line) for line in lines]
    near = group_similarity(meaning, [thing for _, thing in things], groups).tolist()
    totals = sorted(
        (
            (sum(near[i][j] for i, j in enumerate(order)), order)
            for order in permutations(range(len(lines)))
        ),
        reverse=True,
    )
    (best, order), (second, _) = totals[0], totals[1]
    if best - second < _PAIRING_MARGIN:
        return []
    return [lines[j] for i, j in enumerate(order) if things[i][0] == "include"]


def _add(into: list[L], lines: Sequence[L]) -> None:
    into.extend(line for line in lines if line not in into)


def _resolve(
    text: str,
    lines: Sequence[L],
    meaning: Meaning | None,
    *,
    words_only: bool,
    strict: bool = False,
) -> list[L]:
    """The lines an object names: each listed part by position, words or meaning."""
    bare = _REST.sub(" ", ALL.sub(" ", text))
    parts = re.split(r"\band\b|\bor\b|\bnor\b|和|跟|与|及|、|/|&|,|，", bare)
    named: list[list[L]] = []
    for part in parts:
        if not _names_something(part):
            continue
        at = position(part, len(lines))
        nth = nth_of_named(part, lines, None if words_only else meaning)
        if nth is not None:
            named.append([nth])
        elif at is not None:
            named.append([lines[at]])
        else:
            by_meaning = None if words_only else meaning
            limits = {"floor": 0.55, "margin": 0.1} if strict else {}
            named.append(lines_named(part, lines, by_meaning, **limits))
    # "the 3 bottles of water conditioner ... my tap water turned out fine": a part whose
    # word fits several products alike names none of them beside a part that names one.
    vague = [found for found in named if len(found) > 1 and not same_product(found)]
    if vague and any(len(found) == 1 for found in named):
        named = [found for found in named if found not in vague]
    found: list[L] = []
    for lines_of_part in named:
        _add(found, lines_of_part)
    return found


def _objects(text: str) -> list[_Object]:
    """Each cue with its object, and the words no cue took, part by part."""
    found: list[_Object] = []
    for sentence in _SENTENCE.split(text):
        last: Polarity | None = None
        bare: int | None = None  # the object just before, when its part had no cue
        for part in _parts(sentence):
            if not part.strip():
                continue
            cues = list(_CUE.finditer(part))
            if not cues:
                # "the mug and the bottle" after "keep the hat,": the same frame; "the rest
                # goes back" stands on its own.
                frame = None if _REST.search(part) else last
                found.append(_Object(frame, part))
                bare = len(found) - 1 if _names_something(part) else None
                continue
            if (
                bare is not None
                and len(cues) == 1
                and not _names_something(part[: cues[0].start()] + part[cues[0].end() :])
            ):
                polarity, strong, implies = _cue_kind(cues[0])
                if polarity == "exclude":  # "精油用咗，留低": the oil was used, it stays
                    found[bare] = _Object(polarity, found[bare].text, strong, implies)
                    last, bare = polarity, None
                    continue
            bare = None
            # Segments: before the first cue, then after each cue up to the next.
            starts = [0] + [cue.end() for cue in cues]
            ends = [cue.start() for cue in cues] + [len(part)]
            segments = [part[s:e] for s, e in zip(starts, ends, strict=True)]
            claimed = [False] * len(segments)
            # "除了围巾其他都退", "except the scarf the rest goes back": the rest said inside an
            # exception's words is the next cue's object, the exception the words before it.
            rest_of: dict[int, str] = {}  # cue -> its object split off the segment before it
            for i, cue in enumerate(cues[:-1]):
                rest = _REST.search(segments[i + 1])
                if (
                    cue.group("x")
                    and rest
                    and _names_something(segments[i + 1][: rest.start()])
                    and not _names_something(segments[i + 2])
                ):
                    rest_of[i + 1] = segments[i + 1][rest.start() :]
                    segments[i + 1] = segments[i + 1][: rest.start()]
            for i, cue in enumerate(cues):
                polarity, strong, implies = _cue_kind(cue)
                if i in rest_of:
                    found.append(_Object(polarity, rest_of[i], strong, implies))
                    last = polarity
                    continue
                # "The engraved one stays with me": what stays is said before the verb.
                before = _STAYS.search(cue.group(0)) and _names_something(segments[i])
                if before and not claimed[i]:
                    pick = i
                elif _names_something(segments[i + 1]):
                    pick = i + 1
                elif not claimed[i] and _names_something(segments[i]):
                    pick = i
                else:
                    if strong:
                        found.append(_Object(polarity, "", strong=True, implies_rest=implies))
                    continue
                claimed[pick] = True
                found.append(_Object(polarity, segments[pick], strong, implies))
                last = polarity
            found += [
                _Object(None, segment)
                for i, segment in enumerate(segments)
                if not claimed[i] and _names_something(segment)
            ]
    return found


def _parts(sentence: str) -> list[str]:
    """The sentence cut at commas and clause words, never inside "all ... but"."""
    kept = [(m.start(), m.end()) for m in re.finditer(_ALL_BUT, sentence, re.I)]
    parts, at = [], 0
    for cut in _PART.finditer(sentence):
        if any(a <= cut.start() < b for a, b in kept):
            continue
        parts.append(sentence[at : cut.start()])
        at = cut.end()
    return [*parts, sentence[at:]]


def _cue_kind(cue: re.Match[str]) -> tuple[Polarity, bool, bool]:
    """(polarity, strong, implies the rest) of a cue."""
    if cue.group("x"):
        return "exclude", True, True
    if cue.group("s"):
        return "exclude", False, False
    if cue.group("k"):
        words = cue.group(0).lower().split()
        loose = words[0] == "not" and words[-1] in {"the", "my", "this", "that", "these", "those"}
        return "exclude", not loose, False
    return "include", False, False


def _said_before(text: str, earlier: list[tuple[str, list[L]]]) -> list[L]:
    """The one line an earlier object named whose words hold all of this one's."""
    core = " ".join(_FILLER.sub(" ", text).split())
    if len(core) < 2:
        return []
    edge = (r"\b" if core[0].isascii() else "", r"\b" if core[-1].isascii() else "")
    within = re.compile(rf"{edge[0]}{re.escape(core)}{edge[1]}", re.I)  # "hat" is not "that"
    found = [named for said, named in earlier if len(named) == 1 and within.search(said)]
    return found[0] if len(found) == 1 else []


def _names_something(segment: str) -> bool:
    """Whether a segment names lines, all of them or the rest ("all of it", "其他的")."""
    return bool(_FILLER.sub(" ", segment).strip() or ALL.search(segment) or _REST.search(segment))
