"""A shopper's first message about their own order starts the order flow in many wordings,
English and Chinese; a follow-up once verified is read in that context; general questions
stay with the knowledge."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.orders.amounts import orders_counting, said_amounts
from bot.orders.intents import extract, item_words, starts_order_request
from bot.orders.system import Address, Order, OrderItem
from bot.orders.when import orders_fitting, said_when


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Hey, anything new on the floor pump I bought?", "status"),
        ("what's happening with my stuff?", "status"),
        ("my parcel still hasn't arrived", "status"),
        ("我买的打气筒到底什么时候能收到", "status"),
        ("订的东西一直没收到", "status"),
        ("I no longer need the pannier bag, please stop that order", "cancel"),
        ("I no longer need the pannier bag I ordered", "refund"),  # cancel or return: by status
        ("茶服那单我不需要了", "refund"),
        ("my jacket doesn't fit, can it be traded for a bigger one?", "exchange"),
        ("我的包裹在哪里", "status"),
        ("what's the status on them?", "status"),
        # Bought by mistake: undo it (cancel or return, by where the order is).
        ("hi, I ordered a full suit a few hours ago by mistake, I already have one", "refund"),
        ("I accidentally ordered two mugs", "refund"),
        ("我不小心下错单了", "refund"),
        ("買重了，幫我處理一下", "refund"),
    ],
)
def test_first_messages_start_the_order_flow(text: str, intent: str) -> None:
    said = extract(text)
    assert said.intents and said.intents[0] == intent
    assert starts_order_request(text, said)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("actually just kill that order", "cancel"),
        ("那就撤单吧", "cancel"),
        ("帮我撤销吧", "cancel"),
        ("I'd rather get my money back, please scrap it", "refund"),
    ],
)
def test_follow_ups_once_verified_continue_the_order_flow(text: str, intent: str) -> None:
    said = extract(text)
    assert said.intents and said.intents[0] == intent
    assert starts_order_request(text, said, verified=True)


@pytest.mark.parametrize(
    "text",
    [
        "How long do refunds take?",
        "Do you have this in red?",
        "What happens if the shoes don't fit?",
        "Is the rain jacket in stock?",
        "退货政策是什么？",
        "Is it true that the kettle doesn't fit on induction hobs?",
        "这款茶壶在哪里生产的？",
        "I no longer want to get your newsletter",
    ],
)
def test_general_questions_stay_with_the_knowledge(text: str) -> None:
    assert not starts_order_request(text, extract(text))


@pytest.mark.parametrize(
    "text",
    [
        "Any updates on when the navy jacket is back in stock?",
        "What if the shoes don't fit?",
        "这款茶壶在哪里生产的？",
        "I no longer want to get your newsletter",
    ],
)
def test_catalog_questions_stay_with_the_knowledge_once_verified(text: str) -> None:
    assert not starts_order_request(text, extract(text), verified=True)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("我订的狗床送到了没有", "status"),  # A-not-A questions
        ("寄出了没", "status"),
        ("有没有发货啊", "status"),
        ("帮我查一下我所有的订单", "status"),
        ("please send it to my sister's instead, 4 Patrick's Hill in Cork", "change_address"),
        ("Can you deliver it to the office instead?", "change_address"),
        ("寄到我妈那里吧", "change_address"),
        ("we moved, can it go to 9 Quay Lane, Galway H91 E2K3 instead", "change_address"),
        ("我们搬家了，寄到 浦东新区世纪大道100号, 上海市, 200120", "change_address"),
        ("帮我看下我所有订单的情况", "orders"),
        ("can the lamp order go to my brother's flat in Leeds?", "change_address"),
        # two letters swapped, the commonest slip on a phone keyboard
        ("I'd like to retrun the scarf", "return"),
        ("please exhcange it for a medium", "exchange"),
        ("pls cancle my order", "cancel"),
        ("台灯退了，灯泡我留着", "return"),  # "X退了": X goes back
        ("XL instead please - does that cost more?", "exchange"),
        ("has the studio order left your warehouse?", "status"),
        ("编织皮带90的小了，换95的", "exchange"),
        ("我買的那把吉他寄到香港了嗎？追蹤號碼給我一下", "status"),
    ],
)
def test_more_wordings_of_order_requests(text: str, intent: str) -> None:
    said = extract(text)
    assert said.intents and said.intents[0] == intent, said.intents


@pytest.mark.parametrize(
    "text",
    [
        "can you send the receipt to my email instead",
        "收到了，没问题",
        "could you send me a photo",
        "can I go to my friend's shop to try it on?",
        "我已经退了",
    ],
)
def test_look_alikes_are_not_order_requests(text: str) -> None:
    """(Also: 已经退了, it went back already, asks for no return.)"""
    said = extract(text)
    assert not {"status", "change_address"} & set(said.intents), said.intents


@pytest.mark.parametrize(
    "text",
    [
        "Helene Dubois-Lefevre, 75005. Is my smock order still being packed?",
        "王芳，邮编 eh9 1hz，我的订单呢",
        "ma.lina@example.cn 我买的东西怎么样了？",
    ],
)
def test_who_they_are_and_a_question_about_their_order_start_the_flow(text: str) -> None:
    assert starts_order_request(text, extract(text))


@pytest.mark.parametrize(
    "text",
    [
        "Helene Dubois-Lefevre, 75005. Do you ship to France?",  # no order of theirs named
        "Do you deliver to 75005?",
    ],
)
def test_who_they_are_alone_asks_no_order(text: str) -> None:
    assert not starts_order_request(text, extract(text))


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("the costume is too big, M please", "exchange"),
        ("the yellow raincoat is too small, can i change to 130", "exchange"),
        ("gloves from 52241 are too small, need a medium, same sage colour", "exchange"),
        ("could I get the hat in L/XL, khaki", "exchange"),
        ("围裙想换长款，同样炭灰色", "exchange"),
        ("it's too small, I need to return it", "return"),
        ("too big, please refund me", "refund"),
        ("前几天收到的那个包裹，除了围裙，其他都退", "return"),
        ("窗帘今天能送到吗？", "status"),
    ],
)
def test_fit_and_arrival_wordings_once_verified(text: str, intent: str) -> None:
    said = extract(text)
    assert said.intents and said.intents[0] == intent
    assert starts_order_request(text, said, verified=True)


@pytest.mark.parametrize(
    "text",
    [
        "the box is too big for my shelf, what do you recommend?",
        "你们能送到台湾吗",
        "可以送到香港吗？",
    ],
)
def test_fit_and_delivery_questions_about_the_shop_are_no_order_requests(text: str) -> None:
    said = extract(text)
    assert not starts_order_request(text, said)


@pytest.mark.parametrize("text", ["Pieter van der Merwe 0081", "Ahmad bin Ismail 50450"])
def test_a_name_with_particles_and_a_postcode_is_who_they_are(text: str) -> None:
    assert starts_order_request(text, extract(text))


@pytest.mark.parametrize(
    ("text", "low", "high", "event"),
    [
        ("一个多月前收到的厨师机想退掉", 30, 75, "delivered"),
        ("the parcel that came last week", 4, 14, "delivered"),
        ("I ordered a mug and some spice rubs last night", 0, 2, "placed"),
        ("前几天收到的那个包裹", 1, 8, "delivered"),
        ("两周前买的", 9.1, 18.9, "placed"),
        ("3 days ago I bought a lamp", 1.95, 4.05, "placed"),
        ("前兩日訂咗個托運行李箱", 1, 8, "placed"),  # Cantonese, traditional characters
        ("我想cancel今天早上的订单", 0, 0.5, "either"),  # within the day, not yesterday
        ("十天前收到的摩卡壶太大了", 6.5, 13.5, "delivered"),
        ("两个多月前收到的那台磨豆机想退货", 60, 105, "delivered"),  # more than two months
        ("十几天前到的那单", 10, 20, "delivered"),  # ten-odd days
        ("十来天前收到的颂钵", 10, 20, "delivered"),
        ("二十几天前买的台灯", 20, 30, "placed"),
        ("everything from my order of about six weeks ago", 27.3, 56.7, "either"),  # words
        ("一个半月前收到的直排轮想退", 29.25, 60.75, "delivered"),  # a month and a half
        ("the skates that arrived a month and a half ago", 29.25, 60.75, "delivered"),
        ("ordered it 1.5 weeks ago", 6.83, 14.18, "placed"),
    ],
)
def test_when_it_happened(text: str, low: float, high: float, event: str) -> None:
    span = said_when(text)
    assert span is not None
    assert (round(span.low, 2), round(span.high, 2), span.event) == (low, high, event)


@pytest.mark.parametrize("text", ["where is my order", "the tablecloth I ordered after that"])
def test_no_when_said(text: str) -> None:
    assert said_when(text) is None


@pytest.mark.parametrize(
    "text",
    ["I ordered the wrong size by mistake", "I already have one of those, where is my order"],
)
def test_a_mistake_in_size_or_owning_one_is_no_undoing(text: str) -> None:
    assert "refund" not in extract(text).intents


def _orders_placed(now: datetime, *days_ago: float) -> list[Order]:
    address = Address(name="A B", line1="1 Main St", city="Town", postcode="1000", country="PH")
    return [
        Order(number=str(100 + i), customer_id="c", status="delivered",
              placed_at=now - timedelta(days=d), address=address, items=(),
              delivered_at=now - timedelta(days=d) + timedelta(days=2))
        for i, d in enumerate(days_ago)
    ]  # fmt: skip


def test_each_question_says_its_own_when() -> None:
    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    hours, days, weeks = _orders_placed(now, 0.1, 4, 14)
    text = ("Has the scale I ordered a few hours ago been sent? Also pls give me the tracking no. "
            "for the apron I bought two weeks ago")  # fmt: skip
    assert orders_fitting(text, [hours, days, weeks], now) == [hours, weeks]


def test_sentences_about_one_order_narrow_together() -> None:
    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    lamp, other = _orders_placed(now, 14, 13)
    lamp = replace(lamp, delivered_at=now - timedelta(days=1))
    text = "I ordered a lamp two weeks ago. It arrived yesterday, broken."
    assert orders_fitting(text, [lamp, other], now) == [lamp]


def test_how_long_in_cantonese_is_a_policy_question() -> None:
    text = "退款几耐先到？"
    assert not starts_order_request(text, extract(text), verified=True)


def test_all_my_orders_in_cantonese() -> None:
    said = extract("想睇下我所有嘅订单")
    assert said.intents == ["orders"] and starts_order_request("想睇下我所有嘅订单", said)


@pytest.mark.parametrize("text", ["did my embroidery stuff ship yet?", "我個調音器今日到唔到呀？"])
def test_more_ways_to_ask_where_it_is(text: str) -> None:
    said = extract(text)
    assert said.intents == ["status"] and starts_order_request(text, said, verified=True)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Hi, 我想cancel今天早上的订单，就是那个TSA锁和行李秤", "cancel"),  # English inside Chinese
        ("個托運行李箱唔要喇，幫我cancel咗佢", "cancel"),
        ("前兩日訂咗個托運行李箱，幾時送到呀？", "status"),
        ("运动墨镜的雾黑色能换冰蓝吗", "exchange"),
        ("my son has outgrown the 1/4 violin, can it be swapped for a 1/2?", "exchange"),
        ("琴弓买错尺寸了，要4/4的", "exchange"),
        ("can you ship them there? 548 Market Street, Suite 200, San Francisco, CA 94104",
         "change_address"),
    ],
)  # fmt: skip
def test_requests_as_shoppers_write_them(text: str, intent: str) -> None:
    said = extract(text)
    assert said.intents[0] == intent and starts_order_request(text, said)


def test_an_address_is_no_exchange_in_chinese() -> None:
    assert extract("能换个地址吗").intents[0] == "change_address"


def test_never_mind_in_cantonese_is_a_no() -> None:
    assert extract("咁算啦，唔該").no


@pytest.mark.parametrize(
    "text",
    [
        "Hi, Ana Sofía Olvera-Ochoa, 04100.",  # four names, a leading zero
        "Hola, María José Hernández Castañeda, código postal 06140.",
        "hi, Citlali Moctezuma Ruiz, CP 68000",
        "你好，我係黃偉明，郵編21100。",
    ],
)
def test_who_they_are_in_more_names_and_languages(text: str) -> None:
    assert starts_order_request(text, extract(text))


def test_a_cantonese_status_question_about_my_order() -> None:
    text = "我幾日前訂嘅手搖磨豆機寄咗未呀？幾時到？"
    said = extract(text)
    assert said.intents == ["status"] and starts_order_request(text, said, verified=True)
    assert extract("Has my canister filter left Dubai yet?").intents == ["status"]


def test_an_order_named_by_what_it_cost() -> None:
    assert said_amounts("我有一张2599比索的订单") == [2599.0]
    assert said_amounts("the $54 one, MXN 2,599.00") == [54.0, 2599.0]
    assert said_amounts("订单1073247, size 42") == []


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        ("what happened to my Rp 170.000 order?", [170000.0, 170.0]),  # the totals decide
        ("my 59.990 peso order", [59990.0, 59.99]),
        ("Rp 1.250.000", [1250000.0]),
        ("29,90 € order", [29.9]),
        ("RM 120 order", [120.0]),
        ("$1,234.50", [1234.5]),
        ("size 40 boots, order 58445", []),
    ],
)
def test_amounts_written_the_local_way(text: str, amounts: list[float]) -> None:
    assert said_amounts(text) == amounts


def test_what_happened_to_my_order_is_a_status_question() -> None:
    assert extract("what happened to my Rp 170.000 order?").intents == ["status"]


def test_a_model_code_is_no_order_number() -> None:
    said = extract(
        "Order 60471285, noura.alqahtani@example.sa. I'd like to exchange the CF-600 canister "
        "filter for the bigger CF-1200, I'll pay the difference."
    )
    assert said.order_numbers == ["60471285"] and said.intents == ["exchange"]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("我係黃美玲，想查下我張單去到邊", "status"),  # Cantonese: where has my order got to
        ("我係周詠詩，想問下我啲嘢寄咗未", "status"),  # 我啲嘢: my things
        ("啲月餅盒寄咗好幾日喇，幾時先到呀？", "status"),  # sent days ago: theirs
        ("the incense holder i ordered 2 days ago, when does it come?", "status"),
        ("I'm waiting on a canister filter and a bag of soil, any news?", "status"),
        ("where na my digital scale? its been 3 days since i ordered", "status"),  # Taglish
        ("the honey extractor i ordered 4 days ago, is it still stuck somewhere or what", "status"),
        ("can u show me everything ive ordered from you and whats arrived", "orders"),
        ("Henrique Vasconcelos 4800-298, can I change it to the 60cm?", "exchange"),
        ("我買咗把38cm嘅鑷子，太長唔順手，可唔可以換25cm嗰款？", "exchange"),
        ("前幾日收到嗰張單，淨係退支織物噴霧", "return"),  # 淨係 = only
        ("兩個禮拜前收到嗰張單，剪刀退咗佢", "return"),  # 退咗佢 = return it
        ("刘思雨 03722。上周收到的那单，香插留着，其他退", "return"),  # the rest goes back
        ("Hi, can my candle order be sent to Utrecht instead of Amsterdam?", "change_address"),
    ],
)
def test_more_requests_in_english_cantonese_and_taglish(text: str, intent: str) -> None:
    said = extract(text)
    assert said.intents and said.intents[0] == intent
    assert starts_order_request(text, said, verified=True)


def test_an_address_is_no_change_to_a_size() -> None:
    assert "exchange" not in extract("can you change it to the 12th of May").intents


@pytest.mark.parametrize("text", ["係", "係呀", "好，唔該", "alright", "sí, correct", "all right"])
def test_more_plain_yeses(text: str) -> None:
    assert extract(text).yes


def test_cantonese_when() -> None:
    span = said_when("兩個禮拜前收到嗰張單")
    assert span is not None and span.event == "delivered" and span.low <= 14 <= span.high


def test_a_refund_of_the_rest_is_no_return() -> None:
    assert "return" not in extract("其他退款什么时候到").intents


def test_a_postcode_with_its_countrys_letters_is_who_they_are() -> None:
    said = extract("Rūta Kazlauskienė, LT-01103")
    assert said.postcodes == ["LT-01103"] and said.names[0] == "Rūta Kazlauskienė"
    assert not said.order_numbers and not said.order_hints


@pytest.mark.parametrize(
    ("text", "name", "postcode"),
    [
        ("Park Ji-hoon, 7500813. can you list all my orders pls", "Park Ji-hoon", "7500813"),
        ("Hi, I'm María José Ñanculef Quilodrán, 4780521.", "María José Ñanculef Quilodrán",
         "4780521"),  # Chile: seven digits
        ("Mateo Quispe, CP R8400AMS", "Mateo Quispe", "R8400AMS"),  # Argentina (CPA)
    ],
)  # fmt: skip
def test_postcodes_of_more_countries_beside_a_name(text: str, name: str, postcode: str) -> None:
    said = extract(text)
    assert postcode in said.postcodes and name in said.names
    assert starts_order_request(text, said)


@pytest.mark.parametrize(
    ("text", "line1", "line2", "city", "postcode"),
    [
        ("new: Jl. Kemang Raya No. 8, Mampang Prapatan, Jakarta Selatan 12730",
         "Jl. Kemang Raya No. 8", "Mampang Prapatan", "Jakarta Selatan", "12730"),
        ("改寄到 Jl. Pemuda No. 12, Medan 20151", "Jl. Pemuda No. 12", "", "Medan", "20151"),
        ("send it to Jalan Telawi 3, Bangsar, 59100 Kuala Lumpur", "Jalan Telawi 3", "Bangsar",
         "Kuala Lumpur", "59100"),
        ("寄到我女儿家：Av. Pedro Aguirre Cerda 1055, San Pedro de la Paz 4130248",
         "Av. Pedro Aguirre Cerda 1055", "", "San Pedro de la Paz", "4130248"),
    ],
)  # fmt: skip
def test_addresses_of_more_countries(
    text: str, line1: str, line2: str, city: str, postcode: str
) -> None:
    address = extract(text).address
    assert address is not None
    assert (address.line1, address.line2, address.city, address.postcode) == (
        line1, line2, city, postcode,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "intents"),
    [
        ("对的", None),  # a yes
        ("return the first item on my most recent delivered order please, refund to the "
         "original card", ["return", "refund"]),  # the refund is how, not a cancel
        ("order 3575, email baotram.tran@example.vn, currently shipping to 72400. Please change "
         "it to 45 Lê Thánh Tôn, Quận 1, Hồ Chí Minh 71000", ["change_address"]),
        ("both wide-tooth combs are going back, I'll keep the oil", ["return"]),
        ("how close is my rope? need it before our club trip", ["status"]),
        ("could you run through every order I have with you?", ["orders"]),
        ("the climbing pants: charcoal instead of sand, same size", ["exchange"]),
        ("send it to my office instead of home", ["change_address"]),
        ("how long is the rope?", []),
        ("hej, I need to change where my hoodie order ships", ["change_address"]),
        ("can the oil I ordered go to Đà Lạt instead? I'm on holiday there", ["change_address"]),
        ("can I go to the store instead?", []),
        ("is the crash pad on a truck yet or still sitting with you?", ["status"]),
        ("the grey pillowcase that arrived a few days back - returning it. store credit is fine",
         ["return"]),
    ],
)  # fmt: skip
def test_requests_in_more_wordings(text: str, intents: list[str] | None) -> None:
    said = extract(text)
    if intents is None:
        assert said.yes
    else:
        assert said.intents == intents


@pytest.mark.parametrize(
    ("text", "line1", "city", "postcode"),
    [
        ("71240-FK这单能不能改寄到我公司？Olav Tryggvasons gate 24, 7011 Trondheim",
         "Olav Tryggvasons gate 24", "Trondheim", "7011"),
        ("寄到我朋友家 Grensen 5, 0159 Oslo。", "Grensen 5", "Oslo", "0159"),
        ("改到 Nordnesgaten 20, 5005 Bergen", "Nordnesgaten 20", "Bergen", "5005"),
        ("please ship to Kungsgatan 12, 111 43 Stockholm", "Kungsgatan 12", "Stockholm", "111 43"),
        ("ship to Mannerheimintie 5, 00100 Helsinki", "Mannerheimintie 5", "Helsinki", "00100"),
    ],
)  # fmt: skip
def test_nordic_addresses(text: str, line1: str, city: str, postcode: str) -> None:
    address = extract(text).address
    assert address is not None
    assert (address.line1, address.city, address.postcode) == (line1, city, postcode)


def test_an_order_number_before_a_postcode_is_no_street() -> None:
    assert extract("Order 1234, 0159 Oslo please").address is None


def test_how_the_money_goes_back_names_no_item() -> None:
    """ "store credit is fine" keeps nothing: the pillowcase named goes back, not the other line."""
    text = item_words("the grey pillowcase that arrived - returning it. store credit is fine")
    assert "credit" not in text and "pillowcase" in text
    assert "卡" not in item_words("淨係留低個鯊魚夾，其他退晒，退返落張卡度")
    # the way back with its verb: no "退到" or "钱" is left to be read as a thing kept
    assert item_words("礼帽退掉，帽盒留着，退到店铺余额").rstrip(" ，") == "礼帽退掉，帽盒留着"
    assert item_words("台灯退掉，灯罩留着，钱退回信用卡").rstrip(" ，") == "台灯退掉，灯罩留着"


@pytest.mark.parametrize(
    "text",
    [
        "机车夹克退货，退款大概多久到账？",
        "the lamp is too small, can I exchange it? how much more is it",
    ],
)
def test_a_request_with_a_question_beside_it_is_the_request(text: str) -> None:
    assert starts_order_request(text, extract(text), verified=True)


@pytest.mark.parametrize(
    "text",
    [
        "how long do refunds take?",
        "If I return it, is shipping free?",
        "想问一下，退货期限是多少天？退货运费谁出？退款是退到卡里还是店铺余额？",
    ],
)
def test_a_question_alone_stays_a_question(text: str) -> None:
    said = extract(text)
    assert not starts_order_request(text, said, verified=True) or not said.intents


def test_this_morning_is_todays_date_not_the_last_day() -> None:
    """Placed 16 hours ago (yesterday evening) is not "this morning", though within a day."""
    now = datetime(2026, 3, 1, 11, tzinfo=UTC)
    today, last_evening = _orders_placed(now, 0.1, 16 / 24)
    text = "please cancel the puzzle I ordered this morning"
    assert orders_fitting(text, [today, last_evening], now) == [today]


def _item(line_id: str, quantity: int = 1) -> OrderItem:
    return OrderItem(line_id, f"SKU-{line_id}", "p", f"Thing {line_id}", {}, quantity, 10.0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我想退货，就是三件那单里的第二个", "101"),
        ("the order with two items", "100"),
        ("my 2-item order", "100"),
        ("有两样东西的那单", "100"),
        ("the order with five items", None),  # none fits: all of them
    ],
)
def test_the_order_named_by_how_many_items_it_holds(text: str, expected: str | None) -> None:
    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    two, three = _orders_placed(now, 4, 14)
    two = replace(two, items=(_item("1"), _item("2")))
    three = replace(three, items=(_item("1", 3),))  # three pieces of one thing
    fitting = orders_counting(text, [two, three])
    assert [o.number for o in fitting] == ([expected] if expected else ["100", "101"])


@pytest.mark.parametrize(
    "text",
    [
        "if I cancel the grooming kit order, how long would the refund take to reach my card?",
        "如果我取消那个订单，退款多久到账？",
    ],
)
def test_a_change_asked_as_a_condition_starts_nothing(text: str) -> None:
    assert not starts_order_request(text, extract(text), verified=True)


@pytest.mark.parametrize(
    ("text", "yes", "no"),
    [
        ("ok cheers, I'll keep it for now", False, True),
        ("I'd rather hold off", False, True),
        ("还是留着吧", False, True),
        ("ok leave it", False, True),
        ("yes, keep the rest", True, False),  # the rest stays, as proposed
        ("yes, leave it at the front door", True, False),
        ("ok go ahead", True, False),
        ("好的", True, False),
    ],
)
def test_an_ok_that_keeps_it_is_a_no(text: str, yes: bool, no: bool) -> None:
    said = extract(text)
    assert (said.yes, said.no) == (yes, no)


@pytest.mark.parametrize(
    ("text", "postcodes"),
    [
        ("Hallo, Katharina Huber, PLZ 80469", ["80469"]),  # German
        ("Mario Rossi, CAP 20121", ["20121"]),  # Italian
        ("plz cancel order 30862", []),  # "please", not Postleitzahl
    ],
)
def test_postcodes_named_in_other_languages(text: str, postcodes: list[str]) -> None:
    assert extract(text).postcodes == postcodes


def test_an_apology_before_a_number_is_no_name() -> None:
    said = extract("不好意思，订单号打错了，是 30862")
    assert said.names == [] and said.postcodes == ["30862"]


@pytest.mark.parametrize(
    ("text", "starts"),
    [
        ("好的，那我先不取消了，谢谢", False),  # the change named only to say it is not wanted
        ("ok, don't cancel it then", False),
        ("不取消了，改成退货吧", True),  # another change asked instead
        ("was my knee-length lederhose delivered in the end?", True),  # a status question
        ("前幾日收到嗰張單，除咗browband，其他全部退", True),  # Cantonese: all the rest goes back
    ],
)
def test_what_a_verified_shopper_asks(text: str, starts: bool) -> None:
    assert starts_order_request(text, extract(text), verified=True) is starts


@pytest.mark.parametrize(
    ("text", "starts"),
    [
        # a new address for something ordered, before anyone is verified: kept for the change
        (
            "I'm moving house this weekend so could the foot stretcher go to the new place "
            "instead? 41 Rokeby Road, Subiaco WA 6008",
            True,
        ),
        ("do you ship to 41 Rokeby Road, Subiaco WA 6008?", False),  # a shipping question
    ],
)
def test_a_new_address_starts_a_request(text: str, starts: bool) -> None:
    assert starts_order_request(text, extract(text)) is starts


@pytest.mark.parametrize(
    ("text", "first"),
    [
        # the money back, not another size
        (
            "the white sneakers are too narrow, I'd like to return them and get the money back",
            "return",
        ),
        ("the black leotard from the tutu order - can it come back?", "return"),
        ("the shoes are too small, can I exchange them for a 7?", "exchange"),
    ],
)
def test_the_change_asked_comes_first(text: str, first: str) -> None:
    assert extract(text).intents[0] == first
