"""One contract for every `OrderSystem`: the demo database on SQLite and PostgreSQL, the REST
connector, and the Shopify and WooCommerce connectors against their fakes (see conftest).
Numbers and names are those of data/orders/README.md; product and customer ids are the
platform's own (``backend.product("P1017")``)."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import ChangeRejected, OrderNotFound
from bot.orders.system import Address, OrderSystem
from tests.bot.orders.conftest import Backend


def keeps_transactions(backend: Backend) -> bool:
    """Whether each authorization and capture is a payment of its own (WooCommerce keeps one
    payment per order)."""
    return getattr(backend.system, "keeps_payment_transactions", True)


def test_it_is_an_order_system(backend: Backend) -> None:
    assert isinstance(backend.system, OrderSystem)


def test_customers_by_email_any_case_and_spacing(backend: Backend) -> None:
    system = backend.system
    emma = system.find_customer_by_email("  Emma.Johnson@EXAMPLE.com ")
    assert emma is not None and (emma.id, emma.name, emma.postcode) == (
        backend.customer("C1001"),
        "Emma Johnson",
        "43215",
    )
    assert system.find_customer_by_email("nobody@example.com") is None
    gold = system.find_customer_by_email("wang.fang@example.com")
    assert gold is not None and gold.name == "王芳" and gold.tier == "gold"


def test_customers_by_name_and_postcode(backend: Backend) -> None:
    system, c = backend.system, backend.customer
    assert system.find_customer_by_name("  emma   JOHNSON ", " 43215").id == c("C1001")
    assert system.find_customer_by_name("王 芳", "94110").id == c("C1002")
    assert system.find_customer_by_name("Wang Fang", "94110").id == c("C1002")  # pinyin alias
    assert system.find_customer_by_name("Sophie Martin", "nw1 6xe").id == c("C1009")
    # Two customers share the name; the postcode tells them apart.
    assert system.find_customer_by_name("Michael Lee", "02110").id == c("C1007")
    assert system.find_customer_by_name("Michael Lee", "80202").id == c("C1008")
    assert system.find_customer_by_name("Michael Lee", "10001") is None
    assert system.find_customer_by_name("", "43215") is None


def test_get_customer(backend: Backend) -> None:
    customer = backend.system.get_customer(backend.customer("C1004"))
    assert customer is not None and customer.email == "james.smith@example.com"
    assert backend.system.get_customer("C9999") is None


@pytest.mark.parametrize(
    "written", ["NW-104233", "nw104233", "#NW 104233", "104233", " nw-104233 "]
)
def test_sloppy_order_numbers(backend: Backend, written: str) -> None:
    order = backend.system.get_order(written)
    assert order is not None and order.number == "NW-104233"


def test_order_details(backend: Backend) -> None:
    order = backend.system.get_order("NW-104233")
    now = datetime.now(UTC)
    assert order.customer_id == backend.customer("C1001") and order.status == "shipped"
    assert order.carrier in ("UPS", "USPS") and order.tracking_number
    assert order.tracking_number in order.tracking_url
    assert order.estimated_delivery > now > order.shipped_at > order.placed_at
    assert order.estimated_delivery.tzinfo is not None
    (item,) = order.items
    assert (item.line_id, item.sku, item.product_id, item.unit_price, item.quantity) == (
        "1",
        "NW-CPH-BLK-M",
        backend.product("P1017"),
        54.0,
        1,
    )
    assert item.options == {"color": "Black", "size": "M"}
    assert item.category == "Clothing > Hoodies" and item.status == "ordered"
    (payment,) = order.payments
    assert payment.method == "card" and payment.last4 == "4242"
    assert payment.status == "captured" and payment.amount == order.total
    assert order.address.postcode == "43215" and order.address.city == "Columbus"
    assert backend.system.get_order("NW-999999") is None


def test_order_with_history(backend: Backend) -> None:
    system = backend.system
    delivered = system.get_order("NW-102955")
    age = datetime.now(UTC) - delivered.delivered_at
    assert timedelta(days=39) < age < timedelta(days=41)
    returned = system.get_order("NW-103601")
    assert [i.status for i in returned.items] == ["returned", "ordered"]
    (refund,) = returned.refunds
    assert refund.line_ids == ("1",) and refund.method == "original_payment"
    assert refund.amount == returned.items[0].unit_price
    twice = system.get_order("NW-104789")
    if keeps_transactions(backend):
        assert sorted(p.status for p in twice.payments) == ["authorized", "captured"]
        assert {p.amount for p in twice.payments} == {twice.total}
    else:  # one payment per order: the duplicate authorization is on the card statement only
        assert [(p.status, p.amount) for p in twice.payments] == [("captured", twice.total)]
    socks = system.get_order("NW-104502")
    assert [i.final_sale for i in socks.items] == [True, False]
    assert system.get_order("NW-104120").items[0].exchanges == 1
    assert system.get_order("NW-105340").address_changes == 1
    assert system.get_order("NW-104888").address.country == "GB"


def test_list_orders_newest_first(backend: Backend) -> None:
    found = backend.system.list_orders(backend.customer("C1001"))
    assert len(found) >= 4 and {o.customer_id for o in found} == {backend.customer("C1001")}
    assert {"NW-104233", "NW-104301", "NW-103870", "NW-102955"} <= {o.number for o in found}
    placed = [o.placed_at for o in found]
    assert placed == sorted(placed, reverse=True)
    assert backend.system.list_orders("C9999") == []


def test_variants_with_stock(backend: Backend) -> None:
    variants = {v.sku: v for v in backend.system.variants(backend.product("P1017"))}
    assert len(variants) == 20
    assert variants["NW-CPH-BLK-XL"].in_stock is False
    assert variants["NW-CPH-BLK-L"].in_stock is True
    assert variants["NW-CPH-BLK-XXL"].price == 57.0
    assert variants["NW-CPH-BLK-M"].options == {"color": "Black", "size": "M"}
    assert backend.system.variants("P0000") == []


def test_cancel_pending_order(backend: Backend) -> None:
    system = backend.system
    order = system.cancel_order("nw105288", "changed my mind")
    assert order.status == "cancelled"
    assert [p.status for p in order.payments] == ["released"]
    assert system.get_order("NW-105288").status == "cancelled"
    with pytest.raises(ChangeRejected):
        system.cancel_order("NW-105288", "again")


def test_cancel_refused_once_shipped_or_unknown(backend: Backend) -> None:
    with pytest.raises(ChangeRejected, match="shipped"):
        backend.system.cancel_order("NW-104233", "too slow")
    with pytest.raises(OrderNotFound):
        backend.system.cancel_order("NW-999999", "x")
    assert backend.system.get_order("NW-104233").status == "shipped"


def test_change_address(backend: Backend) -> None:
    new = Address(
        name="王芳", line1="500 Market Street", city="San Francisco", postcode="94105", region="CA"
    )
    order = backend.system.change_address("NW-105301", new)
    assert order.address == new and order.address_changes == 1
    with pytest.raises(ChangeRejected, match="packed"):
        backend.system.change_address("NW-105002", new)
    abroad = Address(
        name="Liam Tremblay",
        line1="1 Rue Sainte-Catherine",
        city="Montréal",
        postcode="H3B 1A1",
        country="CA",
        region="QC",
    )
    assert backend.system.change_address("NW-104890", abroad).address.one_line().endswith("CA")


def test_return_items(backend: Backend) -> None:
    system = backend.system
    order = system.return_items("NW-103870", ["1", "2"], "store_credit", "too small")
    assert [(i.status, i.refund_method) for i in order.items] == [
        ("return_requested", "store_credit"),
        ("return_requested", "store_credit"),
    ]
    with pytest.raises(ChangeRejected):  # already open
        system.return_items("NW-103870", ["1"], "original_payment", "again")
    with pytest.raises(ChangeRejected):  # not delivered yet
        system.return_items("NW-104233", ["1"], "original_payment", "x")
    with pytest.raises(ChangeRejected):  # no such line
        system.return_items("NW-103777", ["7"], "original_payment", "x")
    with pytest.raises(ChangeRejected):  # the other line already has a return open
        system.return_items("NW-103777", ["1", "2"], "original_payment", "x")
    assert system.get_order("NW-103777").items[1].status == "ordered"  # all or nothing


def test_exchange_reserves_the_new_variant(backend: Backend) -> None:
    system = backend.system
    hoodie = backend.product("P1017")
    assert {v.sku: v.in_stock for v in system.variants(hoodie)}["NW-CPH-GRY-L"] is True
    order = system.exchange_item("NW-104930", "1", "nw-cph-gry-l")
    (item,) = order.items
    assert (item.status, item.exchange_sku, item.exchanges) == (
        "exchange_requested",
        "NW-CPH-GRY-L",
        1,
    )
    # That was the last unit.
    assert {v.sku: v.in_stock for v in system.variants(hoodie)}["NW-CPH-GRY-L"] is False
    with pytest.raises(ChangeRejected, match="out of stock"):
        system.exchange_item("NW-104931", "1", "NW-CPH-GRY-L")
    assert backend.store.snapshot()["reserved"] == {"NW-CPH-GRY-L": 1}


def test_exchange_refusals(backend: Backend) -> None:
    system = backend.system
    with pytest.raises(ChangeRejected, match="out of stock"):
        system.exchange_item("NW-103870", "1", "NW-LBDS-BLU-XL")
    with pytest.raises(ChangeRejected):  # another product
        system.exchange_item("NW-103870", "1", "NW-CPH-GRY-M")
    with pytest.raises(ChangeRejected):  # an exchange is already open
        system.exchange_item("NW-104700", "1", "NW-CPH-FOR-M")
    with pytest.raises(ChangeRejected):  # not delivered
        system.exchange_item("NW-104233", "1", "NW-CPH-BLK-L")
    assert system.get_order("NW-103870").items[0].status == "ordered"
    assert backend.store.snapshot()["reserved"] == {}


def test_change_rejected_when_the_order_moved_on(backend: Backend) -> None:
    seen = backend.system.get_order("NW-104301")
    assert seen.status == "pending"
    backend.store.cancel_order("NW-104301", "cancelled by the warehouse meanwhile")
    new = Address(name="Emma Johnson", line1="1 New Road", city="Columbus", postcode="43215")
    with pytest.raises(ChangeRejected, match="cancelled"):
        backend.system.change_address("NW-104301", new)
    assert backend.system.get_order("NW-104301").address == seen.address


def test_snapshot_and_reset(backend: Backend) -> None:
    store = backend.store
    before = store.snapshot()
    assert json.loads(json.dumps(before)) == before and store.snapshot() == before
    assert len(before["orders"]) == 120
    entry = before["orders"]["NW-104789"]
    if keeps_transactions(backend):
        assert sorted(p["status"] for p in entry["payments"]) == ["authorized", "captured"]
    else:
        assert [p["status"] for p in entry["payments"]] == ["captured"]
    backend.system.cancel_order("NW-104301", "x")
    backend.system.exchange_item("NW-104455", "1", "NW-ECS-NVY-10")
    after = store.snapshot()
    assert after["orders"]["NW-104301"]["status"] == "cancelled"
    assert after["orders"]["NW-104455"]["items"]["1"]["exchange_sku"] == "NW-ECS-NVY-10"
    assert after["reserved"] == {"NW-ECS-NVY-10": 1}
    changed = {n for n in before["orders"] if before["orders"][n] != after["orders"][n]}
    assert changed == {"NW-104301", "NW-104455"}
    store.reset()
    assert store.snapshot() == before


def test_last_unit_goes_to_exactly_one_of_two_racing_exchanges(backend: Backend) -> None:
    results: list[str] = []

    def exchange(number: str) -> None:
        try:
            backend.system.exchange_item(number, "1", "NW-CPH-GRY-L")
            results.append("ok")
        except ChangeRejected:
            results.append("rejected")

    threads = [threading.Thread(target=exchange, args=(n,)) for n in ("NW-104930", "NW-104931")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "rejected"]
    assert backend.store.snapshot()["reserved"] == {"NW-CPH-GRY-L": 1}
