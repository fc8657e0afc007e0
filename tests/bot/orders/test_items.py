"""Items are resolved against the order's own lines: by name in either language (by meaning,
through the bundled multilingual encoder), by position, option, quantity and exclusion."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from bot.orders.intents import takes_the_offer
from bot.orders.items import descriptors, meant_value, mentions_value, order_named
from bot.orders.meaning import BundledMeaning
from bot.orders.script import mandarin, script_parts, simplified
from bot.orders.selection import _CUE, resolve_lines


@dataclass(eq=False)
class Line:
    line_id: str
    name: str
    category: str = ""
    options: dict[str, str] = field(default_factory=dict)
    quantity: int = 1


PRIYA = [
    Line("1", "Canvas Daypack", "Gear > Bags", {"capacity": "28 L", "color": "Forest"}),
    Line("2", "Insulated Bottle", "Gear > Drinkware", {"capacity": "750 ml", "color": "Glacier"}),
    Line("3", "Beacon 400 Headlamp", "Gear > Lighting"),
    Line("4", "Enamel Camp Mug", "Gear > Drinkware", {"color": "Cobalt"}, quantity=2),
    Line("5", "Packable Sun Hat", "Apparel > Hats", {"size": "S/M", "color": "Khaki"}),
]
ZHOU = [
    Line("1", "半自动意式咖啡机", "厨房电器 > 咖啡"),
    Line("2", "电动磨豆机", "厨房电器 > 咖啡"),
    Line("3", "清仓 · 手绘马克杯", "杯具", {"图案": "仙鹤"}, quantity=2),
    Line("4", "Bamboo Cutting Board", "厨房用品 > 砧板", {"size": "Large"}),
    Line("5", "香薰蜡烛", "家居装饰 > 香薰", {"香味": "檀香"}),
]
FLEECES = [
    Line("1", "Summit Fleece Pullover", "Apparel > Fleece", {"color": "Navy", "size": "L"}),
    Line("2", "Summit Fleece Pullover", "Apparel > Fleece", {"color": "Black", "size": "L"}),
]
BLANKETS = [
    Line("1", "野餐垫 Picnic Blanket", "户外", {"款式": "防水款"}),
    Line("2", "野餐垫 Picnic Blanket", "户外", {"款式": "普通款"}),
]
SLIPPERS = [
    Line("1", "手工棉拖鞋", "鞋履", {"尺码": "38-39", "颜色": "酒红"}),
    Line("2", "手工棉拖鞋", "鞋履", {"尺码": "38-39", "颜色": "墨绿"}),
]
PETS = [
    Line("1", "Knitted Dog Jumper", "Dog Clothing > Jumpers", {"colour": "Cream", "size": "S"}),
    Line("2", "Stainless Slow Feeder Bowl", "Feeding > Bowls", {"size": "M"}),
]
JERSEYS = [
    Line("1", "Trail Running Tee", "Apparel", {"color": "Charcoal", "size": "M"}),
    Line("2", "Trail Running Tee", "Apparel", {"color": "Sunset Orange", "size": "M"}),
]


def ids(lines: list[Line]) -> list[str]:
    return [line.line_id for line in lines]


@pytest.mark.parametrize(
    ("text", "lines", "single", "expected"),
    [
        (
            "return everything from the order except the headlamp",
            PRIYA,
            False,
            ["1", "2", "4", "5"],
        ),
        ("除了咖啡机和马克杯，其他的都退了吧", ZHOU, False, ["2", "4", "5"]),
        ("return all but the mugs and the bottle", PRIYA, False, ["1", "3", "5"]),
        ("return the whole order", PRIYA, False, ["1", "2", "3", "4", "5"]),
        ("the second one please", PRIYA, True, ["2"]),
        ("第三个", PRIYA, True, ["3"]),
        ("the black fleece is too big", FLEECES, True, ["2"]),
        ("野餐垫防水的那个想退", BLANKETS, True, ["1"]),
        ("the waterproof one", BLANKETS, True, ["1"]),
        ("return the mugs, all 2 of them", PRIYA, False, ["4"]),
        ("the fleece", FLEECES, True, []),  # two fleeces: ask which
        # Two lines of one product told apart only by an option the words mean, never both.
        ("红色那双拖鞋我想退", SLIPPERS, False, ["1"]),
        ("深绿的拖鞋退掉", SLIPPERS, False, ["2"]),
        ("拖鞋退了", SLIPPERS, False, []),  # which pair: ask
        ("send back the orange tee", JERSEYS, False, ["2"]),
        ("return the tee", JERSEYS, False, []),
        ("return both tees", JERSEYS, False, ["1", "2"]),
        ("return the fleeces", FLEECES, False, ["1", "2"]),  # plural: both
        ("return the fleece", FLEECES, False, []),  # one of two: ask which
        ("the coffee machine", ZHOU, True, ["1"]),  # by meaning: 半自动意式咖啡机
        ("我的头灯", PRIYA, True, ["3"]),  # Chinese for an English name
        # The size wanted is another line's size: the item the words mean counts, not the bowl.
        ("毛衣小了想换成M码", PETS, True, ["1"]),
        ("the M one", PETS, True, ["2"]),  # an option alone still names its line
        ("the candle", ZHOU, True, ["5"]),
        # Several lines listed: each part names its own ("sun hat" outscoring "headlamp" by
        # words does not drop the headlamp); a part that names none adds none.
        ("I want to send back the headlamp and the sun hat", PRIYA, False, ["3", "5"]),
        ("订单里的磨豆机和砧板我想退货", ZHOU, False, ["2", "4"]),
        ("return the headlamp and refund to my card", PRIYA, False, ["3"]),
        # Every exclusion counts, before or after what it excludes.
        ("除了咖啡机以外其他的都退了，马克杯除外", ZHOU, False, ["2", "4", "5"]),
    ],
)
def test_lines_resolved(
    text: str, lines: list[Line], single: bool, expected: list[str], meaning: BundledMeaning
) -> None:
    assert ids(resolve_lines(text, lines, meaning, single=single)) == expected


def test_a_bare_yes_or_no_option_names_nothing(meaning: BundledMeaning) -> None:
    """An option such as waterproof: Yes is no name for the line ("hi" is near "Yes")."""
    boots = [Line("1", "Trailhead Hiking Boots", "Footwear > Boots", {"waterproof": "Yes"})]
    jacket = [Line("1", "Ridgeline Rain Jacket", "Apparel > Jackets", {"color": "Moss"})]
    assert (
        order_named("hi it's me, what's happening with my orders?", [jacket, boots], meaning) == []
    )


def test_option_values_as_shoppers_write_them() -> None:
    assert mentions_value("can I exchange it for a medium?", "M") >= 0
    assert mentions_value("it's fine", "S") < 0  # not the s of "it's"
    assert mentions_value("I want the extra large", "L") < 0
    assert mentions_value("I want the extra large", "XL") >= 0
    assert mentions_value("想换成40-41的", "40-41") >= 0
    assert mentions_value("还是换藏青色吧", "藏青") >= 0
    assert mentions_value("make that an 11", "11") >= 0 and mentions_value("size 110", "11") < 0


def test_sizes_with_their_system_and_shade_codes() -> None:
    """ "EU 21" is "a 21"; "02 自然色" is "02"; an order number holds no size."""
    assert mentions_value("could I exchange them for a 21?", "EU 21") >= 0
    assert mentions_value("换成21码", "EU 21") >= 0
    assert mentions_value("order 20421 please", "EU 21") < 0
    assert mentions_value("then 02 please", "02 自然色") >= 0
    assert mentions_value("then 02 please", "03 小麥色") < 0
    assert mentions_value("換成楓葉紅", "枫叶红") >= 0  # traditional and simplified alike


def test_a_value_named_in_two_scripts_and_a_value_named_as_the_fault() -> None:
    from bot.orders.finding import _named_last

    assert mentions_value("can I swap the peach gloss for berry?", "莓果 Berry") >= 0
    shades = ["玫瑰豆沙 Rosewood", "楓葉紅 Maple", "焦糖奶茶 Caramel Tea"]
    wanted = "can I exchange my lipstick for the rosewood shade? maple is too bright on me"
    assert _named_last(wanted, "shade", shades) == "玫瑰豆沙 Rosewood"
    assert _named_last("M码太小了，换L码", "尺码", ["M", "L", "XL"]) == "L"
    assert _named_last("for a medium? no sorry, make that white L", "size", ["M", "L"]) == "L"


def test_the_kind_of_thing_comes_before_a_pack_size() -> None:
    from bot.orders.items import descriptors

    socks = Line("1", "Merino Hiking Socks 2-Pack", "Accessories", {})
    bottle = Line("2", "Insulated Steel Bottle 750 ml", "Accessories", {})
    assert {"Socks", "Hiking Socks"} <= set(descriptors(socks))
    assert {"Bottle", "Steel Bottle"} <= set(descriptors(bottle))


GARDEN = [
    Line("1", "Glazed Ceramic Planter", "Pots & Planters", {"size": "20 cm", "colour": "Blue"}),
    Line("2", "Heirloom Seed Tin: Fynbos Mix", "Seeds"),
]


def test_a_name_with_a_subtitle_is_named_by_the_kind_before_it() -> None:
    """ "种子罐" is the seed tin, not the planter: the kind of thing stands before the colon
    ("Heirloom Seed Tin: Fynbos Mix"), not in its last words."""
    assert ids(
        resolve_lines("种子罐我不想要了，能退吗", GARDEN, BundledMeaning(), single=False)
    ) == ["2"]


@pytest.mark.parametrize(
    ("text", "value", "named"),
    [
        ("the costume is too big, M please", "M (5-6歲)", True),
        ("can I swap it for a size M", "M (5-6歲)", True),
        ("the bodysuits are too small", "Small (6 arches)", False),
        ("I'd like the M one", "S (3-4歲)", False),
    ],
)
def test_a_value_with_a_gloss_is_named_by_its_size(text: str, value: str, named: bool) -> None:
    assert (mentions_value(text, value) >= 0) is named


@pytest.mark.parametrize(
    ("text", "value", "named"),
    [
        ("could I swap it for size 9, same yellow gold?", "#9", True),
        ("咁換16號啦", "#16", True),
        ("I want #13", "#13", True),
        ("size 19", "#9", False),
        ("I ordered 9 of them", "#9", False),
    ],
)
def test_a_numbered_size_is_named_as_a_size(text: str, value: str, named: bool) -> None:
    assert (mentions_value(text, value) >= 0) is named


MAT_AND_SOCKS = [
    Line("1", "Self-Inflating Sleeping Mat", "Sleeping Gear > Mats", {"size": "M"}),
    Line("2", "Merino Trail Socks (2 pairs)", "Apparel > Socks", {"size": "39-42"}),
]


@pytest.mark.parametrize("text", ["睡垫退掉吧，袜子不用", "睡垫退掉吧，袜子唔退"])
def test_what_is_not_needed_back_is_kept(text: str) -> None:
    assert ids(resolve_lines(text, MAT_AND_SOCKS, BundledMeaning(), single=False)) == ["1"]


@pytest.mark.parametrize(
    ("text", "value", "named"),
    [
        ("黑色的编织手绳能换成红色吗", "正紅 Red", True),
        ("想要蓝色的", "冰藍 Ice Blue", True),
        ("想要蓝色的", "正紅 Red", False),
    ],
)
def test_a_colour_by_its_last_character(text: str, value: str, named: bool) -> None:
    assert (mentions_value(text, value) >= 0) is named


KEYBOARD_AND_PEDAL = [
    Line("1", "Lark 61-Key Portable Keyboard", "Keys", {"colour": "Black"}),
    Line("2", "Piano-Style Sustain Pedal", "Keys > Accessories"),
]


@pytest.mark.parametrize("text", ["电子琴退了吧，踏板我留着用", "我留着踏板，电子琴退"])
def test_what_i_keep_to_use_is_kept(text: str) -> None:
    assert ids(resolve_lines(text, KEYBOARD_AND_PEDAL, BundledMeaning(), single=False)) == ["1"]


@pytest.mark.parametrize(
    ("text", "value", "named"),
    [
        ("ok 4.5 then", "4.5mm", True),
        ("那換15的吧", "15cm", True),
        ("could I exchange the crochet hook for the 5mm one", "5.0mm", True),
        ("order 63515", "15cm", False),
        ("both balls, 4 of them", "4.0mm", False),
        ("Could I exchange it for the S size?", "S 49mm", True),
        ("the 49mm one", "S 49mm", True),
        ("腰带90cm想换成85cm的", "85 cm", True),  # the unit before Chinese: "85cm的"
        ("腰带90cm想换成85cm的", "100 cm", False),
        ("can I swap the 60 × 35 for the 90 × 60?", "90 × 60 cm", True),  # two sides
        ("换成90x60的", "90 × 60 cm", True),
        ("can I swap the 60 × 35 for the 90 × 60?", "120 × 60 cm", False),
    ],
)
def test_a_measure_is_named_by_its_number(text: str, value: str, named: bool) -> None:
    assert (mentions_value(text, value) >= 0) is named


SCALE_AND_BAG = [
    Line("1", "Digital Luggage Scale", "Travel Accessories > Tech"),
    Line("2", "Hanging Toiletry Bag (Blush)", "Travel Accessories > Bags", {"colour": "Blush"}),
]
KIDS_AND_BLUE_LIGHT = [
    Line("1", "清倉 · 兒童墨鏡 Kids' Sunglasses (粉 Pink)", "太陽眼鏡 > 兒童", {"顏色": "粉 Pink"}),
    Line(
        "2",
        "抗藍光眼鏡 Blue-Light Glasses (透明 Clear)",
        "光學鏡框 > 抗藍光",
        {"顏色": "透明 Clear"},
    ),
]


@pytest.mark.parametrize(
    ("text", "lines", "chosen"),
    [
        ("粉紅色洗漱袋我想退，退store credit就得，個秤我留住", SCALE_AND_BAG, ["2"]),
        ("兒童墨鏡那副是清倉的我知道不能退，我只要退透明的抗藍光眼鏡", KIDS_AND_BLUE_LIGHT, ["2"]),
    ],
)  # fmt: skip
def test_kept_in_cantonese_and_known_not_returnable(
    text: str, lines: list[Line], chosen: list[str]
) -> None:
    assert ids(resolve_lines(simplified(text), lines, BundledMeaning(), single=False)) == chosen


def test_asking_whether_it_can_be_returned_keeps_nothing() -> None:
    """能不能退, 可唔可以退 ask; they do not say the item stays."""
    for text in ("行李吊牌可唔可以退？", "吊牌能不能退？"):
        assert [m.lastgroup for m in _CUE.finditer(simplified(text))] == ["i"], text


def test_a_unit_in_chinese_names_the_measure() -> None:
    assert mentions_value("前两天收到的加热棒功率太小，换成200瓦的", "200W") >= 0
    assert mentions_value("换成1.5升的", "1.5L") >= 0
    assert mentions_value("the 100 watts one", "100W") >= 0
    assert mentions_value("the hose I bought 15 months ago", "15m") < 0  # no metres
    assert mentions_value("4 lamps please", "4L") < 0


def test_a_category_word_tells_tied_names_apart() -> None:
    """ "the coffee beans": the Beans (Coffee > Beans), not the Coffee Scale as well."""
    lines = [
        Line("1", "Ceramic Pour-Over Dripper", "Brewers > Pour-Over"),
        Line("2", "Chiapas Single-Origin Beans 340g", "Coffee > Beans"),
        Line("3", "Coffee Scale with Timer", "Accessories > Scales"),
    ]
    text = "send back everything except the coffee beans"
    assert ids(resolve_lines(text, lines, None, single=False)) == ["1", "3"]


def test_praise_for_the_only_line_is_no_keep() -> None:
    """ "The black grinder is great but I'd rather have the walnut one": the grinder is the
    one to exchange, not one kept."""
    lines = [Line("1", "Conical Burr Hand Grinder", "Grinders > Manual", {"colour": "Black"})]
    text = "The black grinder is great but I'd rather have the walnut one, can I exchange?"
    assert ids(resolve_lines(text, lines, None, single=True)) == ["1"]


def test_a_kind_in_another_lines_name_tells_nothing_apart() -> None:
    """行李 is near "Luggage", the carry-on's category, but the engraved luggage tag is meant:
    a kind that is a word of another line's name does not pick the line."""
    carry_on = [Line("1", "Drifter Carry-On Spinner 55cm", "Luggage > Carry-On")]
    tag_order = [
        Line("1", "Daytrip Packable Daypack 20L", "Backpacks > Daypacks"),
        Line("2", "Personalised Leather Luggage Tag", "Travel Accessories > Tags"),
    ]
    text = "個刻咗名嘅行李吊牌可唔可以退？"
    assert order_named(mandarin(text), [carry_on, tag_order], BundledMeaning()) == [1]


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("我係黃美玲，想查下我張單去到邊", "我是黄美玲，想查下我订单去到哪"),
        (
            "前幾日收到嗰張單，淨係退支噴霧，補充液留低",
            "前几日收到那订单，只是退支喷雾，补充液留下",
        ),
        ("啱啱落咗張單，可唔可以幫我cancel咗佢？", "刚刚落了订单，可不可以帮我cancel了他？"),
        ("好，唔該", "好，谢谢"),
        ("联系客服", "联系客服"),  # Mandarin 系 stays
        ("Where is my order?", "Where is my order?"),
    ],
)
def test_cantonese_is_read_as_mandarin_position_for_position(text: str, read: str) -> None:
    assert mandarin(text) == read and len(mandarin(text)) == len(text)


