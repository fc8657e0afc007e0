"""Shoppers of the platform stores in data/stores/ identify themselves the way they write:
a Chinese name in characters or pinyin, a postcode without its space, a bare four-digit postcode
beside their e-mail, a bare order number that is then the order in hand (fake platform APIs,
the real connectors)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.orders.assistant import OrderAssistant
from bot.orders.audit import MemoryAuditLog
from bot.orders.platforms.served import (
    ServedStore,
    make_fake,
    served_store,
    store_platform,
    store_policy,
)
from bot.orders.state import OrderState
from bot.settings import OrdersSettings
from tests.conftest import DATA


def _serve(name: str) -> Iterator[ServedStore]:
    folder = DATA / "stores" / name
    platform = store_platform(folder)
    policy = store_policy(folder, OrdersSettings())
    with served_store(platform, make_fake(platform, folder=folder), policy) as served:
        yield served


@pytest.fixture(scope="module")
def hedgerow() -> Iterator[ServedStore]:
    yield from _serve("hedgerow-hound-shopify")


@pytest.fixture(scope="module")
def moyun() -> Iterator[ServedStore]:
    yield from _serve("moyun-stationery-woocommerce")


def talk(served: ServedStore, *messages: str, language: str = "en") -> tuple[list[str], OrderState]:
    assistant = OrderAssistant(served.system, served.settings, MemoryAuditLog(), meaning=None)
    state, replies = OrderState(), []
    for message in messages:
        reply = assistant.handle(message, state, language, "s1")
        state = reply.state
        replies.append(reply.text)
    return replies, state


@pytest.mark.parametrize(
    "message",
    [
        "陈思远 W1D5QE，我的订单到哪了",  # characters, a postcode without its space
        "Siyuan Chen, w1d 5qe. where's my order?",  # pinyin, given name first
        "Ouyang Xiao，邮编CF11 9HB。我的订单呢？",  # a two-character family name in pinyin
    ],
)
def test_chinese_names_verify_as_written(hedgerow: ServedStore, message: str) -> None:
    _, state = talk(hedgerow, message, language="zh" if "的" in message else "en")
    assert state.customer is not None


def test_a_bare_postcode_beside_the_email_verifies(moyun: ServedStore) -> None:
    replies, state = talk(moyun, "soren.ostergaard@example.dk, 2200: where is my order?")
    assert state.customer is not None and "8355" in replies[0]


def test_a_bare_postcode_of_someone_else_verifies_no_one(moyun: ServedStore) -> None:
    _, state = talk(moyun, "soren.ostergaard@example.dk, 2100: where is my order?")
    assert state.customer is None


def test_a_bare_order_number_is_the_order_in_hand(moyun: ServedStore) -> None:
    replies, state = talk(moyun, "chen.jingyi@example.cn 8347 第二件退掉", language="zh")
    assert state.order == "8347"
    returned, kept = replies[0].split("不退")  # the proposal, then the lines it leaves
    assert "宣纸" in returned and "毛笔" not in returned and "毛边纸" in kept


@pytest.mark.parametrize(
    "message",
    ["Søren Østergaard 2200", "hi, soren ostergaard here, 2200. where is my order?"],
)
def test_four_bare_digits_beside_a_name_are_tried_as_the_postcode(
    moyun: ServedStore, message: str
) -> None:
    """Danish, Australian, New Zealand postcodes have four digits, like many order numbers:
    the store's data decides what they are."""
    _, state = talk(moyun, message)
    assert state.customer is not None


def test_four_bare_digits_of_another_postcode_verify_no_one(moyun: ServedStore) -> None:
    _, state = talk(moyun, "Søren Østergaard 2100")
    assert state.customer is None


@pytest.fixture(scope="module")
def mistglow() -> Iterator[ServedStore]:
    yield from _serve("mistglow-beauty-woocommerce")


@pytest.fixture(scope="module")
def kowhai() -> Iterator[ServedStore]:
    yield from _serve("kowhai-baby-shopify")


def test_five_digits_beside_the_email_are_the_customers_order(mistglow: ServedStore) -> None:
    """A WooCommerce order id looks like a postcode: the store's data says which it is."""
    _, state = talk(mistglow, "grace.kim@example.com 46158")
    assert state.customer is not None and state.proof is not None
    assert state.proof.orders == ["46158"]
    _, state = talk(mistglow, "grace.kim@example.com 46104")  # someone else's order
    assert state.customer is None


def test_a_name_alone_then_a_four_digit_postcode(kowhai: ServedStore) -> None:
    replies, state = talk(
        kowhai, "need to cancel the rain jacket i ordered last night", "Daniel Kowalczyk", "3010"
    )
    assert state.customer is not None and "cancel" in replies[-1].lower()
