"""Which language a shopper writes in, and the bot's fixed phrases in each."""

from __future__ import annotations

import re

CJK_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
"""Chinese characters, as the inside of a regular-expression character class."""
CJK = re.compile(f"[{CJK_RANGES}]")  # Chinese characters
_LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> str:
    """'zh' when the text is written in Chinese, else 'en'.

    Chinese shoppers often name products in Latin letters ("Merino Blend Tee XL有货吗？"):
    a few Chinese characters make the message Chinese whatever the letters around them.
    """
    cjk = len(CJK.findall(text))
    latin = len(_LATIN.findall(text))
    return "zh" if cjk >= 3 or (cjk and cjk * 2 >= latin * 0.5) else "en"


_GREETING = re.compile(
    r"^\W*(hi+|hello|hey+|hiya|good (morning|afternoon|evening)|你好|您好|在吗|在不在|哈喽|嗨)"
    r"(\s+(there|all|team))?[\W]*$",
    re.I,
)
_THANKS = re.compile(
    r"\b(thanks?|thank you|thx|ty|cheers)\b|[谢謝][谢謝]|多[谢謝]|感[谢謝]|唔[该該]", re.I
)
_ASKS = re.compile(
    r"[?？]|^\W*(how|what|when|where|which|who|why|whose|is|are|am|was|can|could|do|does|did|"
    r"will|would|should|shall|may|might|have|has|any)\b|\b(can|could|would|will) you\b|"
    r"\b(i|we) (want|need|would like|'d like|wish|am looking|'m looking)\b|\bi'?d like\b|"
    r"\b(please|help|tell me|show me|let me know|explain|check|cancel|change|return|exchange|"
    r"refund|track)\b|吗|呢|么|怎么|如何|什么|哪|几|多少|多久|能不能|可不可以|可以|是否|有没有|请|帮|想|要",
    re.I,
)


_REQUEST = re.compile(
    r"[?？]|\b(can|could|would|will) you\b|\bplease\b|\b(i|we) (want|need)\b"
    r"|吗|请|請|[帮幫](?!忙)|查|可唔可以|点样|點樣",
    re.I,
)
_ABOUT_ME = re.compile(r"\b(i|i'm|i've|my|me|we|our|us)\b|我", re.I)


# "ok never mind", "fine, forget it", 算了: the shopper lets the matter drop.
_CLOSING = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|fine|alright|all right|oh well|no)\W*)?"
    r"(?:never ?mind|nvm|forget (?:it|that|about it)|no worries|don'?t worry(?: about it)?)"
    r"\W*(?:then|thanks?|thank you)?\W*$"
    # "ugh ok i'll look for my details": dropped for now, to come back with what was missing
    r"|^\W*(?:(?:ugh|hmm|oh|ah|ok(?:ay)?|fine|alright|all right)\W*)*i'?ll (?:look for|find|"
    r"check|dig out|dig up|come back|try again)\b[^?？]*$"
    r"|^\W*(?:哦|噢|喔|嗯|好吧|好)?\W*(?:那|咁)?(?:算了|算啦|算吧|唔使喇|唔使啦|不用了|那就算了)\W*(?:吧|啦)?"
    r"(?:[，,]\s*(?:遲啲再問|迟啲再问|以后再说|以後再說|下次再说|下次再說|改天再问|改天再問))?"
    # "那算了，先不取消了，鼓我还是要的": not cancelling after all, keeping it
    r"(?:[，,]\s*(?:先|还是|還是)?不(?:取消|退|换|換|改)了?)?"
    r"(?:[，,]\s*[\u4e00-\u9fff]{0,6}(?:还是|還是)?(?:要的|留着|留著))?\W*$"
    r"|^\W*(?:(?:ok(?:ay)?|fine|alright|no)\W*)?(?:never ?mind|forget (?:it|that))\W*"
    r"(?:i'?ll|i will) (?:just )?keep (?:it|them)\W*$"
    # "ok, I'll think about it", "好的，我再想想": deciding later, nothing asked
    r"|^\W*(?:(?:ok(?:ay)?|fine|alright|hmm+)\W*)?(?:(?:thanks|thank you)\W*)?(?:i'?ll|let me) "
    r"(?:think (?:about it|it over)|have a think|decide later|sleep on it)\W*$"
    r"|^\W*(?:好的?|好吧|嗯|哦|ok)?\W*(?:那)?我?(?:再|先)(?:想想|考虑一下|考虑考虑|考虑下|看看)(?:吧|再说)?"
    r"(?:[，,]\s*(?:谢谢|多谢))?\W*$",
    re.I,
)
COURTESY_KINDS = ("greeting", "thanks", "closing")  # answered kindly, nothing searched


def message_kind(text: str) -> str:
    """'greeting', 'thanks', 'closing' (the shopper lets the matter drop), 'statement' (the
    shopper tells about themselves without asking anything yet, as in "I ordered the black
    hoodie last week") or 'question'."""
    if _GREETING.match(text):
        return "greeting"
    if _CLOSING.match(text):
        return "closing"
    if _THANKS.search(text) and not _REQUEST.search(text):
        return "thanks"
    if _ASKS.search(text) or not _ABOUT_ME.search(text):
        return "question"  # a keyword search ("hoodie size L") asks too
    return "statement"


PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "greeting": "Hello! How can I help you today?",
        "thanks": "You're welcome! Is there anything else I can help you with?",
        "someone_elses_details": (
            "I'm sorry, I can't share the address, phone number or other details of an order "
            "with anyone but the account holder, even family: they can see them once they've "
            "confirmed who they are (the e-mail on the order with the order number or "
            "postcode). If the order is yours, send me those and I'll check it; if it's "
            "someone else's, they're welcome to message us themselves."
        ),
        "closing": (
            "Understood, and I'm sorry I couldn't help more with that. If there's anything "
            "else, just ask."
        ),
        "statement": (
            "Thanks for letting me know. What would you like me to help with? I can answer "
            "questions about our products, sizes, delivery, returns and exchanges."
        ),
        "no_knowledge": (
            "I'm sorry, I don't have reliable information about that in our store's "
            "knowledge, and I'd rather not guess. Would you like me to connect you with a "
            "member of our team?"
        ),
        "order_lookup": (
            "If this is about something you ordered, I can look at your order for you: please "
            "tell me the email address on the order and the order number or your postcode."
        ),
        "knowledge_unavailable": (
            "I'm sorry, I can't look that up right now: our store's information is "
            "temporarily unavailable. Would you like me to connect you with a member of our "
            "team?"
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
        "suggestions_intro": "Here is what we have that fits:",
        "suggestion": "{name} — {price}, in stock{options}.",
        "price_from": "from {price}",
        "variants_stock": "{name}: {items}.",
        "variant_stock": "{options} {price}, {stock}",
        "sorry_for_trouble": "I'm sorry for the trouble, and thank you for your patience.",
        "quoted": 'Our store information (in Chinese) says: "{sentence}"',
        "waiting_for_agent": (
            "A member of our team is looking at your conversation and will reply here."
        ),
        "closed": "This conversation is closed. Start a new one if you need more help.",
        "back_with_bot": (
            "You're back with our virtual assistant. If you need a person again, just ask."
        ),
        "refuse_injection": (
            "I can help with questions about our products, orders, shipping and returns, but I "
            "can't change how I work or share my instructions. What can I help you with?"
        ),
    },
    "zh": {
        "greeting": "您好！请问有什么可以帮您？",
        "thanks": "不客气！还有其他可以帮您的吗？",
        "someone_elses_details": (
            "抱歉，订单的地址、电话等信息只能告诉账户本人，家人也不行：本人确认身份后（下单邮箱加订单号或邮编）"
            "即可查看。如果是您自己的订单，请提供这些信息，我来帮您查；如果是别人的订单，请本人直接联系我们。"
        ),
        "closing": "好的，抱歉这次没能帮上更多忙。如果还有其他问题，随时问我。",
        "statement": (
            "收到，谢谢告知。请问需要我帮您做什么？我可以解答商品、尺码、配送和退换货方面的问题。"
        ),
        "no_knowledge": (
            "抱歉，我在本店的资料里没有找到这个问题的可靠答案，不想随便猜测。需要我为您转接人工客服吗？"
        ),
        "order_lookup": (
            "如果是关于您买的商品，我可以帮您查看订单：请告诉我下单邮箱，以及订单号或邮编。"
        ),
        "knowledge_unavailable": "抱歉，我现在暂时无法查询本店的资料。需要我为您转接人工客服吗？",
        "backend_failed": (
            "抱歉，我现在暂时无法回答。已为您转接人工客服，同事会尽快在这里回复您。"
        ),
        "unsure": "这个细节我不太确定，不想随便猜测。需要我为您转接人工客服吗？",
        "price_stock": "{name}{options}的价格是 {price}，{stock}。",
        "in_stock": "目前有货",
        "out_of_stock": "目前缺货",
        "alternatives": "可选的有货款式：{items}。",
        "suggestions_intro": "为您找到以下合适的商品：",
        "suggestion": "{name} — {price}，有货{options}。",
        "price_from": "{price} 起",
        "variants_stock": "{name}：{items}。",
        "variant_stock": "{options} {price}，{stock}",
        "sorry_for_trouble": "很抱歉给您带来不便，感谢您的耐心。",
        "quoted": "我们的英文资料中写道：“{sentence}”",
        "waiting_for_agent": "人工客服正在查看您的对话，会在这里回复您。",
        "closed": "本次对话已结束。如需更多帮助，请开始新的对话。",
        "back_with_bot": "您已回到智能助手。如需再次转人工客服，随时告诉我。",
        "refuse_injection": (
            "我可以帮您解答商品、订单、配送和退换货方面的问题，但不能更改我的工作方式或透露内部指令。请问有什么可以帮您？"
        ),
    },
}


def phrase(language: str, key: str, **values: str) -> str:
    table = PHRASES.get(language, PHRASES["en"])
    return table[key].format(**values)