@pytest.mark.parametrize(
    ("text", "value", "at"),
    [
        ("個6吋蛋糕模想換10吋", "10吋 10in", 8),
        ("咁換8吋啦", "8吋 8in", 2),
        ("换16吋", "6吋 6in", -1),
    ],
)
def test_a_bilingual_measured_value_by_either_part(text: str, value: str, at: int) -> None:
    assert mentions_value(mandarin(text), value) == at


def test_a_bilingual_value_is_meant_in_either_script(meaning: BundledMeaning) -> None:
    """ "moss green" is 墨绿 (the Vietnamese half of "墨绿 Xanh rêu" says nothing to the
    encoder); "pink" is no 雾粉 to it: no guess."""
    assert script_parts("墨绿 Xanh rêu") == ["墨绿 Xanh rêu", "墨绿", "Xanh rêu"]
    values = ["香槟 Champagne", "墨绿 Xanh rêu"]
    assert meant_value(meaning, ["moss green"], values, floor=0.5, margin=0.1) == 1
    assert meant_value(meaning, ["pink"], ["雾粉 Hồng phấn"], floor=0.6, margin=0.08) is None


@pytest.mark.parametrize(
    ("text", "takes"),
    [
        ("hmm ok, the pink one then", True),
        ("fine, that one", True),
        ("那就这个吧", True),
        ("no, not that one", False),
        ("ok but I don't want pink", False),
    ],
)
def test_taking_the_one_offered(text: str, takes: bool) -> None:
    assert takes_the_offer(text) is takes


