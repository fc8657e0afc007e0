"""The demo order database's own schema (apart from bot.store's) and its seeding.

The demo file (`data/orders/demo_orders.json`) stores times relative to now
(`placed_days_ago`, `placed_hours_ago`, `estimated_delivery_in_days`, ...): `insert_seed` makes
them absolute, so the policy's windows mean the same whenever the database is seeded.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, overload

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    insert,
)
from sqlalchemy.engine import Connection

from bot.errors import OrderSystemError

metadata = MetaData()  # the store's own schema, apart from bot.store's
customers = Table(
    "customers",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("name_key", String(200), nullable=False, index=True),
    Column("alias_key", String(200), nullable=False, default="", index=True),  # e.g. pinyin
    Column("email", String(320), nullable=False),
    Column("email_key", String(320), nullable=False, unique=True),
    Column("postcode", String(32), nullable=False),
    Column("postcode_key", String(32), nullable=False),
    Column("phone", String(64), nullable=False, default=""),
    Column("tier", String(16), nullable=False, default="member"),
    Column("address", JSON),
)
orders = Table(
    "orders",
    metadata,
    Column("number", String(32), primary_key=True),
    Column("customer_id", String(32), ForeignKey("customers.id"), nullable=False, index=True),
    Column("status", String(32), nullable=False),
    Column("placed_at", DateTime(timezone=True), nullable=False),
    Column("address", JSON, nullable=False),
    Column("currency", String(3), nullable=False, default="USD"),
    Column("shipping_cost", Float, nullable=False, default=0.0),
    Column("shipping_method", String(16), nullable=False, default="standard"),
    Column("shipped_at", DateTime(timezone=True)),
    Column("delivered_at", DateTime(timezone=True)),
    Column("carrier", String(32), nullable=False, default=""),
    Column("tracking_number", String(64), nullable=False, default=""),
    Column("tracking_url", String(300), nullable=False, default=""),
    Column("estimated_delivery", DateTime(timezone=True)),
    Column("address_changes", Integer, nullable=False, default=0),
    Column("notes", JSON, nullable=False, default=list),
)
order_items = Table(
    "order_items",
    metadata,
    Column("order_number", String(32), ForeignKey("orders.number"), primary_key=True),
    Column("line_id", String(16), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("sku", String(64), nullable=False),
    Column("product_id", String(32), nullable=False),
    Column("name", String(200), nullable=False),
    Column("options", JSON, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price", Float, nullable=False),
    Column("category", String(200), nullable=False, default=""),
    Column("final_sale", Boolean, nullable=False, default=False),
    Column("status", String(32), nullable=False, default="ordered"),
    Column("exchanges", Integer, nullable=False, default=0),
    Column("exchange_sku", String(64), nullable=False, default=""),
    Column("refund_method", String(32), nullable=False, default=""),
)
payments = Table(
    "payments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_number", String(32), ForeignKey("orders.number"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("method", String(32), nullable=False),
    Column("amount", Float, nullable=False),
    Column("status", String(32), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last4", String(4), nullable=False, default=""),
    Column("reference", String(64), nullable=False, default=""),
)
refunds = Table(
    "refunds",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_number", String(32), ForeignKey("orders.number"), nullable=False, index=True),
    Column("amount", Float, nullable=False),
    Column("method", String(32), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("line_ids", JSON, nullable=False),
    Column("reason", String(500), nullable=False, default=""),
)
stock = Table(
    "stock",
    metadata,
    Column("sku", String(64), primary_key=True),
    Column("product_id", String(32), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("name", String(200), nullable=False),
    Column("options", JSON, nullable=False),
    Column("price", Float, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("reserved", Integer, nullable=False, default=0),
)
CHILDREN = (refunds, payments, order_items)


def name_key(name: str) -> str:
    return "".join(name.split()).casefold()


def email_key(email: str) -> str:
    return email.strip().casefold()


def postcode_key(postcode: str) -> str:
    return "".join(postcode.split()).upper()


@overload
def aware(value: datetime) -> datetime: ...


@overload
def aware(value: None) -> None: ...


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands datetimes back without their zone; everything here is UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def load_seed(seed_file: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The demo file and one stock row per catalog variant (the catalog it names)."""
    try:
        seed = json.loads(seed_file.read_text(encoding="utf-8"))
        catalog = (seed_file.parent / seed.get("catalog", "../catalog.jsonl")).resolve()
        lines = catalog.read_text(encoding="utf-8").splitlines()
    except (OSError, ValueError) as exc:
        raise OrderSystemError(
            f"Cannot read the demo orders {seed_file} or its catalog: {exc}"
        ) from exc
    default = int(seed.get("stock", {}).get("default_quantity", 10))
    overrides = seed.get("stock", {}).get("overrides", {})
    rows: list[dict[str, Any]] = []
    for line in lines:
        product = json.loads(line)
        for v in product.get("variants") or []:
            qty = overrides.get(v["sku"], default if v.get("in_stock", True) else 0)
            rows.append(
                {
                    "sku": v["sku"],
                    "product_id": product["id"],
                    "position": len(rows),
                    "name": product["name"],
                    "options": v.get("options", {}),
                    "price": float(v["price"]),
                    "quantity": qty,
                    "reserved": 0,
                }
            )
    return seed, rows


