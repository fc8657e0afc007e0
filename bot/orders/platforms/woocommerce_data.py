"""A store in shopbot's seed format rendered as WooCommerce REST API (wc/v3) payloads.

The payloads follow WooCommerce's documentation
(https://woocommerce.github.io/woocommerce-rest-api-docs/):
- Order (status, number, billing, shipping, line_items, shipping_lines, refunds, meta_data,
  payment_method, date_paid, the ``*_gmt`` times): #order-properties
- Order refund (amount, reason, refunded_payment, line_items with ``_refunded_item_id``):
  #order-refund-properties
- Customer (billing, shipping, meta_data): #customer-properties
- Product, product variation, product category (parent), product tag: #product-properties,
  #product-variation-properties, #product-category-properties
- Shipment tracking from the Shipment Tracking extension, kept in the order meta
  ``_wc_shipment_tracking_items`` (tracking_provider, custom_tracking_provider,
  custom_tracking_link, tracking_number, date_shipped as a Unix time):
  https://woocommerce.com/document/shipment-tracking/ and its REST provider list
  https://woocommerce.com/document/shipment-tracking/shipment-tracking-rest-api-create-tracking-item/
- Carrier progress (in transit, out for delivery, delivered, estimated delivery) as TrackShip
  writes it into the order meta ``shipment_status`` (status, status_date, est_delivery_date).
- Order statuses beyond the built-in ones (pending, on-hold, processing, completed,
  cancelled, refunded, failed) are registered by plugins, as stores do: ``packing``,
  ``ready-to-ship``, ``delivered`` (the Advanced Shipment Tracking plugin's "Delivered").

WooCommerce has no returns or exchanges of its own: shopbot keeps them in the order meta
``_shopbot_returns`` (one entry per request: line_item_id, kind, status, refund_method,
exchange_sku), with an order note for the staff, and counts address changes in
``_shopbot_address_changes``. The card's last digits come from the payment plugin's meta
(``_card_last4``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from itertools import count
from typing import Any

from bot.orders.platforms.seed import StoreSeed, money, split_name, when

SITE_OFFSET = timezone(timedelta(hours=8))  # the site's time zone (Settings > General)
FINAL_SALE_TAG = "final-sale"
TIER_META = "loyalty_tier"
ADDRESS_CHANGES = "_shopbot_address_changes"
RETURNS = "_shopbot_returns"
TRACKING = "_wc_shipment_tracking_items"
SHIPMENT_STATUS = "shipment_status"
LAST4 = "_card_last4"
# The Shipment Tracking extension's providers
# (GET /wp-json/wc-shipment-tracking/v3/shipment-trackings/providers).
PROVIDERS = {
    "United States": {
        "UPS": "https://www.ups.com/track?loc=en_US&tracknum=%1$s",
        "USPS": "https://tools.usps.com/go/TrackConfirmAction_input?qtc_tLabels1=%1$s",
        "FedEx": "https://www.fedex.com/apps/fedextrack/?action=track&tracknumbers=%1$s",
    },
    "Canada": {"Canada Post": "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=%1$s"},
    "United Kingdom": {"Royal Mail": "https://www.royalmail.com/track-your-item#/tracking-results/%1$s"},
    "Global": {"DHL Express": "https://www.dhl.com/en/express/tracking.html?AWB=%1$s&brand=DHL"},
}  # fmt: skip
# Seed status (and payment) -> WooCommerce order status.
_STATUS = {
    "processing": "packing",
    "packed": "ready-to-ship",
    "shipped": "completed",
    "out_for_delivery": "completed",
    "delivered": "delivered",
    "cancelled": "cancelled",
}
_TRACKSHIP = {"shipped": "in_transit", "out_for_delivery": "out_for_delivery",
              "delivered": "delivered"}  # fmt: skip
_GATEWAYS = {
    "card": ("stripe", "Credit Card (Stripe)"),
    "apple_pay": ("stripe", "Apple Pay (Stripe)"),
    "google_pay": ("stripe", "Google Pay (Stripe)"),
    "paypal": ("ppcp-gateway", "PayPal"),
    "gift_card": ("gift_cards", "Gift card"),
    "store_credit": ("store_credit", "Store credit"),
}


def woo_times(moment: datetime | None, name: str) -> dict[str, str | None]:
    """``{name: local time, name_gmt: UTC}``, both without an offset, as WooCommerce writes them."""
    if moment is None:
        return {name: None, f"{name}_gmt": None}
    local = moment.astimezone(SITE_OFFSET).replace(tzinfo=None)
    gmt = moment.astimezone(UTC).replace(tzinfo=None)
    return {
        name: local.isoformat(timespec="seconds"),
        f"{name}_gmt": gmt.isoformat(timespec="seconds"),
    }


def woo_address(address: dict[str, Any], *, name: str | None = None) -> dict[str, Any]:
    first, last = split_name(name or address.get("name", ""))
    return {
        "first_name": first,
        "last_name": last,
        "company": "",
        "address_1": address.get("line1", ""),
        "address_2": address.get("line2", ""),
        "city": address.get("city", ""),
        "state": address.get("region", ""),
        "postcode": address.get("postcode", ""),
        "country": address.get("country") or "US",
        "phone": address.get("phone", ""),
    }


class _Renderer:
    def __init__(self, seed: StoreSeed, now: datetime, order_ids: dict[str, int]) -> None:
        self.seed = seed
        self.now = now
        self.order_ids = order_ids
        self.post = count(120)  # products, variations and orders share WordPress's post ids
        self.meta = count(9001)
        self.term = count(15)
        self.item = count(501)
        self.product_ids: dict[str, int] = {}
        self.variations: dict[str, dict[str, Any]] = {}  # sku -> variation (or simple product)
        self.categories: dict[str, dict[str, Any]] = {}  # path -> category
        self.tags: dict[str, dict[str, Any]] = {}
        self.final_sale = {
            i["product_id"] for o in seed.orders for i in o["items"] if i.get("final_sale")
        } | {p["id"] for p in seed.products if p.get("final_sale")}

    def meta_entry(self, key: str, value: Any) -> dict[str, Any]:
        return {"id": next(self.meta), "key": key, "value": value}

    # -- catalog --------------------------------------------------------------------------
    def category(self, path: str) -> dict[str, Any]:
        parent = 0
        found: dict[str, Any] = {}
        parts = [p.strip() for p in path.split(">") if p.strip()]
        for depth in range(len(parts)):
            key = " > ".join(parts[: depth + 1])
            if key not in self.categories:
                term = next(self.term)
                self.categories[key] = {
                    "id": term,
                    "name": parts[depth],
                    "slug": _slug(parts[depth], f"cat-{term}"),
                    "parent": parent,
                    "description": "",
                    "display": "default",
                    "image": None,
                    "menu_order": 0,
                    "count": 0,
                }
            found = self.categories[key]
            parent = found["id"]
        found["count"] += 1
        return found

    def tag(self, name: str) -> dict[str, Any]:
        if name not in self.tags:
            term = next(self.term)
            self.tags[name] = {"id": term, "name": name, "slug": _slug(name, f"tag-{term}"),
                               "description": "", "count": 0}  # fmt: skip
        self.tags[name]["count"] += 1
        return self.tags[name]

    def product(
        self, p: dict[str, Any], variations: dict[str, list[dict[str, Any]]]
    ) -> dict[str, Any]:
        pid = next(self.post)
        self.product_ids[p["id"]] = pid
        created = woo_times(self.now - timedelta(days=380), "date_created")
        variants = p.get("variants") or []
        keys = list(variants[0]["options"]) if variants else []
        category = self.category(p["category"]) if p.get("category") else None
        tags = ([self.tag(FINAL_SALE_TAG)] if p["id"] in self.final_sale else []) + [
            self.tag(t) for t in p.get("tags", [])
        ]
        product: dict[str, Any] = {
            "id": pid,
            "name": p["name"],
            "slug": _slug(p["name"], f"product-{pid}"),
            "permalink": f"https://{_slug(self.seed.name, 'shop')}.example/?p={pid}",
            **created,
            **woo_times(self.now - timedelta(days=30), "date_modified"),
            "type": "variable" if keys else "simple",
            "status": "publish",
            "featured": False,
            "catalog_visibility": "visible",
            "description": f"<p>{p.get('description', '')}</p>",
            "short_description": "",
            "sku": "" if keys else (variants[0]["sku"] if variants else p.get("sku", p["id"])),
            "price": money(float(p.get("price") or (variants[0]["price"] if variants else 0))),
            "regular_price": money(
                float(p.get("price") or (variants[0]["price"] if variants else 0))
            ),
            "sale_price": "",
            "on_sale": False,
            "purchasable": True,
            "tax_status": "taxable",
            "manage_stock": not keys,
            "stock_quantity": None,
            "stock_status": "instock",
            "backorders": "no",
            "categories": [
                {"id": category["id"], "name": category["name"], "slug": category["slug"]}
            ]
            if category
            else [],
            "tags": [{"id": t["id"], "name": t["name"], "slug": t["slug"]} for t in tags],
            "brands": [{"id": 0, "name": p["brand"], "slug": _slug(p["brand"], "brand")}]
            if p.get("brand")
            else [],
            "images": [],
            "attributes": [
                {
                    "id": 0,
                    "name": _attribute_name(k),
                    "position": n,
                    "visible": True,
                    "variation": True,
                    "options": list(dict.fromkeys(v["options"][k] for v in variants)),
                }
                for n, k in enumerate(keys)
            ],
            "variations": [],
            "meta_data": [],
        }
        if not keys:
            sku = product["sku"]
            quantity = self.seed.stock.get(sku, 10)
            product["stock_quantity"] = quantity
            product["stock_status"] = "instock" if quantity > 0 else "outofstock"
            self.variations[sku] = product
            return product
        rendered = []
        for n, v in enumerate(variants):
            vid = next(self.post)
            quantity = self.seed.stock.get(v["sku"], 10 if v.get("in_stock", True) else 0)
            variation = {
                "id": vid,
                **created,
                "description": "",
                "permalink": f"{product['permalink']}&variation_id={vid}",
                "sku": v["sku"],
                "price": money(float(v["price"])),
                "regular_price": money(float(v["price"])),
                "sale_price": "",
                "on_sale": False,
                "status": "publish",
                "purchasable": True,
                "virtual": False,
                "downloadable": False,
                "tax_status": "taxable",
                "manage_stock": True,
                "stock_quantity": quantity,
                "stock_status": "instock" if quantity > 0 else "outofstock",
                "backorders": "no",
                "image": None,
                "attributes": [
                    {"id": 0, "name": _attribute_name(k), "option": v["options"][k]} for k in keys
                ],
                "menu_order": n,
                "meta_data": [],
                "parent_id": pid,
            }
            rendered.append(variation)
            self.variations[v["sku"]] = variation
        product["variations"] = [v["id"] for v in rendered]
        variations[str(pid)] = rendered
        return product

    # -- customers ------------------------------------------------------------------------
    def customer(self, c: dict[str, Any], cid: int) -> dict[str, Any]:
        first, last = (
            (c["first_name"], c["last_name"]) if "first_name" in c else split_name(c["name"])
        )
        billing_name = c.get("alias") or c["name"]
        billing = {
            **woo_address(c["address"], name=billing_name),
            "email": c["email"],
            "phone": c.get("phone", ""),
        }
        shipping = woo_address(c["address"], name=c["address"].get("name") or c["name"])
        created = woo_times(self.now - timedelta(days=520), "date_created")
        return {
            "id": cid,
            **created,
            **woo_times(self.now - timedelta(days=5), "date_modified"),
            "email": c["email"],
            "first_name": first,
            "last_name": last,
            "role": "customer",
            "username": c["email"].split("@")[0],
            "billing": billing,
            "shipping": shipping,
            "is_paying_customer": True,
            "avatar_url": "",
            "meta_data": [self.meta_entry(TIER_META, "gold")] if c.get("tier") == "gold" else [],
        }

    # -- orders ---------------------------------------------------------------------------
    def order(
        self, o: dict[str, Any], customer_ids: dict[str, int], refunds: dict[str, Any]
    ) -> dict[str, Any]:
        oid = self.order_ids[o["number"]]
        seed_customer = self.seed.customer(o["customer_id"])
        status = o["status"]
        placed = when(o, "placed", self.now) or self.now
        shipped = when(o, "shipped", self.now)
        delivered = when(o, "delivered", self.now)
        eta = when(o, "estimated_delivery", self.now)
        payments = o["payments"]
        paid = any(p["status"] in ("captured", "refunded", "partially_refunded") for p in payments)
        woo_status = _STATUS.get(status) or ("processing" if paid else "on-hold")
        if status == "cancelled" and paid:
            woo_status = "refunded"
        lines = [self.line(item) for item in o["items"]]
        by_line = {item["line_id"]: line for item, line in zip(o["items"], lines, strict=True)}
        meta: list[dict[str, Any]] = []
        if o.get("carrier") and o.get("tracking_number"):  # a label is made when packed
            labelled = shipped or placed + timedelta(hours=6)
            provider = _provider(o["carrier"])
            meta.append(
                self.meta_entry(
                    TRACKING,
                    [
                        {
                            "tracking_provider": provider,
                            "custom_tracking_provider": "" if provider else o["carrier"],
                            "custom_tracking_link": "" if provider else o.get("tracking_url", ""),
                            "tracking_number": o["tracking_number"],
                            "date_shipped": str(int(labelled.timestamp())),
                            "tracking_id": f"{oid:x}{len(meta):02d}",
                        }
                    ],
                )
            )
        if status in _TRACKSHIP:
            moment = delivered if status == "delivered" else shipped
            meta.append(
                self.meta_entry(
                    SHIPMENT_STATUS,
                    [
                        {
                            "status": _TRACKSHIP[status],
                            "status_date": _plain(moment),
                            "est_delivery_date": _plain(eta) if eta else None,
                        }
                    ],
                )
            )
        if o.get("address_changes"):
            meta.append(self.meta_entry(ADDRESS_CHANGES, str(o["address_changes"])))
        card = next((p for p in payments if p.get("last4")), None)
        if card is not None:
            meta.append(self.meta_entry(LAST4, card["last4"]))
        requests = self.requests(o, by_line, placed)
        if requests:
            meta.append(self.meta_entry(RETURNS, requests))
        method, title = _GATEWAYS.get(
            payments[0]["method"] if payments else "card", _GATEWAYS["card"]
        )
        shipping_cost = float(o.get("shipping_cost", 0.0))
        subtotal = sum(float(line["subtotal"]) for line in lines)
        refund_summaries = []
        for r in o.get("refunds", []):
            detail = self.refund(r, by_line, placed)
            refunds.setdefault(str(oid), []).append(detail)
            refund_summaries.append(
                {"id": detail["id"], "reason": detail["reason"], "total": f"-{detail['amount']}"}
            )
        cancelled = placed + timedelta(hours=3) if status == "cancelled" else None
        completed = shipped if woo_status in ("completed", "delivered") else None
        customer_id = 0 if seed_customer.get("guest") else customer_ids[seed_customer["id"]]
        billing_name = seed_customer.get("alias") or seed_customer["name"]
        return {
            "id": oid,
            "parent_id": 0,
            "status": woo_status,
            "currency": o.get("currency", self.seed.currency),
            "version": "9.4.2",
            "prices_include_tax": False,
            **woo_times(placed, "date_created"),
            **woo_times(delivered or shipped or cancelled or placed, "date_modified"),
            "discount_total": "0.00",
            "discount_tax": "0.00",
            "shipping_total": money(shipping_cost),
            "shipping_tax": "0.00",
            "cart_tax": "0.00",
            "total": money(subtotal + shipping_cost),
            "total_tax": "0.00",
            "customer_id": customer_id,
            "order_key": f"wc_order_{oid:x}k{len(lines)}",
            "billing": {
                **woo_address(seed_customer["address"], name=billing_name),
                "email": seed_customer["email"],
                "phone": seed_customer.get("phone", ""),
            },
            "shipping": woo_address(o["address"]),
            "payment_method": method,
            "payment_method_title": title,
            "transaction_id": next((p.get("reference", "") for p in payments), ""),
            "customer_ip_address": "",
            "customer_user_agent": "",
            "created_via": "checkout",
            "customer_note": "",
            **woo_times(completed, "date_completed"),
            **woo_times(placed + timedelta(minutes=2) if paid else None, "date_paid"),
            "cart_hash": "",
            "number": o["number"],
            "meta_data": meta,
            "line_items": lines,
            "tax_lines": [],
            "shipping_lines": [
                {
                    "id": next(self.item),
                    "method_title": o.get("shipping_method", "standard").replace("_", " ").title(),
                    "method_id": "flat_rate",
                    "instance_id": "1",
                    "total": money(shipping_cost),
                    "total_tax": "0.00",
                    "taxes": [],
                    "meta_data": [],
                }
            ],
            "fee_lines": [],
            "coupon_lines": [],
            "refunds": refund_summaries,
            "payment_url": "",
            "is_editable": woo_status in ("pending", "on-hold"),
            "needs_payment": not paid and woo_status in ("pending", "on-hold"),
            "needs_processing": True,
            "currency_symbol": {"USD": "$", "CNY": "¥", "CAD": "$", "GBP": "£"}.get(
                o.get("currency", self.seed.currency), ""
            ),
        }

    def line(self, item: dict[str, Any]) -> dict[str, Any]:
        variation = self.variations[item["sku"]]
        product = self.seed.product(item["product_id"])
        options = item.get("options") or {}
        total = money(float(item["unit_price"]) * item["quantity"])
        is_variation = "parent_id" in variation
        return {
            "id": next(self.item),
            "name": (f"{product['name']} - {', '.join(options.values())}" if options
                     else product["name"]),
            "product_id": self.product_ids[item["product_id"]],
            "variation_id": variation["id"] if is_variation else 0,
            "quantity": item["quantity"],
            "tax_class": "",
            "subtotal": total,
            "subtotal_tax": "0.00",
            "total": total,
            "total_tax": "0.00",
            "taxes": [],
            "meta_data": [
                {"id": next(self.meta), "key": k, "value": v, "display_key": _attribute_name(k),
                 "display_value": v}
                for k, v in options.items()
            ],
            "sku": item["sku"],
            "price": float(item["unit_price"]),
            "image": {"id": "", "src": ""},
            "parent_name": product["name"] if is_variation else None,
        }  # fmt: skip

    def refund(
        self, r: dict[str, Any], by_line: dict[str, dict[str, Any]], placed: datetime
    ) -> dict[str, Any]:
        created = when(r, "created", self.now) or placed
        refund_id = next(self.post)
        lines = []
        for line_id in r.get("line_ids", []):
            line = by_line[line_id]
            lines.append(
                {
                    "id": next(self.item),
                    "name": line["name"],
                    "product_id": line["product_id"],
                    "variation_id": line["variation_id"],
                    "quantity": -line["quantity"],
                    "tax_class": "",
                    "subtotal": f"-{line['subtotal']}",
                    "subtotal_tax": "0.00",
                    "total": f"-{line['total']}",
                    "total_tax": "0.00",
                    "taxes": [],
                    "meta_data": [
                        {"id": next(self.meta), "key": "_refunded_item_id",
                         "value": str(line["id"]), "display_key": "_refunded_item_id",
                         "display_value": str(line["id"])}
                    ],
                    "sku": line["sku"],
                    "price": -line["price"],
                }
            )  # fmt: skip
        store_credit = r["method"] == "store_credit"
        return {
            "id": refund_id,
            **woo_times(created, "date_created"),
            "amount": money(float(r["amount"])),
            "reason": r.get("reason", ""),
            "refunded_by": 1,
            "refunded_payment": not store_credit,
            "meta_data": [self.meta_entry("_refund_method", "store_credit")]
            if store_credit
            else [],
            "line_items": lines,
            "shipping_lines": [],
            "tax_lines": [],
            "fee_lines": [],
        }

    def requests(
        self, o: dict[str, Any], by_line: dict[str, dict[str, Any]], placed: datetime
    ) -> list[dict[str, Any]]:
        found = []
        for item in o["items"]:
            line_item_id = by_line[item["line_id"]]["id"]
            earlier = int(item.get("exchanges", 0)) - (item["status"] == "exchange_requested")
            for _ in range(max(0, earlier)):
                found.append({"line_item_id": line_item_id, "kind": "exchange", "status": "closed",
                              "refund_method": "", "exchange_sku": item["sku"],
                              "date": _plain(placed + timedelta(days=3))})  # fmt: skip
            if item["status"] == "return_requested":
                method = item.get("refund_method") or "original_payment"
                found.append({"line_item_id": line_item_id, "kind": "return", "status": "requested",
                              "refund_method": method, "exchange_sku": "",
                              "date": _plain(self.now - timedelta(days=1))})  # fmt: skip
            elif item["status"] == "exchange_requested":
                found.append({"line_item_id": line_item_id, "kind": "exchange",
                              "status": "requested", "refund_method": "",
                              "exchange_sku": item["exchange_sku"],
                              "date": _plain(self.now - timedelta(days=1))})  # fmt: skip
        return found


def render_woocommerce(seed: StoreSeed, now: datetime) -> dict[str, Any]:
    """Every payload the fake WooCommerce serves, with times made absolute against ``now``.

    Keys: ``store`` (site name, currency), ``products``, ``variations`` (product id -> its
    variations), ``categories``, ``tags``, ``customers``, ``orders``, ``refunds`` (order id ->
    refunds), ``providers`` (the Shipment Tracking providers) and ``ids`` (the seed's product
    and customer ids -> WooCommerce's).
    """
    order_ids = {o["number"]: _order_id(o["number"]) for o in seed.orders}
    r = _Renderer(seed, now, order_ids)
    if len(set(order_ids.values())) != len(order_ids):
        raise ValueError("two orders of the seed give the same WooCommerce order id")
    variations: dict[str, list[dict[str, Any]]] = {}
    products = [r.product(p, variations) for p in seed.products]
    customer_ids: dict[str, int] = {}
    customers = []
    for n, c in enumerate(seed.customers):
        if c.get("guest"):
            continue
        cid = int(_digits(c["id"])) if _digits(c["id"]) else 2 + n
        customer_ids[c["id"]] = cid
        customers.append(r.customer(c, cid))
    refunds: dict[str, list[dict[str, Any]]] = {}
    ordered = sorted(seed.orders, key=lambda o: when(o, "placed", now) or now)
    orders = [r.order(o, customer_ids, refunds) for o in ordered]
    return {
        "store": {"name": seed.name, "currency": seed.currency, "timezone": "Asia/Shanghai"},
        "products": products,
        "variations": variations,
        "categories": sorted(r.categories.values(), key=lambda c: c["id"]),
        "tags": sorted(r.tags.values(), key=lambda t: t["id"]),
        "customers": customers,
        "orders": orders,
        "refunds": refunds,
        "providers": PROVIDERS,
        "ids": {
            "products": {k: str(v) for k, v in r.product_ids.items()},
            "customers": {k: str(v) for k, v in customer_ids.items()},
        },
    }


def _order_id(number: str) -> int:
    digits = _digits(number)
    if not digits:
        raise ValueError(f"order {number!r} has no digits to make a WooCommerce id of")
    return int(digits)


def _provider(carrier: str) -> str:
    for group in PROVIDERS.values():
        for name in group:
            if name.lower().startswith(carrier.lower()) or carrier.lower() == name.lower():
                return name
    return ""


def _attribute_name(key: str) -> str:
    return key[:1].upper() + key[1:] if key.isascii() else key


def _plain(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if moment else None


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _slug(name: str, fallback: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or fallback
