"""From a compact store spec to shopbot's seed format: catalog, customers and orders.

A spec (see ``shopify_store.py`` and ``woocommerce_store.py`` beside this file) lists products
with their options, customers and orders by status and age; this module fills in what a real
store's data would carry (prices from the catalog, line numbers, tracking numbers, payments,
refunds) deterministically, so the same spec always gives the same store.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from typing import Any

from bot.orders.platforms.seed import StoreSeed


@dataclass
class Option:
    name: str
    values: list[tuple[str, str]]  # (value, sku code)


@dataclass
class Product:
    code: str
    name: str
    category: str
    price: float
    description: str
    options: list[Option] = field(default_factory=list)
    prices: dict[str, float] = field(default_factory=dict)  # option value -> price instead
    out_of_stock: set[str] = field(default_factory=set)  # skus with no stock
    stock: dict[str, int] = field(default_factory=dict)  # skus with a few units only
    final_sale: bool = False
    brand: str = ""
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass
class Customer:
    key: str
    name: str
    email: str
    phone: str
    line1: str
    city: str
    region: str
    postcode: str
    country: str
    line2: str = ""
    tier: str = "member"
    alias: str = ""  # the name as written in Latin letters, e.g. on a card
    first_name: str = ""  # when the name does not split into first + last by itself
    last_name: str = ""
    guest: bool = False  # checked out without an account (WooCommerce)
    payment: str = "card"


@dataclass
class Order:
    customer: str
    status: str
    items: list[tuple[str, int]]  # (sku, quantity)
    days: float = 0.0  # for delivered orders: days since delivery; else days since placed
    hours: float = 0.0  # placed this many hours ago (pending orders)
    carrier: str = ""
    # Per line (1-based): "return_requested" / "returned" / "exchange_requested:<sku>" /
    # "exchanged" (exchanged once before, now the new variant).
    lines: dict[int, str] = field(default_factory=dict)
    refund_method: str = "original_payment"
    payment: str = ""  # card / paypal / apple_pay / ...; the customer's usual one if unset
    authorized_only: bool = False  # payment authorized, not captured yet
    address_changes: int = 0
    ship_to: dict[str, str] | None = None  # another address than the customer's
    shipping: float = 0.0
    method: str = "standard"
    note: str = ""  # what the order is there for (README)


CARRIERS = {
    "UPS": ("1Z{r6}{d10}", "https://www.ups.com/track?tracknum={n}"),
    "USPS": ("9400{d18}", "https://tools.usps.com/go/TrackConfirmAction?tLabels={n}"),
    "Canada Post": ("{d16}", "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={n}"),
    "Purolator": ("{d12}", "https://www.purolator.com/en/shipping/tracker?pin={n}"),
    "Royal Mail": ("{R2}{d9}GB", "https://www.royalmail.com/track-your-item#/tracking-results/{n}"),
    "DHL": ("{d10}", "https://www.dhl.com/en/express/tracking.html?AWB={n}"),
    "SF Express": ("SF{d13}", "https://www.sf-express.com/we/ow/chn/en/waybill/waybill-detail/{n}"),
    "China Post": ("E{R1}{d9}CN", "https://www.ems.com.cn/qps/english/yjcx?mailNum={n}"),
}  # fmt: skip


def variants(product: Product, prefix: str) -> list[dict[str, Any]]:
    if not product.options:
        sku = f"{prefix}-{product.code}"
        return [{"sku": sku, "options": {}, "price": product.price,
                 "in_stock": sku not in product.out_of_stock}]  # fmt: skip
    found = []
    for combo in itertools.product(*(o.values for o in product.options)):
        sku = "-".join([prefix, product.code, *(code for _, code in combo)])
        options = {o.name: value for o, (value, _) in zip(product.options, combo, strict=True)}
        price = next((product.prices[v] for v, _ in combo if v in product.prices), product.price)
        found.append(
            {"sku": sku, "options": options, "price": price,
             "in_stock": sku not in product.out_of_stock}
        )  # fmt: skip
    return found


def catalog(products: list[Product], prefix: str, store: str, currency: str) -> list[dict]:
    lines = []
    for n, p in enumerate(products, 1):
        found = variants(p, prefix)
        line: dict[str, Any] = {
            "id": f"{prefix}-P{n:03d}",
            "name": p.name,
            "description": p.description,
            "category": p.category,
            "brand": p.brand or store,
            "currency": currency,
            "attributes": p.attributes,
            "price": min(v["price"] for v in found),
            "in_stock": any(v["in_stock"] for v in found),
        }
        if p.options:
            line["variants"] = found
        else:
            line["sku"] = found[0]["sku"]
            line["variants"] = found
        if p.final_sale:
            line["final_sale"] = True
        lines.append(line)
    return lines


class _Filler:
    """Deterministic made-up details: tracking numbers, card digits, timings."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)

    def tracking(self, carrier: str) -> tuple[str, str]:
        pattern, url = CARRIERS[carrier]
        number = pattern
        for token, alphabet in (("{d", "0123456789"), ("{r", "ABCDEFGHJKLMNPRTUVWXY0123456789"),
                                ("{R", "ABCDEFGHJKLMNPRSTUVWXYZ")):  # fmt: skip
            while token in number:
                start = number.index(token)
                end = number.index("}", start)
                size = int(number[start + 2 : end])
                made = "".join(self.random.choice(alphabet) for _ in range(size))
                number = number[:start] + made + number[end + 1 :]
        return number, url.format(n=number)


