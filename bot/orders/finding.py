"""Which order, which items and which variant the shopper means, among their own."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from bot.orders.amounts import orders_costing, orders_counting
from bot.orders.intents import item_words, strip_references
from bot.orders.items import (
    chunks,
    descriptors,
    lines_named,
    meant_value,
    mentions_value,
    name_score,
    order_named,
    wanted_part,
)
from bot.orders.meaning import similarities
from bot.orders.policy import SOURCES
from bot.orders.replies import items_text, orders_text, status_text
from bot.orders.script import fold
from bot.orders.selection import select_items
from bot.orders.state import PendingChange
from bot.orders.system import Order, OrderItem, VariantStock
from bot.orders.turn import OrderReply, OrderTurn
from bot.orders.when import orders_fitting, said_when

BIGGER = re.compile(
    r"bigger|larger|size up|one size up|too (small|tight|short)|大一(号|码)|大点|换大|小了", re.I
)
SMALLER = re.compile(
    r"smaller|size down|one size down|too (big|large|loose|long)|小一(号|码)|小点|换小|大了", re.I
)
SIZE_ORDER = ["xxs", "xs", "s", "m", "l", "xl", "xxl", "xxxl"]
# the option's name: "size" in the languages catalogs are written in
_SIZE_KEY = re.compile(
    r"size|taille|größe|grösse|talla|tamaño|tamanho|taglia|maat|boyut|beden|rozmiar|storlek|"
    r"størrelse|koko|ukuran|サイズ|사이즈|크기|尺码|尺寸|码数|号码",
    re.I,
)
LATEST = re.compile(
    r"\b(latest|last|most recent|newest|recent)\b|\bjust (ordered|placed|bought)\b"
    r"|最近|最新|上一个|刚刚?(下|买|落|订)|刚才(下|买|落|订)",  # 啱啱落咗張單 reads 刚刚落了订单
    re.I,
)
_ALL_ORDERS = re.compile(
    r"\b(orders|them|they|all|everything|stuff|things|anything)\b|都|所有|全部|哪些|这些|那些", re.I
)
# "all my orders", 我所有的订单: every order, not only those on their way.
_EVERY_ORDER = re.compile(
    r"\ball (of )?(my|our|the) orders\b|\bevery order\b|\ball orders\b"
    r"|(所有|全部|每个|每一个)的?订单",
    re.I,
)


def asks_every_order(text: str) -> bool:
    """Whether the text asks about all their orders ("all my orders", 我所有的订单)."""
    return bool(_EVERY_ORDER.search(text))


ACTIVE = ("pending", "processing", "packed", "shipped", "out_for_delivery")
_KEEP = re.compile(
    r"same (size|colou?r|one)|(尺码|颜色|大小)(不变|一样)|同(样|一)(尺码|颜色)", re.I
)
_ONLY = re.compile(r"\bonly\b|\bjust\s+(?:the|this|that|these|those|one)\b|只|仅", re.I)
_FEW_ORDERS = 4
_QUESTION_WORDS = re.compile(
    r"[?？]|吗|呢|\b(?:is|are|does|do|which|what)\s+(?:that|it|this)\b", re.I
)
_CHANGED_MIND = re.compile(
    r"\b(?:actually|wait|then|instead|on second thought|changed? my mind)\b"
    r"|算了|还是|改成|那就|等等",
    re.I,
)
_NEGATED = re.compile(r"\b(without|no|non|not|un)[-\s]?$|(不|无|没有)$", re.I)
_YES_NO = {"yes", "no", "是", "否", "true", "false", "y", "n"}
# Which of the shopper's orders a request can be about.
_FITS_REQUEST: dict[str, Callable[[Order], bool]] = {
    "cancel": lambda order: order.status in ("pending", "processing", "packed"),
    "change_address": lambda order: order.status in ACTIVE,
    "return": lambda order: order.status == "delivered",
    "exchange": lambda order: order.status == "delivered",
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


# An order named by an item in it: 调音器那单, 耳机的那个订单, "the tuner order".
_ORDER_BY_ITEM = re.compile(
    r"([\u3400-\u9fff]{2,6}?)(?:的)?(?:那|这)(?:一)?(?:单|笔|个订单)"
    r"|(?:那个|这个|那張|那张)?([\u3400-\u9fff]{2,8}?)(?:的|嘅)(?:订单|單|单)"
    r"|\bthe (?!(?:whole|entire|same|last|latest|first|second|new|wrong|other|recent|previous|"
    r"next|pending|current|full)\b)([a-z][a-z-]+(?: [a-z][a-z-]+)?) order\b",
    re.I,
)


_ORDER_NAMED = re.compile(
    r"\b(?:from|in|of|on|out of)\s+(?:my|the|that|this|our)\s+(?:[\w'-]+\s+){1,4}order\b"
    r"|[\u3400-\u9fff]{2,8}?(?:的)?(?:那|这)(?:一)?(?:单|张单|笔)(?:里面?|入面|中)的?",
    re.I,
)


_NOT_AN_ITEM = re.compile(
    r"我们|我|你|您|帮|取消|退货|退|换货|换|要|想|把|那个|这个|一下|请|麻烦|看看|查询|查|了|吧|所有|全部|最新|上一|上次"
)


def _when_or_cost(text: str, orders: list[Order], now: datetime) -> list[Order]:
    """The orders when they came or were placed ("前两日订咗个行李箱") and what they cost
    ("我有一张2599比索的订单") and how many items they hold ("三件那单") fit; all of them when the
    text says none of these."""
    return orders_counting(text, orders_costing(text, orders_fitting(text, orders, now)))


class OrderFinder:
    """Finds the order, items and variant a request is about, or asks which."""

    def __init__(self, turn: OrderTurn) -> None:
        self.turn = turn

    @property
    def item_text(self) -> str:
        """Where the shopper named items: this message, and the one that made the request."""
        request = self.turn.state.request or ""
        text = self.turn.text
        return text if request == text else f"{request} \n {text}"

    def pick_order(self, intent: str, orders: list[Order]) -> Order | OrderReply:
        turn = self.turn
        if not orders:
            turn.state.forget_request()
            return turn.reply(turn.say("no_orders"))
        if intent in ("status", "orders", "refund_status"):
            return self._status_orders(intent, orders)
        fits = _FITS_REQUEST.get(intent)
        candidates = [order for order in orders if fits is None or fits(order)]
        # When it came or was placed ("the parcel that came last week", 一个多月前收到的)
        # narrows first; then words (among all orders when no "when" was said: "the hoodie"
        # that has not arrived is explained), "just ordered" (刚刚下单的), then meaning.
        now = turn.policy.clock()
        timed = _when_or_cost(self.item_text, candidates, now)
        pool = orders if timed == candidates else timed
        named = (
            self.named_orders(timed, by_meaning=False)
            or self.named_orders(pool, by_meaning=False)
            # an item named outright, whenever it came; not an option alone ("换成L号": the L
            # wanted, not the order holding an L)
            or self.named_orders(orders, by_meaning=False, options=False)
        )
        if len(named) > 1:  # a word they all have ("piñata"): the meaning of the whole may tell
            by_meaning = self.named_orders(named)
            named = by_meaning if len(by_meaning) == 1 else named
        if named and len(candidates) < len(orders):
            # "cancel the honey extractor order": the extractor's order, though only the one
            # with honey jars could still be cancelled (the policy explains; nothing else goes).
            overall = self.named_orders(orders, by_meaning=False, options=False)
            if overall and not any(order in named for order in overall):
                named = overall
        latest = LATEST.search(self.item_text)  # said now or with the request
        if not named and len(timed) > 1 and latest:
            named = [max(timed, key=lambda order: order.placed_at)]
        elif not named and latest and timed == [max(orders, key=lambda order: order.placed_at)]:
            named = timed  # "刚下单的台灯帮我取消": their newest order is the one that fits
        # By meaning even with one candidate left, among all their orders then: "调音器那单取消
        # 吧" must not cancel the one cancellable order because the encoder finds it near
        # enough; unless "when" alone narrowed it to one.
        if not named and len(timed) == 1 and timed == candidates:
            named = self.named_orders(pool)
        elif not named and len(timed) != 1:
            named = self.named_orders(timed) or self.named_orders(pool)
        by_when = len(timed) < len(candidates)  # "刚才下的那单": when alone left this one
        candidates = named or timed
        if len(candidates) == 1 and not by_when:  # "水质稳定剂的订单，昨天下的": the one order
            fitting = _when_or_cost(self.item_text, orders, now)  # left is when they said
            by_when = fitting != orders and fitting == candidates
        if (
            not named
            and not by_when
            and len(candidates) == 1
            and self._names_another(candidates[0], orders)
        ):
            candidates = orders  # "调音器那单取消吧": that order is not the one left: ask
        if len(candidates) > 1 and latest:
            candidates = [max(candidates, key=lambda order: order.placed_at)]
        if len(candidates) == 1:
            return candidates[0]
        turn.state.awaiting = "order"
        if not candidates:
            lacking = _NONE_FITS["zh" if turn.language == "zh" else "en"].get(intent, "")
            listing = orders_text(orders, turn.language)
            return turn.reply(turn.say("no_matching_order", what=lacking, orders=listing))
        listing = orders_text(candidates, turn.language)
        return turn.reply(turn.say("which_order", orders=listing))

    def _names_another(self, order: Order, theirs: list[Order]) -> bool:
        """Whether the message names an item that is not the one order left: an item named for
        its order ("调音器那单", "蓝色滤杯的订单", "the tuner order") that is another order's by
        words, nearest by meaning to another order's line, or like nothing in the one left; or,
        with no such phrase, words of the message clearly nearer another order's line ("個托運
        行李箱唔要喇"). Otherwise the one order left stands (its proposal names what it holds)."""
        words = item_words(self.item_text)
        found = _ORDER_BY_ITEM.search(words)
        said = next(g for g in found.groups() if g) if found else None
        if said and (said_when(said) or len(_NOT_AN_ITEM.sub("", said)) < 2):
            said = None  # "刚才下的那单": when, not what; "帮我取消我的订单": nothing named
        # "调音器那单": the item named; else the message's pieces ("個托運行李箱唔要喇"), which
        # must then come clearly near a line of another order.
        items = [said] if said else chunks(words)
        floor = 0.0 if said else 0.5
        others = [o for o in theirs if o.number != order.number]
        if not items or any(name_score(item, line) > 0 for item in items for line in order.items):
            return False
        if said and any(name_score(said, line) > 0 for o in others for line in o.items):
            return True
        meaning = self.turn.meaning
        if meaning is None or not others:
            return False
        here = [d for line in order.items for d in descriptors(line)]
        there = [d for o in others for line in o.items for d in descriptors(line)]
        scores = similarities(meaning, items, here + there)
        near, own = float(scores[len(here) :].max()), float(scores[: len(here)].max())
        if said and own < 0.5:
            return True  # "蓝色塔拉维拉滤杯的订单": named, and nothing like the order left
        return near >= floor and near > own + 0.05

    def _status_orders(self, intent: str, orders: list[Order]) -> Order | OrderReply:
        """A status question sees every order: the ones named, else those on their way (or
        the latest when none is), delivered ones with their tracking too."""
        turn = self.turn
        # "where are my orders", "status on them", 都到哪了: about all of them; only words
        # that name an item narrow it (never a line the encoder guesses from "到哪").
        asked = self.item_text  # the request may have come before who they are
        general = bool(_ALL_ORDERS.search(asked))
        # When it was placed or came narrows first ("前两日订咗个行李箱"); an item named by its
        # words counts whenever it came.
        timed = _when_or_cost(asked, orders, turn.policy.clock()) if len(orders) > 1 else []
        narrowed = timed if 0 < len(timed) < len(orders) else []
        named = self.named_orders(orders, by_meaning=False)
        if not named and (narrowed or not general):  # (else the same words-only look again)
            named = self.named_orders(narrowed or orders, by_meaning=not general)
        if intent == "refund_status":
            named = named or [o for o in orders if o.refunds or o.status == "cancelled"]
        if narrowed and not any(order in narrowed for order in named):  # "... last week"
            named = narrowed
        elif narrowed and len(named) > 1:
            named = [order for order in named if order in narrowed]
        if LATEST.search(turn.text) and len(named or orders) > 1:
            named = [max(named or orders, key=lambda order: order.placed_at)]
        if len(named) == 1:
            return named[0]
        every = not named and _EVERY_ORDER.search(asked)
        if intent == "orders" or every or (not named and len(orders) > 3 and intent != "status"):
            turn.log("viewed", order=",".join(order.number for order in orders[:10]))
            turn.state.forget_request()
            listing = orders_text(orders, turn.language, limit=10)
            return turn.reply(turn.say("orders_list", orders=listing))
        # A shopper with a few orders asking after "my orders" sees each of them; with more,
        # those on their way and lately delivered.
        few = general and len(orders) <= _FEW_ORDERS
        shown = named or (orders if few else self.in_progress_and_recent(orders)) or orders[:1]
        shown = shown[:5]
        if len(shown) == 1:
            return shown[0]
        turn.log("viewed", order=",".join(order.number for order in shown))
        turn.state.forget_request()
        glue = "" if turn.language == "zh" else " "
        text = glue.join(status_text(order, turn.language) for order in shown)
        return turn.reply(text, SOURCES["status"])

    def in_progress_and_recent(self, orders: list[Order]) -> list[Order]:
        """ "Where are my orders?": every order on its way and the ones delivered within the
        store's return window (a shopper may still be asking about them), newest first."""
        today = self.turn.policy.clock().date()
        window = self.turn.settings.return_window_days
        recent = [
            order
            for order in orders
            if order.status in ACTIVE
            or (
                order.status == "delivered"
                and order.delivered_at is not None
                and (today - order.delivered_at.date()).days <= window
            )
        ]
        return sorted(recent, key=lambda order: order.placed_at, reverse=True)

    def named_orders(
        self, orders: list[Order], by_meaning: bool = True, options: bool = True
    ) -> list[Order]:
        """The orders with an item the shopper named (by words, else by meaning)."""
        if not orders:
            return []
        meaning = self.turn.meaning if by_meaning else None
        lines = [o.items for o in orders]
        picked = order_named(item_words(self.item_text), lines, meaning, options=options)
        return [orders[i] for i in picked]

    def also_named(self, order: Order, theirs: list[Order], options: bool = True) -> list[Order]:
        """Their other orders this message names an item of by its words ("order 7354 — the
        pillows came. What about the tablecloth?"); with ``options``, an option counts too."""
        text = item_words(self.turn.text)
        others = [o for o in theirs if o.number != order.number]
        picked = order_named(text, [o.items for o in others], None, options=options)
        return [others[i] for i in picked]

    def names_only_elsewhere(self, number: str, theirs: list[Order]) -> bool:
        """Whether this message's words name an item of another of their orders and none of
        order ``number``'s."""
        text = item_words(self.turn.text)
        order = next((o for o in theirs if o.number == number), None)
        if order is None or any(name_score(text, line) > 0 for line in order.items):
            return False
        return bool(self.also_named(order, theirs, options=False))  # an option may be wanted

    def names_any_item(self) -> bool:
        """Whether the shopper named an item of the order in hand."""
        order = self._order_in_hand()
        return bool(order and lines_named(self.turn.text, order.items, None))

    def names_pending_item(self, number: str, by_meaning: bool = True) -> bool:
        """Whether the message names an item of this order, an option of one (also a yes/no
        option by its name: "the waterproof ones"), by words or by meaning."""
        order = self.turn.system.get_order(number)
        if order is None:
            return False
        text = item_words(self.turn.text)
        if lines_named(text, order.items, self.turn.meaning if by_meaning else None):
            return True
        folded = fold(text)
        return any(
            fold(key) in folded or mentions_value(text, value) >= 0
            for item in order.items
            for key, value in item.options.items()
            if len(key) > 3 and len(value) > 1
        )

    def reselects(self, pending: PendingChange) -> list[OrderItem]:
        """Fewer of the proposed lines, picked at the confirmation of a return ("wait, let me
        keep the glasses too - just the lamp then"), the order's other lines then kept
        (``state.kept``); [] when the message picks none, the same ones, any line not proposed,
        or only asks about them."""
        text = item_words(self.turn.text)
        only = _ONLY.search(text)
        if _QUESTION_WORDS.search(self.turn.text) or not (only or _CHANGED_MIND.search(text)):
            return []  # (before asking the store for the order: most messages here are a yes)
        order = self.turn.system.get_order(pending.order)
        proposed = [
            item for item in (order.items if order else []) if item.line_id in (pending.lines or [])
        ]
        if order is None or len(proposed) < 2:
            return []
        if only:  # "just the lamp then": what follows the word, of the lines proposed
            chosen = lines_named(re.split(r"[,.;!，。；！]", text[only.end() :])[0], proposed, None)
        else:
            selection = select_items(text, proposed, self.turn.meaning, single=False)
            chosen = selection.chosen if selection.framed else []
        if not chosen or len(chosen) == len(proposed):
            return []
        self.turn.state.kept = [item.line_id for item in order.items if item not in chosen]
        return chosen

    def names_any_option(self) -> bool:
        """Whether the shopper named an option (size, color) of an item of the order in hand."""
        system = self.turn.system
        text = strip_references(self.turn.text)
        order = self._order_in_hand()
        if order is None:
            return False
        for item in order.items:
            for variant in system.variants(item.product_id):
                if any(mentions_value(text, value) >= 0 for value in variant.options.values()):
                    return True
        return False

    def _order_in_hand(self) -> Order | None:
        number = self.turn.state.order
        return self.turn.system.get_order(number) if number else None

    def pick_items(self, order: Order, single: bool) -> list[OrderItem] | OrderReply:
        turn = self.turn
        if turn.state.lines:
            chosen = [item for item in order.items if item.line_id in turn.state.lines]
            if chosen:
                return chosen
        # "the case from my amber frame order", "琥珀框那单里的眼镜盒": those words name the
        # order, not the lines of it
        text = _ORDER_NAMED.sub(" ", item_words(self.item_text))
        selection = select_items(text, order.items, turn.meaning, single=single)
        picked = selection.chosen
        if not picked and single and not selection.framed:
            picked = self._by_wanted_option(order)
        if picked:
            turn.state.kept = [item.line_id for item in selection.excluded] or None
            return [item for item in order.items if item in picked]
        turn.state.awaiting = "item"
        if selection.framed and selection.kept:  # never guess around what they keep
            others = [item for item in order.items if item not in selection.kept]
            return turn.reply(
                turn.say(
                    "which_item_keeping",
                    order=order.number,
                    kept=items_text(selection.kept, turn.language),
                    items=items_text(others, turn.language),
                )
            )
        listing = items_text(order.items, turn.language)
        return turn.reply(turn.say("which_item", order=order.number, items=listing))

    def partial_cancel(self, order: Order) -> list[OrderItem]:
        """The lines the shopper keeps out of a cancellation ("cancel everything but the mug",
        "only cancel the lamp"): an order is only ever cancelled whole."""
        if len(order.items) < 2:
            return []
        text = item_words(self.item_text)
        selection = select_items(text, order.items, self.turn.meaning, single=False)
        if selection.framed:
            return selection.kept or ([] if selection.chosen else list(order.items))
        if _ONLY.search(text) and selection.chosen:
            return selection.kept
        return []

    def _by_wanted_option(self, order: Order) -> list[OrderItem]:
        """For an exchange: the one line whose product has the option asked for ("size 8")."""
        text = strip_references(self.item_text)
        fitting = []
        for item in order.items:
            variants = self.turn.system.variants(item.product_id)
            values = {v for variant in variants for v in variant.options.values()}
            if any(mentions_value(text, v) >= 0 for v in values - set(item.options.values())):
                fitting.append(item)
        return fitting if len(fitting) == 1 else []

    def wanted_variant(self, item: OrderItem, variants: list[VariantStock]) -> VariantStock | None:
        """The variant asked for: what the request asked, with what this message changes."""
        state = self.turn.state
        request = state.request or ""
        # What the request asked, then what this message changes ("换11号", then "没有玫瑰金的
        # 话黄金的也行": the 11 in yellow gold).
        texts = ([request] if request and request != self.turn.text else []) + [self.turn.text]
        wanted: dict[str, str] | None = None
        for text in texts:
            wanted = self._options_asked(text, item, variants, start=wanted) or wanted
        if wanted is not None:
            return next((v for v in variants if v.options == wanted), None)
        if state.sku:
            return next((v for v in variants if v.sku == state.sku), None)
        return None

    def _options_asked(
        self,
        text: str,
        item: OrderItem,
        variants: list[VariantStock],
        start: dict[str, str] | None = None,
    ) -> dict[str, str] | None:
        """The item's options (or ``start``) with those the text changes: the value named last
        counts ("a 10, no sorry, make that an 11"), a yes/no option by its name ("without
        waterproofing"), a size by "bigger"/"smaller"; values in another language by meaning."""
        plain = strip_references(text)
        wanted = dict(start or item.options)
        changed = False
        # "the navy one is too tight ... the black one is fine": a value that tells a line the
        # shopper keeps from this one names that line, not the variant wanted.
        order = self._order_in_hand()
        kept_ids = self.turn.state.kept or []
        keeps = [i for i in order.items if i.line_id in kept_ids] if order else []

        def values_of(key: str, current: str) -> list[str]:
            telling = {i.options.get(key, "") for i in keeps} - {current, ""}
            found = {v.options.get(key, "") for v in variants} - {""} - telling
            return sorted(found, key=len, reverse=True)

        # Options the words change outright ("for size L"): the others stay unless named in
        # their own script or clearly meant in another ("the brown one" for Marrom).
        worded = {
            key
            for key, current in item.options.items()
            if _named_last(plain, key, values_of(key, current)) not in (None, current)
        }
        for key, current in item.options.items():
            values = values_of(key, current)
            kept = _KEEP.search(plain)
            if kept and _same_kind(key, kept.group(0)):
                continue  # "same size", "尺码不变", "颜色不变"
            choice = _named_last(plain, key, values)
            if choice is None or choice == current:
                # "swap the champagne scrunchies for the moss green set": the one they have
                # named by its words, the one wanted by meaning (墨绿 Xanh rêu)
                # In the text's own script only when no value of it is named by its words
                # ("my grey hoodie ... for size L" keeps the grey), and no other option is
                # named unless a colour word is said ("the black one in 90 × 60": Negro).
                latin_too = choice is None and (
                    not (worded - {key})
                    or bool(_COLOUR_KEY.search(key) and _COLOUR_WORD.search(plain))
                )
                choice = self._by_meaning(plain, values, current, latin_too) or choice
            if choice is not None and (choice != current or choice != wanted[key]):
                wanted[key] = choice  # (back to the current one, when asked for after another)
                changed = True
            elif choice is None and _SIZE_KEY.search(key):
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

    def _by_meaning(
        self, text: str, values: list[str], current: str = "", same_script: bool = True
    ) -> str | None:
        """A value the words name in another language ("白色" for White, "waterproof" for 防水
        款, "brown" for Marrom); when the one they have is what the words mean most ("我的黑色背
        包想换成橄榄绿的"), the nearest of the others, if it stands out among them."""
        meaning = self.turn.meaning
        # Sizes and codes (S, XL, 38, 110cm) are named by their words, never by meaning: "子的"
        # came 0.63 near "S".
        values = [v for v in values if not _A_CODE.fullmatch(v.strip())]
        wanted = wanted_part(text)
        pieces = chunks(wanted) if wanted and len(values) > 1 else []
        if pieces:  # (none in "换成别的吧": nothing said of what is wanted)
            # "红色的面具想换成蓝色的", "the tweed cap for the corduroy one": what follows the
            # swap is the one wanted, whatever the words before it name (the one they have).
            index = meant_value(meaning, pieces, values, floor=0.5, margin=0.1)
            if index is not None and values[index] != current:
                return values[index]
            if meaning is not None and similarities(meaning, pieces, values).max() < _UNRELATED:
                # The wanted words are about another option: the rest of the message changes
                # not this one ("透明的手机壳想换成雾黑色": 手机 is no other phone model).
                return None
        cjk_text = bool(re.search(r"[\u3400-\u9fff]", text))
        other = [
            v
            for v in values
            if bool(re.search(r"[\u3400-\u9fff]", v)) != cjk_text
            or (same_script and not cjk_text and not re.search(rf"(?i)\b{re.escape(v)}\b", text))
        ]
        if len(other) < 2:
            return None
        pieces = chunks(text)
        index = meant_value(meaning, pieces, other, floor=0.5, margin=0.1)
        if index is not None and other[index] != current:
            return other[index]
        rest = [v for v in other if v != current]
        if current not in other or not rest:
            return None
        # One other value: only when the words clearly mean it too ("黑色那把想换成不锈钢色的").
        floor = 0.45 if len(rest) > 1 else 0.6
        index = meant_value(meaning, pieces, rest, floor=floor, margin=0.08)
        return rest[index] if index is not None else None


