"""What the shopper says an order cost ("my 2599 peso order", "the $54 one", 2599比索的订单):
amounts with their currency, matched to order totals and line prices. Like when it was placed,
it only narrows the shopper's own orders down when several fit.
"""

from __future__ import annotations

import re

from bot.orders.system import Order

_NUMBER = r"(\d{1,3}(?:[,，]\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)"
_BEFORE = r"(?:[$€£¥฿₱₩]|\b(?:usd|aud|cad|nzd|sgd|hkd|mxn|eur|gbp|jpy|aed|thb|myr|zar|rmb|cny)\s?)"
_AFTER = (
    r"\s?(?:\b(?:pesos?|dollars?|bucks|euros?|pounds?|yen|dirhams?|baht|ringgit|rand|usd|aud|cad|"
    r"mxn|eur|gbp|jpy|aed|thb|myr|zar|rmb)\b|比索|元|块|蚊|美元|欧元|英镑|日元|円|迪拉姆|泰铢|令吉|兰特)"
)
_AMOUNT = re.compile(rf"{_BEFORE}\s?{_NUMBER}|{_NUMBER}{_AFTER}", re.I)


def said_amounts(text: str) -> list[float]:
    """The amounts of money the text names."""
    found = []
    for m in _AMOUNT.finditer(text):
        raw = m.group(1) or m.group(2)
        found.append(float(raw.replace(",", "").replace("，", "")))
    return found


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
