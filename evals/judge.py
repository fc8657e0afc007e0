"""Judging a reply against a labelled question: facts, invented figures, suggested products.

The question format is ``data/eval/chat_facts.jsonl``'s, extended (see
``data/stores/bergvik-outdoor/WRITER_NOTES.md``): each expected fact is a string or a list of
acceptable alternatives; a discovery question names the products that are correct suggestions.

- A fact matches on number boundaries: ``€15`` is not found inside ``€150`` or ``€15.95``,
  ``14 days`` not inside ``114 days``.
- A stock fact is read with its negations first: ``in stock`` inside ``not in stock`` (or
  ``有货`` inside ``没有货``) is not a claim that the item is in stock.
- A figure is *invented* when it is in neither the store's knowledge (its policy pages), its
  catalog, nor the question.
- A *suggestion* is a catalog product the reply names that the question does not; it is wrong
  when it is not among the question's valid products.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.grounding import numbers_in
from bot.language import detect_language

_DASHES = str.maketrans({"–": "-", "—": "-", "‒": "-", "−": "-", "～": "-", "~": "-"})
_NEGATIVE_STOCK = re.compile(
    r"out of stock|sold out|not in stock|no longer in stock|not available|unavailable|"
    r"not currently in stock|isn't in stock|is not in stock|"
    r"没有货|没货|无货|缺货|售罄|卖完|无库存|没有库存|暂无库存|暂时没有|已售完",
    re.I,
)
_POSITIVE_STOCK = re.compile(r"in stock|有货|有库存|现货|available", re.I)
_CITATION = re.compile(r"\[\d{1,2}\]")
_URL = re.compile(r"https?://\S+")


def normalize(text: str) -> str:
    """NFKC, one kind of dash, single spaces, no space around a dash between numbers, lower."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    text = re.sub(r"(?<=\d)\s*-\s*(?=\d)", "-", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def _digit_at(text: str, i: int) -> bool:
    return 0 <= i < len(text) and text[i].isdigit()


def contains(reply: str, fact: str) -> bool:
    """Whether ``fact`` occurs in ``reply`` (both normalized) on number boundaries."""
    fact_n, reply_n = normalize(fact), normalize(reply)
    if not fact_n:
        return True
    start = 0
    while (at := reply_n.find(fact_n, start)) >= 0:
        end = at + len(fact_n)
        start = at + 1
        if fact_n[0].isdigit() and (
            _digit_at(reply_n, at - 1)
            or (at >= 2 and reply_n[at - 1] in ".," and _digit_at(reply_n, at - 2))
        ):
            continue
        if fact_n[-1].isdigit() and (
            _digit_at(reply_n, end)
            or (end + 1 < len(reply_n) and reply_n[end] in ".," and _digit_at(reply_n, end + 1))
        ):
            continue
        return True
    return False


def _is_stock_fact(alternatives: Sequence[str]) -> str | None:
    """'in' or 'out' when the fact is a stock claim."""
    joined = " ".join(alternatives)
    if any(_NEGATIVE_STOCK.fullmatch(normalize(a)) for a in alternatives):
        return "out"
    if any(_POSITIVE_STOCK.fullmatch(normalize(a)) for a in alternatives) and not (
        _NEGATIVE_STOCK.search(joined)
    ):
        return "in"
    return None


def says_in_stock(reply: str) -> bool:
    """A positive stock claim that is not part of a negative one."""
    return bool(_POSITIVE_STOCK.search(_NEGATIVE_STOCK.sub(" ", reply)))


def says_out_of_stock(reply: str) -> bool:
    return bool(_NEGATIVE_STOCK.search(reply))


def fact_present(fact: str | Sequence[str], reply: str) -> bool:
    """Whether the reply states one of the fact's alternatives."""
    alternatives = [fact] if isinstance(fact, str) else list(fact)
    stock = _is_stock_fact(alternatives)
    if stock == "out":
        return says_out_of_stock(reply)
    text = _NEGATIVE_STOCK.sub(" ", reply) if stock == "in" else reply
    return any(contains(text, alternative) for alternative in alternatives)


@dataclass
class StoreData:
    """What the judge knows of a store: its products and every figure it publishes."""

    products: dict[str, dict[str, Any]]
    figures: set[float]
    policy_texts: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, catalog: Path, policies: Path | None) -> StoreData:
        products = read_catalog(catalog)
        texts: dict[str, str] = {}
        if policies is not None and policies.is_dir():
            for path in sorted(policies.rglob("*")):
                if path.is_file() and path.suffix.lower() in {".md", ".txt", ".markdown"}:
                    texts[path.relative_to(policies).as_posix()] = path.read_text("utf-8")
        figures: set[float] = set()
        for text in [
            *texts.values(),
            *(json.dumps(p, ensure_ascii=False) for p in products.values()),
        ]:
            figures |= numbers_in(text)
        return cls(products, figures, texts)


def read_catalog(path: Path) -> dict[str, dict[str, Any]]:
    """Products by id, from a JSON Lines catalog (other formats: through shopbot's loader)."""
    if path.suffix.lower() in {".jsonl", ".ndjson"}:
        products = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                product = json.loads(line)
                products[str(product["id"])] = product
        return products
    from retrieval.catalog import load_catalog

    found: dict[str, dict[str, Any]] = {}
    for passage in load_catalog(path).passages:
        meta = passage.metadata
        if meta.get("kind") == "product":
            found[str(meta["product_id"])] = {
                "id": meta["product_id"],
                "name": passage.title,
                "text": passage.text,
            }
    return found


