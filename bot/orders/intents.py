"""What a shopper's message asks about their order, and the references it carries.

Rules, not the model: intents, order numbers, emails, names, postcodes, addresses, yes/no and
item options are read from the text in English and Chinese, so the bundled small model is
never trusted to call a function or copy a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from bot.language import CJK
from bot.orders.references import POSTCODE_HINT, read_references, short_numbers
from bot.orders.script import as_written, fold, plain_text, spaced
from bot.orders.system import Address

__all__ = [
    "DOES_NOT_FIT",
    "FOLLOW_UP",
    "POSTCODE_HINT",
    "Said",
    "asks_about_an_order",
    "extract",
    "item_words",
    "starts_order_request",
    "strip_references",
]

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
            r"address|new address|(改|修改|更改|换).{0,20}地址|地址.{0,6}(改|错)|新地址|"
            r"\b(change|update|switch)\b.{0,12}\bwhere\b.{0,30}\b(sent|send|ship|shipped|going|"
            r"goes|delivered|deliver)\b|"
            r"\b(ship|send|deliver)(ped|ed)?\b.{0,25}\bto (my |the |our )?(office|work|workplace|"
            r"parents'?|friend'?s|new place)\b|寄到(公司|单位|家里|新)|改寄"
            # somewhere else than the order says: "send it to my sister's instead", 寄到我妈那
            r"|\b(ship|send|sent|deliver|redirect|forward|mail|post)(ped|ed|ing)?\b.{0,20}\bto\b"
            r"(?!.{0,30}\b(e-?mail|inbox|phone|number)\b).{0,40}\binstead\b"
            r"|\b(ship|send|deliver|redirect|forward)(ped|ed|ing)?\b.{0,20}\bto (my|our) \w+'s\b"
            r"|(寄|送|发)到.{1,10}(那里|那儿|那边|那|家)(去)?吧?$|(改|转)(寄|送|发)(到|去)"
            # "change where my hoodie order ships", "can the oil I ordered go to Đà Lạt instead?"
            r"|\b(change|update|switch)\b.{0,12}\bwhere\b.{0,40}\b(ships?|goes|going|delivers?)\b"
            r"|\b(it|order|parcel|package|(the|my) \w+)\b.{0,20}"
            r"\b(go|be (sent|shipped|delivered))\b.{0,8}\bto\b.{1,40}\binstead\b"
            # "I want my capo order to go to my sister's place"
            r"|\b(order|parcel|package|delivery|it|them)\b.{0,12}\b(go|be (sent|shipped|delivered))"
            r"\b.{0,8}\bto (my|our) (\w+'s\b|(sister|brother|mother|mom|mum|dad|father|parents|"
            r"daughter|son|friend|aunt|uncle|grandma|grandmother|grandparents|cousin|partner|wife|"
            r"husband|office|work|workplace|hotel)\b)",
            re.I,
        ),
    ),
    (
        "exchange",
        re.compile(
            r"\bexchange|\bswap(s|ped|ping)?\b|(change|switch)\b.{0,25}\b(size|colou?r)"
            r"|different (size|colou?r)"
            r"|(bigger|smaller|larger) (size|one)"
            r"|\btoo (big|small|large|tight|loose|long|short|narrow|wide)\b.{0,40}"
            r"\b(instead|for an?|swap|get)\b"
            # "could I get the hat in L/XL"
            r"|\b(could|can|may) (i|we) (get|have) (it|them|this|that|one|the \w+|my \w+) in\b"
            r"|\b(get|have|like|want)\b.{0,30}\binstead\b"
            # "XL instead please - does that cost more?", "size 9 instead"
            r"|^\W*(the\s+)?(size\s+)?(xxs|xs|s|m|l|xl|xxl|xxxl|\d{1,2}(\.5)?)\s+instead\b(?!\s+of\b)"
            r"|\btrade[ds]?\b.{0,30}\b(for|in)\b|\brather than the\b"
            r"|换(货|尺码|颜色|大|小|成|一|个)|换.{0,4}(码|号|色|款|版)|调换|(想|要|能|可以)换\s*[\dA-Za-z]"
            # "雾黑色能换冰蓝吗": one for another, never an address (能换个地址吗)
            r"|(能|可以|可否|可不可以|想|要)换(?!.{0,4}(地址|邮编|地方|收件))[^，,。？?]{1,8}(吗|嘛|吧|唔|不|么|$)"
            # "change the caramel case to the forest green one", "…XL太大，换L"
            r"|\b(change|switch)\b.{0,40}\b(to|for|into)\b.{0,30}\b(one|ones|version|model)\b"
            # "can I change it to the 60cm?": a measured or sized variant of the same thing
            r"|\b(change|switch)\s+(it|them|this|that|mine)\s+(to|for|into)\s+(the|a|an)\s+"
            r"\d+(\.\d+)?\s?(cm|mm|m|ml|l|w|inch|in|\"|-inch)?\b"
            r"|(太|有点)(大|小|紧|松|长|短)了?[，,。\s]*换\s*[\dA-Za-z]"
            r"|(大|小|紧|松|长|短)了[，,。\s]*(想|要|能)?换\s*(成|个)?\s*\d",  # "90的小了，换95的"
            re.I,
        ),
    ),
    (
        "refund_status",
        re.compile(
            r"where(')?s? (is )?my refund|refund status|status of (my )?refund|"
            r"refund.{0,20}\b(go|gone|went|come|came) through|refund.{0,20}\bprocessed|"
            r"(haven'?t|have not|"
            r"didn'?t|did not|never) (got|get|gotten|received?) (my |the )?refund|退款.{0,6}(到哪|"
            r"没到|还没|进度|什么时候)|还没(收到|到)退款",
            re.I,
        ),
    ),
    (
        "refund",
        re.compile(
            r"\brefunds?\b|money back|退款|退钱|退给我",
            re.I,
        ),
    ),
    (
        "return",
        re.compile(
            # "can it come back?"
            r"\b(it|they|them|this|these|those)\s+(come|comes|go|goes)\s+back\b|"
            r"\breturn(s|ing)?\b|\b(send|sending|ship|mail|post|bring|take)\b(?!\s+to\b)"
            # the goods go back, not the money: "how long does it take to give the money back"
            r"(?:(?!money|refund|cash|funds)[^.?!;。？！\n]){0,40}?\bback\b|"
            r"(?<!\bto )\b(go(es)?|going) back\b(?! to\b)|"
            r"退货|退回|退掉|都退|退了吧|寄回|寄还|"
            r"(想|要|能|可以|申请|帮我|也想|只是?|仅|就|都|全部?)退(?!出|款)|退一下"
            # Cantonese 剪刀退咗佢 (return them); 香插留着，其他退 (the rest goes back)
            r"|退了(他|它|她)|(其他|其它|其余|剩下)的?(都|全部?)?退(?!出|款)"
            # 吉他退了 (the guitar goes back); not 已经退了 (it went back already)
            r"|(?<!已经)(?<!已)(?<!不)退了(?=[，。,.！!；;\s]|$)",
            re.I,
        ),
    ),
    (
        "cancel",
        re.compile(
            r"\b(cancel|cancle|cancell|cansel|cancal)|取消(订单|这个订单|我的订单)?|不想要了|不要了|撤销订单"
            r"|\b(stop|kill|scrap|call off|void|drop)\b.{0,12}\b(order|it|that|this)\b"
            r"|\bcall (it|that|this|them|the( whole)? order) off\b"
            r"|撤(单|销|了|回)|别(发|寄)了|不用(发|寄)了",
            re.I,
        ),
    ),
    (
        "status",
        re.compile(
            r"where(')?s? (is )?my (order|package|parcel|stuff)|track(ing)?\b|order status|"
            r"status of (my )?order|has (it|my order) (shipped|been shipped|arrived)|"
            r"when (will|does|do|would|should|is|are) (it|my order|my package|they|the \w+|this|"
            r"that|these) (arrive|ship|come|be delivered|get here|be here|coming|arriving)|"
            r"(shipped|delivered|arrived) yet|\bwhere('?s| is| are)\b.{0,40}\b(my|the|it|them)\b|"
            # Taglish "where na my scale"; "is it still stuck somewhere"
            r"\bwhere (na|ba|na ba) (my|the)\b|\bstill stuck\b"
            r"|\bhow (close|far( away| along)?|near) (is|are) (my|the|it|they|our)\b"
            r"|\bon (a|the) (truck|van|plane|boat|ship)\b|\bstill (sitting|waiting) (with|at) you\b"
            r"|\bstuck (somewhere|in (transit|customs)|at)\b|"
            r"\barriv(e|es|ing)\b|left (the|your) warehouse|\bstatus\b|"
            r"\b(coming|come|get here|be here)\b.{0,20}\b(today|tomorrow|yet|soon|this week)\b|"
            r"\b(left|shipped|sent|dispatched|gone out) yet\b|\bhas it (left|gone)\b|"
            r"\b(has|have|did) (my|our|the|it|they)\b.{0,30}\b(left|leave|ship|shipped|go out|gone "
            r"out|dispatched)\b|"
            r"\b(get|got|been|was|were) delivered\b|"
            r"\b(was|were|is|are)\s+(my|our|it|they)\b.{0,40}\b(delivered|shipped|dispatched)\b|"
            r"还没发|发了没|发出(去)?了?(吗|没)|"
            r"didn'?t (arrive|get|receive)|not (arrived|received)|到哪|物流|快递|发货了?吗|签收|"
            r"什么时候(到|发货)|订单(状态|进度)|查(一下|询)?[我的所有全部这那些个]{0,5}订单|还没(到|收到)|(?<!订)单号(?!\s*(?:是|系|为|:|：)?\s*#?\d)|"
            r"(到|送到|寄到|收到|发货|发出|寄出|发)了?没有?(?!问题|关系|事)|有没有(到|送到|发货|发出|寄出)|"
            r"\b(anything|something) new (on|with|about)\b|\bany (news|updates?)\b|\bupdate on\b|"
            r"\bon (its|it'?s|their|the) way\b|\bout for delivery\b|在路上|"
            r"追踪(号码?|码|编号)|运单号|寄到.{1,8}了(吗|没)|"
            r"\bwhat'?s (happening|going on|up) with\b|\bwhat (happened|is happening) (to|with)\b|"
            r"\bnever (showed|turned|came|arrived)\b|"
            r"\b(hasn'?t|haven'?t|has not|have not|still not|not yet) (come|arrived|shown up|"
            r"turned up|been sent|shipped)\b|\bstill waiting\b|\bsent (out|off)\b|\bcheck on\b|"
            r"什么时候.{0,4}(到|收到|发|寄)|(能|才能)收到|收到了?吗|(一直|还|怎么还)没(收到|到|发|寄)|寄出|"
            r"发出|到了吗|进展|(包裹|快递|订单|货|东西).{0,4}在哪"
            r"|(能|会|可以)(送到|送达|到货|寄到|到)了?吗|(送到|送达|到货)了?(吗|没)"
            # Cantonese (read as Mandarin): 寄咗未呀？今日到唔到？我張單去到邊？
            r"|(寄|发|到|送|出)了?未|未(有)?收到|到不到|有没到|寄不寄到|(去|送)到哪"
            r"|几时.{0,3}(送到|到|寄到|寄出|收到|发货|发出|寄)"
            r"|\bdid\b.{0,40}\b(ship|arrive|come|get delivered|go out|leave)\b"
            # any "has it ... yet": "has it crossed the border yet", "is it through customs yet"
            r"|\b(has|have|is|are) (it|they|my order|the order|my (parcel|package))\b"
            r"(?:(?!cancel|refund|return|exchange|too late)[^?.!]){0,30}\byet\b",
            re.I,
        ),
    ),
    (
        "orders",
        re.compile(
            r"\bmy orders\b|\border history"
            r"|\beverything (i'?ve|i have|i) (ever )?(ordered|bought)\b"
            r"|\b(show|list|see) (me )?(all )?(my |the )?(orders|purchases)\b"
            r"|\b(every|each) (order|purchase) (i|we)('ve| have| made| placed)?\b"
            r"|\ball (the )?orders (i|we)('ve| have| made| placed)\b"
            r"|我的订单|订单列表|我买了什么|(所有|全部|每个)的?订单",
            re.I,
        ),
    ),
]

_YES = re.compile(
    r"^\s*(yes|yep|yeah|yup|y|sure|ok(ay)?|alright|all right|s[ií]|oui|confirm(ed)?|go ahead|"
    r"do it|please do|go for it|"
    r"correct|absolutely|definitely|of course|that'?s (right|correct|fine)|sounds good|"
    r"是|是的|好|好的|确认|可以|对|行|嗯|没问题|确定|办吧|请办理|对的|对啊|对呀|是啊|是呀|好啊|好呀|"
    r"可以的|行的|没错|确定的"
    r"|系[呀啊的喇啦]?)\b",  # Cantonese 係 (simplified 系): yes
    re.I,
)
_NOT_A_PLAIN_YES = re.compile(
    r"\?|？|\b(but|not|don'?t|no|instead|wait|first|before|unless|however|hold off|never ?mind|"
    r"keep (?:it|them|everything|the order)|leave it(?!\s+(?:to|with|at|in|on|outside|by)\b))\b"
    r"|不|别|但|先|还是|吗|留着|再说",
    re.I,
)
_NO = re.compile(
    r"^\s*((no|nope|nah|n|don'?t|do not|stop|never ?mind|keep it|not now)\b|"
    r"不|否|算了|算啦|算吧|别)",
    re.I,
)
_OTHER_REFUND = re.compile(
    r"(refund|money|pay|send).{0,30}\b(to|into|on|onto) (a |my )?(different|another|other|new) "
    r"(card|account|bank)|\b(in )?cash\b|bank transfer|wire (it|the money)|\b(venmo|zelle)\b|"
    r"退到(另一张|别的|其他)|换(一张|个)卡|退现金|现金退",
    re.I,
)
# Store credit named as such in Chinese, simplified and traditional (item text is read before
# it is made simplified).
_STORE_CREDIT_ZH = r"店铺(?:积分|余额)|店鋪(?:積分|餘額)|商店积分|购物金|購物金"
_STORE_CREDIT = re.compile(
    rf"store[- ]credit|{_STORE_CREDIT_ZH}|"
    r"(?<!支付宝)(?<!微信)(?<!银行)(?<!卡)(?<!钱包)(余额|积分)",  # "余额就行", but not 支付宝余额
    re.I,
)


@dataclass
class Said:
    """What one message says about orders: intents, references, identity details, yes or no."""

    intents: list[Intent] = field(default_factory=list)
    order_numbers: list[str] = field(default_factory=list)  # marked as order numbers
    order_hints: list[str] = field(default_factory=list)  # bare numbers that may be orders
    email: str | None = None
    name: str | None = None  # a name the shopper introduced ("I'm ...", "我是...")
    names: list[str] = field(default_factory=list)  # candidate full names, most likely first
    postcode: str | None = None
    postcodes: list[str] = field(default_factory=list)
    address: Address | None = None
    yes: bool = False
    no: bool = False
    store_credit: bool = False
    other_refund: bool = False  # the refund asked to go somewhere else (another card, cash)


def extract(text: str, pattern: re.Pattern[str] | None = None) -> Said:
    """Read one message; ``pattern`` is the store's own order-number pattern, if declared."""
    original, text = text, plain_text(text)
    refs = read_references(text, pattern)
    found = Said(
        order_numbers=refs.marked_orders,
        order_hints=refs.bare_orders,
        email=refs.email,
        name=refs.cued_name,
        names=refs.names + [w for w in refs.windows if w not in refs.names],
        postcodes=refs.postcodes,
        postcode=refs.postcodes[0] if refs.postcodes else None,
        address=refs.address,
    )
    # An address is data: "17 Exchange Street" asks for no exchange.
    plain = text
    if refs.address_span is not None:
        start, end = refs.address_span
        plain = text[:start] + " " + text[end:]
    plain = spaced(plain)
    found.intents = [intent for intent, pattern_ in _INTENTS if pattern_.search(plain)]
    if "refund" in found.intents and {"return", "exchange"} & set(found.intents):
        # "return the first item ..., refund to the original card": the refund is how
        found.intents.remove("refund")
        found.intents.append("refund")
        if {"return", "exchange"} <= set(found.intents):
            # "too narrow, I'd like to return them and get the money back": the money, not
            # another size
            found.intents.remove("return")
            found.intents.insert(0, "return")
    if not set(found.intents) & _ACTION_INTENTS:  # the request said without its verb
        if _UNWANTED.search(plain):
            found.intents.append("refund")  # cancelled before it ships, returned after
        elif DOES_NOT_FIT.search(plain):
            found.intents.append("exchange")
        elif _BY_MISTAKE.search(plain):
            found.intents.append("refund")
        elif _INSTEAD_OF.search(plain) and not _SENT_ELSEWHERE.search(plain):
            found.intents.append("exchange")  # "the climbing pants: charcoal instead of sand"
    moving = found.address is not None and not set(found.intents) & _ACTION_INTENTS
    if moving and _SHIP_TO.search(plain):
        found.intents.insert(0, "change_address")
    found.yes = (
        bool(_YES.match(text)) and len(text.split()) <= 8 and not _NOT_A_PLAIN_YES.search(text)
    )
    found.no = not found.yes and bool(_NO.match(text) or _CHANGED_MIND.search(text))
    found.store_credit = bool(_STORE_CREDIT.search(text))
    found.other_refund = bool(_OTHER_REFUND.search(text))
    if text is not original:  # names and a new address as the shopper wrote them
        found.name = as_written(found.name, text, original) if found.name else None
        found.names = [as_written(n, text, original) for n in found.names]
        if found.address is not None:
            a = found.address
            found.address = replace(
                a,
                line1=as_written(a.line1, text, original),
                line2=as_written(a.line2, text, original),
                city=as_written(a.city, text, original),
                region=as_written(a.region, text, original),
            )
    return found


