"""Harbour & Pine Outfitters: a Canadian outdoor-clothing store on Shopify (prices in CAD).

Customers in Canada (English and French names), the UK, Ireland, the US (ZIP+4 codes),
continental Europe, mainland China (Chinese names and addresses) and Hong Kong (no postcode).
"""

from __future__ import annotations

from stores import Customer, Option, Order, Product

NAME = "Harbour & Pine Outfitters"
PREFIX = "HP"
CURRENCY = "CAD"
RANDOM_SEED = 20250602

SIZES = Option("size", [(s, s) for s in ("XS", "S", "M", "L", "XL", "XXL")])


def sizes(*names: str) -> Option:
    return Option("size", [(s, s.replace("/", "")) for s in names])


PRODUCTS = [
    Product("RLJ", "Ridgeline Rain Jacket", "Apparel > Jackets", 189.0,
            "Three-layer waterproof, breathable shell with taped seams, pit zips and a helmet-"
            "compatible hood.",
            [Option("color", [("Slate", "SLT"), ("Moss", "MOS"), ("Ember", "EMB")]), SIZES],
            prices={"XXL": 199.0},
            out_of_stock={"HP-RLJ-MOS-L", "HP-RLJ-EMB-XS", "HP-RLJ-SLT-XXL"}),
    Product("SFP", "Summit Fleece Pullover", "Apparel > Fleece", 98.0,
            "Recycled midweight fleece with a half zip and a kangaroo pocket.",
            [Option("color", [("Oatmeal", "OAT"), ("Navy", "NVY"), ("Black", "BLK")]),
             sizes("S", "M", "L", "XL")],
            out_of_stock={"HP-SFP-NVY-M"}, stock={"HP-SFP-OAT-XL": 1}),
    Product("MCB", "Merino Crew Base Layer", "Apparel > Base Layers", 85.0,
            "200 g/m² merino wool crew, naturally odour-resistant.",
            [Option("color", [("Charcoal", "CHR"), ("Heather Blue", "HBL")]),
             sizes("S", "M", "L", "XL")]),
    Product("THB", "Trailhead Hiking Boots", "Footwear > Boots", 179.0,
            "Leather mid-cut hiking boots with a Vibram sole; the waterproof version has a "
            "membrane lining.",
            [Option("size", [(str(n), str(n)) for n in range(7, 13)]),
             Option("waterproof", [("Yes", "WP"), ("No", "STD")])],
            prices={"Yes": 219.0}, out_of_stock={"HP-THB-10-WP", "HP-THB-12-STD"}),
    Product("HSO", "Harbour Slip-On Shoes", "Footwear > Casual", 89.0,
            "Canvas slip-ons with a cushioned cork footbed.",
            [Option("color", [("Sand", "SND"), ("Olive", "OLV")]),
             Option("size", [(str(n), str(n)) for n in range(6, 12)])]),
    Product("AWS", "Alpine Wool Socks (3-pack)", "Apparel > Socks", 29.0,
            "Cushioned merino-blend hiking socks, three pairs.",
            [sizes("S", "M", "L")], final_sale=True),
    Product("CDP", "Canvas Daypack", "Gear > Bags", 110.0,
            "Waxed-canvas daypack with a padded laptop sleeve.",
            [Option("capacity", [("20 L", "20L"), ("28 L", "28L")]),
             Option("color", [("Rust", "RST"), ("Forest", "FOR")])],
            prices={"28 L": 125.0}),
    Product("INB", "Insulated Bottle", "Gear > Drinkware", 38.0,
            "Double-wall stainless bottle: cold for 24 hours, hot for 12.",
            [Option("capacity", [("500 ml", "500"), ("750 ml", "750")]),
             Option("color", [("Glacier", "GLC"), ("Black", "BLK"), ("Coral", "CRL")])],
            prices={"750 ml": 44.0}),
    Product("ECM", "Enamel Camp Mug", "Gear > Drinkware", 22.0,
            "Enamelled steel mug, 350 ml.",
            [Option("color", [("White", "WHT"), ("Cobalt", "CBT")])]),
    Product("BHL", "Beacon 400 Headlamp", "Gear > Lighting", 59.0,
            "400-lumen rechargeable headlamp with a red night mode."),
    Product("DSB", "Down Sleeping Bag", "Gear > Sleep", 289.0,
            "800-fill responsibly sourced down mummy bag.",
            [Option("temperature rating", [("0°C", "0C"), ("-5°C", "M5C")]),
             Option("zip", [("Left", "L"), ("Right", "R")])],
            prices={"-5°C": 329.0}),
    Product("CFS", "Cotton Flannel Shirt", "Apparel > Shirts", 74.0,
            "Brushed organic-cotton flannel shirt.",
            [Option("pattern", [("Red Check", "RED"), ("Green Check", "GRN"),
                                ("Grey Check", "GRY")]),
             sizes("S", "M", "L", "XL", "XXL")],
            out_of_stock={"HP-CFS-GRN-L"}),
    Product("PSH", "Packable Sun Hat", "Apparel > Hats", 42.0,
            "UPF 50 wide-brim hat that folds into its own pocket.",
            [sizes("S/M", "L/XL"), Option("color", [("Khaki", "KHK"), ("Navy", "NVY")])]),
    Product("TPL", "Trekking Poles (pair)", "Gear > Hiking", 119.0,
            "Carbon trekking poles, adjustable from 105 to 135 cm."),
    Product("LDV", "Lightweight Down Vest 轻羽绒背心", "Apparel > Vests", 149.0,
            "Packable 700-fill down vest.",
            [Option("color", [("Black", "BLK"), ("Red", "RED")]), sizes("S", "M", "L", "XL")]),
]  # fmt: skip

