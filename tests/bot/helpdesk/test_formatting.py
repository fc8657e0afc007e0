"""Replies written for the shopper's channel, and incoming e-mails read without their quotes."""

from __future__ import annotations

from bot.helpdesk import ChannelKind
from bot.helpdesk.formatting import shopper_reply, strip_quoted_email

REPLY = "Refunds to a credit card take 5-7 business days [1]. The shirt is $49.00 [2]."
SOURCES = [
    {"n": 1, "id": "policy:refunds#1", "source": "policy", "title": "Refunds", "score": 0.9},
    {
        "n": 2,
        "id": "catalog:P1",
        "source": "catalog",
        "title": "Linen Shirt",
        "url": "https://shop.example/p/linen",
        "score": 0.8,
    },
    {"n": 3, "id": "policy:x", "source": "policy", "title": "Not cited", "score": 0.5},
]


def test_a_chat_reply_lists_the_cited_sources_as_links() -> None:
    text = shopper_reply(REPLY, SOURCES, ChannelKind.CHAT)
    assert text.startswith(REPLY)
    assert text.endswith("Sources:\n[1] Refunds\n[2] [Linen Shirt](https://shop.example/p/linen)")
    assert "Not cited" not in text


def test_a_messaging_reply_spells_links_out() -> None:
    text = shopper_reply(REPLY, SOURCES, ChannelKind.MESSAGING)
    assert "[2] Linen Shirt: https://shop.example/p/linen" in text and "](" not in text


def test_an_email_reply_greets_and_signs_off_in_the_shoppers_language() -> None:
    english = shopper_reply(
        REPLY, SOURCES, ChannelKind.EMAIL, contact_name="Jane", store_name="Northwind"
    )
    assert english.split("\n\n")[0] == "Hello Jane,"
    assert english.split("\n\n")[1] == REPLY
    assert english.endswith("Kind regards,\nNorthwind customer service")
    chinese = shopper_reply(
        "退款需要5-7个工作日[1]。", SOURCES, ChannelKind.EMAIL, "zh", store_name="北风"
    )
    assert chinese.startswith("您好：\n\n退款需要") and "参考资料：\n[1] Refunds" in chinese
    assert chinese.endswith("祝好！\n北风客服团队")


def test_a_set_phrase_goes_as_it_is() -> None:
    phrase = "I've passed this conversation to a member of our team."
    assert shopper_reply(phrase, [], ChannelKind.CHAT) == phrase


def test_the_quoted_thread_and_signature_are_left_out() -> None:
    gmail = "Where is my parcel?\n\nOn Mon, 8 Jun 2026 at 09:12, Support <s@x.example> wrote:\n> Hi"
    assert strip_quoted_email(gmail) == "Where is my parcel?"
    outlook = "Please cancel it.\n\n-----Original Message-----\nFrom: Support\nSent: Monday"
    assert strip_quoted_email(outlook) == "Please cancel it."
    signed = "Thanks!\n-- \nJane Doe\nSent from my iPhone"
    assert strip_quoted_email(signed) == "Thanks!"
    chinese = "我的包裹到哪了？\n\n在 2026年6月8日 09:12，客服 <s@x.example> 写道：\n> 您好"
    assert strip_quoted_email(chinese) == "我的包裹到哪了？"
    assert strip_quoted_email("> only a quote") == "> only a quote"
