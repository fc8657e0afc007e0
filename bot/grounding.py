"""Keeping replies to the store's own facts.

Two halves: `fact_lead` writes the product facts (price, stock) straight from the catalog, so
the model never has to guess them; `FactGuard` checks every sentence the model writes before
the shopper sees it and withholds any that states a price, stock level, number or secret the
retrieved knowledge does not support.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.knowledge import HitLike
from bot.language import phrase
from bot.privacy import foreign_personal_data, identities_in, mask_personal_data
from bot.safety import contains_secret, leaks_instructions, policy_units, unsupported_promise

_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_ORDER_LIKE = re.compile(r"\b[A-Z]{1,5}-?\d{4,}\b|\b\d{6,}\b")
_CITATION = re.compile(r"\[\d{1,2}\]")
_WORDY = re.compile(r"[^\W\d_]")  # a letter (any script)
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])|\n+")
_IN_STOCK = re.compile(r"\b(in stock|available|in-stock)\b|有货|现货", re.I)
_OUT_OF_STOCK = re.compile(
    r"\b(out of stock|sold out|unavailable|not available|not in stock|no longer available)\b"
    r"|缺货|售罄|无货|没货",
    re.I,
)
PRICE_WORDS = re.compile(
    r"\b(price|prices|cost|costs|how much|cheap|expensive|\$)|多少钱|价格|价钱|几块|多少元", re.I
)
STOCK_WORDS = re.compile(
    r"\b(in stock|stock|available|availability|have .* in|sold out|restock)\b"
    r"|有货|有没有|库存|缺货|还有|有吗",
    re.I,
)


_QUANTITY = re.compile(
    r"(\d+(?:\.\d+)?)(?:\s*[-–—]\s*(\d+(?:\.\d+)?))?[\s-]*(%|[a-z\u4e00-\u9fff]+)?", re.I
)
_PRICE = re.compile(r"[$€£¥]\s?(\d[\d,]*(?:\.\d+)?)")


def _unit(word: str | None) -> str | None:
    if not word:
        return None
    word = word.lower()
    if word == "%" or not word.isascii():
        return word[:2]
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def quantities_in(text: str) -> set[tuple[float, str | None]]:
    """(number, unit word after it) pairs; a range "5–7 days" gives (5, day) and (7, day)."""
    found: set[tuple[float, str | None]] = set()
    for low, high, word in _QUANTITY.findall(text.replace(",", "")):
        unit = _unit(word)
        for value in (low, high):
            if value:
                found.add((float(value), unit))
    return found


def prices_in(text: str) -> set[float]:
    return {float(p.replace(",", "")) for p in _PRICE.findall(text)}


def numbers_in(text: str) -> set[float]:
    values: set[float] = set()
    for match in _NUMBER.findall(text):
        try:
            values.add(float(match.replace(",", "")))
        except ValueError:
            continue
    return values


def format_price(price: float | None, currency: str | None) -> str:
    if price is None:
        return ""
    symbol = {"USD": "$", "EUR": "€", "GBP": "£", "CNY": "¥", "JPY": "¥"}.get(
        (currency or "USD").upper()
    )
    amount = f"{price:,.2f}"
    return f"{symbol}{amount}" if symbol else f"{amount} {currency}"


@dataclass
class ProductFact:
    """What the catalog says about one product or variant."""

    hit_id: str
    name: str
    options: dict[str, str]
    price: float | None
    currency: str | None
    in_stock: bool | None
    product_id: str | None
    sku: str | None

    @classmethod
    def from_hit(cls, hit: HitLike) -> ProductFact | None:
        meta = hit.metadata or {}
        if hit.source != "catalog":
            return None
        options = meta.get("options") or {}
        if isinstance(options, str):
            options = dict(part.split("=", 1) for part in options.split(";") if "=" in part)
        price = meta.get("price")
        return cls(
            hit_id=hit.id,
            name=str(meta.get("name") or hit.title.split(" (")[0]),
            options={str(k): str(v) for k, v in options.items()},
            price=float(price) if price not in (None, "") else None,
            currency=meta.get("currency"),
            in_stock=meta.get("in_stock") if isinstance(meta.get("in_stock"), bool) else None,
            product_id=meta.get("product_id"),
            sku=meta.get("sku"),
        )

    def sentence(self, language: str) -> str:
        options = ", ".join(self.options.values())
        wrap = (f"（{options}）" if language == "zh" else f" ({options})") if options else ""
        stock = phrase(language, "in_stock" if self.in_stock else "out_of_stock")
        return phrase(
            language,
            "price_stock",
            name=self.name,
            options=wrap,
            price=format_price(self.price, self.currency),
            stock=stock,
        )


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.casefold())


def named_products(question: str, products: Sequence[Any]) -> list[Any]:
    """The products (anything with a ``name``) the question names: the start of a product's
    name up to and including its first number ("Trek 45" of "Trek 45 Backpack"), else its
    first two words."""
    words = f" {' '.join(_words(question))} "
    named = []
    for product in products:
        name = _words(re.sub(r"\([^)]*\)", " ", product.name))
        numbered = next((i for i, w in enumerate(name) if any(c.isdigit() for c in w)), None)
        start = name[: 2 if numbered is None else numbered + 1]
        if len(start) >= 2 and f" {' '.join(start)} " in words:
            named.append(product)
    return named


def asks_about_product_facts(question: str) -> bool:
    return bool(PRICE_WORDS.search(question) or STOCK_WORDS.search(question))


def fact_lead(
    question: str, hits: Sequence[HitLike], language: str, min_score: float
) -> tuple[str, list[ProductFact]]:
    """A sentence stating price and stock from the catalog when the shopper asks for them."""
    every = [fact for hit in hits if (fact := ProductFact.from_hit(hit)) is not None]
    named = named_products(question, every)
    relevant = {h.id for h in hits if h.score >= min_score}
    # A product named by its name is the shopper's, however retrieval scored it.
    facts = [f for f in every if f.hit_id in relevant or f in named]
    if not facts or not asks_about_product_facts(question):
        return "", facts
    if named and named[0] is not facts[0]:  # the product the shopper names, not a neighbour
        facts.remove(named[0])
        facts.insert(0, named[0])
    if facts[0].price is None:
        return "", facts
    best = facts[0]
    lead = best.sentence(language)
    if best.in_stock is False and (found := variants_in_stock_found(facts)):
        choices = [(a.options, a.name, a.price) for a in found[:3]]
        lead += " " + alternatives_phrase(choices, best.currency, language)
    return lead, facts


def variants_in_stock_found(facts: Sequence[ProductFact]) -> list[ProductFact]:
    """Other variants of the first fact's product that retrieval found, in stock."""
    best = facts[0]
    return [f for f in facts[1:] if f.in_stock and f.product_id == best.product_id and f.sku]


