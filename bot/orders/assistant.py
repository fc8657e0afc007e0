"""The order conversation: identify the shopper, find their order, check the policy, confirm,
carry out, or hand to a human with the details filled in.

State lives in the conversation (`bot.orders.state.OrderState`) so a restart resumes it.
Nothing is shown before the shopper is identified, only their own orders are ever looked at,
and a change is carried out only after an explicit yes to a description of exactly that
change, checked against the policy again right before it is made.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Literal

from bot.errors import ChangeRejected, OrderSystemError
from bot.language import CJK
from bot.orders.audit import AuditLog, MemoryAuditLog
from bot.orders.flow import OrderFlow
from bot.orders.intents import DOES_NOT_FIT, extract, starts_order_request
from bot.orders.meaning import Meaning, bundled_meaning
from bot.orders.policy import OrderPolicy
from bot.orders.reader import ModelRead, apply
from bot.orders.references import language_words
from bot.orders.script import plain_text
from bot.orders.state import OrderState
from bot.orders.system import OrderSystem
from bot.orders.turn import OrderReply, OrderTurn
from bot.reasons import Reason, ReasonCode
from bot.settings import OrdersSettings

__all__ = ["OrderAssistant", "OrderReply", "OrderState"]

log = logging.getLogger(__name__)
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_ABOUT_A_PURCHASE = re.compile(
    r"\b(I|we)( have|'ve)? (just )?(bought|ordered|purchased|received|got)\b|\bmy (order|"
    r"purchase|package|parcel|delivery)\b|我(买|订|收到)的|我的(订单|包裹|快递)|我下的单|我在你们(店|这)",
    re.I,
)


# What the flow asks that a verified shopper's next message may answer.
_ANSWERABLE = ("variant", "item", "order", "refund_method", "address")
_PENDING = ("proof", "confirm", "reconfirm")


class OrderAssistant:
    """Handles the shopper's own orders; everything else is left to the knowledge answers."""

    def __init__(
        self,
        system: OrderSystem,
        settings: OrdersSettings,
        audit: AuditLog,
        policy: OrderPolicy | None = None,
        meaning: Meaning | Literal["bundled"] | None = "bundled",
    ) -> None:
        self.system = system
        self.settings = settings
        self.audit = audit
        self.policy = policy or OrderPolicy(settings)
        self.meaning = bundled_meaning() if meaning == "bundled" else meaning
        self.pattern = (
            re.compile(settings.order_number_pattern, re.I)
            if settings.order_number_pattern
            else None
        )

    def handle(
        self,
        text: str,
        state: OrderState | None,
        language: str,
        session: str,
        persist: bool = True,
        read: ModelRead | None = None,
    ) -> OrderReply:
        """The reply to an order message; ``handled`` is False when it is not about an order
        (the conversation's order state may still have changed: store ``state``).

        ``state`` is not changed: the reply carries the new one. With ``persist=False``
        (answers to conversations given as data) nothing is changed and nothing is written to
        the audit log: without stored state no yes can confirm.
        """
        turn = self._turn(text, state, language, session, persist, read)
        return self._run(turn, lambda flow: flow.run())

    def resume_unanswered(
        self,
        text: str,
        state: OrderState | None,
        language: str,
        session: str,
        persist: bool = True,
    ) -> OrderReply | None:
        """A question asked while a proposal waited for its yes ("how long does the refund
        take?") that the knowledge cannot answer: say so and describe the proposal again, its
        yes still needed. None when no proposal waits (the knowledge's own reply stands).

        Offering a person here would let the yes meant for the proposal hand it over."""
        if state is None or state.awaiting != "reconfirm" or state.pending is None:
            return None
        turn = self._turn(text, state, language, session, persist)
        pending = turn.state.pending
        assert pending is not None
        turn.greeting = turn.say("no_detail")
        return self._run(turn, lambda flow: flow.changes.present_again(pending))

    def _turn(
        self,
        text: str,
        state: OrderState | None,
        language: str,
        session: str,
        persist: bool,
        read: ModelRead | None = None,
    ) -> OrderTurn:
        state = OrderState.from_json(state.to_json() if state else None)
        said = extract(text, self.pattern)
        text = plain_text(text)  # 訂單, 幫我取消, 唔要喇: the flow reads one script
        if read is not None:  # what a capable model read, where the rules missed it
            said = apply(said, read, text)
        language = self._language(text, language, state)
        state.language = language
        return OrderTurn(
            text=text,
            said=said,
            state=state,
            language=language,
            session=session,
            system=self.system,
            policy=self.policy,
            settings=self.settings,
            audit=self.audit if persist else MemoryAuditLog(),
            meaning=self.meaning,
        )

    @staticmethod
    def _run(turn: OrderTurn, step: Callable[[OrderFlow], OrderReply | None]) -> OrderReply:
        """One step of the flow; the order system's refusals and failures hand over."""
        try:
            reply = step(OrderFlow(turn))
            return reply or OrderReply("", turn.language, turn.state, handled=False)
        except ChangeRejected as exc:
            log.warning("Order system refused a change in %s: %s", turn.session, exc)
            refused = Reason(ReasonCode.ORDER_CHANGE_REJECTED, {"error": str(exc)})
            return turn.hand_off("changed_meanwhile", refused)
        except OrderSystemError as exc:
            log.warning("Order system failed in %s: %s", turn.session, exc)
            failed = Reason(ReasonCode.ORDER_SYSTEM_FAILED, {"error": str(exc)})
            return turn.hand_off("system_down", failed)

    def takes(self, text: str, state: OrderState | None) -> bool:
        """Whether the message is an order request the order flow answers (nothing changes)."""
        said, text = extract(text, self.pattern), plain_text(text)
        if state is not None and state.awaiting in (*_PENDING, *_ANSWERABLE) and said.no:
            return True  # the answer to the flow's own question ("no, forget it")
        if self._answers_asked(text, state):
            return True
        return starts_order_request(text, said, verified=_in_context(state))

    def _answers_asked(self, text: str, state: OrderState | None) -> bool:
        """Whether a verified shopper's message answers what the flow asked (which order,
        item, colour, refund, address): "Ah, that's a shame. Black then.", mood and all."""
        if state is None or not state.customer or state.awaiting not in _ANSWERABLE:
            return False
        turn = self._turn(text, state, state.language or "en", "", persist=False)
        return OrderFlow(turn).answers(state.awaiting)

    def asks_where(self, text: str, state: OrderState | None) -> bool:
        """Whether the message asks where the shopper's order is ("where's my stuff??", 我那个
        营地灯怎么还没发货啊): a question the order flow answers."""
        said, text = extract(text, self.pattern), plain_text(text)
        if not said.intents or said.intents[0] != "status":
            return False
        return starts_order_request(text, said, verified=_in_context(state))

    def answers_its_question(self, text: str, state: OrderState | None) -> bool:
        """Whether the message is a plain yes or no to what the flow asked ("算了，不取消了" to a
        proposal), or the answer it asked for ("Black then."): the flow's own business,
        whatever the mood scores say."""
        pending = ("confirm", "reconfirm", "proof", "person")
        if state is not None and state.awaiting in _ANSWERABLE:
            if extract(text, self.pattern).no:  # "算了，不换了" while asked which item
                return True
            return self._answers_asked(text, state)
        if state is None or state.awaiting not in (*pending, "identity"):
            return False
        said = extract(text, self.pattern)
        if state.awaiting == "identity":  # "no, forget it" while asked who they are
            return said.no and not (said.email or said.postcodes or said.order_numbers)
        return said.yes or said.no

    def offer_lookup(self, text: str, state: OrderState | None) -> OrderState | None:
        """The knowledge has nothing for a message about the shopper's own purchase ("the
        pump I got last week ..."): the order flow can look it up, so the state that asks who
        they are (None when the message is about no purchase, or they are known already)."""
        if state is not None and state.customer:
            return None
        said, text = extract(text, self.pattern), plain_text(text)
        # "can I exchange the clear lip gloss for the berry one?": a change to something they
        # bought, though the words do not say "my".
        acts = set(said.intents) & {"cancel", "return", "exchange", "change_address"}
        if not (
            _ABOUT_A_PURCHASE.search(text)
            or DOES_NOT_FIT.search(text)
            or said.order_numbers
            or acts
        ):
            return None
        offered = OrderState.from_json(state.to_json() if state else None)
        # What it asks for, if the words say ("... doesn't fit": an exchange), else what is
        # known of the order is shown and the request may follow.
        offered.intent = said.intents[0] if said.intents else "status"
        offered.request = text[:500]
        offered.awaiting = "identity"
        return offered

    @staticmethod
    def _language(text: str, detected: str, state: OrderState) -> str:
        """The shopper's language, kept when a message is only data (an email, a number, a
        name and a postcode: "Hamish MacLeod，IV24AB") or an "ok"."""
        rest = language_words(text)
        if CJK.search(rest):
            return "zh"
        words = [w for w in _LATIN_WORD.findall(rest) if w.lower() not in ("ok", "nw")]
        if words:
            return "en"
        return str(state.language or detected)


def _in_context(state: OrderState | None) -> bool:
    """Verified, or asked who they are for a request: the talk is about their orders."""
    return bool(state and (state.customer or (state.awaiting and state.intent)))
