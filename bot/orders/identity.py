"""Who is writing: a shopper is identified by details that must all fit one customer."""

from __future__ import annotations

import re
from typing import Any

from bot.orders.system import Customer
from bot.orders.turn import OrderReply, TurnBase

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


def remember_identity(st: dict[str, Any], ex: Any) -> dict[str, str]:
    """Identity details of this message added to those the shopper gave before."""
    facts = dict(st.get("identity") or {})
    for key, value in (("email", ex.email), ("name", ex.name), ("postcode", ex.postcode)):
        if value:
            facts[key] = value
    if ex.order_numbers:
        facts["order"] = ex.order_numbers[0]
    st["identity"] = facts
    return facts


class IdentityChecks(TurnBase):
    def name_in_text(self, postcode: str) -> str | None:
        """A customer's full name written anywhere in the message ("Wang Fang, 94110",
        "this is michael lee", "王芳"), found by asking the store who lives at that postcode."""
        text = f"{self.text}\n{self.st.get('request', '')}"  # named with the request, maybe
        words = [w for w in _LATIN_WORDS.findall(text) if w.lower() not in _NOT_A_NAME]
        candidates = [" ".join(words[i : i + n]) for n in (3, 2) for i in range(len(words))]
        for run in _CJK_RUN.findall(text):
            candidates += [run[i : i + n] for n in (4, 3, 2) for i in range(len(run) - n + 1)]
        names = [c for c in candidates if len(c.split()) >= 2 or _CJK_RUN.fullmatch(c)]
        for candidate in names[:16]:  # a few look-ups at most, whatever the message's length
            if self.o.system.find_customer_by_name(candidate, postcode) is not None:
                return candidate
        return None

    def identify(self) -> OrderReply | None:
        """None once the shopper is verified; otherwise the question or refusal to send."""
        st, ex, system = self.st, self.ex, self.o.system
        facts = remember_identity(st, ex)
        if ex.order_numbers:
            st["order"] = ex.order_numbers[0]
        if facts.get("postcode") and not facts.get("name"):
            name = self.name_in_text(facts["postcode"])
            if name:
                facts["name"] = name
        alone = not any(facts.get(k) for k in ("order", "postcode", "name"))
        if facts.get("email") and alone and st.get("order"):
            facts["order"] = st["order"]  # the order they asked about, e.g. after a failed try
        customer: Customer | None = None
        tried = False
        second = facts.get("order") or facts.get("postcode") or facts.get("name")
        if facts.get("email") and second:
            tried = True
            found = system.find_customer_by_email(facts["email"])
            if found is not None and self.factors_match(found, facts):
                customer = found
        elif facts.get("order") and facts.get("postcode") and not facts.get("name"):
            # The order number and the postcode it ships to, like a store's order-status page.
            tried = True
            order = system.get_order(facts["order"])
            found = system.get_customer(order.customer_id) if order is not None else None
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
            st["identity"] = {}  # start again: one of the details was wrong
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


def same_postcode(given: str, actual: str) -> bool:
    """ "43215-1234" is 43215; "nw1 6xe" is "NW1 6XE"."""
    a, b = ("".join(p.split()).upper() for p in (given, actual))
    if a[:5].isdigit() and b[:5].isdigit():
        return a[:5] == b[:5]
    return a == b


def _same_name(given: str, actual: str) -> bool:
    norm = lambda s: " ".join(s.lower().split())  # noqa: E731
    return norm(given) == norm(actual)