def insert_seed(
    conn: Connection, seed: dict[str, Any], stock_rows: list[dict[str, Any]], now: datetime
) -> None:
    """Insert the demo data, its relative times made absolute against `now`."""

    def at(rec: dict[str, Any], prefix: str) -> datetime | None:
        if f"{prefix}_days_ago" in rec:
            return now - timedelta(days=rec[f"{prefix}_days_ago"])
        if f"{prefix}_hours_ago" in rec:
            return now - timedelta(hours=rec[f"{prefix}_hours_ago"])
        if f"{prefix}_in_days" in rec:
            return now + timedelta(days=rec[f"{prefix}_in_days"])
        if f"{prefix}_in_hours" in rec:
            return now + timedelta(hours=rec[f"{prefix}_in_hours"])
        return None

    conn.execute(insert(stock), stock_rows)
    conn.execute(
        insert(customers),
        [
            {
                "id": c["id"],
                "name": c["name"],
                "name_key": name_key(c["name"]),
                "alias_key": name_key(c.get("alias", "")),
                "email": c["email"],
                "email_key": email_key(c["email"]),
                "postcode": c["postcode"],
                "postcode_key": postcode_key(c["postcode"]),
                "phone": c.get("phone", ""),
                "tier": c.get("tier", "member"),
                "address": c.get("address"),
            }
            for c in seed["customers"]
        ],
    )
    order_rows, item_rows, payment_rows, refund_rows = [], [], [], []
    for o in seed["orders"]:
        order_rows.append(
            {
                "number": o["number"],
                "customer_id": o["customer_id"],
                "status": o["status"],
                "placed_at": at(o, "placed"),
                "address": o["address"],
                "currency": o.get("currency", "USD"),
                "shipping_cost": o.get("shipping_cost", 0.0),
                "shipping_method": o.get("shipping_method", "standard"),
                "shipped_at": at(o, "shipped"),
                "delivered_at": at(o, "delivered"),
                "carrier": o.get("carrier", ""),
                "tracking_number": o.get("tracking_number", ""),
                "tracking_url": o.get("tracking_url", ""),
                "estimated_delivery": at(o, "estimated_delivery"),
                "address_changes": o.get("address_changes", 0),
                "notes": [],
            }
        )
        for pos, i in enumerate(o["items"]):
            item_rows.append(
                {
                    "order_number": o["number"],
                    "position": pos,
                    **{
                        k: i[k]
                        for k in (
                            "line_id",
                            "sku",
                            "product_id",
                            "name",
                            "options",
                            "quantity",
                            "unit_price",
                            "category",
                            "final_sale",
                            "status",
                            "exchanges",
                            "exchange_sku",
                            "refund_method",
                        )
                    },
                }
            )
        for pos, p in enumerate(o.get("payments", [])):
            payment_rows.append(
                {
                    "order_number": o["number"],
                    "position": pos,
                    "method": p["method"],
                    "amount": p["amount"],
                    "status": p["status"],
                    "created_at": at(p, "created"),
                    "last4": p.get("last4", ""),
                    "reference": p.get("reference", ""),
                }
            )
        for r in o.get("refunds", []):
            refund_rows.append(
                {
                    "order_number": o["number"],
                    "amount": r["amount"],
                    "method": r["method"],
                    "created_at": at(r, "created"),
                    "line_ids": list(r.get("line_ids", [])),
                    "reason": r.get("reason", ""),
                }
            )
    conn.execute(insert(orders), order_rows)
    for table, rows in (
        (order_items, item_rows),
        (payments, payment_rows),
        (refunds, refund_rows),
    ):
        if rows:
            conn.execute(insert(table), rows)
