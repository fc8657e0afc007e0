"""The order conversation's steps for one message: which question it answers, identity first,
then the order, then the request itself."""

from __future__ import annotations

import re

from bot.orders.changes import OrderChanges
from bot.orders.finding import BIGGER, SMALLER, OrderFinder, asks_every_order
from bot.orders.identity import IdentityCheck, remember_identity, said_identity
from bot.orders.intents import (
    FOLLOW_UP,
    POSTCODE_HINT,
    asks_about_an_order,
    general_question,
    identity_only,
    possible_postcodes,
    starts_order_request,
    takes_the_offer,
)
from bot.orders.platforms.matching import same_postcode
from bot.orders.policy import SOURCES
from bot.orders.references import bare_name, parse_address
from bot.orders.replies import orders_text, status_text
from bot.orders.script import plain_text
from bot.orders.state import PendingChange
from bot.orders.system import Order
from bot.orders.turn import OrderReply, OrderTurn
from bot.reasons import Reason, ReasonCode

# "just change it", 直接改: the shopper presses on without the proof asked for.
_PRESSING = r"\bjust (change|do|send|update|ship)\b|直接改|就改吧|帮我改就行"
_NO_PROOF = re.compile(
    r"\b(don'?t|do not|doesn'?t) (have|know|remember|recall)\b|\bnot sure\b|\bno idea\b|"
    r"\bcan'?t (find|remember|recall)\b|\bforg[oe]t\b|"
    r"不知道|不记得|忘了|找不到|没有(订单号|邮编|单号)|" + _PRESSING,
    re.I,
)
_JUST_DO_IT = re.compile(r"\bcan'?t you\b|\bcan you not\b|" + _PRESSING, re.I)
_WHICH = re.compile(
    r"\b(which|what) (one|item|order|size|colou?r)\b|\b(is|was) (that|this|it) the\b|"
    r"\bthe one (with|that|in)\b|\bthat one\b|哪(个|件|双|一|单)|是不是|是指",
    re.I,
)
_QUESTION = re.compile(
    r"[?？]|^\s*(how|what|when|where|why|which|who|do|does|is|are|can|could|will|would)\b|"
    r"吗|呢|多久|怎么|什么时候",
    re.I,
)
_MONEY = re.compile(r"\bmoney\b|\brefund|\bcharged?\b|钱|款|退回来|扣款", re.I)
_ORIGINAL_METHOD = re.compile(
    r"original|same (card|way|method|account)|\bmy card\b|\bcard\b|paypal|原|卡", re.I
)


# The flow's questions about a request (which order, item, variant, address, refund).
_ASKED_ABOUT_IT = ("order", "item", "variant", "address", "refund_method")


# Which order a request is about, said without its number: "it's the one with the rug",
# "the order from last week", "有地毯的那单".
_DESCRIBES_ORDER = re.compile(
    r"\b(?:the|my)\s+(?:one|order|parcel|package)\s+(?:with|for|from|that|i|we|containing|of)\b"
    r"|^\s*(?:it'?s|it\s+is|that'?s)\s+the\s+\w+"
    r"|[\u3400-\u9fff](?:的)?(?:那|这)(?:一)?(?:单|个订单|笔)",
    re.I,
)


def describes_order(text: str) -> bool:
    return bool(_DESCRIBES_ORDER.search(text)) and not _QUESTION.search(text)


