"""The requests themselves: billing questions, and changes proposed, confirmed and carried
out only as the policy allows."""

from __future__ import annotations

from typing import Any

from bot.orders.policy import SOURCES, Decision
from bot.orders.replies import day, decision_text, items_text, money, variants_text
from bot.orders.system import Address, Order
from bot.orders.turn import OrderReply, TurnBase


class OrderChanges(TurnBase):
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
        if decision.reasons == ("refund_elsewhere",):  # the return goes on once they choose
            st.pop("refund", None)
            st["awaiting"] = "refund_method"
            return self.reply(explained, decision.sources)
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


def _order_state(order: Order) -> dict[str, Any]:
    return {
        "status": order.status,
        "address": order.address.one_line(),
        "items": {i.line_id: [i.status, i.exchanges, i.exchange_sku] for i in order.items},
    }