# "Actually no, please don't cancel it", "算了，还是不取消了": the shopper takes it back.
_CHANGED_MIND = re.compile(
    r"\b(?:actually|on second thought|wait)\b.{0,20}\b(?:no|don'?t|do not|keep)\b|"
    r"\b(?:don'?t|do not|no need to|never ?mind)\b.{0,15}\b(?:cancel|return|exchange|change|"
    r"do (?:it|that)|bother)\b|\bchanged my mind\b|\bforget (?:it|that)\b|"
    # "ok cheers, I'll keep it for now", "I'd rather hold off": the change is not wanted
    r"\b(?:i'?ll|i will|i'?d rather|let'?s|i'?m going to|gonna)\s+(?:just\s+)?(?:keep|leave|hold)"
    r"\b|\bhold off\b|\bleave it\b(?!\s+(?:to|with|at|in|on|outside|by|behind|next)\b)|"
    r"算了|算啦|不用了|不要了吧|还是不|不取消|不退了|不换了|先不|别(?:取消|退|换|改)|不用[喇啦]|"
    r"(?:还是|先)留着",
    re.I,
)


# "I no longer need the pannier bag", 茶服那单我不需要了: undo the purchase, whichever way
# fits where the order is (an explicit "cancel" or "return" in the message says which).
_UNWANTED = re.compile(
    r"\bno longer (need|want)\b(?! to\b)|\b(don'?t|do not) (need|want) "
    r"(it|them|this|that|these|those|the \w+)( \w+)? any ?more\b|不(需要|想要)了|用不(上|着)了"
    r"|不(要|想要|需要)[喇啦]",
    re.I,
)
# Taking what was offered without naming it in the store's words: "hmm ok, the pink one then",
# "fine, that one", "那就这个吧".
_TAKES = re.compile(
    r"^\W*(?:(?:hmm+|um+|well|oh|ah)\W+)?(?:ok(?:ay)?|fine|sure|alright|all right|yes|yeah|yep)\b"
    r"|\b(?:that|this|the \w+) one(?: then| please| is fine| will do)?\W*$"
    r"|那就|就要|也行|也可以|好吧|行吧|那个吧|这个吧",
    re.I,
)


