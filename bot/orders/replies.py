# ruff: noqa: E501  (a table of messages: long sentences read better unbroken)
"""What the bot says about orders, in English and Chinese, from data only.

Every figure in these replies (dates, amounts, numbers, tracking) comes from the order system
or the policy decision; nothing is generated. Timings that differ from store to store are left
to the cited policy page rather than stated here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from bot.orders.policy import Decision
from bot.orders.system import Order, OrderItem, VariantStock

STATUS = {
    "en": {
        "pending": "received, not yet picked by the warehouse",
        "processing": "being picked and packed in our warehouse",
        "packed": "packed and waiting for the carrier",
        "shipped": "shipped",
        "out_for_delivery": "out for delivery today",
        "delivered": "delivered",
        "cancelled": "cancelled",
    },
    "zh": {
        "pending": "已收到，仓库尚未开始拣货",
        "processing": "仓库正在拣货打包",
        "packed": "已打包，等待快递揽收",
        "shipped": "已发货",
        "out_for_delivery": "今天正在派送",
        "delivered": "已签收",
        "cancelled": "已取消",
    },
}

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "ask_identity": (
            "I can help with that. To protect your account, I first need to confirm it's you: "
            "please tell me the email address on your order and the order number or your "
            "postcode (or your full name and postcode)."
        ),
        "ask_second_factor": (
            "Thanks. To confirm it's you, please also give me the order number or the postcode "
            "on your account."
        ),
        "ask_email_or_name": (
            "Thanks. To confirm it's you, please also tell me the email address on the order "
            "with the order number or the postcode, or your full name with the postcode."
        ),
        "identity_failed": (
            "I couldn't match those details to an account. Please check the email address and "
            "the order number or postcode and try again."
        ),
        "identity_escalate": (
            "I still couldn't confirm your identity, so I can't show order details here. I've "
            "asked a member of our team to help you; they will reply in this chat."
        ),
        "verified": "Thanks, {name}, you're verified.",
        "postcode_noted": (
            "Thanks, that postcode matches order {order}. What would you like to do with it? I "
            "can tell you where it is, cancel it or change its address before it ships, or start "
            "a return or an exchange."
        ),
        "ask_what": (
            "How can I help with your orders? I can tell you where an order is, cancel it or "
            "change its address before it ships, or start a return or an exchange."
        ),
        "not_your_order": (
            "Order {order} is not one of the orders on your account, so I can't show or "
            "change it. Please check the number; your orders are: {orders}."
        ),
        "no_orders": "I don't see any orders on your account yet.",
        "no_matching_order": "I don't see an order on your account that {what}. Your orders: {orders}.",
        "which_order": "Which order do you mean? {orders}",
        "order_line": "{order} (placed {placed}, {status}: {items})",
        "order_line_tracking": (
            "{order} (placed {placed}, {status}, {carrier} tracking number {tracking}: {items})"
        ),
        "status": "Order {order}, placed {placed}, is {status}.",
        "status_tracking": " It shipped with {carrier} on {shipped}; tracking number {tracking}{url}.",
        "status_label": (
            " Its {carrier} tracking number is {tracking}{url}: the label is printed and the "
            "carrier has not picked it up yet."
        ),
        "status_eta": " Expected delivery: {eta}.",
        "status_delivered": " It was delivered on {delivered}.",
        "status_items": " Items: {items}.",
        "status_refund": " A refund of {amount} to {method} was issued on {when}.",
        "status_released": " It was never charged: the payment authorization was released.",
        "orders_list": "Your orders: {orders}.",
        "which_item": "Which item of order {order} do you mean? {items}",
        "which_item_keeping": (
            "You're keeping {kept}. Which of the other items of order {order} do you mean? {items}"
        ),
        "which_variant": "Which size or color would you like instead? In stock now: {variants}.",
        "ask_proof": (
            "Before I send order {order} to a new address I need to be sure it's you: please "
            "also give me {what}."
        ),
        "proof_still_needed": (
            "I'm sorry, I can't send order {order} somewhere new without that proof: it keeps "
            "anyone else from redirecting your parcel. "
        ),
        "ask_address": (
            "What is the new shipping address? Please write it in full, for example "
            '"12 Oak Street, Apt 4, Springfield, IL 62704".'
        ),
        "confirm_cancel": "To confirm: cancel order {order} ({items}).",
        "confirm_address": "To confirm: change the shipping address of order {order} from "
        "{old_address} to {new_address}.",
        "confirm_return": "To confirm: return {items} from order {order}, refund {amount}.",
        "confirm_not_returned": " Not returned, kept as they are: {kept}.",
        "confirm_exchange": "To confirm: exchange {item} from order {order} for {wanted}.",
        "confirm_question": " Shall I go ahead? Please reply yes or no.",
        "confirm_again": "Shall I go ahead with this change to order {order}? Please reply yes or no.",
        "done_cancel": "Done: order {order} is cancelled.",
        "done_address": "Done: order {order} will ship to {new_address}.",
        "done_return": "Done: the return of {items} from order {order} is open.",
        "done_exchange": "Done: the exchange of {item} for {wanted} (order {order}) is open.",
        "declined": "OK, I haven't changed anything on order {order}.",
        "dropped": "OK, I've left everything as it is. Is there anything else I can help with?",
        "no_detail": "I don't have that detail in our store's information, and I'd rather not "
        "guess.",
        "proof_withdrawn": (
            "All right, order {order} still goes to the address it has. If you find those "
            "details later, tell me and I'll change it then; or I can ask a member of our team "
            "to help."
        ),
        "changed_meanwhile": (
            "Order {order} changed while we were talking, so I didn't make the change. I've "
            "asked a member of our team to look at it; they will reply here."
        ),
        "system_down": (
            "I can't reach our order system right now, so I can't look up or change orders. "
            "I've asked a member of our team to help; they will reply here."
        ),
        "offer_person": " Would you like me to pass this to a member of our team?",
        "other_orders": " Your other recent orders: {orders}.",
        "escalated": (
            " I've passed this to a member of our team with the details, and they will reply "
            "in this chat."
        ),
        "billing_authorization": (
            "Order {order} shows one charge of {captured} and a temporary authorization of "
            "{authorized} from {when}. Only one is ever taken: the authorization disappears "
            "from your statement on its own, usually within a few business days."
        ),
        "billing_single": (
            "Order {order} shows a single charge of {amount} on your {payment}. If you see two "
            "charges, one is usually a temporary authorization that disappears by itself."
        ),
        "billing_escalate": (
            "Order {order} shows two charges ({amounts}) from more than 5 business days ago."
        ),
        "help_next": " Is there anything else I can help you with on this order?",
        # reasons
        "already_cancelled": "Order {order} is already cancelled.",
        "already_shipped_cancel": (
            "Order {order} has already shipped, so it can no longer be cancelled. You can "
            "refuse the parcel at the door, or return it after it arrives."
        ),
        "delivered_cancel": (
            "Order {order} has already been delivered, so it can't be cancelled; you can "
            "return it instead."
        ),
        "in_warehouse": (
            "Order {order} is already {status_text}, so I can't cancel or change it myself."
        ),
        "partial_cancel": (
            "Order {order} can only be cancelled as a whole ({items}), so I can't cancel just "
            "part of it myself."
        ),
        "address_after_shipping": (
            "Order {order} has already shipped, so we can't change its address. The carrier "
            "may redirect it for a fee from its tracking page{url}."
        ),
        "delivered_address": "Order {order} has already been delivered.",
        "address_packed": "Order {order} is already packed, so I can't change the address myself.",
        "address_change_limit": (
            "The address of order {order} has already been changed, and I can't change it "
            "again in chat."
        ),
        "address_other_country": "I can't move order {order} to another country in chat.",
        "return_before_delivery": (
            "Order {order} hasn't been delivered yet ({status_text}). You can return it once "
            "it has arrived."
        ),
        "outside_return_window": (
            "Order {order} was delivered on {delivered} ({days_since_delivery} days ago), and "
            "its return window ended on {window_end}, so I can't open this return myself."
        ),
        "final_sale": "{final_sale} is final sale and can't be returned.",
        "refund_elsewhere": (
            "Refunds go back to the original payment method ({payment}), or as store credit if "
            "you prefer; we can't send them to another card, account or in cash. Shall I start "
            "the return with a refund to {payment} or as store credit?"
        ),
        "already_in_progress": "A return or exchange is already open for this item.",
        "change_before_shipping": (
            "Order {order} hasn't shipped yet, so the item can still be changed before it "
            "ships, but that change is made by our team rather than by me."
        ),
        "exchange_before_delivery": (
            "Order {order} is on its way ({status_text}). Once it has arrived you can exchange "
            "it for another size or color."
        ),
        "not_exchangeable": (
            "{item} can't be exchanged for another variant; you can return it and place a new "
            "order instead."
        ),
        "outside_exchange_window": (
            "{item} was delivered {days_since_delivery} days ago, and exchanges are possible "
            "within {window_days} days of delivery, so I can't open this exchange myself."
        ),
        "exchange_limit": (
            "{item} has already been exchanged once, and each item can be exchanged only once. "
            "You can return it and place a new order."
        ),
        "variant_unknown": "Which size or color would you like instead?",
        "same_variant": "That is the same size and color you already have.",
        "other_product": (
            "Exchanges are for another size or color of the same product; for a different "
            "product, return this one and place a new order."
        ),
        "variant_out_of_stock": "{wanted} is out of stock, so I can't exchange {item} for it.",
        "alternatives": " In stock now: {variants}. Would you like one of those, or a refund instead?",
        "no_alternatives": " No other size or color is in stock right now; I can refund it instead.",
        # consequences
        "authorization_released": (
            "You won't be charged: the authorization of {amount} on your {payment} is released."
        ),
        "refund_to_original_payment": "The {amount} you paid is refunded to your {payment}.",
        "address_confirmation_email": "We confirm the change by email to your account's address.",
        "sales_tax_may_change": (
            "The new address is in another state, so the sales tax may change slightly; we "
            "refund or charge the difference."
        ),
        "return_label": "We email you a prepaid return label.",
        "refund_after_inspection": "The refund is issued after the parcel arrives and is inspected",
        "refund_original_payment": ", to your {payment}.",
        "refund_store_credit": ", as store credit.",
        "exchange_label": (
            "We email you a prepaid label, and {wanted} is reserved for you and ships when "
            "your parcel is scanned."
        ),
        "charge_difference": "It costs {difference} more, charged to your original payment method.",
        "refund_difference": "It costs {difference} less, refunded to your original payment method.",
        "one_exchange_per_item": "Each item can be exchanged once.",
    },
    "zh": {
        "ask_identity": (
            "可以帮您处理。为了保护您的账户，我需要先确认您的身份：请告诉我下单时使用的邮箱，"
            "以及订单号或邮编（也可以提供姓名全称和邮编）。"
        ),
        "ask_second_factor": "谢谢。为确认是您本人，请再提供订单号或账户上的邮编。",
        "ask_email_or_name": "谢谢。为确认是您本人，请再提供下单邮箱和订单号或邮编，或者您的全名和邮编。",
        "identity_failed": "这些信息没有匹配到账户。请核对邮箱以及订单号或邮编后再试一次。",
        "identity_escalate": (
            "仍然无法确认您的身份，所以我不能在这里显示订单信息。我已请同事协助您，他们会在此对话中回复。"
        ),
        "verified": "谢谢，{name}，身份已确认。",
        "postcode_noted": "谢谢，这个邮编与订单 {order} 相符。请问需要怎么处理这个订单？我可以查询状态、在发货前取消或修改地址，或者办理退货、换货。",
        "ask_what": "请问订单方面需要什么帮助？我可以查询订单状态、在发货前取消订单或修改地址，或者办理退货、换货。",
        "not_your_order": "您的账户中没有订单 {order}。请核对订单号；您的订单有：{orders}。",
        "no_orders": "您的账户中还没有订单。",
        "no_matching_order": "您的账户中没有{what}的订单。您的订单：{orders}。",
        "which_order": "请问是哪个订单？{orders}",
        "order_line": "{order}（{placed}下单，{status}：{items}）",
        "order_line_tracking": "{order}（{placed}下单，{status}，{carrier}运单号 {tracking}：{items}）",
        "status": "订单 {order}（{placed}下单）{status}。",
        "status_tracking": "已于{shipped}由 {carrier} 发出，运单号 {tracking}{url}。",
        "status_label": "{carrier} 运单号 {tracking}{url}：面单已打印，快递尚未揽收。",
        "status_eta": "预计送达：{eta}。",
        "status_delivered": "已于{delivered}送达。",
        "status_items": "商品：{items}。",
        "status_refund": "已于{when}退款 {amount} 至{method}。",
        "status_released": "该订单未被扣款：支付预授权已释放。",
        "orders_list": "您的订单：{orders}。",
        "which_item": "请问是订单 {order} 中的哪件商品？{items}",
        "which_item_keeping": "您要保留{kept}。请问是订单 {order} 中其余的哪件商品？{items}",
        "which_variant": "您想换成哪个尺码或颜色？目前有货：{variants}。",
        "ask_proof": "要把订单 {order} 改寄到新地址，我需要再确认一下是您本人：请再提供{what}。",
        "proof_still_needed": "抱歉，没有这项证明我无法把订单 {order} 改寄到新地址：这是为了防止他人改寄您的包裹。",
        "ask_address": "新的收货地址是什么？请写完整，例如“12 Oak Street, Apt 4, Springfield, IL 62704”。",
        "confirm_cancel": "请确认：取消订单 {order}（{items}）。",
        "confirm_address": "请确认：将订单 {order} 的收货地址从 {old_address} 改为 {new_address}。",
        "confirm_return": "请确认：退回订单 {order} 中的 {items}，退款 {amount}。",
        "confirm_not_returned": "不退、保持不变：{kept}。",
        "confirm_exchange": "请确认：将订单 {order} 中的 {item} 换成 {wanted}。",
        "confirm_question": "要我现在办理吗？请回复“是”或“否”。",
        "confirm_again": "要我为订单 {order} 办理这项更改吗？请回复“是”或“否”。",
        "done_cancel": "已办理：订单 {order} 已取消。",
        "done_address": "已办理：订单 {order} 将寄往 {new_address}。",
        "done_return": "已办理：订单 {order} 中 {items} 的退货已开启。",
        "done_exchange": "已办理：订单 {order} 中 {item} 换成 {wanted} 的换货已开启。",
        "declined": "好的，订单 {order} 没有做任何更改。",
        "dropped": "好的，什么都没有更改。还有什么可以帮您的吗？",
        "no_detail": "抱歉，本店资料里没有这个细节，我不想随便猜测。",
        "proof_withdrawn": "好的，订单 {order} 仍寄往原地址，没有更改。您之后找到这些信息时告诉我，我再帮您修改；也可以为您转接人工客服。",
        "changed_meanwhile": "订单 {order} 在我们对话期间发生了变化，所以我没有办理。我已请同事查看，他们会在这里回复您。",
        "system_down": "目前无法连接订单系统，暂时不能查询或更改订单。我已请同事协助，他们会在这里回复您。",
        "offer_person": "需要我转给同事处理吗？",
        "other_orders": "您最近的其他订单：{orders}。",
        "escalated": "我已把详细情况转给同事，他们会在此对话中回复您。",
        "billing_authorization": (
            "订单 {order} 有一笔 {captured} 的扣款和一笔 {when} 的 {authorized} 临时预授权。"
            "只会实际扣款一次：预授权会在几个工作日内自动从账单上消失。"
        ),
        "billing_single": (
            "订单 {order} 在您的{payment}上只有一笔 {amount} 的扣款。如果您看到两笔，其中一笔通常是会自动消失的临时预授权。"
        ),
        "billing_escalate": "订单 {order} 有两笔扣款（{amounts}），已超过 5 个工作日。",
        "help_next": "关于这个订单，还有什么可以帮您？",
        "already_cancelled": "订单 {order} 已经取消了。",
        "already_shipped_cancel": "订单 {order} 已经发货，无法再取消。您可以拒收包裹，或在收到后办理退货。",
        "delivered_cancel": "订单 {order} 已经签收，无法取消；您可以办理退货。",
        "in_warehouse": "订单 {order} {status_text}，我无法自行取消或更改。",
        "partial_cancel": "订单 {order} 只能整单取消（{items}），我无法自行只取消其中一部分。",
        "address_after_shipping": "订单 {order} 已经发货，无法更改地址。快递公司可能可以在其物流页面上付费改派{url}。",
        "delivered_address": "订单 {order} 已经签收。",
        "address_packed": "订单 {order} 已打包，我无法自行更改地址。",
        "address_change_limit": "订单 {order} 的地址已经改过一次，我无法在聊天中再次更改。",
        "address_other_country": "我无法在聊天中把订单 {order} 改寄到其他国家。",
        "return_before_delivery": "订单 {order} 还没有送达（{status_text}）。收到后即可办理退货。",
        "outside_return_window": (
            "订单 {order} 于 {delivered} 签收（{days_since_delivery} 天前），退货期限已于 "
            "{window_end} 结束，所以我无法自行办理这次退货。"
        ),
        "final_sale": "{final_sale} 属于最终销售商品，不能退货。",
        "refund_elsewhere": "退款只能退回原支付方式（{payment}），或按您的意愿以店铺余额退还，无法退到其他卡、账户或以现金退款。要退回到{payment}还是店铺余额？",
        "already_in_progress": "这件商品已经有进行中的退货或换货。",
        "change_before_shipping": "订单 {order} 还没有发货，发货前仍可更换商品，但需要由我们的同事来办理。",
        "exchange_before_delivery": "订单 {order} 正在途中（{status_text}）。收到后即可换尺码或颜色。",
        "not_exchangeable": "{item} 不能换成其他款式；您可以退货后重新下单。",
        "outside_exchange_window": (
            "{item} 已签收 {days_since_delivery} 天，换货需在签收后 {window_days} 天内办理，所以我无法自行办理。"
        ),
        "exchange_limit": "{item} 已经换过一次，每件商品只能换一次。您可以退货后重新下单。",
        "variant_unknown": "您想换成哪个尺码或颜色？",
        "same_variant": "这和您现在的尺码颜色相同。",
        "other_product": "换货仅限同一商品的其他尺码或颜色；如需其他商品，请退货后重新下单。",
        "variant_out_of_stock": "{wanted} 目前缺货，无法把 {item} 换成它。",
        "alternatives": "目前有货：{variants}。您想换其中一个，还是改为退款？",
        "no_alternatives": "目前没有其他有货的尺码或颜色；可以为您办理退款。",
        "authorization_released": "您不会被扣款：您{payment}上 {amount} 的预授权会被释放。",
        "refund_to_original_payment": "您支付的 {amount} 会退回到您的{payment}。",
        "address_confirmation_email": "我们会发邮件到您账户的邮箱确认此更改。",
        "sales_tax_may_change": "新地址在其他州，销售税可能略有变化，我们会多退少补。",
        "return_label": "我们会通过邮件发送预付退货标签。",
        "refund_after_inspection": "包裹送达并检验后退款",
        "refund_original_payment": "，退回到您的{payment}。",
        "refund_store_credit": "，以店铺余额形式退还。",
        "exchange_label": "我们会邮件发送预付标签，{wanted} 已为您预留，包裹被扫描后即发出。",
        "charge_difference": "新款贵 {difference}，差价从原支付方式扣除。",
        "refund_difference": "新款便宜 {difference}，差价退回原支付方式。",
        "one_exchange_per_item": "每件商品只能换一次。",
    },
}


def say(language: str, key: str, **values: Any) -> str:
    table = TEXT.get(language, TEXT["en"])
    return table[key].format(**values)


def money(amount: float, currency: str = "USD") -> str:
    symbol = {"USD": "$", "EUR": "€", "GBP": "£", "CNY": "¥"}.get(currency, currency + " ")
    return f"{symbol}{amount:,.2f}"


def day(moment: datetime | str | None, language: str) -> str:
    if moment is None:
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if language == "zh":
        return f"{moment.year}年{moment.month}月{moment.day}日"
    return moment.strftime("%b %-d, %Y")


def join(parts: Iterable[str], language: str) -> str:
    return ("、" if language == "zh" else "; ").join(parts)


def items_text(items: Sequence[OrderItem], language: str) -> str:
    sep = "、" if language == "zh" else ", "
    return sep.join(f"{i.quantity} x {i.label()}" if i.quantity > 1 else i.label() for i in items)


def order_line(order: Order, language: str) -> str:
    """One order in a list, with its tracking number once it has one (delivered ones too:
    shoppers keep them for their records)."""
    on_its_way = order.tracking_number and order.status != "cancelled"
    return say(
        language,
        "order_line_tracking" if on_its_way else "order_line",
        order=order.number,
        placed=day(order.placed_at, language),
        status=STATUS[language if language in STATUS else "en"][order.status],
        items=items_text(order.items, language),
        carrier=order.carrier or ("承运商" if language == "zh" else "the carrier"),
        tracking=order.tracking_number,
    )


def orders_text(orders: Sequence[Order], language: str, limit: int = 6) -> str:
    return join((order_line(o, language) for o in orders[:limit]), language)


def variants_text(variants: Sequence[VariantStock], currency: str, language: str) -> str:
    sep = "、" if language == "zh" else ", "
    return sep.join(
        f"{' / '.join(v.options.values())} ({money(v.price, currency)})" for v in variants
    )


def status_text(order: Order, language: str) -> str:
    lang = language if language in STATUS else "en"
    text = say(
        lang,
        "status",
        order=order.number,
        placed=day(order.placed_at, lang),
        status=STATUS[lang][order.status],
    )
    if order.tracking_number and order.shipped_at:
        url = f" ({order.tracking_url})" if order.tracking_url else ""
        text += say(
            lang,
            "status_tracking",
            carrier=order.carrier or "the carrier",
            shipped=day(order.shipped_at, lang),
            tracking=order.tracking_number,
            url=url,
        )
    elif order.tracking_number and order.status not in ("cancelled", "delivered"):
        url = f" ({order.tracking_url})" if order.tracking_url else ""
        carrier = order.carrier or ("快递" if lang == "zh" else "carrier")
        text += say(lang, "status_label", carrier=carrier, tracking=order.tracking_number, url=url)
    if order.status == "delivered" and order.delivered_at:
        text += say(lang, "status_delivered", delivered=day(order.delivered_at, lang))
    elif order.estimated_delivery and order.status not in ("cancelled", "delivered"):
        text += say(lang, "status_eta", eta=day(order.estimated_delivery, lang))
    text += say(lang, "status_items", items=items_text(order.items, lang))
    for refund in order.refunds:
        method = "store credit" if refund.method == "store_credit" else "your original payment"
        if lang == "zh":
            method = "店铺余额" if refund.method == "store_credit" else "原支付方式"
        text += say(
            lang,
            "status_refund",
            amount=money(refund.amount, order.currency),
            method=method,
            when=day(refund.created_at, lang),
        )
    if order.status == "cancelled" and any(p.status == "released" for p in order.payments):
        text += say(lang, "status_released")
    return text


def decision_text(decision: Decision, order: Order, language: str) -> str:
    """A refusal's reasons, or an allowed change's consequences, as sentences."""
    lang = language if language in TEXT else "en"
    facts = dict(decision.facts)
    facts.setdefault("order", order.number)
    facts["status_text"] = STATUS[lang].get(order.status, order.status)
    for key in ("amount", "difference"):
        if key in facts:
            facts[key] = money(float(facts[key]), order.currency)
    for key in ("delivered", "window_end"):
        if key in facts:
            facts[key] = day(facts[key], lang)
    if "final_sale" in facts:
        facts["final_sale"] = ", ".join(facts["final_sale"])
    url = facts.get("tracking_url") or order.tracking_url
    facts["url"] = f" ({url})" if url else ""
    facts["payment"] = _payment_words(str(facts.get("payment", "")), lang)
    codes = decision.consequences if decision.allowed else decision.reasons
    sentences = [say(lang, code, **facts) for code in codes]
    glue = "" if lang == "zh" else " "
    # A clause that starts with a comma continues the sentence before it.
    return glue.join(sentences).replace(" ,", ",")


def _payment_words(label: str, language: str) -> str:
    if language != "zh" or not label:
        return label or ("original payment method" if language == "en" else "原支付方式")
    if label.startswith("card ending"):
        return f"尾号 {label.split()[-1]} 的银行卡"
    return label
