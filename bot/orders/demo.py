"""The demo store's order system: customers, orders, payments and stock in a real database.

`SQLOrderSystem` keeps the store's own data (not shopbot's conversations: its own tables, its
own database, SQLite `SHOPBOT_HOME/orders.db` by default or PostgreSQL by URL). An empty
database is seeded from `data/orders/demo_orders.json`, whose times are relative to now, and
`reset()` re-seeds it. Every change is one transaction that re-reads the order and refuses
with `ChangeRejected` if it moved on meanwhile; whether a change is *allowed* by the store's
policy is decided before, by `bot.orders.policy`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot.database import open_engine
from bot.errors import ChangeRejected, ConfigError, OrderNotFound, OrderSystemError
from bot.orders.demo_schema import (
    CHILDREN,
    aware,
    customers,
    email_key,
    insert_seed,
    load_seed,
    metadata,
    name_key,
    order_items,
    orders,
    payments,
    postcode_key,
    refunds,
    stock,
)
from bot.orders.platforms.matching import same_name
from bot.orders.system import (
    Address,
    Customer,
    Order,
    OrderItem,
    Payment,
    Refund,
    RefundMethod,
    VariantStock,
    normalise_order_number,
)


def utc_now() -> datetime:
    return datetime.now(UTC)


class SQLOrderSystem:
    """`OrderSystem` over SQLAlchemy, seeded with the demo store's customers and orders."""

    name = "demo"

    def __init__(
        self,
        url: str,
        seed_file: Path,
        clock: Callable[[], datetime] = utc_now,
        *,
        cancellable: Sequence[str] = ("pending",),
        address_changeable: Sequence[str] = ("pending", "processing"),
    ) -> None:
        self.url = url
        self.seed_file = Path(seed_file)
        self._clock = clock
        self._cancellable = tuple(cancellable)
        self._address_changeable = tuple(address_changeable)
        if not self.seed_file.is_file():
            raise ConfigError(
                f"The demo orders file {self.seed_file} does not exist: set "
                "SHOPBOT_ORDERS__SEED_FILE to data/orders/demo_orders.json of a shopbot checkout."
            )
        self.engine = open_engine(
            url, ConfigError, "SHOPBOT_ORDERS__DATABASE_URL", what="orders database"
        )
        self._seed: tuple[dict[str, Any], list[dict[str, Any]]] | None = None
        self._lock = threading.Lock()
        self._ready = False

    # --- plumbing ------------------------------------------------------------------------

    def _safe_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        self._ensure_seeded()
        try:
            with self.engine.begin() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise OrderSystemError(f"The orders database {self._safe_url()} failed: {exc}") from exc

    def close(self) -> None:
        self.engine.dispose()

    def _ensure_seeded(self) -> None:
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            try:
                metadata.create_all(self.engine)
                with self.engine.begin() as conn:
                    empty = conn.execute(select(func.count()).select_from(customers)).scalar() == 0
                    if empty:
                        insert_seed(conn, *self._load_seed(), self._clock())
            except IntegrityError:
                pass  # another process seeded it at the same moment
            except SQLAlchemyError as exc:
                raise OrderSystemError(
                    f"Cannot reach the orders database {self._safe_url()}: {exc}"
                ) from exc
            self._ready = True

    def reset(self) -> None:
        """Wipe every table and seed again from the demo file, with times relative to now."""
        self._ensure_seeded()
        try:
            with self.engine.begin() as conn:
                for table in (*CHILDREN, orders, customers, stock):
                    conn.execute(delete(table))
                insert_seed(conn, *self._load_seed(), self._clock())
        except SQLAlchemyError as exc:
            raise OrderSystemError(f"Cannot reset the orders database: {exc}") from exc

    def _load_seed(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        if self._seed is None:
            self._seed = load_seed(self.seed_file)
        return self._seed

    # --- reading -------------------------------------------------------------------------

    @staticmethod
    def _customer(row: Row[Any]) -> Customer:
        return Customer(
            id=row.id,
            name=row.name,
            email=row.email,
            postcode=row.postcode,
            phone=row.phone,
            tier=row.tier,
        )

    def _one_customer(self, where: Any) -> Customer | None:
        with self._tx() as conn:
            row = conn.execute(select(customers).where(where).order_by(customers.c.id)).first()
        return self._customer(row) if row else None

    def find_customer_by_email(self, email: str) -> Customer | None:
        return self._one_customer(customers.c.email_key == email_key(email))

    def find_customer_by_name(self, name: str, postcode: str) -> Customer | None:
        if not name_key(name) or not postcode_key(postcode):
            return None
        at_postcode = customers.c.postcode_key == postcode_key(postcode)
        found = self._one_customer(
            ((customers.c.name_key == name_key(name)) | (customers.c.alias_key == name_key(name)))
            & at_postcode
        )
        if found is not None:
            return found
        with self._tx() as conn:  # a Chinese name in pinyin, or the reverse
            rows = conn.execute(select(customers).where(at_postcode).order_by(customers.c.id))
            return next((self._customer(r) for r in rows if same_name(name, r.name)), None)

    def get_customer(self, customer_id: str) -> Customer | None:
        return self._one_customer(customers.c.id == customer_id.strip().upper())

    def get_order(self, number: str) -> Order | None:
        with self._tx() as conn:
            found = self._orders(conn, orders.c.number == normalise_order_number(number))
        return found[0] if found else None

    def list_orders(self, customer_id: str) -> list[Order]:
        with self._tx() as conn:
            return self._orders(conn, orders.c.customer_id == customer_id.strip().upper())

    def variants(self, product_id: str) -> list[VariantStock]:
        with self._tx() as conn:
            rows = conn.execute(
                select(stock)
                .where(stock.c.product_id == product_id.strip().upper())
                .order_by(stock.c.position)
            ).all()
        return [
            VariantStock(
                sku=r.sku,
                product_id=r.product_id,
                name=r.name,
                options=dict(r.options),
                price=r.price,
                in_stock=r.quantity > 0,
            )
            for r in rows
        ]

    def _orders(self, conn: Connection, where: Any) -> list[Order]:
        rows = conn.execute(
            select(orders).where(where).order_by(orders.c.placed_at.desc(), orders.c.number.desc())
        ).all()
        if not rows:
            return []
        numbers = [r.number for r in rows]
        items: dict[str, list[OrderItem]] = {n: [] for n in numbers}
        for r in conn.execute(
            select(order_items)
            .where(order_items.c.order_number.in_(numbers))
            .order_by(order_items.c.order_number, order_items.c.position)
        ):
            items[r.order_number].append(
                OrderItem(
                    line_id=r.line_id,
                    sku=r.sku,
                    product_id=r.product_id,
                    name=r.name,
                    options=dict(r.options),
                    quantity=r.quantity,
                    unit_price=round(r.unit_price, 2),
                    category=r.category,
                    final_sale=bool(r.final_sale),
                    status=r.status,
                    exchanges=r.exchanges,
                    exchange_sku=r.exchange_sku,
                    refund_method=r.refund_method,
                )
            )
        pays: dict[str, list[Payment]] = {n: [] for n in numbers}
        for r in conn.execute(
            select(payments)
            .where(payments.c.order_number.in_(numbers))
            .order_by(payments.c.order_number, payments.c.position)
        ):
            pays[r.order_number].append(
                Payment(
                    method=r.method,
                    amount=round(r.amount, 2),
                    status=r.status,
                    created_at=aware(r.created_at),
                    last4=r.last4,
                    reference=r.reference,
                )
            )
        backs: dict[str, list[Refund]] = {n: [] for n in numbers}
        for r in conn.execute(
            select(refunds).where(refunds.c.order_number.in_(numbers)).order_by(refunds.c.id)
        ):
            backs[r.order_number].append(
                Refund(
                    amount=round(r.amount, 2),
                    method=r.method,
                    created_at=aware(r.created_at),
                    line_ids=tuple(r.line_ids),
                    reason=r.reason,
                )
            )
        return [
            Order(
                number=r.number,
                customer_id=r.customer_id,
                status=r.status,
                placed_at=aware(r.placed_at),
                address=Address(**r.address),
                items=tuple(items[r.number]),
                payments=tuple(pays[r.number]),
                refunds=tuple(backs[r.number]),
                currency=r.currency,
                shipping_cost=round(r.shipping_cost, 2),
                shipping_method=r.shipping_method,
                shipped_at=aware(r.shipped_at),
                delivered_at=aware(r.delivered_at),
                carrier=r.carrier,
                tracking_number=r.tracking_number,
                tracking_url=r.tracking_url,
                estimated_delivery=aware(r.estimated_delivery),
                address_changes=r.address_changes,
                notes=tuple(r.notes or ()),
            )
            for r in rows
        ]

    # --- changes -------------------------------------------------------------------------

    def _lock_order(self, conn: Connection, number: str) -> Row[Any]:
        row = conn.execute(
            select(orders).where(orders.c.number == number).with_for_update()
        ).first()
        if row is None:
            raise OrderNotFound(f"There is no order {number}.")
        return row

    def _set_order(self, conn: Connection, row: Row[Any], note: str, **values: Any) -> None:
        """Update the order only if nobody changed it since we read it."""
        done = conn.execute(
            update(orders)
            .where(
                orders.c.number == row.number,
                orders.c.status == row.status,
                orders.c.address_changes == row.address_changes,
            )
            .values(notes=[*(row.notes or []), note], **values)
        )
        if done.rowcount != 1:
            raise ChangeRejected(f"Order {row.number} changed meanwhile; nothing was done.")

    def _lines(self, conn: Connection, number: str, line_ids: Sequence[str]) -> list[Row[Any]]:
        if not line_ids:
            raise ChangeRejected(f"No item of order {number} was chosen.")
        rows = {
            r.line_id: r
            for r in conn.execute(select(order_items).where(order_items.c.order_number == number))
        }
        chosen = []
        for line_id in dict.fromkeys(str(x) for x in line_ids):
            row = rows.get(line_id)
            if row is None:
                raise ChangeRejected(f"Order {number} has no item line {line_id}.")
            if row.status != "ordered":
                raise ChangeRejected(
                    f"Item {line_id} of order {number} already has a {row.status.replace('_', ' ')}"
                    " open or done."
                )
            chosen.append(row)
        return chosen

    def _set_line(self, conn: Connection, row: Row[Any], **values: Any) -> None:
        done = conn.execute(
            update(order_items)
            .where(
                order_items.c.order_number == row.order_number,
                order_items.c.line_id == row.line_id,
                order_items.c.status == "ordered",
            )
            .values(**values)
        )
        if done.rowcount != 1:
            raise ChangeRejected(
                f"Item {row.line_id} of order {row.order_number} changed meanwhile."
            )

    def _after(self, number: str) -> Order:
        order = self.get_order(number)
        assert order is not None  # it was there a moment ago, in the same database
        return order

    def cancel_order(self, number: str, reason: str) -> Order:
        number = normalise_order_number(number)
        with self._tx() as conn:
            row = self._lock_order(conn, number)
            if row.status not in self._cancellable:
                raise ChangeRejected(
                    f"Order {number} is {row.status.replace('_', ' ')} and can no longer be "
                    "cancelled."
                )
            self._set_order(conn, row, f"cancelled: {reason}"[:500], status="cancelled")
            now = self._clock()
            for p in conn.execute(select(payments).where(payments.c.order_number == number)):
                if p.status == "authorized":
                    conn.execute(
                        update(payments).where(payments.c.id == p.id).values(status="released")
                    )
                elif p.status == "captured":
                    conn.execute(
                        update(payments).where(payments.c.id == p.id).values(status="refunded")
                    )
                    conn.execute(
                        insert(refunds).values(
                            order_number=number,
                            amount=p.amount,
                            method="original_payment",
                            created_at=now,
                            line_ids=[],
                            reason=f"order cancelled: {reason}"[:500],
                        )
                    )
        return self._after(number)

    def change_address(self, number: str, address: Address) -> Order:
        number = normalise_order_number(number)
        with self._tx() as conn:
            row = self._lock_order(conn, number)
            if row.status not in self._address_changeable:
                raise ChangeRejected(
                    f"Order {number} is {row.status.replace('_', ' ')}: its address can no longer "
                    "be changed."
                )
            self._set_order(
                conn,
                row,
                f"address changed to {address.one_line()}"[:500],
                address=_address_dict(address),
                address_changes=row.address_changes + 1,
            )
        return self._after(number)

    def return_items(
        self, number: str, line_ids: Sequence[str], refund_method: RefundMethod, reason: str
    ) -> Order:
        number = normalise_order_number(number)
        if refund_method not in ("original_payment", "store_credit"):
            raise ChangeRejected(f"Unknown refund method {refund_method!r}.")
        with self._tx() as conn:
            row = self._lock_order(conn, number)
            if row.status != "delivered":
                raise ChangeRejected(
                    f"Order {number} is {row.status.replace('_', ' ')}: only delivered items can "
                    "be returned."
                )
            lines = self._lines(conn, number, line_ids)
            for line in lines:
                self._set_line(conn, line, status="return_requested", refund_method=refund_method)
            ids = ", ".join(line.line_id for line in lines)
            self._set_order(
                conn, row, f"return requested for lines {ids} ({refund_method}): {reason}"[:500]
            )
        return self._after(number)

    def exchange_item(self, number: str, line_id: str, new_sku: str) -> Order:
        number = normalise_order_number(number)
        new_sku = new_sku.strip().upper()
        with self._tx() as conn:
            row = self._lock_order(conn, number)
            if row.status != "delivered":
                raise ChangeRejected(
                    f"Order {number} is {row.status.replace('_', ' ')}: only delivered items can "
                    "be exchanged."
                )
            (line,) = self._lines(conn, number, [line_id])
            variant = conn.execute(select(stock).where(stock.c.sku == new_sku)).first()
            if variant is None or variant.product_id != line.product_id:
                raise ChangeRejected(f"{new_sku} is not a variant of {line.name}.")
            if new_sku == line.sku:
                raise ChangeRejected(f"Item {line.line_id} already is {new_sku}.")
            reserved = conn.execute(
                update(stock)
                .where(stock.c.sku == new_sku, stock.c.quantity >= line.quantity)
                .values(
                    quantity=stock.c.quantity - line.quantity,
                    reserved=stock.c.reserved + line.quantity,
                )
            )
            if reserved.rowcount != 1:
                raise ChangeRejected(f"{new_sku} is out of stock.")
            self._set_line(
                conn,
                line,
                status="exchange_requested",
                exchange_sku=new_sku,
                exchanges=line.exchanges + 1,
            )
            self._set_order(conn, row, f"exchange of line {line.line_id} for {new_sku}")
        return self._after(number)

    # --- for the scripted suite ----------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """The mutable state, canonical and JSON-able: equal states give equal snapshots."""
        with self._tx() as conn:
            state: dict[str, Any] = {}
            for r in conn.execute(select(orders).order_by(orders.c.number)):
                state[r.number] = {
                    "status": r.status,
                    "address": _address_dict(Address(**r.address)),
                    "address_changes": r.address_changes,
                    "items": {},
                    "payments": [],
                    "refunds": [],
                }
            for r in conn.execute(
                select(order_items).order_by(order_items.c.order_number, order_items.c.position)
            ):
                state[r.order_number]["items"][r.line_id] = {
                    "sku": r.sku,
                    "quantity": r.quantity,
                    "status": r.status,
                    "exchanges": r.exchanges,
                    "exchange_sku": r.exchange_sku,
                    "refund_method": r.refund_method,
                }
            for r in conn.execute(
                select(payments).order_by(payments.c.order_number, payments.c.position)
            ):
                state[r.order_number]["payments"].append(
                    {"method": r.method, "amount": round(r.amount, 2), "status": r.status}
                )
            for r in conn.execute(select(refunds).order_by(refunds.c.order_number, refunds.c.id)):
                state[r.order_number]["refunds"].append(
                    {
                        "amount": round(r.amount, 2),
                        "method": r.method,
                        "line_ids": sorted(r.line_ids),
                    }
                )
            reserved = {
                r.sku: r.reserved
                for r in conn.execute(
                    select(stock).where(stock.c.reserved > 0).order_by(stock.c.sku)
                )
            }
        return {"orders": state, "reserved": reserved}


def _address_dict(address: Address) -> dict[str, str]:
    return {
        "name": address.name,
        "line1": address.line1,
        "line2": address.line2,
        "city": address.city,
        "region": address.region,
        "postcode": address.postcode,
        "country": address.country,
    }
