"""Which lines a request changes and which it leaves (bot/orders/selection.py): include and
keep/exclude frames in English and Chinese, resolved against the order's own lines by name,
description, option value, position, or meaning across languages. A line the shopper keeps is
never chosen; when the frames do not settle it, the selection is unclear (the bot asks)."""

from __future__ import annotations

import pytest

from bot.orders.meaning import BundledMeaning
from bot.orders.selection import select_items
from tests.bot.orders.test_items import Line, ids

# An English catalog (names a Chinese shopper may say in Chinese: 烤面包机, 围巾, 台灯).
KITCHEN = [
    Line("1", "Two-Slice Toaster", "Kitchen > Appliances", {"finish": "Brushed Steel"}),
    Line("2", "Cast Iron Dutch Oven", "Kitchen > Cookware", {"size": "5.5 qt"}),
    Line("3", "Merino Scarf", "Accessories > Scarves", {"color": "Burgundy"}),
    Line("4", "Brass Desk Lamp", "Home > Lighting", {"shade": "Green Glass"}),
]
# Two of one product told apart by an option only.
GLOVES = [
    Line("1", "Trail Running Gloves", "Apparel > Gloves", {"color": "Orange", "size": "M"}),
    Line("2", "Trail Running Gloves", "Apparel > Gloves", {"color": "Charcoal", "size": "M"}),
    Line("3", "Reflective Arm Band", "Gear > Safety", {}),
]
# A Chinese catalog, asked about in English and Chinese.
TEA = [
    Line("1", "紫砂茶壶", "茶具 > 茶壶", {"容量": "300ml"}),
    Line("2", "竹制茶盘", "茶具 > 茶盘", {}),
    Line("3", "白瓷品茗杯", "茶具 > 茶杯", {"数量": "六只装"}),
]

# Two garments of an English catalog, named in Chinese (外套 is not clearly either).
WEAR = [
    Line("1", "Waxed Cotton Field Jacket", "Clothing > Outerwear", {"colour": "Olive"}),
    Line("2", "Merino Crew Jumper", "Clothing > Knitwear", {"colour": "Navy"}),
]


