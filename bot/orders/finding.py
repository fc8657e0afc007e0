"""Which order, which items and which variant the shopper means, among their own."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.orders.intents import mentions_option, names_item, strip_references
from bot.orders.policy import SOURCES
from bot.orders.replies import items_text, orders_text, status_text
from bot.orders.system import Order, OrderItem, VariantStock
from bot.orders.turn import OrderReply, OrderTurn

ALL_ITEMS = re.compile(r"\b(all|everything|whole order|both)\b|全部|都退|整个订单|所有", re.I)
BIGGER = re.compile(r"bigger|larger|size up|one size up|大一(号|码)|大点|换大", re.I)
SMALLER = re.compile(r"smaller|size down|one size down|小一(号|码)|小点|换小", re.I)
SIZE_ORDER = ["xxs", "xs", "s", "m", "l", "xl", "xxl", "xxxl"]
LATEST = re.compile(r"\b(latest|last|most recent|newest|recent)\b|最近|最新|上一个|刚(下|买)", re.I)
ACTIVE = ("pending", "processing", "packed", "shipped", "out_for_delivery")
# Which of the shopper's orders a request can be about.
_FITS_REQUEST: dict[str, Callable[[Order], bool]] = {
    "cancel": lambda order: order.status in ("pending", "processing", "packed"),
    "change_address": lambda order: order.status in ACTIVE,
    "return": lambda order: order.status == "delivered",
    "exchange": lambda order: order.status == "delivered",
    "status": lambda order: order.status in ACTIVE,
    "refund": lambda order: order.status != "cancelled",
    "refund_status": lambda order: bool(order.refunds) or order.status == "cancelled",
}
# What the shopper's orders lacked when none fits the request ("... an order that {what}").
_NONE_FITS = {
    "en": {
        "cancel": "can still be cancelled",
        "change_address": "has not shipped yet",
        "return": "has been delivered",
        "exchange": "has been delivered",
    },
    "zh": {
        "cancel": "可以取消",
        "change_address": "尚未发货",
        "return": "已签收",
        "exchange": "已签收",
    },
}


def _any_order(order: Order) -> bool:
    return True


class OrderFinder:
    """Finds the order, items and variant a request is about, or asks which."""

    def __init__(self, turn: OrderTurn) -> None:
        self.turn = turn

    def pick_order(self, intent: str, orders: list[Order]) -> Order | OrderReply:
        turn = self.turn
        if not orders:
            turn.state.forget_request()
            return turn.reply(turn.say("no_orders"))
        fits = _FITS_REQUEST.get(intent, _any_order)
        candidates = [order for order in orders if fits(order)]
        named = [order for order in candidates if self.names_an_item_of(order)] or [
            order for order in orders if self.names_an_item_of(order)
        ]
        if named:
            candidates = named
        if len(candidates) > 1 and LATEST.search(turn.text):
            candidates = [max(candidates, key=lambda order: order.placed_at)]
        if intent in ("status", "orders", "refund_status") and len(candidates) != 1:
            shown = candidates or orders[:3]
            turn.log("viewed", order=",".join(order.number for order in shown))
            turn.state.forget_request()
            if intent == "orders" or not candidates:
                listing = orders_text(orders, turn.language, limit=10)
                return turn.reply(turn.say("orders_list", orders=listing))
            glue = "" if turn.language == "zh" else " "
            return turn.reply(
                glue.join(status_text(order, turn.language) for order in shown),
                SOURCES["status"],
            )
        if len(candidates) == 1:
            return candidates[0]
        turn.state.awaiting = "order"
        if not candidates:
            lacking = _NONE_FITS["zh" if turn.language == "zh" else "en"].get(intent, "")
            listing = orders_text(orders, turn.language)
            return turn.reply(turn.say("no_matching_order", what=lacking, orders=listing))
        listing = orders_text(candidates, turn.language)
        return turn.reply(turn.say("which_order", orders=listing))

    @property
    def item_text(self) -> str:
        """Where the shopper named items: this message, and the one that made the request."""
        request = self.turn.state.request or ""
        text = self.turn.text
        return text if request == text else f"{request} \n {text}"

    def names(self, item: OrderItem) -> bool:
        return names_item(self.item_text, item.name, item.category) > 0

    def names_an_item_of(self, order: Order) -> bool:
        return any(self.names(item) for item in order.items)

    def names_any_item(self) -> bool:
        """Whether the shopper named an item of the order in hand."""
        number = self.turn.state.order
        if not number:
            return False
        order = self.turn.system.get_order(number)
        return bool(order and self.names_an_item_of(order))

    def names_any_option(self) -> bool:
        """Whether the shopper named an option (size, color) of an item of the order in hand."""
        system = self.turn.system
        text = strip_references(self.turn.text)
        order = system.get_order(self.turn.state.order or "")
        if order is None:
            return False
        for item in order.items:
            for variant in system.variants(item.product_id):
                if any(mentions_option(text, value) for value in variant.options.values()):
                    return True
        return False

    def pick_items(self, order: Order, single: bool) -> list[OrderItem] | OrderReply:
        turn = self.turn
        if turn.state.lines:
            chosen = [item for item in order.items if item.line_id in turn.state.lines]
            if chosen:
                return chosen
        if len(order.items) == 1:
            return list(order.items)
        if not single and ALL_ITEMS.search(turn.text):
            return list(order.items)
        text = strip_references(turn.text)  # no reference can be mistaken for a size
        scores = [
            (
                names_item(self.item_text, item.name, item.category)
                + sum(mentions_option(text, value) for value in item.options.values()),
                item,
            )
            for item in order.items
        ]
        best = max(score for score, _ in scores)
        named = [item for score, item in scores if score == best and score > 0]
        if named and (len(named) == 1 or not single):
            return named
        turn.state.awaiting = "item"
        listing = items_text(order.items, turn.language)
        return turn.reply(turn.say("which_item", order=order.number, items=listing))

    def wanted_variant(self, item: OrderItem, variants: list[VariantStock]) -> VariantStock | None:
        """The variant asked for: from this message, else from the one that made the request."""
        state = self.turn.state
        request = state.request or ""
        texts = [self.turn.text] + ([request] if request and request != self.turn.text else [])
        for text in texts:
            wanted = _options_asked(text, item, variants)
            if wanted is not None:
                return next((v for v in variants if v.options == wanted), None)
        if state.sku:
            return next((v for v in variants if v.sku == state.sku), None)
        return None


def _options_asked(
    text: str, item: OrderItem, variants: list[VariantStock]
) -> dict[str, str] | None:
    """The item's options with those the text changes ("in white", "one size up")."""
    plain = strip_references(text)
    wanted = dict(item.options)
    changed = False
    for key, current in item.options.items():
        values = sorted({v.options.get(key, "") for v in variants} - {""}, key=len, reverse=True)
        others = [value for value in values if mentions_option(plain, value) and value != current]
        if others:
            wanted[key] = others[0]
            changed = True
        elif key.lower() == "size":
            step = 1 if BIGGER.search(text) else -1 if SMALLER.search(text) else 0
            ordered = _sorted_sizes(values)
            if step and current in ordered and 0 <= ordered.index(current) + step < len(ordered):
                wanted[key] = ordered[ordered.index(current) + step]
                changed = True
    return wanted if changed else None


def _sorted_sizes(values: list[str]) -> list[str]:
    def key(value: str) -> tuple[int, float, str]:
        low = value.lower()
        if low in SIZE_ORDER:
            return (0, float(SIZE_ORDER.index(low)), low)
        try:
            return (1, float(low), low)
        except ValueError:
            return (2, 0.0, low)

    return sorted(values, key=key)
