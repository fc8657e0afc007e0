"""Who is writing: a shopper is identified by details that must all fit one customer."""

from __future__ import annotations

import re

from bot.orders.intents import Said
from bot.orders.state import GivenIdentity, OrderState
from bot.orders.system import Customer
from bot.orders.turn import OrderReply, OrderTurn
from bot.reasons import Reason, ReasonCode

_LATIN_WORDS = re.compile(r"[A-Za-z][A-Za-z'\-]*")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_NOT_A_NAME = {
    "my",
    "name",
    "is",
    "zip",
    "code",
    "postcode",
    "postal",
    "email",
    "order",
    "and",
    "the",
    "hi",
    "hello",
    "this",
    "it",
    "i'm",
    "im",
    "please",
    "thanks",
    "here",
    "for",
    "from",
    "at",
}


def remember_identity(state: OrderState, said: Said) -> GivenIdentity:
    """Identity details of this message added to those the shopper gave before."""
    given = state.identity or GivenIdentity()
    given.email = said.email or given.email
    given.name = said.name or given.name
    given.postcode = said.postcode or given.postcode
    if said.order_numbers:
        given.order = said.order_numbers[0]
    state.identity = given
    return given


class IdentityCheck:
    """Verifies the shopper before anything about an order is shown or changed."""

    def __init__(self, turn: OrderTurn) -> None:
        self.turn = turn

    def name_in_text(self, postcode: str) -> str | None:
        """A customer's full name written anywhere in the message ("Wang Fang, 94110",
        "this is michael lee", "王芳"), found by asking the store who lives at that postcode."""
        turn = self.turn
        text = f"{turn.text}\n{turn.state.request or ''}"  # named with the request, maybe
        words = [w for w in _LATIN_WORDS.findall(text) if w.lower() not in _NOT_A_NAME]
        candidates = [" ".join(words[i : i + n]) for n in (3, 2) for i in range(len(words))]
        for run in _CJK_RUN.findall(text):
            candidates += [run[i : i + n] for n in (4, 3, 2) for i in range(len(run) - n + 1)]
        names = [c for c in candidates if len(c.split()) >= 2 or _CJK_RUN.fullmatch(c)]
        for candidate in names[:16]:  # a few look-ups at most, whatever the message's length
            if turn.system.find_customer_by_name(candidate, postcode) is not None:
                return candidate
        return None

    def identify(self) -> OrderReply | None:
        """None once the shopper is verified; otherwise the question or refusal to send."""
        turn = self.turn
        state, said, system = turn.state, turn.said, turn.system
        given = remember_identity(state, said)
        if said.order_numbers:
            state.order = said.order_numbers[0]
        if given.postcode and not given.name:
            given.name = self.name_in_text(given.postcode) or None
        alone = not (given.order or given.postcode or given.name)
        if given.email and alone and state.order:
            given.order = state.order  # the order they asked about, e.g. after a failed try
        customer: Customer | None = None
        tried = False
        second = given.order or given.postcode or given.name
        if given.email and second:
            tried = True
            found = system.find_customer_by_email(given.email)
            if found is not None and self.details_match(found, given):
                customer = found
        elif given.order and given.postcode and not given.name:
            # The order number and the postcode it ships to, like a store's order-status page.
            tried = True
            order = system.get_order(given.order)
            found = system.get_customer(order.customer_id) if order is not None else None
            if found is not None and self.details_match(found, given):
                customer = found
        elif given.name and given.postcode:
            tried = True
            found = system.find_customer_by_name(given.name, given.postcode)
            if found is not None and self.details_match(found, given):
                customer = found
        if customer is not None:
            state.customer = customer.id
            state.identity = None
            state.failed = 0
            turn.log("identity_verified", how=given.given())
            first = customer.name.split()[0] if turn.language != "zh" else customer.name
            turn.greeting = turn.say("verified", name=first)
            return None
        state.awaiting = "identity"
        if tried:
            state.failed = (state.failed or 0) + 1
            state.identity = GivenIdentity()  # start again: one of the details was wrong
            turn.log("identity_failed", given=given.given(), attempt=state.failed)
            if state.failed >= turn.settings.identity_attempts:
                state.failed = None
                unverified = Reason(ReasonCode.IDENTITY_NOT_VERIFIED)
                return turn.hand_off("identity_escalate", unverified)
            return turn.reply(turn.say("identity_failed"))
        if given.email:
            return turn.reply(turn.say("ask_second_factor"))
        if given.order or given.postcode or given.name:
            return turn.reply(turn.say("ask_email_or_name"))
        return turn.reply(turn.say("ask_identity"))

    def details_match(self, customer: Customer, given: GivenIdentity) -> bool:
        """Every detail the shopper gave fits this customer (one wrong detail fails it all)."""
        system = self.turn.system
        if given.postcode and not same_postcode(given.postcode, customer.postcode):
            return False
        if given.email and given.email.lower() != customer.email.lower():
            return False
        if given.name and not _same_name(given.name, customer.name):
            by_name = system.find_customer_by_name(given.name, customer.postcode)
            if by_name is None or by_name.id != customer.id:  # e.g. the pinyin of 王芳
                return False
        if given.order:
            order = system.get_order(given.order)
            if order is None or order.customer_id != customer.id:
                return False
        return True


def same_postcode(given: str, actual: str) -> bool:
    """ "43215-1234" is 43215; "nw1 6xe" is "NW1 6XE"."""
    a, b = ("".join(p.split()).upper() for p in (given, actual))
    if a[:5].isdigit() and b[:5].isdigit():
        return a[:5] == b[:5]
    return a == b


def _same_name(given: str, actual: str) -> bool:
    def normal(name: str) -> str:
        return " ".join(name.lower().split())

    return normal(given) == normal(actual)
