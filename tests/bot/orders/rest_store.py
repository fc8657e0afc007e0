"""A reference store REST API for tests: the demo database behind the REST convention of
`bot.orders.http`, with the store's OWN field names (so `http_field_map` is exercised) and a
bearer token. `FIELD_MAP` is what a shop owner would configure for this API."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse

from bot.errors import ChangeRejected, OrderNotFound
from bot.orders.demo import SQLOrderSystem
from bot.orders.http import HTTPOrderSystem
from bot.orders.platforms.fakestore import serve_app
from bot.orders.system import Address, Customer, Order, OrderItem, VariantStock
from bot.settings import OrdersSettings

FIELD_MAP = {
    "id": "customer_ref",
    "name": "full_name",
    "address.name": "recipient",
    "item.name": "title",
    "variant.name": "title",
    "email": "mail",
    "postcode": "zip",
    "phone": "tel",
    "tier": "level",
    "line1": "street",
    "line2": "street2",
    "city": "town",
    "region": "state",
    "country": "country_code",
    "number": "order_id",
    "customer_id": "buyer",
    "status": "state",
    "item.status": "line_state",
    "placed_at": "created",
    "address": "ship_to",
    "request.address": "new_address",
    "items": "lines",
    "payments": "transactions",
    "shipping_cost": "shipping_fee",
    "shipping_method": "service",
    "shipped_at": "shipped",
    "delivered_at": "delivered",
    "tracking_number": "tracking_no",
    "tracking_url": "tracking_link",
    "estimated_delivery": "eta",
    "address_changes": "address_edits",
    "line_id": "line",
    "sku": "variant_sku",
    "product_id": "product",
    "quantity": "qty",
    "unit_price": "price",
    "exchange_sku": "exchange_to",
    "refund_method": "refund_to",
    "created_at": "at",
    "line_ids": "lines",
    "in_stock": "available",
}


def _time(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _customer(c: Customer) -> dict[str, Any]:
    return {"customer_ref": c.id, "full_name": c.name, "mail": c.email, "zip": c.postcode,
            "tel": c.phone, "level": c.tier}  # fmt: skip


def _address(a: Address) -> dict[str, Any]:
    return {"recipient": a.name, "street": a.line1, "street2": a.line2, "town": a.city,
            "state": a.region, "zip": a.postcode, "country_code": a.country}  # fmt: skip


def _item(i: OrderItem) -> dict[str, Any]:
    return {"line": i.line_id, "variant_sku": i.sku, "product": i.product_id, "title": i.name,
            "options": i.options, "qty": i.quantity, "price": i.unit_price,
            "category": i.category, "final_sale": i.final_sale, "line_state": i.status,
            "exchanges": i.exchanges, "exchange_to": i.exchange_sku,
            "refund_to": i.refund_method}  # fmt: skip


def _order(o: Order) -> dict[str, Any]:
    return {
        "order_id": o.number, "buyer": o.customer_id, "state": o.status,
        "created": _time(o.placed_at), "ship_to": _address(o.address),
        "lines": [_item(i) for i in o.items],
        "transactions": [
            {"method": p.method, "amount": p.amount, "state": p.status, "at": _time(p.created_at),
             "last4": p.last4, "reference": p.reference}
            for p in o.payments
        ],
        "refunds": [
            {"amount": r.amount, "method": r.method, "at": _time(r.created_at),
             "lines": list(r.line_ids), "reason": r.reason}
            for r in o.refunds
        ],
        "currency": o.currency, "shipping_fee": o.shipping_cost, "service": o.shipping_method,
        "shipped": _time(o.shipped_at), "delivered": _time(o.delivered_at),
        "carrier": o.carrier, "tracking_no": o.tracking_number,
        "tracking_link": o.tracking_url, "eta": _time(o.estimated_delivery),
        "address_edits": o.address_changes, "notes": list(o.notes),
    }  # fmt: skip


def _variant(v: VariantStock) -> dict[str, Any]:
    return {"variant_sku": v.sku, "product": v.product_id, "title": v.name,
            "options": v.options, "price": v.price, "available": v.in_stock}  # fmt: skip


def make_app(store: SQLOrderSystem, token: str) -> FastAPI:
    app = FastAPI(title="Reference store API")
    app.state.fault = None  # a status code every request answers with, for error tests

    @app.middleware("http")
    async def fault(request: Request, call_next: Any) -> Any:
        if app.state.fault:
            return JSONResponse({"detail": "the database is down"}, status_code=app.state.fault)
        return await call_next(request)

    def auth(authorization: str = Header("")) -> None:
        if authorization != f"Bearer {token}":
            raise HTTPException(401, "bad token")

    @app.exception_handler(OrderNotFound)
    def not_found(_: Request, exc: OrderNotFound) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=404)

    @app.exception_handler(ChangeRejected)
    def rejected(_: Request, exc: ChangeRejected) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=409)

    def order_or_404(number: str) -> Order:
        order = store.get_order(number)
        if order is None:
            raise HTTPException(404, f"no order {number}")
        return order

    @app.get("/customers", dependencies=[Depends(auth)])
    def find(mail: str = "", full_name: str = "", zip: str = "") -> list[dict[str, Any]]:
        found = (
            store.find_customer_by_email(mail)
            if mail
            else store.find_customer_by_name(full_name, zip)
        )
        return [_customer(found)] if found else []

    @app.get("/customers/{ref}", dependencies=[Depends(auth)])
    def customer(ref: str) -> dict[str, Any]:
        found = store.get_customer(ref)
        if found is None:
            raise HTTPException(404, f"no customer {ref}")
        return _customer(found)

    @app.get("/customers/{ref}/orders", dependencies=[Depends(auth)])
    def customer_orders(ref: str) -> list[dict[str, Any]]:
        if store.get_customer(ref) is None:
            raise HTTPException(404, f"no customer {ref}")
        return [_order(o) for o in store.list_orders(ref)]

    @app.get("/orders/{number}", dependencies=[Depends(auth)])
    def order(number: str) -> dict[str, Any]:
        return _order(order_or_404(number))

    @app.get("/products/{product}/variants", dependencies=[Depends(auth)])
    def variants(product: str) -> list[dict[str, Any]]:
        found = store.variants(product)
        if not found:
            raise HTTPException(404, f"no product {product}")
        return [_variant(v) for v in found]

    @app.post("/orders/{number}/cancel", dependencies=[Depends(auth)])
    def cancel(number: str, body: dict[str, Any]) -> dict[str, Any]:
        return _order(store.cancel_order(number, body.get("reason", "")))

    @app.post("/orders/{number}/address", dependencies=[Depends(auth)])
    def address(number: str, body: dict[str, Any]) -> dict[str, Any]:
        a = body["new_address"]
        new = Address(name=a["recipient"], line1=a["street"], line2=a.get("street2", ""),
                      city=a["town"], region=a.get("state", ""), postcode=a["zip"],
                      country=a.get("country_code", "US"))  # fmt: skip
        return _order(store.change_address(number, new))

    @app.post("/orders/{number}/returns", dependencies=[Depends(auth)])
    def returns(number: str, body: dict[str, Any]) -> dict[str, Any]:
        order = store.return_items(number, body["lines"], body["refund_to"], body.get("reason", ""))
        return _order(order)

    @app.post("/orders/{number}/exchanges", dependencies=[Depends(auth)])
    def exchanges(number: str, body: dict[str, Any]) -> dict[str, Any]:
        return _order(store.exchange_item(number, body["line"], body["new_sku"]))

    return app


@dataclass
class RunningStore:
    url: str
    token: str
    store: SQLOrderSystem
    client: HTTPOrderSystem
    app: FastAPI

    def settings(self, **changes: Any) -> OrdersSettings:
        values = {"backend": "http", "http_base_url": self.url,
                  "http_auth_token": f"Bearer {self.token}", "http_field_map": FIELD_MAP,
                  "http_timeout_s": 10.0, **changes}  # fmt: skip
        return OrdersSettings.model_validate(values)


@contextmanager
def serve(store: SQLOrderSystem, token: str) -> Iterator[RunningStore]:
    """The reference API served by uvicorn on a free loopback port, in a thread."""
    app = make_app(store, token)
    with serve_app(app, "rest-store") as url:
        running = RunningStore(url, token, store, None, app)  # type: ignore[arg-type]
        running.client = HTTPOrderSystem(running.settings())
        try:
            yield running
        finally:
            running.client.close()
