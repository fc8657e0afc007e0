"""A platform's products in shopbot's catalog format, for ``shopbot ingest --from PLATFORM``:
a store on Shopify or WooCommerce writes no JSON Lines of its own."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from bot.errors import ConfigError
from bot.settings import Settings

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


def import_catalog(settings: Settings, platform: str) -> Path:
    """Every product of the configured store written as catalog JSON Lines under
    ``SHOPBOT_HOME/catalog/``; returns the file."""
    orders = settings.orders.model_copy(update={"backend": platform})
    if platform == "shopify":
        from bot.orders.platforms.shopify import ShopifyOrderSystem

        system: Any = ShopifyOrderSystem(orders)
    elif platform == "woocommerce":
        from bot.orders.platforms.woocommerce import WooCommerceOrderSystem

        system = WooCommerceOrderSystem(orders)
    else:
        raise ConfigError(f"shopbot cannot import a catalog from {platform!r}.")
    target = Path(settings.home) / "catalog" / f"{platform}.jsonl"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    try:
        with partial.open("w", encoding="utf-8") as out:
            for line in system.catalog():
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
    finally:
        system.close()
    partial.replace(target)  # a failed import leaves the last good file in place
    return target