def test_an_option_named_as_the_one_to_swap_names_its_line(meaning: BundledMeaning) -> None:
    """ "our table" is near a board game (Juegos de mesa) by meaning; the 60 × 35 named as the
    one to swap is the playmat's own size."""
    from bot.orders.items import lines_named

    lines = [
        Line("1", "Dragones de Jade", "Juegos de mesa > Estrategia", {"Idioma": "Español"}),
        Line("2", "Tapete de juego", "Accesorios > Tapetes", {"Tamaño": "60 × 35 cm"}),
    ]
    text = "the playmat is too small for our table - can I swap the 60 × 35 for the 90 × 60?"
    assert ids(lines_named(text, lines, meaning)) == ["2"]


@pytest.mark.parametrize("text", ["瑜伽上衣S号小了，换M号", "the S is too small, can I get the M"])
def test_a_size_named_as_what_is_wrong_names_its_line(text: str, meaning: BundledMeaning) -> None:
    """The M is another line's size and the one wanted: the S named as too small is theirs."""
    from bot.orders.items import lines_named

    lines = [
        Line("1", "Surya Bamboo Yoga Top", "Yoga Wear > Tops", {"size": "S"}),
        Line("2", "Shanti Organic Cotton Yoga Pants", "Yoga Wear > Bottoms", {"size": "M"}),
    ]
    assert ids(lines_named(text, lines, meaning)) == ["1"]


