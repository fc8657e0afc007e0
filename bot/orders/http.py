"""`OrderSystem` over a store's own REST API.

Configuration (`settings.orders`): `http_base_url`, `http_auth_header` (default
`Authorization`) carrying `http_auth_token` (its whole value, e.g. `Bearer ...`; from the
environment only, never logged), `http_timeout_s`, and `http_field_map`.

The REST convention (JSON in and out; paths are relative to the base URL)::

    GET  /customers?email=E                 -> [customer, ...] (or one customer)
    GET  /customers?name=N&postcode=P       -> [customer, ...] (or one customer)
    GET  /customers/{id}                    -> customer               404 if none
    GET  /customers/{id}/orders             -> [order, ...]
    GET  /orders/{number}                   -> order                  404 if none
    GET  /products/{id}/variants            -> [variant, ...]         404 = no such product
    POST /orders/{number}/cancel     {"reason"}                           -> order
    POST /orders/{number}/address    {"address": address}                 -> order
    POST /orders/{number}/returns    {"line_ids", "refund_method", "reason"} -> order
    POST /orders/{number}/exchanges  {"line_id", "new_sku"}               -> order

    404 = no such order or customer (OrderNotFound); 409 = the change is refused, with the
    reason in "detail", "error" or "message" (ChangeRejected); 401/403 = the token is wrong.

The objects carry the fields of `bot.orders.system` (customer: id, name, email, postcode,
phone, tier; order: number, customer_id, status, placed_at, address, items, payments, refunds,
currency, shipping_cost, shipping_method, shipped_at, delivered_at, carrier, tracking_number,
tracking_url, estimated_delivery, address_changes; item: line_id, sku, product_id, name,
options, quantity, unit_price, category, final_sale, status, exchanges, exchange_sku,
refund_method; address, payment, refund and variant likewise), times in ISO 8601. A store
whose API names them otherwise sets `http_field_map`, our name -> theirs, e.g.
`{"number": "order_id", "status": "state", "item.status": "line_state"}`. A plain key applies
wherever that field occurs (query parameters and request bodies included); a key prefixed with
a scope (`customer.`, `order.`, `item.`, `address.`, `payment.`, `refund.`, `variant.`,
`request.`) applies there only and wins over the plain key.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast
from urllib.parse import quote

import httpx

from bot.errors import ChangeRejected, ConfigError, OrderNotFound, OrderSystemError
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

_ADDRESS = ("name", "line1", "line2", "city", "region", "postcode", "country")


class HTTPOrderSystem:
    """The store's customers and orders through its REST API (see the module docstring)."""

    name = "http"

    def __init__(self, settings: OrdersSettings) -> None:
        if not settings.http_base_url:
            raise ConfigError("Set SHOPBOT_ORDERS__HTTP_BASE_URL to the store's order API.")
        self.base_url = settings.http_base_url.rstrip("/")
        self._map = dict(settings.http_field_map)
        headers = {"Accept": "application/json"}
        if settings.http_auth_token is not None:
            headers[settings.http_auth_header] = settings.http_auth_token.get_secret_value()
        self._client = httpx.Client(
            base_url=self.base_url, headers=headers, timeout=settings.http_timeout_s
        )

    def close(self) -> None:
        self._client.close()

    # --- field names ---------------------------------------------------------------------

    def _theirs(self, scope: str, field: str) -> str:
        return self._map.get(f"{scope}.{field}") or self._map.get(field) or field

    def _get(self, data: dict[str, Any], scope: str, field: str, default: Any = ...) -> Any:
        key = self._theirs(scope, field)
        if key in data and data[key] is not None:
            return data[key]
        if default is ...:
            raise OrderSystemError(
                f"The store's API ({self.base_url}) sent a {scope} without the field {key!r}: "
                "map our field names to the API's with SHOPBOT_ORDERS__HTTP_FIELD_MAP."
            )
        return default

    # --- HTTP ----------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
    ) -> Any | None:
        """The decoded JSON answer; None on 404. Errors say which URL (never the token)."""
        url = f"{self.base_url}{path}"
        try:
            response = self._client.request(method, path, params=params, json=body)
        except httpx.HTTPError as exc:
            raise OrderSystemError(
                f"Cannot reach the store's order API at {url}: {type(exc).__name__}: {exc}. "
                "Check SHOPBOT_ORDERS__HTTP_BASE_URL and that the API is up."
            ) from exc
        if response.status_code == 404:
            return None
        if response.status_code in (401, 403):
            raise OrderSystemError(
                f"The store's order API refused our credentials ({response.status_code}) at "
                f"{method} {url}: check SHOPBOT_ORDERS__HTTP_AUTH_TOKEN and "
                "SHOPBOT_ORDERS__HTTP_AUTH_HEADER."
            )
        if response.status_code == 409:
            raise ChangeRejected(self._reason(response) or "The store refused the change.")
        try:
            response.raise_for_status()
            return response.json()
        except (httpx.HTTPStatusError, ValueError) as exc:
            reason = self._reason(response)
            raise OrderSystemError(
                f"The store's order API failed at {method} {url}: HTTP {response.status_code}"
                + (f" ({reason})" if reason else "")
            ) from exc

    @staticmethod
    def _reason(response: httpx.Response) -> str:
        try:
            data = response.json()
        except ValueError:
            return response.text[:300]
        if isinstance(data, dict):
            for key in ("detail", "error", "message"):
                if isinstance(message := data.get(key), str):
                    return message
        return ""

    def _change(self, number: str, action: str, body: dict[str, Any]) -> Order:
        found = self.get_order(number)
        if found is None:
            raise OrderNotFound(f"There is no order {number}.")
        number = found.number
        sent = {self._theirs("request", k): v for k, v in body.items()}
        data = self._request("POST", f"/orders/{quote(number, safe='')}/{action}", body=sent)
        if data is None:
            raise OrderNotFound(f"There is no order {number}.")
        return self._order(data)

    # --- the protocol --------------------------------------------------------------------

    def _find_customer(self, params: dict[str, str]) -> Customer | None:
        query = {self._theirs("customer", k): v for k, v in params.items()}
        data = self._request("GET", "/customers", params=query)
        if isinstance(data, list):
            data = data[0] if data else None
        return self._customer(data) if data else None

    def find_customer_by_email(self, email: str) -> Customer | None:
        return self._find_customer({"email": email.strip()})

    def find_customer_by_name(self, name: str, postcode: str) -> Customer | None:
        if not name.strip() or not postcode.strip():
            return None
        return self._find_customer({"name": " ".join(name.split()), "postcode": postcode.strip()})

    def get_customer(self, customer_id: str) -> Customer | None:
        data = self._request("GET", f"/customers/{quote(customer_id.strip(), safe='')}")
        return self._customer(data) if data else None

    def get_order(self, number: str) -> Order | None:
        """The order the store finds under the number as the shopper wrote it (spaces and a
        leading "#" dropped), else in upper case: the store knows its own format."""
        written = " ".join(number.split()).lstrip("#").strip()
        for candidate in dict.fromkeys([written, written.upper()]):
            if candidate:
                data = self._request("GET", f"/orders/{quote(candidate, safe='')}")
                if data:
                    return self._order(data)
        return None

    def list_orders(self, customer_id: str) -> list[Order]:
        data = self._request("GET", f"/customers/{quote(customer_id.strip(), safe='')}/orders")
        found = [self._order(o) for o in data or []]
        return sorted(found, key=lambda o: (o.placed_at, o.number), reverse=True)

    def variants(self, product_id: str) -> list[VariantStock]:
        data = self._request("GET", f"/products/{quote(product_id.strip(), safe='')}/variants")
        return [self._variant(v, product_id.strip()) for v in data or []]

    def cancel_order(self, number: str, reason: str) -> Order:
        return self._change(number, "cancel", {"reason": reason})

    def change_address(self, number: str, address: Address) -> Order:
        fields = {self._theirs("address", f): getattr(address, f) for f in _ADDRESS}
        return self._change(number, "address", {"address": fields})

    def return_items(
        self, number: str, line_ids: Sequence[str], refund_method: RefundMethod, reason: str
    ) -> Order:
        body = {"line_ids": list(line_ids), "refund_method": refund_method, "reason": reason}
        return self._change(number, "returns", body)

    def exchange_item(self, number: str, line_id: str, new_sku: str) -> Order:
        return self._change(number, "exchanges", {"line_id": line_id, "new_sku": new_sku})

    # --- decoding ------------------------------------------------------------------------

    def _customer(self, d: dict[str, Any]) -> Customer:
        g = self._get
        return Customer(
            id=str(g(d, "customer", "id")),
            name=g(d, "customer", "name"),
            email=g(d, "customer", "email"),
            postcode=str(g(d, "customer", "postcode", "")),
            phone=g(d, "customer", "phone", ""),
            tier=g(d, "customer", "tier", "member"),
        )

    def _address(self, d: dict[str, Any]) -> Address:
        return Address(**{f: str(self._get(d, "address", f, "")) for f in _ADDRESS})

    def _item(self, d: dict[str, Any]) -> OrderItem:
        g = self._get
        return OrderItem(
            line_id=str(g(d, "item", "line_id")),
            sku=g(d, "item", "sku"),
            product_id=str(g(d, "item", "product_id", "")),
            name=g(d, "item", "name", ""),
            options=dict(g(d, "item", "options", {})),
            quantity=int(g(d, "item", "quantity", 1)),
            unit_price=float(g(d, "item", "unit_price", 0.0)),
            category=g(d, "item", "category", ""),
            final_sale=bool(g(d, "item", "final_sale", False)),
            status=g(d, "item", "status", "ordered"),
            exchanges=int(g(d, "item", "exchanges", 0)),
            exchange_sku=g(d, "item", "exchange_sku", ""),
            refund_method=g(d, "item", "refund_method", ""),
        )

    def _payment(self, d: dict[str, Any]) -> Payment:
        g = self._get
        return Payment(
            method=g(d, "payment", "method"),
            amount=float(g(d, "payment", "amount")),
            status=g(d, "payment", "status"),
            created_at=_required_time(g(d, "payment", "created_at")),
            last4=str(g(d, "payment", "last4", "")),
            reference=str(g(d, "payment", "reference", "")),
        )

    def _refund(self, d: dict[str, Any]) -> Refund:
        g = self._get
        return Refund(
            amount=float(g(d, "refund", "amount")),
            method=g(d, "refund", "method"),
            created_at=_required_time(g(d, "refund", "created_at")),
            line_ids=tuple(str(x) for x in g(d, "refund", "line_ids", ())),
            reason=g(d, "refund", "reason", ""),
        )

    def _order(self, d: dict[str, Any]) -> Order:
        g = self._get
        return Order(
            number=str(g(d, "order", "number")),
            customer_id=str(g(d, "order", "customer_id")),
            status=g(d, "order", "status"),
            placed_at=_required_time(g(d, "order", "placed_at")),
            address=self._address(g(d, "order", "address", {})),
            items=tuple(self._item(i) for i in g(d, "order", "items", [])),
            payments=tuple(self._payment(p) for p in g(d, "order", "payments", [])),
            refunds=tuple(self._refund(r) for r in g(d, "order", "refunds", [])),
            currency=g(d, "order", "currency", "USD"),
            shipping_cost=float(g(d, "order", "shipping_cost", 0.0)),
            shipping_method=g(d, "order", "shipping_method", "standard"),
            shipped_at=_time(g(d, "order", "shipped_at", None)),
            delivered_at=_time(g(d, "order", "delivered_at", None)),
            carrier=g(d, "order", "carrier", ""),
            tracking_number=str(g(d, "order", "tracking_number", "")),
            tracking_url=g(d, "order", "tracking_url", ""),
            estimated_delivery=_time(g(d, "order", "estimated_delivery", None)),
            address_changes=int(g(d, "order", "address_changes", 0)),
            notes=tuple(g(d, "order", "notes", ())),
        )

    def _variant(self, d: dict[str, Any], product_id: str) -> VariantStock:
        g = self._get
        return VariantStock(
            sku=g(d, "variant", "sku"),
            product_id=str(g(d, "variant", "product_id", product_id)),
            name=g(d, "variant", "name", ""),
            options=dict(g(d, "variant", "options", {})),
            price=float(g(d, "variant", "price")),
            in_stock=bool(g(d, "variant", "in_stock")),
        )


def _required_time(value: Any) -> datetime:
    """A time the mapping requires (when an order was placed, paid, refunded)."""
    return cast(datetime, _time(value))


def _time(value: Any) -> datetime | None:
    """ISO 8601 text → an aware UTC datetime (a time without a zone is taken as UTC)."""
    if value is None or isinstance(value, datetime):
        return value
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise OrderSystemError(
            f"The store's API sent a time that is not ISO 8601: {value!r}"
        ) from exc
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
