"""The requests themselves: billing questions, and changes proposed, confirmed and carried
out only as the policy allows."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, cast

from bot.orders.finding import OrderFinder
from bot.orders.identity import IdentityCheck
from bot.orders.intents import takes_the_offer
from bot.orders.policy import A_PERSON_MAY_DECIDE, SOURCES, Decision
from bot.orders.references import country_of
from bot.orders.replies import day, decision_text, items_text, money, variants_text
from bot.orders.state import PendingChange
from bot.orders.system import Address, Order, RefundMethod
from bot.orders.turn import OrderReply, OrderTurn
from bot.reasons import Reason, ReasonCode


class OrderChanges:
    """Answers billing questions; proposes, and after a yes carries out, order changes."""

    def __init__(self, turn: OrderTurn, finder: OrderFinder, identity: IdentityCheck) -> None:
        self.turn = turn
        self.finder = finder
        self.identity = identity

    def billing(self, order: Order) -> OrderReply:
        turn = self.turn
        turn.log("viewed", order=order.number, action="billing")
        turn.state.forget_request()
        payments = [p for p in order.payments if p.status in ("authorized", "captured")]
        captured = [p for p in payments if p.status == "captured"]
        authorized = [p for p in payments if p.status == "authorized"]
        sources = SOURCES["billing"]
        if captured and authorized:
            oldest = min(p.created_at for p in authorized)
            age_days = (turn.policy.clock() - oldest).days
            amounts = ", ".join(money(p.amount, order.currency) for p in payments)
            if age_days > 7:  # more than 5 business days: the billing team refunds it
                turn.state.order = order.number
                turn.state.intent = "billing"
                return turn.hand_off(
                    "escalated",
                    Reason(
                        ReasonCode.DUPLICATE_CHARGE, {"order": order.number, "amounts": amounts}
                    ),
                    lead=turn.say("billing_escalate", order=order.number, amounts=amounts),
                    sources=sources,
                )
            text = turn.say(
                "billing_authorization",
                order=order.number,
                captured=money(captured[0].amount, order.currency),
                authorized=money(authorized[0].amount, order.currency),
                when=day(oldest, turn.language),
            )
            return turn.reply(text, sources)
        payment = payments[0] if payments else None
        amount = money(payment.amount if payment else order.total, order.currency)
        label = f"card ending {payment.last4}" if payment and payment.last4 else "payment method"
        if turn.language == "zh":
            label = f"尾号 {payment.last4} 的银行卡" if payment and payment.last4 else "支付方式"
        text = turn.say("billing_single", order=order.number, amount=amount, payment=label)
        return turn.reply(text, sources)

    def change_address(self, order: Order) -> OrderReply:
        turn = self.turn
        given = turn.state.address
        precheck = turn.policy.change_address(order, order.address)
        if not precheck.allowed and "address_other_country" not in precheck.reasons:
            return self.decide(order, precheck)
        if given is not None:  # a change the policy refuses anyway needs no more proof
            decision = turn.policy.change_address(order, _addressed_to(given, order))
            if not decision.allowed:
                return self.decide(order, decision, address=given)
        missing = self.identity.missing_for(order)
        if missing:  # goods going somewhere new: the strongest proof the store has
            turn.state.awaiting = "proof"
            turn.log("proof_asked", order=order.number, missing=missing)
            return turn.reply(self._ask_proof(missing, order), SOURCES["change_address"])
        if given is None:
            turn.state.awaiting = "address"
            return turn.reply(turn.say("ask_address"), SOURCES["change_address"])
        new = _addressed_to(given, order)
        return self.decide(order, turn.policy.change_address(order, new), address=given)

    def proof_still_needed(self) -> OrderReply:
        """The shopper presses on without the proof: the change still waits for it."""
        turn = self.turn
        order = turn.system.get_order(turn.state.order or "")
        if order is None:
            turn.state.forget_request()
            return turn.reply(turn.say("ask_what"))
        missing = self.identity.missing_for(order) or ["postcode"]
        text = turn.say("proof_still_needed", order=order.number) + self._ask_proof(missing, order)
        return turn.reply(text, SOURCES["change_address"])

    def _ask_proof(self, missing: list[str], order: Order) -> str:
        names = {
            "en": {"email": "the e-mail address on the order", "order": "the order number",
                   "postcode": "the postcode it is being delivered to now"},
            "zh": {"email": "下单时用的邮箱", "order": "订单号", "postcode": "目前收货地址的邮编"},
        }[("zh" if self.turn.language == "zh" else "en")]  # fmt: skip
        wanted = [names[m] for m in missing]
        if self.turn.language == "zh":
            listing = "、".join(wanted)
        else:
            listing = ", ".join(wanted[:-1]) + (" and " if len(wanted) > 1 else "") + wanted[-1]
        return self.turn.say("ask_proof", what=listing, order=order.number)

    def cancel(self, order: Order) -> OrderReply:
        """Cancel the whole order; a cancellation of only some of its items goes to a person
        (an order is only ever cancelled whole: cancelling it all was not asked for)."""
        decision = self.turn.policy.cancel(order)
        if decision.allowed:
            kept = self.finder.partial_cancel(order)
            if kept:
                facts = dict(decision.facts)
                facts["items"] = items_text(order.items, self.turn.language)
                facts["kept"] = [item.line_id for item in kept]
                reasons = ("partial_cancel",)
                decision = Decision("cancel", False, reasons, facts=facts, escalate=True)
        return self.decide(order, decision)

    def return_items(self, order: Order) -> OrderReply:
        turn = self.turn
        picked = self.finder.pick_items(order, single=False)
        if isinstance(picked, OrderReply):
            return picked
        turn.state.lines = [item.line_id for item in picked]
        customer = turn.system.get_customer(turn.state.customer or "")
        assert customer is not None
        method = turn.state.refund or "original_payment"
        return self.decide(order, turn.policy.return_items(order, customer, picked, method))

    def exchange(self, order: Order) -> OrderReply:
        turn = self.turn
        picked = self.finder.pick_items(order, single=True)
        if isinstance(picked, OrderReply):
            return picked
        item = picked[0]
        turn.state.lines = [item.line_id]
        variants = turn.system.variants(item.product_id)
        wanted = self.finder.wanted_variant(item, variants)
        decision = turn.policy.exchange(order, item, wanted, variants)
        choices = [v for v in variants if v.in_stock and v.sku != item.sku]
        offered_one = turn.state.awaiting == "variant" and len(choices) == 1
        unknown = decision.reasons == ("variant_unknown",)
        if (
            offered_one
            and (unknown or not decision.allowed)
            and (
                turn.said.yes or (takes_the_offer(turn.text) and not self.finder.names_any_option())
            )
        ):  # "好的", "hmm ok, the pink one then": the one variant there is to exchange for
            wanted = choices[0]
            decision = turn.policy.exchange(order, item, wanted, variants)
        if decision.reasons == ("variant_unknown",):
            turn.state.awaiting = "variant"
            # The nearest first (same color, other sizes; same size, other colors), a few only.
            choices.sort(
                key=lambda v: -sum(v.options.get(k) == value for k, value in item.options.items())
            )
            listing = variants_text(choices[:8], order.currency, turn.language)
            return turn.reply(turn.say("which_variant", variants=listing), SOURCES["exchange"])
        if wanted is not None:
            turn.state.sku = wanted.sku
        return self.decide(order, decision)

    def decide(
        self, order: Order, decision: Decision, address: Address | None = None
    ) -> OrderReply:
        """Propose an allowed change, or explain a refusal (with alternatives or a human)."""
        turn = self.turn
        state = turn.state
        explained = decision_text(decision, order, turn.language)
        if decision.allowed:
            state.pending = PendingChange(
                action=decision.action,
                order=order.number,
                lines=state.lines,
                sku=state.sku,
                address=address or state.address,
                refund=state.refund or "original_payment",
                kept=state.kept,
            )
            state.awaiting = "confirm"
            turn.log(
                "proposed", order=order.number, action=decision.action, decision=decision.summary()
            )
            head = self.proposal(decision, order)
            glue = "" if turn.language == "zh" else " "
            return turn.reply(
                head + glue + explained + turn.say("confirm_question"), decision.sources
            )
        turn.log("refused", order=order.number, action=decision.action, decision=decision.summary())
        if decision.escalate:
            outside = {
                "action": decision.action,
                "order": order.number,
                "policy_reasons": ", ".join(decision.reasons),
            }
            reason = Reason(ReasonCode.OUTSIDE_ORDER_POLICY, outside)
            reply = turn.hand_off("escalated", reason, lead=explained, sources=decision.sources)
            reply.case["decision"] = decision.summary()
            return reply
        if decision.reasons == ("refund_elsewhere",):  # the return goes on once they choose
            state.refund = None
            state.awaiting = "refund_method"
            return turn.reply(explained, decision.sources)
        if decision.reasons == ("variant_out_of_stock",):
            state.awaiting = "variant"
            state.sku = None
            more = (
                turn.say(
                    "alternatives",
                    variants=variants_text(decision.alternatives, order.currency, turn.language),
                )
                if decision.alternatives
                else turn.say("no_alternatives")
            )
            return turn.reply(explained + more, decision.sources)
        if set(decision.reasons) & A_PERSON_MAY_DECIDE:
            # Outside the policy, but a person may make an exception: offered, not imposed.
            state.awaiting = "person"
            state.order = order.number
            state.refused = decision.summary()
            return turn.reply(explained + turn.say("offer_person"), decision.sources)
        state.forget_request()
        state.order = order.number  # follow-up questions are about the same order
        return turn.reply(explained, decision.sources)

    def to_person(self) -> OrderReply:
        """The shopper took the person offered for a refused request: the case goes along."""
        turn = self.turn
        refused = turn.state.refused or {}
        outside = {
            "action": refused.get("action") or turn.state.intent or "",
            "order": turn.state.order or "",
            "policy_reasons": ", ".join(refused.get("reasons") or []),
        }
        reply = turn.hand_off("escalated", Reason(ReasonCode.OUTSIDE_ORDER_POLICY, outside))
        reply.case["decision"] = refused
        return reply

    def proposal(self, decision: Decision, order: Order) -> str:
        """The change described exactly, for the shopper to say yes to."""
        say, language = self.turn.say, self.turn.language
        facts = decision.facts
        if decision.action == "cancel":
            return say(
                "confirm_cancel", order=order.number, items=items_text(order.items, language)
            )
        if decision.action == "change_address":
            return say(
                "confirm_address",
                order=order.number,
                old_address=facts["old_address"],
                new_address=facts["new_address"],
            )
        if decision.action == "return":  # what it changes, and what it leaves as it is
            chosen = [item for item in order.items if item.line_id in facts["lines"]]
            left = [i for i in order.items if i not in chosen and i.status == "ordered"]
            text = say(
                "confirm_return",
                order=order.number,
                items=items_text(chosen, language),
                amount=money(facts["amount"], order.currency),
            )
            if left:
                text += say("confirm_not_returned", kept=items_text(left, language))
            return text
        return say(
            "confirm_exchange", order=order.number, item=facts["item"], wanted=facts["wanted"]
        )

    def present_again(self, pending: PendingChange) -> OrderReply:
        """The proposal described again, checked on the order as it is now."""
        order = self.turn.system.get_order(pending.order)
        if order is None or order.customer_id != self.turn.state.customer:
            self.turn.state.forget_request()
            return self.turn.reply(self.turn.say("declined", order=pending.order))
        self.turn.log("asked_again", order=order.number, action=pending.action)
        return self.decide(order, self.recheck(order, pending), address=pending.address)

    def carry_out(self) -> OrderReply:
        """The shopper said yes: check the proposal again, then make the change."""
        turn = self.turn
        state, system = turn.state, turn.system
        pending = state.pending
        order = system.get_order(pending.order) if pending else None
        if pending is None or order is None or order.customer_id != state.customer:
            state.forget_request()
            return turn.reply(turn.say("declined", order=pending.order if pending else ""))
        decision = self.recheck(order, pending)
        if not decision.allowed:
            state.order = order.number
            changed = {
                "action": pending.action,
                "order": order.number,
                "policy_reasons": ", ".join(decision.reasons),
            }
            reason = Reason(ReasonCode.ORDER_CHANGED_MEANWHILE, changed)
            return turn.hand_off("changed_meanwhile", reason, order=order.number)
        action = pending.action
        lines = pending.lines or []
        before = _order_state(order)
        if action == "cancel":
            after = system.cancel_order(order.number, reason="shopper asked in chat")
            text = turn.say("done_cancel", order=order.number)
        elif action == "change_address":
            assert pending.address is not None
            new = _addressed_to(pending.address, order)
            after = system.change_address(order.number, new)
            text = turn.say("done_address", order=order.number, new_address=new.one_line())
        elif action == "return":
            refund = cast(RefundMethod, pending.refund)  # rechecked: the policy allows it
            after = system.return_items(order.number, lines, refund, reason="shopper asked in chat")
            chosen = [item for item in order.items if item.line_id in lines]
            text = turn.say(
                "done_return", order=order.number, items=items_text(chosen, turn.language)
            )
        else:
            after = system.exchange_item(order.number, lines[0], pending.sku or "")
            text = turn.say(
                "done_exchange",
                order=order.number,
                item=decision.facts["item"],
                wanted=decision.facts["wanted"],
            )
        turn.log(
            "executed",
            order=order.number,
            action=action,
            before=before,
            after=_order_state(after),
            decision=decision.summary(),
        )
        state.forget_request()
        state.order = order.number
        return turn.reply(text + turn.say("help_next"), decision.sources)

    def recheck(self, order: Order, pending: PendingChange) -> Decision:
        """The same policy check again, on the order as it is now."""
        policy, system = self.turn.policy, self.turn.system
        action = pending.action
        if action == "cancel":
            return policy.cancel(order)
        if action == "change_address":
            assert pending.address is not None
            return policy.change_address(order, _addressed_to(pending.address, order))
        items = [item for item in order.items if item.line_id in (pending.lines or [])]
        if action == "return":
            customer = system.get_customer(order.customer_id)
            assert customer is not None
            return policy.return_items(order, customer, items, pending.refund)
        item = items[0]
        variants = system.variants(item.product_id)
        wanted = next((v for v in variants if v.sku == pending.sku), None)
        return policy.exchange(order, item, wanted, variants)


def _addressed_to(address: Address, order: Order) -> Address:
    """The new address, to the order's addressee unless the shopper named someone, in the
    country its postcode belongs to (else the order's): a postcode of the same shape as the
    order's is taken for the order's country (Taipei's 106088 is not China's)."""
    same_shape = _shape(address.postcode) == _shape(order.address.postcode) != ""
    guessed = order.address.country if same_shape else country_of(address)
    country = address.country or guessed or order.address.country
    return replace(address, name=address.name or order.address.name, country=country)


def _shape(postcode: str) -> str:
    """A postcode's pattern: "B13 8HW" -> "A99 9AA", "106088" -> "999999"."""
    return re.sub(r"[A-Za-z]", "A", re.sub(r"\d", "9", postcode.strip().upper()))


def _order_state(order: Order) -> dict[str, Any]:
    return {
        "status": order.status,
        "address": order.address.one_line(),
        "items": {i.line_id: [i.status, i.exchanges, i.exchange_sku] for i in order.items},
    }
