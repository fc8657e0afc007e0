"""A fake WooCommerce REST API (wc/v3) serving a store's payloads (`woocommerce_data`), for tests,
`shopbot eval orders --store` and the live-server tests. Never imported by the runtime.

What it reproduces, as documented (https://woocommerce.github.io/woocommerce-rest-api-docs/):
- ``GET orders`` (``customer``, ``search``, ``status`` default any, ``include``, ``per_page``
  up to 100, ``page``; ``X-WP-Total``, ``X-WP-TotalPages`` and a ``Link`` header),
  ``GET/PUT orders/{id}`` (``status``, ``shipping``, ``meta_data`` updated by key),
  ``POST orders/{id}/notes``, ``GET/POST orders/{id}/refunds`` (``amount``, ``reason``,
  ``api_refund``; a full refund makes the order ``refunded``), ``GET customers`` (``email``,
  ``search``, ``role``), ``GET customers/{id}``, ``GET products`` / ``products/{id}`` /
  ``products/{id}/variations``, ``PUT products/{id}`` and ``products/{id}/variations/{id}``
  (``stock_quantity``), ``GET products/categories``; errors as ``{"code", "message",
  "data": {"status"}}``.
- Authentication with the consumer key and secret, by HTTP Basic or as query parameters.
- The Shipment Tracking extension's provider list
  (``GET /wp-json/wc-shipment-tracking/v3/shipment-trackings/providers``).
- A cancelled order puts its stock back, as WooCommerce does.
"""

from __future__ import annotations

import base64
import copy
import itertools
import math
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from bot.orders.platforms.fakestore import moved, read_store, since
from bot.orders.platforms.seed import StoreSeed
from bot.orders.platforms.woocommerce_data import render_woocommerce, woo_times

WC = "/wp-json/wc/v3"


