"""A platform fake served on a loopback port with shopbot's connector pointed at it: what the
contract tests, `shopbot eval orders --store` and the live-server tests run against.

The fakes are imported here only; the runtime never imports this module.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.orders.platforms.fakestore import read_store, serve_app
from bot.orders.system import Order, OrderSystem
from bot.settings import OrdersSettings

PLATFORMS = ("shopify", "woocommerce")


def order_state(order: Order) -> dict[str, Any]:
    """One order's mutable state, as `SQLOrderSystem.snapshot` gives it for the demo store."""
    a = order.address
    return {
        "status": order.status,
        "address": {"name": a.name, "line1": a.line1, "line2": a.line2, "city": a.city,
                    "region": a.region, "postcode": a.postcode, "country": a.country},
        "address_changes": order.address_changes,
        "items": {
            i.line_id: {"sku": i.sku, "quantity": i.quantity, "status": i.status,
                        "exchanges": i.exchanges, "exchange_sku": i.exchange_sku,
                        "refund_method": i.refund_method}
            for i in order.items
        },
        "payments": [{"method": p.method, "amount": round(p.amount, 2), "status": p.status}
                     for p in order.payments],
        "refunds": [{"amount": round(r.amount, 2), "method": r.method,
                     "line_ids": sorted(r.line_ids)} for r in order.refunds],
    }  # fmt: skip


@dataclass
class ServedStore:
    """A running fake and the connector that talks to it."""

    platform: str
    fake: Any  # FakeShopify | FakeWooCommerce
    url: str
    system: OrderSystem
    settings: OrdersSettings

    def reset(self) -> None:
        self.fake.reset()

    def snapshot(self) -> dict[str, Any]:
        """Every order's state read through the connector, and the units held for exchanges."""
        orders = {}
        for name in self.fake.order_names():
            order = self.system.get_order(name)
            if order is None:
                raise AssertionError(f"the connector cannot find order {name} of its own store")
            orders[order.number] = order_state(order)
        return {"orders": dict(sorted(orders.items())), "reserved": self.fake.reserved()}

    def cancel_order(self, number: str, reason: str = "") -> None:
        """The store cancels an order itself (not through shopbot)."""
        self.fake.cancel_by_name(number)

    def product_id(self, seed_id: str) -> str:
        return str(self.fake.ids.get("products", {}).get(seed_id, seed_id))

    def customer_id(self, seed_id: str) -> str:
        return str(self.fake.ids.get("customers", {}).get(seed_id, seed_id))


def make_fake(platform: str, *, folder: Path | None = None, seed: Any = None, **kw: Any) -> Any:
    """A platform's fake with a store from a folder of its payloads or from a seed."""
    fake_class: Any
    if platform == "shopify":
        from bot.orders.platforms.shopify_fake import FakeShopify

        fake_class = FakeShopify
    elif platform == "woocommerce":
        from bot.orders.platforms.woocommerce_fake import FakeWooCommerce

        fake_class = FakeWooCommerce
    else:
        raise ValueError(f"no fake for the platform {platform!r}")
    if folder is not None:
        return fake_class.from_folder(folder, **kw)
    return fake_class.from_seed(seed, **kw)


def connector_settings(platform: str, url: str, fake: Any, base: OrdersSettings) -> OrdersSettings:
    """``base`` (the policy) with the backend set to the fake's platform at ``url``."""
    if platform == "shopify":
        group = {"store_url": url, "access_token": fake.token}
    else:
        group = {"store_url": url, "consumer_key": fake.key, "consumer_secret": fake.secret}
    data = base.model_dump()
    data.update(backend=platform)
    data[platform] = {**data[platform], **group}
    return OrdersSettings.model_validate(data)


@contextmanager
def served_store(
    platform: str, fake: Any, base: OrdersSettings | None = None
) -> Iterator[ServedStore]:
    """``fake`` served on a free loopback port, with the platform's connector pointed at it."""
    settings = base or OrdersSettings()
    with serve_app(fake.app, f"fake-{platform}") as url:
        settings = connector_settings(platform, url, fake, settings)
        if platform == "shopify":
            from bot.orders.platforms.shopify import ShopifyOrderSystem

            system: Any = ShopifyOrderSystem(settings)
        else:
            from bot.orders.platforms.woocommerce import WooCommerceOrderSystem

            system = WooCommerceOrderSystem(settings)
        try:
            yield ServedStore(platform, fake, url, system, settings)
        finally:
            system.close()


def store_policy(folder: Path, base: OrdersSettings) -> OrdersSettings:
    """``base`` with the store's own order policy (its store.json's ``settings.orders``),
    validated: a key the settings do not know is an error naming the file. The demo store's
    holiday returns are no rule of another store unless its settings say so."""
    import json

    from bot.errors import InputError

    store_file = json.loads((folder / "store.json").read_text(encoding="utf-8"))
    own = {"holiday_returns": ""} | store_file.get("settings", {}).get("orders", {})
    try:
        return OrdersSettings.model_validate(base.model_dump() | own)
    except ValueError as exc:
        raise InputError(f"store.json settings.orders: {exc}", path=str(folder)) from exc


def store_platform(folder: Path) -> str:
    """The platform a store folder was made for (its store.json)."""
    import json

    try:
        platform = json.loads((folder / "store.json").read_text(encoding="utf-8"))["platform"]
    except (OSError, ValueError, KeyError) as exc:
        from bot.errors import ConfigError

        raise ConfigError(
            f"{folder} is not a store folder (no readable store.json): {exc}"
        ) from exc
    read_store(folder, platform)  # every file it lists is readable
    return str(platform)
