"""The store's order policy, in code: what may be changed, when, and with what consequences.

Every change the bot offers is decided here first, and decided again right before it is
carried out; the model never decides. A `Decision` carries the reasons as codes (rendered for
the shopper in English or Chinese by `bot.orders.replies`) and the facts behind them, so a
refusal that goes to a human arrives with the details filled in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.orders.system import Customer, Order, OrderItem, RefundMethod, VariantStock
from bot.settings import OrdersSettings

# Policy pages a decision rests on (file names in the store's policies folder).
SOURCES = {
    "cancel": ("order_changes.md",),
    "change_address": ("address_changes.md", "order_changes.md"),
    "return": ("returns.md", "refunds.md"),
    "exchange": ("exchanges.md",),
    "status": ("order_tracking.md",),
    "billing": ("billing_errors.md",),
}
SHIPPED = ("shipped", "out_for_delivery")
BEFORE_SHIPPING = ("pending", "processing", "packed")


# Refusals a person may still make an exception to (or act on: stop a shipped parcel): the
# shopper is offered one.
A_PERSON_MAY_DECIDE = frozenset(
    {"not_exchangeable", "exchange_limit", "other_product", "already_shipped_cancel"}
)


@dataclass(frozen=True)
class Decision:
    """Whether an action is allowed, why, and what follows from it."""

    action: str  # "cancel", "change_address", "return", "exchange"
    allowed: bool
    reasons: tuple[str, ...] = ()  # codes, e.g. "outside_return_window"
    consequences: tuple[str, ...] = ()  # codes, e.g. "authorization_released"
    facts: dict[str, Any] = field(default_factory=dict)
    alternatives: tuple[VariantStock, ...] = ()
    escalate: bool = False  # outside the policy with nothing the shopper can do alone

    @property
    def sources(self) -> tuple[str, ...]:
        return SOURCES.get(self.action, ())

    def summary(self) -> dict[str, Any]:
        """JSON-able, for the audit log and the handoff."""
        return {
            "action": self.action,
            "allowed": self.allowed,
            "reasons": list(self.reasons),
            "consequences": list(self.consequences),
            "facts": self.facts,
            "alternatives": [v.sku for v in self.alternatives],
            "escalate": self.escalate,
        }


class OrderPolicy:
    """The rules of `OrdersSettings`, applied to one order at a time."""

    def __init__(
        self, settings: OrdersSettings, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self.settings = settings
        self.clock = clock

    # -- cancel ---------------------------------------------------------------------------
    def cancel(self, order: Order) -> Decision:
        facts: dict[str, Any] = {"order": order.number, "status": order.status}
        if order.status == "cancelled":
            return Decision("cancel", False, ("already_cancelled",), facts=facts)
        if order.status in self.settings.cancellable_statuses:
            captured = any(p.status == "captured" for p in order.payments)
            consequence = "refund_to_original_payment" if captured else "authorization_released"
            facts["amount"] = order.total
            facts["payment"] = _payment_label(order)
            return Decision("cancel", True, consequences=(consequence,), facts=facts)
        if order.status in SHIPPED:
            escalate = self.settings.shipped_cancel_to_person  # a person may stop the parcel
            return Decision(
                "cancel", False, ("already_shipped_cancel",), facts=facts, escalate=escalate
            )
        if order.status == "delivered":
            return Decision("cancel", False, ("delivered_cancel",), facts=facts)
        # Processing or packed: the warehouse has it; only a person can try to stop it.
        return Decision("cancel", False, ("in_warehouse",), facts=facts, escalate=True)

    # -- address --------------------------------------------------------------------------
    def change_address(self, order: Order, new_address: Any) -> Decision:
        facts = {
            "order": order.number,
            "status": order.status,
            "old_address": order.address.one_line(),
            "new_address": new_address.one_line(),
        }
        if order.status == "cancelled":
            return Decision("change_address", False, ("already_cancelled",), facts=facts)
        if order.status not in self.settings.address_change_statuses:
            if order.status in SHIPPED:
                facts["tracking_url"] = order.tracking_url
                return Decision("change_address", False, ("address_after_shipping",), facts=facts)
            if order.status == "delivered":
                return Decision("change_address", False, ("delivered_address",), facts=facts)
            return Decision(
                "change_address", False, ("address_packed",), facts=facts, escalate=True
            )
        if order.address_changes >= self.settings.max_address_changes:
            facts["limit"] = self.settings.max_address_changes
            return Decision(
                "change_address", False, ("address_change_limit",), facts=facts, escalate=True
            )
        if new_address.country != order.address.country:
            return Decision(
                "change_address", False, ("address_other_country",), facts=facts, escalate=True
            )
        consequences = ["address_confirmation_email"]
        if new_address.region and new_address.region != order.address.region:
            consequences.append("sales_tax_may_change")
        return Decision("change_address", True, consequences=tuple(consequences), facts=facts)

    # -- return ---------------------------------------------------------------------------
    def return_window_end(self, order: Order, customer: Customer) -> date | None:
        if order.delivered_at is None:
            return None
        delivered = order.delivered_at.date()
        days = (
            self.settings.gold_return_window_days
            if customer.tier == "gold"
            else self.settings.return_window_days
        )
        end = delivered + timedelta(days=days)
        holiday = self.settings.holiday_returns  # "11-15..12-24:01-31": the store's own rule
        if holiday:
            span, until = holiday.split(":")
            first, last = (_month_day(delivered.year, part) for part in span.split(".."))
            if first <= delivered <= last:
                end = max(end, _month_day(delivered.year + 1, until))
        return end

    def return_items(
        self,
        order: Order,
        customer: Customer,
        items: Sequence[OrderItem],
        refund_method: RefundMethod | str = "original_payment",
    ) -> Decision:
        facts: dict[str, Any] = {
            "order": order.number,
            "status": order.status,
            "items": [i.label() for i in items],
            "lines": [i.line_id for i in items],
            "tier": customer.tier,
        }
        if order.status != "delivered":
            code = "return_before_delivery" if order.status != "cancelled" else "already_cancelled"
            return Decision("return", False, (code,), facts=facts)
        end = self.return_window_end(order, customer)
        today = self.clock().date()
        assert order.delivered_at is not None and end is not None
        facts["delivered"] = order.delivered_at.date().isoformat()
        facts["days_since_delivery"] = (today - order.delivered_at.date()).days
        facts["window_end"] = end.isoformat()
        already = [i.label() for i in items if i.status != "ordered"]
        if already:
            facts["already"] = already
            return Decision("return", False, ("already_in_progress",), facts=facts)
        final = [i.label() for i in items if i.final_sale]
        if final:
            facts["final_sale"] = final
            return Decision("return", False, ("final_sale",), facts=facts, escalate=True)
        if today > end:
            return Decision("return", False, ("outside_return_window",), facts=facts, escalate=True)
        facts["amount"] = round(sum(i.unit_price * i.quantity for i in items), 2)
        facts["payment"] = _payment_label(order)
        if refund_method not in ("original_payment", "store_credit"):
            # Refunds go back to the original payment method (or store credit), nowhere else.
            return Decision("return", False, ("refund_elsewhere",), facts=facts)
        facts["refund_method"] = refund_method
        consequences = ["return_label", "refund_after_inspection"]
        consequences.append(
            "refund_store_credit" if refund_method == "store_credit" else "refund_original_payment"
        )
        return Decision("return", True, consequences=tuple(consequences), facts=facts)

    # -- exchange -------------------------------------------------------------------------
    def exchange(
        self,
        order: Order,
        item: OrderItem,
        wanted: VariantStock | None,
        variants: Sequence[VariantStock],
    ) -> Decision:
        facts: dict[str, Any] = {
            "order": order.number,
            "status": order.status,
            "item": item.label(),
            "line": item.line_id,
        }
        if wanted is not None:
            facts["wanted"] = _variant_label(wanted)
            facts["wanted_sku"] = wanted.sku
        top_category = item.category.split(">")[0].strip()
        if order.status == "cancelled":
            return Decision("exchange", False, ("already_cancelled",), facts=facts)
        if order.status in BEFORE_SHIPPING:
            # Items can be changed while pending, but that is done by the team, not the bot.
            code = "change_before_shipping" if order.status == "pending" else "in_warehouse"
            return Decision("exchange", False, (code,), facts=facts, escalate=True)
        if order.status in SHIPPED:
            return Decision("exchange", False, ("exchange_before_delivery",), facts=facts)
        assert order.delivered_at is not None
        days = (self.clock().date() - order.delivered_at.date()).days
        facts["days_since_delivery"] = days
        if top_category not in self.settings.exchange_categories:
            # Never exchangeable, in the window or not: return and re-order (the demo store's
            # own tasks expect this, with no hand-off).
            facts["category"] = top_category
            return Decision("exchange", False, ("not_exchangeable",), facts=facts)
        if days > self.settings.exchange_window_days:
            facts["window_days"] = self.settings.exchange_window_days
            return Decision(
                "exchange", False, ("outside_exchange_window",), facts=facts, escalate=True
            )
        if item.status != "ordered":
            return Decision("exchange", False, ("already_in_progress",), facts=facts)
        if item.exchanges >= self.settings.max_exchanges_per_item:
            return Decision("exchange", False, ("exchange_limit",), facts=facts)
        if wanted is None:
            return Decision("exchange", False, ("variant_unknown",), facts=facts)
        if wanted.sku == item.sku:
            return Decision("exchange", False, ("same_variant",), facts=facts)
        if wanted.product_id != item.product_id:
            return Decision("exchange", False, ("other_product",), facts=facts)
        if not wanted.in_stock:
            alternatives = tuple(
                v for v in variants if v.in_stock and v.sku not in (item.sku, wanted.sku)
            )
            closest = sorted(alternatives, key=lambda v: _closeness(v, wanted))
            return Decision(
                "exchange",
                False,
                ("variant_out_of_stock",),
                facts=facts,
                alternatives=tuple(closest[:6]),
            )
        difference = round(wanted.price - item.unit_price, 2)
        facts["difference"] = abs(difference)
        consequences = ["exchange_label"]
        if difference > 0:
            consequences.append("charge_difference")
        elif difference < 0:
            consequences.append("refund_difference")
        consequences.append("one_exchange_per_item")
        return Decision("exchange", True, consequences=tuple(consequences), facts=facts)


def _payment_label(order: Order) -> str:
    for payment in order.payments:
        if payment.status in ("captured", "authorized"):
            if payment.method == "card" and payment.last4:
                return f"card ending {payment.last4}"
            return payment.method.replace("_", " ").title().replace("Paypal", "PayPal")
    return "original payment method"


def _variant_label(variant: VariantStock) -> str:
    opts = " / ".join(variant.options.values())
    return f"{variant.name} ({opts})" if opts else variant.name


def _closeness(candidate: VariantStock, wanted: VariantStock) -> tuple[int, str]:
    """Alternatives that share more of the wanted options come first."""
    shared = sum(1 for k, v in wanted.options.items() if candidate.options.get(k) == v)
    return (-shared, candidate.sku)


def _month_day(year: int, text: str) -> date:
    month, day = (int(part) for part in text.split("-"))
    return date(year, month, day)
