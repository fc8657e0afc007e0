"""Conversation sense in the order turn (issue 18, item 4), on the demo store through the whole
engine with the fake model: negation and changes of mind, a restated choice keeps the
proposal, "it" is the order in hand, status sees delivered orders with their tracking, and an
address line is data, not a feeling."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import ShopBot
from bot.backends import FakeBackend
from bot.fakes import StaticKnowledge
from tests.bot.orders.conftest import SEED
from tests.bot.test_shopbot import KNOWLEDGE
from tests.conftest import make_settings

EMMA = "my email is emma.johnson@example.com and my zip is 43215"


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShopBot]:
    home = tmp_path_factory.mktemp("conversation")
    settings = make_settings(
        Path(home),
        engine={"backend": "fake"},
        orders={"backend": "demo", "seed_file": str(SEED),
                "database_url": f"sqlite:///{home / 'orders.db'}"},
    )  # fmt: skip
    bot = ShopBot(settings, backend=FakeBackend(), knowledge=StaticKnowledge(KNOWLEDGE))
    bot.warm_up()
    yield bot
    bot.close()


@pytest.fixture
def bot(shop: ShopBot) -> ShopBot:
    shop.orders.system.reset()  # type: ignore[union-attr]
    return shop


def order(bot: ShopBot, number: str) -> dict:
    return bot.orders.system.snapshot()["orders"][number]  # type: ignore[union-attr]


def say(bot: ShopBot, session: str, *messages: str) -> list[str]:
    return [bot.chat(m, session=session).reply for m in messages]


def test_taking_it_back_after_the_proposal(bot: ShopBot) -> None:
    replies = say(
        bot, "no", f"Cancel my order NW-104301, {EMMA}", "Actually no, please don't cancel it"
    )
    assert "haven't changed" in replies[-1] and order(bot, "NW-104301")["status"] == "pending"
    replies = say(bot, "zh-no", f"我想取消订单 NW-104301，{EMMA}", "算了，还是不取消了", "是")
    assert order(bot, "NW-104301")["status"] == "pending"


def test_a_restated_refund_choice_keeps_the_proposal(bot: ShopBot) -> None:
    replies = say(
        bot,
        "restate",
        f"I'd like to return the candle from order NW-103870. {EMMA}",
        "actually make it store credit",
        "yes",
    )
    assert "store credit" in replies[1].lower()
    line = order(bot, "NW-103870")["items"]["2"]
    assert (line["status"], line["refund_method"]) == ("return_requested", "store_credit")


def test_the_last_size_named_counts(bot: ShopBot) -> None:
    say(
        bot,
        "size",
        f"{EMMA}. can I swap the shirt from NW-103870 for a medium? no sorry, make that white L",
        "yes",
    )
    line = order(bot, "NW-103870")["items"]["1"]
    assert (line["status"], line["exchange_sku"]) == ("exchange_requested", "NW-LBDS-WHT-L")


def test_it_is_the_order_in_hand(bot: ShopBot) -> None:
    replies = say(bot, "it", f"where is order NW-104301? {EMMA}", "ok, please cancel it", "yes")
    assert "NW-104301" in replies[0] and order(bot, "NW-104301")["status"] == "cancelled"


def test_status_sees_delivered_orders_with_their_tracking(bot: ShopBot) -> None:
    replies = say(bot, "delivered", f"where is my linen shirt? {EMMA}")
    assert "NW-103870" in replies[0] and "delivered" in replies[0].lower()
    tracking = bot.orders.system.get_order("NW-103870").tracking_number  # type: ignore[union-attr]
    assert tracking and tracking in replies[0]


def test_an_address_line_is_data(bot: ShopBot) -> None:
    turns = [
        bot.chat(m, session="data")
        for m in (
            f"Please change the address on my order NW-104301. {EMMA}, order NW-104301",
            "12 Wrong Way, Sorrow Lane, Badwater, CA 92328",
        )
    ]
    assert not any(t.escalated for t in turns), [t.reasons for t in turns]
    assert turns[1].sentiment["dissatisfaction"] < 0.5
    assert "Wrong Way" in turns[1].reply  # proposed, to be confirmed


def test_a_list_of_orders_carries_the_tracking_of_those_on_their_way(bot: ShopBot) -> None:
    reply = say(bot, "list", f"show me all my orders please, {EMMA}")[0]
    for number in ("NW-104233", "NW-108824", "NW-104301"):
        assert number in reply
    for number in ("NW-104233", "NW-108824"):  # shipped: their tracking numbers too
        tracking = bot.orders.system.get_order(number).tracking_number  # type: ignore[union-attr]
        assert tracking and tracking in reply


def test_a_yes_to_a_question_gets_the_question_again(bot: ShopBot) -> None:
    """Asked who they are, a shopper who answers "yes, go ahead" is asked again, not dropped
    to the knowledge."""
    replies = say(bot, "again", "please cancel my order, emma.johnson@example.com", "yes go ahead")
    assert replies[1] == replies[0]
    assert order(bot, "NW-104301")["status"] == "pending"


def test_a_kept_item_is_named_and_never_changed(bot: ShopBot) -> None:
    """'Keep X, return the rest': the proposal names what goes back and what stays, and the
    executed return leaves the kept line as it was (issue 18: no change nobody asked for)."""
    for session, request in (
        ("keep-en", f"Order NW-103870: I'll keep the candle, please send the rest back. {EMMA}"),
        ("keep-zh", f"订单 NW-103870，蜡烛我留着，其他的都退掉。{EMMA}"),
        ("except-en", f"return everything from NW-103870 except the fig candle. {EMMA}"),
    ):
        bot.orders.system.reset()  # type: ignore[union-attr]
        replies = say(bot, session, request, "yes")
        proposal = replies[0]
        assert "Linen Button-Down Shirt" in proposal, proposal
        assert proposal.count("Soy Candle") == 1, proposal  # only where it stays
        assert "Not returned" in proposal or "不退" in proposal, proposal
        items = order(bot, "NW-103870")["items"]
        assert items["1"]["status"] == "return_requested", session
        assert items["2"]["status"] == "ordered", session


def test_a_keep_that_names_no_item_is_asked_not_guessed(bot: ShopBot) -> None:
    replies = say(
        bot, "keep-unknown", f"Keep the lamp from NW-103870 and return the rest. {EMMA}", "yes"
    )
    assert "Which" in replies[0] or "Which" in replies[1]
    items = order(bot, "NW-103870")["items"]
    assert items["1"]["status"] == items["2"]["status"] == "ordered"


def test_cancelling_part_of_an_order_goes_to_a_person(bot: ShopBot) -> None:
    """An order is only cancelled whole: 'cancel only the t-shirts' never cancels it all."""
    for session, request in (
        ("part-en", f"please cancel only the crew neck t-shirts in NW-104301, {EMMA}"),
        ("part-keep", f"cancel NW-104301 but I want to keep the linen shirt. {EMMA}"),
        ("part-zh", f"订单 NW-104301 里的衬衫不取消，其他的取消。{EMMA}"),
    ):
        bot.orders.system.reset()  # type: ignore[union-attr]
        replies = say(bot, session, request, "yes")
        assert "as a whole" in replies[0] or "整单" in replies[0], replies[0]
        assert order(bot, "NW-104301")["status"] == "pending", session
    bot.orders.system.reset()  # type: ignore[union-attr]
    say(bot, "whole", f"please cancel order NW-104301, {EMMA}", "yes")
    assert order(bot, "NW-104301")["status"] == "cancelled"
