"""A fake Shopify Admin API serving a store's payloads (`shopify_data`), for tests, `shopbot eval
orders --store` and the live-server tests. Never imported by the runtime.

What it reproduces, as documented (API version 2025-01):
- REST (https://shopify.dev/docs/api/admin-rest/2025-01/): ``GET orders.json`` (``name``,
  ``status`` default ``open``, ``limit`` up to 250, cursor pagination by ``page_info`` in the
  ``Link`` header), ``GET/PUT orders/{id}.json`` (``shipping_address``, ``note_attributes``),
  ``POST orders/{id}/cancel.json`` (``reason``, ``email``, ``amount``, ``currency``: a paid
  order is refunded, an authorization voided), ``GET orders/{id}/transactions.json``,
  ``GET customers/search.json?query=`` (``field:value`` terms and words), ``GET
  customers/{id}.json``, ``GET customers/{id}/orders.json``, ``GET products.json``, ``GET
  products/{id}.json``, ``GET variants/{id}.json``, ``GET shop.json``.
- Authentication by ``X-Shopify-Access-Token`` (401 otherwise), and the leaky-bucket limit: 40
  calls, leaking 2 a second, ``X-Shopify-Shop-Api-Call-Limit`` on every answer and ``429`` with
  ``Retry-After: 2.0`` when full (https://shopify.dev/docs/api/usage/limits).
- GraphQL (``POST graphql.json``) for the three documents shopbot's connector sends, told apart by
  ``operationName``: ``ShopbotOrderDetails`` (``nodes(ids:)`` on orders: transactions,
  fulfillments with delivery times and fulfillment line items, returns with their line items
  and exchange line items), ``ShopbotGuestOrders`` (``orders(query: "email:...")``, the orders
  under an e-mail; https://shopify.dev/docs/api/admin-graphql/2025-01/queries/orders) and
  ``ShopbotReturnCreate`` (``returnCreate``: an open return,
  exchange line items reserve stock; https://shopify.dev/docs/api/admin-graphql/2025-01/mutations/returnCreate).
"""

from __future__ import annotations

import base64
import copy
import itertools
import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from bot.orders.platforms.fakestore import moved, read_store, since
from bot.orders.platforms.seed import StoreSeed
from bot.orders.platforms.shopify_data import (
    API_VERSION,
    gid,
    render_shopify,
    shopify_time,
)

_THROTTLED = (
    "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted "
    "service."
)
_WALLETS = {"apple_pay": "APPLE_PAY", "google_pay": "GOOGLE_PAY", "shopify_pay": "SHOPIFY_PAY"}