def test_a_measure_after_a_word_names_the_value_in_any_language() -> None:
    """ "Küçük Ø 15 cm" (Turkish "small"): an English shopper says "the 15 cm one"."""
    assert mentions_value("the 15 cm pendant is too small", "Küçük Ø 15 cm") >= 0
    assert mentions_value("the 15cm one", "Küçük Ø 15 cm") >= 0
    assert mentions_value("the 15 cm pendant", "Orta Ø 20 cm") < 0
    assert mentions_value("150 cm", "Küçük Ø 15 cm") < 0


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Piñata de estrella de 7 picos", "Piñata"),
        ("Velas de cumpleaños con número", "Velas"),
        ("Tote Bag with Zip", "Tote Bag"),
        ("Merino Hiking Socks 2-Pack", "Socks"),  # no linking word: the last word, as before
    ],
)
def test_a_name_that_says_its_kind_first_is_called_by_it(name: str, kind: str) -> None:
    assert kind in descriptors(Line("1", name, "", {}))


def test_the_words_as_a_whole_outweigh_a_piece_that_points_elsewhere(
    meaning: BundledMeaning,
) -> None:
    """蓝 alone is nearest the blue night light; 土耳其蓝的马赛克台灯 is the mosaic lamp."""
    orders = [
        [
            Line("1", "Mozaik Masa Lambası - Turkuaz", "Mozaik Lambalar", {"Renk": "Turkuaz"}),
            Line("2", "Edison Filament Ampul E14 (2'li)", "Ampuller", {}),
        ],
        [Line("1", "Lale Desenli Gece Lambası - Mavi", "Gece Lambaları", {"Renk": "Mavi"})],
    ]
    assert order_named("土耳其蓝的马赛克台灯想换成红色的", orders, meaning) == [0]


