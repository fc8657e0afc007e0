"""A platform's products in shopbot's catalog format (the connectors build their lines with
these; `bot.orders.platforms.ingest` writes them for ``shopbot ingest --from PLATFORM``)."""

from __future__ import annotations

import html
import re
from typing import Any

_TAG = re.compile(r"<[^>]+>")


def catalog_line(
    *,
    product_id: str,
    name: str,
    description: str,
    category: str,
    brand: str,
    url: str,
    currency: str,
    tags: list[str],
    variants: list[dict[str, Any]],
) -> dict[str, Any]:
    """One catalog line (the format of `data/catalog.jsonl`) from a platform's product."""
    text = html.unescape(_TAG.sub(" ", description))
    line: dict[str, Any] = {
        "id": product_id,
        "name": name,
        "description": " ".join(text.split()) or name,
        "category": category,
    }
    for key, value in (("brand", brand), ("url", url), ("currency", currency)):
        if value:
            line[key] = value
    if tags:
        line["attributes"] = {"tags": ", ".join(tags)}
    if variants:
        line["price"] = min(float(v["price"]) for v in variants)
        line["in_stock"] = any(v["in_stock"] for v in variants)
        line["variants"] = variants
    return line


def catalog_variants(found: list[Any]) -> list[dict[str, Any]]:
    """`VariantStock` entries as the catalog's ``variants``."""
    return [
        {"sku": v.sku, "options": v.options, "price": v.price, "in_stock": v.in_stock}
        for v in found
    ]
