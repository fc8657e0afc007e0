"""`OrderSystem` over a WooCommerce store's REST API (wc/v3).

Settings (``orders.woocommerce``): ``store_url`` (the WordPress site), ``consumer_key`` and
``consumer_secret`` (from the environment only: ``SHOPBOT_ORDERS__WOOCOMMERCE__CONSUMER_KEY``
/ ``..._SECRET``; a read/write key from WooCommerce > Settings > Advanced > REST API; never
logged), ``query_string_auth`` (for hosts that drop the Authorization header),
``status_map``, ``tier_meta_key``, ``final_sale_tag``.

What is read where (https://woocommerce.github.io/woocommerce-rest-api-docs/):
- an order by number: ``GET orders/{id}`` when the number is the id (WooCommerce's default),
  else ``GET orders?search=`` (stores with custom numbers); a customer's orders:
  ``GET orders?customer={id}``; guests (no account) are ``guest:<e-mail>`` and their orders
  are found by ``search`` on the billing e-mail; customers: ``GET customers?email=`` /
  ``?search=``; refunds: ``GET orders/{id}/refunds``; variants and stock: ``GET products/{id}``
  and ``products/{id}/variations``; category paths from ``GET products/categories``.
- tracking: the Shipment Tracking extension's ``_wc_shipment_tracking_items`` order meta and
  its provider list; carrier progress from TrackShip's ``shipment_status`` order meta.
- changes: cancel ``PUT orders/{id}`` ``status=cancelled`` then, for a paid order,
  ``POST orders/{id}/refunds`` with ``api_refund`` (back to the original payment); address
  ``PUT orders/{id}`` ``shipping``; returns and exchanges, which WooCommerce does not have, as
  the order meta ``_shopbot_returns`` plus an order note for the staff; an exchange holds its
  unit by lowering the variation's ``stock_quantity``.

Statuses: ``pending``, ``on-hold`` and ``processing`` (paid, not shipped) are shopbot's
``pending``; ``completed`` is ``shipped`` (or further, by TrackShip); plugin statuses
``packing``, ``ready-to-ship``, ``shipped``, ``out-for-delivery`` and ``delivered`` map by
name; ``cancelled``, ``refunded`` and ``failed`` are ``cancelled``; ``status_map`` adds or
overrides. Line ids are the positions of the order's line items ("1", "2", ...).
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

STATUSES = {
    "pending": "pending",
    "on-hold": "pending",
    "processing": "pending",
    "checkout-draft": "pending",
    "packing": "processing",
    "picking": "processing",
    "ready-to-ship": "packed",
    "packed": "packed",
    "completed": "shipped",
    "shipped": "shipped",
    "partial-shipped": "processing",
    "out-for-delivery": "out_for_delivery",
    "delivered": "delivered",
    "cancelled": "cancelled",
    "refunded": "cancelled",
    "failed": "cancelled",
}
RETURNS = "_shopbot_returns"
ADDRESS_CHANGES = "_shopbot_address_changes"
TRACKING = "_wc_shipment_tracking_items"
TRACKSHIP = "shipment_status"
_PROVIDERS = "/wp-json/wc-shipment-tracking/v3/shipment-trackings/providers"
_CACHE_S = 300.0
_TRACKSHIP = {"out_for_delivery": "out_for_delivery", "delivered": "delivered"}
GUEST = "guest:"
_GATEWAY_WORDS = (("paypal", "paypal"), ("apple", "apple_pay"), ("google", "google_pay"),
                  ("gift", "gift_card"), ("store_credit", "store_credit"))  # fmt: skip


class WooCommerceOrderSystem:
    """A WooCommerce store's customers and orders (see the module docstring)."""

    name = "woocommerce"
    keeps_payment_transactions = False  # one payment per order: WooCommerce keeps no more

    def __init__(
        self,
        settings: OrdersSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        woo = settings.woocommerce
        if not woo.store_url:
            raise ConfigError(
                "The orders backend is 'woocommerce' but no store is set: set "
                "SHOPBOT_ORDERS__WOOCOMMERCE__STORE_URL (the WordPress site, e.g. "
                "https://shop.example)."
            )
        if woo.consumer_key is None or woo.consumer_secret is None:
            raise ConfigError(
                "The orders backend is 'woocommerce' but its REST API keys are not set: create a "
                "read/write key under WooCommerce > Settings > Advanced > REST API and set "
                "SHOPBOT_ORDERS__WOOCOMMERCE__CONSUMER_KEY and "
                "SHOPBOT_ORDERS__WOOCOMMERCE__CONSUMER_SECRET."
            )
        self.settings = woo
        self.site = woo.store_url.rstrip("/")
        keys = (woo.consumer_key.get_secret_value(), woo.consumer_secret.get_secret_value())
        self.api = PlatformAPI(
            "WooCommerce",
            f"{self.site}/wp-json/wc/v3",
            credentials_hint="SHOPBOT_ORDERS__WOOCOMMERCE__CONSUMER_KEY and "
            "SHOPBOT_ORDERS__WOOCOMMERCE__CONSUMER_SECRET (a read/write REST API key)",
            auth=None if woo.query_string_auth else keys,
            params={"consumer_key": keys[0], "consumer_secret": keys[1]}
            if woo.query_string_auth
            else None,
            timeout_s=woo.timeout_s,
            sleep=sleep,
            transport=transport,
        )
        self.statuses = {**STATUSES, **{k.lower(): v for k, v in woo.status_map.items()}}
        self._cancellable = tuple(settings.cancellable_statuses)
        self._address_changeable = tuple(settings.address_change_statuses)
        self._products: dict[int, tuple[float, dict[str, Any] | None]] = {}
        self._categories: tuple[float, dict[int, dict[str, Any]]] | None = None
        self._providers: dict[str, str] | None = None
        self._write_lock = threading.Lock()

    def close(self) -> None:
        self.api.close()

    def _list(self, path: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        return self.api.pages(path, {"per_page": 100, **params}, None)

    # -- customers ------------------------------------------------------------------------
    def _customer(self, c: dict[str, Any]) -> Customer:
        billing = c.get("billing") or {}
        tier = next(
            (str(m.get("value", "")) for m in c.get("meta_data") or []
             if m.get("key") == self.settings.tier_meta_key), ""
        )  # fmt: skip
        return Customer(
            id=str(c["id"]),
            name=full_name(c.get("first_name"), c.get("last_name"))
            or full_name(billing.get("first_name"), billing.get("last_name")),
            email=c.get("email") or billing.get("email") or "",
            postcode=billing.get("postcode") or (c.get("shipping") or {}).get("postcode") or "",
            phone=billing.get("phone") or "",
            tier="gold" if tier.lower() in ("gold", "vip") else "member",
        )

    @staticmethod
    def _guest(order: dict[str, Any]) -> Customer:
        billing = order.get("billing") or {}
        return Customer(
            id=f"{GUEST}{billing.get('email', '').lower()}",
            name=full_name(billing.get("first_name"), billing.get("last_name")),
            email=billing.get("email") or "",
            postcode=billing.get("postcode") or (order.get("shipping") or {}).get("postcode") or "",
            phone=billing.get("phone") or "",
        )

    def _guest_orders(self, email: str) -> list[dict[str, Any]]:
        return [
            o
            for o in self._list("orders", {"search": email})
            if not o.get("customer_id")
            and (o.get("billing") or {}).get("email", "").lower() == email.lower()
        ]

    def find_customer_by_email(self, email: str) -> Customer | None:
        email = email.strip()
        if "@" not in email:
            return None
        for c in self._list("customers", {"email": email, "role": "all"}):
            if (c.get("email") or "").lower() == email.lower():
                return self._customer(c)
        guest = self._guest_orders(email)
        return self._guest(guest[0]) if guest else None

    def find_customer_by_name(self, name: str, postcode: str) -> Customer | None:
        name, postcode = " ".join(name.split()), postcode.strip()
        if not name or not postcode:
            return None
        for c in self._list("customers", {"search": name, "role": "all"}):
            if self._fits(c, name, postcode):
                return self._customer(c)
        for query in (name, *postcode_queries(postcode)):  # guests, names it does not fold
            for o in self._list("orders", {"search": query}):
                if not self._fits(o, name, postcode):
                    continue
                if not o.get("customer_id"):
                    return self._guest(o)
                found = self.get_customer(str(o["customer_id"]))
                if found is not None:
                    return found
        return None

    @staticmethod
    def _fits(record: dict[str, Any], name: str, postcode: str) -> bool:
        parts = [record] + [record.get(k) or {} for k in ("billing", "shipping")]
        names = [full_name(p.get("first_name"), p.get("last_name")) for p in parts]
        codes = [(record.get(k) or {}).get("postcode", "") for k in ("billing", "shipping")]
        return same_name(name, *names) and any(same_postcode(postcode, c) for c in codes)

    def get_customer(self, customer_id: str) -> Customer | None:
        customer_id = customer_id.strip()
        if customer_id.startswith(GUEST):
            guest = self._guest_orders(customer_id[len(GUEST) :])
            return self._guest(guest[0]) if guest else None
        if not customer_id.isdigit():
            return None
        data = self.api.get(f"customers/{customer_id}")
        return self._customer(data) if data else None

    # -- orders ---------------------------------------------------------------------------
    def _find(self, reference: str) -> dict[str, Any] | None:
        key = order_key(reference)
        digits = re.search(r"\d+$", key)
        if not key:
            return None
        if digits:  # WooCommerce's own numbers are the order ids
            found: dict[str, Any] | None = self.api.get(f"orders/{int(digits.group(0))}")
            if found and (key.isdigit() or order_key(str(found.get("number", ""))) == key):
                return found
        # A plugin's numbers ("JX30425") are searched as written, without the space or hyphen
        # a shopper put in ("jx 30425"), and by their digits ("30425" alone is JX30425 when
        # no order has that id).
        written = reference.strip().lstrip("#").strip()
        for search in dict.fromkeys((written, key, digits.group(0) if digits else "")):
            if not search:
                continue
            for o in self._list("orders", {"search": search}):
                number = order_key(str(o.get("number", "")))
                if number == key or (key.isdigit() and re.fullmatch(rf"[A-Z]{{1,5}}{key}", number)):
                    return o
        return None

    def get_order(self, number: str) -> Order | None:
        found = self._find(number)
        return self._order(found) if found else None

    def list_orders(self, customer_id: str) -> list[Order]:
        customer_id = customer_id.strip()
        if customer_id.startswith(GUEST):
            natives = self._guest_orders(customer_id[len(GUEST) :])
        elif customer_id.isdigit():
            natives = list(self._list("orders", {"customer": customer_id}))
        else:
            return []
        orders = [self._order(o) for o in natives]
        return sorted(orders, key=lambda o: (o.placed_at, o.number), reverse=True)

    def _order(self, o: dict[str, Any]) -> Order:
        meta = {m.get("key"): m.get("value") for m in o.get("meta_data") or []}
        status = self.statuses.get(str(o.get("status", "")).lower(), "processing")
        progress = (
            (meta.get(TRACKSHIP) or [{}])[-1] if isinstance(meta.get(TRACKSHIP), list) else {}
        )
        carrier_says = _TRACKSHIP.get(str(progress.get("status", "")))
        if status == "shipped" and carrier_says:
            status = carrier_says
        tracking = (meta.get(TRACKING) or [{}])[-1] if isinstance(meta.get(TRACKING), list) else {}
        refunds = self._refunds(o)
        shipped_at = _epoch(tracking.get("date_shipped"))
        delivered_at = None
        if status == "delivered":
            delivered_at = (
                _time(progress.get("status_date"))
                if progress.get("status") == "delivered"
                else None
            ) or _time(o.get("date_completed_gmt") or o.get("date_modified_gmt"))
        shipping = o.get("shipping") or {}
        if not shipping.get("address_1"):
            shipping = o.get("billing") or {}
        method = ((o.get("shipping_lines") or [{}])[0].get("method_title") or "").lower()
        customer = o.get("customer_id")
        return Order(
            number=str(o.get("number") or o["id"]),
            customer_id=str(customer)
            if customer
            else f"{GUEST}{(o.get('billing') or {}).get('email', '').lower()}",
            status=status,  # type: ignore[arg-type]
            placed_at=_time(o.get("date_created_gmt")) or datetime.now(UTC),
            address=Address(
                name=full_name(shipping.get("first_name"), shipping.get("last_name")),
                line1=shipping.get("address_1") or "",
                line2=shipping.get("address_2") or "",
                city=shipping.get("city") or "",
                postcode=shipping.get("postcode") or "",
                country=shipping.get("country") or "US",
                region=shipping.get("state") or "",
            ),
            items=tuple(self._items(o, meta, refunds)),
            payments=(self._payment(o, status, meta),),
            refunds=tuple(refunds),
            currency=o.get("currency") or "USD",
            shipping_cost=float(o.get("shipping_total") or 0.0),
            shipping_method="express"
            if "express" in method
            else "next_day"
            if "next" in method
            else "standard",
            shipped_at=shipped_at
            if status in ("shipped", "out_for_delivery", "delivered")
            else None,
            delivered_at=delivered_at,
            carrier=tracking.get("tracking_provider")
            or tracking.get("custom_tracking_provider")
            or "",
            tracking_number=str(tracking.get("tracking_number") or ""),
            tracking_url=self._tracking_url(tracking, shipping),
            estimated_delivery=_time(progress.get("est_delivery_date")),
            address_changes=int(meta.get(ADDRESS_CHANGES) or 0),
        )

    def _items(
        self, o: dict[str, Any], meta: dict[str, Any], refunds: list[Refund]
    ) -> list[OrderItem]:
        lines = o.get("line_items") or []
        position = {line["id"]: str(n) for n, line in enumerate(lines, 1)}
        state: dict[str, dict[str, Any]] = {p: {"exchanges": 0} for p in position.values()}
        for refund in refunds:
            for line in refund.line_ids:
                state[line].update(status="returned", refund_method=refund.method)
        for request in meta.get(RETURNS) or []:
            at = position.get(request.get("line_item_id"))
            if not at:
                continue
            open_ = request.get("status") == "requested"
            if request.get("kind") == "exchange":
                state[at]["exchanges"] += 1
                if open_:
                    state[at].update(status="exchange_requested",
                                     exchange_sku=request.get("exchange_sku", ""))  # fmt: skip
            elif open_:
                method = request.get("refund_method") or "original_payment"
                state[at].update(status="return_requested", refund_method=method)
        items = []
        for n, line in enumerate(lines, 1):
            product = self._product(line.get("product_id"))
            tags = {t.get("slug", "").lower() for t in (product or {}).get("tags", [])} | {
                t.get("name", "").lower() for t in (product or {}).get("tags", [])
            }
            options = {
                str(m.get("display_key") or m.get("key")).lower(): str(
                    m.get("display_value") or m.get("value")
                )
                for m in line.get("meta_data") or []
                if not str(m.get("key", "")).startswith("_")
            }
            s = state[str(n)]
            items.append(
                OrderItem(
                    line_id=str(n),
                    sku=line.get("sku") or "",
                    product_id=str(line.get("product_id") or ""),
                    name=line.get("parent_name")
                    or (product or {}).get("name")
                    or line.get("name")
                    or "",
                    options=options,
                    quantity=int(line.get("quantity") or 0),
                    unit_price=float(line.get("price") or 0.0),
                    category=self._category(product),
                    final_sale=self.settings.final_sale_tag.lower() in tags,
                    status=s.get("status", "ordered"),
                    exchanges=s["exchanges"],
                    exchange_sku=s.get("exchange_sku", ""),
                    refund_method=s.get("refund_method", ""),
                )
            )
        return items

    def _payment(self, o: dict[str, Any], status: str, meta: dict[str, Any]) -> Payment:
        total = float(o.get("total") or 0.0)
        refunded = sum(-float(r.get("total") or 0) for r in o.get("refunds") or [])
        paid = bool(o.get("date_paid_gmt"))
        if not paid:
            state = "released" if status == "cancelled" else "authorized"
        elif refunded >= total - 0.005 and total > 0:
            state = "refunded"
        elif refunded > 0:
            state = "partially_refunded"
        else:
            state = "captured"
        gateway = f"{o.get('payment_method', '')} {o.get('payment_method_title', '')}".lower()
        method = next((m for word, m in _GATEWAY_WORDS if word in gateway), "card")
        last4 = next((str(v) for k, v in meta.items() if str(k).lower().endswith("last4")), "")
        return Payment(
            method=method,  # type: ignore[arg-type]
            amount=round(total, 2),
            status=state,  # type: ignore[arg-type]
            created_at=_time(o.get("date_paid_gmt") or o.get("date_created_gmt"))
            or datetime.now(UTC),
            last4=last4[-4:],
            reference=o.get("transaction_id") or "",
        )

    def _refunds(self, o: dict[str, Any]) -> list[Refund]:
        if not o.get("refunds"):
            return []
        position = {line["id"]: str(n) for n, line in enumerate(o.get("line_items") or [], 1)}
        found = []
        for r in self.api.get(f"orders/{o['id']}/refunds") or []:
            meta = {m.get("key"): m.get("value") for m in r.get("meta_data") or []}
            lines = []
            for line in r.get("line_items") or []:
                origin = next((m.get("value") for m in line.get("meta_data") or []
                               if m.get("key") == "_refunded_item_id"), None)  # fmt: skip
                if origin is not None and int(origin) in position:
                    lines.append(position[int(origin)])
            found.append(
                Refund(
                    amount=round(float(r.get("amount") or 0.0), 2),
                    method="store_credit"
                    if meta.get("_refund_method") == "store_credit"
                    else "original_payment",
                    created_at=_time(r.get("date_created_gmt")) or datetime.now(UTC),
                    line_ids=tuple(lines),
                    reason=r.get("reason") or "",
                )
            )
        return found

    def _tracking_url(self, tracking: dict[str, Any], shipping: dict[str, Any]) -> str:
        number = str(tracking.get("tracking_number") or "")
        link = tracking.get("custom_tracking_link") or ""
        provider = tracking.get("tracking_provider") or ""
        if not link and provider:
            link = self._provider_links().get(provider.lower(), "")
        if not link or not number:
            return ""
        postcode = "".join((shipping.get("postcode") or "").split())
        return (link.replace("%1$s", number).replace("%2$s", postcode)
                .replace("%3$s", shipping.get("country") or ""))  # fmt: skip

    def _provider_links(self) -> dict[str, str]:
        if self._providers is None:
            try:
                groups = self.api.get(f"{self.site}{_PROVIDERS}") or {}
            except OrderSystemError:
                groups = {}  # the extension is not installed: no links, numbers still shown
            self._providers = {
                name.lower(): url for group in groups.values() for name, url in group.items()
            }
        return self._providers

    # -- products -------------------------------------------------------------------------
    def _product(self, product_id: Any) -> dict[str, Any] | None:
        if not str(product_id or "").isdigit() or not int(product_id):
            return None
        pid = int(product_id)
        cached = self._products.get(pid)
        if cached and time.monotonic() - cached[0] < _CACHE_S:
            return cached[1]
        product: dict[str, Any] | None = self.api.get(f"products/{pid}")
        self._products[pid] = (time.monotonic(), product)
        return product

    def _category(self, product: dict[str, Any] | None) -> str:
        if not product or not product.get("categories"):
            return ""
        if self._categories is None or time.monotonic() - self._categories[0] > _CACHE_S:
            every = {c["id"]: c for c in self._list("products/categories", {})}
            self._categories = (time.monotonic(), every)
        every = self._categories[1]

        def path(category_id: int) -> list[str]:
            names: list[str] = []
            while category_id and category_id in every and len(names) < 10:
                names.insert(0, every[category_id]["name"])
                category_id = every[category_id].get("parent") or 0
            return names

        paths: list[list[str]] = [path(c["id"]) or [c["name"]] for c in product["categories"]]
        longest = max(paths, key=len)
        return " > ".join(longest)

    def variants(self, product_id: str) -> list[VariantStock]:
        product_id = product_id.strip()
        product = self.api.get(f"products/{product_id}") if product_id.isdigit() else None
        if not product:
            return []
        if product.get("type") != "variable":
            return [_stock(product, product, {})]
        found = []
        for v in self._list(f"products/{product['id']}/variations", {}):
            options = {str(a["name"]).lower(): str(a["option"]) for a in v.get("attributes") or []}
            found.append(_stock(v, product, options))
        return found

    def catalog(self) -> Iterator[dict[str, Any]]:
        """The store's published products as catalog lines (``shopbot ingest --from
        woocommerce``)."""
        currency = (self.api.get("data/currencies/current") or {}).get("code", "")
        for p in self._list("products", {"status": "publish"}):
            if p.get("type") == "variable":
                found = [
                    _stock(v, p, {str(a["name"]).lower(): str(a["option"])
                                  for a in v.get("attributes") or []})
                    for v in self._list(f"products/{p['id']}/variations", {})
                ]  # fmt: skip
            else:
                found = [_stock(p, p, {})]
            yield catalog_line(
                product_id=str(p["id"]),
                name=p.get("name", ""),
                description=p.get("description") or p.get("short_description") or "",
                category=self._category(p),
                brand=next((b.get("name", "") for b in p.get("brands") or []), ""),
                url=p.get("permalink") or "",
                currency=currency,
                tags=[t.get("name", "") for t in p.get("tags") or []],
                variants=catalog_variants(found),
            )

    # -- changes --------------------------------------------------------------------------
    def _current(self, number: str) -> tuple[dict[str, Any], Order]:
        native = self._find(number)
        if native is None:
            raise OrderNotFound(f"There is no order {number}.")
        return native, self._order(native)

    def _note(self, native: dict[str, Any], text: str) -> None:
        self.api.send(
            "POST", f"orders/{native['id']}/notes", {"note": text, "customer_note": False}
        )

    def cancel_order(self, number: str, reason: str) -> Order:
        with self._write_lock:
            native, order = self._current(number)
            may_cancel(order, self._cancellable)
            self.api.send("PUT", f"orders/{native['id']}", {"status": "cancelled"})
            owed = order.payments[0].amount - sum(r.amount for r in order.refunds)
            if order.payments[0].status in ("captured", "partially_refunded") and owed > 0:
                self.api.send(
                    "POST",
                    f"orders/{native['id']}/refunds",
                    {"amount": f"{owed:.2f}", "reason": f"cancelled: {reason}"[:200],
                     "api_refund": True},
                )  # fmt: skip
            self._note(native, f"Cancelled by shopbot at the customer's request: {reason}"[:500])
        return self._after(order.number)

    def change_address(self, number: str, address: Address) -> Order:
        with self._write_lock:
            native, order = self._current(number)
            may_readdress(order, self._address_changeable)
            first, last = split_name(address.name)
            shipping = {"first_name": first, "last_name": last, "address_1": address.line1,
                        "address_2": address.line2, "city": address.city, "state": address.region,
                        "postcode": address.postcode, "country": address.country}  # fmt: skip
            meta = [{"key": ADDRESS_CHANGES, "value": str(order.address_changes + 1)}]
            self.api.send(
                "PUT", f"orders/{native['id']}", {"shipping": shipping, "meta_data": meta}
            )
            self._note(native, f"Shipping address changed by shopbot to {address.one_line()}")
        return self._after(order.number)

    def _delivered(self, number: str, what: str) -> tuple[dict[str, Any], Order]:
        native, order = self._current(number)
        must_be_delivered(order, what)
        return native, order

    def _add_requests(self, native: dict[str, Any], entries: list[dict[str, Any]]) -> None:
        meta = {m.get("key"): m.get("value") for m in native.get("meta_data") or []}
        requests = list(meta.get(RETURNS) or []) + entries
        self.api.send(
            "PUT", f"orders/{native['id']}", {"meta_data": [{"key": RETURNS, "value": requests}]}
        )

    def return_items(
        self, number: str, line_ids: Sequence[str], refund_method: RefundMethod, reason: str
    ) -> Order:
        if refund_method not in ("original_payment", "store_credit"):
            raise ChangeRejected(f"Unknown refund method {refund_method!r}.")
        with self._write_lock:
            native, order = self._delivered(number, "returned")
            chosen = chosen_lines(order, line_ids)
            lines = native.get("line_items") or []
            now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
            self._add_requests(native, [
                {"line_item_id": lines[int(i.line_id) - 1]["id"], "kind": "return",
                 "status": "requested", "refund_method": refund_method, "exchange_sku": "",
                 "date": now, "reason": reason[:200]}
                for i in chosen
            ])  # fmt: skip
            names = ", ".join(i.label() for i in chosen)
            self._note(
                native, f"Return requested via shopbot ({refund_method}): {names}. {reason}"[:500]
            )
        return self._after(order.number)

    def exchange_item(self, number: str, line_id: str, new_sku: str) -> Order:
        with self._write_lock:  # stock is read, then written: one exchange at a time
            native, order = self._delivered(number, "exchanged")
            (item,) = chosen_lines(order, [line_id])
            line = (native.get("line_items") or [])[int(item.line_id) - 1]
            wanted = new_sku.strip().upper()
            product = self.api.get(f"products/{item.product_id}") or {}
            if product.get("type") == "variable":
                candidates = list(self._list(f"products/{product['id']}/variations", {}))
            else:
                candidates = [product] if product else []
            target = next((v for v in candidates if (v.get("sku") or "").upper() == wanted), None)
            if target is None:
                raise ChangeRejected(f"{new_sku} is not a variant of {item.name}.")
            if (target.get("sku") or "").upper() == item.sku.upper():
                raise ChangeRejected(f"Item {item.line_id} already is {target['sku']}.")
            units = int(target.get("stock_quantity") or 0)
            managed = bool(target.get("manage_stock"))
            if target.get("stock_status") != "instock" or (managed and units < item.quantity):
                raise ChangeRejected(f"{target['sku']} is out of stock.")
            path = (
                f"products/{product['id']}/variations/{target['id']}"
                if target is not product
                else f"products/{product['id']}"
            )
            if managed:
                self.api.send("PUT", path, {"stock_quantity": units - item.quantity})
            now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
            try:
                self._add_requests(native, [
                    {"line_item_id": line["id"], "kind": "exchange", "status": "requested",
                     "refund_method": "", "exchange_sku": target["sku"], "date": now}
                ])  # fmt: skip
            except OrderSystemError:
                if managed:  # give the unit back: the exchange was not recorded
                    self.api.send("PUT", path, {"stock_quantity": units})
                raise
            self._note(
                native, f"Exchange requested via shopbot: {item.label()} for {target['sku']}"
            )
        return self._after(order.number)

    def _after(self, number: str) -> Order:
        order = self.get_order(number)
        if order is None:
            raise OrderSystemError(f"Order {number} disappeared from WooCommerce after a change.")
        return order


def _stock(v: dict[str, Any], product: dict[str, Any], options: dict[str, str]) -> VariantStock:
    managed = bool(v.get("manage_stock"))
    in_stock = v.get("stock_status") in ("instock", "onbackorder") and (
        not managed or int(v.get("stock_quantity") or 0) > 0 or v.get("backorders") != "no"
    )
    return VariantStock(
        sku=v.get("sku") or "",
        product_id=str(product["id"]),
        name=product.get("name", ""),
        options=options,
        price=float(v.get("price") or 0.0),
        in_stock=in_stock,
    )


def _time(value: Any) -> datetime | None:
    """WooCommerce's ``*_gmt`` times (UTC, no offset) and TrackShip's "YYYY-MM-DD HH:MM:SS"."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace(" ", "T").replace("Z", "+00:00"))
    except ValueError as exc:
        raise OrderSystemError(f"WooCommerce sent a time that is not ISO 8601: {value!r}") from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _epoch(value: Any) -> datetime | None:
    text = str(value or "")
    if text.isdigit():
        return datetime.fromtimestamp(int(text), UTC)
    return _time(text) if text else None
