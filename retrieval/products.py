"""Products as records (name, price range, stock, link, attributes, variants), read back from
the passages the catalog was ingested as: what product discovery lists and compares."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from retrieval.catalog import Product, Variant
from retrieval.documents import decoded

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@dataclass
class ProductView(Product):
    """A catalog product as read back from the index, with the hit that found it."""

    hit_id: str = ""
    summary: str = ""
    """Name, category and description: what the product is, without its price and details."""

    def offers(
        self, max_price: float | None = None, min_price: float | None = None
    ) -> list[Variant]:
        """The variants in stock within the price range (the product itself if it has none)."""
        variants = self.variants or [Variant("", {}, self.price, self.in_stock)]
        return [
            v
            for v in variants
            if v.in_stock
            and v.price is not None
            and (max_price is None or v.price <= max_price)
            and (min_price is None or v.price >= min_price)
        ]

    def number(self, word: str) -> float | None:
        """The value of the first numeric attribute whose name contains ``word``."""
        for key, value in self.attributes.items():
            if word in key.casefold():
                found = _NUMBER.search(str(value))
                if found:
                    return float(found.group())
        return None


def summary_of(passage_text: str) -> str:
    """The head and description of a product passage (as `retrieval.catalog` writes it),
    without the details, options and prices that follow them."""
    return re.split(r"\s(?:Details|Options|Price): ", passage_text, maxsplit=1)[0].strip()


def product_view(
    product: dict[str, Any], variants: list[dict[str, Any]], hit_id: str, text: str = ""
) -> ProductView:
    """A product from the stored metadata of its product passage and its variant passages."""
    view = ProductView(
        id=str(product.get("product_id")),
        name=str(product.get("title", "")),
        category=product.get("category"),
        brand=product.get("brand"),
        url=product.get("url"),
        currency=product.get("currency"),
        price=product.get("price"),
        in_stock=product.get("in_stock"),
        attributes={k: str(v) for k, v in decoded(product.get("attributes_json")).items()},
        hit_id=hit_id,
        summary=summary_of(text),
    )
    for meta in sorted(variants, key=lambda m: str(m.get("sku", ""))):
        view.variants.append(
            Variant(
                sku=str(meta.get("sku", "")),
                options={str(k): str(v) for k, v in decoded(meta.get("options_json")).items()},
                price=meta.get("price"),
                in_stock=meta.get("in_stock"),
            )
        )
    return view
