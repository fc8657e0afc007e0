"""Order conversations through the real vLLM engine with the bundled model, real retrieval over
the demo policies, and the order system on the demo database or behind the REST connector."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot import ShopBot
from bot.orders.assistant import OrderAssistant
from bot.orders.audit import MemoryAuditLog
from bot.orders.demo import SQLOrderSystem
from bot.orders.system import OrderSystem
from tests.bot.orders.rest_store import RunningStore
from tests.conftest import DATA, make_settings

pytestmark = [pytest.mark.slow, pytest.mark.integration]
EMMA = "my email is emma.johnson@example.com and my zip is 43215"


@pytest.fixture(scope="module")
def policies(vllm_backend: object, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from retrieval import KnowledgeBase

    settings = make_settings(tmp_path_factory.mktemp("orders-engine-home"))
    knowledge = KnowledgeBase(settings, progress=False)
    knowledge.warm_up()
    knowledge.ingest(policies=DATA / "policies")
    return settings, knowledge


def _bot(policies, vllm_backend: object, system: OrderSystem) -> ShopBot:  # type: ignore[no-untyped-def]
    settings, knowledge = policies
    assistant = OrderAssistant(system, settings.orders, MemoryAuditLog())
    return ShopBot(settings, backend=vllm_backend, knowledge=knowledge, orders=assistant)  # type: ignore[arg-type]


@pytest.fixture
def shop(policies, vllm_backend: object, sqlite_orders: SQLOrderSystem) -> Iterator[ShopBot]:  # type: ignore[no-untyped-def]
    sqlite_orders.reset()
    bot = _bot(policies, vllm_backend, sqlite_orders)
    yield bot
    bot.close()


def test_order_status_in_english(shop: ShopBot) -> None:
    turn = shop.chat(f"Hi! Where is my order NW-104233? {EMMA}", session="status-en")
    assert "1Z5RRB146UH73JMWL2" in turn.reply and "shipped" in turn.reply
    assert not turn.escalated and turn.sources[0]["path"] == "order_tracking.md"


def test_order_status_in_chinese(shop: ShopBot) -> None:
    shop.chat("我的订单到哪了？", session="status-zh")
    turn = shop.chat("邮箱 chen.jing@example.com，邮编 94133", session="status-zh")
    assert turn.language == "zh"
    assert "1ZPKFLSSKF2GFR5BE7" in turn.reply and "已发货" in turn.reply


def test_identity_is_required_before_any_order_detail(shop: ShopBot) -> None:
    turn = shop.chat("Where is my order NW-104233?", session="who")
    assert "email" in turn.reply
    assert "1Z5RRB146UH73JMWL2" not in turn.reply and "Hoodie" not in turn.reply
    turn = shop.chat("emma.johnson@example.com, zip 99999", session="who")  # wrong postcode
    assert "1Z5RRB146UH73JMWL2" not in turn.reply


def test_another_customers_order_is_refused(shop: ShopBot) -> None:
    shop.chat(EMMA, session="other")
    turn = shop.chat("Please cancel order NW-105288", session="other")  # Li Wei's
    assert "not one of the orders on your account" in turn.reply
    assert "Sneakers" not in turn.reply and "Li Wei" not in turn.reply
    shop.chat("yes", session="other")
    assert shop.orders.system.get_order("NW-105288").status == "pending"  # type: ignore[union-attr]


def test_cancel_needs_a_confirmation(shop: ShopBot) -> None:
    turn = shop.chat(f"I'd like to cancel my order NW-104301. {EMMA}", session="cancel")
    assert "Shall I go ahead?" in turn.reply and "$85.00" in turn.reply
    assert shop.orders.system.get_order("NW-104301").status == "pending"  # type: ignore[union-attr]
    turn = shop.chat("yes please", session="cancel")
    assert "is cancelled" in turn.reply
    assert shop.orders.system.get_order("NW-104301").status == "cancelled"  # type: ignore[union-attr]


def test_return_outside_the_window_goes_to_a_human_with_the_case(shop: ShopBot) -> None:
    turn = shop.chat(f"I want to return my jeans from order NW-102955. {EMMA}", session="late")
    assert turn.escalated and turn.status == "waiting_for_agent"
    assert "40 days ago" in turn.reply
    case = shop.store.get("late").data["order_case"]
    assert case["decision"]["reasons"] == ["outside_return_window"]
    assert shop.orders.system.get_order("NW-102955").items[0].status == "ordered"  # type: ignore[union-attr]


def test_exchange_to_an_out_of_stock_variant_is_refused_with_alternatives(shop: ShopBot) -> None:
    turn = shop.chat(
        f"{EMMA}. Can I exchange the linen shirt from NW-103870 for an XL?", session="swap"
    )
    assert "out of stock" in turn.reply and "In stock now:" in turn.reply
    assert "Sand / XL" in turn.reply and not turn.escalated
    turn = shop.chat("Then Sand XL please", session="swap")
    assert "Sand / XL" in turn.reply and "Shall I go ahead?" in turn.reply
    shop.chat("yes", session="swap")
    item = shop.orders.system.get_order("NW-103870").items[0]  # type: ignore[union-attr]
    assert (item.status, item.exchange_sku) == ("exchange_requested", "NW-LBDS-SAND-XL")


def test_a_question_in_between_is_answered_by_the_model_and_the_proposal_waits(
    shop: ShopBot,
) -> None:
    """A yes after another answer may be to that answer: the proposal is described again and
    only the next yes carries it out."""
    shop.chat(f"Cancel my order NW-104301. {EMMA}", session="between")
    turn = shop.chat("How long does a refund take to reach a PayPal account?", session="between")
    assert turn.sources and not turn.escalated  # answered from the policies
    again = shop.chat("yes", session="between")
    assert shop.orders.system.get_order("NW-104301").status == "pending"  # type: ignore[union-attr]
    assert "NW-104301" in again.reply and "Shall I go ahead?" in again.reply
    shop.chat("yes", session="between")
    assert shop.orders.system.get_order("NW-104301").status == "cancelled"  # type: ignore[union-attr]


def test_the_same_conversation_works_through_the_store_rest_api(
    policies,
    vllm_backend: object,
    rest_store: RunningStore,  # type: ignore[no-untyped-def]
) -> None:
    rest_store.store.reset()
    bot = _bot(policies, vllm_backend, rest_store.client)
    try:
        turn = bot.chat(f"Please cancel my order NW-104301. {EMMA}", session="rest")
        assert "Shall I go ahead?" in turn.reply
        turn = bot.chat("yes", session="rest")
        assert "is cancelled" in turn.reply
        assert rest_store.store.get_order("NW-104301").status == "cancelled"  # type: ignore[union-attr]
    finally:
        bot.close()
