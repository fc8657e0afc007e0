"""The references a shopper's message carries, read as candidates for the store to resolve.

Nothing here knows a store's format: an order number is any token the shopper marks as one
("#1188", "order 5231", "订单5493", "1231那单", "NW-104233", "ORD-2024-000123") or a bare
number that no other reading explains; the order system decides whether such an order exists
(and, for identity, whose it is). A store may declare its pattern
(``orders.order_number_pattern``) to mark its numbers even when written bare. Postcodes of many
countries (US ZIP and ZIP+4, Canada, the UK, Ireland, China, Sweden, most of Europe), names of
one to five words in any script, phone numbers and street addresses are read the same way:
as candidates, checked against the store's data, never against a format of our own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from bot.orders.system import Address

# -- spans that are not order numbers --------------------------------------------------------
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
PHONE = re.compile(
    r"(?<![0-9A-Za-z#])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]\d{2,4}){2,3}"
    r"(?![0-9A-Za-z])"
)
# Postcodes, most specific first. Each is a candidate until compared with the store's data.
_POSTCODES = [
    # a European postcode with its country's letters: LT-01103, CH-8001, LV-1010
    r"(?-i:(?:LT|LV|EE|CH|AT|A|D|F|L|B|I|FI|SE|DK|NO|SI|HR|RO|BG|CY|GR|LU|HU|CZ|SK|DE|FR)-\d{3,5})",
    r"(?-i:AD\d{3})",  # Andorra: AD500
    r"[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}",  # United Kingdom: NW1 6XE, W1U 8EW, BS14DZ
    r"[A-Z]\d[A-Z]\s?\d[A-Z]\d",  # Canada: M5V 3L9, H2X1Y4
    r"[AC-FHKNPRTV-Y]\d{2}\s?(?=[A-Z]*\d)[A-Z\d]{4}",  # Ireland (Eircode): D02 X285
    r"\d{5}-\d{4}",  # United States ZIP+4
    r"\d{3}-\d{4}",  # Japan: 150-0001
    r"\d{5}-\d{3}",  # Brazil: 01310-100
    r"\d{4}-\d{3}",  # Portugal: 1100-321
    r"\d{2}-\d{3}",  # Poland: 00-511
    r"(?-i:\d{4}\s?[A-Z]{2})",  # the Netherlands: 3511 AX (capitals: not "1234 is")
    r"\d{3}\s\d{2}",  # Sweden, Czechia, Slovakia, Greece: 111 21
    r"[A-Z]\d{4}[A-Z]{3}",  # Argentina (CPA): C1425DKF
    r"\d{7}",  # Chile, Israel
    r"\d{6}",  # China, India, Russia, Singapore
    r"\d{5}",  # United States, Germany, France, Italy, Spain, ...
    r"\d{4}",  # Australia, Denmark, Switzerland, ... (only when named a postcode)
    r"\d{3}",  # Taiwan, Iceland, ... (only when named a postcode)
]
POSTCODE = re.compile(
    r"(?<![0-9A-Za-z/-])(" + "|".join(_POSTCODES[:-2]) + r")(?![0-9A-Za-z-])", re.I
)
POSTCODE_HINT = re.compile(
    r"zip|post ?code|postal|eircode|c[oó]digo postal|\bc\.?p\.?(?=\s*\d)"
    # German, French, Italian, Swiss, Brazilian, Nordic names (capitals: "plz" is "please")
    r"|(?:\b(?-i:PLZ|CAP|NPA|CEP)|postleitzahl|code postal|postnr|postnummer)\b"
    r"(?=\s*:?\s*[A-Z]{0,2}-?\d)"
    r"|邮编|邮政编码|邮递区号|邮区编号",
    re.I,
)
# The words that say a postcode follows, in the shopper's language ("zip", "CP", 邮编).
_HINT_EN = (
    r"zip|post ?code|postal code|eircode|c[oó]digo postal|\bc\.?p\.?"
    r"|\b(?-i:PLZ|CAP|NPA|CEP)\b|\b(?:postleitzahl|code postal|postnr|postnummer)\b"
)
_HINT_ZH = r"邮编|邮政编码|邮递区号|邮区编号"
_HINTED = re.compile(
    rf"(?:{_HINT_EN}|{_HINT_ZH})"
    r"(?:\s*code)?"
    # "the postcode on the order is 2010", "zip for my account: 98109"
    r"(?:\s+(?:on|of|for|in)\s+(?:the|my|this|that|your)\s+(?:order|account|parcel|package|file)"
    r"|\s+(?:on|of|for)\s+(?:it|them))?"  # "postcode on it now is 1070"
    # "the postcode it's going to now is 4101", "zip it ships to currently: 94110"
    r"(?:\s+(?:it'?s|it\s+is|they'?re|it)\s+(?:going|being\s+delivered|delivered|shipping|ships|"
    r"set\s+to\s+go|sent)(?:\s+to)?(?:\s+(?:now|currently|right\s+now|at\s+the\s+moment))?)?"
    r"(?:\s+(?:now|currently))?"
    r"\s*(?:is|:|：|是|系|为)?\s*"
    r"(?:[A-Z]{2,3}\s+)?"  # a state before it: "postcode is NSW 2010"
    r"(" + "|".join(_POSTCODES) + r")(?![0-9A-Za-z-])",
    re.I,
)

# -- order numbers ----------------------------------------------------------------------------
# A letter suffix after a hyphen is part of it: Shopify names can end in one ("FC-3982-MX").
_SUFFIX = r"(?:-[A-Z]{1,4}(?![0-9A-Za-z]))?"
_TOKEN = r"[A-Z]{0,5}[-\s/]?\d[\d-]{1,14}\d" + _SUFFIX + r"|\d{3,}"
# After "order" or "#" only: a number written in groups ("28 426", "1 204 233") or a code
# with spaces for its hyphens ("SS 4 2519"). Groups of four or more first ("1201 1202") are
# two numbers, not one.
_SPACED = (
    # thousands groups, by a space or a dot ("1.053.748" in Turkey, Germany, Brazil)
    r"\d{1,3}(?:\s\d{3}){1,2}(?![0-9A-Za-z])|\d{1,3}(?:\.\d{3}){1,2}(?![0-9A-Za-z.,])"
    r"|[A-Z]{1,5}(?:\s\d{1,6}){2,3}(?![0-9A-Za-z])"
    r"|[A-Z]{1,5}\d{2,6}\s\d{3,6}(?![0-9A-Za-z])"  # "MJ2026 01563" for MJ2026-01563
    r"|[A-Z]{1,5}\s\d{2,8}\s(?-i:[A-Z]{2,3})(?![0-9A-Za-z])"  # "FC 3949 MX" for FC-3949-MX
)
_MARKED = re.compile(
    r"#\s?(" + _SPACED + "|" + _TOKEN + r")"
    r"|(?:order|ord|订单号码|订单编号|订单号?|单号)\s*(?:number|no\.?|num|#|号|:|：|是|系)?\s*#?\s*("
    + _SPACED
    + "|"
    + _TOKEN
    + r")"
    r"|(?<![0-9A-Za-z-])(\d{3,12})\s*(?:那|这)?[单笔](?!位)"
    r"|(?:那|这|张|張)[单笔單]\s*(\d{3,12})(?![0-9A-Za-z])",
    re.I,
)
_SPACED_WHOLE = re.compile(_SPACED, re.I)
_WORD_BEFORE_NUMBER = re.compile(
    r"(?i)^(?:s|is|was|are|no|nr|num|number|of|the|my|a|an|to|for|at|on|in)\s+(?=\d)"
)
# A code such as NW-104233, W1234567, ORD-2024-000123 or CM26-0966: letters and digits in one
# token.
_CODE = re.compile(
    r"(?<![0-9A-Za-z@.-])(?<!\bthe\s)(?<!\bbigger\s)(?<!\bsmaller\s)(?<!\blarger\s)"
    r"([A-Z]{1,5}[-/]?\d{4,12}(?:-\d{2,12})*"  # "JD/24910": a plugin's slash
    + _SUFFIX
    # a year or series in the prefix: "CM26-0966", "cm26 0966"
    + r"|[A-Z]{1,5}\d{2,4}[-\s]\d{3,12}(?:-\d{2,12})*)(?![0-9A-Za-z@-])"
    r"(?!\s+(?:canister|filter|model|version|one|size|unit)\b)",
    re.I,
)  # not a model: "the CF-600 canister filter", "the bigger CF-1200"
# (digits with one hyphen too: a plugin's year-prefixed "2026-0455"; not a date "2026-12-07")
_BARE = re.compile(
    r"(?<![0-9A-Za-z.,$€£¥-])(\d{2,6}-\d{2,8}(?![0-9A-Za-z%-])|\d{3,12})(?![0-9A-Za-z%])"
)
# Numbers that are plainly something else: sizes, quantities, money, days, times, models.
_NOT_ORDER = re.compile(
    r"(?i)(?:size|sz|尺码|码|qty|x|×|\$|€|£|¥|cad|usd|rmb)\s*\d+|\d+\s*(?:days?|d|hours?|h|"
    r"weeks?|months?|years?|pcs|pieces|pack|items?|of them|lumens?|ml|l|cm|mm|kg|g|qt|°c|"
    r"天|个|件|双|码|号码|小时|周|月|年|元|块)\b"
)


def _corrected(text: str, orders: list[OrderRef]) -> list[OrderRef]:
    """The numbers after the shopper corrects one ("#KYM5378... sorry, wrong one, it's
    #KYM5387", "订单 1201，不对，订单 1202"): the ones before the correction are withdrawn."""
    cues = [m.start() for m in _CORRECTION.finditer(text)]
    for cue in reversed(cues):
        before = [o for o in orders if 0 <= o.at < cue]
        after = [o for o in orders if o.at > cue]
        if before and after:
            return [o for o in orders if o not in before]
    return orders


# What a shopper says when the number just given was the wrong one.
_CORRECTION = re.compile(
    r"(?i)\b(?:sorry|wrong (?:one|number|order)|i mean|i meant|actually|hang on|hold on|scratch "
    r"that|my bad|correction|typo|mine is)\b|不对|说错|打错|写错|搞错|应该是|更正|不好意思"
)


# -- names ------------------------------------------------------------------------------------
_NAME_CUE = re.compile(
    r"\b(?i:my name is|my name's|name is|name:|i am|i'm|im|this is|it's|it is)\s+"
    r"|(?:我叫|我是|我系|名字是|姓名[:：]?)\s*"
)
_WORD = re.compile(r"[^\W\d_\u3400-\u9fff]+(?:['’-][^\W\d_\u3400-\u9fff]+)*", re.U)
_CJK = re.compile(r"[\u3400-\u9fff]")
_CJK_NAME = re.compile(r"[\u3400-\u9fff]{2,4}")
# Words that end a name when read backwards or forwards from a postcode or a cue.
_NOT_NAME = set(
    """a about account address again all also am an and any anything are as asked at back be
    because been before but buy by can cancel change code could customer day delivered did do
    does dont don't e-mail email eircode exchange for from get give got had has have he her
    here hey hi his how i i'd i'll i'm id im in is it it's its just last like mail me mine my
    need new no not now number of ok on one or order ordered orders our please post postal
    postcode refund return returned send sent she ship shipped should since sorry status
    still thank thanks that the their them then there these they this to track tracking up us
    want was we were what whats what's when where which who why will with would yes you your
    zip hello dear husband wife account holder son daughter friend mother father hola cp""".split()
)
_CJK_NOT_NAME = re.compile(
    r"的|我是|我叫|名字|邮编|邮箱|订单|我的|你好|您好|请问|帮我|谢谢|快递|地址|收货|退货|取消|换货|那单|这单|单号|物流|什么|"
    r"签收|发货|老公|老婆|妻子|丈夫|先生|女士|手机|电话|游客|顾客|客人|客户|会员|买家|用户|下单|本人|"
    # courtesy and corrections before the details: "不好意思，…是 30862"
    r"不好意思|对不起|抱歉|麻烦|打扰|哈喽|哈啰|早上好|上午好|下午好|晚上好|在吗|客服|打错|写错|说错|不对|好的|是的"
)

# -- addresses --------------------------------------------------------------------------------
_UNIT_BEFORE = re.compile(
    r"(?i)\b(?:apt|apartment|suite|ste|unit|flat|floor|level|room|rm|bldg|building)\.?\s*#?\s*"
    r"[\w-]{1,6}$"
)
# A floor or flat written after the house number: "Apt 4", "2. OG", "3. Stock", "Top 12",
# "Hinterhaus", "Stiege 2", "Bâtiment B", "2º piso".
_FLOOR_WORDS = (
    r"og|ug|eg|dg|stock|etage|obergeschoss|dachgeschoss|erdgeschoss|étage|piso|planta|floor"
)
_UNIT_WORD_BEFORE = re.compile(r"(?i)\b(unit|apt|apartment|flat|suite|shop|villa|townhouse)\s*$")
_UNIT = re.compile(
    r"(?i)^(apt|apartment|suite|ste|unit|flat|fl|floor|level|lvl|room|rm|#|bldg|building|po box|"
    r"p\.o\.|whg|wohnung|top|stiege|stg|tür|hinterhaus|vorderhaus|seitenflügel|gartenhaus|"
    rf"b[âa]timent|bât|escalier|esc|puerta|{_FLOOR_WORDS})\b"
    rf"|^\d{{1,2}}(?:\.|º|ª|st|nd|rd|th|e|er|ème)?\s*(?:{_FLOOR_WORDS})\b"
)
_ADDRESS_CUE = re.compile(
    r"(?i)\b(?:ship(?:ped)?|send|sent|deliver(?:ed)?|mail|redirect|change(?:d)?|update|move|"
    r"go|goes)\b[^.?!\n]{0,40}?\bto\b\s*(?:my\s+\w+\s*(?:instead)?[?:,.]?\s*)?"
    r"|(?i:new (?:shipping |delivery )?address(?: is)?|address(?: is)?\s*[:：])\s*"
    r"|(?:新地址|收货地址|地址)\s*(?:是|为|改成|改为|换成)?\s*[:：]?\s*|(?:改成|改为|换成|寄到|送到|发到)\s*[:：]?\s*"
)
_STREET = re.compile(
    r"(?i)(?<![0-9A-Za-z-])(?:(?:blk|block)\s+)?\d+[A-Z]?(?:[-/]\d+){0,3}\s+"
    r"(?:[A-Za-zÀ-ÿ]|\d{1,3}(?:st|nd|rd|th)\b|\d{1,3}\s+(?=(?:avenue|ave|street|st)\b))"
    r"[\w.'’-]*|[A-Za-zÀ-ÿ][\w'’-]*"
    r"(?:strasse|straße|str\.|gatan|vägen|weg|gasse|platz|allee|via|rue|calle|avenida|straat|"
    r"laan|gracht|plein|kade|singel|dijk|vej|gade)\s*\d+"
    r"|[A-ZÀ-Þ][\w'’-]*\s(?:Straße|Strasse|Str\.|Weg|Allee|Platz|Gasse|Damm|Ring|Ufer)\s*\d+"
    # Nordic streets: "Olav Tryggvasons gate 24", "Bogstadveien 3", "Aleksanterinkatu 12"
    r"|[A-Za-zÀ-ÿ][\w'’-]*(?:gata|gaten|veien|vegen|gränd|torget|katu|tie)\s*\d+"
    r"|[A-Za-zÀ-ÿ][\w'’-]*(?:\s+[A-Za-zÀ-ÿ][\w'’-]*){0,2}\s(?:gate|gata|vei|veg|allé|plass|väg|vej|"
    r"gade)\s*\d+"
    # any name and number followed by a postcode before its town: "Grensen 5, 0159 Oslo"
    # (a floor may follow the number: "Weesperzijde 112-2")
    # (a German or Dutch name may start with a particle: "Am Hang 3", "An der Alster 12")
    r"|(?!(?:order|ordre|bestilling|pedido|commande|zip|postcode|no|nr)\b)"
    r"(?:(?-i:Am|An|Im|Zum|Zur|Auf|Unter|Hinter|Op|Aan)\s+(?:(?-i:der|den|dem|de)\s+)?)?"
    r"(?-i:[A-ZÀ-Þ])[\w'’-]{2,}"
    r"(?:\s+[A-Za-zÀ-ÿ][\w'’-]*){0,2}\s+\d{1,4}[A-Za-z]?(?:-\d{1,3})?"
    # (or a floor: "Am Hang 3, 2. OG, 81245 München")
    rf"(?=\s*,\s*(?:\d{{1,2}}\.?\s*)?(?:{_FLOOR_WORDS}|top\s*\d+|whg\.?\s*\d+)\b"
    r"|\s*,\s*(?:(?:[A-Z]{1,2}-)?(?:\d{4,5}|\d{3}\s\d{2})|(?-i:AD)\d{3})\s+(?-i:[A-ZÀ-Þ])"
    # ... or after it: "Zhung Lam 5, Paro 12001"
    r"|\s*,\s*(?-i:[A-ZÀ-Þ])[\w'’-]+(?:\s+[A-Za-zÀ-ÿ][\w'’-]*){0,2}\s+\d{4,6}(?![\w-]))"
    # Turkish, the kind after the name and the number after "No:": "Bağdat Cad. No: 301",
    # "Mimar Kemalettin Mah. Ordu Cad. No: 88" (the quarter first)
    r"|(?-i:[A-ZÀ-ÞÇĞİÖŞÜ])[\w'’.-]*(?:\s+[^\W\d_][\w'’.-]*){0,4}?\s+(?:cad\.|cd\.|caddesi|"
    r"sok\.|sk\.|"
    r"sokak|soka[gğ][iı]|bulvar[iı]|blv\.|bulv\.)\s*(?:no\s*[:.]?\s*)?\d+[A-Z]?\b"
    # a street named after its kind: "Rua Augusta 55", "Calle Mayor 12", "Via Roma 3"
    r"|(?<![\w.])(?:rua|avenida|av\.|calle|carrer|via|viale|rue|travessa|largo|praça|paseo|"
    r"ul\.|ulica|al\.|aleja|os\.|pl\.|chauss[ée]e|chemin|quai|all[ée]e|impasse|boulevard|"
    r"avenue|steenweg|blvd\.?|bulevar|calz\.|calzada|carretera|camino|prol\.|prolongaci[óo]n|"
    r"jl\.|jln\.?|jalan|lorong|persiaran|lebuh|gang)\s*"
    r"(?:[A-Za-zÀ-ÿ][\w'’.-]*(?:\s+[A-Za-zÀ-ÿ][\w'’.-]*){0,4}?"
    r"|\d{1,4}(?:\s+[A-Za-zÀ-ÿ][\w'’.-]*){1,4}?)"  # a date in the name: "Avenida 5 de Outubro 102"
    r"\s+(?:no\.?\s*)?\d+[A-Z]?\b"  # "Jl. Kemang Raya No. 8"
)
# "Blk 210 Punggol Field #05-118": a floor and unit after a block or street, not an order.
_SINGAPORE_UNIT = re.compile(
    r"(?i)(?:\b(?:blk|block)\s+\d+[A-Z]?|\b\d{1,5}[A-Z]?)(?:\s+[A-Za-z][\w'.-]*){1,5},?\s+"
    r"#\s?\d{1,3}-\d{1,5}$"
)
# Where a street's name ends (its kind, then a unit): the rest is town and postcode.
_STREET_END = re.compile(
    r"(?i)^(?:(?:blk|block)\s+)?\d+[A-Z]?\s+[^,]*?\b(?:road|rd|street|st|avenue|ave|drive|dr|"
    r"lane|ln|way|boulevard|blvd|crescent|cres|place|pl|court|ct|terrace|tce|highway|hwy|parade|"
    r"close|square|sq)\b\.?(?:\s+\d{1,3}(?![\w-]))?"  # "Bedok North St 2"
    r"(?:\s+(?:#\d{1,3}-\d{1,5}|(?:apt|unit|suite|flat)\s*\w+))?"
)
# ... or a unit: "Blk 210 Punggol Field #05-118 Singapore 820210"
_UNIT_END = re.compile(r"(?i)^(?:(?:blk|block)\s+)?\d+[A-Z]?\s+[^#,]+?\s+#\d{1,3}-\d{1,5}(?![\w-])")
_HOUSE_NUMBER = re.compile(r"(?i)(?:^|\s)(?:no\.?|#|house\s+no\.?)?\s*\d{1,5}[A-Z]?$")
_STREET_KIND = re.compile(
    r"(?i)\b(?:road|rd|street|st|avenue|ave|lane|ln|marg|nagar|cross|main|soi|drive|way)\b"
)
_CJK_STREET = re.compile(
    r"[\u3400-\u9fff]+(?:区|县|市|镇)?[\u3400-\u9fff]*(?:路|街|道|巷|弄|里|大道)[\u3400-\u9fff\d\-]*号"
)
# A building, floor or room written on its own: "12楼", "3栋1502室", "B座 805".
_CJK_UNIT = re.compile(
    r"(?:[\dA-Za-z-]+\s*(?:号楼|號樓|栋|棟|座|单元|單元|楼|樓|层|層|室|房)\s*){1,4}[\dA-Za-z-]*"
)
_REGION = re.compile(r"^[A-Z]{2,3}$")
_TRAILING_UNIT = re.compile(
    r"\s(#\d{1,3}-\d{1,5}|(?:m\.|apt\.?|unit|flat|suite|ste\.?)\s*\d+[A-Z]?)$", re.I
)
# "台北市大安区复兴南路…", "台中市公益路二段51號": the city, then a district or the street
_CITY_BEFORE_DISTRICT = re.compile(
    r"([\u3400-\u9fff]{1,3}?市)(?=[\u3400-\u9fff]{1,4}[区县區縣]|[\u3400-\u9fff]{1,6}(?:路|街|道))"
)
_COUNTRIES = {
    "usa": "US", "united states": "US", "us": "US", "canada": "CA", "uk": "GB",
    "united kingdom": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "ireland": "IE",
    "china": "CN", "中国": "CN", "germany": "DE", "deutschland": "DE", "france": "FR",
    "italy": "IT", "italia": "IT", "spain": "ES", "españa": "ES", "sweden": "SE",
    "sverige": "SE", "australia": "AU", "hong kong": "HK", "香港": "HK", "japan": "JP",
    "netherlands": "NL", "the netherlands": "NL", "nederland": "NL", "portugal": "PT",
    "south africa": "ZA", "singapore": "SG", "新加坡": "SG", "malaysia": "MY",
    "new zealand": "NZ", "mexico": "MX", "méxico": "MX", "south korea": "KR", "korea": "KR",
    "thailand": "TH", "taiwan": "TW", "台湾": "TW", "macau": "MO", "macao": "MO", "澳门": "MO",
    "belgium": "BE", "austria": "AT", "switzerland": "CH", "denmark": "DK", "norway": "NO",
    "brazil": "BR", "brasil": "BR", "india": "IN", "philippines": "PH", "indonesia": "ID",
}  # fmt: skip


@dataclass
class OrderRef:
    text: str  # as written, e.g. "#1188", "5231", "NW-104233"
    marked: bool  # the shopper said it is an order number (#, "order", 订单...) or it is a code
    at: int = -1  # where it starts in the message


@dataclass
class References:
    """What one message refers to, as candidates."""

    orders: list[OrderRef] = field(default_factory=list)
    email: str | None = None
    postcodes: list[str] = field(default_factory=list)  # outside any new address
    names: list[str] = field(default_factory=list)  # most plausible first
    cued_name: str | None = None  # "my name is ..." / "我是..."
    windows: list[str] = field(default_factory=list)  # other word runs, tried last
    address: Address | None = None  # a new shipping address
    address_span: tuple[int, int] | None = None
    phones: list[str] = field(default_factory=list)

    @property
    def marked_orders(self) -> list[str]:
        return [o.text for o in self.orders if o.marked]

    @property
    def bare_orders(self) -> list[str]:
        return [o.text for o in self.orders if not o.marked]

    @property
    def short_numbers(self) -> list[str]:
        return short_numbers(self.bare_orders)


def short_numbers(numbers: list[str]) -> list[str]:
    """Bare three- and four-digit numbers: an order, or the postcode of Australia, New
    Zealand, Denmark, Switzerland, Taiwan... (the store's data decides which)."""
    return [n for n in numbers if re.fullmatch(r"\d{3,4}", n)]


def read_references(text: str, pattern: re.Pattern[str] | None = None) -> References:
    """Every reference in ``text``; ``pattern`` is the store's own order-number pattern."""
    found = References()
    text = text.replace("’", "'").replace("＃", "#")
    taken: list[tuple[int, int]] = []  # spans already explained

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    if email := EMAIL.search(text):
        found.email = email.group(0).lower()
    for m in EMAIL.finditer(text):
        taken.append(m.span())
    marks = [m for m in _MARKED.finditer(text) if not _SINGAPORE_UNIT.search(text[: m.end()])]
    marked_spans = [m.span(next(i for i in (1, 2, 3, 4) if m.group(i))) for m in marks]
    codes = [m.span(1) for m in _CODE.finditer(text) if any(c.isalpha() for c in m.group(1))]
    stored = [m.span() for m in pattern.finditer(text)] if pattern is not None else []
    address = find_address(text, avoid=marked_spans + codes + stored)
    if address is not None:
        found.address, found.address_span = address
        taken.append(found.address_span)
    # Postcodes outside the new address; a named one ("zip 43215") first.
    for m in _HINTED.finditer(text):
        if free(*m.span(1)):
            found.postcodes.append(m.group(1).upper())
            taken.append(m.span(1))
    for m in POSTCODE.finditer(text):
        span = m.span(1)
        if not free(*span) or any(not (span[1] <= a or span[0] >= b) for a, b in marked_spans):
            continue
        value = m.group(1)
        if value.isdigit() and len(value) == 4:
            continue  # four digits are a postcode only when named one
        found.postcodes.append(value.upper())
        taken.append(span)
    for m in PHONE.finditer(text):
        if free(*m.span()) and sum(ch.isdigit() for ch in m.group(0)) >= 8:
            found.phones.append(m.group(0))
            taken.append(m.span())
    # Order numbers: the store's pattern, marked ones, codes, then bare numbers.
    seen: set[str] = set()

    def add(value: str, marked: bool, span: tuple[int, int]) -> None:
        value = " ".join(value.split()).strip("-")
        if marked and _SPACED_WHOLE.fullmatch(value):  # "28 426" is 28426; "SS 4 2519" SS-4-2519
            value = value.replace(" ", "-") if value[0].isalpha() else re.sub(r"[\s.]", "", value)
        value = _WORD_BEFORE_NUMBER.sub("", value)  # "the order is 37183": not "IS 37183"
        key = "".join(ch for ch in value.upper() if ch.isalnum())
        if key and key not in seen:
            seen.add(key)
            found.orders.append(OrderRef(value, marked, span[0]))
        taken.append(span)

    if pattern is not None:
        for m in pattern.finditer(text):
            if free(*m.span()):
                add(m.group(0), True, m.span())
    for span in marked_spans:
        if free(*span):
            add(text[span[0] : span[1]], True, span)
    for m in _CODE.finditer(text):
        if free(*m.span(1)) and any(ch.isalpha() for ch in m.group(1)):
            add(m.group(1), True, m.span(1))
    for m in _NOT_ORDER.finditer(text):
        taken.append(m.span())
    for m in _BARE.finditer(text):
        if free(*m.span(1)):
            add(m.group(1), False, m.span(1))
    found.orders = _corrected(text, found.orders)
    # The letters of an order name are no name ("it's KH1766-JP" is not "KH JP").
    named = text
    for ref in found.orders:
        end = ref.at + len(ref.text)
        if ref.at >= 0 and re.search(r"[^\W\d_]", ref.text) and named[ref.at : end] == ref.text:
            named = named[: ref.at] + " " * len(ref.text) + named[end:]
    found.cued_name, found.names = names_in(named, found)
    if (found.postcodes or found.short_numbers) and not found.names:
        found.windows = name_windows(text)
    return found


# -- names ------------------------------------------------------------------------------------
# "Kevin 陈", "陈 Kevin": a given name in letters beside a family name in characters.
_MIXED_SCRIPT_NAME = re.compile(
    r"(?:^|(?<=[\s,，:：]))"
    r"(?:[A-Z][a-z'-]+\s*[\u3400-\u9fff]{1,2}|[\u3400-\u9fff]{1,2}\s*[A-Z][a-z'-]+)$"
)
_MEASURE_AFTER = re.compile(r"(?i)\s*(?:的|号|號|码|碼|mm|cm|ml|毫米|厘米|寸|克|升|g\b|l\b)")


def names_in(text: str, refs: References) -> tuple[str | None, list[str]]:
    """(a name the shopper introduced, candidate full names to check with a postcode)."""
    cued = None
    candidates: list[str] = []
    for m in _NAME_CUE.finditer(text):
        after = text[m.end() :]
        if _CJK.match(after):
            run = _CJK_NAME.match(after)
            if run:
                name = _cut_cjk(run.group(0))
                cued = cued or name
                candidates.append(name)
            continue
        words = _words_forward(after)
        if len(words) < 2:
            continue
        if all(w[:1].isupper() for w in words[:2]):  # "I'm moving next week" is nobody's name
            cued = cued or next(
                span for span in name_spans(words, from_end=False) if _counted(span) <= 4
            )
        candidates += name_spans(words, from_end=False)
    anchors = [text.find(p) for p in refs.postcodes if text.find(p) >= 0]
    anchors += [  # not a size or model: "牛刀210的有点短", "杯子350ml"
        at
        for p in refs.short_numbers
        if (at := text.find(p)) >= 0 and not _MEASURE_AFTER.match(text, at + len(p))
    ]
    anchors += [text.lower().find(p.lower()) for p in refs.postcodes]
    if refs.email:
        anchors.append(text.lower().find(refs.email))
    for anchor in sorted({a for a in anchors if a >= 0}):
        before = text[:anchor]
        before = re.sub(rf"(?i)(?:{_HINT_EN})(?:\s*code)?\s*(?:is|:)?\s*$", "", before)
        before = re.sub(rf"(?:{_HINT_ZH})\s*[:：是系]?\s*$", "", before)
        tail = before.rstrip(" ,，、:：-—–")
        tail = re.sub(r"(?i)(?:\s+(?:here|again|speaking|writing))+$", "", tail)
        mixed = _MIXED_SCRIPT_NAME.search(tail)
        if mixed:  # "Kevin 陈", "陈 Kevin": a given name in letters, the family name not
            candidates.append(" ".join(mixed.group(0).split()))
            continue
        cjk = re.search(r"(?:^|[^\u3400-\u9fff])([\u3400-\u9fff]+)$", tail)
        if cjk:
            name = _cut_cjk(cjk.group(1))
            if name:
                candidates.append(name)
            continue
        candidates += name_spans(_words_backward(tail), from_end=True)
    # At the very start ("Oliver Bennett W1U 8EW, order 1201"; "陈红，310007").
    start = re.match(r"\s*([\u3400-\u9fff]{2,4})[\s,，、]", text)  # "陈红，310007"
    if start:
        candidates.append(_cut_cjk(start.group(1)))
    unique = list(dict.fromkeys(c for c in candidates if c))
    return cued, unique


def bare_name(text: str) -> str | None:
    """A message that is only a name ("Daniel Kowalczyk", "it's Tāne Whaanga", "林美玲"): the
    answer to "who are you?", to be checked with the store like any name."""
    text = re.sub(
        r"(?i)^\s*(?:my name is|name:|i am|i'm|it'?s|this is|我是|我系|我叫)\s*", "", text
    )
    text = text.strip(" .,!。，！")
    if re.fullmatch(r"[\u3400-\u9fff]{2,4}", text):
        return text if _cut_cjk(text) == text else None  # not 算了吧, 好的谢谢
    words = text.split()
    if not 2 <= len(words) <= 4 or not all(
        re.fullmatch(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", w) for w in words
    ):
        return None
    if any(w.lower() in _NOT_NAME for w in words):
        return None
    return text


def name_windows(text: str) -> list[str]:
    """Any two or three words in a row, for a postcode with no name beside it or after a
    cue ("i am michael lee in denver 80202"): candidates to try, nothing more."""
    words = [w for w in _WORD.findall(text) if w.lower() not in _NOT_NAME]
    return [" ".join(words[i : i + n]) for n in (2, 3) for i in range(len(words) - n + 1)]


def _cut_cjk(run: str) -> str:
    """A Chinese name out of a run of characters: before words that are not names."""
    cut = _CJK_NOT_NAME.search(run)
    run = run[: cut.start()] if cut else run
    return run if 2 <= len(run) <= 4 else (run[:3] if len(run) > 4 else "")


# The small words inside family names ("Maria das Graças Nogueira de Souza", "Ludwig van
# Beethoven", "Ahmad bin Ismail"): part of a name between two capitalised words, not counted
# among its (at most five) words.
_NAME_PARTICLES = frozenset(
    "de del della da das do dos di du des la le las los van der den von ter ten bin binti ibn al "
    "el e y i".split()
)
_MAX_NAME_WORDS = 5


def _is_particle(words: list[str], index: int) -> bool:
    """A lowercase particle with a capitalised word on each side."""
    word = words[index]
    return (
        word in _NAME_PARTICLES
        and 0 < index < len(words) - 1
        and words[index - 1][:1].isupper()
        and words[index + 1][:1].isupper()
    )


def _name_words(words: list[str], *, from_end: bool) -> list[str]:
    """The longest run of name words at one end of ``words`` (particles inside it kept)."""
    order = range(len(words) - 1, -1, -1) if from_end else range(len(words))
    taken: list[int] = []
    counted = 0
    for i in order:
        particle = _is_particle(words, i)
        if words[i].lower() in _NOT_NAME and not particle:
            break
        taken.append(i)
        counted += not particle
        if counted == _MAX_NAME_WORDS:
            break
    run = [words[i] for i in sorted(taken)]
    while run and run[-1] in _NAME_PARTICLES:
        run.pop()
    while run and run[0] in _NAME_PARTICLES:
        run.pop(0)
    return run


def _counted(name: str) -> int:
    return sum(1 for word in name.split() if word not in _NAME_PARTICLES)


def name_spans(words: list[str], *, from_end: bool) -> list[str]:
    """Candidate full names from the longest to two words, none starting or ending with a
    particle ("Souza", "Nogueira de Souza", ..., "Maria das Graças Nogueira de Souza")."""
    spans = [words[-n:] if from_end else words[:n] for n in range(len(words), 1, -1)]
    return [
        " ".join(span)
        for span in spans
        if span[0] not in _NAME_PARTICLES and span[-1] not in _NAME_PARTICLES
    ]


def _words_forward(text: str) -> list[str]:
    text = EMAIL.sub(lambda m: "@" * len(m.group(0)), text)  # "s" of s.dlamini@... is no name
    words: list[str] = []
    last_end = 0
    for m in _WORD.finditer(text):
        gap = text[last_end : m.start()]
        if words and re.search(r"[.?!;:,\n，。？！；：、@\u3400-\u9fff]|\s[-–—]\s", gap):
            break
        words.append(m.group(0))
        last_end = m.end()
        if len(words) == 3 * _MAX_NAME_WORDS:
            break
    return _name_words(words, from_end=False)


_SHORT_GIVEN = re.compile(r"[^\W\d_a-z][^\W\d_]{1,3}")
"""A given name written short before its dot: capital first, two to four letters."""


def _words_backward(text: str) -> list[str]:
    words: list[str] = []
    end = len(text)
    for m in reversed(list(_WORD.finditer(text))):
        gap = text[m.end() : end]
        if words and re.fullmatch(r"\.\s+", gap) and _SHORT_GIVEN.fullmatch(m.group(0)):
            words.insert(0, f"{m.group(0)}.")  # "Ma. Guadalupe Hernández Ruiz", "Mohd. Irfan"
            end = m.start()
            continue
        if re.search(r"[.?!;:\n]|,(?!\s*[^\W\d_]+\s*$)", gap) and words:
            break
        if re.search(r"[.?!;:\n]|\s[-–—]\s", gap):  # "Majo - María José García López"
            break
        words.insert(0, m.group(0))
        end = m.start()
        if len(words) == 3 * _MAX_NAME_WORDS:
            break
    return _name_words(words, from_end=True)


# -- addresses --------------------------------------------------------------------------------
def find_address(
    text: str,
    avoid: list[tuple[int, int]] = (),  # type: ignore[assignment]
) -> tuple[Address, tuple[int, int]] | None:
    """A new shipping address written in the message, and where it is: after a cue ("ship it
    to", "新地址"), else where a street starts; never starting inside ``avoid`` (order numbers)."""

    def clear(position: int) -> bool:
        return not any(a <= position < b for a, b in avoid)

    cued = [m.end() for m in _ADDRESS_CUE.finditer(text)]
    streets = [m.start() for m in _CJK_STREET.finditer(text)]
    streets += [m.start() for m in _STREET.finditer(text)]
    for start in [*sorted(set(cued)), *sorted(set(streets))]:
        if not clear(start):
            continue
        segment, lead = _segment(text, start)
        parsed = parse_address(segment, [(a - start - lead, b - start - lead) for a, b in avoid])
        if parsed is not None:  # the span starts at the street: "要改成" before it is no data
            offset = start + lead + max(0, segment.find(parsed.line1))
            unit_word = _UNIT_WORD_BEFORE.search(text[:offset])
            if unit_word and re.match(r"\d+[A-Z]?/\d", parsed.line1):
                # "Unit 3/45 Crown Street": unit 3 of number 45, written as one line in Australia
                parsed = replace(parsed, line1=f"{unit_word.group(1)} {parsed.line1}")
                offset = unit_word.start(1)
            unit = _UNIT_BEFORE.search(text[:offset].rstrip(" ,，-–—"))
            if unit and not parsed.line2:  # "Flat 12, 40 Upper Street", "Unit 2710 - 18 Yonge St"
                parsed = replace(parsed, line2=unit.group(0))
                offset = unit.start()
            elif not parsed.line2 and (home := _home_before(text[:offset])) is not None:
                # "Appt 12, Résidence Les Jardins, 45 Boulevard Anfa": the flat and building
                parsed = replace(parsed, line2=home.group(1))
                offset = home.start(1)
            return parsed, (offset, start + lead + _address_end(segment, parsed))
    return None


# The flat and building written before the street, each part short and named as such:
# "Appt 12, Résidence Les Jardins, 45 Boulevard Anfa", "Block C, Tower 2, 15 Nguyen Hue".
_HOME_PART = (
    r"(?:(?:apt|appt|app|apartment|appartement|flat|unit|suite|ste|room|rm|floor|level)\.?\s*#?"
    r"\s*[\w-]{1,6}"
    # a building by its name: "Résidence Les Jardins", "Tower 2", "Sunrise Tower" (not "my
    # mother's house", "a new apartment building")
    r"|(?:r[ée]sidence|immeuble|b[âa]timent|building|bldg|block|blk|tower|tour|edificio|torre)"
    r"\.?\s+(?-i:[A-Z\d][\w'’.-]*(?:\s+[A-Z\d][\w'’.-]*){0,3})"
    r"|(?-i:(?:[A-Z\d][\w'’.-]*\s+){1,3})(?:r[ée]sidence|residency|building|towers?|court|house|"
    r"mansions?|apartments|heights|plaza|villas?|estate|complex))"
)
_HOME_BEFORE = re.compile(
    rf"(?i)(?:^|[,，:：]\s*|\s)((?:{_HOME_PART})(?:\s*[,，]\s*(?:{_HOME_PART})){{0,1}})\s*[,，]\s*$"
)


def _home_before(text: str) -> re.Match[str] | None:
    found = _HOME_BEFORE.search(text)
    return found if found and len(found.group(1).split()) <= 8 else None


def _address_end(segment: str, address: Address) -> int:
    """Where the address ends in its segment: after the last of its parts written there
    ("..., EH6 6PL, where is my order" ends at the postcode)."""
    folded = segment.casefold()
    parts = (address.line1, address.line2, address.city, address.region, address.postcode)
    ends = [folded.rfind(p.casefold()) + len(p) for p in parts if p and p.casefold() in folded]
    return max(ends, default=len(segment))


def _segment(text: str, start: int) -> tuple[str, int]:
    """The address-like text from ``start``: up to the end of its sentence or an e-mail."""
    rest = text[start:]
    lead = len(rest) - len(rest.lstrip(" :：,，"))
    rest = rest[lead:]
    stop = len(rest)
    for m in re.finditer(r"[?!？！\n]|\.(?:\s+|$)(?!\d)|。|\s+[-—–]\s+|\s\|\|", rest):
        before = rest[: m.start()].split()[-1:] or [""]
        if m.group(0).startswith(".") and re.fullmatch(r"(?:[A-Z]\.)*[A-Z]", before[0]):
            continue  # initials in a street's name: "169 H.V. dela Costa Street"
        if (
            m.group(0).startswith(".")
            and re.fullmatch(r"\d{1,2}", before[0])
            and re.match(rf"(?i)(?:{_FLOOR_WORDS})\b", rest[m.end() :])
        ):
            continue  # a floor: "Am Hang 3, 2. OG, 81245 München"
        if m.group(0).startswith(".") and re.fullmatch(
            r"(?i)(no|st|ave|dr|rd|apt|mt|ste|blvd|ln|ct|pl|hwy|p\.o|po|ul|al|os|m|nr|str|av|col|"
            r"int|depto|dpto|fracc|edif|mz|lt|esq|jr|sr|jl|jln|kav|blok|"
            r"cad|cd|mah|mh|sok|sk|blv|bulv)",  # Turkish: "Bağdat Cad. No: 301 D: 8"
            before[0],
        ):
            continue
        stop = m.start()
        break
    email = EMAIL.search(rest)
    if email and email.start() < stop:
        stop = email.start()
    return rest[:stop].rstrip(" ,，.;"), lead


def parse_address(segment: str, avoid: list[tuple[int, int]] = ()) -> Address | None:  # type: ignore[assignment]
    """ "12 Oak Street, Apt 4, Springfield, IL 62704", "Leopoldstraße 25, 80802 München",
    "221 Camden High Street, London NW1 7BU", "徐汇区漕溪北路88号, 上海市, 200030"."""
    parts = [p.strip() for p in re.split(r"\s*[,，]\s*", segment) if p.strip()]
    first_end = (
        _STREET_END.search(parts[0]) or _UNIT_END.search(parts[0]) or _CJK_STREET.search(parts[0])
        if len(parts) == 1
        else None
    )
    if (end := first_end) is not None:
        # No commas: "88 Orchard Road #05-01 Singapore 238839", "5 Kings Way Perth WA 6000",
        # "上海市徐汇区漕溪北路88号 200030"
        parts = [parts[0][: end.end()].strip(), parts[0][end.end() :].strip()]
        parts = [p for p in parts if p]
    if len(parts) < 2 or (len(parts) > 2 and _UNIT.match(parts[0]) and _STREET.match(parts[1])):
        return None  # "Apt 402, 1250 Rue Sainte-Catherine O, ...": the street is the first line
    first = parts[0]
    cjk = _CJK_STREET.search(first)
    street = cjk or next(
        (
            m
            for m in _STREET.finditer(f"{first}, {parts[1]}")  # the next part may tell it
            if m.end() <= len(first) and not any(a <= m.start() < b for a, b in avoid)
        ),
        None,
    )
    house = _HOUSE_NUMBER.search(first) if street is None and len(parts) > 2 else None
    if street is None and len(parts) > 2 and _UNIT.match(first):
        # "Flat 7, Sunshine Towers, Baner Road, Pune 411045": the flat, the building and the
        # road are the first line, as Indian addresses are written.
        road = next((i for i in (1, 2) if i < len(parts) - 1 and _STREET_KIND.search(parts[i])), 0)
        numbered = any(re.match(r"\d+[A-Za-z]?\s", part) for part in parts[1 : road + 1])
        if road and not numbered:  # (not "Flat 12, 40 Upper Street": that street is line 1)
            parts = [", ".join(parts[: road + 1]), *parts[road + 1 :]]
            first, house = parts[0], None
            street = re.match(r".+", first)
    if (
        house
        and _STREET_KIND.search(parts[1])
        and not (_UNIT.match(first) or _STREET.match(parts[1]))
    ):  # "No. 214, 12th Main Road, ..., 560038"
        line1 = f"{first[house.start() :].strip()}, {parts[1]}"
        parts = [line1, *parts[2:]]
    elif street is None:
        return None
    else:
        line1 = first[street.start() :].strip()
    if not cjk and not re.search(r"\d", line1):
        return None
    rest = parts[1:]
    line2 = ""
    if rest and (_UNIT.match(rest[0]) or _CJK_UNIT.fullmatch(rest[0])):
        line2 = rest.pop(0)
    apart = re.fullmatch(r"(.+?号)\s+(.+)", line1) if cjk else None
    if apart and _CJK_UNIT.fullmatch(apart.group(2)) and not line2:
        line1, line2 = apart.groups()  # "愚园路168号 12楼": the floor written apart
    unit = _TRAILING_UNIT.search(line1)
    if unit and not line2:  # "Blk 123 Bedok North St 2 #05-88": stores keep the unit apart
        line1, line2 = line1[: unit.start()].strip(), unit.group(1)
    country = ""
    if rest and rest[-1].casefold().strip(". ") in _COUNTRIES:
        country = _COUNTRIES[rest.pop().casefold().strip(". ")]
    postcode = region = city = ""
    between: list[str] = []  # parts between the street and the postcode's town
    for i in range(len(rest) - 1, -1, -1):  # the postcode, with a region or a city beside it
        part = rest[i]
        code = _last_postcode(part)
        if code is None:
            continue
        before, after = part[: code.start()].strip(), part[code.end() :].strip()
        before = POSTCODE_HINT.sub("", before).strip(" :：")  # "邮递区号302058", "zip 10001"
        postcode = code.group(0).upper()
        town_state = re.fullmatch(r"(.+?)\s+([A-Z]{2,3})", before)
        if _REGION.match(before):
            region = before
        elif town_state:  # "Darling Point NSW 2027"
            city, region = town_state.groups()
        elif before:
            city = before
        if _place(after):  # "80802 München"; not "518063 instead", "SW1A 1AA please"
            city = _place(after)
        if not city and i > 0:  # "..., Indiranagar, Bengaluru, 560038": the town before
            j = i - 1
            if not region and j > 0 and _REGION.match(rest[j]):
                region, j = rest[j], j - 1
            city = rest[j]
            between, rest = rest[:j], rest[i + 1 :]
        elif city:  # "7 Mahogany Street, Project 3, Quezon City 1102"
            between, rest = rest[:i], rest[i + 1 :]
        else:
            rest = rest[:i] + rest[i + 1 :]
        break
    if not postcode and not rest:
        return None
    if rest and not city:
        city = rest.pop(0)
    if rest and not region and _REGION.match(rest[0]):
        region = rest.pop(0)
    if rest and not city:
        city = rest.pop(0)
    if (not postcode and not (region or country)) or _town_words(city) > 4:
        return None  # "5414 please, I don't need it anymore" is no address
    if between and len(between) <= 2 and all(len(p.split()) <= 4 for p in between):
        line2 = ", ".join([line2, *between] if line2 else between)
    town = _CITY_BEFORE_DISTRICT.match(line1) if cjk and not city else None
    if town:  # "台北市大安区复兴南路…": the city, then the district and street
        city, line1 = town.group(1), line1[town.end() :]
    return Address(
        name="",
        line1=line1,
        line2=line2,
        city=city,
        postcode=postcode,
        country=country,
        region=region,
    )


# The small words inside town names ("San Pedro de la Paz", "Frankfurt am Main").
_TOWN_PARTICLES = frozenset(
    "de del la las los da das do dos di du des le les van der den von y e sur am an im upon "
    "on en".split()
)


def _town_words(city: str) -> int:
    return sum(1 for word in city.split() if word not in _TOWN_PARTICLES)


_FILLER = re.compile(
    r"(?:^|\s+)(?:instead|please|pls|plz|thanks|thank you|thx|asap|now|then|too|as well|ok|"
    r"okay|for me|this time)[.!?]*$|(?:谢谢|麻烦了|吧|哦|啊|呢)[。！!]*$",
    re.I,
)


def _place(text: str) -> str:
    """A town written after the postcode, without the words that close a request."""
    before = None
    while before != text:
        before, text = text, _FILLER.sub("", text).strip(" .!。！")
    return text if text and (text[0].isupper() or _CJK.match(text)) else ""


def language_words(text: str) -> str:
    """What the shopper's language is read from: the text without its data (a Chinese address
    or name in an English message keeps it English); "" when nothing else is left (a message
    that is only an e-mail or an address tells no language)."""
    words = without_data(text, names=True)
    return words if re.search(r"[A-Za-z\u3400-\u9fff]", words) else ""


def _last_postcode(part: str) -> re.Match[str] | None:
    """The postcode of an address part after the street (four digits count there)."""
    found = None
    for pattern in _POSTCODES:
        for m in re.finditer(rf"(?<![0-9A-Za-z-])({pattern})(?![\w-])", part, re.I):
            if found is None or m.start() > found.start():
                found = m
        if found is not None:
            return found
    return found


_US_REGIONS = set(
    """AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH
    NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR""".split()
)
_CA_REGIONS = {"AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"}


def country_of(address: Address) -> str:
    """The country an address's postcode and region say (ISO code), or "" when they don't."""
    code = address.postcode.strip().upper()
    region = address.region.strip().upper()
    if re.fullmatch(r"[A-Z]\d[A-Z]\s?\d[A-Z]\d", code) or region in _CA_REGIONS:
        return "CA"
    if re.fullmatch(r"\d{5}(-\d{4})?", code) and (region in _US_REGIONS or "-" in code):
        return "US"
    if re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}", code):
        return "GB"
    if re.fullmatch(r"[AC-FHKNPRTV-Y]\d{2}\s?[AC-FHKNPRTV-Y\d]{4}", code):
        return "IE"
    if re.fullmatch(r"\d{6}", code) and _CJK.search(address.line1 + address.city):
        return "CN"
    return ""


def without_data(text: str, *, names: bool = False) -> str:
    """The text with its addresses, e-mails, postcodes, phone and order numbers (and, asked,
    the names in it) replaced by neutral words: what a shopper's mood is read from ("12 Wrong
    Way, Sorrow Lane" is an address, not a feeling)."""
    refs = read_references(text)
    if refs.address_span is not None:
        start, end = refs.address_span
        text = f"{text[:start]} {'' if names else 'address'} {text[end:]}"
    people = [refs.cued_name or "", *refs.names] if names else []
    for value in [refs.email or "", *refs.postcodes, *refs.phones, *people]:
        if value:
            text = re.sub(re.escape(value), " ", text, flags=re.I)
    for order in refs.orders:
        text = re.sub(rf"#?\s?{re.escape(order.text)}", " ", text)
    return " ".join(text.split())