_A_CODE = re.compile(r"(?i)\d*x{0,4}[sml]|xxs|os|.*\d.*")  # not "Tan", "Gri", "Red"
# Below this, words are about something else than the values compared (雾黑色 and phone models
# 0.21; "the brown one" and Preto/Marrom 0.6).
_UNRELATED = 0.35


_COLOUR_KEY = re.compile(r"colou?r|couleur|farbe|颜色|顏色|色", re.I)
# The basic colour words of English: one said beside another option still names a colour.
_COLOUR_WORD = re.compile(
    r"\b(?:black|white|grey|gray|red|blue|green|brown|pink|purple|yellow|orange|navy|beige)\b",
    re.I,
)


def _same_kind(key: str, kept: str) -> bool:
    """Whether the option kept as it is ("颜色不变", "same size") is this option."""
    if fold(key)[:4] in fold(kept):
        return True
    if _SIZE_KEY.search(key):
        return bool(re.search(r"size|尺码|大小|码", kept, re.I))
    return bool(_COLOUR_KEY.search(key) and re.search(r"colou?r|颜色|色", kept, re.I))


_LETTER_SIZES = {"加大": "XL", "特大": "XL", "大": "L", "中": "M", "小": "S", "加小": "XS"}
_LETTER_SIZE = re.compile(r"(加大|特大|加小|大|中|小)[号码號碼](?!的?(?:了|太|有点|偏))")


