"""References are read as candidates, in any store's format and any country's postcode; an
address is data (its numbers are not order numbers, its words not requests)."""

from __future__ import annotations

import re

import pytest

from bot.orders.intents import extract
from bot.orders.references import (
    bare_name,
    country_of,
    find_address,
    language_words,
    parse_address,
    read_references,
)
from bot.orders.system import Address


@pytest.mark.parametrize(
    ("text", "marked", "bare"),
    [
        ("whats the tracking for #1267", ["1267"], []),
        ("has my order # 1278 left the warehouse yet?", ["1278"], []),
        ("Where is my order NW-104233?", ["NW-104233"], []),
        ("order w1234567 please", ["w1234567"], []),
        ("my order ORD-2024-000123 is late", ["ORD-2024-000123"], []),
        ("订单5493的收货地址要改一下", ["5493"], []),
        ("我1231那单签收了没？", ["1231"], []),
        ("台灯那单5460帮我取消", ["5460"], []),
        ("帮我把1295取消了", [], ["1295"]),
        ("hi i cancelled an order last month (1202)", [], ["1202"]),
        ("exchange it for size 10, all 3 of them, it's 40 days old", [], []),
        # digits in groups, a code with spaces for its hyphens (after "order" or "#" only)
        ("订单号 31 275，到哪了", ["31275"], []),
        ("order number 1 204 233 is late", ["1204233"], []),
        ("order AB 7 3301 please", ["AB-7-3301"], []),
        ("order 1201 1202", ["1201"], ["1202"]),  # two numbers, not one
        ("订单号 MJ2026 01563", ["MJ2026-01563"], []),
        ("my order #31275 3 days ago", ["31275"], []),
        # a letter suffix (Shopify names may end in one), dots for thousands after a mark
        ("cancel order FC 3982 MX please", ["FC-3982-MX"], []),
        ("邮箱 a@example.com.mx，订单 fc-4040-mx，不要了", ["fc-4040-mx"], []),
        ("#FC-3970-MX", ["FC-3970-MX"], []),
        # a year or series in the prefix of a plugin's number, a space for its hyphen
        ("it's CM26 0966", ["CM26-0966"], []),
        ("cm26-0966", ["cm26-0966"], []),
        ("CM26-1014这个订单能改寄到我公司吗？", ["CM26-1014"], []),
        ("my size is EU42 and I ordered 2", [], []),
        ("did FC-3957-MX ship?", ["FC-3957-MX"], []),
        ("我想把订单FC-3957-MX改寄到公司", ["FC-3957-MX"], []),
        ("xiaoyan@example.com 订单号 1.053.748，今天能到吗", ["1053748"], []),
        ("order 1234-please", ["1234"], []),
    ],
)
def test_order_numbers_in_any_format(text: str, marked: list[str], bare: list[str]) -> None:
    refs = read_references(text)
    assert refs.marked_orders == marked and refs.bare_orders == bare


def test_a_store_pattern_marks_bare_numbers() -> None:
    assert read_references("it's 5231 i think").marked_orders == []
    refs = read_references("it's 5231 i think", re.compile(r"\b5\d{3}\b"))
    assert refs.marked_orders == ["5231"]