def test_one_product_in_two_orders_told_apart_by_its_option(meaning: BundledMeaning) -> None:
    orders = [
        [
            Line("1", "Men's Swim Shorts", "Swim", {"Size": "M", "Print": "Evil Eye"}),
            Line("2", "Snorkel Mask", "Snorkel", {"Size": "L/XL"}),
        ],
        [Line("1", "Men's Swim Shorts", "Swim", {"Size": "L", "Print": "Blue Stripe"})],
    ]
    assert order_named("return the striped swim shorts", orders, meaning) == [1]


def test_a_size_number_said_in_the_plural() -> None:
    assert mentions_value("The 40s are going back", "40") >= 0
    assert mentions_value("the 42's pinch", "42") >= 0
    assert mentions_value("400s", "40") < 0 and mentions_value("40.5", "40") < 0


def test_categories_of_one_kind_tell_no_line_apart(meaning: BundledMeaning) -> None:
    """A Czech catalog the encoder does not know: "Domácí obuv" and "Dětská obuv" are both
    footwear, and 儿童鞋 came nearer the wrong one; nothing else names a line: ask."""
    lines = [
        Line("1", "Dětské tenisky Skok", "Dětská obuv", {"barva": "Modrá"}),
        Line("2", "Přezůvky z merina", "Domácí obuv", {"velikost": "S (36–38)"}),
    ]
    assert order_named("儿童鞋退了", [lines[:1], lines[1:]], meaning) == []


