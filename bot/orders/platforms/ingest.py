"""``shopbot ingest --from shopify|woocommerce``: a store on Shopify or WooCommerce writes no
JSON Lines of its own; its products and variants come through the same connector."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.errors import ConfigError
from bot.settings import Settings


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