@pytest.mark.parametrize(
    ("text", "postcode"),
    [
        ("hannah.kim@example.com, zip is 90071-3406", "90071-3406"),
        ("my zip is 43215", "43215"),
        ("emilie tremblay, H2X1Y4.", "H2X1Y4"),
        ("zoe fairweather bs14dz - hi", "BS14DZ"),
        ("amelia.hughes@example.co.uk m1 1ae", "M1 1AE"),
        ("eircode is d02x285", "D02X285"),
        ("Bjorn Andersson, 111 21. hi", "111 21"),
        ("陈晓明，邮编200120。", "200120"),
        ("Isabella Rossi, postcode 20121 - hi", "20121"),
        ("someone@example.ie , A65 B2CD", "A65 B2CD"),  # the store's Eircode, as it has it
        ("postcode on it now is 1070", "1070"),  # four digits, named a postcode
        ("Montserrat Riba Casal, AD700", "AD700"),  # Andorra
        ("陈美玲，邮递区号106，我的桌旗到哪了？", "106"),  # Taiwan: three digits, named
        ("王丽 3035AN", "3035AN"),  # Dutch, without its space
    ],
)
def test_postcodes_of_many_countries(text: str, postcode: str) -> None:
    assert read_references(text).postcodes[:1] == [postcode]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("emilie tremblay, H2X1Y4. please cancel", "emilie tremblay"),
        ("Siobhan Ni Bhriain, H91 E2K3. the black fleece", "Siobhan Ni Bhriain"),
        ("I want to return it. Liam O’Connor, D02 X285", "Liam O'Connor"),
        ("anne-marie leblanc-gagnon e1c 1e6 - please cancel", "anne-marie leblanc-gagnon"),
        ("Björn Andersson here, 11121. the kettle", "Björn Andersson"),
        ("Hi, this is Michael Lee, zip code 80202.", "Michael Lee"),
        ("我是张伟，邮编310012，头灯到哪了", "张伟"),
        ("陈红，310007，那个马克杯的订单帮我取消吧", "陈红"),
        ("周杰 518057，订单5337签收了吗？", "周杰"),
        # particles inside a family name: not counted among its words
        ("Ana Luiza dos Santos de Oliveira, 04538-133", "Ana Luiza dos Santos de Oliveira"),
        ("Hi, this is Pieter van der Berg, 3511 AX", "Pieter van der Berg"),
        ("I am Ahmad bin Ismail, postcode 50450", "Ahmad bin Ismail"),
        ("Jordi Puig i Ferrer 08012", "Jordi Puig i Ferrer"),  # Catalan "i"
        ("Hi, it's Majo - María José García López, 28010.", "María José García López"),
        # a given name written short keeps its dot (the store's María Guadalupe matches it)
        ("Hi!! Ma. Guadalupe Hernández Ruiz, CP 06700. hi", "Ma. Guadalupe Hernández Ruiz"),
        ("Mohd. Irfan Shaikh, 400050", "Mohd. Irfan Shaikh"),
    ],
)
def test_names_near_a_postcode_or_a_cue(text: str, name: str) -> None:
    assert name in read_references(text).names


def test_a_name_neither_starts_nor_ends_with_a_particle() -> None:
    names = read_references("Carla de la Fuente, 28013").names
    assert "Carla de la Fuente" in names
    assert not any(n.split()[0] in ("de", "la") or n.split()[-1] in ("de", "la") for n in names)