class OrderFlow:
    """Works one message through the order conversation, with its steps as parts."""

    def __init__(self, turn: OrderTurn) -> None:
        self.turn = turn
        self.identity = IdentityCheck(turn)
        self.finder = OrderFinder(turn)
        self.changes = OrderChanges(turn, self.finder, self.identity)

    def run(self) -> OrderReply | None:
        """The reply, or None when the message is not about orders (the knowledge answers)."""
        turn = self.turn
        state, said = turn.state, turn.said
        awaiting = state.awaiting
        if awaiting == "address" and said.address is None and not said.intents:
            # The answer to "what is the new address?" is one, though nothing marks where it
            # starts ("Flat 7, Sunshine Towers, Baner Road, Pune 411045").
            said.address = parse_address(plain_text(turn.text))
        if state.customer and state.order and said.address is not None and not said.intents:
            said.intents = ["change_address"]  # "改成 6060 Minoru Blvd, ...": the order in hand
        if state.customer and not said.intents and FOLLOW_UP.search(turn.text):
            theirs = turn.system.list_orders(state.customer)
            if self.finder.named_orders(theirs, by_meaning=False):
                said.intents = ["status"]  # "and the apron I ordered yesterday?"
        plain_words = not (said_identity(said) or said.yes or said.no or said.intents)
        if awaiting == "identity" and plain_words and (name := bare_name(turn.text)):
            said.names = [name]  # "Daniel Kowalczyk": the answer to "who are you?"
        # Once verified, or asked who they are for a request, the talk is about their orders.
        in_context = bool(state.customer) or (awaiting == "identity" and state.intent is not None)
        starts = starts_order_request(turn.text, said, verified=in_context)
        if awaiting in ("confirm", "reconfirm"):
            pending = state.pending
            if said.yes and awaiting == "reconfirm" and pending is not None:
                # A yes after another answer may be to that answer: the proposal is described
                # again, and only the next yes carries it out.
                return self.changes.present_again(pending)
            # "ok, the big multicolor one then": a yes word before another choice is that
            # choice, proposed again; never a yes to what was proposed.
            bare_yes = said.yes and len(turn.text.split()) <= 2
            restated = pending is not None and not bare_yes and self.restates(pending.action)
            # "wait, let me keep the glasses too - just the lamp then": other lines to return,
            # proposed again (not a no, and not a yes to the lines proposed).
            reselected = (
                self.finder.reselects(pending)
                if pending is not None and pending.action == "return" and not bare_yes
                else []
            )
            if (
                said.yes
                and not reselected
                and not (pending is not None and restated and self.chooses_otherwise(pending))
            ):
                return self.changes.carry_out()
            order, action = (pending.order, pending.action) if pending else (None, None)
            if reselected:
                state.lines = [item.line_id for item in reselected]
                restated = True
            elif said.no:
                turn.log("declined", order=order, action=action)
                state.forget_request()
                return turn.reply(turn.say("declined", order=order or ""))
            if pending is not None and restated:
                # "make that an 11", "store credit then", "just the lamp then": the same
                # request, told better.
                turn.log("restated", order=order, action=action)
                state.awaiting = None
                state.pending = None
                self.take_details()
                return self.proceed()
            if pending is not None and self.asks_about(pending):
                # "is that the frame bag?", "wait, which one?": the same proposal, described
                # again (a plain yes is still needed).
                return self.changes.present_again(pending)
            general = not starts or general_question(turn.text)
            general = general or (pending is not None and self.about_it(pending))
            if general and _QUESTION.search(turn.text):
                # "how long does the refund take?" before saying yes: the knowledge answers and
                # the proposal waits, to be described again before anything is done.
                state.awaiting = "reconfirm"
                return None
            turn.log("abandoned", order=order, action=action)
            state.forget_request()
            if not starts:
                return None
            awaiting = None
        elif awaiting == "identity" and said.no and not starts and not said_identity(said):
            # "actually no, forget it" while asked who they are: the request is dropped.
            turn.log("declined", action=state.intent)
            state.forget_request()
            return turn.reply(turn.say("dropped"))
        elif awaiting == "person" and said.yes:
            return self.changes.to_person()
        elif awaiting == "person" and said.no:
            order = state.order or ""
            state.forget_request()
            return turn.reply(turn.say("declined", order=order))
        elif awaiting == "proof" and self.answers("proof"):
            return self.more_proof()
        elif awaiting == "proof" and self.withdraws():
            # "no I don't know it, forget it": the change is dropped, nothing else is lost.
            order = state.order or ""
            turn.log("declined", order=order, action=state.intent)
            state.forget_request()
            return turn.reply(turn.say("proof_withdrawn", order=order))
        elif awaiting == "proof" and self.presses_without_proof():
            return self.changes.proof_still_needed()
        elif awaiting in _ASKED_ABOUT_IT and said.no and not self.answers(awaiting):
            # "英文版我不要，那就算了，不换了" while asked which item: the request is dropped.
            turn.log("declined", order=state.order, action=state.intent)
            state.forget_request()
            return turn.reply(turn.say("dropped"))
        elif awaiting == "identity" and state.intent and not starts and describes_order(turn.text):
            # "it's the one with the two small tagines" while asked who they are: which order
            # the request is about, kept for when they are verified.
            state.request = f"{state.request or ''} \n {turn.text}"[-500:]
        elif awaiting and said.yes and not starts and not self.answers(awaiting):
            pass  # "yes, go ahead" to a question (which order? who are you?): it is asked again
        elif awaiting and not starts and not self.answers(awaiting):
            state.forget_request()  # the shopper moved on: answer them from the knowledge
            self.keep_identity()
            return None
        elif not awaiting and not starts and self.shows_current_postcode():
            # "1103" after "order 63591" (before asking to re-address it): kept as proof.
            order = state.order or ""
            turn.log("proof_given", order=order)
            return turn.reply(turn.say("postcode_noted", order=order))
        elif not awaiting and not starts:
            self.keep_identity()
            return None
        if starts and said.intents:
            new_intent = said.intents[0]
            if new_intent != state.intent:
                state.forget_details()
            state.intent = new_intent
            state.request = turn.text[:500]  # items it names still count while we ask around
        if state.intent is None:
            asks = said.intents or said.order_numbers or asks_about_an_order(turn.text)
            state.intent = "status" if asks else "identify"
        self.take_details()
        if not state.customer:
            answer = self.identity.identify()
            if answer is not None:
                return answer
        return self.proceed()

    def take_details(self) -> None:
        """The refund method and new address this message gives, for the request in hand."""
        state, said, text = self.turn.state, self.turn.said, self.turn.text
        if said.store_credit:
            state.refund = "store_credit"
        elif said.other_refund:
            state.refund = "elsewhere"
        elif state.refund == "elsewhere" and _ORIGINAL_METHOD.search(text):
            state.refund = "original_payment"
        if said.address is not None:
            state.address = said.address

    def restates(self, action: str) -> bool:
        """Whether a message at the confirmation changes a detail of the same request."""
        said, text = self.turn.said, self.turn.text
        if action == "return" and (said.store_credit or said.other_refund):
            return True  # "退款换成店铺余额": the refund's way, whatever else the words say
        if said.intents and said.intents[0] not in (self.turn.state.intent, "refund"):
            return False  # a new request
        if action == "return":
            return bool(_ORIGINAL_METHOD.search(text))
        if action == "exchange":
            return self.finder.names_any_option() or bool(
                BIGGER.search(text) or SMALLER.search(text)
            )
        if action == "change_address":
            return said.address is not None
        return False

    def chooses_otherwise(self, pending: PendingChange) -> bool:
        """Whether a restated detail differs from the proposal's ("yes, store credit" to a
        proposal of store credit is a yes; a new variant or address is not)."""
        said, text = self.turn.said, self.turn.text
        if pending.action == "return":
            if said.other_refund:
                return True
            if said.store_credit:
                return pending.refund != "store_credit"
            return bool(_ORIGINAL_METHOD.search(text)) and pending.refund != "original_payment"
        if pending.action == "change_address":
            return said.address is not None and said.address != pending.address
        return True  # an exchange's variant named again: proposed again to be sure

    def withdraws(self) -> bool:
        """ "no, forget it", 算了: the shopper drops the request rather than give the proof
        (not "no, just change it", which presses on)."""
        return self.turn.said.no and not _JUST_DO_IT.search(self.turn.text)

    def presses_without_proof(self) -> bool:
        """ "I don't have the order number, just change it": the same request, no proof."""
        said = self.turn.said
        if said.intents and "change_address" not in said.intents:
            return False
        return bool(_NO_PROOF.search(self.turn.text))

    def about_it(self, pending: PendingChange) -> bool:
        """ "Do I have to pay the return shipping?", 退货运费谁出: words of the same request,
        nothing new named (no order, item or address): a question about it."""
        said = self.turn.said
        refunded = {"refund", "refund_status"} if pending.action in ("return", "cancel") else set()
        if pending.action == "cancel" and _MONEY.search(self.turn.text):
            refunded.add("return")  # "取消的话钱什么时候退回来？": the money coming back
        same = set(said.intents) <= {pending.action, "status", *refunded}
        return same and not (said.order_numbers or said.address is not None)

    def asks_about(self, pending: PendingChange) -> bool:
        """Whether a message at the confirmation asks about the proposal itself: it names an
        item or option of the order, or asks which one, and starts nothing new."""
        said, text = self.turn.said, self.turn.text
        if said.order_numbers or said.address is not None or said.no:
            return False
        if said.intents and said.intents[0] not in (self.turn.state.intent, pending.action):
            return False
        if _WHICH.search(text):
            return True
        # A question names an item by its words ("is that the frame bag?"); by meaning, "do I
        # pay the return shipping?" would be about some item too.
        asked = bool(_QUESTION.search(text))
        return self.finder.names_pending_item(pending.order, by_meaning=not asked)

    def more_proof(self) -> OrderReply | None:
        """The shopper answered the request for more proof: check it, then go on."""
        turn = self.turn
        order = turn.system.get_order(turn.state.order or "")
        if order is None or order.customer_id != turn.state.customer:
            turn.state.forget_request()
            return None
        self.take_details()
        if not self.identity.strengthen(order):
            state = turn.state
            state.failed = (state.failed or 0) + 1
            turn.log("identity_failed", given=["proof"], attempt=state.failed)
            if state.failed >= turn.settings.identity_attempts:
                state.failed = None
                return turn.hand_off("identity_escalate", Reason(ReasonCode.IDENTITY_NOT_VERIFIED))
            return turn.reply(turn.say("identity_failed"))
        turn.state.awaiting = None
        return self.proceed()

    def shows_current_postcode(self) -> bool:
        """Whether a verified shopper's message is only the postcode their order in hand is
        going to now (proof kept for a change of address that may follow)."""
        turn = self.turn
        state, said = turn.state, turn.said
        if not (state.customer and state.order) or said.email or said.address is not None:
            return False
        given = possible_postcodes(said)
        if not given or said.order_numbers or not identity_only(turn.text):
            return False
        order = turn.system.get_order(state.order)
        if order is None or not any(same_postcode(p, order.address.postcode) for p in given):
            return False
        said.postcodes, said.order_hints = given, []
        return self.identity.strengthen(order)

    def keep_identity(self) -> None:
        """Details given in passing ("... my email is x") still count for a later request;
        a bare five-digit number ("do you ship to 94110?") is not taken for their postcode."""
        turn = self.turn
        if turn.state.customer:
            return
        said = turn.said
        if said.postcode and not POSTCODE_HINT.search(turn.text):
            said.postcode = None
        name = bare_name(turn.text) if not (said.name or said.names) else None
        if name:  # "Amelia Harris" alone, then "postcode is 2010": a pair over two messages
            said.names = [name]
        if said.email or said.postcode or said.name or name:
            remember_identity(turn.state, said)

    def answers(self, awaiting: str) -> bool:
        """Whether the message answers what the bot asked for."""
        said, text = self.turn.said, self.turn.text
        if awaiting == "identity":
            return said_identity(said)
        if awaiting == "proof":  # the details asked for, or the new address meanwhile
            return bool(
                said.email
                or said.postcodes
                or said.order_numbers
                or said.order_hints
                or said.address
            )
        if awaiting in ("order", "item", "variant") and (said.store_credit or said.other_refund):
            return True  # "store credit please" while asked which item: the same request
        if awaiting == "order":
            return bool(said.order_numbers) or self.finder.names_any_item()
        if awaiting == "address":
            return said.address is not None
        if awaiting == "refund_method":
            return said.store_credit or bool(_ORIGINAL_METHOD.search(text))
        if awaiting == "variant" and takes_the_offer(text):
            return True  # "hmm ok, the pink one then": the one offered (the exchange checks)
        if awaiting in ("item", "variant"):
            return (
                self.finder.names_any_item()
                or self.finder.names_any_option()
                or bool(BIGGER.search(text) or SMALLER.search(text))
            )
        return False

    def proceed(self) -> OrderReply:
        """The verified shopper's request: find the order, then answer or propose."""
        turn = self.turn
        state, system = turn.state, turn.system
        intent = state.intent or "status"
        customer_id = state.customer or ""
        if intent == "identify" and not turn.said.order_numbers:
            state.intent = None
            state.awaiting = None
            return turn.reply(turn.say("ask_what"))
        if intent == "identify":  # who they are and an order number, nothing asked: its status
            intent = "status"
        if turn.said.order_numbers:
            state.order = turn.said.order_numbers[0]
        elif (
            state.order
            and intent not in ("status", "orders", "refund_status", "billing")
            and self.finder.names_only_elsewhere(state.order, system.list_orders(customer_id))
        ):
            # The order in hand from before, unless the words name another order's item
            # ("上个月买嗰条玉髓吊坠想退" after asking about a box not yet sent).
            state.order = None
        # "all my orders", 我所有的订单都到哪一步了: every one, not the one in hand
        every = intent == "orders" or (not turn.said.order_numbers and asks_every_order(turn.text))
        number = None if every else state.order
        others: list[Order] = []  # on their way besides the one found: listed
        also: list[Order] = []  # named besides the one asked for: their status too
        if number:
            found = system.get_order(number)
            if found is None or found.customer_id != customer_id:
                turn.log("order_refused", order=number)
                state.order = None
                state.awaiting = "order"
                orders = system.list_orders(customer_id)
                mine = orders_text(orders, turn.language) if orders else "-"
                return turn.reply(turn.say("not_your_order", order=number, orders=mine))
            order = found
            if intent == "status":  # "... arrived? and what about the bricks": theirs too
                also = self.finder.also_named(order, system.list_orders(customer_id))
        else:
            theirs = system.list_orders(customer_id)
            picked = self.finder.pick_order(intent, theirs)
            if isinstance(picked, OrderReply):
                return picked
            order = picked
            if intent == "status":  # found from their words: the others on the way come too
                others = [o for o in self.finder.in_progress_and_recent(theirs) if o != order]
        state.order = order.number
        said = turn.said
        if said.email or said.order_numbers or said.order_hints or said.postcodes:
            # "chiahao.chang@example.tw 訂單25491" after a name and postcode: what they show
            # now counts towards a later change of address too.
            self.identity.strengthen(order)
        if intent == "refund":  # what a refund means depends on where the order is
            if order.status in ("delivered", "shipped", "out_for_delivery"):
                intent = "return"
            elif order.status != "cancelled":
                intent = "cancel"
            else:
                intent = "status"
            state.intent = intent
        if intent in ("status", "orders", "refund_status"):
            turn.log("viewed", order=order.number)
            state.awaiting = None
            state.intent = None
            text = status_text(order, turn.language)
            glue = "" if turn.language == "zh" else " "
            text += "".join(glue + status_text(other, turn.language) for other in also[:2])
            if others:
                listing = orders_text(others[:3], turn.language)
                text += turn.say("other_orders", orders=listing)
            return turn.reply(text, SOURCES["status"])
        if intent == "billing":
            return self.changes.billing(order)
        if intent == "cancel":
            return self.changes.cancel(order)
        if intent == "change_address":
            return self.changes.change_address(order)
        if intent == "return":
            return self.changes.return_items(order)
        if intent == "exchange":
            return self.changes.exchange(order)
        raise ValueError(f"no step of the order flow for the request {intent!r}")
