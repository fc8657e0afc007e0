"""The order conversation: identify the shopper, find their order, check the policy, confirm,
carry out, or hand to a human with the details filled in.

State lives in the conversation (``bot_state["orders"]``) so a restart resumes it. Nothing is
shown before the shopper is identified, only their own orders are ever looked at, and a change
is carried out only after an explicit yes to a description of exactly that change, checked
against the policy again right before it is made.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from bot.errors import ChangeRejected, OrderSystemError
from bot.orders.audit import AuditEvent, AuditLog, MemoryAuditLog
from bot.orders.intents import Extracted, extract, mentions_option, names_item
from bot.orders.policy import SOURCES, Decision, OrderPolicy
from bot.orders.replies import (
    decision_text,
    items_text,
    money,
    orders_text,
    say,
    status_text,
    variants_text,
)
from bot.orders.system import Address, Customer, Order, OrderItem, OrderSystem, VariantStock
from bot.settings import OrdersSettings

log = logging.getLogger(__name__)

_PERSONAL = re.compile(
    r"\bmy\b|\bmine\b|\bI('ve| have)? ?(ordered|bought|purchased|paid|was charged|got charged|"
    r"received|placed)\b|\bI (want|would like|'d like|wanna|need|have) to (cancel|return|"
    r"exchange|change|send|swap|update|track)|\b(cancel|return|exchange|swap|track|change)\b"
    r".{0,20}\b(it|them|this|these|that one)\b|我的|帮我|我要|我想|给我|我买的|我订的|我下的|我在",
    re.I,
)
# A general question about the policy is answered from the knowledge, not from an order.
_GENERAL = re.compile(
    r"^\s*(how (long|many|much|do|does|can|soon)|what('s| is| are)? (is |are )?(your|the)|"
    r"do you|does your|is there|are there|can (i|you) (ever|usually)|what happens)|"
    r"政策|规定|多久|几天|多少天|怎么|如何",
    re.I,
)
_ALL_ITEMS = re.compile(r"\b(all|everything|whole order|both)\b|全部|都退|整个订单|所有", re.I)
_BIGGER = re.compile(r"bigger|larger|size up|one size up|大一(号|码)|大点|换大", re.I)
_SMALLER = re.compile(r"smaller|size down|one size down|小一(号|码)|小点|换小", re.I)
_SIZE_ORDER = ["xxs", "xs", "s", "m", "l", "xl", "xxl", "xxxl"]
_LATEST = re.compile(
    r"\b(latest|last|most recent|newest|recent)\b|最近|最新|上一个|刚(下|买)", re.I
)
_ACTIVE = ("pending", "processing", "packed", "shipped", "out_for_delivery")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


@dataclass
class OrderReply:
    """What the order assistant says this turn."""

    text: str
    language: str
    state: dict[str, Any]
    sources: list[str] = field(default_factory=list)  # policy pages (file names)
    escalate: list[str] = field(default_factory=list)  # reasons, when handed to a human
    case: dict[str, Any] = field(default_factory=dict)  # the details the human needs
    handled: bool = True  # False: not about orders, answer from the knowledge (keep `state`)


class OrderAssistant:
    """Handles the shopper's own orders; everything else is left to the knowledge answers."""

    def __init__(
        self,
        system: OrderSystem,
        settings: OrdersSettings,
        audit: AuditLog,
        policy: OrderPolicy | None = None,
    ) -> None:
        self.system = system
        self.settings = settings
        self.audit = audit
        self.policy = policy or OrderPolicy(settings)

    # -- entry point ----------------------------------------------------------------------
    def handle(
        self,
        text: str,
        state: dict[str, Any] | None,
        language: str,
        session: str,
        persist: bool = True,
    ) -> OrderReply:
        """The reply to an order message; ``handled`` is False when it is not about an order
        (the conversation's order state may still have changed: store ``state``).

        With ``persist=False`` (answers to conversations given as data) nothing is changed
        and nothing is written to the audit log: without stored state no yes can confirm.
        """
        st = dict(state or {})
        ex = extract(text)
        lang = self._language(text, ex, language, st)
        st["language"] = lang
        turn = _Turn(self, st, ex, text, lang, session, self.audit if persist else MemoryAuditLog())
        try:
            return turn.run() or OrderReply("", lang, turn.st, handled=False)
        except ChangeRejected as exc:
            log.warning("Order system refused a change in %s: %s", session, exc)
            return turn.hand_off("changed_meanwhile", f"the order system refused: {exc}")
        except OrderSystemError as exc:
            log.warning("Order system failed in %s: %s", session, exc)
            return turn.hand_off("system_down", f"the order system failed: {exc}")

    @staticmethod
    def _language(text: str, ex: Extracted, detected: str, st: dict[str, Any]) -> str:
        """The shopper's language, kept when a message is only an email, a number or a yes."""
        if _CJK.search(text):
            return "zh"
        rest = re.sub(r"(?i)nw-?\d+|\S+@\S+", " ", text)
        words = [w for w in _LATIN_WORD.findall(rest) if w.lower() not in ("ok", "nw")]
        if words:
            return "en"
        return str(st.get("language") or detected)

    @staticmethod
    def about_orders(text: str, ex: Extracted) -> bool:
        """Whether a message starts an order request (not a general policy question)."""
        if ex.email and (ex.postcode or ex.name):  # "I'm ..., email ..., zip ...": identifying
            return True
        if not ex.intents and not ex.order_numbers:
            return False
        if ex.order_numbers or ex.email:
            return True
        actions = {"cancel", "change_address", "return", "exchange"}
        if set(ex.intents) <= actions and _GENERAL.search(text):
            return False
        return bool(_PERSONAL.search(text))