@pytest.mark.parametrize(
    ("text", "lines", "chosen", "kept"),
    [
        # keep X + the rest, by name, in several word orders
        ("I'm keeping the toaster, please send the rest back", KITCHEN, "234", "1"),
        ("the scarf I'll hold on to; everything else can go back", KITCHEN, "124", "3"),
        ("Keep the lamp and the scarf but return the others.", KITCHEN, "12", "34"),
        ("I'd like to keep the dutch oven but return the other items", KITCHEN, "134", "2"),
        ("the lamp stays. return all the remaining items", KITCHEN, "123", "4"),
        ("Love the toaster!! The rest has to go back though", KITCHEN, "234", "1"),
        # exclusion by preposition
        ("return everything but the lamp", KITCHEN, "123", "4"),
        ("send back all of it apart from the burgundy one", KITCHEN, "124", "3"),
        ("I want a refund on the whole order other than the toaster", KITCHEN, "234", "1"),
        ("everything except for the first item", KITCHEN, "234", "1"),
        ("return all items excluding the last one", KITCHEN, "123", "4"),
        ("return all items but the first one", KITCHEN, "234", "1"),  # never "the first one"
        ("everything in that order but the scarf please", KITCHEN, "124", "3"),
        ("return all of it but I'm keeping the lamp", KITCHEN, "123", "4"),
        ("I want to send them all back, but the toaster I keep", KITCHEN, "234", "1"),
        ("都退了吧，台灯除外", KITCHEN, "123", "4"),
        # inclusion with the others kept or not sent
        ("return only the lamp, I'm keeping the rest", KITCHEN, "4", "123"),
        ("just the toaster and the scarf please, not the lamp", KITCHEN, "13", "24"),
        ("the dutch oven goes back, the other things don't", KITCHEN, "2", "134"),
        ("I want to send back the toaster. I'm not returning the lamp.", KITCHEN, "1", "234"),
        # by option value (two of the same product)
        ("keep the charcoal pair, return the others", GLOVES, "13", "2"),
        ("everything except the orange gloves", GLOVES, "23", "1"),
        # Chinese over an English catalog (by meaning)
        ("除了台灯，其他都退", KITCHEN, "123", "4"),
        ("围巾我留着，别的都退掉", KITCHEN, "124", "3"),
        ("台灯不退，其余的退货", KITCHEN, "123", "4"),
        ("只退台灯和围巾，其他的保留", KITCHEN, "34", "12"),
        ("第二个留下，剩下的都寄回", KITCHEN, "134", "2"),
        ("除了第一件，其他的全部退掉", KITCHEN, "234", "1"),
        # Chinese catalog in Chinese and in English
        ("茶壶留着，其他退", TEA, "23", "1"),
        ("茶盘除外，其他都退了", TEA, "13", "2"),
        ("keep the bamboo tray, return the other stuff", TEA, "13", "2"),
        ("I'm keeping the cups, the rest goes back", TEA, "12", "3"),
        # only the line named goes: a kept thing that names no line clearly changes nothing
        ("订单里的毛衣退掉，外套留着", WEAR, "2", "1"),
        ("return the jumper, I'm keeping the blazer", WEAR, "2", "1"),
    ],
)
def test_included_and_kept_lines(
    text: str, lines: list[Line], chosen: str, kept: str, meaning: BundledMeaning
) -> None:
    selection = select_items(text, lines, meaning, single=False)
    assert not selection.unclear, text
    assert ids(selection.chosen) == list(chosen), text
    assert ids(selection.kept) == list(kept), text
    assert not set(ids(selection.chosen)) & set(ids(selection.kept))


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("keep the blender, return the rest", KITCHEN),  # no such line: never "all"
        ("除了榨汁机，其他都退", KITCHEN),  # a juicer is no line, however near the oven
        ("keep the lamp", KITCHEN),  # which of the other three?
        ("return the rest", KITCHEN),  # the rest of nothing named
        ("return the lamp but keep the lamp", KITCHEN),  # both ways
        ("keep everything except... no wait, return everything", KITCHEN),
    ],
)
def test_unsettled_selections_are_asked(
    text: str, lines: list[Line], meaning: BundledMeaning
) -> None:
    selection = select_items(text, lines, meaning, single=False)
    assert selection.unclear and selection.chosen == [], text


def test_a_kept_line_is_never_chosen(meaning: BundledMeaning) -> None:
    """Whatever else the message says, the line it names to keep is not in the change."""
    for kept, name in (("1", "toaster"), ("2", "dutch oven"), ("3", "scarf"), ("4", "lamp")):
        for text in (
            f"keep the {name}, return the rest",
            f"I want to keep the {name} but return everything else",
            f"return everything except the {name}",
            f"all but the {name} please",
            f"the {name} stays, send back the other ones",
        ):
            selection = select_items(text, KITCHEN, meaning, single=False)
            assert kept not in ids(selection.chosen), text
            assert kept in ids(selection.kept), text


def test_keeping_one_of_two_leaves_the_other(meaning: BundledMeaning) -> None:
    two = KITCHEN[:2]
    assert ids(select_items("I'll keep the toaster", two, meaning, single=False).chosen) == ["2"]
    # an exchange is of one line: keeping one of three does not tell which
    assert select_items("keep the toaster", KITCHEN, meaning, single=True).unclear
    exchange = select_items(
        "swap the orange gloves, not the charcoal", GLOVES, meaning, single=True
    )
    assert ids(exchange.chosen) == ["1"]


def test_plain_requests_are_not_frames(meaning: BundledMeaning) -> None:
    """No include/exclude frame: the named line, "all", a list (as before)."""
    assert ids(select_items("return the lamp", KITCHEN, meaning, single=False).chosen) == ["4"]
    everything = select_items("return the whole order", KITCHEN, meaning, single=False)
    assert ids(everything.chosen) == ["1", "2", "3", "4"] and not everything.framed
    assert ids(
        select_items("the scarf is not the right colour", KITCHEN, meaning, single=False).chosen
    ) == ["3"]


# Names ending in a pack size or a measure: the kind of thing comes before it.
TRAIL = [
    Line("1", "Glen Trail Running Shoe", "Footwear", {"size": "EU 39", "colour": "Orange"}),
    Line("2", "Merino Hiking Socks 2-Pack", "Accessories", {"size": "M (40-43)"}),
    Line("3", "Anti-Chafe Balm 50 g", "Care", {}),
]