def test_no_name_out_of_a_sentence() -> None:
    refs = read_references("emilie tremblay, H2X1Y4. I'm moving next week, please ship it")
    assert refs.cued_name is None and "emilie tremblay" in refs.names
    assert read_references("我的订单 #1222 物流单号是多少？li.na@example.cn").names == []


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        (
            "please ship #1298 to 17 Exchange Street, Halifax, NS B3J 1P4",
            ("17 Exchange Street", "", "Halifax", "NS", "B3J 1P4"),
        ),
        (
            "send order 1286 to my office instead? 221 Camden High Street, London NW1 7BU. x@y.uk",
            ("221 Camden High Street", "", "London", "", "NW1 7BU"),
        ),
        (
            "改成 6551 No. 3 Road, Unit 1200, Richmond, BC V6Y 2B6",
            ("6551 No. 3 Road", "Unit 1200", "Richmond", "BC", "V6Y 2B6"),
        ),
        (
            "new one is Leopoldstraße 25, 80802 München",
            ("Leopoldstraße 25", "", "München", "", "80802"),
        ),
        (
            "新地址：徐汇区漕溪北路88号, 上海市, 200030",
            ("徐汇区漕溪北路88号", "", "上海市", "", "200030"),
        ),
        (
            "order 5497 sent to my office: 233 S Wacker Dr, Suite 4400, Chicago, IL 60606-6306",
            ("233 S Wacker Dr", "Suite 4400", "Chicago", "IL", "60606-6306"),
        ),
        (  # the flat before the street, as the UK writes it
            "Please send it to Flat 7, 12 Hill Road, Leeds LS6 2AB",
            ("12 Hill Road", "Flat 7", "Leeds", "", "LS6 2AB"),
        ),
        (  # a Belgian street named by its kind, the postcode before the town
            "帮我改成 Chaussée de Charleroi 112, 1060 Saint-Gilles",
            ("Chaussée de Charleroi 112", "", "Saint-Gilles", "", "1060"),
        ),
        (  # the floor written apart from the street
            "改寄到 静安区愚园路168号 12楼, 上海市 200040",
            ("静安区愚园路168号", "12楼", "上海市", "", "200040"),
        ),
        (  # a district between the street and the town is kept, not dropped
            "new address pls: 7 Mahogany Street, Project 3, Quezon City 1102",
            ("7 Mahogany Street", "Project 3", "Quezon City", "", "1102"),
        ),
        (  # initials in the street's name are no sentence's end
            "send it to my office instead: 169 H.V. dela Costa Street, Unit 1508, Makati 1227",
            ("169 H.V. dela Costa Street", "Unit 1508", "Makati", "", "1227"),
        ),
        (  # a Mexican colonia ("Col.") and borough kept as line 2
            "go to my new place instead? Calle Francisco Sosa 212, Col. Santa Catarina, Coyoacán, "
            "Ciudad de México, 04010.",
            (
                "Calle Francisco Sosa 212",
                "Col. Santa Catarina, Coyoacán",
                "Ciudad de México",
                "",
                "04010",
            ),
        ),
        (  # a boulevard written short, a tower and flat between street and town
            "新地址：Blvd. Agua Caliente 10535, Torre B Depto 1402, Tijuana, 22014",
            ("Blvd. Agua Caliente 10535", "Torre B Depto 1402", "Tijuana", "", "22014"),
        ),
        (  # the house number before the road, the town before the PIN
            "new address: No. 214, 12th Main Road, HAL 2nd Stage, Indiranagar, Bengaluru, 560038",
            ("No. 214, 12th Main Road", "HAL 2nd Stage, Indiranagar", "Bengaluru", "", "560038"),
        ),
    ],
)
def test_addresses_of_many_countries(text: str, fields: tuple[str, ...]) -> None:
    refs = read_references(text)
    a = refs.address
    assert a is not None and (a.line1, a.line2, a.city, a.region, a.postcode) == fields
    assert not {"1200", "1300", "3", "6306"} & {o.text for o in refs.orders}


def test_an_address_is_data_not_a_request_or_an_order() -> None:
    said = extract("ship #1298 to 17 Exchange Street, Halifax, NS B3J 1P4")
    assert said.intents[0] == "change_address" and "exchange" not in said.intents
    assert said.order_numbers == ["1298"] and said.order_hints == []
    said = extract("1111 S Figueroa St, Apt 3302, Los Angeles, CA 90015-1300")
    assert said.address is not None and said.order_numbers == said.order_hints == []
    assert said.postcodes == []  # the new address's postcode is not an identity detail
    assert extract("kevin.ho@example.com cancel order 5414 please, thanks").address is None


def test_words_after_an_address_are_read_as_words() -> None:
    """The address ends where its last part is written: what follows is the request."""
    said = extract("I live at 22 Harbour Street, Edinburgh EH6 6PL, where is my order?")
    assert said.address is not None and said.address.postcode == "EH6 6PL"
    assert said.intents == ["status"]
    moving = extract("we're moving - can order 5181 go to 22 Harbour Street, Edinburgh EH6 6PL?")
    assert moving.intents == ["change_address"] and moving.order_numbers == ["5181"]


