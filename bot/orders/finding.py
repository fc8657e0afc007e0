"""Which order, which items and which variant the shopper means, among their own."""

from __future__ import annotations

import re

from bot.orders.intents import mentions_option, names_item, strip_references
from bot.orders.policy import SOURCES
from bot.orders.replies import items_text, orders_text, status_text
from bot.orders.system import Order, OrderItem, VariantStock
from bot.orders.turn import OrderReply, TurnBase

ALL_ITEMS = re.compile(r"\b(all|everything|whole order|both)\b|全部|都退|整个订单|所有", re.I)
BIGGER = re.compile(r"bigger|larger|size up|one size up|大一(号|码)|大点|换大", re.I)
SMALLER = re.compile(r"smaller|size down|one size down|小一(号|码)|小点|换小", re.I)
SIZE_ORDER = ["xxs", "xs", "s", "m", "l", "xl", "xxl", "xxxl"]
LATEST = re.compile(r"\b(latest|last|most recent|newest|recent)\b|最近|最新|上一个|刚(下|买)", re.I)
ACTIVE = ("pending", "processing", "packed", "shipped", "out_for_delivery")


class OrderFinding(TurnBase):
    def pick_order(self, intent: str, orders: list[Order]) -> Order | OrderReply:
        st = self.st
        if not orders:
            self.reset()
            return self.reply(self.say("no_orders"))
        wanted = {
            "cancel": lambda o: o.status in ("pending", "processing", "packed"),
            "change_address": lambda o: o.status in ACTIVE,
            "return": lambda o: o.status == "delivered",
            "exchange": lambda o: o.status == "delivered",
            "status": lambda o: o.status in ACTIVE,
            "refund": lambda o: o.status != "cancelled",
            "refund_status": lambda o: bool(o.refunds) or o.status == "cancelled",
        }.get(intent, lambda o: True)
        candidates = [o for o in orders if wanted(o)]
        named = [o for o in candidates if any(self.names_item(i) for i in o.items)] or [
            o for o in orders if any(self.names_item(i) for i in o.items)
        ]
        if named:
            candidates = named
        if len(candidates) > 1 and LATEST.search(self.text):
            candidates = [max(candidates, key=lambda o: o.placed_at)]
        if intent in ("status", "orders", "refund_status") and len(candidates) != 1:
            shown = candidates or orders[:3]
            self.log("viewed", order=",".join(o.number for o in shown))
            self.reset()
            if intent == "orders" or not candidates:
                listing = orders_text(orders, self.lang, limit=10)
                return self.reply(self.say("orders_list", orders=listing))
            glue = "" if self.lang == "zh" else " "
            return self.reply(
                glue.join(status_text(o, self.lang) for o in shown), SOURCES["status"]
            )
        if len(candidates) == 1:
            return candidates[0]
        st["awaiting"] = "order"
        if not candidates:
            what = {
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
            }[self.lang if self.lang == "zh" else "en"].get(intent, "")
            return self.reply(
                self.say("no_matching_order", what=what, orders=orders_text(orders, self.lang))
            )
        return self.reply(self.say("which_order", orders=orders_text(candidates, self.lang)))

    def option_text(self) -> str:
        """The message without references that could be mistaken for sizes."""
        return strip_references(self.text)

    @property
    def item_text(self) -> str:
        """Where the shopper named items: this message, and the one that made the request."""
        request = self.st.get("request", "")
        return self.text if request == self.text else f"{request} \n {self.text}"

    def names_item(self, item: OrderItem) -> bool:
        return names_item(self.item_text, item.name, item.category) > 0

    def names_any_item(self) -> bool:
        order = self.st.get("order")
        if not order:
            return False
        found = self.o.system.get_order(order)
        return bool(found and any(self.names_item(i) for i in found.items))

    def names_any_option(self) -> bool:
        text = self.option_text()
        order = self.o.system.get_order(self.st.get("order") or "")
        if order is None:
            return False
        for item in order.items:
            for variant in self.o.system.variants(item.product_id):
                if any(mentions_option(text, v) for v in variant.options.values()):
                    return True
        return False

    def pick_items(self, order: Order, single: bool) -> list[OrderItem] | OrderReply:
        st = self.st
        if st.get("lines"):
            chosen = [i for i in order.items if i.line_id in st["lines"]]
            if chosen:
                return chosen
        if len(order.items) == 1:
            return list(order.items)
        if not single and ALL_ITEMS.search(self.text):
            return list(order.items)
        text = self.option_text()
        scores = [
            (
                names_item(self.item_text, i.name, i.category)
                + sum(mentions_option(text, v) for v in i.options.values()),
                i,
            )
            for i in order.items
        ]
        best = max(score for score, _ in scores)
        named = [i for score, i in scores if score == best and score > 0]
        if named and (len(named) == 1 or not single):
            return named
        st["awaiting"] = "item"
        listing = items_text(order.items, self.lang)
        return self.reply(self.say("which_item", order=order.number, items=listing))

    def wanted_variant(self, item: OrderItem, variants: list[VariantStock]) -> VariantStock | None:
        """The variant asked for: from this message, else from the one that made the request."""
        request = self.st.get("request", "")
        texts = [self.text] + ([request] if request and request != self.text else [])
        for text in texts:
            wanted = self._options_asked(text, item, variants)
            if wanted is not None:
                return next((v for v in variants if v.options == wanted), None)
        if self.st.get("sku"):
            return next((v for v in variants if v.sku == self.st["sku"]), None)
        return None

    @staticmethod
    def _options_asked(
        text: str, item: OrderItem, variants: list[VariantStock]
    ) -> dict[str, str] | None:
        """The item's options with those the text changes ("in white", "one size up")."""
        plain = strip_references(text)
        wanted = dict(item.options)
        changed = False
        for key, current in item.options.items():
            values = sorted(
                {v.options.get(key, "") for v in variants} - {""}, key=len, reverse=True
            )
            others = [v for v in values if mentions_option(plain, v) and v != current]
            if others:
                wanted[key] = others[0]
                changed = True
            elif key.lower() == "size":
                step = 1 if BIGGER.search(text) else -1 if SMALLER.search(text) else 0
                ordered = _sorted_sizes(values)
                if (
                    step
                    and current in ordered
                    and 0 <= ordered.index(current) + step < len(ordered)
                ):
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