def test_doesnt_fit_is_no_keep(meaning: BundledMeaning) -> None:
    """ "跑鞋尺码不合适" says what is wrong with the shoes, not that they stay."""
    selection = select_items("跑鞋尺码不合适，我想退掉，袜子留着", TRAIL, meaning, single=False)
    assert ids(selection.chosen) == ["1"] and "2" in ids(selection.kept)


CANDLES = [
    Line("1", "定制刻字蜡烛 Engraved Gift Candle", "香薰蜡烛"),
    Line("2", "木芯蜡烛 Wooden Wick Candle (白茶)", "香薰蜡烛", {"香味": "白茶 White Tea"}),
]
WATER = [
    Line("1", "Water Conditioner (250ml)", "Water Care", quantity=3),
    Line("2", "Water Test Kit", "Water Care"),
]


def test_what_stays_is_said_before_the_verb(meaning: BundledMeaning) -> None:
    """ "The engraved one stays with me": the words after "stays" name nothing to keep."""
    text = "Please take back the white tea wooden wick candle. The engraved one stays with me"
    selection = select_items(text, CANDLES, meaning, single=False)
    assert ids(selection.chosen) == ["2"] and ids(selection.kept) == ["1"]


def test_a_word_several_products_share_names_none_beside_a_clear_one(
    meaning: BundledMeaning,
) -> None:
    """ "my tap water turned out fine" names neither water product next to "the 3 bottles of
    water conditioner"; the test kit is not sent back."""
    text = (
        "the 3 bottles of water conditioner from my last order, can I send them back? "
        "my tap water turned out fine"
    )
    assert ids(select_items(text, WATER, meaning, single=False).chosen) == ["1"]


@pytest.mark.parametrize(
    ("text", "chosen"),
    [
        ("前幾日收到嗰張單，淨係退支蠟燭，刻字嗰個留低", ["2"]),  # Cantonese: only ..., keep
        ("木芯蠟燭退咗佢，刻字嗰個我留住", ["2"]),
    ],
)
def test_cantonese_keeps_and_returns(meaning: BundledMeaning, text: str, chosen: list[str]) -> None:
    assert ids(select_items(text, CANDLES, meaning, single=False).chosen) == chosen


GLOVES = [
    Line("1", "Fingerless Fishing Gloves", "Apparel", {"Size": "L"}, quantity=2),
    Line("2", "Fly Floatant Gel", "Flies", quantity=3),
]


@pytest.mark.parametrize(
    ("text", "chosen"),
    [
        ("the gloves (both pairs) don't fit, I'd like to return them", ["1"]),  # one line's units
        ("return both", ["1", "2"]),
        ("both items please", ["1", "2"]),
    ],
)
def test_both_pairs_are_the_units_of_one_line(
    meaning: BundledMeaning, text: str, chosen: list[str]
) -> None:
    assert ids(select_items(text, GLOVES, meaning, single=False).chosen) == chosen


# A catalog in Chinese and Vietnamese: the encoder reads the Chinese; Vietnamese words are no
# descriptors ("lớn" came out nearest "instead").
HAIR = [
    Line("1", "直发夹 Máy duỗi tóc", "直发器", {"颜色": "黑 Đen"}),
    Line("2", "摩洛哥护发精油 Tinh dầu dưỡng tóc", "护发", {"容量": "100ml"}),
    Line("3", "刻字檀木梳 Lược gỗ khắc tên", "梳子"),
]
CHALK = [
    Line("1", "Chalk Bag", "Accessories", {"Colour": "Fjord Blue"}, quantity=3),
    Line("2", "Guide Belay Device", "Hardware"),
    Line("3", "Loose Chalk 300 g", "Chalk"),
]
CARE = [
    Line("1", "摩洛哥护发精油 Tinh dầu dưỡng tóc", "护发", {"容量": "50ml"}),
    Line("2", "护发素 Dầu xả 500ml", "护发"),
]
CLIPS = [
    Line("1", "真丝发圈三件套 Bộ 3 dây buộc tóc lụa", "发饰", {"颜色": "墨绿 Xanh rêu"}),
    Line("2", "真丝发圈三件套 Bộ 3 dây buộc tóc lụa", "发饰", {"颜色": "香槟 Champagne"}),
    Line("3", "大号鲨鱼夹 Kẹp càng cua lớn", "发饰", {"颜色": "玳瑁 Đồi mồi"}),
]


