"""Product discovery: real products from the catalog for a shopper who is looking for something.

"What headphones do you sell?", "waterproof jackets under $100", "a gift for my dad who likes
hiking", "something like the X but cheaper", "is X in stock? if not, what else?": the request is
read for what is asked of the catalog (a budget, "cheaper than" a product named, lightest or
cheapest first), the catalog is searched within those limits (in stock only), and the products
that fit best are listed, 2 to 4 of them, each with its price, stock and link, all from data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from bot.grounding import format_price, named_products
from bot.knowledge import HitLike
from bot.language import CJK, phrase
from retrieval.text import keyword_terms

MAX_SUGGESTIONS = 4
NAME_WEIGHT = 0.3
"""Closeness added when every word of the need is in a product's name (what it *is* called)."""
MARGIN = 0.05
"""Products are suggested while they come this close to the best one."""
CLOSE_FIT = 0.55
"""Closeness (the English encoder's cosine plus the name's share of the need's words) at
which the best product is what was asked for. Needs no product answers came to at most 0.549
(a washing machine and Gear Wash), most under 0.36: smartphones, a dentist, a piano, a sofa,
laptops, running shoes, in two stores' catalogs."""

_AMOUNT = r"(\d[\d,]*(?:\.\d+)?)"
_CURRENCY = r"(?:€|\$|£|¥|eur(?:os?)?\b|usd\b|dollars?\b|pounds?\b|gbp\b|欧元|欧|美元|英镑|元|块)"
_BELOW = re.compile(
    rf"(?:under|below|less than|max(?:imum)?|up to|at most|no more than|within|cheaper than|<)\s*"
    rf"{_CURRENCY}?\s*{_AMOUNT}\s*{_CURRENCY}?|{_CURRENCY}?\s*{_AMOUNT}\s*{_CURRENCY}?\s*"
    rf"(?:以内|以下|之内|内|or less|max\b)",
    re.I,
)
_ABOVE = re.compile(
    rf"(?:over|above|more than|at least|from)\s*{_CURRENCY}\s*{_AMOUNT}"
    rf"|{_AMOUNT}\s*{_CURRENCY}\s*以上",
    re.I,
)
_CHEAPER = re.compile(r"\bcheaper\b|\bless expensive\b|\bbudget\b|便宜|实惠|省钱", re.I)
_ALTERNATIVE = re.compile(
    r"\b(alternatives?|instead of|similar|something like|anything like|like the|else)\b"
    r"|替代|类似|差不多|其他|别的",
    re.I,
)
_LOOKING = re.compile(
    r"\b(recommend|suggest|looking for|look for|i need|i want|we need|need an?|want an?|"
    r"gifts? (?:for|idea)|presents? for|something|anything|options?|which|"
    r"what \w+(?: \w+)? do you (?:sell|have|carry|stock)|do you (?:sell|have|carry) any|any\b)"
    r"|推荐|有没有|有什么|有哪些|适合|礼物|想买|想给|哪款|哪个|哪种",
    re.I,
)
_COUNT_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "single": 1, "solo": 1,
    "double": 2, "一": 1, "单": 1, "二": 2, "两": 2, "双": 2, "三": 3, "四": 4, "五": 5, "六": 6,
}  # fmt: skip
_PEOPLE = re.compile(
    r"(\d+|one|two|three|four|five|six|一|两|二|双|三|四|五|六)\s*-?\s*"
    r"(?:people|persons?|person|man|个人|人)",
    re.I,
)
_SUPERLATIVES: list[tuple[re.Pattern[str], str, bool]] = [
    (re.compile(r"\blight(est|er|weight)\b|最轻|轻便|轻一点", re.I), "weight", False),
    (re.compile(r"\bcheap(est)?\b|\blowest price\b|最便宜", re.I), "price", False),
]


class CatalogSearch(Protocol):
    """What discovery needs of retrieval (`retrieval.KnowledgeBase` is one)."""

    def search(
        self, query: str, k: int | None = None, source: str | None = None, filters: Any = None
    ) -> Sequence[HitLike]: ...

    def products(self, product_ids: Sequence[str]) -> Sequence[Any]: ...


@dataclass
class Request:
    """What a shopper asks of the catalog."""

    max_price: float | None = None
    min_price: float | None = None
    cheaper: bool = False
    alternative: bool = False
    looking: bool = False
    order_by: tuple[str, bool] | None = None
    """(attribute word or "price", descending)."""
    people: int | None = None
    """For how many people ("a tent for two people", "两个人用的")."""

    @property
    def has_limits(self) -> bool:
        """A budget, "cheaper", or lightest/cheapest first: asked of the catalog only."""
        return (
            self.max_price is not None
            or self.min_price is not None
            or self.cheaper
            or self.order_by is not None
        )

    @property
    def is_discovery(self) -> bool:
        return (
            self.looking
            or self.alternative
            or self.cheaper
            or self.max_price is not None
            or self.min_price is not None
            or self.order_by is not None
        )