class FakeWooCommerce:
    """One store's WooCommerce REST API, in memory. ``app`` is the ASGI app to serve."""

    def __init__(
        self,
        data: dict[str, Any],
        *,
        key: str = "ck_fake",
        secret: str = "cs_fake",
        shift: Any = None,
    ) -> None:
        self.original = data
        self.shift = shift
        self.key, self.secret = key, secret
        self.lock = threading.RLock()
        self.fault: int | None = None  # a status every request answers with (error tests)
        self.requests: list[tuple[str, str]] = []
        self.ids = data.get("ids", {})
        self.reset()
        self.app = self._build_app()

    @classmethod
    def from_folder(cls, folder: Path, **kw: Any) -> FakeWooCommerce:
        data, generated_at = read_store(folder, "woocommerce")
        return cls(data, shift=since(generated_at), **kw)

    @classmethod
    def from_seed(cls, seed: StoreSeed, **kw: Any) -> FakeWooCommerce:
        return cls(render_woocommerce(seed, datetime.now(UTC)), **kw)

    # -- state ----------------------------------------------------------------------------
    def reset(self) -> None:
        with self.lock:
            data = moved(self.original, self.shift) if self.shift else copy.deepcopy(self.original)
            self.products = {p["id"]: p for p in data["products"]}
            self.variations = {int(k): v for k, v in data["variations"].items()}
            self.categories = data["categories"]
            self.customers = {c["id"]: c for c in data["customers"]}
            self.orders: dict[int, dict[str, Any]] = {o["id"]: o for o in data["orders"]}
            self.refunds = {int(k): v for k, v in data["refunds"].items()}
            self.providers = data["providers"]
            self.currency = data.get("store", {}).get("currency", "USD")
            self.notes: dict[int, list[dict[str, Any]]] = {}
            self.stock_at_start = {sku: units for sku, units in self._stock().items()}
            self.next_id = itertools.count(90001)

    def _stock(self) -> dict[str, int]:
        found = {}
        for p in self.products.values():
            if p["type"] == "simple" and p.get("manage_stock"):
                found[p["sku"]] = int(p["stock_quantity"] or 0)
        for variations in self.variations.values():
            for v in variations:
                if v.get("manage_stock"):
                    found[v["sku"]] = int(v["stock_quantity"] or 0)
        return found

    def order_names(self) -> list[str]:
        return sorted(o["number"] for o in self.orders.values())

    def reserved(self) -> dict[str, int]:
        with self.lock:
            now = self._stock()
        return {
            sku: self.stock_at_start[sku] - units
            for sku, units in sorted(now.items())
            if units < self.stock_at_start.get(sku, units)
        }

    def order_by_name(self, name: str) -> dict[str, Any]:
        return next(o for o in self.orders.values() if o["number"] == name)

    def _stock_item(self, product_id: int, variation_id: int) -> dict[str, Any] | None:
        if variation_id:
            return next((v for v in self.variations.get(product_id, []) if v["id"] == variation_id),
                        None)  # fmt: skip
        return self.products.get(product_id)

    def cancel_by_name(self, name: str) -> None:
        """The shop manager cancels an order in wp-admin."""
        self.update_order(self.order_by_name(name)["id"], {"status": "cancelled"})

    # -- the store's own changes ----------------------------------------------------------
    def update_order(self, order_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            order = self.orders[order_id]
            before = order["status"]
            for key in ("shipping", "billing"):
                if isinstance(changes.get(key), dict):
                    order[key] = {**order[key], **changes[key]}
            for entry in changes.get("meta_data") or []:
                found = next(
                    (m for m in order["meta_data"]
                     if m["id"] == entry.get("id") or m["key"] == entry.get("key")), None
                )  # fmt: skip
                if found is None:
                    order["meta_data"].append({"id": next(self.next_id), "key": entry["key"],
                                               "value": entry.get("value")})  # fmt: skip
                else:
                    found["value"] = entry.get("value")
            if changes.get("status") and changes["status"] != before:
                order["status"] = changes["status"]
                if changes["status"] == "cancelled":
                    for line in order["line_items"]:  # WooCommerce restocks a cancelled order
                        item = self._stock_item(line["product_id"], line["variation_id"])
                        if item is not None and item.get("manage_stock"):
                            item["stock_quantity"] = (
                                int(item["stock_quantity"] or 0) + line["quantity"]
                            )
            order.update(woo_times(datetime.now(UTC), "date_modified"))
            return order

    def refund(self, order_id: int, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            order = self.orders[order_id]
            done = sum(-float(r["total"]) for r in order["refunds"])
            amount = float(body.get("amount") or 0)
            if amount <= 0 or amount > float(order["total"]) - done + 0.005:
                raise _Refused(400, "woocommerce_rest_cannot_create_order_refund",
                               "Invalid refund amount.")  # fmt: skip
            rid = next(self.next_id)
            refund = {
                "id": rid,
                **woo_times(datetime.now(UTC), "date_created"),
                "amount": f"{amount:.2f}",
                "reason": body.get("reason", ""),
                "refunded_by": 1,
                "refunded_payment": bool(body.get("api_refund", True)),
                "meta_data": [],
                "line_items": [],
                "shipping_lines": [],
                "tax_lines": [],
                "fee_lines": [],
            }
            self.refunds.setdefault(order_id, []).append(refund)
            order["refunds"].append(
                {"id": rid, "reason": refund["reason"], "total": f"-{amount:.2f}"}
            )
            if done + amount >= float(order["total"]) - 0.005:
                order["status"] = "refunded"
            return refund

    # -- HTTP -----------------------------------------------------------------------------
    def _authorized(self, request: Request) -> bool:
        q = request.query_params
        if q.get("consumer_key") == self.key and q.get("consumer_secret") == self.secret:
            return True
        header = request.headers.get("Authorization", "")
        if header.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            except ValueError:
                return False
            return (user, password) == (self.key, self.secret)
        return False

    @staticmethod
    def page(items: list[dict[str, Any]], request: Request) -> JSONResponse:
        q = request.query_params
        per_page = max(1, min(100, int(q.get("per_page", 10))))
        number = max(1, int(q.get("page", 1)))
        pages = max(1, math.ceil(len(items) / per_page))
        chunk = items[(number - 1) * per_page : number * per_page]
        headers = {"X-WP-Total": str(len(items)), "X-WP-TotalPages": str(pages)}
        if number < pages:
            url = request.url.include_query_params(page=number + 1)
            headers["Link"] = f'<{url}>; rel="next"'
        return JSONResponse(chunk, headers=headers)

    def _build_app(self) -> FastAPI:
        app = FastAPI(title="Fake WooCommerce REST API")

        @app.middleware("http")
        async def gate(request: Request, call_next: Any) -> Any:
            self.requests.append((request.method, request.url.path))
            if self.fault:
                return _error(self.fault, "internal_error", "The database is down.")
            if not request.url.path.endswith("/providers") and not self._authorized(request):
                return _error(
                    401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources."
                )
            try:
                return await call_next(request)
            except _Refused as refused:
                return _error(refused.status, refused.code, refused.message)

        def missing(what: str = "order") -> JSONResponse:
            return _error(404, f"woocommerce_rest_{what}_invalid_id", "Invalid ID.")

        @app.get("/wp-json/wc-shipment-tracking/v3/shipment-trackings/providers")
        def providers() -> Any:
            return self.providers

        @app.get(f"{WC}/orders")
        def orders(request: Request) -> Any:
            q = request.query_params
            with self.lock:
                found = list(self.orders.values())
                if q.get("customer"):
                    found = [o for o in found if str(o["customer_id"]) == q["customer"]]
                if q.get("status") and q["status"] != "any":
                    wanted = set(q["status"].split(","))
                    found = [o for o in found if o["status"] in wanted]
                if q.get("include"):
                    ids = {int(i) for i in q["include"].split(",") if i.strip().isdigit()}
                    found = [o for o in found if o["id"] in ids]
                if q.get("search"):
                    found = [o for o in found if _order_matches(o, q["search"])]
                found.sort(key=lambda o: o["date_created_gmt"], reverse=True)
                return self.page(found, request)

        @app.get(f"{WC}/orders/{{order_id}}")
        def order(order_id: int) -> Any:
            return self.orders.get(order_id) or missing()

        @app.put(f"{WC}/orders/{{order_id}}")
        async def update(order_id: int, request: Request) -> Any:
            if order_id not in self.orders:
                return missing()
            return self.update_order(order_id, await request.json())

        @app.post(f"{WC}/orders/{{order_id}}/notes")
        async def note(order_id: int, request: Request) -> Any:
            if order_id not in self.orders:
                return missing()
            body = await request.json()
            entry = {"id": next(self.next_id), "author": "shopbot", "note": body.get("note", ""),
                     "customer_note": bool(body.get("customer_note")),
                     **woo_times(datetime.now(UTC), "date_created")}  # fmt: skip
            self.notes.setdefault(order_id, []).append(entry)
            return JSONResponse(entry, status_code=201)

        @app.get(f"{WC}/orders/{{order_id}}/refunds")
        def refunds(order_id: int) -> Any:
            if order_id not in self.orders:
                return missing()
            return self.refunds.get(order_id, [])

        @app.post(f"{WC}/orders/{{order_id}}/refunds")
        async def create_refund(order_id: int, request: Request) -> Any:
            if order_id not in self.orders:
                return missing()
            return JSONResponse(self.refund(order_id, await request.json()), status_code=201)

        @app.get(f"{WC}/customers")
        def customers(request: Request) -> Any:
            q = request.query_params
            found = sorted(self.customers.values(), key=lambda c: c["id"])
            if q.get("email"):
                found = [c for c in found if c["email"].lower() == q["email"].strip().lower()]
            if q.get("search"):
                words = q["search"].lower().split()
                found = [c for c in found if all(w in _customer_text(c) for w in words)]
            return self.page(found, request)

        @app.get(f"{WC}/customers/{{customer_id}}")
        def customer(customer_id: int) -> Any:
            return self.customers.get(customer_id) or missing("user")

        @app.get(f"{WC}/data/currencies/current")
        def currency() -> Any:
            return {"code": self.currency, "name": self.currency, "symbol": ""}

        @app.get(f"{WC}/products")
        def products(request: Request) -> Any:
            return self.page(sorted(self.products.values(), key=lambda p: p["id"]), request)

        @app.get(f"{WC}/products/categories")
        def categories(request: Request) -> Any:
            return self.page(self.categories, request)

        @app.get(f"{WC}/products/{{product_id}}")
        def product(product_id: int) -> Any:
            return self.products.get(product_id) or missing("product")

        @app.put(f"{WC}/products/{{product_id}}")
        async def update_product(product_id: int, request: Request) -> Any:
            found = self.products.get(product_id)
            if found is None:
                return missing("product")
            return self._set_stock(found, await request.json())

        @app.get(f"{WC}/products/{{product_id}}/variations")
        def variations(product_id: int, request: Request) -> Any:
            if product_id not in self.products:
                return missing("product")
            return self.page(self.variations.get(product_id, []), request)

        @app.put(f"{WC}/products/{{product_id}}/variations/{{variation_id}}")
        async def update_variation(product_id: int, variation_id: int, request: Request) -> Any:
            found = self._stock_item(product_id, variation_id)
            if found is None:
                return missing("product_variation")
            return self._set_stock(found, await request.json())

        return app

    def _set_stock(self, item: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            if "stock_quantity" in body:
                item["stock_quantity"] = int(body["stock_quantity"])
                item["stock_status"] = "instock" if item["stock_quantity"] > 0 else "outofstock"
            return item


class _Refused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "data": {"status": status}},
                        status_code=status)  # fmt: skip


def _customer_text(c: dict[str, Any]) -> str:
    parts = [c["email"], c["first_name"], c["last_name"], c["username"]]
    return " ".join(str(p) for p in parts).lower()


def _order_matches(order: dict[str, Any], search: str) -> bool:
    """WooCommerce's order search: the text anywhere in the id, number, addresses, e-mail,
    phone or item names."""
    wanted = search.strip().lower()
    fields = [str(order["id"]), order["number"]]
    for part in ("billing", "shipping"):
        fields += [str(v) for v in order[part].values()]
    fields += [line["name"] for line in order["line_items"]]
    haystack = " ".join(fields).lower()
    names = {
        f"{order[p]['first_name']} {order[p]['last_name']}".lower() for p in ("billing", "shipping")
    }
    return wanted in haystack or wanted in names
