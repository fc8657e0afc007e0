"""What a reply leads with: the facts stated from data, part by part, with the sources used.

A question may ask several things ("Is the Dome 2 in blue in stock, and what does shipping to
Belgium cost?"): each part is answered from its own best evidence, a product's price and stock
from the catalog, anything else by the policy sentences that answer it (with the sentence that
qualifies them). A sentence written in another language than the shopper's is quoted, with a
lead-in in the shopper's language. Citations number the sources the lead uses, from 1.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, cast

from bot.extractive import Passage, Picked, SentencePicker, question_parts
from bot.grounding import (
    ProductFact,
    alternatives_phrase,
    asks_about_product_facts,
    fact_lead,
    format_price,
    named_products,
    variants_in_stock_found,
)
from bot.knowledge import HitLike
from bot.language import detect_language, phrase
from bot.listed import listed_names, without_names
from bot.safety import detect_injection
from retrieval.dialogues import SOLVED_LABEL

SearchMany = Callable[[Sequence[str]], Sequence[Sequence[HitLike]]]
"""Several queries searched at once (`KnowledgeBase.search_many` with its default k)."""
SearchCatalog = Callable[[str], Sequence[HitLike]]
"""The catalog alone searched for a query."""
Products = Callable[[Sequence[str]], Sequence[Any]]
"""Product records (`retrieval.products.ProductView`) by id."""
Documents = Callable[[], Sequence[str]]
"""The texts of the policy passages (to tell a rare name from a word of every page)."""
SENTENCES_PER_PART = 2
RULE_SENTENCES = 2
SECTION_MARGIN = 0.1
"""A question about listed things in general ("can I use these two codes together?") wants
the rules of the section that answers it: its sentences this close to the best complete it."""
MAX_VARIANTS = 8
MAX_ALTERNATIVES = 3
SAME_CASE = 0.8
"""A resolved past case this relevant asked what the shopper asks (calibrated relevance)."""
CASE_FLOOR = 0.2
"""How relevant a policy passage must be to the question itself to be read when a past case
says the store has answered it."""


@dataclass
class Lead:
    """The lead's text (citations numbering `cited` from 1) and the product facts it states."""

    text: str = ""
    facts: list[ProductFact] = field(default_factory=list)
    cited: list[HitLike] = field(default_factory=list)

    @property
    def primary(self) -> ProductFact | None:
        return self.facts[0] if self.facts else None