def alternatives_phrase(
    choices: Sequence[tuple[dict[str, str], str, float | None]],
    currency: str | None,
    language: str,
) -> str:
    """ "Available alternatives: Black (€44.95), …" from (options, name if none, price)."""
    items = ", ".join(
        f"{', '.join(options.values()) or name} ({format_price(price, currency)})"
        for options, name, price in choices
    )
    return phrase(language, "alternatives", items=items) if items else ""


@dataclass
class GuardReport:
    withheld: list[dict[str, str]] = field(default_factory=list)

    def add(self, sentence: str, reason: str, check: str = "grounding") -> None:
        """``check`` names the layer: a safety check (secret, instructions, promise,
        personal_data) or grounding (numbers, prices, stock)."""
        self.withheld.append({"sentence": sentence, "reason": reason, "check": check})


_LONG_NUMBER = re.compile(r"\+?\(?\d[\d ()./-]{5,}\d")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def allowed_identities(user_texts: Iterable[str], hits: Sequence[HitLike]) -> set[str]:
    """Personal data a reply may contain: what the shopper wrote themselves, and the store's
    own published contact details (policies, catalog). Past conversations are other people's
    and never count."""
    published = [f"{h.title} {h.text}" for h in hits if h.source != "dialogue"]
    return identities_in([*user_texts, *published])


