"""What a shopper's message asks about their order, and the references it carries.

Rules, not the model: intents, order numbers, emails, names, postcodes, addresses, yes/no and
item options are read from the text in English and Chinese, so the bundled small model is
never trusted to call a function or copy a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.language import CJK
from bot.orders.system import Address

# "status", "refund_status", "refund", "cancel", "change_address", "return", "exchange",
# "billing", "orders"
Intent = str

_INTENTS: list[tuple[Intent, re.Pattern[str]]] = [
    (
        "billing",
        re.compile(
            r"charged (me )?(twice|two times|double)|double[- ]charge|two charges|charged more than"
            r"|duplicate (charge|payment)|扣(了)?(两|2)次|重复扣款|扣款两次|多扣",
            re.I,
        ),
    ),
    (
        "change_address",
        re.compile(
            r"(change|update|correct|fix|wrong|edit)\b.{0,30}\baddress|\baddress\b.{0,20}"
            r"\b(change|wrong|incorrect|update)|ship (it )?to (a )?(different|new|another) "
            r"address|new address|(改|修改|更改|换).{0,20}地址|地址.{0,6}(改|错)|新地址",
            re.I,
        ),
    ),
    (
        "exchange",
        re.compile(
            r"\bexchange|\bswap\b|(change|switch)\b.{0,25}\b(size|colou?r)|different (size|colou?r)"
            r"|(bigger|smaller|larger) (size|one)|换(货|尺码|颜色|大|小|成|一)|"
            r"换.{0,4}(码|号|色)|调换",
            re.I,
        ),
    ),
    (
        "refund_status",
        re.compile(
            r"where(')?s? (is )?my refund|refund status|status of (my )?refund|(haven'?t|have not|"
            r"didn'?t|did not|never) (got|get|gotten|received?) (my |the )?refund|退款.{0,6}(到哪|"
            r"没到|还没|进度|什么时候)|还没(收到|到)退款",
            re.I,
        ),
    ),
    (
        "refund",
        re.compile(r"\brefunds?\b|money back|退款|退钱", re.I),
    ),
    (
        "return",
        re.compile(
            r"\breturn(s|ing)?\b|send (it|them|this|these)? ?back|退货|退回|退掉|"
            r"(想|要|能|可以|申请|帮我)退(?!出)",
            re.I,
        ),
    ),
    (
        "cancel",
        re.compile(
            r"\b(cancel|cancle|cancell|cansel|cancal)|取消(订单|这个订单|我的订单)?|不想要了|不要了|撤销订单",
            re.I,
        ),
    ),
    (
        "status",
        re.compile(
            r"where(')?s? (is )?my (order|package|parcel|stuff)|track(ing)?\b|order status|"
            r"status of (my )?order|has (it|my order) (shipped|been shipped|arrived)|when will "
            r"(it|my order|my package) (arrive|ship|come)|(shipped|delivered) yet|"
            r"didn'?t (arrive|get|receive)|not (arrived|received)|到哪|物流|快递|发货了?吗|"
            r"什么时候(到|发货)|订单(状态|进度)|查(一下|询)?(我的)?订单|还没(到|收到)",
            re.I,
        ),
    ),
    (
        "orders",
        re.compile(r"\bmy orders\b|\border history|我的订单|订单列表|我买了什么", re.I),
    ),
]

_ORDER_NUMBER = re.compile(
    r"(?<![A-Za-z0-9])#?\s?NW[-\s]?(\d{6})(?!\d)|(?<![\w#])#\s?(\d{6})(?!\d)|(?:order|订单|单号|订单号)\s*(?:number|no\.?|#|号|:|：)?"
    r"\s*#?\s*(\d{6})(?!\d)",
    re.I,
)
# ASCII only, unlike bot.privacy.EMAIL (\w): "邮箱emma@x.com" must give "emma@x.com".
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_US_POSTCODE = re.compile(r"(?<!\d)(\d{5})(?:-\d{4})?(?!\d)")
POSTCODE_HINT = re.compile(r"zip|post ?code|postal|邮编|邮政编码", re.I)
_NAME = re.compile(
    r"(?i:my name is|my name's|name is|name:)\s+"
    r"([A-Za-z][A-Za-z'\-]+(?:\s+[A-Za-z][A-Za-z'\-]+){1,3})"
    r"|(?i:i am|i'm|this is)\s+([A-Z][a-z'\-]+(?:\s+[A-Z][a-z'\-]+){1,3})"
    r"|(?:我叫|我是|名字是|姓名[:：]?)\s*([\u4e00-\u9fff]{2,4}|[A-Za-z]+(?:\s+[A-Za-z]+){1,3})",
)
_YES = re.compile(
    r"^\s*(yes|yep|yeah|yup|y|sure|ok(ay)?|confirm(ed)?|go ahead|do it|please do|go for it|"
    r"correct|absolutely|definitely|of course|that'?s (right|correct|fine)|sounds good|"
    r"是|是的|好|好的|确认|可以|对|行|嗯|没问题|确定|办吧|请办理)\b",
    re.I,
)
_NOT_A_PLAIN_YES = re.compile(
    r"\?|？|\b(but|not|don'?t|no|instead|wait|first|before|unless|however)\b|不|别|但|先|还是|吗",
    re.I,
)
_NO = re.compile(
    r"^\s*((no|nope|nah|n|don'?t|do not|stop|never ?mind|keep it|not now|wait)\b|"
    r"不|否|算了|别)",
    re.I,
)
_OTHER_REFUND = re.compile(
    r"(refund|money|pay|send).{0,30}\b(to|into|on|onto) (a |my )?(different|another|other|new) "
    r"(card|account|bank)|\b(in )?cash\b|bank transfer|wire (it|the money)|\b(venmo|zelle)\b|"
    r"退到(另一张|别的|其他)|换(一张|个)卡|退现金|现金退",
    re.I,
)
_STORE_CREDIT = re.compile(r"store credit|店铺(积分|余额)|商店积分|购物金|store-credit", re.I)
# A US-style address: "12 Oak Street, Apt 4, Springfield, IL 62704".
_ADDRESS = re.compile(
    r"(?P<line1>\d+[A-Za-z]?\s+[A-Za-z0-9 .'\-]+?)\s*,\s*(?:(?P<line2>(apt|apartment|suite|unit|"
    r"fl|floor|#)[^,]*?)\s*,\s*)?(?P<city>[A-Za-z .'\-]+?)\s*,\s*(?P<region>[A-Z]{2})\s+"
    r"(?P<postcode>\d{5}(?:-\d{4})?)",
    re.I,
)

# Words shoppers use for the catalog's option values (English values, lower case).
OPTION_ALIASES: dict[str, tuple[str, ...]] = {
    "black": ("黑色", "黑的"),
    "white": ("白色", "白的"),
    "blue": ("蓝色", "蓝的"),
    "navy": ("藏青", "海军蓝", "深蓝"),
    "red": ("红色", "红的"),
    "green": ("绿色", "绿的"),
    "grey": ("灰色", "灰的", "gray"),
    "gray": ("灰色", "灰的", "grey"),
    "brown": ("棕色", "咖啡色"),
    "beige": ("米色",),
    "pink": ("粉色", "粉红"),
    "xs": ("extra small", "extra-small", "x-small", "加小", "超小号"),
    "s": ("small", "小号", "小码", "s码"),
    "m": ("medium", "中号", "中码", "m码"),
    "l": ("large", "大号", "大码", "l码"),
    "xl": ("extra large", "extra-large", "x-large", "加大", "特大", "xl码"),
    "xxl": ("2xl", "xx-large", "加加大", "双加大", "xxl码"),
}
# Longer phrases that contain a shorter size's word ("extra large" is not "large").
_SHADOWED = {
    "l": ("extra large", "extra-large", "x-large", "xx-large"),
    "s": ("extra small", "extra-small", "x-small"),
}


@dataclass
class Said:
    """What one message says about orders: intents, references, identity details, yes or no."""

    intents: list[Intent] = field(default_factory=list)
    order_numbers: list[str] = field(default_factory=list)
    email: str | None = None
    name: str | None = None
    postcode: str | None = None
    address: Address | None = None
    yes: bool = False
    no: bool = False
    store_credit: bool = False
    other_refund: bool = False  # the refund asked to go somewhere else (another card, cash)


def extract(text: str) -> Said:
    """Read one message."""
    found = Said()
    found.intents = [intent for intent, pattern in _INTENTS if pattern.search(text)]
    found.order_numbers = list(
        dict.fromkeys(
            f"NW-{next(g for g in groups if g)}" for groups in _ORDER_NUMBER.findall(text)
        )
    )
    if email := _EMAIL.search(text):
        found.email = email.group(0).lower()
    if name := _NAME.search(text):
        found.name = _trim_name(next(g for g in name.groups() if g).strip())
    address = _ADDRESS.search(_ORDER_NUMBER.sub(" ", text))
    if address:
        found.address = Address(
            name="",
            line1=address.group("line1").strip(),
            line2=(address.group("line2") or "").strip(),
            city=address.group("city").strip().title(),
            region=address.group("region").upper(),
            postcode=address.group("postcode"),
        )
    moving = found.address is not None and not set(found.intents) & _ACTION_INTENTS
    if moving and _SHIP_TO.search(text):
        found.intents.insert(0, "change_address")
    found.postcode = _postcode(text, found)
    found.yes = (
        bool(_YES.match(text)) and len(text.split()) <= 8 and not _NOT_A_PLAIN_YES.search(text)
    )
    found.no = not found.yes and bool(_NO.match(text))
    found.store_credit = bool(_STORE_CREDIT.search(text))
    found.other_refund = bool(_OTHER_REFUND.search(text))
    return found


_NOT_NAME = {
    "and",
    "my",
    "zip",
    "postcode",
    "from",
    "email",
    "i",
    "is",
    "the",
    "at",
    "in",
    "with",
    "order",
    "here",
    "please",
    "postal",
    "code",
}


def _trim_name(name: str) -> str:
    """ "jane doe and my" → "jane doe": a name ends before the first word no name has."""
    words = name.split()
    for i, word in enumerate(words):
        if word.lower() in _NOT_NAME:
            return " ".join(words[:i])
    return name


_HINTED_POSTCODE = re.compile(
    r"(?:zip|post ?code|postal code|邮编|邮政编码)\s*(?:code)?\s*(?:is|:|：|是)?\s*"
    r"([A-Z0-9]{2,4}[ -]?[A-Z0-9]{2,4})\b",
    re.I,
)


_ACTION_INTENTS = {"cancel", "return", "exchange", "change_address", "refund"}
_SHIP_TO = re.compile(r"\b(ship|send|deliver|mail|redirect)\b|寄到|送到|发到|改寄", re.I)


_REFERENCES = re.compile(r"(?i)nw[-\s]?\d{6}|#\s?\d{6}|\S+@\S+|\d{5}(-\d{4})?")


def strip_references(text: str) -> str:
    """The text without order numbers, emails and postcodes (so none is read as a size)."""
    return _REFERENCES.sub(" ", text)


def _postcode(text: str, found: Said) -> str | None:
    """A postcode: a named one ("postcode NW1 6XE"), or 5 digits that are not part of an
    order number or a street address."""
    hinted = _HINTED_POSTCODE.search(text)
    if hinted and any(ch.isdigit() for ch in hinted.group(1)):
        return hinted.group(1).upper()
    numbers: list[str] = _US_POSTCODE.findall(text)
    taken = [n[3:] for n in found.order_numbers]
    if found.address is not None:
        taken.append(found.address.postcode[:5])
    for number in taken:  # the same digits may still be written once more as the postcode
        if number in numbers:
            numbers.remove(number)
    candidates = numbers
    if not candidates:
        return None
    if len(candidates) == 1 or POSTCODE_HINT.search(text):
        return candidates[0]
    return None


def mentions_option(text: str, value: str) -> bool:
    """Whether the shopper named this option value ("XL", "black", "黑色", "size 9")."""
    target = value.lower()
    lowered = text.lower()
    for longer in _SHADOWED.get(target, ()):
        lowered = lowered.replace(longer, " ")
    if len(target) <= 3 and target.isalpha():
        # Short sizes must be written as sizes: "M", "size m", "XL", never the s of "it's".
        upper = rf"(?<![A-Za-z0-9'’]){re.escape(value.upper())}(?![A-Za-z0-9])"
        if re.search(upper, text) or re.search(rf"size\s+{re.escape(target)}\b", lowered):
            return True
    elif re.search(rf"(?<![a-z0-9.]){re.escape(target)}(?![a-z0-9]|\.\d)", lowered):
        return True
    return any(alias in lowered for alias in OPTION_ALIASES.get(target, ()))


# Words shoppers use for kinds of products, keyed by a word found in catalog names/categories.
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "t-shirt": ("tee", "t-shirt", "tshirt", "t恤", "短袖"),
    "tee": ("tee", "t-shirt", "t恤", "短袖"),
    "shirt": ("shirt", "衬衫", "衬衣"),
    "hoodie": ("hoodie", "sweatshirt", "卫衣", "连帽衫"),
    "sneakers": ("sneakers", "trainers", "shoes", "鞋"),
    "shoes": ("shoes", "sneakers", "鞋"),
    "boots": ("boots", "靴"),
    "jeans": ("jeans", "denim", "牛仔裤", "裤子"),
    "pants": ("pants", "trousers", "裤子"),
    "socks": ("socks", "袜"),
    "beanie": ("beanie", "hat", "帽"),
    "dress": ("dress", "裙"),
    "jacket": ("jacket", "coat", "夹克", "外套"),
    "headphones": ("headphones", "earbuds", "耳机"),
    "candle": ("candle", "蜡烛"),
    "skillet": ("skillet", "pan", "锅"),
    "towel": ("towel", "毛巾"),
}


def names_item(text: str, product_name: str, category: str = "") -> int:
    """How strongly the shopper named this product (0: not at all): words of its name, and
    kind words ("tee", "鞋") for what its name or category says it is."""
    lowered = text.lower()
    words = [w for w in re.findall(r"[a-z0-9]+", product_name.lower()) if len(w) > 2]
    score = sum(1 for w in words if re.search(rf"\b{re.escape(w)}s?\b", lowered))
    described = f"{product_name} {category}".lower()
    for kind, said in KIND_WORDS.items():
        if re.search(rf"\b{re.escape(kind)}s?\b", described) and any(
            re.search(rf"(?<![a-z]){re.escape(w)}", lowered) if w.isascii() else w in lowered
            for w in said
        ):
            score += 1
    return score


_PERSONAL = re.compile(
    r"\bmy\b|\bmine\b|\bI('ve| have)? ?(ordered|bought|purchased|paid|was charged|got charged|"
    r"received|placed)\b|\bI ?('d like|would like|want|wanna|need|have)( to)? "
    r"(cancel|cancle|return|exchange|change|send|swap|update|track)|\b(cancel|return|exchange|swap|track|change)\b"
    r".{0,20}\b(it|them|this|these|that one)\b|我的|帮我|我要|我想|给我|我买的|我订的|我下的|我在",
    re.I,
)
# A general question about the policy is answered from the knowledge, not from an order.
_GENERAL = re.compile(
    r"^\s*(how (long|many|much|do|does|can|soon)|what('s| is| are)? (is |are )?(your|the)|"
    r"do you|does your|is there|are there|can (i|you) (ever|usually)|what happens)|"
    r"政策|规定|多久|几天|多少天|怎么|如何",
    re.I,
)


def starts_order_request(text: str, said: Said) -> bool:
    """Whether a message starts an order request (not a general policy question)."""
    if said.email and (said.postcode or said.name):  # "I'm ..., email ..., zip ...": identifying
        return True
    if (said.email or said.postcode) and _identity_only(text):  # "Emma Johnson 43215"
        return True
    if not said.intents and not said.order_numbers:
        return False
    if said.order_numbers or said.email:
        return True
    actions = {"cancel", "change_address", "return", "exchange"}
    if set(said.intents) <= actions and _GENERAL.search(text):
        return False
    return bool(_PERSONAL.search(text))


_FILLER = re.compile(
    r"(?i)\b(my|name|is|zip|code|postcode|postal|email|e-mail|address|and|the|hi|hello|hey|this|"
    r"i'?m|i am|it'?s|here|thanks|thank you|please|ok|sure)\b|邮箱|邮编|我是|我叫|名字|是|谢谢|你好"
)


def _identity_only(text: str) -> bool:
    """A message that only gives identity details (no question, at most a name besides)."""
    if "?" in text or "？" in text:
        return False
    rest = re.sub(r"\S+@\S+|\d[\d\s-]*", " ", text)
    rest = _FILLER.sub(" ", rest)
    return len(re.findall(r"[A-Za-z]+", rest)) <= 3 and len(CJK.findall(rest)) <= 4