def test_a_new_address_is_in_the_country_its_postcode_says() -> None:
    def country(postcode: str, region: str = "", line1: str = "1 Road", city: str = "X") -> str:
        return country_of(Address("", line1, city, postcode, "", region=region))

    assert country("62704", "IL") == "US" and country("90015-1300") == "US"
    assert country("V6Y 2B6") == "CA" and country("NW1 7BU") == "GB"
    assert country("200030", line1="漕溪北路88号") == "CN" and country("80802") == ""


def test_taking_it_back_is_a_no() -> None:
    for text in ("算了，还是不取消了", "Actually no, please don't cancel it", "never mind"):
        assert extract(text).no, text
    assert not extract("yes but when will I get the money back?").yes


@pytest.mark.parametrize(
    ("text", "city"),
    [
        ("Leopoldstraße 5, 80802 München", "München"),
        ("12 High Street, London SW1A 1AA please", "London"),
        ("4 Quay Road, Cork T12 X70A thanks", "Cork"),
    ],
)
def test_words_that_close_a_request_are_no_town(text: str, city: str) -> None:
    address = parse_address(text)
    assert address is not None
    assert address.city == city


def test_the_language_is_read_from_words_not_data() -> None:
    assert language_words("zhang.wei@example.com") == ""
    assert "张伟" not in language_words("I am 张伟, what is my order status")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("我的书法服发货了吗？孙浩然，邮编100007", "孙浩然"),
        ("请问订单到哪了?李想 310007", "李想"),
    ],
)
def test_a_chinese_name_after_any_punctuation(text: str, name: str) -> None:
    assert name in read_references(text).names


def test_traditional_chinese_is_read_and_kept_as_written() -> None:
    said = extract("改寄到 竹北市光明六路東一段88號，郵遞區號302058")
    assert said.intents == ["change_address"]
    assert said.address is not None and said.address.line1 == "光明六路東一段88號"
    assert said.address.postcode == "302058" and said.address.city == "竹北市"
    said = extract("陳怡君，郵遞區號802301")
    assert said.postcodes == ["802301"] and "陳怡君" in said.names
    said = extract("yating.yang@example.tw 訂單 #46197")
    assert said.order_numbers == ["46197"]


@pytest.mark.parametrize(
    ("text", "postcode", "region"),
    [
        ("please send it to 15 Darling Point Road, Darling Point NSW 2027", "2027", "NSW"),
        ("新地址：201 Great North Road, Auckland 1021", "1021", ""),
    ],
)
def test_four_digit_postcodes_after_a_street(text: str, postcode: str, region: str) -> None:
    said = extract(text)
    assert said.address is not None
    assert (said.address.postcode, said.address.region) == (postcode, region)
    assert said.order_hints == [] and said.intents == ["change_address"]


def test_a_state_before_a_named_postcode() -> None:
    assert extract("my email is a.b@example.com.au and my postcode is NSW 2010").postcodes == [
        "2010"
    ]


@pytest.mark.parametrize(
    ("text", "line1", "line2", "postcode"),
    [
        (
            "ship to 88 Orchard Road #05-01 Singapore 238839 instead",
            "88 Orchard Road",
            "#05-01",
            "238839",
        ),
        (
            "新地址 Blk 123 Bedok North St 2 #05-88 Singapore 460123",
            "Blk 123 Bedok North St 2",
            "#05-88",
            "460123",
        ),
        ("send it to 5 Kings Way Perth WA 6000", "5 Kings Way", "", "6000"),
        (
            "ship it to my new flat instead: Blk 210 Punggol Field #05-118 Singapore 820210",
            "Blk 210 Punggol Field",
            "#05-118",
            "820210",
        ),
        (
            "please send it to 2211 4th Ave, Apt 608, Seattle, WA 98121-1730",
            "2211 4th Ave",
            "Apt 608",
            "98121-1730",
        ),
    ],
)
def test_an_address_without_commas(text: str, line1: str, line2: str, postcode: str) -> None:
    """A unit such as #05-01 is a line of its own (as stores keep it), never an order number;
    a block number and an ordinal street are streets."""
    said = extract(text)
    assert said.address is not None
    address = said.address
    assert (address.line1, address.line2, address.postcode) == (line1, line2, postcode)
    assert said.order_numbers == [] and said.intents == ["change_address"]