class FactGuard:
    """Checks the model's sentences against the facts it was given."""

    def __init__(
        self,
        hits: Sequence[HitLike],
        trusted_texts: Iterable[str],
        secrets: Iterable[str] = (),
        primary: ProductFact | None = None,
        instructions: str = "",
        allowed_personal: Iterable[str] | None = None,
    ) -> None:
        grounded_text = " ".join(
            [*(f"{h.title} {h.text} {_meta_text(h.metadata)}" for h in hits), *trusted_texts]
        )
        self.grounded_numbers = numbers_in(grounded_text)
        self.grounded_quantities = quantities_in(_ORDER_LIKE.sub(" ", grounded_text))
        self.grounded_text = grounded_text.lower()
        self.grounded_contacts = contacts_in(grounded_text)
        self.secrets = [s for s in secrets if s]
        self.primary = primary
        self.instructions = instructions
        self.hits = list(hits)
        self.report = GuardReport()
        trusted = list(trusted_texts)
        self.allowed_personal = (
            allowed_identities(trusted, self.hits)
            if allowed_personal is None
            else set(allowed_personal)
        )
        # Long numbers the shopper or the store's own data wrote (phones, cards, accounts).
        self.known_numbers = {
            _digits(n)
            for text in [*trusted, *(f"{h.title} {h.text}" for h in hits if h.source != "dialogue")]
            for n in _LONG_NUMBER.findall(text)
        }
        self._policy_units = policy_units(self.hits)
        self.lead = ""
        """Facts already stated from data: the model's words after them must add to them."""
        self._grounded_words = _stems(grounded_text)

    def screen(self, text: str) -> str | None:
        """The safety checks alone (secrets, instructions, other people's emails, phones,
        cards and addresses), for text stated from data rather than written by the model."""
        if self.leaks_secret(text):
            self.report.add("[secret withheld]", "contains a configured secret", "secret")
            return None
        if leaks_instructions(text, self.instructions):
            self.report.add(
                "[instructions withheld]", "repeats the bot's instructions", "instructions"
            )
            return None
        foreign = foreign_personal_data(text, self.allowed_personal)
        if foreign:
            kinds = ", ".join(sorted({f.kind for f in foreign}))
            self.report.add(
                mask_personal_data(text), f"personal data of someone else: {kinds}", "personal_data"
            )
            return None
        return text

    def leaks_secret(self, text: str) -> bool:
        """A configured secret anywhere in ``text`` (checked on the whole reply so far, so
        that a secret split across sentences is caught too)."""
        return any(contains_secret(text, secret) for secret in self.secrets)

    def check(self, sentence: str) -> str | None:
        """The sentence if it is supported, else None (and the reason is recorded)."""
        sentence_facts = _CITATION.sub("", sentence)
        if self.screen(sentence) is None:
            return None
        for contact in contacts_in(sentence_facts):
            # A link is grounded by itself or a longer one ("shop.example" by
            # "shop.example/returns"); an e-mail address only by itself.
            if not any(g == contact or g.startswith(contact + "/") for g in self.grounded_contacts):
                self.report.add(sentence, f"a link or address not in the facts: {contact}")
                return None
        for order_like in _ORDER_LIKE.findall(sentence_facts):
            if order_like.lower() not in self.grounded_text:
                self.report.add(sentence, f"order-like number {order_like} not in the facts")
                return None
        unsupported = numbers_in(sentence_facts) - self.grounded_numbers
        unsupported |= {
            value
            for value, unit in quantities_in(_ORDER_LIKE.sub(" ", sentence_facts))
            if unit and (value, unit) not in self.grounded_quantities
        }
        if unsupported:
            shown = ", ".join(f"{n:g}" for n in sorted(unsupported))
            self.report.add(sentence, f"numbers not in the retrieved facts: {shown}")
            return None
        # After the number checks: a sentence with invented numbers is withheld as such.
        if unsupported_promise(sentence, self.hits, units=self._policy_units):
            self.report.add(sentence, "promises something no retrieved policy supports", "promise")
            return None
        # Grounded, but only by someone else's past conversation: a phone, card or account.
        for number in _LONG_NUMBER.findall(sentence_facts):
            digits = _digits(number)
            if len(digits) >= 7 and not any(
                digits in known or known in digits
                for known in self.known_numbers
                if len(known) >= 7
            ):
                self.report.add(
                    sentence.replace(number, re.sub(r"\d", "#", number)),
                    "a long number only a past conversation holds",
                    "personal_data",
                )
                return None
        if self.primary is not None and self.primary.price is not None:
            # Once the catalog's price is stated, any other price is about something else.
            stray = prices_in(sentence_facts) - {round(self.primary.price, 2)}
            if stray:
                self.report.add(sentence, "a price other than the catalog's for this product")
                return None
        if self.primary is not None and self.primary.in_stock is not None:
            says_out = bool(_OUT_OF_STOCK.search(sentence))
            says_in = bool(_IN_STOCK.search(sentence)) and not says_out
            if (says_in and not self.primary.in_stock) or (says_out and self.primary.in_stock):
                self.report.add(sentence, "stock contradicts the catalog")
                return None
        if self.lead and (reason := self._after_lead(sentence_facts)):
            self.report.add(sentence, reason, "added_line")
            return None
        return sentence

    def _after_lead(self, sentence: str) -> str | None:
        """Why a sentence the model adds after the facts is not kept: it adds nothing to them,
        or says things the passages it was given do not."""
        words = _stems(sentence)
        new = words - _stems(self.lead)
        if len(new) < MIN_NEW_WORDS:
            return "adds nothing to the facts already stated"
        unsupported = new - self._grounded_words
        if len(unsupported) > SUPPORT_SLACK * len(new):
            shown = ", ".join(sorted(unsupported)[:5])
            return f"words the passages do not support: {shown}"
        return None