def _amount(match: re.Match[str]) -> float | None:
    values = [g for g in match.groups() if g and re.fullmatch(r"\d[\d,]*(?:\.\d+)?", g)]
    return float(values[0].replace(",", "")) if values else None


def read_request(question: str) -> Request:
    """The limits and wishes a question puts on the catalog."""
    request = Request()
    if below := _BELOW.search(question):
        request.max_price = _amount(below)
    if above := _ABOVE.search(question):
        request.min_price = _amount(above)
    request.cheaper = bool(_CHEAPER.search(question))
    request.alternative = bool(_ALTERNATIVE.search(question))
    request.looking = bool(_LOOKING.search(question))
    if people := _PEOPLE.search(question):
        word = people.group(1).casefold()
        request.people = int(word) if word.isdigit() else _COUNT_WORDS.get(word)
    for pattern, attribute, descending in _SUPERLATIVES:
        if pattern.search(question):
            request.order_by = (attribute, descending)
            break
    return request


@dataclass
class Suggestion:
    product: Any
    """A `retrieval.products.ProductView`."""
    hit: HitLike
    score: float


@dataclass
class Discovery:
    """Products found for a request, and the products the shopper named."""

    suggestions: list[Suggestion]
    named: list[Any] = field(default_factory=list)
    request: Request = field(default_factory=Request)
    standout: float = 0.0
    """How far the best product stands out from the other candidates (standard deviations):
    a real need finds a few close products, a request the catalog has nothing for none."""
    close_fit: bool = False
    """The best product comes close enough to the need to be what was asked for (its name
    says what the need says: "what lanterns do you have" and the Camp Lantern 300)."""


_BUDGET_WORDS = re.compile(
    rf"{_BELOW.pattern}|{_ABOVE.pattern}|\b(?:euros?|dollars?|pounds?)\b|[?？!！]", re.I
)


def need_of(question: str) -> str:
    """The question without its budget: what the shopper is looking for."""
    return re.sub(r"\s+", " ", _BUDGET_WORDS.sub(" ", question)).strip(" ,.;:-") or question


class ProductFinder:
    """Finds products in the catalog for a shopper's request.

    Candidates come from the catalog search within the request's limits (in stock only); they
    are then ranked by how close what each product *is* (its name, category and description,
    without prices and details) comes to what the shopper needs, or to the product named in
    "like X but cheaper". Only products close to the best one, in its category, are kept.
    """

    def __init__(
        self,
        catalog: CatalogSearch,
        embed: Callable[[Sequence[str]], np.ndarray] | None = None,
        margin: float = MARGIN,
        *,
        cjk_embed: Callable[[Sequence[str]], np.ndarray] | None = None,
    ) -> None:
        self.catalog = catalog
        self.embed = embed
        self.margin = margin
        self.cjk_embed = cjk_embed
        """A multilingual encoder for a need written in Chinese, when ``embed`` reads English
        only (a Chinese need and an English catalog meet by meaning, not words)."""
        self._vectors: dict[tuple[str, str], np.ndarray] = {}

    def find(self, question: str, request: Request | None = None) -> Discovery:
        from retrieval.documents import SearchFilters

        request = request or read_request(question)
        need = need_of(question)
        first = list(self.catalog.search(need, k=10, source="catalog"))
        named = named_products(question, self.catalog.products(_product_ids(first)))
        reference = named[0] if named and (request.alternative or request.cheaper) else None
        max_price, min_price = request.max_price, request.min_price
        if reference is not None and request.cheaper and reference.price is not None:
            max_price = min(max_price or reference.price, round(reference.price - 0.01, 2))
        filters = SearchFilters(in_stock=True, max_price=max_price, min_price=min_price)
        hits = list(self.catalog.search(need, k=30, source="catalog", filters=filters))
        by_id = {str((h.metadata or {}).get("product_id")): h for h in reversed(hits)}
        candidates = [
            p
            for p in self.catalog.products(_product_ids(hits))
            if p.offers(max_price, min_price) and not (reference and p.id == reference.id)
        ]
        request.max_price, request.min_price = max_price, min_price
        if not candidates:
            return Discovery([], named, request)
        anchor = reference.summary if reference is not None else need
        scores = self._closeness(anchor, candidates)
        by_cjk = self.cjk_embed is not None and bool(CJK.search(anchor))
        ranked = sorted(
            (Suggestion(p, by_id[p.id], s) for p, s in zip(candidates, scores, strict=True)),
            key=lambda s: s.score,
            reverse=True,
        )
        spread = float(np.std(scores)) if len(scores) > 2 else 0.0
        standout = (ranked[0].score - float(np.mean(scores))) / spread if spread > 0 else 0.0
        # The multilingual encoder's cosines run on another scale: only the English one's.
        close_fit = not by_cjk and ranked[0].score >= CLOSE_FIT
        if request.people is not None:
            ranked = [s for s in ranked if _for_people(s.product, request.people)] or ranked
        category = reference.category if reference is not None else ranked[0].product.category
        same = [s for s in ranked if s.product.category == category] or ranked
        if request.order_by is not None:  # "the lightest": one answer, among the close ones
            close = [s for s in same if s.score >= same[0].score - 3 * self.margin]
            best = _ordered(close, request.order_by, max_price, min_price)[:1]
            return Discovery(best, named, request, standout, close_fit)
        kept = [s for s in same if s.score >= same[0].score - self.margin]
        return Discovery(kept[:MAX_SUGGESTIONS], named, request, standout, close_fit)

    def _closeness(self, anchor: str, products: list[Any]) -> list[float]:
        """How close each product is to the anchor text: by meaning when an embedder is given,
        plus the share of the anchor's words in the product's name."""
        words = set(keyword_terms(anchor))
        lexical = [len(words & set(keyword_terms(p.name))) / max(1, len(words)) for p in products]
        embed = self.cjk_embed if self.cjk_embed is not None and CJK.search(anchor) else self.embed
        if embed is None:
            return lexical
        space = "cjk" if embed is self.cjk_embed else "main"  # one encoder's vectors apiece
        missing = [p.summary for p in products if (space, p.summary) not in self._vectors]
        if missing:
            for text, vector in zip(missing, embed(missing), strict=True):
                self._vectors[space, text] = np.asarray(vector, dtype=np.float32)
        query = np.asarray(embed([anchor])[0], dtype=np.float32)
        return [
            float(self._vectors[space, p.summary] @ query) + NAME_WEIGHT * lex
            for p, lex in zip(products, lexical, strict=True)
        ]


