"""Things the knowledge lists (promo codes, plans, product lines) named in a question.

"Can I use WELCOME10 and FALLHOME15 together?" names two items of a list. Searched as it is,
the question finds the list itself (the names outweigh every other word), never the rule
about that kind of thing ("One promo code per order"). Asked again with the names replaced by
the title of the page that lists them ("Can I use Promo codes and discounts together?"), it
finds the rules; the items' own lines can follow them.

An item is a line of a list ("- WELCOME10: 10% off ...") or a table row ("Code: WELCOME10;
Discount: 10%."), named by what comes before its first colon or dash. Its name counts as named
when the question has it verbatim and few passages of the knowledge do: a rare name, not a
word that runs through the pages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.extractive import sentences
from bot.knowledge import HitLike
from bot.language import CJK

MAX_PASSAGES = 2
"""A name held by more policy passages than this is an ordinary word of the store's pages."""
MAX_NAME_WORDS = 4
_LIST_ITEM = re.compile(
    r"^\s*(?:[-*•+]|\d{1,2}[.)])\s+(?:\*\*|__)?(?P<name>[^:：\n]{2,60}?)(?:\*\*|__)?"
    r"\s*(?:[:：]|\s[—–-]\s)"
)
_TABLE_ROW = re.compile(r"^[^:：;；\n]{1,40}[:：]\s*(?P<name>[^:：;；\n]{2,60}?)\s*[;；]")
_LATIN_WORD = r"[^\W\u3000-\u9fff\uff00-\uffef]"
"""A word character that is not CJK: a Chinese sentence runs straight into a Latin name."""
_PLACEHOLDER = "\x00{}\x00"
_JOINED = re.compile(r"(\x00\d+\x00)(?:\s*(?:,|、|/|&|\band\b|\bor\b|和|与|或|及|跟)\s*\1)+")


@dataclass(frozen=True)
class ListedName:
    """An item's name as the knowledge writes it, the passage listing it, and its page."""

    name: str
    hit: HitLike
    page: str

    @property
    def line(self) -> str:
        """The item's own line in the passage that lists it."""
        folded = self.name.casefold()
        line = next((s for s in sentences(self.hit.text) if folded in s.casefold()), "")
        return " ".join(line.split())


def item_names(text: str) -> list[str]:
    """The names of the items a passage lists (list lines and table rows)."""
    names = []
    for line in text.splitlines():
        match = _LIST_ITEM.match(line) or _TABLE_ROW.match(line)
        if match is None:
            continue
        name = match.group("name").strip(" *_`\"'“”")
        short = len(name) <= 12 if CJK.search(name) else len(name.split()) <= MAX_NAME_WORDS
        if short and len(name) >= 2:
            names.append(name)
    return names


def _pattern(name: str) -> re.Pattern[str]:
    """The name as a whole word (a CJK name has no word boundaries to ask for)."""
    if CJK.search(name):
        return re.compile(re.escape(name), re.I)
    return re.compile(rf"(?<!{_LATIN_WORD}){re.escape(name)}(?!{_LATIN_WORD})", re.I)


def page_title(title: str) -> str:
    """The page's own title from a passage's heading path ("Promo codes > Current offers")."""
    return title.split(" > ")[0].strip()


def listed_names(
    question: str, hits: Sequence[HitLike], documents: Sequence[str]
) -> list[ListedName]:
    """The listed items the question names, rare in ``documents`` (the policy passages)."""
    found: dict[str, ListedName] = {}
    folded_documents: list[str] | None = None
    for hit in hits:
        if hit.source != "policy":
            continue
        for name in item_names(hit.text):
            key = name.casefold()
            if key in found or not _pattern(name).search(question):
                continue
            if folded_documents is None:
                folded_documents = [d.casefold() for d in documents]
            if sum(key in d for d in folded_documents) > MAX_PASSAGES:
                continue
            found[key] = ListedName(name, hit, page_title(hit.title))
    return list(found.values())


def without_names(question: str, names: Sequence[ListedName]) -> str:
    """The question with each name replaced by the title of its page ("WELCOME10 and
    FALLHOME15" by "Promo codes and discounts", once)."""
    pages = list(dict.fromkeys(n.page for n in names))
    text = question
    for listed in sorted(names, key=lambda n: len(n.name), reverse=True):
        placeholder = _PLACEHOLDER.format(pages.index(listed.page))
        text = _pattern(listed.name).sub(placeholder, text)
    text = _JOINED.sub(r"\1", text)
    for number, page in enumerate(pages):
        text = text.replace(_PLACEHOLDER.format(number), page)
    return text
