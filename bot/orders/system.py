"""What shopbot knows about a store's customers and orders, and what it may change.

`OrderSystem` is the seam: the demo store's database (`bot.orders.demo`) and a store's own REST
API (`bot.orders.http`) implement it. Implementations only read and write; whether a change is
allowed is decided beforehand, in code, by `bot.orders.policy`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol, runtime_checkable

OrderStatus = Literal[
    "pending", "processing", "packed", "shipped", "out_for_delivery", "delivered", "cancelled"
]
ORDER_STATUSES: tuple[str, ...] = (
    "pending",
    "processing",
    "packed",
    "shipped",
    "out_for_delivery",
    "delivered",
    "cancelled",
)
# An item line's own state, apart from its order's.
ItemStatus = Literal["ordered", "return_requested", "returned", "exchange_requested"]
RefundMethod = Literal["original_payment", "store_credit"]


@dataclass(frozen=True)
class Address:
    name: str
    line1: str
    city: str
    postcode: str
    country: str = "US"
    line2: str = ""
    region: str = ""

    def one_line(self) -> str:
        parts = [self.line1, self.line2, self.city, f"{self.region} {self.postcode}".strip()]
        country = "" if self.country == "US" else f", {self.country}"
        return ", ".join(p for p in parts if p) + country


@dataclass(frozen=True)
class Customer:
    id: str
    name: str
    email: str
    postcode: str
    phone: str = ""
    tier: Literal["member", "gold"] = "member"


@dataclass(frozen=True)
class OrderItem:
    line_id: str  # unique within the order, e.g. "1"
    sku: str
    product_id: str
    name: str  # product name
    options: dict[str, str]  # e.g. {"color": "Black", "size": "M"}
    quantity: int
    unit_price: float
    category: str = ""  # the catalog's category path, e.g. "Clothing > Hoodies"
    final_sale: bool = False
    status: ItemStatus = "ordered"
    exchanges: int = 0  # exchanges already made for this line
    exchange_sku: str = ""  # the variant it is being exchanged for, if any
    refund_method: str = ""  # for a line with a return open or done: how it is refunded

    def label(self) -> str:
        opts = " / ".join(self.options.values())
        return f"{self.name} ({opts})" if opts else self.name


@dataclass(frozen=True)
class Payment:
    method: Literal["card", "paypal", "apple_pay", "google_pay", "gift_card", "store_credit"]
    amount: float
    status: Literal["authorized", "captured", "released", "refunded", "partially_refunded"]
    created_at: datetime
    last4: str = ""
    reference: str = ""


@dataclass(frozen=True)
class Refund:
    amount: float
    method: RefundMethod
    created_at: datetime
    line_ids: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class Order:
    number: str  # e.g. "NW-104233"
    customer_id: str
    status: OrderStatus
    placed_at: datetime
    address: Address
    items: tuple[OrderItem, ...]
    payments: tuple[Payment, ...] = ()
    refunds: tuple[Refund, ...] = ()
    currency: str = "USD"
    shipping_cost: float = 0.0
    shipping_method: Literal["standard", "express", "next_day"] = "standard"
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    carrier: str = ""
    tracking_number: str = ""
    tracking_url: str = ""
    estimated_delivery: datetime | None = None
    address_changes: int = 0  # how many times the address was already changed
    notes: tuple[str, ...] = field(default=())

    @property
    def total(self) -> float:
        return round(sum(i.unit_price * i.quantity for i in self.items) + self.shipping_cost, 2)

    def item(self, line_id: str) -> OrderItem | None:
        return next((i for i in self.items if i.line_id == line_id), None)


@dataclass(frozen=True)
class VariantStock:
    """One variant of a product and whether it can be sold now (for exchanges)."""

    sku: str
    product_id: str
    name: str
    options: dict[str, str]
    price: float
    in_stock: bool


@runtime_checkable
class OrderSystem(Protocol):
    """The store's customers and orders. Every method raises `OrderSystemError` on failure."""

    name: str

    def find_customer_by_email(self, email: str) -> Customer | None:
        """The customer with that email (case-insensitive), if any."""
        ...

    def find_customer_by_name(self, name: str, postcode: str) -> Customer | None:
        """The customer with that full name (case- and space-insensitive) at that postcode."""
        ...

    def get_customer(self, customer_id: str) -> Customer | None: ...

    def get_order(self, number: str) -> Order | None:
        """The order with that number (normalised: "nw123456" finds "NW-123456")."""
        ...

    def list_orders(self, customer_id: str) -> list[Order]:
        """The customer's orders, newest first."""
        ...

    def variants(self, product_id: str) -> list[VariantStock]:
        """Every variant of a product with its current stock."""
        ...

    def cancel_order(self, number: str, reason: str) -> Order:
        """Cancel: status becomes "cancelled", payments authorized are released."""
        ...

    def change_address(self, number: str, address: Address) -> Order:
        """Replace the shipping address; `address_changes` goes up by one."""
        ...

    def return_items(
        self, number: str, line_ids: Sequence[str], refund_method: RefundMethod, reason: str
    ) -> Order:
        """Open a return: the lines become "return_requested"; the refund follows inspection."""
        ...

    def exchange_item(self, number: str, line_id: str, new_sku: str) -> Order:
        """Open an exchange: the line becomes "exchange_requested" for `new_sku`,
        its `exchanges` count goes up by one and one unit of `new_sku` is reserved."""
        ...


def normalise_order_number(text: str) -> str:
    """ "nw 104233", "NW104233", "#NW-104233" → "NW-104233"; digits alone get the prefix."""
    digits = "".join(ch for ch in text if ch.isdigit())
    return f"NW-{digits}" if digits else text.strip().upper()