def seed_store(
    name: str,
    prefix: str,
    currency: str,
    products: list[Product],
    customers: list[Customer],
    orders: list[Order],
    number: Any,
    random_seed: int,
) -> StoreSeed:
    """The store in shopbot's seed format. ``number(position)`` names the n-th order placed."""
    fill = _Filler(random_seed)
    lines = catalog(products, prefix, name, currency)
    by_sku = {v["sku"]: (line, v) for line in lines for v in line["variants"]}
    stock = {v["sku"]: (0 if not v["in_stock"] else 12) for line in lines for v in line["variants"]}
    for p in products:
        stock.update(p.stock)
    people = {c.key: c for c in customers}
    seed_customers = []
    for n, c in enumerate(customers, 1):
        address = {"name": c.name, "line1": c.line1, "line2": c.line2, "city": c.city,
                   "region": c.region, "postcode": c.postcode, "country": c.country}  # fmt: skip
        record: dict[str, Any] = {
            "id": f"{prefix}C{n:03d}",
            "name": c.name,
            "alias": c.alias,
            "email": c.email,
            "phone": c.phone,
            "tier": c.tier,
            "postcode": c.postcode,
            "address": address,
        }
        if c.first_name:
            record["first_name"], record["last_name"] = c.first_name, c.last_name
        if c.guest:
            record["guest"] = True
        seed_customers.append(record)
    ids = {c.key: r["id"] for c, r in zip(customers, seed_customers, strict=True)}
    timed = [(o, _timing(o, fill)) for o in orders]
    timed.sort(key=lambda pair: -pair[1]["placed_hours"])  # oldest first: numbers rise with time
    seed_orders = []
    for position, (o, timing) in enumerate(timed):
        customer = people[o.customer]
        order = _order(o, timing, number(position), ids[o.customer], customer, by_sku, fill)
        order["currency"] = currency
        seed_orders.append(order)
    return StoreSeed(
        name=name,
        customers=seed_customers,
        orders=seed_orders,
        products=lines,
        stock=stock,
        currency=currency,
    )


def _timing(o: Order, fill: _Filler) -> dict[str, float]:
    r = fill.random
    t: dict[str, float] = {}
    if o.status == "delivered":
        t["delivered_days"] = o.days
        t["shipped_days"] = o.days + r.choice([2, 3, 4])
        t["placed_hours"] = (t["shipped_days"] + r.choice([1, 1, 2])) * 24 + r.randint(1, 20)
    elif o.status in ("shipped", "out_for_delivery"):
        placed = o.days or r.choice([3, 4, 5])
        t["placed_hours"] = placed * 24 + r.randint(1, 12)
        t["shipped_days"] = max(1, placed - 1)
        soon = o.status == "out_for_delivery"
        t["eta_hours"] = r.choice([6, 9]) if soon else r.choice([30, 54, 78])
    elif o.status == "packed":
        t["placed_hours"] = (o.days or 1) * 24 + r.randint(2, 10)
    elif o.status == "processing":
        t["placed_hours"] = o.hours or (o.days or 1) * 24
    elif o.status == "pending":
        t["placed_hours"] = o.hours or (o.days * 24 if o.days else r.randint(2, 20))
    else:  # cancelled
        t["placed_hours"] = (o.days or 9) * 24 + r.randint(1, 12)
    return t