def takes_the_offer(text: str) -> bool:
    """Whether the message takes the one choice offered (no other change asked)."""
    return bool(_TAKES.search(text)) and not re.search(r"\b(no|not|don'?t)\b|不要|别", text, re.I)


# "I ordered a full suit by mistake", 不小心下错单了: the purchase was not
# meant; a wrong size or colour ordered by mistake is an exchange (DOES_NOT_FIT, read first).
_BY_MISTAKE = re.compile(
    r"\b(i|we)\b[^.?!;\n]{0,30}\b(ordered|bought|placed|purchased|got)\b[^.?!;\n]{0,40}"
    r"\bby (mistake|accident)\b|\baccidentally (ordered|bought|placed|purchased|clicked)\b"
    r"|\bdidn'?t mean to (order|buy|place|purchase)\b|\b(ordered|bought) (it |this |that )?twice\b"
    r"|\bdouble[- ]?ordered\b|\bduplicate order\b"
    r"|不小心(下了?单|下单|买|拍|订|点)|下错(了)?单|误(下单|购|买|拍|点)|重复(下单|购买|订购|下了)|买重了"
    r"|多(下|拍|买)了一(单|次)",
    re.I,
)
# "charcoal instead of sand", 要黑色不要白色: another option of what they have.
_INSTEAD_OF = re.compile(r"\b[\w-]+ instead of (the |my |a )?[\w-]+|要.{1,6}不要.{1,6}", re.I)
_SENT_ELSEWHERE = re.compile(
    r"\b(ship|shipp(ed|ing)|send|sent|deliver(ed|y)?|address|mail|post|courier|pick ?up|refund|"
    r"credit|card|cash)\b|寄|送|地址|退款",
    re.I,
)
# "and the apron I ordered yesterday?", 那围裙呢: the same question about something else.
FOLLOW_UP = re.compile(
    r"^\s*(?:and|also|plus|what about|how about)\b[^.!;\n]*[?？]\s*$"
    r"|^\s*(?:那|还有)?[^。！；\n]{1,20}呢\s*[?？]?\s*$",
    re.I,
)
# "the jacket doesn't fit", 尺码不对: an exchange, unless the message asks for another change.
DOES_NOT_FIT = re.compile(
    r"\b(doesn'?t|does not|don'?t|do not|didn'?t) fit\b|\bwrong (size|colou?r)\b|不合身|"
    r"尺码不(对|合)|(太|有点)(大|小)了|\boutgr(own|ew)\b|穿不下|"
    r"(买|買|选|選|拿|下单|下單)错了?(的)?(尺寸|尺码|尺碼|码|碼|号|號|颜色|顏色|size)|"
    r"(尺寸|尺码|尺碼)(不对|不對|不合|错了|錯了)"
    r"|\btoo (big|small|large|tight|loose|long|short|narrow|wide)\b"
    r"(?!\s+for\s+(my|the|our|your)\b)",
    re.I,
)
_ACTION_INTENTS = {"cancel", "return", "exchange", "change_address", "refund"}
# Beside a new address, the order is to go there ("can order 5181 go to ... instead?",
# "we're moving", 搬家了).
_SHIP_TO = re.compile(
    r"\b(ship|shipping|send|sent|deliver|mail|redirect|move[ds]?|moving|go(es)?)\b|\binstead\b|"
    r"\bchange (it|this|that|the (shipping |delivery )?address) to\b|"
    r"寄到|送到|发到|改寄|改成|改为|换到|搬家|搬到",
    re.I,
)