def _name_forms(name: str) -> list[str]:
    """The product's name, and the name without a trailing parenthesis ("(pair)")."""
    forms = [name]
    short = re.sub(r"\s*\([^)]*\)\s*$", "", name).strip()
    if short and short != name:
        forms.append(short)
    return [normalize(f) for f in forms]


def products_named(text: str, products: dict[str, dict[str, Any]]) -> set[str]:
    """Ids of the catalog products whose name (or link) the text contains; where one name is
    part of another ("Dome 2 Tent" in "Dome 2 Tent Footprint") only the longer counts."""
    norm = normalize(_CITATION.sub("", text))
    found: set[str] = set()
    urls = set(_URL.findall(text))
    spans: list[tuple[int, int, str]] = []
    forms = sorted(
        ((form, pid) for pid, p in products.items() for form in _name_forms(str(p["name"]))),
        key=lambda item: len(item[0]),
        reverse=True,
    )
    for form, pid in forms:
        for match in re.finditer(re.escape(form), norm):
            a, b = match.span()
            if b < len(norm) and norm[b].isalnum() and norm[b - 1].isalnum():
                continue  # "Trek 45" is not named by "Trek 450"
            if any(a < y and x < b for x, y, _ in spans):
                continue
            spans.append((a, b, pid))
            found.add(pid)
    for pid, product in products.items():
        url = product.get("url")
        if url and any(u.rstrip(").,;") == url for u in urls):
            found.add(pid)
    return found


def products_asked(item: dict[str, Any], products: dict[str, dict[str, Any]]) -> set[str]:
    """The products a question is about: its labelled product, and every product the question
    names by the start of its name up to its first number, or its first two words ("the trek
    45" for "Trek 45 Backpack", "carbon folding poles" for "Carbon Folding Poles (pair)")."""
    asked = {str(item["product_id"])} if item.get("product_id") else set()
    question = f" {normalize(item['question'])} "
    for pid, product in products.items():
        words = _name_forms(str(product["name"]))[-1].split()
        numbered = next((i for i, w in enumerate(words) if any(c.isdigit() for c in w)), None)
        prefix = " ".join(words[: 2 if numbered is None else numbered + 1])
        if re.search(rf"(?<![\w]){re.escape(prefix)}(?![\w])", question):
            asked.add(pid)
    return asked


@dataclass
class Verdict:
    correct: bool
    missing: list[Any]
    invented: list[str]
    suggestions: list[str] = field(default_factory=list)
    wrong_suggestions: list[str] = field(default_factory=list)
    reply_language: str = "en"

    @property
    def ok(self) -> bool:
        return self.correct and not self.invented

    def as_dict(self) -> dict[str, Any]:
        return {
            "correct": self.correct,
            "missing": self.missing,
            "invented": self.invented,
            "ok": self.ok,
            "suggestions": self.suggestions,
            "wrong_suggestions": self.wrong_suggestions,
            "reply_language": self.reply_language,
        }


def invented_figures(item: dict[str, Any], reply: str, store: StoreData) -> set[float]:
    """Figures in the reply that neither the store's data nor the question holds."""
    text = _URL.sub(" ", _CITATION.sub(" ", reply))
    allowed = store.figures | numbers_in(item["question"])
    return numbers_in(text) - allowed


def judge(item: dict[str, Any], reply: str, store: StoreData) -> Verdict:
    """The verdict on one reply."""
    missing = [f for f in item.get("expected_facts", []) if not fact_present(f, reply)]
    invented: list[str] = []
    stray = invented_figures(item, reply, store)
    if stray:
        shown = ", ".join(f"{n:g}" for n in sorted(stray))
        invented.append(f"figures in neither the knowledge nor the catalog: {shown}")
    if item.get("kind") == "stock":
        facts = [[f] if isinstance(f, str) else list(f) for f in item.get("expected_facts", [])]
        expected = {_is_stock_fact(f) for f in facts} - {None}
        if expected == {"out"} and says_in_stock(reply) and not says_out_of_stock(reply):
            invented.append("says in stock")
        if expected == {"in"} and says_out_of_stock(reply) and not says_in_stock(reply):
            invented.append("says out of stock")
    correct = not missing
    suggestions: list[str] = []
    wrong: list[str] = []
    discovery = item.get("discovery")
    if discovery:
        asked = products_asked(item, store.products)
        valid = set(discovery.get("valid_product_ids", []))
        named = products_named(reply, store.products)
        suggestions = sorted(named & valid)
        wrong = sorted(named - valid - asked)
        if len(suggestions) < int(discovery.get("min_suggestions", 1)) or wrong:
            correct = False
    if item.get("kind") == "off_topic":
        named = products_named(reply, store.products)
        if named:
            invented.append("names products for an off-topic request: " + ", ".join(sorted(named)))
    return Verdict(correct, missing, invented, suggestions, wrong, detect_language(reply))


def rate(values: Iterable[bool]) -> float:
    values = list(values)
    return round(sum(values) / len(values), 3) if values else 0.0
