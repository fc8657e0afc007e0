"""A store in shopbot's seed format rendered as Shopify's Admin API payloads.

The payloads follow Shopify's documentation (API version 2025-01):
- Order, with line_items, fulfillments, refunds, shipping_address, note_attributes:
  https://shopify.dev/docs/api/admin-rest/2025-01/resources/order
- Transaction: https://shopify.dev/docs/api/admin-rest/2025-01/resources/transaction
  (payment_details.credit_card_wallet: https://shopify.dev/changelog/new-credit-card-fields-added-to-transaction-s-payment-details)
- Refund: https://shopify.dev/docs/api/admin-rest/2025-01/resources/refund
- Fulfillment (status, shipment_status, tracking_*):
  https://shopify.dev/docs/api/admin-rest/2025-01/resources/fulfillment
- Customer and CustomerAddress: https://shopify.dev/docs/api/admin-rest/2025-01/resources/customer
- Product and ProductVariant: https://shopify.dev/docs/api/admin-rest/2025-01/resources/product
- What REST does not carry comes from the GraphQL Admin API: returns and exchanges
  (https://shopify.dev/docs/api/admin-graphql/2025-01/objects/Return,
  https://shopify.dev/docs/apps/build/orders-fulfillment/returns-apps/manage-exchanges) and a
  fulfillment's delivery times (Fulfillment.deliveredAt / estimatedDeliveryAt / inTransitAt,
  https://shopify.dev/docs/api/admin-graphql/2025-01/objects/Fulfillment).

shopbot's own bookkeeping on an order is one note attribute, ``shopbot_address_changes``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from itertools import count
from typing import Any

from bot.orders.platforms.seed import (
    COUNTRY_NAMES,
    REGION_NAMES,
    StoreSeed,
    money,
    split_name,
    when,
)

API_VERSION = "2025-01"
FINAL_SALE_TAG = "final-sale"
GOLD_TAG = "gold"
ADDRESS_CHANGES = "shopbot_address_changes"
LOCATION_ID = 72_000_000_001
SHOP_OFFSET = timezone(timedelta(hours=-4))  # the shop's time zone, as Shopify writes times
_SHIPMENT_STATUS = {
    "packed": "label_printed",
    "shipped": "in_transit",
    "out_for_delivery": "out_for_delivery",
    "delivered": "delivered",
}
_DISPLAY_STATUS = {
    "packed": "LABEL_PRINTED",
    "shipped": "IN_TRANSIT",
    "out_for_delivery": "OUT_FOR_DELIVERY",
    "delivered": "DELIVERED",
}
_GATEWAYS = {"paypal": "paypal", "gift_card": "gift_card", "store_credit": "shopify_store_credit"}
_CARD_COMPANIES = {"4": "Visa", "5": "Mastercard", "3": "American Express", "6": "Discover"}


def shopify_time(moment: datetime | None) -> str | None:
    return moment.astimezone(SHOP_OFFSET).isoformat(timespec="seconds") if moment else None


def gid(kind: str, number: int) -> str:
    return f"gid://shopify/{kind}/{number}"


def option_name(key: str) -> str:
    return key[:1].upper() + key[1:] if key.isascii() else key


def address_payload(address: dict[str, Any], *, name: str | None = None) -> dict[str, Any]:
    """A seed address as Shopify's MailingAddress (order shipping_address, customer address)."""
    first, last = split_name(name or address.get("name", ""))
    country = address.get("country") or "US"
    region = address.get("region", "")
    return {
        "first_name": first,
        "last_name": last,
        "name": " ".join(p for p in (first, last) if p),
        "company": None,
        "address1": address.get("line1", ""),
        "address2": address.get("line2") or None,
        "city": address.get("city", ""),
        "province": REGION_NAMES.get(country, {}).get(region, region) or None,
        "province_code": region or None,
        "zip": address.get("postcode", ""),
        "country": COUNTRY_NAMES.get(country, country),
        "country_code": country,
        "phone": address.get("phone") or None,
        "latitude": None,
        "longitude": None,
    }