CUSTOMERS = [
    Customer("emilie", "Émilie Tremblay", "emilie.tremblay@example.ca", "+1 514-555-0142",
             "3480 Rue Saint-Denis", "Montréal", "QC", "H2X 1Y4", "CA", tier="gold"),
    Customer("jerome", "Jérôme Côté", "jerome.cote@example.ca", "+1 418-555-0199",
             "55 Rue du Petit-Champlain", "Québec", "QC", "G1K 4H4", "CA"),
    Customer("priya", "Priya Natarajan", "priya.natarajan@example.ca", "+1 416-555-0178",
             "401 Front St W", "Toronto", "ON", "M5V 3L9", "CA", line2="Unit 1207"),
    Customer("liam", "Liam O'Connor", "liam.oconnor@example.ie", "+353 1 555 0134",
             "14 Harcourt Street", "Dublin 2", "", "D02 X285", "IE"),
    Customer("siobhan", "Siobhán Ní Bhriain", "siobhan.nibhriain@example.ie", "+353 91 555 017",
             "7 Quay Street", "Galway", "", "H91 E2K3", "IE", first_name="Siobhán",
             last_name="Ní Bhriain", payment="paypal"),
    Customer("oliver", "Oliver Bennett", "oliver.bennett@example.co.uk", "+44 20 7946 0321",
             "27 Baker Street", "London", "", "W1U 8EW", "GB", line2="Flat 3"),
    Customer("amelia", "Amelia Hughes", "amelia.hughes@example.co.uk", "+44 161 496 0770",
             "18 Piccadilly", "Manchester", "", "M1 1AE", "GB", payment="apple_pay"),
    Customer("james-uk", "James Wilson", "james.wilson@example.co.uk", "+44 131 496 0555",
             "9 Cockburn Street", "Edinburgh", "", "EH1 1BP", "GB"),
    Customer("james-us", "James Wilson", "jwilson.seattle@example.com", "+1 206-555-0163",
             "1420 5th Ave", "Seattle", "WA", "98101-3143", "US"),
    Customer("mariajose", "Maria José da Silva Santos", "mj.santos@example.com",
             "+1 973-555-0110", "88 Ferry Street", "Newark", "NJ", "07105-2012", "US",
             first_name="Maria José", last_name="da Silva Santos", payment="paypal"),
    Customer("dmitri", "Dmitri Volkov", "dmitri.volkov@example.com", "+1 718-555-0187",
             "142 Court Street", "Brooklyn", "NY", "11201-4307", "US"),
    Customer("chloe", "Chloé Lefèvre", "chloe.lefevre@example.fr", "+33 1 55 50 12 34",
             "12 Rue Oberkampf", "Paris", "", "75011", "FR"),
    Customer("jurgen", "Jürgen Müller", "juergen.mueller@example.de", "+49 30 5550123",
             "Torstraße 112", "Berlin", "", "10119", "DE"),
    Customer("jose", "José Álvarez García", "jose.alvarez@example.es", "+34 915 550 142",
             "Calle Mayor 24", "Madrid", "", "28013", "ES", first_name="José",
             last_name="Álvarez García"),
    Customer("annemarie", "Anne-Marie Leblanc-Gagnon", "am.leblanc@example.ca",
             "+1 506-555-0126", "770 Main Street", "Moncton", "NB", "E1C 1E6", "CA"),
    Customer("chenxm", "陈晓明", "chen.xiaoming@example.cn", "+86 138 1234 5678",
             "浦东新区世纪大道100号", "上海市", "SH", "200120", "CN", alias="Chen Xiaoming",
             payment="apple_pay"),
    Customer("lina", "李娜", "li.na@example.cn", "+86 139 1020 3344",
             "朝阳区建国路88号SOHO现代城5号楼1203室", "北京市", "BJ", "100022", "CN",
             alias="Li Na"),
    Customer("ouyang", "欧阳娜娜", "ouyang.nana@example.com", "+86 135 0000 8899",
             "天河区天河路385号太古汇", "广州市", "GD", "510620", "CN", alias="Ouyang Nana"),
    Customer("zhangwei-cd", "张伟", "zhang.wei.cd@example.cn", "+86 136 8888 1024",
             "武侯区人民南路四段1号", "成都市", "SC", "610041", "CN", alias="Zhang Wei"),
    Customer("zhangwei-hz", "张伟", "zhangwei88@example.com", "+86 137 5555 2048",
             "西湖区文三路90号", "杭州市", "ZJ", "310012", "CN", alias="Zhang Wei"),
    Customer("xiuying", "王秀英", "wang.xiuying@example.ca", "+1 604-555-0191",
             "8391 Alexandra Road", "Richmond", "BC", "V6X 1C3", "CA", tier="gold",
             alias="Xiuying Wang"),
    Customer("nguyen", "Nguyễn Văn An", "an.nguyen@example.com", "+1 713-555-0148",
             "9950 Bellaire Blvd", "Houston", "TX", "77036-5512", "US", first_name="An",
             last_name="Nguyễn Văn"),
    Customer("zoe", "Zoë Fairweather", "zoe.fairweather@example.co.uk", "+44 117 496 0123",
             "41 King Street", "Bristol", "", "BS1 4DZ", "GB"),
    Customer("hannah", "Hannah Kim", "hannah.kim@example.com", "+1 213-555-0155",
             "350 S Grand Ave", "Los Angeles", "CA", "90071-3406", "US", line2="Apt 2904"),
    Customer("mohammed", "Mohammed Al-Farsi", "m.alfarsi@example.ca", "+1 403-555-0166",
             "225 7 Ave SW", "Calgary", "AB", "T2P 2W2", "CA", tier="gold"),
    Customer("ava", "Ava Thompson", "ava.thompson@example.com", "+1 617-555-0139",
             "200 Clarendon Street", "Boston", "MA", "02116-5021", "US", payment="apple_pay"),
    Customer("wong", "黄志强", "wong.chikeung@example.hk", "+852 5555 0188",
             "彌敦道132號 美麗華大廈12樓B室", "九龍", "", "", "HK", alias="Wong Chi Keung"),
]  # fmt: skip