MIN_NEW_WORDS = 2
"""A sentence after the facts must bring at least this many content words of its own."""
SUPPORT_SLACK = 0.34
"""At most this share of those words may be missing from the passages (and the shopper's)."""
_CONTENT = re.compile(r"[a-z]{4,}")
_FUNCTION_WORDS = frozenset(
    """about above after again also been before being below between both could does doing
    down during each from further have having here into just more most much must only other
    over same should some such than that their them then there these they this those through
    very what when where which while whom will with would your yours shall cannot""".split()
)


def _stems(text: str) -> set[str]:
    """Content words, cut to their first five letters (a crude stem: refund, refunds)."""
    return {w[:5] for w in _CONTENT.findall(text.lower()) if w not in _FUNCTION_WORDS}


_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'()\[\]]+"
    r"|\b(?:[a-z0-9-]+\.)+(?:com|net|org|io|shop|store|co|uk|ca|cn|de|fr|it|es|ie|au|example)"
    r"(?:/[^\s<>\"'()\[\]]*)?",
    re.I,
)
_MAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def contacts_in(text: str) -> set[str]:
    """Links and e-mail addresses in a text, compared loosely (case, scheme, "www.", a
    trailing slash or full stop)."""
    found = {m.group(0).lower().rstrip(".,;:!?") for m in _MAIL.finditer(text)}
    rest = _MAIL.sub(" ", text)
    for m in _URL.finditer(rest):
        link = re.sub(r"^(?:https?://)?(?:www\.)?", "", m.group(0).lower()).rstrip("/.,;:!?")
        found.add(link)
    return found


def _meta_text(metadata: dict[str, Any] | None) -> str:
    if not metadata:
        return ""
    parts = []
    for key in ("price", "sku", "product_id", "conversation_id", "url"):
        if metadata.get(key) not in (None, ""):
            parts.append(str(metadata[key]))
    return " ".join(parts)


def split_sentences(text: str) -> tuple[list[str], str]:
    """Complete sentences (with their trailing space) and the unfinished rest."""
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if end <= start:
            continue
        pieces.append(text[start:end])
        start = end
    return pieces, text[start:]


class GuardedStream:
    """Releases a streamed reply sentence by sentence, each one checked first."""

    def __init__(self, guard: FactGuard) -> None:
        self.guard = guard
        self.sources = len(guard.hits)
        self.buffer = ""
        self.released: list[str] = []
        self._seen: set[str] = set()
        self._written = ""
        """Everything the model wrote, withheld or not: a secret it spelled out across
        sentences that other checks dropped one by one is still reported as a secret."""

    def _tidy_citations(self, sentence: str) -> str:
        """Keep each valid [n] once; drop markers that point at no source."""
        kept: set[str] = set()

        def keep(match: re.Match[str]) -> str:
            marker = match.group(0)
            number = int(marker[1:-1])
            if marker in kept or not 1 <= number <= self.sources:
                return ""
            kept.add(marker)
            return marker

        tidy = _CITATION.sub(keep, sentence)
        if tidy == sentence:
            return sentence
        return re.sub(r"[ \t]+([.!?,;])", r"\1", re.sub(r"[ \t]{2,}", " ", tidy))

    def seen(self, text: str) -> None:
        """Count text released without a check (the trusted lead) as said already."""
        sentences, rest = split_sentences(text)
        for sentence in [*sentences, rest]:
            if key := _CITATION.sub("", sentence).strip().lower():
                self._seen.add(key)

    def feed(self, text: str) -> list[str]:
        self.buffer += text
        sentences, self.buffer = split_sentences(self.buffer)
        return self._release(sentences)

    def finish(self) -> list[str]:
        rest, self.buffer = self.buffer, ""
        # A reply cut off at its last words may end in a lone "[" or "[2": no words, no say.
        has_words = _WORDY.search(_CITATION.sub("", rest))
        return self._release([rest] if has_words else [])

    def _release(self, sentences: list[str]) -> list[str]:
        out = []
        for sentence in map(self._tidy_citations, sentences):
            key = _CITATION.sub("", sentence).strip().lower()
            if key and key in self._seen:  # small models loop: say each thing once
                continue
            self._seen.add(key)
            self._written += sentence
            checked = self.guard.check(sentence)
            if checked is not None and self.guard.leaks_secret(self.text + checked):
                # Not in this sentence alone: it completes a secret begun before.
                self._report_secret()
                checked = None
            elif (
                checked is None
                and not self._secret_reported()
                and self.guard.leaks_secret(self._written)
            ):
                self._report_secret()
            if checked is not None:
                out.append(checked)
                self.released.append(checked)
        return out

    def _report_secret(self) -> None:
        self.guard.report.add("[secret withheld]", "completes a configured secret", "secret")

    def _secret_reported(self) -> bool:
        return any(w["check"] == "secret" for w in self.guard.report.withheld)

    @property
    def text(self) -> str:
        return "".join(self.released)