class _Renderer:
    def __init__(self, seed: StoreSeed, now: datetime) -> None:
        self.seed = seed
        self.now = now
        self.ids = {
            kind: count(start)
            for kind, start in (
                ("product", 8_214_000_000_101),
                ("variant", 44_102_000_000_011),
                ("inventory", 46_201_000_000_021),
                ("customer", 7_301_000_000_031),
                ("address", 8_801_000_000_041),
                ("order", 5_601_000_000_051),
                ("line", 14_501_000_000_061),
                ("fulfillment", 4_901_000_000_071),
                ("fli", 10_301_000_000_081),
                ("refund", 930_100_000_091),
                ("transaction", 6_701_000_000_101),
                ("return", 2_101_000_000_111),
                ("exchange", 3_101_000_000_121),
            )
        }
        self.product_ids: dict[str, int] = {}
        self.variants: dict[str, dict[str, Any]] = {}  # sku -> variant payload
        self.customer_ids: dict[str, int] = {}
        self.final_sale = {
            i["product_id"] for o in seed.orders for i in o["items"] if i.get("final_sale")
        } | {p["id"] for p in seed.products if p.get("final_sale")}

    def next(self, kind: str) -> int:
        return next(self.ids[kind])

    # -- catalog --------------------------------------------------------------------------
    def product(self, p: dict[str, Any], position: int) -> dict[str, Any]:
        pid = self.next("product")
        self.product_ids[p["id"]] = pid
        created = shopify_time(self.now - timedelta(days=400 - position))
        variants = p.get("variants") or [
            {"sku": p.get("sku") or p["id"], "options": {}, "price": p.get("price", 0.0),
             "in_stock": p.get("in_stock", True)}
        ]  # fmt: skip
        keys = list(variants[0]["options"]) or ["Title"]
        options = [
            {
                "id": pid * 10 + n,
                "product_id": pid,
                "name": option_name(key),
                "position": n,
                "values": list(
                    dict.fromkeys(v["options"].get(key, "Default Title") for v in variants)
                ),
            }
            for n, key in enumerate(keys, 1)
        ]
        rendered = []
        for n, v in enumerate(variants, 1):
            values = [v["options"].get(k, "Default Title") for k in keys]
            vid = self.next("variant")
            quantity = self.seed.stock.get(v["sku"], 10 if v.get("in_stock", True) else 0)
            payload = {
                "id": vid,
                "product_id": pid,
                "title": " / ".join(values),
                "price": money(float(v["price"])),
                "sku": v["sku"],
                "position": n,
                "inventory_policy": "deny",
                "compare_at_price": None,
                "fulfillment_service": "manual",
                "inventory_management": "shopify",
                "option1": values[0],
                "option2": values[1] if len(values) > 1 else None,
                "option3": values[2] if len(values) > 2 else None,
                "created_at": created,
                "updated_at": created,
                "taxable": True,
                "barcode": None,
                "grams": 0,
                "weight": 0.0,
                "weight_unit": "kg",
                "inventory_item_id": self.next("inventory"),
                "inventory_quantity": quantity,
                "old_inventory_quantity": quantity,
                "requires_shipping": True,
                "admin_graphql_api_id": gid("ProductVariant", vid),
                "image_id": None,
            }
            self.variants[v["sku"]] = payload
            rendered.append(payload)
        tags = [FINAL_SALE_TAG] if p["id"] in self.final_sale else []
        tags += [t for t in p.get("tags", []) if t not in tags]
        return {
            "id": pid,
            "title": p["name"],
            "body_html": f"<p>{p.get('description', '')}</p>",
            "vendor": p.get("brand") or self.seed.name,
            "product_type": p.get("category", ""),
            "created_at": created,
            "handle": _handle(p["name"], p["id"]),
            "updated_at": created,
            "published_at": created,
            "template_suffix": None,
            "published_scope": "global",
            "tags": ", ".join(tags),
            "status": "active",
            "admin_graphql_api_id": gid("Product", pid),
            "variants": rendered,
            "options": options,
            "images": [],
            "image": None,
        }

    # -- customers ------------------------------------------------------------------------
    def customer(self, c: dict[str, Any], orders: list[dict[str, Any]]) -> dict[str, Any]:
        cid = self.next("customer")
        self.customer_ids[c["id"]] = cid
        first, last = (
            (c["first_name"], c["last_name"]) if "first_name" in c else split_name(c["name"])
        )
        default = {
            "id": self.next("address"),
            "customer_id": cid,
            **address_payload(c["address"], name=c.get("address", {}).get("name") or c["name"]),
            "country_name": COUNTRY_NAMES.get(c["address"].get("country", "US"), ""),
            "default": True,
        }
        addresses = [default]
        for alias in [c["alias"]] if c.get("alias") else []:
            addresses.append(
                {
                    "id": self.next("address"),
                    "customer_id": cid,
                    **address_payload(c["address"], name=alias),
                    "country_name": default["country_name"],
                    "default": False,
                }
            )
        mine = [o for o in orders if o["customer_id"] == c["id"]]
        spent = sum(p["amount"] for o in mine for p in o["payments"] if p["status"] == "captured")
        created = shopify_time(self.now - timedelta(days=500))
        return {
            "id": cid,
            "email": c["email"],
            "created_at": created,
            "updated_at": created,
            "first_name": first,
            "last_name": last,
            "orders_count": len(mine),
            "state": "enabled",
            "total_spent": money(spent),
            "last_order_id": None,
            "note": c.get("note"),
            "verified_email": True,
            "multipass_identifier": None,
            "tax_exempt": False,
            "tags": ", ".join([GOLD_TAG] if c.get("tier") == "gold" else []),
            "last_order_name": None,
            "currency": self.seed.currency,
            "phone": c.get("phone") or None,
            "addresses": addresses,
            "tax_exemptions": [],
            "email_marketing_consent": {
                "state": "not_subscribed",
                "opt_in_level": "single_opt_in",
                "consent_updated_at": None,
            },
            "sms_marketing_consent": None,
            "admin_graphql_api_id": gid("Customer", cid),
            "default_address": default,
        }

    # -- orders ---------------------------------------------------------------------------
    def order(self, o: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
        oid = self.next("order")
        status = o["status"]
        placed = when(o, "placed", self.now) or self.now
        shipped = when(o, "shipped", self.now)
        delivered = when(o, "delivered", self.now)
        customer = self.seed.customer(o["customer_id"])
        lines = [self.line(item) for item in o["items"]]
        by_line = {item["line_id"]: line for item, line in zip(o["items"], lines, strict=True)}
        hidden = []  # lines an earlier exchange took out of the order (quantity now 0)
        for item in o["items"]:
            for _ in range(
                int(item.get("exchanges", 0)) - (item["status"] == "exchange_requested")
            ):
                hidden.append((item, self.earlier_line(item)))
        all_lines = lines + [line for _, line in hidden]
        fulfilled = status in _SHIPMENT_STATUS
        fulfillments: list[dict[str, Any]] = []
        graph = data["graphql"]
        if fulfilled or status == "processing":
            fid = self.next("fulfillment")
            tracking = o.get("tracking_number") or ""
            fulfillments.append(
                {
                    "id": fid,
                    "admin_graphql_api_id": gid("Fulfillment", fid),
                    "created_at": shopify_time(shipped or placed + timedelta(hours=6)),
                    "location_id": LOCATION_ID,
                    "name": f"{o['number']}.1",
                    "order_id": oid,
                    "origin_address": {},
                    "receipt": {},
                    "service": "manual",
                    "shipment_status": _SHIPMENT_STATUS.get(status),
                    "status": "success" if fulfilled else "open",
                    "tracking_company": o.get("carrier") or None,
                    "tracking_number": tracking or None,
                    "tracking_numbers": [tracking] if tracking else [],
                    "tracking_url": o.get("tracking_url") or None,
                    "tracking_urls": [o["tracking_url"]] if o.get("tracking_url") else [],
                    "updated_at": shopify_time(delivered or shipped or placed),
                    "line_items": [dict(line) for line in lines] if fulfilled else [],
                }
            )
            graph["fulfillments"][str(fid)] = {
                "displayStatus": _DISPLAY_STATUS.get(status, "PENDING_FULFILLMENT"),
                "inTransitAt": shopify_time(shipped) if status != "packed" else None,
                "deliveredAt": shopify_time(delivered),
                "estimatedDeliveryAt": shopify_time(when(o, "estimated_delivery", self.now)),
                "fulfillmentLineItems": [
                    {"id": gid("FulfillmentLineItem", self.next("fli")),
                     "lineItem": {"id": line["admin_graphql_api_id"]},
                     "quantity": line["quantity"]}
                    for line in all_lines
                ],
            }  # fmt: skip
        for line in all_lines:
            if fulfilled:
                line["fulfillment_status"] = "fulfilled"
                line["fulfillable_quantity"] = 0
        transactions = self.transactions(o, oid, customer["name"], placed)
        refunds = [self.refund(o, r, oid, by_line, transactions) for r in o.get("refunds", [])]
        data["transactions"][str(oid)] = transactions
        returns = self.returns(o, oid, by_line, hidden, fulfillments, graph)
        if returns:
            graph["returns"][str(oid)] = returns
        cancelled = placed + timedelta(hours=3) if status == "cancelled" else None
        subtotal = sum(float(line["price"]) * line["quantity"] for line in lines)
        shipping = float(o.get("shipping_cost", 0.0))
        return {
            "id": oid,
            "admin_graphql_api_id": gid("Order", oid),
            "app_id": 580111,
            "browser_ip": None,
            "buyer_accepts_marketing": False,
            "cancel_reason": "customer" if cancelled else None,
            "cancelled_at": shopify_time(cancelled),
            "closed_at": shopify_time(cancelled or delivered),
            "confirmation_number": _handle(o["number"], "X").upper()[:9],
            "confirmed": True,
            "contact_email": customer["email"],
            "created_at": shopify_time(placed),
            "currency": o.get("currency", self.seed.currency),
            "current_subtotal_price": money(subtotal),
            "current_total_price": money(subtotal + shipping),
            "customer_locale": "zh-CN" if re.search(r"[\u4e00-\u9fff]", customer["name"]) else "en",
            "email": customer["email"],
            "financial_status": _financial_status(o["payments"]),
            "fulfillment_status": "fulfilled" if fulfilled else None,
            "name": o["number"],
            "note": None,
            "note_attributes": (
                [{"name": ADDRESS_CHANGES, "value": str(o["address_changes"])}]
                if o.get("address_changes")
                else []
            ),
            "number": int(_digits(o["number"])) - 1000,
            "order_number": int(_digits(o["number"])),
            "order_status_url": f"https://{_handle(self.seed.name, 'shop')}.example/orders/{oid}",
            "payment_gateway_names": sorted({t["gateway"] for t in transactions}),
            "phone": customer.get("phone") or None,
            "presentment_currency": o.get("currency", self.seed.currency),
            "processed_at": shopify_time(placed),
            "source_name": "web",
            "subtotal_price": money(subtotal),
            "tags": "",
            "taxes_included": False,
            "test": False,
            "total_discounts": "0.00",
            "total_line_items_price": money(subtotal),
            "total_price": money(subtotal + shipping),
            "total_shipping_price_set": {
                "shop_money": {"amount": money(shipping), "currency_code": self.seed.currency},
                "presentment_money": {
                    "amount": money(shipping),
                    "currency_code": self.seed.currency,
                },
            },
            "total_tax": "0.00",
            "total_weight": 0,
            "updated_at": shopify_time(delivered or shipped or cancelled or placed),
            "billing_address": address_payload(customer["address"], name=customer["name"]),
            "customer": {
                "id": self.customer_ids[o["customer_id"]],
                "email": customer["email"],
                "first_name": split_name(customer["name"])[0],
                "last_name": split_name(customer["name"])[1],
                "admin_graphql_api_id": gid("Customer", self.customer_ids[o["customer_id"]]),
            },
            "discount_codes": [],
            "fulfillments": fulfillments,
            "line_items": all_lines,
            "refunds": refunds,
            "shipping_address": address_payload(o["address"]),
            "shipping_lines": [
                {
                    "id": oid + 7,
                    "code": o.get("shipping_method", "standard"),
                    "price": money(shipping),
                    "source": "shopify",
                    "title": o.get("shipping_method", "standard").replace("_", " ").title(),
                    "carrier_identifier": None,
                }
            ],
        }

    def line(self, item: dict[str, Any]) -> dict[str, Any]:
        lid = self.next("line")
        variant = self.variants[item["sku"]]
        product = self.seed.product(item["product_id"])
        title = variant["title"]
        return {
            "id": lid,
            "admin_graphql_api_id": gid("LineItem", lid),
            "current_quantity": item["quantity"],
            "fulfillable_quantity": item["quantity"],
            "fulfillment_service": "manual",
            "fulfillment_status": None,
            "gift_card": False,
            "grams": 0,
            "name": f"{product['name']} - {title}" if title != "Default Title" else product["name"],
            "price": money(float(item["unit_price"])),
            "product_exists": True,
            "product_id": self.product_ids[item["product_id"]],
            "properties": [],
            "quantity": item["quantity"],
            "requires_shipping": True,
            "sku": item["sku"],
            "taxable": True,
            "title": product["name"],
            "total_discount": "0.00",
            "variant_id": variant["id"],
            "variant_inventory_management": "shopify",
            "variant_title": title if title != "Default Title" else None,
            "vendor": product.get("brand") or self.seed.name,
            "tax_lines": [],
            "duties": [],
            "discount_allocations": [],
        }

    def earlier_line(self, item: dict[str, Any]) -> dict[str, Any]:
        """The line an earlier exchange replaced by ``item``: another variant, quantity 0."""
        product = self.seed.product(item["product_id"])
        other = next(
            (v for v in product.get("variants", []) if v["sku"] != item["sku"]),
            {"sku": item["sku"]},
        )
        line = self.line({**item, "sku": other["sku"]})
        line["current_quantity"] = 0
        return line

    def transactions(
        self, o: dict[str, Any], oid: int, holder: str, placed: datetime
    ) -> list[dict[str, Any]]:
        found = []
        for p in o["payments"]:
            created = when(p, "created", self.now) or placed
            gateway = _GATEWAYS.get(p["method"], "shopify_payments")
            details = None
            if gateway == "shopify_payments":
                last4 = p.get("last4") or ""
                details = {
                    "credit_card_bin": None,
                    "avs_result_code": None,
                    "cvv_result_code": None,
                    "credit_card_number": f"•••• •••• •••• {last4}" if last4 else None,
                    "credit_card_company": _CARD_COMPANIES.get(last4[:1], "Visa"),
                    "credit_card_name": holder,
                    "credit_card_wallet": p["method"] if p["method"] != "card" else None,
                    "credit_card_expiration_month": 11,
                    "credit_card_expiration_year": self.now.year + 2,
                    "buyer_action_info": None,
                }
            kind = "authorization" if p["status"] in ("authorized", "released") else "sale"
            tid = self.next("transaction")
            base = {
                "id": tid,
                "admin_graphql_api_id": gid("OrderTransaction", tid),
                "amount": money(float(p["amount"])),
                "authorization": p.get("reference") or None,
                "created_at": shopify_time(created),
                "currency": o.get("currency", self.seed.currency),
                "device_id": None,
                "error_code": None,
                "gateway": gateway,
                "kind": kind,
                "location_id": None,
                "message": None,
                "order_id": oid,
                "parent_id": None,
                "payment_details": details,
                "processed_at": shopify_time(created),
                "receipt": {},
                "source_name": "web",
                "status": "success",
                "test": False,
                "user_id": None,
            }
            found.append(base)
            if p["status"] == "released":
                vid = self.next("transaction")
                found.append(
                    {**base, "id": vid, "admin_graphql_api_id": gid("OrderTransaction", vid),
                     "kind": "void", "parent_id": tid, "authorization": None,
                     "created_at": shopify_time(created + timedelta(hours=2)),
                     "processed_at": shopify_time(created + timedelta(hours=2))}
                )  # fmt: skip
        return found

    def refund(
        self,
        o: dict[str, Any],
        r: dict[str, Any],
        oid: int,
        by_line: dict[str, dict[str, Any]],
        transactions: list[dict[str, Any]],
    ) -> dict[str, Any]:
        rid = self.next("refund")
        created = shopify_time(when(r, "created", self.now) or self.now)
        parent = next(t for t in transactions if t["kind"] in ("sale", "capture"))
        restock = "return" if r.get("line_ids") else "cancel"
        chosen = r.get("line_ids") or list(by_line)
        tid = self.next("transaction")
        refund_txn = {
            **parent,
            "id": tid,
            "admin_graphql_api_id": gid("OrderTransaction", tid),
            "kind": "refund",
            "parent_id": parent["id"],
            "amount": money(float(r["amount"])),
            "gateway": "shopify_store_credit"
            if r["method"] == "store_credit"
            else parent["gateway"],
            "created_at": created,
            "processed_at": created,
            "authorization": None,
        }
        transactions.append(refund_txn)
        return {
            "id": rid,
            "admin_graphql_api_id": gid("Refund", rid),
            "created_at": created,
            "note": r.get("reason") or None,
            "order_id": oid,
            "processed_at": created,
            "restock": True,
            "user_id": None,
            "duties": [],
            "order_adjustments": [],
            "refund_line_items": [
                {
                    "id": rid * 10 + n,
                    "line_item_id": by_line[line_id]["id"],
                    "location_id": LOCATION_ID,
                    "quantity": by_line[line_id]["quantity"],
                    "restock_type": restock,
                    "subtotal": float(by_line[line_id]["price"]) * by_line[line_id]["quantity"],
                    "total_tax": 0.0,
                    "line_item": dict(by_line[line_id]),
                }
                for n, line_id in enumerate(chosen)
            ],
            "transactions": [refund_txn],
        }

    def returns(
        self,
        o: dict[str, Any],
        oid: int,
        by_line: dict[str, dict[str, Any]],
        hidden: list[tuple[dict[str, Any], dict[str, Any]]],
        fulfillments: list[dict[str, Any]],
        graph: dict[str, Any],
    ) -> list[dict[str, Any]]:
        if not fulfillments:
            return []
        flis = {
            f["lineItem"]["id"]: f
            for f in graph["fulfillments"][str(fulfillments[0]["id"])]["fulfillmentLineItems"]
        }
        found: list[dict[str, Any]] = []

        def add(status: str, line: dict[str, Any], note: str, exchange: dict[str, Any] | None,
                produced: list[dict[str, Any]]) -> None:  # fmt: skip
            rid = self.next("return")
            fli = flis[line["admin_graphql_api_id"]]
            exchanges = []
            if exchange is not None:
                xid = self.next("exchange")
                exchanges.append(
                    {
                        "id": gid("ExchangeLineItem", xid),
                        "quantity": line["quantity"] or 1,
                        "variantId": exchange["admin_graphql_api_id"],
                        "lineItems": [
                            {"id": p["admin_graphql_api_id"], "sku": p["sku"]} for p in produced
                        ],
                    }
                )
            found.append(
                {
                    "id": gid("Return", rid),
                    "name": f"{o['number']}-R{len(found) + 1}",
                    "status": status,
                    "returnLineItems": [
                        {"id": gid("ReturnLineItem", rid * 10 + 1),
                         "quantity": line["quantity"] or 1,
                         "returnReason": "OTHER",
                         "returnReasonNote": note,
                         "fulfillmentLineItem": {"id": fli["id"],
                                                 "lineItem": {"id": line["admin_graphql_api_id"]}}}
                    ],
                    "exchangeLineItems": exchanges,
                }
            )  # fmt: skip

        for item, earlier in hidden:
            add("CLOSED", earlier, "", self.variants[item["sku"]], [by_line[item["line_id"]]])
        refunded = {i for r in o.get("refunds", []) for i in r.get("line_ids", [])}
        for item in o["items"]:
            line = by_line[item["line_id"]]
            method = item.get("refund_method") or "original_payment"
            if item["status"] == "return_requested":
                add("OPEN", line, f"refund_method: {method}", None, [])
            elif item["status"] == "exchange_requested":
                add("OPEN", line, "", self.variants[item["exchange_sku"]], [])
            elif item["status"] == "returned" or item["line_id"] in refunded:
                add("CLOSED", line, f"refund_method: {method}", None, [])
        return found


def render_shopify(seed: StoreSeed, now: datetime) -> dict[str, Any]:
    """Every payload the fake Shopify serves, with times made absolute against ``now``.

    Keys: ``shop``, ``products``, ``customers``, ``orders`` (REST payloads),
    ``transactions`` (order id -> REST transactions), ``graphql`` (``fulfillments``: delivery
    times and fulfillment line items by fulfillment id; ``returns`` by order id) and ``ids``
    (the seed's product and customer ids -> Shopify's).
    """
    r = _Renderer(seed, now)
    data: dict[str, Any] = {
        "shop": {
            "id": 60_225_000_001,
            "name": seed.name,
            "email": f"support@{_handle(seed.name, 'shop')}.example",
            "domain": f"{_handle(seed.name, 'shop')}.example",
            "myshopify_domain": f"{_handle(seed.name, 'shop')}.myshopify.com",
            "currency": seed.currency,
            "iana_timezone": "America/Toronto",
            "timezone": "(GMT-05:00) America/Toronto",
            "primary_locale": "en",
            "plan_name": "shopify",
            "created_at": shopify_time(now - timedelta(days=900)),
        },
        "products": [],
        "customers": [],
        "orders": [],
        "transactions": {},
        "graphql": {"fulfillments": {}, "returns": {}},
    }
    data["products"] = [r.product(p, n) for n, p in enumerate(seed.products)]
    data["customers"] = [r.customer(c, seed.orders) for c in seed.customers]
    orders = sorted(seed.orders, key=lambda o: when(o, "placed", now) or now)
    data["orders"] = [r.order(o, data) for o in orders]
    by_customer = {c["id"]: c for c in data["customers"]}
    for order in data["orders"]:
        customer = by_customer[order["customer"]["id"]]
        customer["last_order_id"] = order["id"]
        customer["last_order_name"] = order["name"]
    data["ids"] = {
        "products": {k: str(v) for k, v in r.product_ids.items()},
        "customers": {k: str(v) for k, v in r.customer_ids.items()},
    }
    return data


def _financial_status(payments: list[dict[str, Any]]) -> str:
    states = {p["status"] for p in payments}
    if "partially_refunded" in states:
        return "partially_refunded"
    if "refunded" in states:
        return "refunded" if states <= {"refunded", "released"} else "partially_refunded"
    if "captured" in states:
        return "paid"
    if "authorized" in states:
        return "authorized"
    if states and states <= {"released"}:
        return "voided"
    return "pending"


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit()) or "0"


def _handle(name: str, fallback: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or re.sub(r"[^a-z0-9]+", "-", fallback.lower()).strip("-")