def test_a_chinese_city_before_its_district_is_the_city() -> None:
    said = extract("改成 台北市大安區復興南路一段200號8樓，郵遞區號106094")
    assert said.address is not None
    assert (said.address.city, said.address.line1) == ("台北市", "大安區復興南路一段200號8樓")
    # No district: the city is still the city, as Taiwanese stores keep it (city 新竹市,
    # address 東區光復路二段101號 in the store's own customers).
    town = extract("改寄到 竹北市光明六路東一段88號，郵遞區號302058").address
    assert town is not None and (town.city, town.line1) == ("竹北市", "光明六路東一段88號")
    town = extract("新地址：台中市公益路二段51號 8樓，郵遞區號403023").address
    assert town is not None
    assert (town.city, town.line1, town.line2) == ("台中市", "公益路二段51號", "8樓")
    town = extract("寄到台北市市府路1号 3楼，110204").address  # a street named after the city hall
    assert town is not None and (town.city, town.line1) == ("台北市", "市府路1号")


@pytest.mark.parametrize(
    ("text", "intents"),
    [
        ("kaho.chan@example.hk 订单号 20426", []),  # an order number is no status question
        ("我的快递单号是多少", ["status"]),
        ("hey is my baby carrier on its way yet??", ["status"]),
        ("我是游客下单的，订单号83193，充电器不要了，取消", ["cancel"]),
        ("the $999.00 MXN order - has it crossed the border yet?", ["status"]),  # any "yet"
        ("is it too late to cancel it yet", ["cancel"]),
    ],
)
def test_more_wordings(text: str, intents: list[str]) -> None:
    said = extract(text)
    assert said.intents == intents
    assert said.name is None  # 游客 (a guest) is nobody's name


def test_japanese_and_brazilian_postcodes() -> None:
    assert extract("sakura.ito@example.jp, postcode 150-0001").postcodes == ["150-0001"]
    assert extract("email a@b.com, CEP 01310-100").postcodes == ["01310-100"]


@pytest.mark.parametrize(
    ("text", "name"),
    [("Daniel Kowalczyk", "Daniel Kowalczyk"), ("it's Tāne Whaanga", "Tāne Whaanga"),
     ("林美玲", "林美玲"), ("yes please", None), ("refund to my card", None),
     ("好的谢谢", None)],
)  # fmt: skip
def test_a_message_that_is_only_a_name(text: str, name: str | None) -> None:
    assert bare_name(text) == name


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("order 83112 - can i change the caramel case to the forest green one", "exchange"),
        ("那件绿色球衣XL太大，换L", "exchange"),
    ],
)
def test_exchanges_said_as_a_change(text: str, intent: str) -> None:
    assert extract(text).intents[:1] == [intent]


def test_a_word_before_the_order_number_is_no_part_of_it() -> None:
    assert extract("juergen.weiss@example.de and the order is 37183").order_numbers == ["37183"]


@pytest.mark.parametrize(
    ("text", "credit"),
    [("余额就行", True), ("退到我的余额里", True), ("退到支付宝余额", False), ("原路退回", False)],
)
def test_store_balance_is_store_credit(text: str, credit: bool) -> None:
    assert extract(text).store_credit is credit


@pytest.mark.parametrize(
    ("text", "postcode"),
    [
        ("maartje.devries@example.nl, order #52286, current postcode 3511 AX", "3511 AX"),
        ("ines.goncalves@example.pt, código postal 1100-321", "1100-321"),
        ("ines.goncalves@example.pt 1100-321", "1100-321"),
        ("email c.nguyen@example.com.au, the postcode on the order is 2010", "2010"),
    ],
)
def test_postcodes_of_more_countries(text: str, postcode: str) -> None:
    said = extract(text)
    assert said.postcodes == [postcode]
    assert postcode not in said.order_numbers + said.order_hints


