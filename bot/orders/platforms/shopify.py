"""`OrderSystem` over a Shopify store's Admin API (REST, plus GraphQL where REST has nothing).

Settings (``orders.shopify``): ``store_url`` (https://your-store.myshopify.com), ``access_token``
(from the environment only: ``SHOPBOT_ORDERS__SHOPIFY__ACCESS_TOKEN``; never logged),
``api_version``, ``gold_tags``, ``final_sale_tag``. The app needs the scopes read_orders,
write_orders, read_customers, read_products, read_returns and write_returns.

What is read where (documentation: https://shopify.dev/docs/api/admin-rest/2025-01/):
- orders by name: ``GET orders.json?name=&status=any``; a customer's orders:
  ``GET customers/{id}/orders.json?status=any`` (paginated by ``Link``); customers by e-mail or
  name: ``GET customers/search.json?query=``; variants and stock: ``GET products/{id}.json``.
- one GraphQL query per batch of orders (``nodes(ids:)``) for what REST lacks: transactions
  with card details, each fulfillment's delivery times and fulfillment line items, and the
  order's returns and exchanges (https://shopify.dev/docs/api/admin-graphql/2025-01/objects/Order).
- orders placed without an account (``customer`` is null: POS, some sales channels) are the
  guest ``guest:<e-mail>``, found by GraphQL's order search ``orders(query: "email:...")``
  (REST cannot filter orders by e-mail), like WooCommerce's guests.
- changes: cancel ``POST orders/{id}/cancel.json`` (the payment refunded or voided), address
  ``PUT orders/{id}.json`` (``shipping_address``, and the count of changes in the note
  attribute ``shopbot_address_changes``), returns and exchanges with the GraphQL mutation
  ``returnCreate`` (REST has no returns).

How Shopify's states become shopbot's: a cancelled order is ``cancelled``; no fulfillment yet is
``pending``; a fulfillment still with the warehouse (``open``/``pending``) or only part of the
items sent is ``processing``; a successful fulfillment is ``packed`` (shipment status
``label_printed``/``label_purchased``), ``shipped``, ``out_for_delivery`` or ``delivered`` by
its shipment status. Line ids are the positions of the order's line items ("1", "2", ...);
lines an exchange replaced (current quantity 0) are left out. The policy's windows are checked
by `bot.orders.policy`; this class refuses changes the order's state does not allow, as the
demo store does, because Shopify itself would accept most of them.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from bot.errors import ChangeRejected, ConfigError, OrderNotFound, OrderSystemError
from bot.orders.platforms.catalog import catalog_line, catalog_variants
from bot.orders.platforms.checks import (
    chosen_lines,
    may_cancel,
    may_readdress,
    must_be_delivered,
)
from bot.orders.platforms.matching import (
    full_name,
    order_key,
    postcode_queries,
    same_name,
    same_postcode,
)
from bot.orders.platforms.seed import split_name
from bot.orders.platforms.transport import PlatformAPI
from bot.orders.system import (
    Address,
    Customer,
    Order,
    OrderItem,
    Payment,
    Refund,
    RefundMethod,
    VariantStock,
)
from bot.settings import OrdersSettings

ADDRESS_CHANGES = "shopbot_address_changes"
GUEST = "guest:"
_PRODUCT_TTL_S = 300.0
_BATCH = 25
_REFUND_NOTE = re.compile(r"refund_method:\s*(original_payment|store_credit)")
_SHIPMENT = {
    "label_printed": "packed",
    "label_purchased": "packed",
    "out_for_delivery": "out_for_delivery",
    "delivered": "delivered",
}
_RANK = ["processing", "packed", "shipped", "out_for_delivery", "delivered"]
_METHODS = {"express": "express", "next_day": "next_day", "overnight": "next_day"}
_WALLETS = {"APPLE_PAY": "apple_pay", "GOOGLE_PAY": "google_pay", "ANDROID_PAY": "google_pay"}

DETAILS = """
query ShopbotOrderDetails($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Order {
      id
      transactions(first: 50) {
        id kind status gateway createdAt authorizationCode
        parentTransaction { id }
        amountSet { shopMoney { amount currencyCode } }
        paymentDetails { ... on CardPaymentDetails { number company wallet } }
      }
      fulfillments(first: 20) {
        id status displayStatus createdAt inTransitAt deliveredAt estimatedDeliveryAt
        fulfillmentLineItems(first: 100) { nodes { id quantity lineItem { id } } }
      }
      returns(first: 20) {
        nodes {
          id name status
          returnLineItems(first: 100) {
            nodes {
              ... on ReturnLineItem {
                id quantity returnReasonNote fulfillmentLineItem { id lineItem { id } }
              }
            }
          }
          exchangeLineItems(first: 50) { nodes { id quantity variantId lineItems { id sku } } }
        }
      }
    }
  }
}
"""
GUEST_ORDERS = """
query ShopbotGuestOrders($query: String!) {
  orders(first: 50, query: $query) { nodes { legacyResourceId email customer { id } } }
}
"""
RETURN_CREATE = """
mutation ShopbotReturnCreate($returnInput: ReturnInput!) {
  returnCreate(returnInput: $returnInput) {
    return { id name status }
    userErrors { field message }
  }
}
"""


class ShopifyOrderSystem:
    """A Shopify store's customers and orders (see the module docstring)."""

    name = "shopify"
    keeps_payment_transactions = True  # every authorization and capture is its own payment

    def __init__(
        self,
        settings: OrdersSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        shop = settings.shopify
        if not shop.store_url:
            raise ConfigError(
                "The orders backend is 'shopify' but no store is set: set "
                "SHOPBOT_ORDERS__SHOPIFY__STORE_URL (e.g. https://your-store.myshopify.com)."
            )
        if shop.access_token is None:
            raise ConfigError(
                "The orders backend is 'shopify' but no access token is set: create an Admin "
                "API access token for your store and set SHOPBOT_ORDERS__SHOPIFY__ACCESS_TOKEN."
            )
        self.settings = shop
        self.api = PlatformAPI(
            "Shopify",
            f"{shop.store_url.rstrip('/')}/admin/api/{shop.api_version}",
            credentials_hint="SHOPBOT_ORDERS__SHOPIFY__ACCESS_TOKEN (an Admin API access token "
            "with the orders, customers, products and returns scopes)",
            headers={"X-Shopify-Access-Token": shop.access_token.get_secret_value()},
            timeout_s=shop.timeout_s,
            sleep=sleep,
            transport=transport,
        )
        self._sleep = sleep
        self._cancellable = tuple(settings.cancellable_statuses)
        self._address_changeable = tuple(settings.address_change_statuses)
        self._products: dict[int, tuple[float, dict[str, Any] | None]] = {}
        self._variant_skus: dict[str, str] = {}
        self._name_parts: tuple[str, str] | None = None
        self._exchange_lock = threading.Lock()

    def close(self) -> None:
        self.api.close()

    # -- customers ------------------------------------------------------------------------
    def _customer(self, c: dict[str, Any]) -> Customer:
        default = c.get("default_address") or (c.get("addresses") or [{}])[0]
        tags = {t.strip().lower() for t in (c.get("tags") or "").split(",")}
        gold = {t.lower() for t in self.settings.gold_tags}
        return Customer(
            id=str(c["id"]),
            name=full_name(c.get("first_name"), c.get("last_name")) or default.get("name", ""),
            email=c.get("email") or "",
            postcode=default.get("zip") or "",
            phone=c.get("phone") or default.get("phone") or "",
            tier="gold" if tags & gold else "member",
        )

    def _search(self, query: str) -> list[dict[str, Any]]:
        return list(self.api.pages("customers/search.json", {"query": query, "limit": 50},
                                   "customers"))  # fmt: skip

    def find_customer_by_email(self, email: str) -> Customer | None:
        email = email.strip()
        if "@" not in email:
            return None
        for c in self._search(f'email:"{email}"'):
            if (c.get("email") or "").casefold() == email.casefold():
                return self._customer(c)
        guest = self._guest_orders(email)
        return _guest(guest[0]) if guest else None

    def _guest_orders(self, email: str) -> list[dict[str, Any]]:
        """The orders under this e-mail that have no customer (see the module docstring)."""
        if '"' in email or "@" not in email:
            return []
        data = self._graphql(GUEST_ORDERS, "ShopbotGuestOrders", {"query": f'email:"{email}"'})
        ids = [
            str(node["legacyResourceId"])
            for node in (data.get("orders") or {}).get("nodes") or []
            if not node.get("customer") and (node.get("email") or "").casefold() == email.casefold()
        ]
        if not ids:
            return []
        found = self.api.pages(
            "orders.json", {"ids": ",".join(ids), "status": "any", "limit": 250}, "orders"
        )
        return sorted(found, key=lambda o: o["created_at"], reverse=True)

    def find_customer_by_name(self, name: str, postcode: str) -> Customer | None:
        name, postcode = " ".join(name.split()), postcode.strip()
        if not name or not postcode:
            return None
        for query in (name, *postcode_queries(postcode)):  # searches may not fold accents
            for c in sorted(self._search(query), key=lambda c: c["id"]):
                addresses = c.get("addresses") or [c.get("default_address") or {}]
                names = [full_name(c.get("first_name"), c.get("last_name"))] + [
                    full_name(a.get("first_name"), a.get("last_name")) for a in addresses
                ]
                if same_name(name, *names) and any(
                    same_postcode(postcode, a.get("zip") or "") for a in addresses
                ):
                    return self._customer(c)
        return self._by_billing_name(name, postcode)

    def _by_billing_name(self, name: str, postcode: str) -> Customer | None:
        """The customer at that postcode whose own orders are billed to that name ("Pablo
        Wang" for 王建国): a name the store holds for them, on their orders."""
        seen: set[int] = set()
        for query in postcode_queries(postcode):
            for c in sorted(self._search(query), key=lambda c: c["id"]):
                if c["id"] in seen:
                    continue
                seen.add(c["id"])
                addresses = c.get("addresses") or [c.get("default_address") or {}]
                if not any(same_postcode(postcode, a.get("zip") or "") for a in addresses):
                    continue
                orders = self.api.pages(
                    f"customers/{c['id']}/orders.json", {"status": "any", "limit": 250}, "orders"
                )
                for o in orders:
                    billing = o.get("billing_address") or {}
                    billed = full_name(billing.get("first_name"), billing.get("last_name"))
                    if same_name(name, billed) and same_postcode(
                        postcode, billing.get("zip") or ""
                    ):
                        return self._customer(c)
        return None

    def get_customer(self, customer_id: str) -> Customer | None:
        if customer_id.startswith(GUEST):
            guest = self._guest_orders(customer_id[len(GUEST) :])
            return _guest(guest[0]) if guest else None
        if not customer_id.strip().isdigit():
            return None
        data = self.api.get(f"customers/{customer_id.strip()}.json")
        return self._customer(data["customer"]) if data else None

    # -- orders ---------------------------------------------------------------------------
    def _name_pattern(self) -> tuple[str, str]:
        """What the store writes around its order numbers ("#" and "", or "NW-" and "")."""
        if self._name_parts is None:
            sample = next(self.api.pages("orders.json", {"status": "any", "limit": 1}, "orders"),
                          None)  # fmt: skip
            parts = ("#", "")
            if sample and str(sample.get("order_number", "")) in sample.get("name", ""):
                head, _, tail = sample["name"].partition(str(sample["order_number"]))
                parts = (head, tail)
            self._name_parts = parts
        return self._name_parts

    def _find(self, reference: str) -> dict[str, Any] | None:
        key = order_key(reference)
        if not key:
            return None
        names = [reference.strip().lstrip("#").strip()]
        wanted = {key}
        digits = re.search(r"\d+$", key)
        if digits:  # "1188", "nw 104233": the store's own way of writing that number
            head, tail = self._name_pattern()
            spelled = f"{head}{digits.group(0)}{tail}"
            if key.isdigit() or order_key(spelled) == key:
                names.append(spelled)
                wanted.add(order_key(spelled))
        for name in dict.fromkeys(names):
            for o in self.api.pages("orders.json", {"name": name, "status": "any", "limit": 50},
                                    "orders"):  # fmt: skip
                if order_key(o.get("name", "")) in wanted:
                    return dict(o)
        return None

    def get_order(self, number: str) -> Order | None:
        found = self._find(number)
        return self._orders([found])[0] if found else None

    def list_orders(self, customer_id: str) -> list[Order]:
        if customer_id.startswith(GUEST):
            return self._orders(self._guest_orders(customer_id[len(GUEST) :]))
        if not customer_id.strip().isdigit():
            return []
        found = list(
            self.api.pages(f"customers/{customer_id.strip()}/orders.json",
                           {"status": "any", "limit": 250}, "orders")
        )  # fmt: skip
        orders = self._orders(found)
        return sorted(orders, key=lambda o: (o.placed_at, o.number), reverse=True)

    def _orders(self, natives: list[dict[str, Any]]) -> list[Order]:
        details: dict[str, dict[str, Any]] = {}
        for start in range(0, len(natives), _BATCH):
            ids = [_gid("Order", o["id"]) for o in natives[start : start + _BATCH]]
            for node in self._graphql(DETAILS, "ShopbotOrderDetails", {"ids": ids})["nodes"]:
                if node:
                    details[node["id"]] = node
        return [self._order(o, details.get(_gid("Order", o["id"]), {})) for o in natives]

    def _graphql(self, document: str, operation: str, variables: dict[str, Any]) -> Any:
        body = {"query": document, "operationName": operation, "variables": variables}
        for attempt in range(1, self.api.max_retries + 2):
            answer = self.api.send("POST", "graphql.json", body) or {}
            errors = answer.get("errors") or []
            throttled = any((e.get("extensions") or {}).get("code") == "THROTTLED" for e in errors)
            if throttled and attempt <= self.api.max_retries:
                status = ((answer.get("extensions") or {}).get("cost") or {}).get(
                    "throttleStatus"
                ) or {}
                wait = 1.0
                if status.get("restoreRate"):
                    wait = max(0.5, 100.0 / float(status["restoreRate"]))
                self.api._wait(min(self.api.max_wait_s, wait), "GraphQL THROTTLED")
                continue
            if errors:
                words = "; ".join(str(e.get("message", e)) for e in errors)
                raise OrderSystemError(f"Shopify's GraphQL API refused {operation}: {words}")
            return answer.get("data") or {}
        raise OrderSystemError(f"Shopify's GraphQL API kept throttling {operation}.")

    def _order(self, o: dict[str, Any], extra: dict[str, Any]) -> Order:
        fulfillments = extra.get("fulfillments") or []
        times = {f["id"]: f for f in fulfillments}
        shipped = [
            f
            for f in o.get("fulfillments") or []
            if f.get("status") not in ("cancelled", "error", "failure")
        ]
        status = _status(o, shipped)
        tracked = next((f for f in shipped if f.get("tracking_number")), None)
        when = times.get(_gid("Fulfillment", tracked["id"])) if tracked else None
        delivered_at = None
        if status == "delivered":
            moments = [
                times.get(_gid("Fulfillment", f["id"]), {}).get("deliveredAt") for f in shipped
            ]
            delivered_at = max(
                (t for m in moments if m and (t := _time(m))), default=None
            ) or _time((tracked or shipped[-1]).get("updated_at"))
        items = self._items(o, extra)
        note = {a.get("name"): a.get("value") for a in o.get("note_attributes") or []}
        shipping = (o.get("total_shipping_price_set") or {}).get("shop_money") or {}
        method = ((o.get("shipping_lines") or [{}])[0].get("code") or "standard").lower()
        return Order(
            number=o["name"],
            customer_id=_customer_id(o),
            status=status,  # type: ignore[arg-type]
            placed_at=_time(o["created_at"]),  # type: ignore[arg-type]
            address=_address(o.get("shipping_address") or {}),
            items=tuple(items),
            payments=tuple(_payments(extra.get("transactions") or [])),
            refunds=tuple(_refunds(o)),
            currency=o.get("currency") or "USD",
            shipping_cost=float(shipping.get("amount") or 0.0),
            shipping_method=_METHODS.get(method, "standard"),  # type: ignore[arg-type]
            shipped_at=_time((when or {}).get("inTransitAt") or (tracked or {}).get("created_at"))
            if status in ("shipped", "out_for_delivery", "delivered")
            else None,
            delivered_at=delivered_at,
            carrier=(tracked or {}).get("tracking_company") or "",
            tracking_number=(tracked or {}).get("tracking_number") or "",
            tracking_url=(tracked or {}).get("tracking_url") or "",
            estimated_delivery=_time((when or {}).get("estimatedDeliveryAt")),
            address_changes=int(note.get(ADDRESS_CHANGES) or 0),
        )

    def _items(self, o: dict[str, Any], extra: dict[str, Any]) -> list[OrderItem]:
        lines = o.get("line_items") or []
        position = {_gid("LineItem", line["id"]): str(n) for n, line in enumerate(lines, 1)}
        state: dict[str, dict[str, Any]] = {p: {"exchanges": 0} for p in position.values()}
        for refund in o.get("refunds") or []:
            method = _refund_method(refund.get("transactions") or [])
            for r in refund.get("refund_line_items") or []:
                if r.get("restock_type") != "cancel":
                    line = position.get(_gid("LineItem", r["line_item_id"]))
                    if line:
                        state[line].update(status="returned", refund_method=method)
        for ret in (extra.get("returns") or {}).get("nodes") or []:
            if ret["status"] in ("CANCELED", "DECLINED"):
                continue
            exchanges = (ret.get("exchangeLineItems") or {}).get("nodes") or []
            open_ = ret["status"] in ("OPEN", "REQUESTED")
            for rli in (ret.get("returnLineItems") or {}).get("nodes") or []:
                line = position.get(((rli.get("fulfillmentLineItem") or {}).get("lineItem") or {})
                                    .get("id", ""))  # fmt: skip
                if not line:
                    continue
                if exchanges:
                    state[line]["exchanges"] += 1
                    if open_:
                        sku = self._variant_sku(exchanges[0].get("variantId", ""))
                        state[line].update(status="exchange_requested", exchange_sku=sku)
                    for made in exchanges:
                        for new in made.get("lineItems") or []:
                            if new["id"] in position:
                                state[position[new["id"]]]["exchanges"] += 1
                elif open_:
                    match = _REFUND_NOTE.search(rli.get("returnReasonNote") or "")
                    method = match.group(1) if match else "original_payment"
                    state[line].update(status="return_requested", refund_method=method)
                elif state[line].get("status") != "return_requested":
                    state[line].setdefault("status", "returned")
        items = []
        for n, line in enumerate(lines, 1):
            quantity = int(line.get("current_quantity", line.get("quantity", 0)))
            if quantity <= 0:
                continue
            product = self._product(line.get("product_id"))
            names = [opt["name"].lower() for opt in (product or {}).get("options", [])]
            values = (
                (line.get("variant_title") or "").split(" / ") if line.get("variant_title") else []
            )
            tags = {t.strip().lower() for t in ((product or {}).get("tags") or "").split(",")}
            flags = {p.get("name"): p.get("value") for p in line.get("properties") or []}
            s = state[str(n)]
            items.append(
                OrderItem(
                    line_id=str(n),
                    sku=line.get("sku") or "",
                    product_id=str(line.get("product_id") or ""),
                    name=line.get("title") or line.get("name") or "",
                    options=dict(zip(names, values, strict=False)),
                    quantity=quantity,
                    unit_price=float(line.get("price") or 0.0),
                    category=(product or {}).get("product_type") or "",
                    final_sale=self.settings.final_sale_tag.lower() in tags
                    or str(flags.get("_final_sale", "")).lower() == "true",
                    status=s.get("status", "ordered"),
                    exchanges=s["exchanges"],
                    exchange_sku=s.get("exchange_sku", ""),
                    refund_method=s.get("refund_method", ""),
                )
            )
        return items

    # -- products -------------------------------------------------------------------------
    def _product(self, product_id: Any, fresh: bool = False) -> dict[str, Any] | None:
        if not str(product_id or "").isdigit():
            return None
        pid = int(product_id)
        cached = self._products.get(pid)
        if cached and not fresh and time.monotonic() - cached[0] < _PRODUCT_TTL_S:
            return cached[1]
        data = self.api.get(f"products/{pid}.json")
        product = data["product"] if data else None
        self._products[pid] = (time.monotonic(), product)
        return product

    def _variant_sku(self, variant_gid: str) -> str:
        if variant_gid not in self._variant_skus:
            number = variant_gid.rsplit("/", 1)[-1]
            data = self.api.get(f"variants/{number}.json") if number.isdigit() else None
            self._variant_skus[variant_gid] = (data or {}).get("variant", {}).get("sku") or ""
        return self._variant_skus[variant_gid]

    def variants(self, product_id: str) -> list[VariantStock]:
        product = self._product(product_id.strip(), fresh=True)
        if product is None:
            return []
        return [_variant_stock(product, v) for v in product.get("variants", [])]

    def catalog(self) -> Iterator[dict[str, Any]]:
        """The store's active products as catalog lines (``shopbot ingest --from shopify``)."""
        shop = (self.api.get("shop.json") or {}).get("shop", {})
        domain = shop.get("domain") or shop.get("myshopify_domain") or ""
        for p in self.api.pages("products.json", {"status": "active", "limit": 250}, "products"):
            found = [_variant_stock(p, v) for v in p.get("variants", [])]
            yield catalog_line(
                product_id=str(p["id"]),
                name=p.get("title", ""),
                description=p.get("body_html") or "",
                category=p.get("product_type") or "",
                brand=p.get("vendor") or "",
                url=f"https://{domain}/products/{p.get('handle')}" if domain else "",
                currency=shop.get("currency") or "",
                tags=[t.strip() for t in (p.get("tags") or "").split(",") if t.strip()],
                variants=catalog_variants(found),
            )

    # -- changes --------------------------------------------------------------------------
    def _current(self, number: str) -> tuple[dict[str, Any], Order]:
        native = self._find(number)
        if native is None:
            raise OrderNotFound(f"There is no order {number}.")
        return native, self._orders([native])[0]

    def cancel_order(self, number: str, reason: str) -> Order:
        native, order = self._current(number)
        may_cancel(order, self._cancellable)
        held = sum(p.amount for p in order.payments if p.status in ("authorized", "captured"))
        body = {"reason": "customer", "email": True}
        if held:
            body.update(amount=f"{held:.2f}", currency=order.currency)
        self.api.send("POST", f"orders/{native['id']}/cancel.json", body)
        return self._after(order.number)

    def change_address(self, number: str, address: Address) -> Order:
        native, order = self._current(number)
        may_readdress(order, self._address_changeable)
        first, last = split_name(address.name)
        attributes = [
            a for a in native.get("note_attributes") or [] if a.get("name") != ADDRESS_CHANGES
        ]
        attributes.append({"name": ADDRESS_CHANGES, "value": str(order.address_changes + 1)})
        shipping = {
            "first_name": first, "last_name": last, "address1": address.line1,
            "address2": address.line2 or None, "city": address.city,
            "province_code": address.region or None, "zip": address.postcode,
            "country_code": address.country,
        }  # fmt: skip
        body = {"order": {"id": native["id"], "shipping_address": shipping,
                          "note_attributes": attributes}}  # fmt: skip
        self.api.send("PUT", f"orders/{native['id']}.json", body)
        return self._after(order.number)

    def _delivered(self, number: str, what: str) -> tuple[dict[str, Any], Order]:
        native, order = self._current(number)
        must_be_delivered(order, what)
        return native, order

    def _fulfillment_lines(self, native: dict[str, Any]) -> dict[str, tuple[str, int]]:
        """Line id -> (fulfillment line item id, quantity), for returns."""
        details = self._graphql(
            DETAILS, "ShopbotOrderDetails", {"ids": [_gid("Order", native["id"])]}
        )
        node = (details.get("nodes") or [None])[0] or {}
        position = {
            _gid("LineItem", line["id"]): str(n)
            for n, line in enumerate(native.get("line_items") or [], 1)
        }
        found = {}
        for f in node.get("fulfillments") or []:
            if f.get("status") != "SUCCESS":
                continue
            for fli in (f.get("fulfillmentLineItems") or {}).get("nodes") or []:
                line = position.get((fli.get("lineItem") or {}).get("id", ""))
                if line:
                    found[line] = (fli["id"], int(fli.get("quantity") or 0))
        return found

    def _create_return(
        self, native: dict[str, Any], lines: list[dict[str, Any]], exchanges: list[dict[str, Any]]
    ) -> None:
        variables = {"returnInput": {"orderId": _gid("Order", native["id"]),
                                     "returnLineItems": lines, "exchangeLineItems": exchanges,
                                     "notifyCustomer": True}}  # fmt: skip
        answer = self._graphql(RETURN_CREATE, "ShopbotReturnCreate", variables)
        errors = (answer.get("returnCreate") or {}).get("userErrors") or []
        if errors:
            raise ChangeRejected("; ".join(e.get("message", "") for e in errors))

    def return_items(
        self, number: str, line_ids: Sequence[str], refund_method: RefundMethod, reason: str
    ) -> Order:
        if refund_method not in ("original_payment", "store_credit"):
            raise ChangeRejected(f"Unknown refund method {refund_method!r}.")
        native, order = self._delivered(number, "returned")
        chosen = chosen_lines(order, line_ids)
        flis = self._fulfillment_lines(native)
        lines = []
        for item in chosen:
            if item.line_id not in flis:
                raise ChangeRejected(
                    f"Item {item.line_id} of order {order.number} was not shipped."
                )
            note = f"refund_method: {refund_method}; {reason}"[:255]
            lines.append({"fulfillmentLineItemId": flis[item.line_id][0],
                          "quantity": item.quantity, "returnReason": "OTHER",
                          "returnReasonNote": note})  # fmt: skip
        self._create_return(native, lines, [])
        return self._after(order.number)

    def exchange_item(self, number: str, line_id: str, new_sku: str) -> Order:
        native, order = self._delivered(number, "exchanged")
        (item,) = chosen_lines(order, [line_id])
        product = self._product(item.product_id, fresh=True) or {}
        wanted = next(
            (
                v
                for v in product.get("variants", [])
                if (v.get("sku") or "").upper() == new_sku.strip().upper()
            ),
            None,
        )
        if wanted is None:
            raise ChangeRejected(f"{new_sku} is not a variant of {item.name}.")
        if (wanted.get("sku") or "").upper() == item.sku.upper():
            raise ChangeRejected(f"Item {item.line_id} already is {wanted['sku']}.")
        with self._exchange_lock:  # one at a time from this process; Shopify checks stock too
            stock = self.variants(item.product_id)
            if not any(v.sku == wanted["sku"] and v.in_stock for v in stock):
                raise ChangeRejected(f"{wanted['sku']} is out of stock.")
            fli = self._fulfillment_lines(native).get(item.line_id)
            if fli is None:
                raise ChangeRejected(
                    f"Item {item.line_id} of order {order.number} was not shipped."
                )
            self._create_return(
                native,
                [{"fulfillmentLineItemId": fli[0], "quantity": item.quantity,
                  "returnReason": "OTHER", "returnReasonNote": f"exchange for {wanted['sku']}"}],
                [{"variantId": _gid("ProductVariant", wanted["id"]), "quantity": item.quantity}],
            )  # fmt: skip
        return self._after(order.number)

    def _after(self, number: str) -> Order:
        order = self.get_order(number)
        if order is None:
            raise OrderSystemError(f"Order {number} disappeared from Shopify after a change.")
        return order


# -- decoding ------------------------------------------------------------------------------
def _customer_id(o: dict[str, Any]) -> str:
    if o.get("customer"):
        return str(o["customer"].get("id", ""))
    email = (o.get("email") or o.get("contact_email") or "").strip().lower()
    return f"{GUEST}{email}" if email else ""


def _guest(order: dict[str, Any]) -> Customer:
    """A shopper known only by an order placed without an account."""
    billing = order.get("billing_address") or {}
    shipping = order.get("shipping_address") or {}
    return Customer(
        id=_customer_id(order),
        name=full_name(billing.get("first_name"), billing.get("last_name"))
        or billing.get("name")
        or "",
        email=order.get("email") or order.get("contact_email") or "",
        postcode=billing.get("zip") or shipping.get("zip") or "",
        phone=order.get("phone") or billing.get("phone") or shipping.get("phone") or "",
    )


def _variant_stock(product: dict[str, Any], v: dict[str, Any]) -> VariantStock:
    names = [opt["name"].lower() for opt in product.get("options", [])]
    values = [v.get(f"option{n}") for n in range(1, len(names) + 1)]
    options = {k: x for k, x in zip(names, values, strict=False) if x and x != "Default Title"}
    in_stock = (
        v.get("inventory_management") != "shopify"
        or v.get("inventory_policy") == "continue"
        or int(v.get("inventory_quantity") or 0) > 0
    )
    return VariantStock(
        sku=v.get("sku") or str(v.get("id", "")),
        product_id=str(product["id"]),
        name=product.get("title", ""),
        options=options,
        price=float(v.get("price") or 0.0),
        in_stock=in_stock,
    )


def _gid(kind: str, number: Any) -> str:
    return f"gid://shopify/{kind}/{number}"


def _time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise OrderSystemError(f"Shopify sent a time that is not ISO 8601: {value!r}") from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _status(o: dict[str, Any], fulfillments: list[dict[str, Any]]) -> str:
    if o.get("cancelled_at"):
        return "cancelled"
    if not fulfillments:
        return "pending"
    done = [f for f in fulfillments if f.get("status") == "success"]
    if not done or o.get("fulfillment_status") == "partial":
        return "processing"
    states = [_SHIPMENT.get(f.get("shipment_status") or "", "shipped") for f in done]
    return min(states, key=_RANK.index)


def _address(a: dict[str, Any]) -> Address:
    return Address(
        name=full_name(a.get("first_name"), a.get("last_name")) or a.get("name") or "",
        line1=a.get("address1") or "",
        line2=a.get("address2") or "",
        city=a.get("city") or "",
        postcode=a.get("zip") or "",
        country=a.get("country_code") or "US",
        region=a.get("province_code") or "",
    )


def _method(t: dict[str, Any]) -> str:
    gateway = (t.get("gateway") or "").lower()
    if "paypal" in gateway:
        return "paypal"
    if "gift_card" in gateway:
        return "gift_card"
    if "store_credit" in gateway:
        return "store_credit"
    wallet = ((t.get("paymentDetails") or {}).get("wallet") or "").upper()
    return _WALLETS.get(wallet, "card")


def _payments(transactions: list[dict[str, Any]]) -> list[Payment]:
    ok = [t for t in transactions if t.get("status") == "SUCCESS"]
    children: dict[str, list[dict[str, Any]]] = {}
    for t in ok:
        parent = (t.get("parentTransaction") or {}).get("id")
        if parent:
            children.setdefault(parent, []).append(t)
    found = []
    for t in ok:
        if t["kind"] not in ("AUTHORIZATION", "SALE"):
            continue
        amount = float(t["amountSet"]["shopMoney"]["amount"])
        kids = children.get(t["id"], [])
        captures = [k for k in kids if k["kind"] == "CAPTURE"]
        descendants = kids + [g for k in kids for g in children.get(k["id"], [])]
        refunds = [k for k in descendants if k["kind"] == "REFUND"]
        refunded = sum(float(k["amountSet"]["shopMoney"]["amount"]) for k in refunds)
        if any(k["kind"] == "VOID" for k in kids):
            status = "released"
        elif t["kind"] == "AUTHORIZATION" and not captures:
            status = "authorized"
        elif refunded >= amount - 0.005:
            status = "refunded"
        elif refunded > 0:
            status = "partially_refunded"
        else:
            status = "captured"
        number = (t.get("paymentDetails") or {}).get("number") or ""
        digits = re.sub(r"\D", "", number)
        found.append(
            Payment(
                method=_method(t),  # type: ignore[arg-type]
                amount=round(amount, 2),
                status=status,  # type: ignore[arg-type]
                created_at=_time(t.get("createdAt")) or datetime.now(UTC),
                last4=digits[-4:] if len(digits) >= 4 else "",
                reference=t.get("authorizationCode") or "",
            )
        )
    return found


def _refund_method(transactions: list[dict[str, Any]]) -> str:
    return (
        "store_credit"
        if any("store_credit" in (t.get("gateway") or "") for t in transactions)
        else "original_payment"
    )


def _refunds(o: dict[str, Any]) -> list[Refund]:
    positions = {line["id"]: str(n) for n, line in enumerate(o.get("line_items") or [], 1)}
    found = []
    for r in o.get("refunds") or []:
        txns = [t for t in r.get("transactions") or [] if t.get("kind") == "refund"
                and t.get("status") == "success"]  # fmt: skip
        lines = tuple(
            positions[x["line_item_id"]]
            for x in r.get("refund_line_items") or []
            if x.get("restock_type") != "cancel" and x.get("line_item_id") in positions
        )
        found.append(
            Refund(
                amount=round(sum(float(t.get("amount") or 0) for t in txns), 2),
                method=_refund_method(txns),  # type: ignore[arg-type]
                created_at=_time(r.get("created_at")) or datetime.now(UTC),
                line_ids=lines,
                reason=r.get("note") or "",
            )
        )
    return found
