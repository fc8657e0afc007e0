"""What the shopper says an order cost ("my 2599 peso order", "the $54 one", 2599比索的订单):
amounts with their currency, matched to order totals and line prices. Like when it was placed,
it only narrows the shopper's own orders down when several fit.
"""

from __future__ import annotations

import re

from bot.orders.system import Order

# 1,234.50; 1.234,50 and 170.000 (dots between thousands: Indonesia, Chile, Germany...); 29,90
_NUMBER = (
    r"(\d{1,3}(?:[,，]\d{3})+(?:\.\d{1,2})?|\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?(?!\d)"
    r"|\d+(?:\.\d{1,2})?(?![\d.])|\d+,\d{1,2}(?![\d,]))"
)
_BEFORE = (
    r"(?:[$€£¥฿₱₩₹₫₺]|\b(?:usd|aud|cad|nzd|sgd|hkd|twd|nt\$|mxn|eur|gbp|jpy|aed|thb|myr|zar|rmb|cny|"
    r"idr|rp|rm|clp|ars|pen|uyu|brl|r\$|php|krw|inr|pln|chf|sek|nok|dkk|czk|huf|try)\.?\s?)"
)
_AFTER = (
    r"\s?(?:[€£¥₱₩₹₫₺]|\b(?:pesos?|dollars?|bucks|euros?|pounds?|yen|dirhams?|baht|ringgit|rand|rupiah|"
    r"rupees?|reais|won|z[lł]oty|z[lł]|soles?|kr|kronor|kroner|forint|lira|dong|usd|aud|cad|"
    r"mxn|eur|gbp|jpy|aed|thb|myr|zar|rmb|idr|clp|ars|pen|uyu|php|krw|inr|pln|chf|czk|huf)\b"
    r"|比索|元|块|蚊|美元|欧元|英镑|日元|円|迪拉姆|泰铢|令吉|兰特|印尼盾|盾|卢比|韩元|披索|台币|港币|港元|澳元|新币)"
)
_AMOUNT = re.compile(rf"{_BEFORE}\s?{_NUMBER}|{_NUMBER}{_AFTER}", re.I)


def said_amounts(text: str) -> list[float]:
    """The amounts of money the text names; "170.000" is both 170 and 170,000 until the
    store's totals say which."""
    found: list[float] = []
    for m in _AMOUNT.finditer(text):
        found.extend(_readings(m.group(1) or m.group(2)))
    return found


def _readings(raw: str) -> list[float]:
    raw = raw.replace("，", ",")
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?", raw):
        thousands = float(raw.replace(".", "").replace(",", "."))
        return [thousands, float(raw)] if raw.count(".") == 1 and "," not in raw else [thousands]
    if re.fullmatch(r"\d+,\d{1,2}", raw):
        return [float(raw.replace(",", "."))]  # a decimal comma: "29,90 €"
    return [float(raw.replace(",", ""))]


def orders_costing(text: str, orders: list[Order]) -> list[Order]:
    """The orders whose total (or a line's price) is an amount the text names; all of them
    when it names none or none fits."""
    amounts = said_amounts(text)
    if not amounts:
        return orders
    fitting = [
        order
        for order in orders
        if any(
            abs(amount - value) < 0.51
            for amount in amounts
            for value in (order.total, *(i.unit_price * i.quantity for i in order.items))
        )
    ]
    return fitting or orders


# "the order with three items", "my 2-item order", 三件那单, 有两样东西的订单: how many things.
_COUNTS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6,
}  # fmt: skip
_ITEM_COUNT = re.compile(
    r"\border\s+with\s+(\d|one|two|three|four|five|six)\s+(?:items|things|products|pieces)\b"
    r"|\b(\d|two|three|four|five|six)[- ](?:item|piece|thing)\s+order\b"
    r"|(\d|[一两二三四五六])\s*(?:件|样)(?:东西|商品|货)?(?:的|嘅)?\s*(?:那|这|嗰|呢)?(?:一)?(?:单|张单|笔订单|个订单|訂單|单子)",
    re.I,
)


def count_of(word: str) -> int:
    """A count written in digits or as a word ("3", "three", 三, 两)."""
    return int(word) if word.isdigit() else _COUNTS[word.lower()]


def orders_counting(text: str, orders: list[Order]) -> list[Order]:
    """The orders with as many items (lines, or pieces) as the text says; all of them when it
    says none or none fits."""
    m = _ITEM_COUNT.search(text)
    if not m:
        return orders
    count = count_of(next(g for g in m.groups() if g))
    fitting = [
        order
        for order in orders
        if count in (len(order.items), sum(item.quantity for item in order.items))
    ]
    return fitting or orders