@pytest.mark.parametrize(
    ("text", "line1", "city", "postcode"),
    [
        ("New address: Biltstraat 201, 3572 BK Utrecht", "Biltstraat 201", "Utrecht", "3572 BK"),
        ("send it to Rua Augusta 55, 1100-048 Lisboa", "Rua Augusta 55", "Lisboa", "1100-048"),
        ("please ship to Calle Mayor 12, 28013 Madrid", "Calle Mayor 12", "Madrid", "28013"),
        # a date in the street's name: the kind stays in line 1, the day is no house number
        (
            "ship it to Avenida 5 de Outubro 102, 1.º Esq, 8000-076 Faro instead",
            "Avenida 5 de Outubro 102",
            "Faro",
            "8000-076",
        ),
        ("Rua 25 de Abril 10, 1100-321 Lisboa", "Rua 25 de Abril 10", "Lisboa", "1100-321"),
        # initials and "Jr." inside a street's name; the district is line 2
        (
            "new address: 33 E. Rodriguez Jr. Avenue, Ugong, Pasig City 1604",
            "33 E. Rodriguez Jr. Avenue",
            "Pasig City",
            "1604",
        ),
    ],
)
def test_streets_named_before_or_after_their_kind(
    text: str, line1: str, city: str, postcode: str
) -> None:
    address = extract(text).address
    assert address is not None
    assert (address.line1, address.city, address.postcode) == (line1, city, postcode)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Hi, Lim Hui Ling, postcode 570118. I'd like to return the pyjamas", "Lim Hui Ling"),
        ("我叫 Sipho Dlamini，邮箱 s.dlamini.pmb@example.com，订单 52236", "Sipho Dlamini"),
        ("I am Sipho Dlamini s.dlamini@example.com", "Sipho Dlamini"),
    ],
)
def test_a_name_ends_where_the_name_ends(text: str, name: str) -> None:
    """ "Lim" holds no "im" cue; a name read forward stops at Chinese punctuation and at an
    e-mail (the "s" of s.dlamini@... is no part of it)."""
    said = extract(text)
    assert said.names[0] == name
    assert said.name in (None, name)


def test_a_polish_address_with_its_flat() -> None:
    address = extract("please send it to ul. Marszałkowska 84/92 m. 15, 00-511 Warszawa").address
    assert address is not None
    assert (address.line1, address.line2, address.city, address.postcode) == (
        "ul. Marszałkowska 84/92",
        "m. 15",
        "Warszawa",
        "00-511",
    )


def test_a_numbered_canadian_street() -> None:
    address = extract("新地址：300 5 Avenue SW, Suite 2100, Calgary, T2P 3C4").address
    assert address is not None and address.line1 == "300 5 Avenue SW"


def test_an_order_marked_in_cantonese() -> None:
    said = extract("你好，我張單 482583 寄咗未呀？")
    assert said.order_numbers == ["482583"] and said.intents == ["status"]


@pytest.mark.parametrize(
    ("text", "line1", "city", "postcode"),
    [
        (
            "钛锅那单我想寄到柏林：Warschauer Straße 33, 10243 Berlin",
            "Warschauer Straße 33",
            "Berlin",
            "10243",
        ),
        (
            "我搬去上海了，吊坠那单寄到：上海市徐汇区漕溪北路88号 200030",
            "徐汇区漕溪北路88号",
            "上海市",
            "200030",
        ),
    ],
)
def test_more_addresses_without_the_usual_shape(
    text: str, line1: str, city: str, postcode: str
) -> None:
    said = extract(text)
    assert said.address is not None and said.intents == ["change_address"]
    assert (said.address.line1, said.address.city, said.address.postcode) == (
        line1,
        city,
        postcode,
    )


