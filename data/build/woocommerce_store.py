"""青竹家居 Qingzhu Home: a home-goods store on WooCommerce that ships from China worldwide
(prices in USD). The catalog is mostly in Chinese, some products in English or both.

Customers in mainland China (Chinese names and addresses), Chinese names abroad (Canada,
the US, the UK), and others from the UK, Ireland, Canada, the US (ZIP+4), Germany, France,
Italy and Sweden; two shoppers checked out as guests (no account).
"""

from __future__ import annotations

from stores import Customer, Option, Order, Product

NAME = "青竹家居 Qingzhu Home"
PREFIX = "QZ"
CURRENCY = "USD"
RANDOM_SEED = 20250603

PRODUCTS = [
    Product("KTL", "不锈钢电热水壶", "厨房电器 > 水壶", 39.0,
            "304不锈钢内胆电热水壶，自动断电，防干烧。",
            [Option("容量", [("1.5L", "15"), ("1.7L", "17")]),
             Option("颜色", [("银色", "SLV"), ("黑色", "BLK")])],
            prices={"1.7L": 45.0}, out_of_stock={"QZ-KTL-17-BLK"}),
    Product("CLK", "静音挂钟", "家居装饰 > 钟表", 28.0,
            "扫秒静音机芯，实木边框。",
            [Option("尺寸", [("30cm", "30"), ("40cm", "40")]),
             Option("颜色", [("白色", "WHT"), ("原木色", "WOD")])],
            prices={"40cm": 36.0}),
    Product("BCB", "Bamboo Cutting Board", "厨房用品 > 砧板", 19.0,
            "Organic bamboo board with a juice groove.",
            [Option("size", [("Small", "S"), ("Large", "L")])], prices={"Large": 29.0}),
    Product("TEA", "手工陶瓷茶具套装", "茶具", 68.0,
            "一壶四杯，手工拉坯，釉下彩。",
            [Option("颜色", [("青瓷", "CEL"), ("白瓷", "WHT")])]),
    Product("SPC", "真丝枕套", "床品 > 枕套", 35.0,
            "22姆米桑蚕丝枕套，隐形拉链。",
            [Option("颜色", [("香槟色", "CHP"), ("雾蓝", "BLU"), ("珍珠白", "PRL")]),
             Option("尺寸", [("标准", "STD"), ("加大", "KNG")])],
            prices={"加大": 42.0}, out_of_stock={"QZ-SPC-BLU-KNG"}),
    Product("APR", "亚麻围裙 Linen Apron", "服装 > 围裙", 24.0,
            "Washed linen apron with two pockets. 水洗亚麻，两个口袋。",
            [Option("颜色", [("本色", "NAT"), ("靛蓝", "IND")]),
             Option("尺码", [("S/M", "SM"), ("L/XL", "LXL")])]),
    Product("SLP", "居家棉拖鞋", "鞋履 > 拖鞋", 16.0,
            "纯棉面料，防滑软底。",
            [Option("尺码", [("36-37", "3637"), ("38-39", "3839"), ("40-41", "4041"),
                             ("42-43", "4243")]),
             Option("颜色", [("灰色", "GRY"), ("粉色", "PNK"), ("藏青", "NVY")])],
            out_of_stock={"QZ-SLP-4041-GRY", "QZ-SLP-3637-NVY"}, stock={"QZ-SLP-4243-GRY": 1}),
    Product("DOV", "铸铁炖锅 Cast Iron Dutch Oven", "厨具 > 锅具", 79.0,
            "Enamelled cast iron, oven-safe to 260°C.",
            [Option("容量", [("3.5 qt", "35"), ("5.5 qt", "55")]),
             Option("颜色", [("红色", "RED"), ("藏青", "NVY")])],
            prices={"5.5 qt": 99.0}),
    Product("CND", "香薰蜡烛", "家居装饰 > 香薰", 18.0,
            "大豆蜡香薰蜡烛，燃烧约40小时。",
            [Option("香味", [("白茶", "WTEA"), ("檀香", "SDL"), ("桂花", "OSM")])]),
    Product("LMP", "LED 护眼台灯", "灯具", 45.0,
            "无频闪LED台灯，三档色温。",
            [Option("颜色", [("白色", "WHT"), ("黑色", "BLK")])]),
    Product("WTH", "羊毛毯", "床品 > 毯子", 89.0,
            "新西兰羊毛针织毯，130×170cm。",
            [Option("颜色", [("燕麦色", "OAT"), ("墨绿", "GRN")])]),
    Product("GFC", "玻璃保鲜盒五件套", "厨房用品 > 收纳", 32.0,
            "高硼硅玻璃保鲜盒五件套，可微波。"),
    Product("GRD", "电动磨豆机", "厨房电器 > 咖啡", 49.0,
            "锥刀电动磨豆机，15档研磨粗细。"),
    Product("ESP", "半自动意式咖啡机", "厨房电器 > 咖啡", 199.0,
            "15 bar 半自动意式咖啡机，带蒸汽奶泡棒。"),
    Product("MUG", "清仓 · 手绘马克杯", "杯具", 12.0,
            "清仓特价，手绘釉下彩马克杯，售出不退不换。",
            [Option("图案", [("山水", "SHS"), ("仙鹤", "CRN")])], final_sale=True),
    Product("PCB", "野餐垫 Picnic Blanket", "户外", 22.0,
            "Foldable picnic blanket, 200×200 cm; the waterproof version has a PEVA backing.",
            [Option("款式", [("普通款", "STD"), ("防水款", "WP")])], prices={"防水款": 29.0}),
]  # fmt: skip

