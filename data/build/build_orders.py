"""Build the demo store's customers and orders: `demo_orders.json` and the README's table.

Run from the repository root: `python data/build/build_orders.py`. Deterministic (fixed seed,
hand-written notable orders), and consistent with `data/catalog.jsonl`: every item is a real
variant at its catalog price. Times are stored relative to "now" (`placed_days_ago`,
`placed_hours_ago`, `delivered_days_ago`, `estimated_delivery_in_days`, ...) and turned into
absolute datetimes when a database is seeded, so the return windows stay meaningful.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from orders_spec import (  # this folder: the script's own directory is on sys.path
    ALIASES,
    CUSTOMERS,
    DEFAULT_STOCK,
    FINAL_SALE_CATEGORIES,
    NOTABLE,
    STOCK_OVERRIDES,
)

DATA = Path(__file__).resolve().parents[1]  # data/: the generators live in data/build/
CATALOG = DATA / "catalog.jsonl"
OUT = DATA / "orders" / "demo_orders.json"
README = DATA / "orders" / "README.md"
SEED = 20261123


def _load_catalog() -> dict[str, dict[str, Any]]:
    variants: dict[str, dict[str, Any]] = {}
    for line in CATALOG.read_text(encoding="utf-8").splitlines():
        product = json.loads(line)
        for v in product.get("variants") or []:
            variants[v["sku"]] = {
                "product_id": product["id"],
                "name": product["name"],
                "category": product["category"],
                "options": v["options"],
                "price": v["price"],
                "in_stock": v["in_stock"],
            }
    return variants


def _address(customer: tuple) -> dict[str, str]:
    line1, city, region, postcode, country = customer[5]
    return {
        "name": customer[1],
        "line1": line1,
        "line2": "",
        "city": city,
        "region": region,
        "postcode": postcode,
        "country": country,
    }


def _tracking(rng: random.Random, country: str, method: str) -> tuple[str, str, str]:
    if country != "US":
        number = "".join(rng.choice("0123456789") for _ in range(10))
        return "DHL", number, f"https://www.dhl.com/track?AWB={number}"
    if method != "standard" or rng.random() < 0.6:
        number = "1Z" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(16))
        return "UPS", number, f"https://www.ups.com/track?tracknum={number}"
    number = "9400" + "".join(rng.choice("0123456789") for _ in range(18))
    return "USPS", number, f"https://tools.usps.com/go/TrackConfirmAction?tLabels={number}"


def _times(rng: random.Random, spec: dict[str, Any]) -> dict[str, float]:
    """Relative times consistent with the status (ages in days or hours; future is +)."""
    status = spec["status"]
    out: dict[str, float] = {}
    if status in ("pending", "processing"):
        default = rng.randint(1, 8) if status == "pending" else rng.randint(12, 30)
        out["placed_hours_ago"] = spec.get("placed_hours_ago", default)
        out["estimated_delivery_in_days"] = 5
    elif status == "packed":
        out["placed_days_ago"] = 1
        out["estimated_delivery_in_days"] = 4
    elif status == "shipped":
        shipped = rng.randint(1, 2)
        out.update(
            placed_days_ago=shipped + 1, shipped_days_ago=shipped, estimated_delivery_in_days=2
        )
    elif status == "out_for_delivery":
        out.update(placed_days_ago=4, shipped_days_ago=3, estimated_delivery_in_hours=6)
    elif status == "delivered":
        d = spec.get("delivered_days_ago") or rng.choice([2, 4, 9, 14, 19, 23, 36, 48, 66, 90])
        out.update(
            placed_days_ago=d + 4,
            shipped_days_ago=d + 3,
            delivered_days_ago=d,
            estimated_delivery_in_days=-d,
        )
    elif status == "cancelled":
        out["placed_days_ago"] = spec.get("placed_days_ago", rng.randint(3, 30))
    return out


def _order(rng: random.Random, spec: dict[str, Any], catalog: dict, customers: dict) -> dict:
    customer = customers[spec["customer"]]
    address = dict(spec.get("address") or _address(customer))
    items = []
    for n, (sku, qty, extras) in enumerate(spec["items"], start=1):
        v = catalog[sku]
        items.append(
            {
                "line_id": str(n),
                "sku": sku,
                "product_id": v["product_id"],
                "name": v["name"],
                "options": v["options"],
                "quantity": qty,
                "unit_price": v["price"],
                "category": v["category"],
                "final_sale": extras.get("final_sale", v["category"] in FINAL_SALE_CATEGORIES),
                "status": extras.get("status", "ordered"),
                "exchanges": extras.get("exchanges", 0),
                "exchange_sku": extras.get("exchange_sku", ""),
                "refund_method": extras.get("refund_method", ""),
            }
        )
    subtotal = round(sum(i["unit_price"] * i["quantity"] for i in items), 2)
    gold = customer[4] == "gold"
    method = spec.get("shipping_method") or ("express" if gold else "standard")
    if address["country"] != "US":
        cost = 19.95
    elif method == "express":
        cost = 0.0 if gold else 14.95
    else:
        cost = 0.0 if subtotal > 50 else 5.95
    total = round(subtotal + cost, 2)
    times = _times(rng, spec)
    status = spec["status"]
    order: dict[str, Any] = {
        "number": spec["number"],
        "customer_id": spec["customer"],
        "status": status,
        **times,
        "address": address,
        "items": items,
        "currency": "USD",
        "shipping_cost": cost,
        "shipping_method": method,
        "address_changes": spec.get("address_changes", 0),
    }
    if status in ("shipped", "out_for_delivery", "delivered"):
        carrier, number, url = _tracking(rng, address["country"], method)
        order.update(carrier=carrier, tracking_number=number, tracking_url=url)
    pay_method, last4 = spec["pay"]
    age = {k: v for k, v in times.items() if k.startswith("placed")}
    pay_status = {"pending": "authorized", "cancelled": "released"}.get(status, "captured")
    payment = {
        "method": pay_method,
        "amount": total,
        "status": pay_status,
        "last4": last4 if pay_method == "card" else "",
        "reference": f"PAY-{spec['number'][3:]}-1",
        **_rename(age, "placed", "created"),
    }
    payments = [payment]
    if spec.get("duplicate_authorization"):
        payments.append(
            {**payment, "status": "authorized", "reference": f"PAY-{spec['number'][3:]}-2"}
        )
    refunds = []
    if spec.get("refund_lines"):
        lines = spec["refund_lines"]
        amount = round(
            sum(i["unit_price"] * i["quantity"] for i in items if i["line_id"] in lines), 2
        )
        refunds.append(
            {
                "amount": amount,
                "method": "original_payment",
                "line_ids": list(lines),
                "reason": "did not fit",
                "created_days_ago": times["delivered_days_ago"] - 8,
            }
        )
        payment["status"] = "partially_refunded"
    order["payments"] = payments
    order["refunds"] = refunds
    order["note"] = spec.get("note", "")
    return order


def _rename(ages: dict[str, float], old: str, new: str) -> dict[str, float]:
    return {k.replace(old, new, 1): v for k, v in ages.items()}


def _filler(
    rng: random.Random, catalog: dict, customers: dict, used: set[str], count: int
) -> list[dict]:
    """Ordinary orders for every customer, drawn with the fixed seed."""
    skus = sorted(catalog)
    statuses = (
        ["delivered"] * 9
        + ["shipped"] * 3
        + ["processing", "pending", "packed", "out_for_delivery", "cancelled"]
    )
    ids = sorted(customers)
    out = []
    for n in range(count):
        number = f"NW-{rng.randint(100000, 109999)}"
        while number in used:
            number = f"NW-{rng.randint(100000, 109999)}"
        used.add(number)
        chosen = rng.sample(skus, rng.choice([1, 1, 2, 2, 3]))
        spec = {
            "number": number,
            "customer": ids[n % len(ids)],
            "status": rng.choice(statuses),
            "items": [(s, rng.choice([1, 1, 1, 2]), {}) for s in chosen],
            "pay": rng.choice(
                [("card", f"{rng.randint(0, 9999):04d}"), ("paypal", ""), ("apple_pay", "")]
            ),
        }
        out.append(_order(rng, spec, catalog, customers))
    return out


def build() -> dict[str, Any]:
    rng = random.Random(SEED)
    catalog = _load_catalog()
    customers = {c[0]: c for c in CUSTOMERS}
    orders = [_order(rng, spec, catalog, customers) for spec in NOTABLE]
    used = {o["number"] for o in orders}
    orders += _filler(rng, catalog, customers, used, 120 - len(orders))
    return {
        "about": "Northwind Lane demo customers and orders; built by data/build/build_orders.py."
        " Times are relative to when the database is seeded.",
        "catalog": "../catalog.jsonl",
        "stock": {"default_quantity": DEFAULT_STOCK, "overrides": STOCK_OVERRIDES},
        "customers": [
            {
                "id": c[0],
                "name": c[1],
                "alias": ALIASES.get(c[0], ""),
                "email": c[2],
                "phone": c[3],
                "tier": c[4],
                "postcode": c[5][3],
                "address": _address(c),
            }
            for c in CUSTOMERS
        ],
        "orders": orders,
    }


def _readme(data: dict[str, Any]) -> str:
    names = {c["id"]: c for c in data["customers"]}
    rows = []
    for o in data["orders"]:
        if not o["note"]:
            continue
        c = names[o["customer_id"]]
        items = "; ".join(
            f"{i['line_id']}: {i['sku']} ×{i['quantity']}"
            + (" (final sale)" if i["final_sale"] else "")
            for i in o["items"]
        )
        rows.append(
            f"| `{o['number']}` | {c['name']} ({c['id']}, {c['email']}, {c['postcode']}"
            f"{', Gold' if c['tier'] == 'gold' else ''}) | {o['status']}"
            f"{' (' + o['carrier'] + ')' if o.get('carrier') else ''} | {items} | "
            f"{o['note']} |"
        )
    by_number = {o["number"]: o for o in data["orders"]}

    def when(o: dict[str, Any]) -> str:
        if o["status"] == "delivered":
            return f"delivered {o['delivered_days_ago']} d ago"
        if "placed_hours_ago" in o:
            return f"{o['status']}, placed {o['placed_hours_ago']} h ago"
        return f"{o['status']}, placed {o['placed_days_ago']} d ago"

    several: dict[str, list[str]] = {}
    for o in data["orders"]:
        several.setdefault(o["customer_id"], []).append(o["number"])
    multi = [
        f"- {names[cid]['name']} ({cid}): "
        + ", ".join(f"`{n}` ({when(by_number[n])})" for n in sorted(nums))
        for cid, nums in sorted(several.items())
        if cid in ("C1001", "C1002", "C1003", "C1004")
    ]
    return "\n".join(
        [
            "# Demo orders (Northwind Lane)",
            "",
            "`demo_orders.json` holds the demo store's customers and orders, read by",
            "`bot.orders.demo.SQLOrderSystem` into its own database (`SHOPBOT_HOME/orders.db`)",
            "the first time it is used, and again by `reset()`. **Generated**: edit",
            "`data/build/orders_spec.py` / `build_orders.py` and run",
            "`python data/build/build_orders.py` from the repository root; it rewrites the JSON",
            "and this file.",
            "",
            f"- {len(data['customers'])} customers (Chinese names 王芳, 陈静, 刘洋, 赵磊"
            " with pinyin emails, also found by their pinyin name, e.g. Wang Fang;"
            " Li Wei and Zhang Wei in pinyin; two different *Michael Lee*s; Gold: "
            + ", ".join(c["name"] for c in data["customers"] if c["tier"] == "gold")
            + "; international: London, Berlin, Toronto, Sydney).",
            f"- {len(data['orders'])} orders, 1–3 items each, every item a real variant of",
            "  `../catalog.jsonl` at its catalog price. Socks (`Clothing > Socks`) are final sale.",
            "- Times are relative (`placed_days_ago` / `placed_hours_ago`, `shipped_days_ago`,",
            "  `delivered_days_ago`, `estimated_delivery_in_days|hours`, payments' and refunds'",
            "  `created_days_ago`) and become datetimes when the database is seeded or reset.",
            "- Stock: every catalog variant; in stock → "
            f"{DEFAULT_STOCK} units, out of stock → 0, except "
            + ", ".join(f"`{k}` = {v}" for k, v in STOCK_OVERRIDES.items())
            + ". An exchange reserves units of the new variant.",
            '- Line ids are "1", "2", ... in the order listed. Order numbers normalise:',
            "  `nw104233`, `#NW 104233` and `104233` all find `NW-104233`.",
            "",
            "Customers with several orders (all their orders, the drawn ones too):",
            *multi,
            "",
            "## Notable orders",
            "",
            "| order | customer (id, email, postcode) | status | items (line: sku ×qty) | what it "
            "exercises |",
            "|---|---|---|---|---|",
            *rows,
            "",
            "Stock of the variants these mention (from the catalog): Hoodie `NW-CPH-BLK-XL`,",
            "`NW-CPH-NVY-L`, `NW-CPH-NVY-XXL`, `NW-CPH-FOR-XXL` out of stock; `NW-LBDS-BLU-XL`,",
            "`NW-LBDS-WHT-S` out of stock; `NW-ECS-NVY-8`, `NW-ECS-BLK-6/7/8` out of stock;",
            "`NW-SSLJ-BLK-32X32` out of stock, `NW-SSLJ-BLK-36X32` in stock.",
            "",
        ]
    )


def main() -> None:
    data = build()
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    README.write_text(_readme(data), encoding="utf-8")
    print(f"wrote {OUT} ({len(data['customers'])} customers, {len(data['orders'])} orders)")


if __name__ == "__main__":
    main()