def test_cantonese_and_traditional_cues() -> None:
    said = extract("kuanyu.lin@example.tw，訂單號碼3160565，原本的郵遞區號是106052")
    assert said.order_numbers == ["3160565"] and said.postcodes == ["106052"]
    assert extract("而家嗰個郵編係4114").postcodes == ["4114"]
    assert extract("你好，我係梁嘉欣，郵編3128").names[0] == "梁嘉欣"


def test_the_current_postcode_said_in_a_sentence() -> None:
    assert extract("the postcode it's going to now is 4101").postcodes == ["4101"]


def test_a_japanese_block_address_keeps_its_block() -> None:
    a = read_references("please send it to 2-5-8 Tenjinbashi, Osaka 530-0041").address
    assert a is not None and (a.line1, a.city, a.postcode) == (
        "2-5-8 Tenjinbashi",
        "Osaka",
        "530-0041",
    )


def test_a_level_is_line_two_and_cantonese_re_address_is_a_request() -> None:
    said = extract("我想將最新嗰張訂單改寄去公司：530 Collins Street, Level 12, Melbourne VIC 3000")
    assert said.intents == ["change_address"] and said.address is not None
    assert said.address.line2 == "Level 12"
    assert extract("電郵 a@b.com，單號 240500").intents == []  # a label for the number


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        (
            "Avinguda Meritxell 80, AD500 Andorra la Vella",
            ("Avinguda Meritxell 80", "Andorra la Vella", "AD500"),
        ),
        ("Zhung Lam 5, Paro 12001", ("Zhung Lam 5", "Paro", "12001")),  # the town before
        # a Dutch house number with its floor
        ("Weesperzijde 112-2, 1091 EK Amsterdam", ("Weesperzijde 112-2", "Amsterdam", "1091 EK")),
        # Turkish: the kind after the name ("Cad."), "No:" before the number, the quarter first
        (
            "新地址：Bağdat Cad. No: 301 D: 8, 34728 Kadıköy",
            ("Bağdat Cad. No: 301 D: 8", "Kadıköy", "34728"),
        ),
        (
            "ship it to Kızılay Mah. Atatürk Blv. No: 45 D: 12, Çankaya, 06420 Ankara",
            ("Kızılay Mah. Atatürk Blv. No: 45 D: 12", "Ankara", "06420"),
        ),
    ],
)
def test_a_street_of_any_language_before_its_postcode_and_town(
    text: str, fields: tuple[str, str, str]
) -> None:
    address = parse_address(text)
    assert address is not None
    assert (address.line1, address.city, address.postcode) == fields


def test_a_mixed_case_run_after_a_cue_stays_an_item() -> None:
    """ "I'm keeping Tapas y Mentiras": a verb and a product's name, not a person's."""
    from bot.orders.intents import item_words

    assert "Tapas y Mentiras" in item_words("return the dice. I'm keeping Tapas y Mentiras")


@pytest.mark.parametrize(
    ("text", "orders"),
    [
        ("cancel order #KYM5378... sorry, wrong one, it's #KYM5387", ["KYM5387"]),
        ("cancel #20606-NL? hang on, that's another email. mine is #20595-NL", ["20595-NL"]),
        ("订单 1201，不对，说错了，订单 1202", ["1202"]),
        ("orders 1201 and 1202 please, sorry for the trouble", ["1201", "1202"]),
    ],
)
def test_a_corrected_order_number_withdraws_the_one_before(text: str, orders: list[str]) -> None:
    assert [o.text for o in read_references(text).orders] == orders


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        # a German name starting with a particle, and the floor after the number
        ("new address: Am Hang 3, 2. OG, 81245 München", ("Am Hang 3", "2. OG", "München")),
        ("Lindenstraße 12a, 3. Stock, 10969 Berlin", ("Lindenstraße 12a", "3. Stock", "Berlin")),
        ("please ship to An der Alster 12, 20099 Hamburg", ("An der Alster 12", "", "Hamburg")),
        ("Bergweg 7, Top 4, 6020 Innsbruck", ("Bergweg 7", "Top 4", "Innsbruck")),  # Austria
        ("Rue de Rivoli 5, 2e étage, 75001 Paris", ("Rue de Rivoli 5", "2e étage", "Paris")),
    ],
)
def test_a_floor_or_flat_after_the_house_number(text: str, fields: tuple[str, str, str]) -> None:
    said = extract(text)
    assert said.address is not None
    assert (said.address.line1, said.address.line2, said.address.city) == fields