def item_words(text: str) -> str:
    """The words that may name items: the text without references, names and a new address
    (its "Elm Road" or "Exchange Street" is data, not an item)."""
    refs = read_references(text)
    if refs.address_span is not None:
        start, end = refs.address_span
        text = text[:start] + " " + text[end:]
    if refs.cued_name:
        text = text.replace(refs.cued_name, " ")
    # Words in characters at the start are a name only beside who they are ("张伟 34130，..."),
    # not before a request ("礼帽退掉，帽盒留着": the hat goes).
    proof = bool(refs.postcodes or refs.email or refs.phones or refs.orders or refs.cued_name)
    for name in refs.names:  # a candidate inside a run of Chinese ("其他的都退") is no name
        if _MIXED_CASE.match(name):  # "keeping Tapas y Mentiras": a verb and a product's name
            continue
        if name and CJK.search(name):
            if not proof:
                continue
            text = re.sub(rf"(?<![\u3400-\u9fff]){re.escape(name)}(?![\u3400-\u9fff])", " ", text)
        elif name:
            text = text.replace(name, " ")
    text = _REFUND_WAY.sub(" ", text)  # "store credit is fine" keeps no item
    return strip_references(text)


_MIXED_CASE = re.compile(r"[a-z]\S*\s.*\b[A-Z]")
# How the money goes back: never an item ("store credit is fine", "refund to my card", 退回信用卡).
_REFUND_WAY = re.compile(
    rf"\b(?:as |in )?store[- ]credit\b|{_STORE_CREDIT_ZH}"
    r"|\b(?:refund(?:ed)?|money|back)\s+(?:it\s+)?(?:to|on|onto|into)\s+(?:my|the)\s+(?:original\s+)?(?:credit\s+|debit\s+)?(?:card|payment|account|method)\b"
    r"|\b(?:original|same)\s+(?:card|payment(?:\s+method)?)\b"
    r"|(?:钱|錢|款)?(?:退|退款|退钱|退回|退返|退到|返)(?:回|到|落|去)?"
    r"(?:原|我的|我|张|張|原来的?|原來的?)?"
    rf"(?:信用卡|银行卡|銀行卡|卡|账户|帳戶|支付方式|{_STORE_CREDIT_ZH})度?",
    re.I,
)


