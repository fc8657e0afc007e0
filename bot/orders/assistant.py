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
from typing import Any

from bot.errors import ChangeRejected, OrderSystemError
from bot.language import CJK
from bot.orders.audit import AuditLog, MemoryAuditLog
from bot.orders.changes import OrderChanges
from bot.orders.finding import BIGGER, SMALLER, OrderFinding
from bot.orders.identity import IdentityChecks, remember_identity
from bot.orders.intents import POSTCODE_HINT, Extracted, extract, strip_references
from bot.orders.policy import SOURCES, OrderPolicy
from bot.orders.replies import (
    orders_text,
    status_text,
)
from bot.orders.system import OrderSystem
from bot.orders.turn import OrderReply
from bot.settings import OrdersSettings

__all__ = ["OrderAssistant", "OrderReply"]

log = logging.getLogger(__name__)

_PERSONAL = re.compile(
    r"\bmy\b|\bmine\b|\bI('ve| have)? ?(ordered|bought|purchased|paid|was charged|got charged|"
    r"received|placed)\b|\bI ?('d like|would like|want|wanna|need|have)( to)? "
    r"(cancel|cancle|return|exchange|change|send|swap|update|track)|\b(cancel|return|exchange|swap|track|change)\b"
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
_ORIGINAL_METHOD = re.compile(
    r"original|same (card|way|method|account)|\bmy card\b|\bcard\b|paypal|原|卡", re.I
)
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


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
        if CJK.search(text):
            return "zh"
        rest = strip_references(text)
        words = [w for w in _LATIN_WORD.findall(rest) if w.lower() not in ("ok", "nw")]
        if words:
            return "en"
        return str(st.get("language") or detected)

    @staticmethod
    def about_orders(text: str, ex: Extracted) -> bool:
        """Whether a message starts an order request (not a general policy question)."""
        if ex.email and (ex.postcode or ex.name):  # "I'm ..., email ..., zip ...": identifying
            return True
        if (ex.email or ex.postcode) and _identity_only(text):  # "Emma Johnson 43215"
            return True
        if not ex.intents and not ex.order_numbers:
            return False
        if ex.order_numbers or ex.email:
            return True
        actions = {"cancel", "change_address", "return", "exchange"}
        if set(ex.intents) <= actions and _GENERAL.search(text):
            return False
        return bool(_PERSONAL.search(text))


_FILLER = re.compile(
    r"(?i)\b(my|name|is|zip|code|postcode|postal|email|e-mail|address|and|the|hi|hello|hey|this|"
    r"i'?m|i am|it'?s|here|thanks|thank you|please|ok|sure)\b|邮箱|邮编|我是|我叫|名字|是|谢谢|你好"
)


def _identity_only(text: str) -> bool:
    """A message that only gives identity details (no question, at most a name besides)."""
    if "?" in text or "？" in text:
        return False
    rest = re.sub(r"\S+@\S+|\d[\d\s-]*", " ", text)
    rest = _FILLER.sub(" ", rest)
    return len(re.findall(r"[A-Za-z]+", rest)) <= 3 and len(CJK.findall(rest)) <= 4


class _Turn(IdentityChecks, OrderFinding, OrderChanges):
    """One message worked through the order conversation."""

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
            self.keep_identity()
            return None
        elif not awaiting and not starts:
            self.keep_identity()
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
        elif ex.other_refund:
            st["refund"] = "elsewhere"
        if ex.address is not None:
            st["address"] = ex.address.__dict__
        if not st.get("customer"):
            answer = self.identify()
            if answer is not None:
                return answer
        return self.proceed()

    def keep_identity(self) -> None:
        """Details given in passing ("... my email is x") still count for a later request;
        a bare five-digit number ("do you ship to 94110?") is not taken for their postcode."""
        if self.st.get("customer"):
            return
        if self.ex.postcode and not POSTCODE_HINT.search(self.text):
            self.ex.postcode = None
        if self.ex.email or self.ex.postcode or self.ex.name:
            remember_identity(self.st, self.ex)

    def answers_slot(self, awaiting: str) -> bool:
        ex = self.ex
        if awaiting == "identity":
            return bool(ex.email or ex.name or ex.postcode or ex.order_numbers)
        if awaiting == "order":
            return bool(ex.order_numbers) or self.names_any_item()
        if awaiting == "address":
            return ex.address is not None
        if awaiting == "refund_method":
            return ex.store_credit or bool(_ORIGINAL_METHOD.search(self.text))
        if awaiting in ("item", "variant"):
            return (
                self.names_any_item()
                or self.names_any_option()
                or bool(BIGGER.search(self.text) or SMALLER.search(self.text))
            )
        return False

    # -- finding the order ----------------------------------------------------------------
    def proceed(self) -> OrderReply:
        st = self.st
        intent = st["intent"]
        customer_id = st["customer"]
        if intent == "identify" and not self.ex.order_numbers:
            st.pop("intent", None)
            st.pop("awaiting", None)
            return self.reply(self.say("ask_what"))
        if self.ex.order_numbers:
            st["order"] = self.ex.order_numbers[0]
        number = st.get("order")
        if number:
            order = self.o.system.get_order(number)
            if order is None or order.customer_id != customer_id:
                self.log("order_refused", order=number)
                st.pop("order", None)
                st["awaiting"] = "order"
                orders = self.o.system.list_orders(customer_id)
                mine = orders_text(orders, self.lang) if orders else "-"
                return self.reply(self.say("not_your_order", order=number, orders=mine))
            st["order"] = order.number
        else:
            picked = self.pick_order(intent, self.o.system.list_orders(customer_id))
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