def _for_people(product: Any, people: int) -> bool:
    """Whether the product is made for that many people (by an attribute or its name)."""
    counted = product.number("person") or product.number("people")
    if counted is not None:
        return int(counted) == people
    return bool(re.search(rf"\b{people}\s*-?\s*(?:person|people|man)\b", product.name, re.I))


def _product_ids(hits: Sequence[HitLike]) -> list[str]:
    ids = [str((h.metadata or {}).get("product_id")) for h in hits if h.source == "catalog"]
    return list(dict.fromkeys(i for i in ids if i != "None"))


def _dedupe(ranked: list[Suggestion]) -> list[Suggestion]:
    seen: set[str] = set()
    out = []
    for suggestion in ranked:
        if suggestion.product.id not in seen:
            seen.add(suggestion.product.id)
            out.append(suggestion)
    return out


def _ordered(
    kept: list[Suggestion],
    order_by: tuple[str, bool],
    max_price: float | None,
    min_price: float | None,
) -> list[Suggestion]:
    attribute, descending = order_by

    def value(s: Suggestion) -> float:
        if attribute == "price":
            found = min(
                o.price for o in s.product.offers(max_price, min_price) if o.price is not None
            )
        else:
            found = s.product.number(attribute)
        if found is None:
            return float("inf")
        return float(-found if descending else found)

    return sorted(kept, key=value)


def offer_line(suggestion: Suggestion, number: int, language: str, request: Request) -> str:
    """One suggestion: name, price (the in-stock variants within the budget), stock, link."""
    product = suggestion.product
    offers = product.offers(request.max_price, request.min_price)
    prices = sorted({o.price for o in offers if o.price is not None})
    low = format_price(prices[0], product.currency) if prices else ""
    price = low if len(prices) <= 1 else phrase(language, "price_from", price=low)
    options = _options_in_stock(product, offers)
    if options:
        options = f"（{options}）" if language == "zh" else f" ({options})"
    line = phrase(language, "suggestion", name=product.name, price=price, options=options)
    if product.url:
        line += f" {product.url}"
    return f"{line} [{number}]"


def _options_in_stock(product: Any, offers: list[Any]) -> str:
    """The in-stock option values, when only some variants are in stock ("Sage")."""
    if not product.variants or len(offers) == len(product.variants):
        return ""
    values = [", ".join(o.options.values()) for o in offers if o.options]
    return "; ".join(dict.fromkeys(v for v in values if v))


def discovery_reply(
    discovery: Discovery, language: str, first: int = 1
) -> tuple[str, list[HitLike]]:
    """The reply listing the suggestions, and the hits it cites (numbered from ``first``)."""
    if not discovery.suggestions:
        return "", []
    lines = [phrase(language, "suggestions_intro")]
    cited = []
    for number, suggestion in enumerate(discovery.suggestions, start=first):
        lines.append("- " + offer_line(suggestion, number, language, discovery.request))
        cited.append(suggestion.hit)
    return "\n".join(lines), cited