def strip_references(text: str) -> str:
    """The text without e-mails, order numbers, postcodes and phone numbers (so none is read
    as a size or an option)."""
    refs = read_references(text)
    for value in [refs.email or "", *refs.postcodes, *refs.phones]:
        if value:
            text = re.sub(re.escape(value), " ", text, flags=re.I)
    for order in refs.orders:
        if order.marked or len(order.text) > 3:  # a bare "130" is a size far more often
            text = re.sub(rf"#?\s?{re.escape(order.text)}", " ", text)
    return text


_PERSONAL = re.compile(
    r"\bmy\b|\bmine\b|\bI('ve| have)? ?(ordered|bought|purchased|paid|was charged|got charged|"
    r"received|placed|cancell?ed|returned|got)\b"
    r"|\bI ?('d like|would like|want|wanna|need|have)( to)? "
    r"(cancel|cancle|return|exchange|change|send|swap|update|track)|\b(cancel|return|exchange|swap|track|change)\b"
    r".{0,20}\b(it|them|this|these|that one)\b|我的|我所有|帮我|我要|我想|给我|我买的|我订的"
    r"|我下的|我在|我订单"  # Cantonese 我張單 (my order) reads 我订单
    r"|寄了.{0,2}(几|[一二两三四五六七八九十]|\d+)\s*(日|天)"  # 啲月餅盒寄咗好幾日: theirs
    r"|\bI'?m (still )?waiting (on|for)\b"
    # Chinese drops the "I": 想退货, 换成38-39的, 上次那单, 那双布鞋
    r"|(?<![你您们店])(想|要|能|可以|申请|只|仅)(退|换|取消|改|寄)|换成|(上次|这|那)(一)?(单|双|件|笔订单)"
    r"|\b(that|this|the) order\b|\bstatus (on|of) (them|it)\b"
    r"|\b(ship|send|deliver|redirect|forward)\b.{0,12}\b(it|them|this|these|those|mine)\b"
    r"|\bmy (stuff|things|parcel|package)\b|(买|订)的|那单|我(不需要|不想要)"
    r"|(买|订|落单|拿)(了|错)|不要[喇啦]",  # Cantonese 订咗, 买错了 (what they bought), 唔要喇
    re.I,
)
# A general question about the policy is answered from the knowledge, not from an order.
_GENERAL = re.compile(
    r"^\s*(how (long|many|much|do|does|can|soon)|what('s| is| are)? (is |are )?(your|the)|"
    r"do you|does your|is there|are there|can (i|you) (ever|usually)|what happens|what if)|"
    r"政策|规定|多久|几耐|几时|几多日|(?<![前这过那头])几天|多少天|怎么|如何|(你们|您们|贵店|店里).{0,6}(可以|能|支持|接受)|"
    # about the catalog, not an order: "any updates on when it's back in stock?"
    r"\b(back )?in stock\b|\brestock|\bavailab|有货|补货|到货通知|"
    r"^\s*(do|are|will) (returns|exchanges|refunds|orders)\b|"
    # a condition, not a request: "if I return it, is shipping free?", 退货的话运费谁出？
    r"^\s*(if|say|suppose) (i|we)\b|^\s*(如果|要是|假如)|^[^，,。？?]{0,12}的话",
    re.I,
)


