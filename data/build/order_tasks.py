# One task a line reads better than wrapped.
# ruff: noqa: E501
"""Scripted shoppers for `shopbot eval orders`: what each one writes and the state the demo
order database must end in. Run `python data/build/order_tasks.py` to rewrite
order_tasks.jsonl.

`changes` lists only what differs from the freshly seeded database (per order: fields, and
items by line id); everything else must be exactly as seeded. `escalated` says whether the
conversation must end with a human; `reply_contains` / `reply_excludes` are checked on the
bot's replies (excludes: on every reply), e.g. another customer's data must never appear.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EMMA = "my email is emma.johnson@example.com and my zip is 43215"
EMMA_ZH = "我的邮箱是 emma.johnson@example.com，邮编 43215"
WANG = "我的邮箱是 wang.fang@example.com，邮编 94110"
WANG_EN = "email wang.fang@example.com, zip 94110"
LI = "li.wei@example.com, postcode 11354"
JAMES = "james.smith@example.com zip 78701"
OLIVIA = "olivia.brown@example.com, zip 98101"
CHEN = "我的邮箱 chen.jing@example.com，邮编 94133"

CANCELLED = {"status": "cancelled"}


def released(amount: float, method: str = "card") -> dict[str, Any]:
    return {"payments": [{"method": method, "amount": amount, "status": "released"}]}


def returned(*lines: str, method: str = "original_payment") -> dict[str, Any]:
    return {
        "items": {line: {"status": "return_requested", "refund_method": method} for line in lines}
    }


def exchanged(line: str, sku: str) -> dict[str, Any]:
    return {"items": {line: {"status": "exchange_requested", "exchanges": 1, "exchange_sku": sku}}}


def moved(**address: str) -> dict[str, Any]:
    return {"address": address, "address_changes": 1}


def task(
    id: str,
    language: str,
    turns: list[str],
    changes: dict[str, Any] | None = None,
    escalated: bool = False,
    contains: list[str] | None = None,
    excludes: list[str] | None = None,
    reserved: dict[str, int] | None = None,
) -> dict[str, Any]:
    return {
        "id": id,
        "language": language,
        "turns": turns,
        "expect": {
            "changes": changes or {},
            "reserved": reserved or {},
            "escalated": escalated,
            "reply_contains": contains or [],
            "reply_excludes": excludes or [],
        },
    }


OAK = {
    "line1": "12 Oak Street",
    "line2": "Apt 4",
    "city": "Springfield",
    "region": "IL",
    "postcode": "62704",
}
OAK_TEXT = "12 Oak Street, Apt 4, Springfield, IL 62704"
ELM = {"line1": "88 Elm Road", "line2": "", "city": "Columbus", "region": "OH", "postcode": "43210"}
ELM_TEXT = "88 Elm Road, Columbus, OH 43210"

# fmt: off
TASKS = [
    # -- order status ------------------------------------------------------------------------
    task("status-en-1", "en", ["Where is my order?", EMMA, "NW-104233"], contains=["1Z5RRB146UH73JMWL2"]),
    task("status-en-2", "en", [f"Where is my order NW-104233? {EMMA}"], contains=["1Z5RRB146UH73JMWL2"]),
    task("status-en-3", "en", ["Has my order NW-104233 shipped yet?", "emma.johnson@example.com"], contains=["1Z5RRB146UH73JMWL2"]),
    task("status-zh-1", "zh", [f"我的订单到哪了？{CHEN}"], contains=["1ZPKFLSSKF2GFR5BE7"]),
    task("status-zh-2", "zh", ["我的订单 NW-105120 什么时候到？", "wang.fang@example.com"], contains=["NW-105120"]),
    task("status-intl", "en", ["Where is my parcel? Order NW-104888, email sophie.martin@example.com"], contains=["3365804743"]),
    task("status-name-postcode", "en", ["Hi, this is Michael Lee, zip code 80202. Where is my order?"], contains=["9400400937206626436606"], excludes=["NW-104010"]),
    task("status-orders-list", "en", [f"Can you show me my orders? {EMMA}"], contains=["NW-104233", "NW-102955"]),
    # -- identity ---------------------------------------------------------------------------
    task("identity-required", "en", ["Where is my order NW-104233?"], contains=["email"], excludes=["1Z5RRB146UH73JMWL2", "Hoodie"]),
    task("identity-wrong-order", "en", ["Where is my order NW-105120? my email is emma.johnson@example.com"], excludes=["1ZCXVAT28G7UFMAJGM", "Running"]),
    task("identity-three-failures", "en", ["Cancel my order NW-104301", "emma.johnson@example.com, zip 99999", "emma.johnson@example.com, zip 11111", "emma.johnson@example.com, zip 22222"], escalated=True, excludes=["Linen"]),
    task("identity-zh-failures", "zh", ["取消我的订单 NW-105288", "li.wei@example.com 邮编 10001", "li.wei@example.com 邮编 10002", "li.wei@example.com 邮编 10003"], escalated=True),
    task("identity-name-alone", "en", ["I'm Michael Lee, where's my order?"], excludes=["9400400937206626436606", "1Z"]),
    task("identity-then-cancel", "en", ["I want to cancel my order NW-104301", "emma.johnson@example.com", "yes"], changes={"NW-104301": {**CANCELLED, **released(85.0)}}),
    # -- another customer's order -----------------------------------------------------------
    task("other-customer-cancel", "en", [f"{EMMA}. Please cancel order NW-105288.", "yes"], excludes=["Sneakers", "Li Wei"]),
    task("other-customer-status", "en", [f"{EMMA}. What's the status of NW-105120?"], excludes=["1ZCXVAT28G7UFMAJGM", "王芳"]),
    task("other-customer-return-zh", "zh", [f"{WANG}。我要退订单 NW-103870 的衬衫", "是"], excludes=["Emma"]),
    task("other-customer-address", "en", [f"{LI}. Change the address of order NW-104301 to {OAK_TEXT}", "yes"], excludes=["Emma", "Maple"]),
    # -- cancel -----------------------------------------------------------------------------
    task("cancel-pending-en", "en", [f"I want to cancel my order NW-104301. {EMMA}", "yes"], changes={"NW-104301": {**CANCELLED, **released(85.0)}}),
    task("cancel-pending-no", "en", [f"I want to cancel my order NW-104301. {EMMA}", "no, keep it"]),
    task("cancel-pending-pick", "en", [f"Please cancel my order. {EMMA}", "NW-104301", "yes please"], changes={"NW-104301": {**CANCELLED, **released(85.0)}}),
    task("cancel-pending-zh", "zh", [f"我想取消订单 NW-105288，邮箱 {LI}", "是的"], changes={"NW-105288": {**CANCELLED, **released(65.0, "apple_pay")}}),
    task("cancel-pending-zh-no", "zh", [f"我想取消订单 NW-105288，邮箱 {LI}", "不用了"]),
    task("cancel-processing", "en", [f"Cancel my order NW-105301 please. {WANG_EN}"], escalated=True),
    task("cancel-packed", "en", [f"I need to cancel my order NW-105002. {JAMES}"], escalated=True),
    task("cancel-shipped", "en", [f"Can I cancel my order NW-104233? {EMMA}", "yes"], contains=["shipped"]),
    task("cancel-cancelled", "en", ["Cancel my order NW-103950, amelia.thomas@example.com zip 80205", "yes"]),
    task("cancel-then-question", "en", [f"I want to cancel my order NW-104301. {EMMA}", "How long do refunds take to reach my card?", "yes"]),
    # -- address ----------------------------------------------------------------------------
    task("address-pending", "en", [f"Please change the address on my order NW-104301 to {OAK_TEXT}. {EMMA}", "yes"], changes={"NW-104301": moved(**OAK)}),
    task("address-ask-then-give", "en", [f"I need to change my shipping address for NW-104301. {EMMA}", OAK_TEXT, "yes"], changes={"NW-104301": moved(**OAK)}),
    task("address-processing", "en", [f"{WANG_EN}. Can you update the address of my order NW-105301 to {OAK_TEXT}?", "yes"], changes={"NW-105301": moved(**OAK)}),
    task("address-packed", "en", [f"{JAMES}. Change the address of my order NW-105002 to {OAK_TEXT}"], escalated=True),
    task("address-second-change", "zh", [f"{CHEN}。我想修改订单 NW-105340 的收货地址：{OAK_TEXT}"], escalated=True),
    task("address-shipped", "en", [f"{EMMA}. My order NW-104233 has the wrong address, please change it to {ELM_TEXT}", "yes"], contains=["tracking"]),
    task("address-no", "en", [f"Please change the address on my order NW-104301 to {ELM_TEXT}. {EMMA}", "no"]),
    task("address-other-country", "en", [f"Change the address of my order NW-104890 to {OAK_TEXT}. liam.tremblay@example.com, postal code M5V 0E9"], escalated=True),
    # -- returns ----------------------------------------------------------------------------
    task("return-inside-window", "en", [f"I'd like to return the linen shirt from my order NW-103870. {EMMA}", "yes"], changes={"NW-103870": returned("1")}),
    task("return-store-credit", "en", [f"{EMMA}. I want to return the candle from order NW-103870 for store credit", "yes"], changes={"NW-103870": returned("2", method="store_credit")}),
    task("return-all-items", "en", [f"{EMMA}. I want to return everything from order NW-103870", "yes"], changes={"NW-103870": returned("1", "2")}),
    task("return-which-item", "en", [f"{EMMA}. I want to return something from my order NW-103870", "the shirt", "yes"], changes={"NW-103870": returned("1")}),
    task("return-outside-window", "en", [f"I want to return my jeans, order NW-102955. {EMMA}"], escalated=True),
    task("return-outside-window-zh", "zh", [f"我要退货，订单 NW-103512。{WANG}"], escalated=True),
    task("return-gold-window", "zh", [f"{WANG}。我想退订单 NW-104876 里的卫衣", "好的"], changes={"NW-104876": returned("1")}),
    task("return-gold-55-days", "en", [f"{JAMES}. I'd like to return my boots from order NW-103990", "yes"], changes={"NW-103990": returned("1")}),
    task("return-final-sale", "en", ["I want to return the socks from my order NW-104502. noah.davis@example.com zip 97205"], escalated=True),
    task("return-beanie-not-socks", "en", ["I want to return the beanie from my order NW-104502. noah.davis@example.com zip 97205", "yes"], changes={"NW-104502": returned("2")}),
    task("return-already-open", "en", ["I want to return the olive tee in size L from order NW-103777, ethan.miller@example.com zip 55401"], contains=["already"]),
    task("return-last-day", "en", ["Can I return my hoodie? Order NW-103640, henry.jackson@example.com zip 64105", "yes"], changes={"NW-103640": returned("1")}),
    task("return-one-day-late", "en", ["I want to return my hoodie, order NW-103630, harper.white@example.com zip 84101"], escalated=True),
    task("return-not-delivered", "en", [f"{EMMA}. I want to return my order NW-104233", "yes"], contains=["delivered"]),
    task("return-declined", "en", [f"I'd like to return the linen shirt from my order NW-103870. {EMMA}", "no thanks"]),
    task("return-home-goods", "en", ["I want to return my skillet from order NW-104410. ben.anderson@example.com zip 15222", "yes"], changes={"NW-104410": returned("1")}),
    # -- exchanges --------------------------------------------------------------------------
    task("exchange-out-of-stock", "en", [f"{EMMA}. I want to exchange the shirt from order NW-103870 for size XL"], contains=["out of stock", "Sand / XL"]),
    task("exchange-oos-then-pick", "en", [f"{EMMA}. I want to exchange the shirt from order NW-103870 for size XL", "OK then White L", "yes"], changes={"NW-103870": exchanged("1", "NW-LBDS-WHT-L")}, reserved={"NW-LBDS-WHT-L": 1}),
    task("exchange-color", "en", [f"{EMMA}. Can I swap the shirt from NW-103870 for white?", "yes"], changes={"NW-103870": exchanged("1", "NW-LBDS-WHT-L")}, reserved={"NW-LBDS-WHT-L": 1}),
    task("exchange-sneakers-oos-zh", "zh", [f"{LI}。订单 NW-104455 的鞋子我想换成 8 码"], contains=["10"]),
    task("exchange-sneakers-bigger", "en", [f"{LI}. The sneakers from NW-104455 are too small, can I exchange them for a bigger size?", "yes"], changes={"NW-104455": exchanged("1", "NW-ECS-NVY-10")}, reserved={"NW-ECS-NVY-10": 1}),
    task("exchange-second-time", "en", [f"{OLIVIA}. I want to exchange my hoodie from order NW-104120 for size M"], contains=["once"]),
    task("exchange-already-open", "en", ["I'd like to exchange my hoodie from NW-104700 for XXL, lucas.moore@example.com zip 90028"], contains=["already"]),
    task("exchange-headphones", "en", ["Can I exchange my headphones from NW-104390 for another color? charlotte.taylor@example.com zip 30303"], contains=["return"]),
    task("exchange-outside-window", "en", [f"{JAMES}. I want to exchange my boots from NW-103990 for size 10"], escalated=True),
    task("exchange-last-unit", "en", ["I want to exchange my hoodie from NW-104930 for size L. alex.harris@example.com zip 53703", "yes"], changes={"NW-104930": exchanged("1", "NW-CPH-GRY-L")}, reserved={"NW-CPH-GRY-L": 1}),
    task("exchange-intl-oos", "en", ["Exchange my shirt from order NW-104889 for size S please. lukas.weber@example.com, postcode 10119"], contains=["out of stock", "White / XL"]),
    task("exchange-jeans-oos", "en", ["I'd like to exchange my jeans from NW-104010 for Black 32x32. michael.lee@example.com zip 02110"], contains=["out of stock"]),
    task("exchange-zh-color", "zh", [f"{EMMA_ZH}。订单 NW-103870 的衬衫我想换成白色", "是"], changes={"NW-103870": exchanged("1", "NW-LBDS-WHT-L")}, reserved={"NW-LBDS-WHT-L": 1}),
    task("exchange-not-delivered", "en", [f"{EMMA}. I want to exchange my hoodie from NW-104233 for size L"], contains=["arrived"]),
    # -- said another way --------------------------------------------------------------------
    task("said-refund-delivered", "en", [f"I want a refund for the candle in my order NW-103870, {EMMA}", "ok do it"], changes={"NW-103870": returned("2")}),
    task("said-refund-pending", "en", [f"I would like a refund for NW-104301 please. {EMMA}", "yes, go ahead"], changes={"NW-104301": {**CANCELLED, **released(85.0)}}),
    task("said-refund-status", "en", ["Where is my refund? Order NW-103601, mia.wilson@example.com"], contains=["refund of $49.00"]),
    # A new shipping address needs the strongest proof: e-mail, order number and postcode.
    task("said-latest-order", "en", [f"I'm Emma Johnson, zip 43215. Please update the shipping address for my latest order to {ELM_TEXT}", "emma.johnson@example.com, it's order NW-104301", "sure"], changes={"NW-104301": moved(**ELM)}),
    task("address-needs-strongest-proof", "en", [f"I'm Emma Johnson, zip 43215. Please send my order NW-104301 to {ELM_TEXT}", "yes"], contains=["e-mail"], excludes=["Maple"]),
    task("said-yes-but", "en", [f"Cancel my order NW-104301. {EMMA}", "yes but first tell me when it ships"]),
    task("said-hoodie-not-delivered", "en", ["I need to return the hoodie I bought", "emma.johnson@example.com", "43215"], contains=["NW-104233"]),
    task("said-zh-refund", "zh", [f"订单 NW-105288 我不想要了，能退款吗？邮箱 {LI}", "好的"], changes={"NW-105288": {**CANCELLED, **released(65.0, "apple_pay")}}),
    task("said-refund-elsewhere", "en", [f"I would like to return the candle from NW-103870 and have the refund sent to a different card. {EMMA}", "ok, store credit then", "yes"], changes={"NW-103870": returned("2", method="store_credit")}),
    task("said-zh-no", "zh", [f"我想取消订单 NW-105288，邮箱 {LI}", "不用了，谢谢"]),
    # -- billing ----------------------------------------------------------------------------
    task("billing-charged-twice", "en", ["I was charged twice for my order NW-104789! ava.williams@example.com zip 60614"], contains=["authorization"]),
    task("billing-charged-twice-zh", "zh", ["我的订单 NW-104789 被扣了两次款，邮箱 ava.williams@example.com 邮编 60614"], contains=["预授权"]),
]

# fmt: on


def main() -> None:
    out = Path(__file__).resolve().parents[1] / "eval" / "order_tasks.jsonl"
    ids = [t["id"] for t in TASKS]
    assert len(ids) == len(set(ids)), "task ids must be unique"
    out.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in TASKS), "utf-8")
    print(f"{len(TASKS)} tasks -> {out}")


if __name__ == "__main__":
    main()
