"""Which language a shopper writes in, and the bot's fixed phrases in each."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> str:
    """'zh' when the text is written in Chinese, else 'en'.

    Chinese shoppers often name products in Latin letters ("Merino Blend Tee XL有货吗？"):
    a few Chinese characters make the message Chinese whatever the letters around them.
    """
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    return "zh" if cjk >= 3 or (cjk and cjk * 2 >= latin * 0.5) else "en"


PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "no_knowledge": (
            "I'm sorry, I don't have reliable information about that in our store's "
            "knowledge, and I'd rather not guess. Would you like me to connect you with a "
            "member of our team?"
        ),
        "backend_failed": (
            "I'm sorry, I'm having trouble answering right now. I've passed your conversation "
            "to a member of our team, who will reply here as soon as possible."
        ),
        "unsure": (
            "I'm not certain about that detail, and I'd rather not guess. Would you like me "
            "to connect you with a member of our team?"
        ),
        "price_stock": "{name}{options} costs {price} and is {stock}.",
        "in_stock": "in stock",
        "out_of_stock": "currently out of stock",
        "alternatives": "Available alternatives: {items}.",
        "waiting_for_agent": (
            "A member of our team is looking at your conversation and will reply here."
        ),
        "closed": "This conversation is closed. Start a new one if you need more help.",
        "refuse_injection": (
            "I can help with questions about our products, orders, shipping and returns, but I "
            "can't change how I work or share my instructions. What can I help you with?"
        ),
    },
    "zh": {
        "no_knowledge": (
            "抱歉，我在本店的资料里没有找到这个问题的可靠答案，不想随便猜测。需要我为您转接人工客服吗？"
        ),
        "backend_failed": (
            "抱歉，我现在暂时无法回答。已为您转接人工客服，同事会尽快在这里回复您。"
        ),
        "unsure": "这个细节我不太确定，不想随便猜测。需要我为您转接人工客服吗？",
        "price_stock": "{name}{options}的价格是 {price}，{stock}。",
        "in_stock": "目前有货",
        "out_of_stock": "目前缺货",
        "alternatives": "可选的有货款式：{items}。",
        "waiting_for_agent": "人工客服正在查看您的对话，会在这里回复您。",
        "closed": "本次对话已结束。如需更多帮助，请开始新的对话。",
        "refuse_injection": (
            "我可以帮您解答商品、订单、配送和退换货方面的问题，但不能更改我的工作方式或透露内部指令。请问有什么可以帮您？"
        ),
    },
}


def phrase(language: str, key: str, **values: str) -> str:
    table = PHRASES.get(language, PHRASES["en"])
    return table[key].format(**values)