def general_question(text: str) -> bool:
    """A question about the policy in general ("how long does a refund take?"), whoever asks."""
    return bool(_GENERAL.search(text))


def possible_postcodes(said: Said) -> list[str]:
    """The postcodes given, or else bare three- and four-digit numbers (Australia, Taiwan:
    the store's data decides whether they are one)."""
    return said.postcodes or short_numbers(said.order_hints)


# What a verified shopper may ask of their orders ("show me everything I've ordered" too).
_ORDER_ASKS = frozenset(
    (
        "cancel",
        "change_address",
        "return",
        "exchange",
        "status",
        "refund_status",
        "refund",
        "orders",
    )
)


def starts_order_request(text: str, said: Said, verified: bool = False) -> bool:
    """Whether a message starts an order request (not a general policy question); a verified
    shopper asking for a change ("keep the jacket, send the rest back") needs no "my", nor one
    already asked who they are: the conversation is about their orders."""
    text = plain_text(text)
    asks = _ORDER_ASKS
    actions = {"cancel", "change_address", "return", "exchange"}
    if said.no and set(said.intents) & actions and not _asks_outside_negation(text, actions):
        return False  # "好的，那我先不取消了，谢谢", "ok, don't cancel it then"
    mine = "status" in said.intents and _PERSONAL.search(text)  # "我幾日前訂嘅…寄咗未？幾時到？"
    if verified and set(said.intents) & asks and (mine or not _GENERAL.search(text)):
        return True
    clauses = _CLAUSE.split(text)
    outright = bool(set(said.intents) & actions) and any(
        _asks_a_change(clause, actions) for clause in clauses
    )
    # "机车皮衣退货，退款大概多久到账？": the request, and a question beside it
    if verified and outright:
        return True
    if (
        set(said.intents) & actions
        and any(_CONDITION.search(clause) for clause in clauses)
        and not outright
    ):  # "if I cancel the grooming kit order, how long would the refund take?": a question
        return False
    if said.email and (said.postcode or said.name):  # "I'm ..., email ..., zip ...": identifying
        return True
    identified = said.email or said.postcodes or said.order_numbers or said.order_hints
    if identified and said.intents:  # "Mohammed Al-Farsi, T2P 2W2. Can I still return it?"
        return True
    pair = said.email or (possible_postcodes(said) and (said.name or said.names))
    if pair and asks_about_an_order(text):  # "Helene Dubois, 75005. Is my smock order ...?"
        return True
    bare = text
    for postcode in said.postcodes:  # "Roisin Nic Giolla, H91W5P9": no words in a postcode
        bare = bare.replace(postcode, " ")
    if (said.email or said.postcode) and identity_only(bare):  # "Emma Johnson 43215"
        return True
    named = bare.replace(said.names[0], " ") if said.names else bare  # "Ana Sofía Olvera-Ochoa"
    if possible_postcodes(said) and said.names and identity_only(named):  # "Tom Ruru 3010"
        return True
    if not said.intents and not said.order_numbers:
        return False
    if said.order_numbers or said.email:
        return True
    if set(said.intents) <= actions and _GENERAL.search(text):
        return False
    if "change_address" in said.intents and said.address is not None:
        return True  # "could the foot stretcher go to the new place instead? 41 Rokeby Road, ..."
    return bool(_PERSONAL.search(text) or _BY_MISTAKE.search(text))  # their own purchase