class LeadWriter:
    """Writes the lead of a reply from the hits retrieval found."""

    def __init__(
        self,
        picker: SentencePicker,
        min_score: float,
        search_many: SearchMany | None = None,
        search_catalog: SearchCatalog | None = None,
        products: Products | None = None,
        documents: Documents | None = None,
    ) -> None:
        self.picker = picker
        self.min_score = min_score
        self.search_many = search_many
        self.search_catalog = search_catalog
        self.products = products
        self.documents = documents

    def write(
        self, question: str, hits: Sequence[HitLike], language: str, *, alone: bool = False
    ) -> Lead:
        """``alone``: the lead is the whole reply (the model does not write this language), so
        a question a resolved past case asked is looked into deeper rather than left unsure."""
        parts = question_parts(question)
        if len(parts) == 1 or self.search_many is None:
            return self._single(question, hits, language, alone)
        lead = Lead()
        pieces: list[tuple[str, list[HitLike]]] = []
        # A later part often leans on the one before ("Do you ship to Canada and how much does
        # it cost?"): it is also searched with that part in front.
        leaning = [f"{before} {part}" for before, part in pairwise(parts)]
        results = list(self.search_many([*parts, *leaning]))
        in_context: list[Sequence[HitLike]] = [[], *results[len(parts) :]]
        for part, searched, context in zip(parts, results[: len(parts)], in_context, strict=True):
            found = [h for h in _merged(searched, context) if self._usable(h)]
            part_hits = _merged(found, hits)
            if asks_about_product_facts(part) and found and found[0].source == "catalog":
                text, facts = fact_lead(part, part_hits, language, self.min_score)
                if text:
                    lead.facts += facts[:1]
                    pieces.append((text, [_hit_of(facts[0], part_hits)]))
                    continue
            for picked in self._policy(part, part_hits, SENTENCES_PER_PART, whole=question):
                pieces.append(self._stated(picked, part_hits, language))
        return _assembled(lead, pieces)

    def _usable(self, hit: HitLike, min_score: float | None = None) -> bool:
        """Relevant, not knowledge that tries to instruct the bot, and not a page written for the
        store's staff (front matter `audience: staff`: never quoted to a shopper)."""
        return (
            hit.score >= (self.min_score if min_score is None else min_score)
            and not detect_injection(hit.text).flagged
            and (hit.metadata or {}).get("audience") != "staff"
        )

    def product_facts(self, question: str, hits: Sequence[HitLike], language: str) -> Lead:
        """Price and stock of the product the shopper asks about, from the catalog (an empty
        lead when the question asks no such thing)."""
        hits = [*hits, *self._named_in_catalog(question, hits)]
        text, facts = fact_lead(question, hits, language, self.min_score)
        if not text:
            return Lead(facts=facts)
        if facts[0].sku is None:  # the product, not one variant: say which are in stock
            text = self._variants_stock(facts[0], language) or text
        elif facts[0].in_stock is False and not variants_in_stock_found(facts):
            text = f"{text} {self._in_stock_instead(facts[0], language)}".strip()
        return _assembled(Lead(facts=facts), [(text, [_hit_of(facts[0], hits)])])

    def _in_stock_instead(self, fact: ProductFact, language: str) -> str:
        """The product's variants in stock, when the one asked for is not (the nearest first:
        those sharing most of its options, "500 ml Forest" before "1 L Sunset")."""
        if self.products is None or fact.product_id is None:
            return ""
        found = list(self.products([fact.product_id]))
        wanted = set(fact.options.values())
        in_stock = [v for v in (found[0].variants if found else []) if v.in_stock]
        in_stock.sort(key=lambda v: -len(wanted & set(v.options.values())))
        choices = [(v.options, v.sku, v.price) for v in in_stock[:MAX_ALTERNATIVES]]
        return alternatives_phrase(choices, fact.currency, language)

    def _variants_stock(self, fact: ProductFact, language: str) -> str:
        """Each variant's price and stock, when some are in stock and some are not: a product
        "in stock" as a whole says nothing of the colour or size the shopper wants."""
        if self.products is None or fact.product_id is None:
            return ""
        found = list(self.products([fact.product_id]))
        variants = found[0].variants if found else []
        if len({bool(v.in_stock) for v in variants}) < 2:
            return ""
        items = [
            phrase(
                language,
                "variant_stock",
                options=", ".join(v.options.values()) or v.sku,
                price=format_price(v.price, fact.currency),
                stock=phrase(language, "in_stock" if v.in_stock else "out_of_stock"),
            )
            for v in variants[:MAX_VARIANTS]
        ]
        separator = "；" if language == "zh" else "; "
        return phrase(language, "variants_stock", name=fact.name, items=separator.join(items))

    def _single(
        self, question: str, hits: Sequence[HitLike], language: str, alone: bool = False
    ) -> Lead:
        lead = self.product_facts(question, hits, language)
        if lead.text:
            return lead
        lead = self._listed_rule(question, hits, language)
        if lead.text:
            return lead
        pieces = [self._stated(p, hits, language) for p in self._policy(question, hits, 3)]
        if not pieces and alone:
            pieces = self._through_past_case(question, hits, language)
        return _assembled(Lead(), pieces)

    def _through_past_case(
        self, question: str, hits: Sequence[HitLike], language: str
    ) -> list[tuple[str, list[HitLike]]]:
        """When no policy passage is relevant enough but a resolved past case asked the same
        thing, the store has an answer: its policy passages are looked for deeper, and those
        the past answer leads to as well. A case only says where to look; the sentence said
        must still answer the question itself (a past answer is never quoted: it may be out
        of date, or about that shopper's order)."""
        cases = [h for h in hits if h.source == "dialogue" and h.score >= SAME_CASE]
        if not cases or self.search_many is None:
            return []
        answers = [answer for case in cases[:2] if (answer := _case_answer(case.text))]
        own, *led = self.search_many([question, *answers])
        scores = {h.id: h.score for h in own}
        found = [h for h in own if self._usable(h, CASE_FLOOR)]
        for results in led:
            found = _merged(found, [h for h in results if self._usable(h)])
        policy = [
            dataclasses.replace(cast(Any, h), score=scores.get(h.id, 0.0))
            for h in found
            if h.source == "policy"
        ]
        return [self._stated(p, policy, language) for p in self._policy(question, policy, 3)]

    def _listed_rule(self, question: str, hits: Sequence[HitLike], language: str) -> Lead:
        """When the question names items a page lists (promo codes, plans): the rule about
        that kind of thing, found by asking with the page's title for the names, then the
        items' own lines (an empty lead when it names none, or no rule is found)."""
        if self.search_many is None:
            return Lead()
        usable = [h for h in hits if self._usable(h)]
        documents = self.documents() if self.documents else [h.text for h in hits]
        names = listed_names(question, usable, documents)
        if not names:
            return Lead()
        listing = {n.hit.id for n in names}
        query = without_names(question, names)
        found = self.search_many([query])[0]
        rules = [h for h in found if self._usable(h) and h.id not in listing]
        said = self._policy(query, rules, RULE_SENTENCES, section_margin=SECTION_MARGIN)
        pieces = [self._stated(p, rules, language) for p in said]
        if not pieces:
            return Lead()
        for listed in names:
            if line := listed.line:
                item = Picked(line, 1, detect_language(line))
                pieces.append(self._stated(item, [listed.hit], language))
        return _assembled(Lead(), pieces)

    def _named_in_catalog(self, question: str, hits: Sequence[HitLike]) -> list[HitLike]:
        """Catalog hits of a product the question names by name, when the general search
        left them out (a size table naming the product can outrank it)."""
        if self.search_catalog is None or not asks_about_product_facts(question):
            return []
        seen = {h.id for h in hits}
        found = [h for h in self.search_catalog(question) if h.id not in seen]
        facts = [f for h in found if (f := ProductFact.from_hit(h)) is not None]
        named = {f.hit_id for f in named_products(question, facts)}
        return [h for h in found if h.id in named]

    def _policy(
        self,
        question: str,
        hits: Sequence[HitLike],
        limit: int,
        whole: str = "",
        section_margin: float | None = None,
    ) -> list[Picked]:
        passages = [
            Passage(n, h.text, h.title, h.score)
            for n, h in enumerate(hits, start=1)
            if h.source == "policy"
        ]
        return self.picker.compose(question, passages, limit, whole, section_margin)

    @staticmethod
    def _stated(
        picked: Picked, hits: Sequence[HitLike], language: str
    ) -> tuple[str, list[HitLike]]:
        """The sentence as said to the shopper: quoted with a lead-in when it is written in
        another language than theirs."""
        hit = hits[picked.number - 1]
        if picked.language == language:
            return picked.sentence, [hit]
        quoted = phrase(language, "quoted", sentence=picked.sentence)
        return quoted, [hit]


def _case_answer(text: str) -> str:
    """What the store answered in a past case's passage (`retrieval.dialogues`)."""
    _, found, answer = text.partition(SOLVED_LABEL)
    return answer.strip() if found else ""


def _merged(first: Sequence[HitLike], then: Sequence[HitLike]) -> list[HitLike]:
    seen = {h.id for h in first}
    return [*first, *(h for h in then if h.id not in seen)]


def _hit_of(fact: ProductFact, hits: Sequence[HitLike]) -> HitLike:
    return next(h for h in hits if h.id == fact.hit_id)


def _assembled(lead: Lead, pieces: list[tuple[str, list[HitLike]]]) -> Lead:
    """The pieces joined, each cited by its sources' numbers in the order first used."""
    numbers: dict[str, int] = {}
    texts = []
    for text, sources in pieces:
        marks = []
        for hit in sources:
            if hit.id not in numbers:
                numbers[hit.id] = len(numbers) + 1
                lead.cited.append(hit)
            marks.append(f"[{numbers[hit.id]}]")
        texts.append(f"{text} {''.join(marks)}".strip())
    lead.text = " ".join(dict.fromkeys(texts))
    return lead
