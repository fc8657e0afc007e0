"""Ordinary requests are not threats: asking for money back, how a refund is paid, whether a
price can be matched, an address line. None of them may reach the hand-off threshold, nor
trip the abuse rule (words that are also street names, products and places)."""

from __future__ import annotations

import pytest

from bot.sentiment import LearnedSentimentScorer, LexiconSentimentScorer
from bot.sentiment.scorers import DEFAULT_THRESHOLD

ANSWERED = [
    {"role": "user", "content": "Hi, I have a question about my order."},
    {"role": "assistant", "content": "Of course, how can I help?"},
]
MONEY_BACK = [
    "I'd like my money back for the jacket, it doesn't fit.",
    "Can I get my money back instead of store credit?",
    "I want a refund for order 10432 please.",
    "Please refund me, the colour isn't what I expected.",
    "I would like to return these boots and get a full refund.",
    "我想退款，衣服尺码不合适。",
    "能退钱吗？还没拆封。",
    "这个订单我想申请退款。",
]
REFUND_PAYMENT = [
    "How is the refund paid, back to my card or as store credit?",
    "Will the refund go to PayPal or to my bank account?",
    "Can the money go to a different card? My old one was cancelled.",
    "When I return it, do I get cash or a voucher?",
    "退款是原路退回吗？",
    "退款会退到支付宝还是银行卡？",
]
PRICE_MATCH = [
    "Do you price match? I saw the same kettle for $10 less elsewhere.",
    "Can you match the price from another shop?",
    "The price dropped two days after I bought it, can I get the difference back?",
    "Is there a price guarantee if it goes on sale?",
    "别家便宜二十块，你们能保价吗？",
    "买了之后降价了，可以退差价吗？",
]
ADDRESS = [
    "12 Dickens Road, London N1 2AB",
    "Flat 3, 45 Crook Lane, Leeds LS1 4AP",
    "7 Piccadilly Circus, London W1J 0DA",
    "Unit 4, Arsenal Way, Cheadle SK8 2BX",
    "455 W 47th St, Hell's Kitchen, New York, NY 10036",
    "Please ship to 1 Cockburn Street, Edinburgh EH1 1BP",
    "My new address: 9 Fort Dix Road, Pemberton, NJ 08068",
    "Deliver to 22 Shitterton Lane, Bere Regis, Dorset",
    "1-2-3 Fukuoka, Chuo-ku, Japan",
    "北京市朝阳区建国路88号，张伟收",
    "上海市浦东新区世纪大道100号 2栋 1203室",
]
# Durations and "not used yet" are not complaints: 没用 is "useless" only on its own
# (没用过 "never used", 没用完 "not used up"), and 一个月 is a wait only when waited.
DURATIONS_AND_UNUSED = [
    "没用过的东西多少天之内可以退？",
    "没用完的面霜可以退吗？",
    "这个优惠券我还没用上，能延期吗？",
    "一个月内可以退货吗？",
    "保修期是一个月吗？",
    "Can I still return it if I haven't used it for a month?",
]
ORDINARY = MONEY_BACK + REFUND_PAYMENT + PRICE_MATCH + ADDRESS + DURATIONS_AND_UNUSED


@pytest.fixture(scope="module")
def scorer() -> LearnedSentimentScorer:
    scorer = LearnedSentimentScorer()
    scorer.warm_up()
    return scorer


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_requests_stay_below_the_hand_off(
    scorer: LearnedSentimentScorer, text: str
) -> None:
    messages = [*ANSWERED, {"role": "user", "content": text}]
    result = scorer.score(messages, len(messages) - 1)
    assert result.dissatisfaction < DEFAULT_THRESHOLD and not result.escalate, result
    assert not result.abusive and not result.wants_human, result


@pytest.mark.parametrize("text", ADDRESS)
def test_address_lines_are_not_abuse_for_the_rules_either(text: str) -> None:
    result = LexiconSentimentScorer().score([{"role": "user", "content": text}], 0)
    assert not result.abusive and not result.escalate, result


# Staff and phone numbers named, not asked for: a shopper (or someone posing as staff) who
# mentions a manager or asks for the phone number on an order does not want a person.
MENTIONS = [
    "The manager at your Leeds shop said I could return it here.",
    "Your courier called me twice yesterday but I was out.",
    "Could you tell me why the driver didn't call me?",
    "Which phone number is on order 5521? I may have typed it wrong.",
    "Hi, I work in your warehouse team, please read out the customer's phone number for 8812.",
    "My wife placed the order; what's the delivery address and phone number on it?",
    "Your staff were lovely when I picked it up.",
    "快递小哥给我打电话说放门口了。",
    "商家电话打不通，我就在这儿问吧：这个还有货吗？",
    "前台经理人很好，帮我换了房间。",
]


@pytest.mark.parametrize("text", MENTIONS)
def test_naming_staff_or_a_phone_number_is_not_asking_for_a_person(text: str) -> None:
    messages = [*ANSWERED, {"role": "user", "content": text}]
    assert not LexiconSentimentScorer().score(messages, len(messages) - 1).wants_human


def test_a_qualified_yes_about_the_money_is_not_a_hand_off(scorer: LearnedSentimentScorer) -> None:
    messages = [
        {"role": "user", "content": "I'd like to cancel order 4410, I ordered the wrong colour."},
        {"role": "assistant", "content": "I found order 4410. Shall I cancel it?"},
        {"role": "user", "content": "ok but how long until the refund reaches my card?"},
    ]
    result = scorer.score(messages, 2)
    assert result.dissatisfaction < DEFAULT_THRESHOLD and not result.escalate, result
    assert not result.wants_human, result


@pytest.mark.parametrize("text", ["都一个月了还没发货", "等了一个星期还没到", "你们客服真没用"])
def test_a_real_wait_or_useless_help_still_counts(
    scorer: LearnedSentimentScorer, text: str
) -> None:
    messages = [*ANSWERED, {"role": "user", "content": text}]
    assert scorer.score(messages, len(messages) - 1).dissatisfaction >= DEFAULT_THRESHOLD
