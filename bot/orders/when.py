"""When the shopper says something happened ("the parcel that came last week", 一个多月前收到的,
"the mug I ordered last night"): a span of days ago, and whether it is when the order was
placed or when it arrived. It only narrows the shopper's own orders down when several fit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.orders.script import plain_text
from bot.orders.system import Order

Event = Literal["placed", "delivered", "either"]

_CN_NUMBER = {
    "一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    "十": 10, "半": 0.5,
}  # fmt: skip
_UNIT_DAYS = {
    "day": 1, "天": 1, "日": 1, "week": 7, "周": 7, "星期": 7, "礼拜": 7, "month": 30, "月": 30,
}  # fmt: skip

_WITHIN_THE_DAY = 0.5
# (pattern, lowest days ago, highest days ago); the first that matches counts.
_SPANS: list[tuple[re.Pattern[str], float, float]] = [
    (
        re.compile(
            r"\b(today|this (morning|afternoon)|earlier today|an hour ago|hours ago)\b"
            r"|今天|今早|今天早上|刚才|刚刚|几个小时前|小时前|今日|今朝",
            re.I,
        ),
        0,
        0.5,  # within the day: today's date (Span.fits)
    ),
    (re.compile(r"\b(last night|yesterday)\b|昨天|昨晚|昨日|琴日|寻日", re.I), 0, 2),
    (re.compile(r"前天|\bday before yesterday\b", re.I), 1, 3),
    (
        re.compile(
            r"\b(a few|few|a couple of|couple of|several) days ago\b"
            r"|前(几|两)(天|日)|(几|两)(天|日)前",
            re.I,
        ),
        1,
        8,
    ),
    (
        re.compile(r"\b(last|past) week\b|\ba week ago\b|上周|上个?星期|上个?礼拜|一周前", re.I),
        4,
        14,
    ),
    (
        re.compile(
            r"\b(a )?couple of weeks ago\b|\btwo weeks ago\b|两周前|两个星期前|半个月前", re.I
        ),
        9,
        21,
    ),
    (
        re.compile(r"\b(over|more than) a month ago\b|一个多月前|一个多月以前|个把月前", re.I),
        30,
        75,
    ),
    (re.compile(r"\b(last month|a month ago)\b|上个?月|一个月前", re.I), 20, 50),
]
_EN_NUMBER = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_N_AGO = re.compile(
    r"\b(\d{1,2}|" + "|".join(_EN_NUMBER) + r")\s*(day|week|month)s?\s+ago\b"
    r"|(\d{1,2}|[一两二三四五六七八九十半]{1,3})\s*(?:个)?\s*(多|半)?\s*(天|日|周|星期|礼拜|月)"
    r"(?:之?前|以前)",
    re.I,
)
# "a month and a half ago", "one and a half weeks ago", "1.5 months ago"
_AND_A_HALF = re.compile(
    r"\b(a|\d{1,2}|" + "|".join(_EN_NUMBER) + r")\s+(day|week|month)s?\s+and\s+a\s+half\s+ago\b"
    r"|\b(an?|\d{1,2}|" + "|".join(_EN_NUMBER) + r")\s+and\s+a\s+half\s+(day|week|month)s?\s+ago\b"
    r"|\b(\d{1,2})\.5\s*(day|week|month)s?\s+ago\b",
    re.I,
)
_ARRIVED = re.compile(
    r"\b(came|arrived|received|got (it|them|the parcel|the package)|delivered|turned up|"
    r"showed up)\b|收到|到货|到的|送到|签收|收了|到了",
    re.I,
)
_PLACED = re.compile(
    r"\b(ordered|bought|purchased|placed|got)\b|下单|下的|买的|订的|购买|订了|买了|落单|落了单|落了订单",
    re.I,
)


@dataclass(frozen=True)
class Span:
    """Days ago, lowest and highest, and which moment of an order they are about."""

    low: float
    high: float
    event: Event

    def fits(self, order: Order, now: datetime) -> bool:
        moments: list[datetime | None] = []
        if self.event in ("placed", "either"):
            moments.append(order.placed_at)
        if self.event in ("delivered", "either"):
            moments.append(order.delivered_at)
        for moment in moments:
            if moment is None:
                continue
            if self.high <= _WITHIN_THE_DAY:  # "this morning": today's date, not 20 h ago
                local = moment.astimezone(now.tzinfo) if now.tzinfo and moment.tzinfo else moment
                if local.date() == now.date():
                    return True
                continue
            days = (now - moment).total_seconds() / 86400
            if self.low - 0.5 <= days <= self.high + 0.5:
                return True
        return False


def said_when(text: str) -> Span | None:
    """The span the text gives, if any."""
    text = plain_text(text)
    span = _numbered(text)
    if span is None:
        for pattern, low, high in _SPANS:
            if pattern.search(text):
                span = (low, high)
                break
    if span is None:
        return None
    arrived, placed = bool(_ARRIVED.search(text)), bool(_PLACED.search(text))
    event: Event = "delivered" if arrived and not placed else "placed" if placed else "either"
    return Span(span[0], span[1], event)


# 十几天前, 十来天前 (ten-odd days ago), 二十几天前: between the tens and the next.
_TENS_AND_SOME = re.compile(
    r"([一二两三四五六七八九]?)十(?:几|来)\s*(?:个)?\s*(天|日|周|星期|礼拜|月)(?:之?前|以前)"
)


def _numbered(text: str) -> tuple[float, float] | None:
    """ "3 days ago", "six weeks ago", "a month and a half ago", 两周前, 三天前, 十几天前,
    一个半月前."""
    some = _TENS_AND_SOME.search(text)
    if some:
        tens = _CN_NUMBER.get(some.group(1), 1) * 10
        unit = _UNIT_DAYS[some.group(2)]
        return (tens + 1) * unit - 1, (tens + 9) * unit + 1
    half = _AND_A_HALF.search(text)
    if half:
        at = next(i for i in (1, 3, 5) if half.group(i))
        word, unit_word = half.group(at).lower(), half.group(at + 1)
        whole = int(word) if word.isdigit() else _EN_NUMBER.get(word, 1)
        return _around((whole + 0.5) * _UNIT_DAYS[unit_word.lower()])
    m = _N_AGO.search(text)
    if not m:
        return None
    if m.group(1):
        word = m.group(1).lower()
        count: float = int(word) if word.isdigit() else _EN_NUMBER[word]
        unit = _UNIT_DAYS[m.group(2).lower()]
    else:
        raw = m.group(3)
        count = int(raw) if raw.isdigit() else _chinese_number(raw)
        unit = _UNIT_DAYS[m.group(5)]
        if m.group(4) == "多":  # 两个多月前: more than two months, less than three
            return count * unit, (count + 1) * unit + max(1.0, unit * 0.5)
        if m.group(4) == "半":  # 一个半月前: a month and a half
            count += 0.5
    return _around(count * unit)


def _around(days: float) -> tuple[float, float]:
    """About so many days ago: shoppers round."""
    slack = max(1.0, days * 0.35)
    return max(0.0, days - slack), days + slack


def _chinese_number(raw: str) -> float:
    """十 10, 十二 12, 二十 20, 两 2, 半 0.5."""
    if "十" not in raw:
        return _CN_NUMBER.get(raw, 1)
    tens, _, ones = raw.partition("十")
    return _CN_NUMBER.get(tens, 1) * 10 + _CN_NUMBER.get(ones, 0)


_SENTENCE = re.compile(r"(?<=[.?!;。？！；])\s*|\n+")


def orders_fitting(text: str, orders: list[Order], now: datetime) -> list[Order]:
    """The orders the text's "when" fits; all of them when it gives none or none fits.

    Each sentence may say its own when. Orders that fit every one are the one order they all
    describe ("ordered two weeks ago. It came yesterday"); when none does, the sentences ask
    about different orders ("the scale from a few hours ago? Also the apron from two weeks
    ago") and each one's orders count."""
    spans = [span for part in _SENTENCE.split(text) if (span := said_when(part)) is not None]
    if len(spans) <= 1:
        spans = [span] if (span := said_when(text)) is not None else []
    if not spans:
        return orders
    fitting = [order for order in orders if all(span.fits(order, now) for span in spans)]
    if not fitting:
        fitting = [order for order in orders if any(span.fits(order, now) for span in spans)]
    return fitting or orders