CUSTOMERS = [
    Customer("liuyang-sh", "刘洋", "liu.yang@example.cn", "+86 138 0213 5566",
             "徐汇区衡山路12号3栋502室", "上海市", "SH", "200031", "CN", alias="Liu Yang",
             payment="apple_pay"),
    Customer("liuyang-bj", "刘洋", "liuyang.bj@example.com", "+86 139 1180 2233",
             "海淀区中关村大街27号", "北京市", "BJ", "100080", "CN", alias="Liu Yang"),
    Customer("zhoujie", "周杰", "zhou.jie@example.cn", "+86 135 1234 0755",
             "南山区科技园南区深南大道9988号", "深圳市", "GD", "518057", "CN", tier="gold",
             alias="Zhou Jie"),
    Customer("sunli", "孙丽", "sun.li@example.cn", "+86 137 0025 8899",
             "鼓楼区中山路321号", "南京市", "JS", "210008", "CN", alias="Sun Li"),
    Customer("zhaomin", "赵敏", "zhao.min@example.cn", "+86 136 2771 0071",
             "武昌区中南路99号", "武汉市", "HB", "430071", "CN", alias="Zhao Min"),
    Customer("wuxy", "吴晓燕", "wu.xiaoyan@example.cn", "+86 159 0592 1234",
             "思明区鹭江道8号", "厦门市", "FJ", "361001", "CN", alias="Wu Xiaoyan",
             payment="paypal"),
    Customer("zhenghr", "郑浩然", "zheng.haoran@example.com", "+86 186 0010 8871",
             "朝阳区光华路1号嘉里中心北楼2006", "北京市", "BJ", "100020", "CN",
             alias="Zheng Haoran"),
    Customer("xujing", "徐静", "xu.jing@example.cn", "+86 150 2800 6543",
             "武侯区科华北路65号", "成都市", "SC", "610065", "CN", alias="Xu Jing"),
    Customer("machao", "马超", "chao.ma@example.ca", "+1 604-555-0102",
             "5890 Cambie Street", "Vancouver", "BC", "V5Z 3A8", "CA", alias="Chao Ma"),
    Customer("linml", "林美玲", "meiling.lin@example.ca", "+1 416-555-0145",
             "5162 Yonge Street", "North York", "ON", "M2N 6L7", "CA", line2="Suite 1805",
             alias="Meiling Lin", tier="gold"),
    Customer("hejh", "何家豪", "kevin.ho@example.com", "+1 415-555-0107",
             "845 Grant Avenue", "San Francisco", "CA", "94108-1318", "US", alias="Kevin Ho"),
    Customer("chenhong", "陈红", "chenhong1990@example.com", "+86 131 2288 7766",
             "西湖区曙光路122号", "杭州市", "ZJ", "310007", "CN", alias="Chen Hong", guest=True),
    Customer("sophie", "Sophie Turner-Hall", "sophie.turnerhall@example.co.uk",
             "+44 113 496 0811", "22 Park Row", "Leeds", "", "LS1 5JA", "GB",
             first_name="Sophie", last_name="Turner-Hall"),
    Customer("ethan", "Ethan Roberts", "ethan.roberts@example.co.uk", "+44 29 2018 0090",
             "5 Mill Lane", "Cardiff", "", "CF10 1FL", "GB", payment="paypal"),
    Customer("aoife", "Aoife Murphy", "aoife.murphy@example.ie", "+353 21 555 0190",
             "31 Oliver Plunkett Street", "Cork", "", "T12 X70A", "IE"),
    Customer("lukas", "Lukas Schäfer", "lukas.schaefer@example.de", "+49 89 5550 1212",
             "Sendlinger Straße 7", "München", "", "80331", "DE"),
    Customer("camille", "Camille Durand", "camille.durand@example.fr", "+33 4 72 55 01 23",
             "18 Rue de la République", "Lyon", "", "69002", "FR"),
    Customer("isabella", "Isabella Rossi", "isabella.rossi@example.it", "+39 02 5550 1234",
             "Via Dante 14", "Milano", "", "20121", "IT"),
    Customer("bjorn", "Björn Andersson", "bjorn.andersson@example.se", "+46 8 555 012 34",
             "Drottninggatan 53", "Stockholm", "", "111 21", "SE"),
    Customer("noah", "Noah Smith", "noah.smith@example.com", "+1 312-555-0176",
             "680 N Lake Shore Dr", "Chicago", "IL", "60611-4402", "US", line2="Apt 1415"),
    Customer("olivia", "Olivia Tremblay-Roy", "olivia.troy@example.ca", "+1 613-555-0133",
             "150 Elgin Street", "Ottawa", "ON", "K2P 1L4", "CA"),
    Customer("mateo", "Mateo Hernández", "mateo.hernandez@example.com", "+1 305-555-0121",
             "1401 Brickell Ave", "Miami", "FL", "33131-3501", "US", payment="apple_pay"),
    Customer("karen", "Karen Davis", "karen.davis@example.com", "+1 512-555-0190",
             "1100 Congress Ave", "Austin", "TX", "78701-2938", "US", guest=True),
    Customer("francois", "François Lemaire", "francois.lemaire@example.ca", "+1 418-555-0114",
             "1200 Avenue Germain-des-Prés", "Québec", "QC", "G1V 3M7", "CA", tier="gold"),
]  # fmt: skip

