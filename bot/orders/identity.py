"""Who is writing: a shopper is verified by exactly the pairs the README documents, checked
against the store's data, and every other detail they give must fit too.

- The pairs: the e-mail on the account with an order number of theirs, the e-mail with the
  account's postcode, or the full name with the postcode. Nothing else verifies anyone: not an
  e-mail with a name, not a name alone, not an order number alone, not a phone number.
- Candidates, not formats: the order numbers, postcodes and names a message may carry
  (`bot.orders.references`) are asked of the store; a bare number that is no order of theirs
  is ignored, but a detail the shopper gave as such (an order number, a postcode) that does not
  fit fails the check, and after ``orders.identity_attempts`` failures a person takes over.
- What the shopper showed is kept (`Proof`). A change that sends goods or money somewhere new
  (a new shipping address) needs the strongest proof the store has: the e-mail, the order's
  number and the postcode it ships to (where it has one); the bot asks only for what is
  missing.
"""

from __future__ import annotations

import re

from bot.orders.intents import Said, possible_postcodes
from bot.orders.platforms.matching import same_name, same_postcode
from bot.orders.references import short_numbers
from bot.orders.script import fold
from bot.orders.state import GivenIdentity, OrderState, Proof
from bot.orders.system import Customer, Order
from bot.orders.turn import OrderReply, OrderTurn
from bot.reasons import Reason, ReasonCode

_LOOKUPS = 12  # name and postcode look-ups one message may cost the store at most

__all__ = ["IdentityCheck", "remember_identity", "said_identity", "same_postcode"]


def remember_identity(state: OrderState, said: Said) -> GivenIdentity:
    """Identity details of this message added to those the shopper gave before.

    After a failed check, a message that makes a pair of its own is checked on its own; a
    detail given alone corrects the one of its kind ("不对，是95104": the postcode) and is
    checked with the others given before. Names are candidates: the earlier ones stay, after
    the new ones."""
    given = state.identity or GivenIdentity()
    if given.checked and said_identity(said):
        earlier = ([given.name] if given.name else []) + given.names
        names = [n for n in said.names if n] + [n for n in earlier if n not in said.names]
        if _makes_a_pair(said):
            given = GivenIdentity()
        elif said.name or said.names:
            given.name = None  # a candidate now: a name given as such must fit, this may not
        given.checked = False
        if said.postcodes:
            given.postcodes = []
        # Five digits or more may be the order number corrected ("不好意思打错了，是 pw 31849"):
        # the store's data says which, with the earlier number out of the way.
        if said.order_numbers or said.order_hints or any(_may_be_order(p) for p in said.postcodes):
            given.orders, given.hints = [], []
        given.names = names
    given.email = said.email or given.email
    given.name = said.name or given.name
    for target, values in (
        (given.names, said.names),
        (given.postcodes, said.postcodes),
        (given.orders, said.order_numbers),
        (given.hints, said.order_hints),
    ):
        for value in values:
            if value not in target:
                target.append(value)
    given.postcode = given.postcodes[0] if given.postcodes else given.postcode
    given.order = given.orders[0] if given.orders else given.order
    state.identity = given
    return given


def _may_be_order(postcode: str) -> bool:
    return postcode.isdigit() and len(postcode) >= 5


def _makes_a_pair(said: Said) -> bool:
    """Whether one message gives the kinds of details of a pair (they may still not fit)."""
    if said.email:
        return bool(said.postcodes or said.order_numbers or said.order_hints)
    # The number may be an order number corrected ("sorry, wrong number — it's 6323, the two
    # pink skirts"): a pair only with a name written as one, not words beside the number.
    written = said.name or any(re.search(r"[\u3400-\u9fff]", n) or n.istitle() for n in said.names)
    return bool(possible_postcodes(said) and written)


def said_identity(said: Said) -> bool:
    """Whether a message gives any identity detail."""
    return bool(
        said.email
        or said.name
        or said.names
        or said.postcodes
        or said.order_numbers
        or said.order_hints
    )