# A change named only to say it is not wanted: 先不取消了, 不退了, "don't cancel it".
_NEGATED_CHANGE = re.compile(
    r"(?:先|还是|暂时|就)?(?:不|别|唔)(?:用|要|想|再)?(?:取消|退货|退|换货|换|改)"
    r"|\b(?:don'?t|do not|no need to|not going to|won'?t|never ?mind)\s+(?:\w+\s+){0,2}?"
    r"(?:cancel|cancelling|return|returning|exchange|change)\b",
    re.I,
)


def _asks_outside_negation(text: str, actions: set[str]) -> bool:
    """Whether a change is asked for once the changes named as not wanted are taken out."""
    rest = _NEGATED_CHANGE.sub(" ", text)
    return any(intent in actions and pattern.search(rest) for intent, pattern in _INTENTS)


# The shopper's own order(s) named as such: with who they are, a question about them is one
# about where they are ("Is my smock order still being packed?").
_AN_ORDER = re.compile(
    r"\b(order|orders|parcel|package|purchase|delivery)\b|订单|包裹|快递|(我|我们)(买|订|下)的",
    re.I,
)
_A_QUESTION = re.compile(r"[?？]|吗|呢|没有?\s*$|查", re.I)


_CLAUSE = re.compile(r"[,.;!?，。；！？\n]+")
_CONDITION = re.compile(r"^\s*(if|when|say|suppose|如果|要是|假如|万一)", re.I)
# A question for facts, not a request: "退货运费谁出", "退款是退到卡里还是店铺余额", "who pays".
_ASKS_WHICH = re.compile(
    r"谁|什么|多少|是不是|还是|几|哪|怎么|\b(how|what|who|which|whose|is it|are there)\b", re.I
)


