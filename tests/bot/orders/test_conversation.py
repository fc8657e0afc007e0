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


@pytest.mark.parametrize("question", ["what's the status on them?", "我的订单都到哪了？"])
def test_a_general_status_question_lists_every_order_on_its_way_and_recently_delivered(
    bot: ShopBot, question: str
) -> None:
    orders = bot.orders  # type: ignore[union-attr]
    today = orders.policy.clock().date()
    window = orders.settings.return_window_days
    mine = orders.system.list_orders(orders.system.find_customer_by_email(EMMA.split()[3]).id)
    expected = [
        o
        for o in mine
        if o.status in ("pending", "processing", "packed", "shipped", "out_for_delivery")
        or (o.status == "delivered" and (today - o.delivered_at.date()).days <= window)
    ]
    assert len(expected) > 1
    reply = say(bot, "general-" + question[:4], f"{question} {EMMA}")[0]
    for o in expected[:5]:
        assert o.number in reply
        if o.tracking_number:
            assert o.tracking_number in reply


@pytest.mark.parametrize(
    "request_",
    [
        "I'd rather get my money back, please scrap it",
        "actually just kill that order",
        "那就撤单吧",
    ],
)
def test_a_verified_shoppers_next_request_is_done_not_handed_off(
    bot: ShopBot, request_: str
) -> None:
    session = "held-" + request_[:6]
    turns = [
        bot.chat(m, session=session)
        for m in (
            f"where is order NW-104301? {EMMA}",
            request_,
            "yes" if request_[0] != "那" else "是",
        )
    ]
    assert not any(t.escalated for t in turns), [t.reasons for t in turns]
    assert order(bot, "NW-104301")["status"] == "cancelled"


@pytest.mark.parametrize(
    "question",
    ["I ordered a gift last month, why does the box smell of smoke?", "我买的衬衫扣子怎么掉了？"],
)
def test_no_knowledge_about_a_purchase_offers_the_order_not_a_person(
    bot: ShopBot, question: str
) -> None:
    first, second = (
        bot.chat(m, session="lookup-" + question[:4])
        for m in (question, "emma.johnson@example.com 43215")
    )
    assert "member of our team" not in first.reply and "人工" not in first.reply
    assert "order number" in first.reply or "订单号" in first.reply
    assert not first.escalated and not second.escalated
    assert "NW-" in second.reply  # verified, and shown their order


@pytest.mark.parametrize(
    ("first", "withdraw"),
    [
        (
            "please send order NW-104301 to my sister's instead, emma.johnson@example.com",
            "no, forget it",
        ),
        ("订单 NW-104301 改寄到我妹妹那里吧，emma.johnson@example.com", "算了"),
    ],
)
def test_dropping_an_address_change_rather_than_prove_it(
    bot: ShopBot, first: str, withdraw: str
) -> None:
    asked, dropped = (bot.chat(m, session="drop-" + withdraw) for m in (first, withdraw))
    assert "43215" not in asked.reply  # the proof is asked for, not shown
    assert "postcode" in asked.reply or "邮编" in asked.reply
    assert "NW-104301" in dropped.reply and not dropped.escalated
    pressed = say(bot, "press-" + withdraw, first, "I don't have it, can you not just change it?")
    assert "postcode" in pressed[-1] or "邮编" in pressed[-1]
    assert order(bot, "NW-104301")["address_changes"] == 0


def test_a_message_of_only_a_name_and_postcode_keeps_the_chinese_reply(bot: ShopBot) -> None:
    asked, shown = (
        bot.chat(m, session="lang-kept") for m in ("我订的东西到了没有", "Emma Johnson, 43215")
    )
    assert "邮箱" in asked.reply
    assert "NW-" in shown.reply and shown.language == "zh" and "订单" in shown.reply


@pytest.mark.parametrize("question", ["帮我查一下我所有的订单", "what about all of my orders?"])
def test_all_orders_lists_every_order(bot: ShopBot, question: str) -> None:
    reply = say(bot, "all-" + question[:3], f"{question} {EMMA}")[0]
    orders = bot.orders  # type: ignore[union-attr]
    mine = orders.system.list_orders(orders.system.find_customer_by_email(EMMA.split()[3]).id)
    assert len(mine) > 5
    assert all(o.number in reply for o in mine)