class _Turn:
    """One message worked through the order conversation."""

    def __init__(
        self,
        owner: OrderAssistant,
        st: dict[str, Any],
        ex: Extracted,
        text: str,
        lang: str,
        session: str,
        audit: AuditLog,
    ) -> None:
        self.o = owner
        self.audit = audit
        self.st = st
        self.ex = ex
        self.text = text
        self.lang = lang
        self.session = session
        self.prefix = ""

    # -- helpers --------------------------------------------------------------------------
    def log(self, event: str, **kw: Any) -> None:
        self.audit.record(
            AuditEvent(
                self.session,
                event,
                customer_id=self.st.get("customer"),
                order_number=kw.pop("order", None) or self.st.get("order"),
                action=kw.pop("action", None) or self.st.get("intent"),
                detail=kw or None,
            )
        )

    def reply(self, text: str, sources: tuple[str, ...] = (), **kw: Any) -> OrderReply:
        body = (self.prefix + " " + text).strip() if self.lang != "zh" else self.prefix + text
        return OrderReply(body, self.lang, self.st, list(sources), **kw)

    def say(self, key: str, **values: Any) -> str:
        return say(self.lang, key, **values)

    def reset(self) -> None:
        keys = ("intent", "order", "lines", "sku", "address", "refund", "awaiting", "pending")
        for key in (*keys, "request"):
            self.st.pop(key, None)

    def hand_off(
        self, key: str, reason: str, lead: str = "", sources: tuple[str, ...] = (), **values: Any
    ) -> OrderReply:
        case = {
            "customer": self.st.get("customer"),
            "order": self.st.get("order"),
            "request": self.st.get("intent"),
            "pending": self.st.get("pending"),
            "reason": reason,
        }
        self.log("escalated", reason=reason)
        self.reset()
        glue = "" if self.lang == "zh" or not lead else " "
        text = (lead + glue + self.say(key, **values)).replace("  ", " ")
        return self.reply(text, sources, escalate=[reason], case=case)

    # -- the turn -------------------------------------------------------------------------
    def run(self) -> OrderReply | None:
        st, ex = self.st, self.ex
        awaiting = st.get("awaiting")
        starts = OrderAssistant.about_orders(self.text, ex)
        if awaiting == "confirm":
            if ex.yes:
                return self.execute()
            pending = st.get("pending") or {}
            if ex.no:
                self.log("declined", order=pending.get("order"), action=pending.get("action"))
                self.reset()
                return self.reply(self.say("declined", order=pending.get("order", "")))
            self.log("abandoned", order=pending.get("order"), action=pending.get("action"))
            self.reset()
            if not starts:
                return None
            awaiting = None
        elif awaiting and not starts and not self.answers_slot(awaiting):
            self.reset()  # the shopper moved on: answer them from the knowledge
            return None
        elif not awaiting and not starts:
            return None
        if starts and ex.intents:
            new_intent = ex.intents[0]
            if new_intent != st.get("intent"):
                for key in ("lines", "sku", "address", "pending"):
                    st.pop(key, None)
            st["intent"] = new_intent
            st["request"] = self.text[:500]  # items it names still count while we ask around
        st.setdefault("intent", "status" if ex.intents or ex.order_numbers else "identify")
        if ex.store_credit:
            st["refund"] = "store_credit"
        if ex.address is not None:
            st["address"] = ex.address.__dict__
        if not st.get("customer"):
            answer = self.identify()
            if answer is not None:
                return answer
        return self.proceed()

    def answers_slot(self, awaiting: str) -> bool:
        ex = self.ex
        if awaiting == "identity":
            return bool(ex.email or ex.name or ex.postcode or ex.order_numbers)
        if awaiting == "order":
            return bool(ex.order_numbers) or self.names_any_item()
        if awaiting == "address":
            return ex.address is not None
        if awaiting in ("item", "variant"):
            return (
                self.names_any_item()
                or self.names_any_option()
                or bool(_BIGGER.search(self.text) or _SMALLER.search(self.text))
            )
        return False

    # -- identity -------------------------------------------------------------------------
    def identify(self) -> OrderReply | None:
        """None once the shopper is verified; otherwise the question or refusal to send."""
        st, ex, system = self.st, self.ex, self.o.system
        facts = dict(st.get("identity") or {})
        for key, value in (("email", ex.email), ("name", ex.name), ("postcode", ex.postcode)):
            if value:
                facts[key] = value
        if ex.order_numbers:
            facts["order"] = ex.order_numbers[0]
            st["order"] = ex.order_numbers[0]
        st["identity"] = facts
        customer: Customer | None = None
        tried = False
        second = facts.get("order") or facts.get("postcode") or facts.get("name")
        if facts.get("email") and second:
            tried = True
            found = system.find_customer_by_email(facts["email"])
            if found is not None and self.factors_match(found, facts):
                customer = found
        elif facts.get("name") and facts.get("postcode"):
            tried = True
            found = system.find_customer_by_name(facts["name"], facts["postcode"])
            if found is not None and self.factors_match(found, facts):
                customer = found
        if customer is not None:
            st["customer"] = customer.id
            st.pop("identity", None)
            st["failed"] = 0
            self.log("identity_verified", how=sorted(k for k in facts))
            first = customer.name.split()[0] if self.lang != "zh" else customer.name
            self.prefix = self.say("verified", name=first)
            return None
        st["awaiting"] = "identity"
        if tried:
            st["failed"] = int(st.get("failed", 0)) + 1
            st["identity"] = {}
            self.log("identity_failed", given=sorted(k for k in facts), attempt=st["failed"])
            if st["failed"] >= self.o.settings.identity_attempts:
                st.pop("failed", None)
                return self.hand_off(
                    "identity_escalate", "the shopper's identity could not be verified"
                )
            return self.reply(self.say("identity_failed"))
        if facts.get("email"):
            return self.reply(self.say("ask_second_factor"))
        if facts.get("order") or facts.get("postcode") or facts.get("name"):
            return self.reply(self.say("ask_email_or_name"))
        return self.reply(self.say("ask_identity"))

    def factors_match(self, customer: Customer, facts: dict[str, str]) -> bool:
        """Every detail the shopper gave fits this customer (one wrong detail fails it all)."""
        if facts.get("postcode") and not same_postcode(facts["postcode"], customer.postcode):
            return False
        if facts.get("email") and facts["email"].lower() != customer.email.lower():
            return False
        if facts.get("name") and not _same_name(facts["name"], customer.name):
            by_name = self.o.system.find_customer_by_name(facts["name"], customer.postcode)
            if by_name is None or by_name.id != customer.id:  # e.g. the pinyin of 王芳
                return False
        if facts.get("order"):
            order = self.o.system.get_order(facts["order"])
            if order is None or order.customer_id != customer.id:
                return False
        return True

    # -- finding the order ----------------------------------------------------------------
    def proceed(self) -> OrderReply:
        st = self.st
        intent = st["intent"]
        customer_id = st["customer"]
        if intent == "identify" and not self.ex.order_numbers:
            st.pop("intent", None)
            st.pop("awaiting", None)
            return self.reply(self.say("ask_what"))
        orders = self.o.system.list_orders(customer_id)
        if self.ex.order_numbers:
            st["order"] = self.ex.order_numbers[0]
        number = st.get("order")
        if number:
            order = self.o.system.get_order(number)
            if order is None or order.customer_id != customer_id:
                self.log("order_refused", order=number)
                st.pop("order", None)
                st["awaiting"] = "order"
                mine = orders_text(orders, self.lang) if orders else "-"
                return self.reply(self.say("not_your_order", order=number, orders=mine))
            st["order"] = order.number
        else:
            picked = self.pick_order(intent, orders)
            if isinstance(picked, OrderReply):
                return picked
            order = picked
            st["order"] = order.number
        if intent == "refund":  # what a refund means depends on where the order is
            intent = st["intent"] = (
                "return"
                if order.status in ("delivered", "shipped", "out_for_delivery")
                else "cancel"
                if order.status != "cancelled"
                else "status"
            )
        if intent in ("status", "orders", "refund_status"):
            self.log("viewed", order=order.number)
            st.pop("awaiting", None)
            st.pop("intent", None)
            return self.reply(status_text(order, self.lang), SOURCES["status"])
        if intent == "billing":
            return self.billing(order)
        if intent == "cancel":
            return self.decide(order, self.o.policy.cancel(order))
        if intent == "change_address":
            return self.change_address(order)
        if intent == "return":
            return self.return_items(order)
        return self.exchange(order)

    def pick_order(self, intent: str, orders: list[Order]) -> Order | OrderReply:
        st = self.st
        if not orders:
            self.reset()
            return self.reply(self.say("no_orders"))
        wanted = {
            "cancel": lambda o: o.status in ("pending", "processing", "packed"),
            "change_address": lambda o: o.status in _ACTIVE,
            "return": lambda o: o.status == "delivered",
            "exchange": lambda o: o.status == "delivered",
            "status": lambda o: o.status in _ACTIVE,
            "refund": lambda o: o.status != "cancelled",
            "refund_status": lambda o: bool(o.refunds) or o.status == "cancelled",
        }.get(intent, lambda o: True)
        candidates = [o for o in orders if wanted(o)]
        named = [o for o in candidates if any(self.names_item(i) for i in o.items)] or [
            o for o in orders if any(self.names_item(i) for i in o.items)
        ]
        if named:
            candidates = named
        if len(candidates) > 1 and _LATEST.search(self.text):
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

    # -- items and variants ---------------------------------------------------------------
    def option_text(self) -> str:
        """The message without references that could be mistaken for sizes."""
        return re.sub(r"(?i)nw[-\s]?\d{6}|\S+@\S+|\d{5}(-\d{4})?", " ", self.text)

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
        if not single and _ALL_ITEMS.search(self.text):
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
        text = self.option_text()
        wanted = dict(item.options)
        changed = False
        for key, current in item.options.items():
            values = sorted(
                {v.options.get(key, "") for v in variants} - {""}, key=len, reverse=True
            )
            named = [v for v in values if mentions_option(text, v)]
            others = [v for v in named if v != current]
            if others:
                wanted[key] = others[0]
                changed = True
            if key.lower() == "size" and not others:
                step = 1 if _BIGGER.search(self.text) else -1 if _SMALLER.search(self.text) else 0
                if step:
                    ordered = _sorted_sizes(values)
                    if current in ordered:
                        index = ordered.index(current) + step
                        if 0 <= index < len(ordered):
                            wanted[key] = ordered[index]
                            changed = True
        if not changed:
            if self.st.get("sku"):
                return next((v for v in variants if v.sku == self.st["sku"]), None)
            return None
        return next((v for v in variants if v.options == wanted), None)

    # -- the requests ---------------------------------------------------------------------
    def billing(self, order: Order) -> OrderReply:
        self.log("viewed", order=order.number, action="billing")
        self.reset()
        payments = [p for p in order.payments if p.status in ("authorized", "captured")]
        captured = [p for p in payments if p.status == "captured"]
        authorized = [p for p in payments if p.status == "authorized"]
        sources = SOURCES["billing"]
        if captured and authorized:
            oldest = min(p.created_at for p in authorized)
            age_days = (self.o.policy.clock() - oldest).days
            amounts = ", ".join(money(p.amount, order.currency) for p in payments)
            if age_days > 7:  # more than 5 business days: the billing team refunds it
                self.st["order"] = order.number
                self.st["intent"] = "billing"
                return self.hand_off(
                    "escalated",
                    f"duplicate charge on {order.number}: {amounts}",
                    lead=self.say("billing_escalate", order=order.number, amounts=amounts),
                    sources=sources,
                )
            from bot.orders.replies import day

            text = self.say(
                "billing_authorization",
                order=order.number,
                captured=money(captured[0].amount, order.currency),
                authorized=money(authorized[0].amount, order.currency),
                when=day(oldest, self.lang),
            )
            return self.reply(text, sources)
        payment = payments[0] if payments else None
        amount = money(payment.amount if payment else order.total, order.currency)
        label = f"card ending {payment.last4}" if payment and payment.last4 else "payment method"
        if self.lang == "zh":
            label = f"尾号 {payment.last4} 的银行卡" if payment and payment.last4 else "支付方式"
        return self.reply(
            self.say("billing_single", order=order.number, amount=amount, payment=label), sources
        )

    def change_address(self, order: Order) -> OrderReply:
        raw = self.st.get("address")
        precheck = self.o.policy.change_address(order, order.address)
        if not precheck.allowed and "address_other_country" not in precheck.reasons:
            return self.decide(order, precheck)
        if not raw:
            self.st["awaiting"] = "address"
            return self.reply(self.say("ask_address"), SOURCES["change_address"])
        new = Address(**{**raw, "name": raw.get("name") or order.address.name})
        return self.decide(order, self.o.policy.change_address(order, new), address=raw)

    def return_items(self, order: Order) -> OrderReply:
        picked = self.pick_items(order, single=False)
        if isinstance(picked, OrderReply):
            return picked
        self.st["lines"] = [i.line_id for i in picked]
        customer = self.o.system.get_customer(self.st["customer"])
        assert customer is not None
        method = self.st.get("refund") or "original_payment"
        decision = self.o.policy.return_items(order, customer, picked, method)
        return self.decide(order, decision)

    def exchange(self, order: Order) -> OrderReply:
        picked = self.pick_items(order, single=True)
        if isinstance(picked, OrderReply):
            return picked
        item = picked[0]
        self.st["lines"] = [item.line_id]
        variants = self.o.system.variants(item.product_id)
        wanted = self.wanted_variant(item, variants)
        decision = self.o.policy.exchange(order, item, wanted, variants)
        if decision.reasons == ("variant_unknown",):
            self.st["awaiting"] = "variant"
            choices = [v for v in variants if v.in_stock and v.sku != item.sku]
            # The nearest first (same color, other sizes; same size, other colors), a few only.
            choices.sort(key=lambda v: -sum(v.options.get(k) == o for k, o in item.options.items()))
            choices = choices[:8]
            return self.reply(
                self.say(
                    "which_variant", variants=variants_text(choices, order.currency, self.lang)
                ),
                SOURCES["exchange"],
            )
        if wanted is not None:
            self.st["sku"] = wanted.sku
        return self.decide(order, decision)

    def decide(self, order: Order, decision: Decision, **extra: Any) -> OrderReply:
        """Propose an allowed change, or explain a refusal (with alternatives or a human)."""
        st = self.st
        explained = decision_text(decision, order, self.lang)
        if decision.allowed:
            pending = {
                "action": decision.action,
                "order": order.number,
                "lines": st.get("lines"),
                "sku": st.get("sku"),
                "address": extra.get("address") or st.get("address"),
                "refund": st.get("refund") or "original_payment",
            }
            st["pending"] = pending
            st["awaiting"] = "confirm"
            self.log(
                "proposed", order=order.number, action=decision.action, decision=decision.summary()
            )
            head = self.confirmation(decision, order)
            glue = "" if self.lang == "zh" else " "
            return self.reply(
                head + glue + explained + self.say("confirm_question"), decision.sources
            )
        self.log("refused", order=order.number, action=decision.action, decision=decision.summary())
        if decision.escalate:
            reason = (
                f"order request outside the policy: {decision.action} on {order.number} "
                f"({', '.join(decision.reasons)})"
            )
            reply = self.hand_off("escalated", reason, lead=explained, sources=decision.sources)
            reply.case["decision"] = decision.summary()
            return reply
        if decision.reasons == ("variant_out_of_stock",):
            st["awaiting"] = "variant"
            st.pop("sku", None)
            more = (
                self.say(
                    "alternatives",
                    variants=variants_text(decision.alternatives, order.currency, self.lang),
                )
                if decision.alternatives
                else self.say("no_alternatives")
            )
            return self.reply(explained + more, decision.sources)
        self.reset()
        st["order"] = order.number  # follow-up questions are about the same order
        return self.reply(explained, decision.sources)

    def confirmation(self, decision: Decision, order: Order) -> str:
        facts = decision.facts
        if decision.action == "cancel":
            return self.say(
                "confirm_cancel", order=order.number, items=items_text(order.items, self.lang)
            )
        if decision.action == "change_address":
            return self.say(
                "confirm_address",
                order=order.number,
                old_address=facts["old_address"],
                new_address=facts["new_address"],
            )
        if decision.action == "return":
            chosen = [i for i in order.items if i.line_id in facts["lines"]]
            return self.say(
                "confirm_return",
                order=order.number,
                items=items_text(chosen, self.lang),
                amount=money(facts["amount"], order.currency),
            )
        return self.say(
            "confirm_exchange", order=order.number, item=facts["item"], wanted=facts["wanted"]
        )

    # -- carrying out ---------------------------------------------------------------------
    def execute(self) -> OrderReply:
        st = self.st
        pending = dict(st.get("pending") or {})
        system = self.o.system
        order = system.get_order(pending.get("order", ""))
        if order is None or order.customer_id != st.get("customer"):
            self.reset()
            return self.reply(self.say("declined", order=pending.get("order", "")))
        decision = self.recheck(order, pending)
        if not decision.allowed:
            st["order"] = order.number
            return self.hand_off(
                "changed_meanwhile",
                f"{pending['action']} on {order.number} no longer allowed: "
                + ", ".join(decision.reasons),
                order=order.number,
            )
        action = pending["action"]
        before = _order_state(order)
        if action == "cancel":
            after = system.cancel_order(order.number, reason="shopper asked in chat")
            text = self.say("done_cancel", order=order.number)
        elif action == "change_address":
            raw = pending["address"]
            new = Address(**{**raw, "name": raw.get("name") or order.address.name})
            after = system.change_address(order.number, new)
            text = self.say("done_address", order=order.number, new_address=new.one_line())
        elif action == "return":
            after = system.return_items(
                order.number, pending["lines"], pending["refund"], reason="shopper asked in chat"
            )
            chosen = [i for i in order.items if i.line_id in pending["lines"]]
            text = self.say("done_return", order=order.number, items=items_text(chosen, self.lang))
        else:
            after = system.exchange_item(order.number, pending["lines"][0], pending["sku"])
            text = self.say(
                "done_exchange",
                order=order.number,
                item=decision.facts["item"],
                wanted=decision.facts["wanted"],
            )
        self.log(
            "executed",
            order=order.number,
            action=action,
            before=before,
            after=_order_state(after),
            decision=decision.summary(),
        )
        self.reset()
        st["order"] = order.number
        return self.reply(text + self.say("help_next"), decision.sources)

    def recheck(self, order: Order, pending: dict[str, Any]) -> Decision:
        """The same policy check again, on the order as it is now."""
        policy, system = self.o.policy, self.o.system
        action = pending["action"]
        if action == "cancel":
            return policy.cancel(order)
        if action == "change_address":
            raw = pending["address"]
            return policy.change_address(
                order, Address(**{**raw, "name": raw.get("name") or order.address.name})
            )
        items = [i for i in order.items if i.line_id in (pending.get("lines") or [])]
        if action == "return":
            customer = system.get_customer(order.customer_id)
            assert customer is not None
            return policy.return_items(order, customer, items, pending["refund"])
        item = items[0]
        variants = system.variants(item.product_id)
        wanted = next((v for v in variants if v.sku == pending.get("sku")), None)
        return policy.exchange(order, item, wanted, variants)


def same_postcode(given: str, actual: str) -> bool:
    """ "43215-1234" is 43215; "nw1 6xe" is "NW1 6XE"."""
    a, b = ("".join(p.split()).upper() for p in (given, actual))
    if a[:5].isdigit() and b[:5].isdigit():
        return a[:5] == b[:5]
    return a == b


def _same_name(given: str, actual: str) -> bool:
    norm = lambda s: " ".join(s.lower().split())  # noqa: E731
    return norm(given) == norm(actual)


def _sorted_sizes(values: list[str]) -> list[str]:
    def key(value: str) -> tuple[int, float, str]:
        low = value.lower()
        if low in _SIZE_ORDER:
            return (0, float(_SIZE_ORDER.index(low)), low)
        try:
            return (1, float(low), low)
        except ValueError:
            return (2, 0.0, low)

    return sorted(values, key=key)


def _order_state(order: Order) -> dict[str, Any]:
    return {
        "status": order.status,
        "address": order.address.one_line(),
        "items": {i.line_id: [i.status, i.exchanges, i.exchange_sku] for i in order.items},
    }