def _order(
    o: Order,
    t: dict[str, float],
    number: str,
    customer_id: str,
    customer: Customer,
    by_sku: dict[str, tuple[dict, dict]],
    fill: _Filler,
) -> dict[str, Any]:
    address = o.ship_to or {"name": customer.name, "line1": customer.line1,
                            "line2": customer.line2, "city": customer.city,
                            "region": customer.region, "postcode": customer.postcode,
                            "country": customer.country}  # fmt: skip
    items = []
    for n, (sku, quantity) in enumerate(o.items, 1):
        product, variant = by_sku[sku]
        state = o.lines.get(n, "ordered")
        item = {
            "line_id": str(n),
            "sku": sku,
            "product_id": product["id"],
            "name": product["name"],
            "options": dict(variant["options"]),
            "quantity": quantity,
            "unit_price": variant["price"],
            "category": product["category"],
            "final_sale": bool(product.get("final_sale")),
            "status": "ordered",
            "exchanges": 0,
            "exchange_sku": "",
            "refund_method": "",
        }
        if state in ("return_requested", "returned"):
            item["status"] = state
            item["refund_method"] = o.refund_method
        elif state.startswith("exchange_requested:"):
            item.update(status="exchange_requested", exchanges=1, exchange_sku=state.split(":")[1])
        elif state == "exchanged":
            item["exchanges"] = 1
        items.append(item)
    total = round(sum(i["unit_price"] * i["quantity"] for i in items) + o.shipping, 2)
    method = o.payment or customer.payment
    placed_days = t["placed_hours"] / 24
    payment_status = "authorized" if o.authorized_only else "captured"
    refunds = []
    returned = [i for i in items if i["status"] == "returned"]
    if returned:
        amount = round(sum(i["unit_price"] * i["quantity"] for i in returned), 2)
        refunds.append({"amount": amount, "method": o.refund_method,
                        "line_ids": [i["line_id"] for i in returned], "reason": "returned",
                        "created_days_ago": max(1, t.get("delivered_days", 2) - 6)})  # fmt: skip
        payment_status = "partially_refunded" if amount < total else "refunded"
    if o.status == "cancelled":
        if o.authorized_only:
            payment_status = "released"
        else:
            payment_status = "refunded"
            refunds.append({"amount": total, "method": "original_payment", "line_ids": [],
                            "reason": "order cancelled at the customer's request",
                            "created_days_ago": round(placed_days - 0.2, 2)})  # fmt: skip
    payment = {
        "method": method,
        "amount": total,
        "status": payment_status,
        "last4": "".join(fill.random.choice("0123456789") for _ in range(4))
        if method in ("card", "apple_pay", "google_pay")
        else "",
        "reference": f"ch_{fill.random.getrandbits(48):012x}",
        "created_days_ago": round(placed_days, 3),
    }
    order: dict[str, Any] = {
        "number": number,
        "customer_id": customer_id,
        "status": o.status,
        "placed_hours_ago": round(t["placed_hours"], 2),
        "address": address,
        "items": items,
        "currency": "",
        "shipping_cost": o.shipping,
        "shipping_method": o.method,
        "address_changes": o.address_changes,
        "carrier": "",
        "tracking_number": "",
        "tracking_url": "",
        "payments": [payment],
        "refunds": refunds,
        "note": o.note,
    }
    if o.status in ("packed", "shipped", "out_for_delivery", "delivered"):
        carrier = o.carrier or _default_carrier(address["country"])
        order["carrier"] = carrier
        order["tracking_number"], order["tracking_url"] = fill.tracking(carrier)
    if "shipped_days" in t:
        order["shipped_days_ago"] = t["shipped_days"]
    if "delivered_days" in t:
        order["delivered_days_ago"] = t["delivered_days"]
        order["estimated_delivery_in_days"] = -t["delivered_days"]
    if "eta_hours" in t:
        order["estimated_delivery_in_hours"] = t["eta_hours"]
    return order


def _default_carrier(country: str) -> str:
    return {"US": "UPS", "CA": "Canada Post", "GB": "Royal Mail", "CN": "SF Express"}.get(
        country, "DHL"
    )