@pytest.mark.parametrize(
    ("first", "answer", "escalated"),
    [
        ("Can I exchange my headphones from NW-104390 for another color?", "yes", True),
        ("订单 NW-104390 的耳机能换个颜色吗？", "好的", True),
        ("Can I exchange my headphones from NW-104390 for another color?", "no thanks", False),
    ],
)
def test_a_refused_exchange_offers_a_person_who_gets_the_case(
    bot: ShopBot, first: str, answer: str, escalated: bool
) -> None:
    """Outside the exchange policy: the way the policy allows (return, re-order) and a person
    offered; a plain yes hands the case over, a no leaves the order as it is."""
    session = f"offer-{first[:3]}-{answer}"
    shown = bot.chat(f"{first} charlotte.taylor@example.com zip 30303", session=session)
    assert not shown.escalated and ("return" in shown.reply or "退货" in shown.reply)
    before = order(bot, "NW-104390")
    turn = bot.chat(answer, session=session)
    assert turn.escalated is escalated, turn.reply
    assert order(bot, "NW-104390") == before
    if escalated:
        assert [r.code.value for r in turn.reasons] == ["outside_order_policy"]
        case = bot.store.get(session).data["order_case"]
        assert case["order"] == "NW-104390" and case["decision"]["reasons"] == ["not_exchangeable"]
    else:
        assert "NW-104390" in turn.reply and bot.store.get(session).status == "bot"


def test_a_question_before_the_yes_keeps_the_proposal_to_be_confirmed_again(bot: ShopBot) -> None:
    """A question at the confirmation is answered and the proposal waits: a later "no" drops
    it (nothing handed over), a "yes" has it described again before anything is done."""
    replies = say(
        bot,
        "q-no",
        f"Cancel my order NW-104301, {EMMA}",
        "how long does a refund take to reach my card?",
        "actually no, don't cancel it. keep it",
    )
    assert "haven't changed" in replies[-1] and order(bot, "NW-104301")["status"] == "pending"
    assert bot.store.get("q-no").status == "bot"
    replies = say(
        bot,
        "q-yes",
        f"Cancel my order NW-104301, {EMMA}",
        "How long do refunds to a credit card take?",  # answered from the knowledge
        "yes",
    )
    assert "NW-104301" in replies[-1] and order(bot, "NW-104301")["status"] == "pending"
    say(bot, "q-yes", "yes")
    assert order(bot, "NW-104301")["status"] == "cancelled"


def test_traditional_chinese_reads_like_simplified(bot: ShopBot) -> None:
    replies = say(bot, "trad", f"訂單 NW-104301 我不要了，幫我取消。{EMMA}", "確認")
    assert "NW-104301" in replies[0] and order(bot, "NW-104301")["status"] == "cancelled"


def test_four_bare_digits_beside_a_name_verify_an_australian_shopper(bot: ShopBot) -> None:
    reply = bot.chat("Charlotte Wilson 2000, where is my order?", session="au").reply
    assert "verified" in reply and "Charlotte" in reply


def test_a_status_found_from_the_words_lists_the_other_recent_orders(bot: ShopBot) -> None:
    """ "where is my hand towel set?": that order first, then the others on their way or
    recently delivered, with their tracking (the shopper may be asking about those too)."""
    reply = bot.chat(f"where are my hand towels? {EMMA}", session="others").reply
    first, _, rest = reply.partition("Your other recent orders:")
    assert "Hand Towel" in first and rest.strip()
    assert "NW-104233" in rest and "1Z5RRB146UH73JMWL2" in rest  # shipped, with its tracking


def test_an_option_kept_as_it_is_in_chinese(bot: ShopBot) -> None:
    """ "颜色不变": only the size changes."""
    reply = say(bot, "keep-colour", f"订单 NW-103870 的衬衫小了，换大一码，颜色不变。{EMMA}")[0]
    assert "Linen Button-Down Shirt (Blue / XL)" in reply  # Blue / L one size up, still blue