class FakeShopify:
    """One store's Shopify Admin API, in memory. ``app`` is the ASGI app to serve."""

    def __init__(
        self,
        data: dict[str, Any],
        *,
        token: str = "shpat_fake",
        api_version: str = API_VERSION,
        bucket_size: int = 40,
        leak_per_s: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
        shift: Any = None,
    ) -> None:
        self.original = data
        self.shift = shift
        self.token = token
        self.api_version = api_version
        self.bucket_size = bucket_size
        self.leak_per_s = leak_per_s
        self.clock = clock
        self.lock = threading.RLock()
        self.throttle_next = 0  # answer 429 to this many coming requests
        self.refused = 0  # requests answered 429
        self.requests: list[tuple[str, str]] = []  # (method, path) of every call, for tests
        self.ids = data.get("ids", {})
        self.reset()
        self.app = self._build_app()

    @classmethod
    def from_folder(cls, folder: Path, **kw: Any) -> FakeShopify:
        data, generated_at = read_store(folder, "shopify")
        return cls(data, shift=since(generated_at), **kw)

    @classmethod
    def from_seed(cls, seed: StoreSeed, **kw: Any) -> FakeShopify:
        return cls(render_shopify(seed, datetime.now(UTC)), **kw)

    # -- state ----------------------------------------------------------------------------
    def reset(self) -> None:
        """The store as its files (or seed) have it, times moved to now."""
        with self.lock:
            data = moved(self.original, self.shift) if self.shift else copy.deepcopy(self.original)
            self.shop = data["shop"]
            self.products = {p["id"]: p for p in data["products"]}
            self.variants = {v["id"]: v for p in data["products"] for v in p["variants"]}
            self.customers = {c["id"]: c for c in data["customers"]}
            self.orders: dict[int, dict[str, Any]] = {o["id"]: o for o in data["orders"]}
            self.transactions = {int(k): v for k, v in data["transactions"].items()}
            self.fulfillment_details = data["graphql"]["fulfillments"]
            self.returns = {int(k): v for k, v in data["graphql"]["returns"].items()}
            self.stock_at_start = {
                v["sku"]: v["inventory_quantity"] for v in self.variants.values()
            }
            self.bucket = 0.0
            self.bucket_at = self.clock()
            self.cursors: dict[str, dict[str, Any]] = {}
            self.next_id = itertools.count(9_100_000_000_001)

    def order_names(self) -> list[str]:
        return sorted(o["name"] for o in self.orders.values())

    def reserved(self) -> dict[str, int]:
        """Units taken from stock since the start (held for exchanges)."""
        with self.lock:
            now = {v["sku"]: v["inventory_quantity"] for v in self.variants.values()}
        return {
            sku: self.stock_at_start[sku] - units
            for sku, units in sorted(now.items())
            if units < self.stock_at_start[sku]
        }

    def order_by_name(self, name: str) -> dict[str, Any]:
        return next(o for o in self.orders.values() if o["name"] == name)

    def cancel_by_name(self, name: str) -> None:
        """The merchant cancels an order in the admin (payments refunded or voided)."""
        self.cancel(self.order_by_name(name)["id"], "other", amount="all")

    # -- the store's own changes (the merchant in Shopify admin) -----------------------------
    def cancel(
        self, order_id: int, reason: str = "customer", amount: str | None = None
    ) -> dict[str, Any]:
        with self.lock:
            order = self.orders[order_id]
            if order["cancelled_at"]:
                return {
                    "errors": {"base": ["Cannot cancel an order that has already been cancelled"]}
                }
            if order["fulfillment_status"] == "fulfilled" or any(
                f["status"] == "success" for f in order["fulfillments"]
            ):
                return {"errors": {"base": ["Cannot cancel an order that has been fulfilled"]}}
            now = shopify_time(datetime.now(UTC))
            order["cancelled_at"] = order["closed_at"] = order["updated_at"] = now
            order["cancel_reason"] = reason
            txns = self.transactions.setdefault(order_id, [])
            done = {t["parent_id"] for t in txns if t["kind"] in ("void", "capture", "refund")}
            refunded = voided = 0.0
            for t in list(txns):
                if t["status"] != "success" or t["id"] in done:
                    continue
                if t["kind"] == "authorization":
                    txns.append(self._txn(t, "void", t["amount"], now))
                    voided += float(t["amount"])
                elif t["kind"] in ("sale", "capture") and amount is not None:
                    refund = self._txn(t, "refund", t["amount"], now)
                    txns.append(refund)
                    refunded += float(t["amount"])
                    order["refunds"].append(self._refund(order, [refund], "cancel", now))
            if refunded or voided:
                order["financial_status"] = "refunded" if refunded else "voided"
            for f in order["fulfillments"]:
                if f["status"] in ("open", "pending"):
                    f["status"] = "cancelled"
            for line in order["line_items"]:
                line["fulfillable_quantity"] = 0
                variant = self.variants.get(line["variant_id"])
                if variant is not None:  # restocked
                    variant["inventory_quantity"] += line["current_quantity"]
            return {"order": order}

    def _txn(
        self, parent: dict[str, Any], kind: str, amount: str, now: str | None
    ) -> dict[str, Any]:
        tid = next(self.next_id)
        return {**parent, "id": tid, "admin_graphql_api_id": gid("OrderTransaction", tid),
                "kind": kind, "parent_id": parent["id"], "amount": amount, "created_at": now,
                "processed_at": now, "authorization": None}  # fmt: skip

    def _refund(
        self, order: dict[str, Any], txns: list[dict[str, Any]], restock: str, now: str | None
    ) -> dict[str, Any]:
        rid = next(self.next_id)
        return {
            "id": rid,
            "admin_graphql_api_id": gid("Refund", rid),
            "created_at": now,
            "note": None,
            "order_id": order["id"],
            "processed_at": now,
            "restock": True,
            "user_id": None,
            "duties": [],
            "order_adjustments": [],
            "refund_line_items": [
                {
                    "id": next(self.next_id),
                    "line_item_id": line["id"],
                    "location_id": None,
                    "quantity": line["current_quantity"],
                    "restock_type": restock,
                    "subtotal": float(line["price"]) * line["current_quantity"],
                    "total_tax": 0.0,
                    "line_item": dict(line),
                }
                for line in order["line_items"]
                if line["current_quantity"]
            ],
            "transactions": txns,
        }

    def update_order(self, order_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            order = self.orders[order_id]
            for key in ("shipping_address", "note_attributes", "note", "tags", "email", "phone"):
                if key in changes:
                    value = changes[key]
                    if key == "shipping_address" and isinstance(value, dict):
                        value = {**(order.get("shipping_address") or {}), **value}
                        value["name"] = " ".join(
                            p for p in (value.get("first_name"), value.get("last_name")) if p
                        )
                    order[key] = value
            order["updated_at"] = shopify_time(datetime.now(UTC))
            return order

    def create_return(self, data: dict[str, Any]) -> dict[str, Any]:
        """``returnCreate``: an open return; exchange line items take their units from stock."""
        with self.lock:
            order_id = _number(data.get("orderId", ""))
            order = self.orders.get(order_id)
            if order is None:
                return _user_error(["returnInput", "orderId"], "Order does not exist.")
            if order["cancelled_at"]:
                return _user_error(["returnInput", "orderId"], "Order is cancelled.")
            flis = {
                item["id"]: item
                for f in order["fulfillments"]
                if f["status"] == "success"
                for item in self.fulfillment_details.get(str(f["id"]), {}).get(
                    "fulfillmentLineItems", []
                )
            }
            taken: dict[str, int] = {}
            for ret in self.returns.get(order_id, []):
                if ret["status"] in ("CANCELED", "DECLINED"):
                    continue
                for rli in ret["returnLineItems"]:
                    fli_id = rli["fulfillmentLineItem"]["id"]
                    taken[fli_id] = taken.get(fli_id, 0) + rli["quantity"]
            lines = []
            for asked in data.get("returnLineItems") or []:
                fli = flis.get(asked.get("fulfillmentLineItemId"))
                if fli is None:
                    return _user_error(
                        ["returnInput", "returnLineItems"], "Fulfillment line item not found."
                    )
                if int(asked.get("quantity", 0)) + taken.get(fli["id"], 0) > fli["quantity"]:
                    return _user_error(
                        ["returnInput", "returnLineItems"],
                        "Quantity is greater than the returnable quantity.",
                    )
                lines.append((fli, asked))
            if not lines:
                return _user_error(["returnInput", "returnLineItems"], "No items to return.")
            wanted = []
            for asked in data.get("exchangeLineItems") or []:
                variant = self.variants.get(_number(asked.get("variantId", "")))
                quantity = int(asked.get("quantity", 1))
                if variant is None:
                    return _user_error(["returnInput", "exchangeLineItems"], "Variant not found.")
                if variant["inventory_quantity"] < quantity:
                    return _user_error(
                        ["returnInput", "exchangeLineItems"], f"{variant['sku']} is out of stock."
                    )
                wanted.append((variant, quantity))
            for variant, quantity in wanted:
                variant["inventory_quantity"] -= quantity
            rid = next(self.next_id)
            found = self.returns.setdefault(order_id, [])
            created = {
                "id": gid("Return", rid),
                "name": f"{order['name']}-R{len(found) + 1}",
                "status": "OPEN",
                "returnLineItems": [
                    {"id": gid("ReturnLineItem", next(self.next_id)),
                     "quantity": int(asked["quantity"]),
                     "returnReason": asked.get("returnReason", "UNKNOWN"),
                     "returnReasonNote": asked.get("returnReasonNote", ""),
                     "fulfillmentLineItem": {"id": fli["id"], "lineItem": fli["lineItem"]}}
                    for fli, asked in lines
                ],
                "exchangeLineItems": [
                    {"id": gid("ExchangeLineItem", next(self.next_id)), "quantity": quantity,
                     "variantId": variant["admin_graphql_api_id"], "lineItems": []}
                    for variant, quantity in wanted
                ],
            }  # fmt: skip
            found.append(created)
            short = {k: created[k] for k in ("id", "name", "status")}
            return {"data": {"returnCreate": {"return": short, "userErrors": []}}}

    # -- GraphQL documents ----------------------------------------------------------------
    def order_details(self, ids: list[str]) -> dict[str, Any]:
        nodes = []
        with self.lock:
            for node_id in ids:
                order = self.orders.get(_number(node_id)) if "/Order/" in node_id else None
                nodes.append(None if order is None else self._details(order))
        return {"data": {"nodes": nodes}, "extensions": self._cost(len(ids))}

    def orders_by_email(self, query: str) -> dict[str, Any]:
        """``orders(query: "email:...")``: the order search's ``email`` filter, exact match."""
        wanted = re.fullmatch(r'\s*email:"?([^"]+)"?\s*', query)
        email = wanted.group(1).strip().casefold() if wanted else None
        with self.lock:
            nodes = [
                {"legacyResourceId": str(o["id"]), "email": o.get("email"),
                 "customer": {"id": gid("Customer", o["customer"]["id"])}
                 if o.get("customer") else None}
                for o in sorted(self.orders.values(), key=lambda o: o["created_at"], reverse=True)
                if email and (o.get("email") or "").casefold() == email
            ][:50]  # fmt: skip
        return {"data": {"orders": {"nodes": nodes}}, "extensions": self._cost(len(nodes))}

    def _details(self, order: dict[str, Any]) -> dict[str, Any]:
        fulfillments = []
        for f in order["fulfillments"]:
            extra = self.fulfillment_details.get(str(f["id"]), {})
            fulfillments.append(
                {"id": gid("Fulfillment", f["id"]), "status": f["status"].upper(),
                 "displayStatus": extra.get("displayStatus"),
                 "createdAt": f["created_at"], "inTransitAt": extra.get("inTransitAt"),
                 "deliveredAt": extra.get("deliveredAt"),
                 "estimatedDeliveryAt": extra.get("estimatedDeliveryAt"),
                 "fulfillmentLineItems": {"nodes": extra.get("fulfillmentLineItems", [])}}
            )  # fmt: skip
        returns = [
            {"id": r["id"], "name": r["name"], "status": r["status"],
             "returnLineItems": {"nodes": [{"__typename": "ReturnLineItem", **x}
                                           for x in r["returnLineItems"]]},
             "exchangeLineItems": {"nodes": r["exchangeLineItems"]}}
            for r in self.returns.get(order["id"], [])
        ]  # fmt: skip
        txns = [self._graph_txn(t) for t in self.transactions.get(order["id"], [])]
        return {"__typename": "Order", "id": gid("Order", order["id"]), "transactions": txns,
                "fulfillments": fulfillments, "returns": {"nodes": returns}}  # fmt: skip

    @staticmethod
    def _graph_txn(t: dict[str, Any]) -> dict[str, Any]:
        details = t.get("payment_details")
        card = None
        if details:
            wallet = details.get("credit_card_wallet")
            card = {"__typename": "CardPaymentDetails", "number": details.get("credit_card_number"),
                    "company": details.get("credit_card_company"),
                    "wallet": _WALLETS.get(wallet, wallet.upper()) if wallet else None}  # fmt: skip
        return {
            "id": gid("OrderTransaction", t["id"]),
            "kind": t["kind"].upper(),
            "status": t["status"].upper(),
            "gateway": t["gateway"],
            "createdAt": t["created_at"],
            "authorizationCode": t.get("authorization"),
            "parentTransaction": {"id": gid("OrderTransaction", t["parent_id"])}
            if t.get("parent_id")
            else None,
            "amountSet": {"shopMoney": {"amount": t["amount"], "currencyCode": t["currency"]}},
            "paymentDetails": card,
        }

    def _cost(self, nodes: int) -> dict[str, Any]:
        cost = 2 + 12 * nodes
        return {"cost": {"requestedQueryCost": cost, "actualQueryCost": cost,
                         "throttleStatus": {"maximumAvailable": 2000.0,
                                            "currentlyAvailable": 2000 - cost,
                                            "restoreRate": 100.0}}}  # fmt: skip

    # -- HTTP -----------------------------------------------------------------------------
    def _spend(self) -> tuple[bool, str]:
        """One call into the bucket: (allowed, the call-limit header)."""
        with self.lock:
            now = self.clock()
            self.bucket = max(0.0, self.bucket - (now - self.bucket_at) * self.leak_per_s)
            self.bucket_at = now
            if self.throttle_next > 0 or self.bucket + 1 > self.bucket_size:
                self.throttle_next = max(0, self.throttle_next - 1)
                return False, f"{self.bucket_size}/{self.bucket_size}"
            self.bucket += 1
            return True, f"{round(self.bucket)}/{self.bucket_size}"

    def page(
        self, items: list[dict[str, Any]], request: Any, key: str, limit: int, cursor: str | None
    ) -> Any:
        offset = 0
        if cursor:
            state = self.cursors.get(cursor)
            if state is None:
                return JSONResponse({"errors": "Invalid page_info"}, status_code=400)
            items, offset = state["items"], state["offset"]
        chunk = items[offset : offset + limit]
        headers = {}
        if offset + limit < len(items):
            token = base64.urlsafe_b64encode(f"{key}:{offset + limit}:{id(items)}".encode())
            following = token.decode().rstrip("=")
            self.cursors[following] = {"items": items, "offset": offset + limit}
            url = str(request.url.replace(query=f"limit={limit}&page_info={following}"))
            headers["Link"] = f'<{url}>; rel="next"'
        return JSONResponse({key: chunk}, headers=headers)

    def _build_app(self) -> FastAPI:
        app = FastAPI(title="Fake Shopify Admin API")
        base = f"/admin/api/{self.api_version}"

        @app.middleware("http")
        async def gate(request: Request, call_next: Any) -> Any:
            self.requests.append((request.method, request.url.path))
            if request.headers.get("X-Shopify-Access-Token") != self.token:
                return JSONResponse(
                    {"errors": "[API] Invalid API key or access token (unrecognized login or "
                     "wrong password)"}, status_code=401)  # fmt: skip
            if request.url.path.endswith("/graphql.json"):  # its own, cost-based limit
                return await call_next(request)
            allowed, header = self._spend()
            if not allowed:
                self.refused += 1
                return JSONResponse(
                    {"errors": _THROTTLED},
                    status_code=429,
                    headers={"Retry-After": "2.0", "X-Shopify-Shop-Api-Call-Limit": header},
                )
            response = await call_next(request)
            response.headers["X-Shopify-Shop-Api-Call-Limit"] = header
            return response

        def missing() -> JSONResponse:
            return JSONResponse({"errors": "Not Found"}, status_code=404)

        def limit_of(request: Request) -> int:
            return max(1, min(250, int(request.query_params.get("limit", 50))))

        @app.get(f"{base}/shop.json")
        def shop() -> dict[str, Any]:
            return {"shop": self.shop}

        @app.get(f"{base}/orders.json")
        def orders(request: Request) -> Any:
            q = request.query_params
            with self.lock:
                found = [o for o in self.orders.values() if _status_ok(o, q.get("status", "open"))]
                if q.get("name"):
                    wanted = q["name"].strip().lower()
                    found = [o for o in found if o["name"].lower() in (wanted, f"#{wanted}")]
                if q.get("ids"):
                    ids = {int(i) for i in q["ids"].split(",") if i.strip().isdigit()}
                    found = [o for o in found if o["id"] in ids]
                found = sorted(found, key=lambda o: o["created_at"], reverse=True)
                return self.page(found, request, "orders", limit_of(request), q.get("page_info"))

        @app.get(f"{base}/orders/{{order_id}}.json")
        def order(order_id: int) -> Any:
            found = self.orders.get(order_id)
            return {"order": found} if found else missing()

        @app.put(f"{base}/orders/{{order_id}}.json")
        async def update(order_id: int, request: Request) -> Any:
            if order_id not in self.orders:
                return missing()
            body = await request.json()
            return {"order": self.update_order(order_id, body.get("order") or {})}

        @app.post(f"{base}/orders/{{order_id}}/cancel.json")
        async def cancel(order_id: int, request: Request) -> Any:
            if order_id not in self.orders:
                return missing()
            body = await request.json() if await request.body() else {}
            result = self.cancel(order_id, body.get("reason", "other"), body.get("amount"))
            return JSONResponse(result, status_code=422 if "errors" in result else 200)

        @app.get(f"{base}/orders/{{order_id}}/transactions.json")
        def transactions(order_id: int) -> Any:
            if order_id not in self.orders:
                return missing()
            return {"transactions": self.transactions.get(order_id, [])}

        @app.get(f"{base}/customers/search.json")
        def search(request: Request) -> Any:
            query = request.query_params.get("query", "")
            with self.lock:
                found = [c for c in self.customers.values() if _customer_matches(c, query)]
            return self.page(
                found,
                request,
                "customers",
                limit_of(request),
                request.query_params.get("page_info"),
            )

        @app.get(f"{base}/customers/{{customer_id}}.json")
        def customer(customer_id: int) -> Any:
            found = self.customers.get(customer_id)
            return {"customer": found} if found else missing()

        @app.get(f"{base}/customers/{{customer_id}}/orders.json")
        def customer_orders(customer_id: int, request: Request) -> Any:
            if customer_id not in self.customers:
                return missing()
            status = request.query_params.get("status", "open")
            with self.lock:
                found = [
                    o for o in self.orders.values()
                    if (o.get("customer") or {}).get("id") == customer_id and _status_ok(o, status)
                ]  # fmt: skip
            found.sort(key=lambda o: o["created_at"], reverse=True)
            return self.page(
                found, request, "orders", limit_of(request), request.query_params.get("page_info")
            )

        @app.get(f"{base}/products.json")
        def products(request: Request) -> Any:
            found = sorted(self.products.values(), key=lambda p: p["id"])
            return self.page(
                found, request, "products", limit_of(request), request.query_params.get("page_info")
            )

        @app.get(f"{base}/products/{{product_id}}.json")
        def product(product_id: int) -> Any:
            found = self.products.get(product_id)
            return {"product": found} if found else missing()

        @app.get(f"{base}/variants/{{variant_id}}.json")
        def variant(variant_id: int) -> Any:
            found = self.variants.get(variant_id)
            return {"variant": found} if found else missing()

        @app.post(f"{base}/graphql.json")
        async def graphql(request: Request) -> Any:
            body = await request.json()
            variables = body.get("variables") or {}
            operation = body.get("operationName")
            if operation == "ShopbotOrderDetails":
                return self.order_details(list(variables.get("ids") or []))
            if operation == "ShopbotReturnCreate":
                return self.create_return(variables.get("returnInput") or {})
            if operation == "ShopbotGuestOrders":
                return self.orders_by_email(str(variables.get("query") or ""))
            known = "This fake answers ShopbotOrderDetails, ShopbotGuestOrders, ShopbotReturnCreate"
            return {"errors": [{"message": f"{known}, not {operation!r}."}]}

        return app


def _number(node_id: str) -> int:
    tail = str(node_id).rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else -1


def _user_error(field: list[str], message: str) -> dict[str, Any]:
    errors = [{"field": field, "message": message}]
    return {"data": {"returnCreate": {"return": None, "userErrors": errors}}}


def _status_ok(order: dict[str, Any], status: str) -> bool:
    if status == "any":
        return True
    if status == "cancelled":
        return bool(order["cancelled_at"])
    if status == "closed":
        return bool(order["closed_at"])
    return not order["closed_at"] and not order["cancelled_at"]  # open


def _customer_matches(customer: dict[str, Any], query: str) -> bool:
    """Shopify's customer search: ``field:value`` terms and words, all of which must match."""
    words = []
    for term in _terms(query):
        field, sep, value = term.partition(":")
        if sep and field in ("email", "first_name", "last_name", "phone", "tag", "country"):
            value = value.strip('"').lower()
            if field == "tag":
                tags = [t.strip().lower() for t in customer.get("tags", "").split(",")]
                ok = value in tags
            elif field == "country":
                ok = any(value in (a.get("country") or "").lower() for a in customer["addresses"])
            else:
                ok = (customer.get(field) or "").lower() == value
            if not ok:
                return False
        else:
            words.append(term.strip('"').lower())
    haystack = " ".join(
        str(v or "")
        for v in [customer.get("first_name"), customer.get("last_name"), customer.get("email"),
                  customer.get("phone")]
        + [a.get(k) for a in customer["addresses"] for k in ("name", "city", "zip", "company")]
    ).lower()  # fmt: skip
    return all(w in haystack for w in words)


def _terms(query: str) -> list[str]:
    terms, current, quoted = [], "", False
    for ch in query:
        if ch == '"':
            quoted = not quoted
            current += ch
        elif ch.isspace() and not quoted:
            if current:
                terms.append(current)
            current = ""
        else:
            current += ch
    if current:
        terms.append(current)
    return terms