def test_a_sentence_ending_after_a_house_number_is_no_floor() -> None:
    assert extract("Lindenstraße 12. Danke").address is None


@pytest.mark.parametrize(
    ("text", "number"),
    [("sorry wrong number, it's JD/24910", "JD/24910"), ("order jd/24910", "jd/24910")],
)
def test_a_plugin_number_with_a_slash(text: str, number: str) -> None:
    said = extract(text)
    assert said.order_numbers == [number] and said.postcodes == []


def test_an_australian_unit_stays_in_the_first_line() -> None:
    said = extract("新地址：Unit 3/45 Crown Street, Wollongong NSW 2500")
    assert said.address is not None
    assert (said.address.line1, said.address.city) == ("Unit 3/45 Crown Street", "Wollongong")


@pytest.mark.parametrize(
    ("text", "line1", "line2", "city"),
    [
        ("Flat 7, Sunshine Towers, Baner Road, Pune 411045",
         "Flat 7, Sunshine Towers, Baner Road", "", "Pune"),
        ("Flat 4B, Sai Residency, 12th Cross, Indiranagar, Bengaluru 560038",
         "Flat 4B, Sai Residency, 12th Cross", "Indiranagar", "Bengaluru"),
    ],
)  # fmt: skip
def test_indian_addresses_with_the_flat_and_building_first(
    text: str, line1: str, line2: str, city: str
) -> None:
    address = parse_address(text)
    assert address is not None and (address.line1, address.line2, address.city) == (
        line1,
        line2,
        city,
    )
    # "Flat 12, 40 Upper Street": the numbered street is the first line, the flat the second
    assert parse_address("Flat 12, 40 Upper Street, London N1 0PN") is None


@pytest.mark.parametrize(
    ("text", "line1", "line2", "city"),
    [
        # Canada: the unit before the civic number, with a dash
        ("新地址 Unit 2710 - 18 Yonge St, Toronto ON M5E 1Z8",
         "18 Yonge St", "Unit 2710", "Toronto"),
        ("Unit 807 - 5883 Barker Ave, Burnaby BC V5H 3K3",
         "5883 Barker Ave", "Unit 807", "Burnaby"),
        # the flat first, then the numbered street: the street is line 1
        ("new address: Apt 402, 1250 Rue Sainte-Catherine O, Montréal QC H3G 1P1",
         "1250 Rue Sainte-Catherine O", "Apt 402", "Montréal"),
        # Morocco: the flat and the residence before the street are kept, as line 2
        ("new one: Appt 12, Résidence Les Jardins, 45 Boulevard Anfa, 20000 Casablanca",
         "45 Boulevard Anfa", "Appt 12, Résidence Les Jardins", "Casablanca"),
    ],
)  # fmt: skip
def test_the_flat_written_before_the_street_is_kept(
    text: str, line1: str, line2: str, city: str
) -> None:
    found = find_address(text)
    assert found is not None
    address = found[0]
    assert (address.line1, address.line2, address.city) == (line1, line2, city)
    # words that only tell a story before the street are not kept; a building's name is
    for said, kept in [
        ("hi, I moved, 45 Boulevard Anfa, 20000 Casablanca", ""),
        ("please send it to my mother's house, 15 rue du Chevaleret, 75013 Paris", ""),
        ("I am moving to a new apartment building, 88 King St W, Toronto ON M5H 1A1", ""),
        ("ship to Sunrise Tower, 15 Nguyen Hue, Ho Chi Minh City 700000", "Sunrise Tower"),
    ]:
        other = find_address(said)
        assert other is not None and other[0].line2 == kept, said
