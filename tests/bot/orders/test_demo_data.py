"""The demo orders are consistent with the demo catalog and cover what the policy must decide."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.orders.system import ORDER_STATUSES
from tests.conftest import DATA

ORDERS = DATA / "orders"


@pytest.fixture(scope="module")
def demo() -> dict[str, Any]:
    return json.loads((ORDERS / "demo_orders.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def variants() -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    found = {}
    for line in (DATA / "catalog.jsonl").read_text(encoding="utf-8").splitlines():
        product = json.loads(line)
        for v in product["variants"]:
            found[v["sku"]] = (product, v)
    return found


def test_every_item_is_a_catalog_variant_at_its_price(demo: dict, variants: dict) -> None:
    for order in demo["orders"]:
        assert 1 <= len(order["items"]) <= 3, order["number"]
        for item in order["items"]:
            product, variant = variants[item["sku"]]
            assert item["unit_price"] == variant["price"], item["sku"]
            assert item["product_id"] == product["id"] and item["name"] == product["name"]
            assert item["options"] == variant["options"]
            assert item["category"] == product["category"]
            if item["exchange_sku"]:
                assert variants[item["exchange_sku"]][0]["id"] == product["id"]
        total = sum(i["unit_price"] * i["quantity"] for i in order["items"])
        total = round(total + order["shipping_cost"], 2)
        assert sum(p["amount"] for p in order["payments"]) in (total, 2 * total)


def test_customers_and_orders_hang_together(demo: dict) -> None:
    customers = {c["id"]: c for c in demo["customers"]}
    assert 35 <= len(customers) <= 45 and 100 <= len(demo["orders"]) <= 140
    emails = [c["email"].lower() for c in customers.values()]
    assert len(set(emails)) == len(emails)
    numbers = [o["number"] for o in demo["orders"]]
    assert len(set(numbers)) == len(numbers)
    assert all(n.startswith("NW-") and n[3:].isdigit() and len(n) == 9 for n in numbers)
    per_customer = Counter(o["customer_id"] for o in demo["orders"])
    assert set(per_customer) <= set(customers)
    assert sum(1 for n in per_customer.values() if n >= 4) >= 2
    assert any(c["tier"] == "gold" for c in customers.values())
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in c["name"]) for c in customers.values())
    assert any(c["address"]["country"] != "US" for c in customers.values())


def test_statuses_tracking_and_times(demo: dict) -> None:
    statuses = Counter(o["status"] for o in demo["orders"])
    assert set(statuses) == set(ORDER_STATUSES)
    for order in demo["orders"]:
        shipped = order["status"] in ("shipped", "out_for_delivery", "delivered")
        assert bool(order.get("tracking_number")) == shipped, order["number"]
        if shipped:
            assert order["carrier"] and order["tracking_number"] in order["tracking_url"]
            assert order["shipped_days_ago"] < order["placed_days_ago"]
        assert ("placed_days_ago" in order) != ("placed_hours_ago" in order)
        if order["status"] == "delivered":
            assert order["delivered_days_ago"] < order["shipped_days_ago"]
        pays = {p["status"] for p in order["payments"]}
        if order["status"] == "pending":
            assert pays == {"authorized"}
        if order["status"] == "cancelled":
            assert pays == {"released"}
    delivered = {o["delivered_days_ago"] for o in demo["orders"] if o["status"] == "delivered"}
    assert {d for d in delivered if d < 30} and {d for d in delivered if 30 < d < 60}
    assert {d for d in delivered if d > 60}


def test_cases_the_policy_needs(demo: dict, variants: dict) -> None:
    items = [i for o in demo["orders"] for i in o["items"]]
    assert any(i["final_sale"] and i["category"] == "Clothing > Socks" for i in items)
    assert any(i["final_sale"] and i["category"] != "Clothing > Socks" for i in items)
    assert any(i["exchanges"] == 1 for i in items)
    assert any(o["address_changes"] == 1 for o in demo["orders"])
    assert any(len(o["payments"]) == 2 for o in demo["orders"])
    methods = {p["method"] for o in demo["orders"] for p in o["payments"]}
    assert {"card", "paypal"} <= methods
    # A delivered clothing item whose product has both in-stock and out-of-stock variants.
    product_stock = {}
    for product, variant in variants.values():
        product_stock.setdefault(product["id"], set()).add(variant["in_stock"])
    assert any(
        o["status"] == "delivered"
        and i["category"].startswith("Clothing")
        and product_stock[i["product_id"]] == {True, False}
        for o in demo["orders"]
        for i in o["items"]
    )


def test_the_generator_reproduces_the_file_and_readme(demo: dict) -> None:
    build = DATA / "build"
    sys.path.insert(0, str(build))
    try:
        spec = importlib.util.spec_from_file_location("build_orders", build / "build_orders.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        built = module.build()
        readme = module._readme(built)
    finally:
        sys.path.remove(str(build))
    assert json.loads(json.dumps(built)) == demo
    assert readme == (ORDERS / "README.md").read_text(encoding="utf-8")
    for number in ("NW-104233", "NW-104789", "NW-104930"):
        assert f"`{number}`" in readme


def test_stock_is_seeded_from_the_catalog(sqlite_orders, variants: dict) -> None:
    sqlite_orders.reset()
    for product_id in ("P1001", "P1043", "P1119"):
        for v in sqlite_orders.variants(product_id):
            _, variant = variants[v.sku]
            assert (v.price, v.in_stock) == (variant["price"], variant["in_stock"])


def test_seed_file_found_from_the_checkout(tmp_path: Path) -> None:
    from bot.orders.factory import default_seed_file

    assert default_seed_file().resolve() == (ORDERS / "demo_orders.json").resolve()