class IdentityCheck:
    """Verifies the shopper before anything about an order is shown or changed."""

    def __init__(self, turn: OrderTurn) -> None:
        self.turn = turn

    # -- the first check ----------------------------------------------------------------------
    def identify(self) -> OrderReply | None:
        """None once the shopper is verified; otherwise the question or refusal to send."""
        turn = self.turn
        state, said = turn.state, turn.said
        if state.identity is not None and state.identity.checked and not said_identity(said):
            return turn.reply(turn.say("identity_failed"))  # nothing new to check: not counted
        given = remember_identity(state, said)
        if said.order_numbers:
            state.order = said.order_numbers[0]
        alone = not (given.orders or given.hints or given.postcodes or given.names)
        if alone and state.order:
            given.orders.append(state.order)  # the order they asked about, e.g. after a failure
        customer, tried, proof = self._verify(given)
        if customer is not None:
            state.customer = customer.id
            # "<email> 8347 第二件退掉": that order; also when the number asked about before
            # is no order of theirs (a typo the shopper then corrected).
            asked = turn.system.get_order(state.order) if state.order else None
            if proof.orders and (asked is None or asked.customer_id != customer.id):
                state.order = proof.orders[0]
            state.identity = None
            state.failed = 0
            state.proof = proof
            turn.log("identity_verified", how=given.given())
            first = call_name(customer.name) if turn.language != "zh" else customer.name
            turn.greeting = turn.say("verified", name=first)
            return None
        state.awaiting = "identity"
        if tried:
            return self._failed(given)
        if given.email:
            return turn.reply(turn.say("ask_second_factor"))
        if given.orders or given.postcodes or given.names or given.name:
            return turn.reply(turn.say("ask_email_or_name"))
        return turn.reply(turn.say("ask_identity"))

    def _failed(self, given: GivenIdentity) -> OrderReply:
        turn, state = self.turn, self.turn.state
        state.failed = (state.failed or 0) + 1
        given.checked = True  # kept: the next detail given corrects one of its kind
        state.identity = given
        turn.log("identity_failed", given=given.given(), attempt=state.failed)
        if state.failed >= turn.settings.identity_attempts:
            state.failed = None
            state.identity = None
            unverified = Reason(ReasonCode.IDENTITY_NOT_VERIFIED)
            return turn.hand_off("identity_escalate", unverified)
        return turn.reply(turn.say("identity_failed"))

    def _verify(self, given: GivenIdentity) -> tuple[Customer | None, bool, Proof]:
        """(the customer every given detail fits, whether a pair was tried, what was shown)."""
        system = self.turn.system
        if given.email:
            has_pair = bool(
                given.orders or given.postcodes or self._their_numbers(given.hints, None)
            )
            if not has_pair and not given.hints:
                return None, False, Proof()
            found = system.find_customer_by_email(given.email)
            if found is None:
                return None, has_pair, Proof()
            proof = Proof(email=True)
            pair = self._fits(found, given, proof)
            if pair is None:  # a detail given as such does not fit
                return None, True, Proof()
            if pair:
                return found, True, proof
            return None, has_pair, Proof()
        names = ([given.name] if given.name else []) + given.names
        # "Daniel Kowalczyk 3010": four bare digits beside a name may be the postcode of
        # Australia, New Zealand, Denmark...; the store's data says whether they are.
        short = short_numbers(given.hints) if names else []
        postcodes = given.postcodes + [h for h in short if h not in given.postcodes]
        if not postcodes:
            return None, False, Proof()
        lookups = 0
        for postcode in postcodes:
            for name in dict.fromkeys(names):
                if lookups >= _LOOKUPS:
                    break
                lookups += 1
                found = system.find_customer_by_name(name, postcode)
                if found is None:
                    continue
                proof = Proof(name=True, postcodes=[postcode])
                if self._fits(found, given, proof) is not None:
                    return found, True, proof
                return None, True, Proof()
        if not given.name and self._their_numbers(postcodes, None):
            # "return the lipsticks from 46128": the number is an order, not a postcode, and
            # the words around it were no name: who they are is still to be asked.
            return None, False, Proof()
        return None, bool(given.name or given.names), Proof()

    def _their_numbers(self, numbers: list[str], customer: Customer | None) -> list[Order]:
        """Numbers that are orders of this customer (of anyone's, without a customer)."""
        found = []
        for number in numbers:
            if not re.fullmatch(r"\d+(?:-\d+)?", number):  # 46128, 2026-0455
                continue
            order = self.turn.system.get_order(number)
            if order is not None and (customer is None or order.customer_id == customer.id):
                found.append(order)
        return found

    def _fits(self, customer: Customer, given: GivenIdentity, proof: Proof) -> bool | None:
        """Whether the details make a pair for this customer (False: no pair yet), or None when
        one given as such does not fit (one wrong detail fails it all)."""
        system = self.turn.system
        pair = proof.name  # the name was looked up with a postcode: a pair already
        if given.postcodes:
            # The account's postcode, or the one the order named with it ships to (an order
            # whose address was changed: "order 4098, postcode <its new one>").
            places = [customer.postcode] + [
                order.address.postcode
                for order in (system.get_order(number) for number in given.orders)
                if order is not None and order.customer_id == customer.id
            ]
            fitting = [p for p in given.postcodes if any(same_postcode(p, w) for w in places)]
            # "grace.kim@example.com 46158": five or six digits are a postcode or an order
            # number; the store's data says which.
            theirs = [o.number for o in self._their_numbers(given.postcodes, customer)]
            if not fitting and not proof.name and not theirs:
                return None  # (with a name, the look-up checked the postcode)
            if fitting or proof.name:
                proof.postcodes = fitting or list(given.postcodes)
            proof.orders += [n for n in theirs if n not in proof.orders]
            pair = True
        for number in given.orders:
            order = system.get_order(number)
            if order is None or order.customer_id != customer.id:
                return None
            proof.orders.append(order.number)
            pair = True
        for order in self._their_numbers(given.hints, customer):
            if order.number not in proof.orders:
                proof.orders.append(order.number)
            pair = True
        if given.email and any(same_postcode(h, customer.postcode) for h in given.hints):
            proof.postcodes.append(customer.postcode)  # "..., 2200:": a bare postcode
            pair = True
        if given.email and fold(given.email) != fold(customer.email):
            return None
        if given.name and not same_name(given.name, customer.name):
            by_name = system.find_customer_by_name(given.name, customer.postcode)
            if by_name is None or by_name.id != customer.id:  # e.g. the pinyin of 王芳
                return None
        return pair

    # -- more proof for changes that send goods somewhere new ---------------------------------
    def missing_for(self, order: Order) -> list[str]:
        """What the verified shopper has yet to show before this order may go somewhere new:
        some of "email", "order", "postcode" (the strongest proof the store has)."""
        state = self.turn.state
        self.strengthen(order)
        proof = state.proof or Proof()
        missing = []
        if not proof.email:
            missing.append("email")
        if order.number not in proof.orders:
            missing.append("order")
        where = order.address.postcode.strip()
        if where and not any(same_postcode(p, where) for p in proof.postcodes):
            missing.append("postcode")
        return missing

    def strengthen(self, order: Order) -> bool:
        """Add what this message shows to the proof; False when a detail does not fit."""
        turn = self.turn
        state, said, system = turn.state, turn.said, turn.system
        proof = state.proof or Proof()
        customer = system.get_customer(state.customer or "")
        if customer is None:
            return False
        ok = True
        if said.email:
            ok &= fold(said.email) == fold(customer.email)
            proof.email = proof.email or ok
        for number in said.order_numbers + said.order_hints:
            found = system.get_order(number)
            if found is not None and found.customer_id == customer.id:
                if found.number not in proof.orders:
                    proof.orders.append(found.number)
            elif number in said.order_numbers:
                ok = False
        new = said.address.postcode if said.address is not None else ""
        given = [p for p in said.postcodes if not (new and same_postcode(p, new))]  # not proof
        if given:
            fits = [
                p
                for p in given
                if same_postcode(p, order.address.postcode) or same_postcode(p, customer.postcode)
            ]
            ok &= bool(fits)
            proof.postcodes += [p for p in fits if p not in proof.postcodes]
        state.proof = proof
        return ok


# The commonest Vietnamese family names: a Vietnamese is called by the last word of the given
# name ("Võ Thị Thu Thảo" and "Thị Thu Thảo Võ" are both Thảo; never the middle name "Thị").
_VIETNAMESE_FAMILY = frozenset(
    "nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đinh trương "
    "mai cao lâm quách trịnh đoàn lương tạ thái châu".split()
)


def call_name(name: str) -> str:
    """What to call the customer in a greeting: the first word of the name as stored, but the
    given name's last word for a Vietnamese name."""
    words = name.split()
    if len(words) > 1 and words[-1].casefold() in _VIETNAMESE_FAMILY:
        return words[-2]
    if len(words) > 1 and words[0].casefold() in _VIETNAMESE_FAMILY:
        return words[-1]
    return words[0] if words else name
