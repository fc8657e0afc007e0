"""Choose the order system from the settings: the demo store's database, Shopify, WooCommerce,
a REST API, or none."""

from __future__ import annotations

from pathlib import Path

from bot.errors import ConfigError
from bot.orders.system import OrderSystem
from bot.settings import Settings

_SEED = Path("data") / "orders" / "demo_orders.json"


def default_seed_file() -> Path:
    """The checkout's demo orders: beside the package (editable install), else under the cwd."""
    beside_package = Path(__file__).resolve().parents[2] / _SEED
    return beside_package if beside_package.is_file() else Path.cwd() / _SEED


def orders_database_url(settings: Settings) -> str:
    url = settings.orders.database_url
    return url or f"sqlite:///{(settings.home / 'orders.db').resolve()}"


def build_order_system(settings: Settings) -> OrderSystem | None:
    """The configured `OrderSystem`, or None when `SHOPBOT_ORDERS__BACKEND=none`."""
    orders = settings.orders
    if orders.backend == "none":
        return None
    if orders.backend == "shopify":
        from bot.orders.platforms.shopify import ShopifyOrderSystem

        return ShopifyOrderSystem(orders)
    if orders.backend == "woocommerce":
        from bot.orders.platforms.woocommerce import WooCommerceOrderSystem

        return WooCommerceOrderSystem(orders)
    if orders.backend == "http":
        if not orders.http_base_url:
            raise ConfigError(
                "The orders backend is 'http' but no API address is set: set "
                "SHOPBOT_ORDERS__HTTP_BASE_URL (e.g. https://shop.example/api), or "
                "SHOPBOT_ORDERS__BACKEND=demo."
            )
        from bot.orders.http import HTTPOrderSystem

        return HTTPOrderSystem(orders)
    from bot.orders.demo import SQLOrderSystem

    return SQLOrderSystem(
        orders_database_url(settings),
        orders.seed_file or default_seed_file(),
        cancellable=orders.cancellable_statuses,
        address_changeable=orders.address_change_statuses,
    )