SKATES = [
    Line("1", "Kids' Adjustable Quad Skates", "Skates", {"size": "Y10-13", "colour": "Pink"}),
    Line("2", "Kids' Adjustable Quad Skates", "Skates", {"size": "1-4", "colour": "Blue"}),
    Line("3", "Triple-Pack Pads", "Protective Gear", {"size": "Youth"}, quantity=2),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an ordinal among the lines the words name, not among all lines
        ("send back the second pair of skates from my last delivery", ["2"]),
        ("the last pair of skates please", ["2"]),
        ("return the first pair of skates and the pads", ["1", "3"]),
        ("订单里的第二双溜冰鞋想退", ["2"]),
        # "after all" is no "all"
        ("send back the second pair of skates, my youngest doesn't want to skate after all", ["2"]),
        ("return them all", ["1", "2", "3"]),
        # a list before the clause with the position is the order's description
        ("about the order with the skates, pads and more: I want to send back the 2nd item", ["2"]),
    ],
)
def test_an_ordinal_among_the_lines_named(
    meaning: BundledMeaning, text: str, expected: list[str]
) -> None:
    chosen = resolve_lines(text, SKATES, meaning, single=False)
    assert [line.line_id for line in chosen] == expected


@pytest.mark.parametrize(
    "text", ["I don't want it at all", "that's all, thanks", "all good", "first of all, hi"]
)
def test_idioms_with_all_name_no_line(text: str) -> None:
    from bot.orders.items import ALL

    assert ALL.search(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the made-to-measure qipao doesn't fit", "1"),  # 旗袍 written in letters
        ("return the hanfu please", "2"),
    ],
)
def test_a_chinese_name_written_in_pinyin(text: str, expected: str) -> None:
    from bot.orders.items import lines_named

    lines = [
        Line("1", "量身定制旗袍", "旗袍"),
        Line("2", "明制汉服套装", "汉服"),
        Line("3", "桑蚕丝围巾 Mulberry Silk Scarf", "配饰"),
    ]
    assert [line.line_id for line in lines_named(text, lines, None)] == [expected]