ORDERS = [
    # Émilie Tremblay (Gold)
    Order("emilie", "delivered", [("HP-RLJ-MOS-M", 1)], days=45,
          note="Gold member, delivered 45 days ago: inside the 60-day Gold return window"),
    Order("emilie", "shipped", [("HP-SFP-OAT-S", 1), ("HP-ECM-WHT", 1)], carrier="Canada Post"),
    Order("emilie", "pending", [("HP-LDV-BLK-M", 1)], hours=5,
          note="unfulfilled: can be cancelled or re-addressed"),
    Order("emilie", "delivered", [("HP-THB-8-WP", 1)], days=8,
          note="waterproof boots, size 8: exchangeable for another size"),
    # Jérôme Côté
    Order("jerome", "out_for_delivery", [("HP-DSB-M5C-L", 1)], carrier="Purolator"),
    Order("jerome", "delivered", [("HP-CFS-RED-L", 1), ("HP-AWS-M", 1)], days=20,
          note="the socks are final sale; the shirt can be returned"),
    # Priya Natarajan
    Order("priya", "delivered",
          [("HP-CDP-28L-FOR", 1), ("HP-INB-750-GLC", 1), ("HP-BHL", 1), ("HP-ECM-CBT", 2),
           ("HP-PSH-SM-KHK", 1)], days=6, shipping=12.0,
          note="five lines delivered 6 days ago (returns of some, all, or all but one)"),
    Order("priya", "pending", [("HP-MCB-CHR-M", 1)], hours=20),
    # Liam O'Connor
    Order("liam", "shipped", [("HP-TPL", 1)], carrier="DHL", shipping=25.0, method="express"),
    Order("liam", "delivered", [("HP-RLJ-SLT-L", 1)], days=33,
          note="delivered 33 days ago: outside the 30-day return window"),
    # Siobhán Ní Bhriain
    Order("siobhan", "delivered", [("HP-SFP-NVY-L", 1), ("HP-SFP-BLK-L", 1)], days=12,
          carrier="DHL", shipping=25.0,
          note="the same pullover twice, navy and black"),
    # Oliver Bennett
    Order("oliver", "processing", [("HP-CDP-20L-RST", 1)], days=1, carrier="Royal Mail",
          note="being prepared by the warehouse: too late to cancel in chat"),
    Order("oliver", "delivered", [("HP-THB-9-STD", 1)], days=29, carrier="Royal Mail",
          note="delivered 29 days ago: the last day of the return window"),
    # Amelia Hughes
    Order("amelia", "packed", [("HP-HSO-SND-7", 1)], days=1),
    Order("amelia", "cancelled", [("HP-INB-500-CRL", 1)], days=16),
    Order("amelia", "delivered", [("HP-MCB-HBL-S", 1)], days=15, lines={1: "return_requested"},
          note="a return is already open for the base layer"),
    # James Wilson (Edinburgh) and James Wilson (Seattle)
    Order("james-uk", "delivered", [("HP-CFS-GRN-M", 1)], days=10,
          note="flannel, Green Check M: Green Check L is out of stock"),
    Order("james-us", "shipped", [("HP-RLJ-EMB-L", 1)], carrier="UPS", days=4),
    Order("james-us", "pending", [("HP-AWS-L", 2)], hours=3),
    # Maria José da Silva Santos
    Order("mariajose", "delivered", [("HP-DSB-0C-R", 1)], days=4, carrier="USPS"),
    Order("mariajose", "pending", [("HP-PSH-LXL-NVY", 1), ("HP-ECM-WHT", 2)], hours=30),
    # Dmitri Volkov
    Order("dmitri", "delivered", [("HP-BHL", 1)], days=31,
          note="delivered 31 days ago: one day past the return window"),
    Order("dmitri", "shipped", [("HP-INB-500-CRL", 1)], carrier="USPS", days=3),
    # Chloé Lefèvre
    Order("chloe", "delivered", [("HP-PSH-LXL-NVY", 1)], days=18, shipping=25.0),
    # Jürgen Müller
    Order("jurgen", "delivered", [("HP-THB-11-WP", 1)], days=7, shipping=25.0,
          note="boots 11 waterproof: 10 waterproof is out of stock"),
    # José Álvarez García
    Order("jose", "pending", [("HP-SFP-BLK-XL", 1)], hours=10, authorized_only=True,
          note="payment authorized, not captured"),
    Order("jose", "delivered", [("HP-ECM-CBT", 1)], days=62, shipping=25.0),
    # Anne-Marie Leblanc-Gagnon
    Order("annemarie", "pending", [("HP-MCB-HBL-M", 1)], hours=26, address_changes=1,
          ship_to={"name": "Anne-Marie Leblanc-Gagnon", "line1": "1 Rue de l'Église",
                   "line2": "", "city": "Dieppe", "region": "NB", "postcode": "E1A 1P2",
                   "country": "CA"},
          note="the address was already changed once"),
    Order("annemarie", "delivered", [("HP-LDV-RED-S", 1)], days=3),
    # 陈晓明
    Order("chenxm", "shipped", [("HP-LDV-BLK-L", 1)], carrier="SF Express", days=5,
          shipping=30.0, method="express"),
    Order("chenxm", "delivered", [("HP-INB-750-BLK", 1), ("HP-ECM-WHT", 1)], days=9,
          carrier="SF Express", shipping=30.0),
    # 李娜
    Order("lina", "pending", [("HP-RLJ-SLT-S", 1)], hours=8),
    Order("lina", "delivered", [("HP-MCB-CHR-M", 1)], days=14, carrier="SF Express",
          shipping=30.0),
    # 欧阳娜娜
    Order("ouyang", "out_for_delivery", [("HP-PSH-SM-NVY", 1)], carrier="SF Express",
          shipping=30.0),
    Order("ouyang", "cancelled", [("HP-CDP-20L-FOR", 1)], days=21),
    # the two 张伟
    Order("zhangwei-cd", "delivered", [("HP-TPL", 1)], days=22, carrier="China Post",
          shipping=30.0),
    Order("zhangwei-hz", "shipped", [("HP-BHL", 1)], carrier="China Post", days=6,
          shipping=30.0),
    # 王秀英 (Gold)
    Order("xiuying", "delivered", [("HP-CFS-GRY-XL", 1)], days=50,
          note="Gold, delivered 50 days ago: returnable (60 days), not exchangeable (30)"),
    Order("xiuying", "processing", [("HP-THB-7-WP", 1)], days=1),
    Order("xiuying", "delivered", [("HP-SFP-OAT-M", 1)], days=9,
          lines={1: "exchange_requested:HP-SFP-OAT-L"},
          note="an exchange (Oatmeal M for L) is already open"),
    # Nguyễn Văn An
    Order("nguyen", "delivered", [("HP-HSO-OLV-10", 1), ("HP-AWS-S", 1)], days=2),
    Order("nguyen", "pending", [("HP-INB-750-CRL", 1), ("HP-ECM-CBT", 1)], hours=2),
    # Zoë Fairweather
    Order("zoe", "shipped", [("HP-SFP-OAT-L", 1)], carrier="Royal Mail", days=4),
    Order("zoe", "delivered", [("HP-MCB-CHR-L", 1), ("HP-MCB-HBL-L", 1)], days=26,
          lines={1: "returned"}, note="line 1 returned and refunded; line 2 still returnable"),
    # Hannah Kim
    Order("hannah", "delivered",
          [("HP-RLJ-MOS-S", 1), ("HP-CDP-20L-FOR", 1), ("HP-INB-500-GLC", 1)], days=5),
    Order("hannah", "pending", [("HP-DSB-M5C-R", 1)], hours=12, payment="paypal"),
    # Mohammed Al-Farsi (Gold)
    Order("mohammed", "delivered", [("HP-DSB-M5C-R", 1)], days=55,
          note="Gold, delivered 55 days ago: returnable"),
    Order("mohammed", "shipped", [("HP-MCB-HBL-XL", 2)], carrier="Purolator", days=2),
    Order("mohammed", "delivered", [("HP-RLJ-SLT-XL", 1)], days=16, lines={1: "exchanged"},
          note="already exchanged once (for this size): no second exchange"),
    # Ava Thompson
    Order("ava", "delivered", [("HP-CFS-RED-S", 2)], days=11, note="two of the same shirt"),
    Order("ava", "cancelled", [("HP-HSO-OLV-8", 1)], days=30),
    Order("ava", "packed", [("HP-BHL", 1), ("HP-INB-500-BLK", 1)], days=1),
    # 黄志强 (Hong Kong, no postcode)
    Order("wong", "shipped", [("HP-BHL", 1), ("HP-TPL", 1)], carrier="DHL", days=3,
          shipping=30.0),
    Order("wong", "delivered", [("HP-ECM-WHT", 3)], days=6, carrier="DHL", shipping=30.0),
]  # fmt: skip

_GAPS = [1, 3, 1, 2, 5, 1, 1, 4, 2, 1, 3, 2, 1, 1, 6, 2, 1, 3, 1, 2]


def number(position: int) -> str:
    """Orders are named #1188, #1189, ... with other shoppers' orders in between."""
    return f"#{1188 + sum(_GAPS[n % len(_GAPS)] for n in range(position))}"


SETTINGS = {
    "shipped_cancel_to_person": True,  # the README: later, a person decides
    "exchange_categories": ["Apparel", "Footwear"],
}