@pytest.mark.parametrize(
    ("text", "lines", "chosen"),
    [
        ("I want to send back everything from my order of about three and a half weeks ago "
         "except the engraved comb. refund to my card", HAIR, ["1", "2"]),
        ("the three chalk bags were for a club that folded, all three can go back. belay device "
         "and chalk stay with me", CHALK, ["1"]),
        ("前幾日收到嘅護髮素想退，精油用咗，留低", CARE, ["2"]),  # the oil was used: it stays
        ("啱啱收到嗰張單，淨係留低個鯊魚夾，其他退晒，退返落張卡度", CLIPS, ["1", "2"]),
        ("除了台灯其他都退", KITCHEN, ["1", "2", "3"]),  # the exception and the rest, no comma
        # The encoder puts 烤面包机 as near the Dutch oven as the toaster; the dictionary's word
        # for it, "toaster", is a word of one line's name.
        ("烤面包机不退，其余的退货", KITCHEN, ["2", "3", "4"]),
        ("except the lamp the rest goes back", KITCHEN, ["1", "2", "3"]),
        ("有merino围巾的那单，除了围巾其他都退", KITCHEN, ["1", "2", "4"]),  # 围巾 said again
    ],
)  # fmt: skip
def test_what_stays_in_more_wordings(
    meaning: BundledMeaning, text: str, lines: list[Line], chosen: list[str]
) -> None:
    assert ids(select_items(text, lines, meaning, single=False).chosen) == chosen


def test_a_vietnamese_word_is_no_english_one(meaning: BundledMeaning) -> None:
    """ "dây" (of Bộ 3 dây buộc tóc lụa) folds to "day": "a few days back" names no scrunchies."""
    lines = [
        Line("1", "真丝枕套 Vỏ gối lụa", "床品", {"颜色": "灰 Xám"}),
        Line("2", "真丝发圈三件套 Bộ 3 dây buộc tóc lụa", "发饰", {"颜色": "香槟 Champagne"}),
    ]
    text = "the grey pillowcase that arrived a few days back - returning it"
    assert ids(select_items(text, lines, meaning, single=False).chosen) == ["1"]


# A Spanish catalog: the encoder does not tell 吉他 from strings alone, nor 皮带 from a bag.
SPANISH = [
    Line("1", "Guitarra Clásica Estudio", "Guitarras > Clásicas", {"Color": "Natural"}),
    Line("2", "Juego de Cuerdas Nylon", "Cuerdas > Nylon", {}),
]
LEATHER = [
    Line("1", "Bolso de Cuero Marrón", "Bolsos > Cuero", {}),
    Line("2", "Cinturón Trenzado", "Accesorios > Cinturones", {"Talla": "90"}),
]
TWO_CUPS = [
    Line("1", "Taza Cerámica", "Cocina > Tazas", {"Color": "Azul"}),
    Line("2", "Taza Cerámica", "Cocina > Tazas", {"Color": "Rojo"}),
]


@pytest.mark.parametrize(
    ("text", "lines", "chosen"),
    [
        ("吉他退了，琴弦留着", SPANISH, "1"),
        ("琴弦不退，吉他退掉", SPANISH, "1"),
        ("皮带退掉，包包留着", LEATHER, "2"),
        ("手提包退了，皮带我留着", LEATHER, "1"),
    ],
)
def test_each_line_named_once_to_go_or_stay_is_paired(
    text: str, lines: list[Line], chosen: str, meaning: BundledMeaning
) -> None:
    selection = select_items(text, lines, meaning, single=False)
    assert ids(selection.chosen) == list(chosen), text
    assert not selection.unclear


def test_a_pairing_that_does_not_stand_out_is_asked(meaning: BundledMeaning) -> None:
    assert select_items("杯子退了，杯子留着", TWO_CUPS, meaning, single=False).unclear


MATS = [
    Line("1", "Natural Rubber Yoga Mat", "Yoga Mats > Studio Mats", {"Thickness": "6 mm"}),
    Line("2", "TPE Travel Mat", "Yoga Mats > Travel Mats", {"Colour": "Indigo"}),
    Line("3", "Cotton Yoga Strap", "Props > Straps", {"Length": "1.8 m"}),
]