def _asks_a_change(clause: str, actions: set[str]) -> bool:
    """A clause that asks for a change outright: no policy question, no "if I return it"."""
    if _GENERAL.search(clause) or _CONDITION.search(clause) or _ASKS_WHICH.search(clause):
        return False
    return bool(actions & {intent for intent, pattern in _INTENTS if pattern.search(clause)})


def asks_about_an_order(text: str) -> bool:
    """Whether a message asks something about the shopper's own order(s)."""
    return bool(_AN_ORDER.search(text) and _A_QUESTION.search(text))


_FILLER = re.compile(
    r"(?i)\b(my|name|is|zip|code|postcode|postal|email|e-mail|address|and|the|hi|hello|hey|this|"
    r"i'?m|i am|it'?s|here|thanks|thank you|please|ok|sure|hola|cp|c\.p|c[oó]digo postal)\b"
    r"|邮箱|邮编|我是|我系|我叫|名字|是|谢谢|你好"
)


def identity_only(text: str) -> bool:
    """A message that only gives identity details (no question, at most a name besides)."""
    if "?" in text or "？" in text:
        return False
    text = plain_text(text)
    rest = re.sub(r"\S+@\S+|\d[\d\s-]*", " ", text)
    rest = _FILLER.sub(" ", rest)
    words = [w for w in re.findall(r"[A-Za-z]+", fold(rest)) if w not in _NAME_PARTICLES]
    return len(words) <= 3 and len(CJK.findall(rest)) <= 4


# Small words inside names ("Pieter van der Merwe", "Ahmad bin Ismail", "Renée du Toit").
_NAME_PARTICLES = frozenset(
    "van der den de du da das dos do la le von ter ten bin binti al el di del della mac".split()
)