ORDERS = [
    # 刘洋 (Shanghai) and 刘洋 (Beijing): the same name at two postcodes
    Order("liuyang-sh", "delivered", [("QZ-KTL-15-SLV", 1), ("QZ-CLK-30-WHT", 1)], days=6,
          carrier="SF Express", note="电热水壶 and 挂钟 delivered 6 days ago"),
    Order("liuyang-sh", "pending", [("QZ-SPC-CHP-STD", 2)], hours=20,
          note="paid, not shipped yet: can be cancelled or re-addressed"),
    Order("liuyang-bj", "shipped", [("QZ-DOV-35-RED", 1)], carrier="SF Express", days=3),
    Order("liuyang-bj", "delivered", [("QZ-TEA-CEL", 1)], days=40,
          note="delivered 40 days ago: outside the 30-day return window"),
    # 周杰 (Gold)
    Order("zhoujie", "delivered",
          [("QZ-ESP", 1), ("QZ-GRD", 1), ("QZ-MUG-CRN", 2), ("QZ-BCB-L", 1),
           ("QZ-CND-SDL", 1)], days=10, carrier="SF Express",
          note="five lines: coffee machine, grinder, final-sale mugs, board, candle"),
    Order("zhoujie", "pending", [("QZ-LMP-BLK", 1)], hours=4, authorized_only=True,
          note="waiting for payment (on hold)"),
    Order("zhoujie", "delivered", [("QZ-WTH-GRN", 1)], days=52, carrier="SF Express",
          note="Gold, delivered 52 days ago: returnable (60 days)"),
    # 孙丽
    Order("sunli", "out_for_delivery", [("QZ-APR-IND-SM", 1), ("QZ-APR-NAT-SM", 1)],
          carrier="SF Express"),
    Order("sunli", "delivered", [("QZ-SLP-3839-PNK", 1)], days=5, carrier="SF Express",
          note="slippers 38-39 pink: exchangeable for another size or colour"),
    # 赵敏
    Order("zhaomin", "packed", [("QZ-GFC", 1), ("QZ-BCB-S", 1)], days=1),
    Order("zhaomin", "cancelled", [("QZ-ESP", 1)], days=15),
    Order("zhaomin", "delivered", [("QZ-PCB-WP", 1), ("QZ-PCB-STD", 1)], days=7,
          carrier="China Post", note="two picnic blankets: the waterproof one and the plain one"),
    # 吴晓燕
    Order("wuxy", "delivered", [("QZ-CND-WTEA", 2), ("QZ-CND-OSM", 1)], days=13,
          lines={1: "return_requested"}, note="a return is already open for the white-tea candles"),
    Order("wuxy", "shipped", [("QZ-SPC-PRL-KNG", 1)], carrier="China Post", days=4),
    # 郑浩然
    Order("zhenghr", "delivered", [("QZ-DOV-55-NVY", 1)], days=29, carrier="SF Express",
          note="delivered 29 days ago: last day of the return window"),
    Order("zhenghr", "processing", [("QZ-KTL-17-SLV", 1), ("QZ-TEA-WHT", 1)], hours=30,
          note="being packed in the warehouse: too late to cancel in chat"),
    # 徐静
    Order("xujing", "delivered", [("QZ-SLP-4041-PNK", 1), ("QZ-SLP-4041-NVY", 1)], days=9,
          carrier="SF Express", note="two pairs of slippers, pink and navy"),
    Order("xujing", "packed", [("QZ-LMP-WHT", 1)], days=2, carrier="SF Express"),
    # 马超 (Vancouver)
    Order("machao", "shipped", [("QZ-WTH-OAT", 1)], carrier="Canada Post", days=5,
          shipping=15.0),
    Order("machao", "delivered", [("QZ-KTL-17-SLV", 1)], days=31, carrier="Canada Post",
          shipping=15.0, note="delivered 31 days ago: one day past the window"),
    # 林美玲 (Gold, Toronto)
    Order("linml", "delivered", [("QZ-CLK-40-WOD", 1), ("QZ-CND-OSM", 2)], days=18,
          carrier="Canada Post", shipping=15.0),
    Order("linml", "pending", [("QZ-DOV-55-RED", 1)], hours=6, shipping=15.0),
    # 何家豪 (San Francisco)
    Order("hejh", "delivered", [("QZ-APR-IND-LXL", 1)], days=8, carrier="UPS", shipping=12.0,
          note="apron L/XL: exchangeable (clothing)"),
    Order("hejh", "shipped", [("QZ-GRD", 1)], carrier="UPS", days=4, shipping=12.0),
    # 陈红 (guest)
    Order("chenhong", "delivered", [("QZ-SPC-BLU-STD", 1)], days=11, carrier="SF Express",
          note="guest checkout (no account)"),
    Order("chenhong", "pending", [("QZ-MUG-SHS", 1)], hours=10),
    # Sophie Turner-Hall
    Order("sophie", "delivered", [("QZ-TEA-WHT", 1)], days=21, carrier="Royal Mail",
          shipping=18.0),
    Order("sophie", "pending", [("QZ-BCB-L", 1), ("QZ-GFC", 1)], hours=14, shipping=18.0),
    # Ethan Roberts
    Order("ethan", "delivered", [("QZ-CLK-30-WOD", 1)], days=4, carrier="Royal Mail",
          shipping=18.0),
    Order("ethan", "cancelled", [("QZ-LMP-WHT", 1)], days=12, shipping=18.0),
    # Aoife Murphy
    Order("aoife", "shipped", [("QZ-ESP", 1)], carrier="DHL", days=3, shipping=25.0,
          method="express"),
    # Lukas Schäfer
    Order("lukas", "delivered", [("QZ-SLP-4243-NVY", 1)], days=6, carrier="DHL",
          shipping=25.0, note="slippers 42-43 navy: 42-43 grey has one pair left"),
    Order("lukas", "pending", [("QZ-CND-SDL", 3)], hours=3, shipping=25.0),
    # Camille Durand
    Order("camille", "delivered", [("QZ-WTH-OAT", 1), ("QZ-SPC-CHP-KNG", 1)], days=16,
          carrier="DHL", shipping=25.0, lines={2: "returned"},
          note="the pillowcase was returned and refunded"),
    # Isabella Rossi
    Order("isabella", "out_for_delivery", [("QZ-TEA-CEL", 1), ("QZ-MUG-CRN", 1)],
          carrier="DHL", shipping=25.0),
    # Björn Andersson
    Order("bjorn", "delivered", [("QZ-KTL-15-BLK", 1)], days=12, carrier="DHL", shipping=25.0),
    Order("bjorn", "pending", [("QZ-APR-NAT-LXL", 1)], hours=40, shipping=25.0,
          address_changes=1,
          ship_to={"name": "Björn Andersson", "line1": "Sveavägen 44", "line2": "",
                   "city": "Stockholm", "region": "", "postcode": "111 34", "country": "SE"},
          note="the address was already changed once"),
    # Noah Smith
    Order("noah", "delivered", [("QZ-DOV-35-NVY", 1), ("QZ-GFC", 1), ("QZ-BCB-S", 1)],
          days=3, carrier="UPS", shipping=12.0),
    Order("noah", "pending", [("QZ-PCB-WP", 1)], hours=15, shipping=12.0),
    # Olivia Tremblay-Roy
    Order("olivia", "delivered", [("QZ-SLP-3637-GRY", 1)], days=14, carrier="Canada Post",
          shipping=15.0, lines={1: "exchange_requested:QZ-SLP-3839-GRY"},
          note="an exchange (36-37 for 38-39, grey) is already open"),
    Order("olivia", "shipped", [("QZ-CLK-40-WHT", 1)], carrier="Canada Post", days=6,
          shipping=15.0),
    # Mateo Hernández
    Order("mateo", "delivered", [("QZ-MUG-SHS", 2)], days=5, carrier="UPS", shipping=12.0,
          note="final-sale mugs"),
    Order("mateo", "pending", [("QZ-KTL-15-SLV", 1)], hours=2, authorized_only=True),
    # Karen Davis (guest)
    Order("karen", "delivered", [("QZ-LMP-WHT", 1)], days=9, carrier="USPS", shipping=12.0,
          note="guest checkout (no account)"),
    Order("karen", "shipped", [("QZ-CND-WTEA", 1)], carrier="USPS", days=2, shipping=12.0),
    # François Lemaire (Gold)
    Order("francois", "delivered", [("QZ-APR-NAT-SM", 1)], days=35, carrier="Canada Post",
          shipping=15.0, note="Gold, delivered 35 days ago: returnable; exchange window over"),
    Order("francois", "delivered", [("QZ-SPC-CHP-STD", 1)], days=20, carrier="Canada Post",
          shipping=15.0, lines={1: "exchanged"}, note="already exchanged once"),
]  # fmt: skip

_GAPS = [7, 3, 12, 5, 4, 9, 3, 6, 15, 4, 8, 3, 5, 11, 4]


def number(position: int) -> str:
    """WooCommerce order ids are post ids: rising, with other posts in between."""
    return str(5231 + sum(_GAPS[n % len(_GAPS)] for n in range(position)))


SETTINGS = {
    "shipped_cancel_to_person": True,  # the README: later, a person decides
    "exchange_categories": ["服装", "鞋履"],
}