@pytest.mark.parametrize(
    ("text", "chosen"),
    [
        # "the other mat" is the mat not named to go; "I bought two mats" asks nothing
        ("I bought two mats - please take back the travel mat, I'll keep the other mat", "2"),
        ("return the travel mat, keep the other mat and the strap", "2"),
    ],
)
def test_the_other_one_is_the_one_not_named(
    text: str, chosen: str, meaning: BundledMeaning
) -> None:
    selection = select_items(text, MATS, meaning, single=False)
    assert ids(selection.chosen) == list(chosen) and not selection.unclear, text


def test_the_other_one_with_none_named_to_go_is_asked(meaning: BundledMeaning) -> None:
    assert select_items("keep the other mat", MATS, meaning, single=False).unclear


# A French catalog: "bucket hat" comes nearer the beret than the "Bob en lin" by meaning.
HATS = [
    Line("1", "Béret en laine", "Bérets", {"couleur": "Marine"}),
    Line("2", "Bob en lin", "Bobs", {"couleur": "Sable"}),
]


def test_a_line_kept_by_its_own_word_is_not_the_one_meant_to_go(meaning: BundledMeaning) -> None:
    """The beret is kept by its word; "bucket hat" names it only by meaning, so it names
    nothing to go, and the other line is the one meant."""
    text = "I'd like to send back the bucket hat but keep the beret"
    selection = select_items(text, HATS, meaning, single=False)
    assert ids(selection.chosen) == ["2"] and ids(selection.kept) == ["1"]


def test_both_named_by_meaning_the_pairing_that_fits_best(meaning: BundledMeaning) -> None:
    """A Turkish catalog: 灯罩 alone is nearer the lamp (Masa Lambası) than the shade (Abajur
    Şapkası), but with 台灯 taking the lamp the shade is the one kept."""
    lines = [
        Line("1", "Mozaik Masa Lambası - Kırmızı", "Mozaik Lambalar", {"Renk": "Kırmızı"}),
        Line("2", "Keten Abajur Şapkası - 25 cm", "Abajurlar", {"Çap": "25 cm"}),
    ]
    selection = select_items("红色马赛克台灯退掉，灯罩留着", lines, meaning, single=False)
    assert ids(selection.chosen) == ["1"] and ids(selection.kept) == ["2"]


# A saree and its blouse: "all" of what the clause names, not every line of the order.
SAREE = [
    Line("1", "Bandhani Georgette Saree", "Sarees", {"Colour": "Red"}),
    Line("2", "Readymade Saree Blouse", "Blouses", {"Size": "36", "Colour": "Black"}, quantity=2),
]


@pytest.mark.parametrize(
    ("text", "lines", "chosen"),
    [
        ("黑色的衬衫都退了吧", SAREE, ["2"]),  # 都 of the blouses (held-out ll-return-zh-02)
        ("衬衫都退了吧", SAREE, ["2"]),
        ("return both blouses", SAREE, ["2"]),
        ("return all of the blouses", SAREE, ["2"]),
        ("the black blouses, return them all", SAREE, ["2"]),  # "them": the clause before
        ("这些衬衫，都退了", SAREE, ["2"]),
        ("都退了吧", SAREE, ["1", "2"]),
        ("纱丽那单都退了", SAREE, ["1", "2"]),  # the saree names the order
        ("return everything from the saree order", SAREE, ["1", "2"]),
        ("I want to return everything, the blouse does not fit", SAREE, ["1", "2"]),
        ("衬衫和纱丽都退了", SAREE, ["1", "2"]),
        # Two things named of two lines: both, though 台灯 and 围巾 alone may not tell apart.
        ("围巾和台灯都退", [KITCHEN[2], KITCHEN[3]], ["3", "4"]),
        # Two things of four lines that the words do not settle: ask, never every line.
        ("台灯和自行车都退", KITCHEN, []),
    ],
)  # fmt: skip
def test_all_of_what_the_clause_names(
    meaning: BundledMeaning, text: str, lines: list[Line], chosen: list[str]
) -> None:
    assert ids(select_items(text, lines, meaning, single=False).chosen) == chosen
