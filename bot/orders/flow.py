"""The order conversation's steps for one message: which question it answers, identity first,
then the order, then the request itself."""

from __future__ import annotations

import re

from bot.orders.changes import OrderChanges
from bot.orders.finding import BIGGER, SMALLER, OrderFinder
from bot.orders.identity import IdentityCheck, remember_identity
from bot.orders.intents import POSTCODE_HINT, starts_order_request
from bot.orders.policy import SOURCES
from bot.orders.replies import orders_text, status_text
from bot.orders.turn import OrderReply, OrderTurn

_ORIGINAL_METHOD = re.compile(
    r"original|same (card|way|method|account)|\bmy card\b|\bcard\b|paypal|原|卡", re.I
)


class OrderFlow:
    """Works one message through the order conversation, with its steps as parts."""

    def __init__(self, turn: OrderTurn) -> None:
        self.turn = turn
        self.identity = IdentityCheck(turn)
        self.finder = OrderFinder(turn)
        self.changes = OrderChanges(turn, self.finder)

    def run(self) -> OrderReply | None:
        """The reply, or None when the message is not about orders (the knowledge answers)."""
        turn = self.turn
        state, said = turn.state, turn.said
        awaiting = state.awaiting
        starts = starts_order_request(turn.text, said)
        if awaiting == "confirm":
            if said.yes:
                return self.changes.carry_out()
            pending = state.pending
            order, action = (pending.order, pending.action) if pending else (None, None)
            if said.no:
                turn.log("declined", order=order, action=action)
                state.forget_request()
                return turn.reply(turn.say("declined", order=order or ""))
            turn.log("abandoned", order=order, action=action)
            state.forget_request()
            if not starts:
                return None
            awaiting = None
        elif awaiting and not starts and not self.answers(awaiting):
            state.forget_request()  # the shopper moved on: answer them from the knowledge
            self.keep_identity()
            return None
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
            state.intent = "status" if said.intents or said.order_numbers else "identify"
        if said.store_credit:
            state.refund = "store_credit"
        elif said.other_refund:
            state.refund = "elsewhere"
        if said.address is not None:
            state.address = said.address
        if not state.customer:
            answer = self.identity.identify()
            if answer is not None:
                return answer
        return self.proceed()

    def keep_identity(self) -> None:
        """Details given in passing ("... my email is x") still count for a later request;
        a bare five-digit number ("do you ship to 94110?") is not taken for their postcode."""
        turn = self.turn
        if turn.state.customer:
            return
        said = turn.said
        if said.postcode and not POSTCODE_HINT.search(turn.text):
            said.postcode = None
        if said.email or said.postcode or said.name:
            remember_identity(turn.state, said)

    def answers(self, awaiting: str) -> bool:
        """Whether the message answers what the bot asked for."""
        said, text = self.turn.said, self.turn.text
        if awaiting == "identity":
            return bool(said.email or said.name or said.postcode or said.order_numbers)
        if awaiting == "order":
            return bool(said.order_numbers) or self.finder.names_any_item()
        if awaiting == "address":
            return said.address is not None
        if awaiting == "refund_method":
            return said.store_credit or bool(_ORIGINAL_METHOD.search(text))
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
        if turn.said.order_numbers:
            state.order = turn.said.order_numbers[0]
        number = state.order
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
        else:
            picked = self.finder.pick_order(intent, system.list_orders(customer_id))
            if isinstance(picked, OrderReply):
                return picked
            order = picked
        state.order = order.number
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
            return turn.reply(status_text(order, turn.language), SOURCES["status"])
        if intent == "billing":
            return self.changes.billing(order)
        if intent == "cancel":
            return self.changes.decide(order, turn.policy.cancel(order))
        if intent == "change_address":
            return self.changes.change_address(order)
        if intent == "return":
            return self.changes.return_items(order)
        return self.changes.exchange(order)
