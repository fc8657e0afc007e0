"""The order policy in code: windows, statuses, limits and alternatives, decided from data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.orders.policy import OrderPolicy
from bot.orders.system import Address, Customer, Order, OrderItem, Payment, VariantStock
from bot.settings import OrdersSettings

NOW = datetime(2026, 6, 15, 12, tzinfo=UTC)
HOME = Address("Ann Lee", "1 Main St", "Columbus", "43215", region="OH")
MEMBER = Customer("C1", "Ann Lee", "ann@example.com", "43215")
GOLD = Customer("C2", "Bo Li", "bo@example.com", "43215", tier="gold")
SHIRT = OrderItem(
    "1",
    "SH-BLU-L",
    "P1",
    "Linen Shirt",
    {"color": "Blue", "size": "L"},
    1,
    49.0,
    category="Clothing > Shirts",
)
SOCKS = OrderItem(
    "2",
    "SO-M",
    "P2",
    "Merino Socks",
    {"size": "M"},
    1,
    12.0,
    category="Clothing > Socks",
    final_sale=True,
)
LAMP = OrderItem("3", "LA-1", "P3", "Desk Lamp", {}, 1, 80.0, category="Home > Lighting")


def order(status: str = "delivered", delivered_days: int | None = 10, **kw: object) -> Order:
    delivered = NOW - timedelta(days=delivered_days) if delivered_days is not None else None
    values: dict = {
        "number": "NW-100001",
        "customer_id": "C1",
        "status": status,
        "placed_at": NOW - timedelta(days=(delivered_days or 0) + 3),
        "address": HOME,
        "items": (SHIRT, SOCKS, LAMP),
        "payments": (Payment("card", 141.0, "captured", NOW, last4="4242"),),
        "delivered_at": delivered if status == "delivered" else None,
    }
    values.update(kw)
    return Order(**values)


@pytest.fixture
def policy() -> OrderPolicy:
    return OrderPolicy(OrdersSettings(), clock=lambda: NOW)


def variant(sku: str, color: str, size: str, in_stock: bool, price: float = 49.0) -> VariantStock:
    return VariantStock(sku, "P1", "Linen Shirt", {"color": color, "size": size}, price, in_stock)


@pytest.mark.parametrize(
    ("status", "allowed", "reason", "escalate"),
    [
        ("pending", True, None, False),
        ("processing", False, "in_warehouse", True),
        ("packed", False, "in_warehouse", True),
        ("shipped", False, "already_shipped_cancel", False),
        ("delivered", False, "delivered_cancel", False),
        ("cancelled", False, "already_cancelled", False),
    ],
)
def test_cancel_follows_the_status(policy, status, allowed, reason, escalate) -> None:
    decision = policy.cancel(order(status, None))
    assert decision.allowed is allowed
    assert decision.escalate is escalate
    if reason:
        assert decision.reasons == (reason,)
    else:
        assert decision.consequences == ("refund_to_original_payment",)


def test_cancelling_an_authorized_order_releases_the_hold(policy) -> None:
    held = order("pending", None, payments=(Payment("card", 141.0, "authorized", NOW),))
    assert policy.cancel(held).consequences == ("authorization_released",)


@pytest.mark.parametrize(("days", "allowed"), [(0, True), (30, True), (31, False)])
def test_return_window_for_members(policy, days, allowed) -> None:
    decision = policy.return_items(order(delivered_days=days), MEMBER, [SHIRT])
    assert decision.allowed is allowed
    if not allowed:
        assert decision.reasons == ("outside_return_window",) and decision.escalate


@pytest.mark.parametrize(("days", "allowed"), [(45, True), (60, True), (61, False)])
def test_gold_members_have_sixty_days(policy, days, allowed) -> None:
    assert policy.return_items(order(delivered_days=days), GOLD, [SHIRT]).allowed is allowed


def test_holiday_deliveries_can_come_back_until_january_31(policy) -> None:
    delivered = datetime(2025, 12, 1, tzinfo=UTC)
    january = OrderPolicy(OrdersSettings(), clock=lambda: datetime(2026, 1, 30, tzinfo=UTC))
    late = OrderPolicy(OrdersSettings(), clock=lambda: datetime(2026, 2, 1, tzinfo=UTC))
    holiday = order(delivered_at=delivered)
    assert january.return_items(holiday, MEMBER, [SHIRT]).allowed
    assert not late.return_items(holiday, MEMBER, [SHIRT]).allowed


def test_final_sale_is_refused_and_handed_over(policy) -> None:
    decision = policy.return_items(order(), MEMBER, [SOCKS])
    assert decision.reasons == ("final_sale",) and decision.escalate


def test_return_states_the_refund_and_where_it_goes(policy) -> None:
    decision = policy.return_items(order(), MEMBER, [SHIRT, LAMP], "store_credit")
    assert decision.allowed
    assert decision.facts["amount"] == 129.0
    assert "refund_store_credit" in decision.consequences


def test_no_return_before_delivery(policy) -> None:
    decision = policy.return_items(order("shipped", None), MEMBER, [SHIRT])
    assert decision.reasons == ("return_before_delivery",) and not decision.escalate


def test_exchange_to_an_out_of_stock_variant_offers_the_closest_in_stock(policy) -> None:
    variants = [
        variant("SH-BLU-L", "Blue", "L", True),
        variant("SH-BLU-XL", "Blue", "XL", False),
        variant("SH-WHT-XL", "White", "XL", True),
        variant("SH-BLU-M", "Blue", "M", True),
        variant("SH-WHT-S", "White", "S", True),
    ]
    decision = policy.exchange(order(), SHIRT, variants[1], variants)
    assert not decision.allowed and decision.reasons == ("variant_out_of_stock",)
    assert [v.sku for v in decision.alternatives][:2] == ["SH-BLU-M", "SH-WHT-XL"]
    assert decision.alternatives[-1].sku == "SH-WHT-S"  # shares nothing with what was asked


def test_exchange_charges_a_dearer_variant(policy) -> None:
    dearer = variant("SH-BLU-XXL", "Blue", "XXL", True, price=52.0)
    decision = policy.exchange(order(), SHIRT, dearer, [dearer])
    assert decision.allowed and "charge_difference" in decision.consequences
    assert decision.facts["difference"] == 3.0


def test_exchange_limits(policy) -> None:
    wanted = variant("SH-WHT-L", "White", "L", True)
    used = OrderItem(**{**SHIRT.__dict__, "exchanges": 1})
    assert policy.exchange(order(), used, wanted, [wanted]).reasons == ("exchange_limit",)
    assert policy.exchange(order(), LAMP, wanted, [wanted]).reasons == ("not_exchangeable",)
    late = policy.exchange(order(delivered_days=31), SHIRT, wanted, [wanted])
    assert late.reasons == ("outside_exchange_window",) and late.escalate
    late_lamp = policy.exchange(order(delivered_days=31), LAMP, wanted, [wanted])
    assert late_lamp.reasons == ("not_exchangeable",) and not late_lamp.escalate
    other = VariantStock("X-1", "P9", "Other", {"size": "L"}, 10.0, True)
    assert policy.exchange(order(), SHIRT, other, [other]).reasons == ("other_product",)


def test_address_changes_until_shipping_once(policy) -> None:
    new = Address("Ann Lee", "9 Elm Rd", "Chicago", "60601", region="IL")
    assert policy.change_address(order("pending", None), new).allowed
    assert "sales_tax_may_change" in policy.change_address(order("pending", None), new).consequences
    changed = order("pending", None, address_changes=1)
    assert policy.change_address(changed, new).reasons == ("address_change_limit",)
    shipped = policy.change_address(order("shipped", None, tracking_url="https://t/1"), new)
    assert shipped.reasons == ("address_after_shipping",) and not shipped.escalate
    abroad = Address("Ann Lee", "1 King St", "Toronto", "M5V 0E9", country="CA")
    assert policy.change_address(order("pending", None), abroad).escalate


def test_limits_come_from_the_settings() -> None:
    strict = OrderPolicy(OrdersSettings(return_window_days=14), clock=lambda: NOW)
    assert not strict.return_items(order(delivered_days=20), MEMBER, [SHIRT]).allowed
    lenient = OrderPolicy(
        OrdersSettings(cancellable_statuses=["pending", "processing"]), clock=lambda: NOW
    )
    assert lenient.cancel(order("processing", None)).allowed


def test_refunds_go_only_to_the_original_payment_or_store_credit(policy) -> None:
    decision = policy.return_items(order(), MEMBER, [SHIRT], "another card")
    assert decision.reasons == ("refund_elsewhere",) and not decision.escalate
    assert decision.facts["payment"] == "card ending 4242"


def test_holiday_returns_are_the_stores_own_rule() -> None:
    """The demo's holiday returns (delivered Nov 15 - Dec 24, back until Jan 31) are a setting:
    a store without the rule keeps its plain window (a 14-day store, 20 days after delivery)."""
    december = datetime(2026, 12, 10, 12, tzinfo=UTC)
    delivered = order(delivered_days=None, status="delivered")
    delivered = Order(**{**delivered.__dict__, "delivered_at": december - timedelta(days=20)})
    demo = OrderPolicy(OrdersSettings(return_window_days=14), clock=lambda: december)
    assert demo.return_items(delivered, MEMBER, [SHIRT]).allowed
    plain = OrderPolicy(
        OrdersSettings(return_window_days=14, holiday_returns=""), clock=lambda: december
    )
    refused = plain.return_items(delivered, MEMBER, [SHIRT])
    assert refused.reasons == ("outside_return_window",) and refused.escalate