def _named_last(text: str, key: str, values: list[str]) -> str | None:
    """The value of this option the text names last, or None."""
    if values and {fold(v) for v in values} <= _YES_NO:
        return _yes_or_no(text, key, values)
    if {v.upper() for v in values} & set(_LETTER_SIZES.values()):  # 大号 is L, 中码 M
        text = _LETTER_SIZE.sub(lambda m: f" {_LETTER_SIZES[m.group(1)]} ", text)
    spots: list[tuple[int, str]] = []
    for value in values:  # the longest first: "XL" is not also "L"
        at = _last_mention(text, value)
        if at >= 0 and all(at != spot for spot, _ in spots):
            spots.append((at, value))
    return max(spots)[1] if spots else None


def _last_mention(text: str, value: str) -> int:
    """Where the text last names the value as the one wanted (not "maple is too bright")."""
    at, start = -1, 0
    while start < len(text):
        found = mentions_value(text[start:], value)
        if found < 0:
            break
        spot = start + found
        if not _FAULT_AFTER.match(text[spot : spot + 40]) and not _REPLACED_BEFORE.search(
            text[max(0, spot - 24) : spot]
        ):
            at = spot
        start = spot + 1
    return at


# A value named as what is wrong with the one they have: "maple is too bright", "M码太小".
_FAULT_AFTER = re.compile(
    r"(?i)[\w ]{0,24}?\b(?:is|are|was|were|'s|runs?|looks?|feels?)\b\s+(?:way |a bit |much |far )?"
    r"(?:too|not|so)\b|[^,，。.]{0,6}?(?:太|不合适|偏(?:大|小|紧|松|深|浅))"
)


# A value named as the one being replaced: "oat instead of brick", "swap the brick for oat",
# "把砖红换成燕麦", "不要砖红的".
_REPLACED_BEFORE = re.compile(
    r"(?i)\b(?:instead\s+of|rather\s+than|in\s+place\s+of|swap|replace|from|not)\s+"
    r"(?:the\s+|my\s+|this\s+|that\s+)?$|(?:把|不要|不是|而不是)$"
)


def _yes_or_no(text: str, key: str, values: list[str]) -> str | None:
    """A yes/no option named by its name: "waterproof" → yes, "without waterproofing" → no."""
    folded = fold(text)
    stem = fold(key)[:5]
    m = re.search(rf"\b{re.escape(stem)}\w*", folded) if stem.isascii() else None
    if m is None and not stem.isascii() and stem in folded:
        index = folded.index(stem)
        negative = bool(_NEGATED.search(folded[:index]))
    elif m is not None:
        negative = bool(_NEGATED.search(folded[: m.start()].rstrip()))
    else:
        return None
    yes = next((v for v in values if fold(v) in ("yes", "是", "true", "y")), None)
    no = next((v for v in values if fold(v) in ("no", "否", "false", "n")), None)
    return no if negative else yes


def _sorted_sizes(values: list[str]) -> list[str]:
    def key(value: str) -> tuple[int, float, str]:
        low = value.lower()
        if low in SIZE_ORDER:
            return (0, float(SIZE_ORDER.index(low)), low)
        try:
            return (1, float(low), low)
        except ValueError:
            numbers = re.findall(r"\d+(?:\.\d+)?", low)
            return (1, float(numbers[0]), low) if numbers else (2, 0.0, low)

    return sorted(values, key=key)
