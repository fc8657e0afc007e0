"""Where an order conversation stands between messages: who the shopper is, what they asked
for, what the bot is waiting for and the change it proposed.

It is stored with the conversation as JSON, so a restart resumes it; `OrderState.from_json`
reads every state stored so far, `to_json` writes the same shape.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from bot.orders.system import Address


@dataclass
class GivenIdentity:
    """Identity details the shopper gave so far, before they were verified. Lists hold
    candidates (names, postcodes, numbers that may be orders) for the store to check."""

    email: str | None = None
    name: str | None = None
    postcode: str | None = None
    order: str | None = None
    names: list[str] = field(default_factory=list)
    postcodes: list[str] = field(default_factory=list)
    orders: list[str] = field(default_factory=list)  # marked as order numbers
    hints: list[str] = field(default_factory=list)  # bare numbers that may be orders
    checked: bool = False  # checked and failed: a detail given next corrects one of its kind

    def given(self) -> list[str]:
        """Which details were given, sorted (for the audit log: never the values)."""
        kinds = {
            "email": self.email,
            "name": self.name or self.names,
            "postcode": self.postcode or self.postcodes,
            "order": self.order or self.orders or self.hints,
        }
        return sorted(kind for kind, value in kinds.items() if value)

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> GivenIdentity:
        data = data or {}
        return cls(
            email=data.get("email") or None,
            name=data.get("name") or None,
            postcode=data.get("postcode") or None,
            order=data.get("order") or None,
            names=list(data.get("names") or []),
            postcodes=list(data.get("postcodes") or []),
            orders=list(data.get("orders") or []),
            hints=list(data.get("hints") or []),
            checked=bool(data.get("checked")),
        )


@dataclass
class Proof:
    """What the verified shopper has shown to be theirs: the stronger, the more may change
    (an address change needs e-mail, order number and the order's postcode)."""

    email: bool = False
    name: bool = False
    postcodes: list[str] = field(default_factory=list)  # postcodes they gave that fit
    orders: list[str] = field(default_factory=list)  # order numbers they gave that are theirs

    def to_json(self) -> dict[str, Any]:
        return {"email": self.email, "name": self.name, "postcodes": list(self.postcodes),
                "orders": list(self.orders)}  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Proof:
        data = data or {}
        return cls(
            email=bool(data.get("email")),
            name=bool(data.get("name")),
            postcodes=list(data.get("postcodes") or []),
            orders=list(data.get("orders") or []),
        )


@dataclass
class PendingChange:
    """A change described to the shopper and waiting for their explicit yes."""

    action: str  # "cancel", "change_address", "return", "exchange"
    order: str
    lines: list[str] | None = None
    sku: str | None = None
    address: Address | None = None
    refund: str = "original_payment"
    kept: list[str] | None = None  # the order's lines it leaves as they are

    def to_json(self) -> dict[str, Any]:
        kept = {"kept": self.kept} if self.kept is not None else {}
        return kept | {
            "action": self.action,
            "order": self.order,
            "lines": self.lines,
            "sku": self.sku,
            "address": asdict(self.address) if self.address is not None else None,
            "refund": self.refund,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PendingChange:
        return cls(
            action=data.get("action", ""),
            order=data.get("order", ""),
            lines=data.get("lines"),
            sku=data.get("sku"),
            address=_address(data.get("address")),
            refund=data.get("refund") or "original_payment",
            kept=data.get("kept"),
        )


Awaiting = str
"""What the bot asked the shopper for: "identity", "order", "item", "variant", "address",
"refund_method", "proof", "confirm", "reconfirm" (the proposal waits while a question was
answered: a yes describes it again) or "person" (a person offered for a refused request)."""


@dataclass
class OrderState:
    """The order conversation's state (kept in the conversation between messages)."""

    language: str | None = None
    customer: str | None = None  # the verified customer's id
    identity: GivenIdentity | None = None  # details given while not yet verified
    proof: Proof | None = None  # what the verified shopper has shown
    failed: int | None = None  # identity checks failed in a row
    intent: str | None = None  # what the shopper asked for (`bot.orders.intents.Intent`)
    request: str | None = None  # the message that asked (items it names still count)
    order: str | None = None  # the order number it is about
    lines: list[str] | None = None  # the item lines chosen
    kept: list[str] | None = None  # the order's other lines, which the change leaves alone
    sku: str | None = None  # the variant wanted in an exchange
    address: Address | None = None  # the new shipping address given
    refund: str | None = None  # "store_credit", or "elsewhere" when asked for another way
    awaiting: Awaiting | None = None
    pending: PendingChange | None = None
    refused: dict[str, Any] | None = None  # the policy's refusal a person was offered for
    extra: dict[str, Any] = field(default_factory=dict)
    """Keys this version does not know, kept as they were."""

    def forget_request(self) -> None:
        """Drop the request in hand (done, declined or dropped); who the shopper is stays."""
        self.intent = self.request = self.order = self.sku = self.refund = None
        self.lines = self.kept = None
        self.address = None
        self.awaiting = None
        self.pending = None
        self.refused = None

    def forget_details(self) -> None:
        """A new request: the items, variant, address and proposal of the last one go."""
        self.lines = self.kept = None
        self.sku = None
        self.address = None
        self.pending = None
        self.refused = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(self.extra)
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "extra" or value is None:
                continue
            if isinstance(value, Address):
                value = asdict(value)
            elif isinstance(value, GivenIdentity | PendingChange | Proof):
                value = value.to_json()
            data[f.name] = value
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> OrderState:
        data = dict(data or {})
        known = {f.name for f in fields(cls)} - {"extra"}
        state = cls(extra={k: v for k, v in data.items() if k not in known})
        for key in known & set(data):
            setattr(state, key, data[key])
        state.identity = GivenIdentity.from_json(data["identity"]) if "identity" in data else None
        state.proof = Proof.from_json(data["proof"]) if data.get("proof") else None
        state.address = _address(data.get("address"))
        pending = data.get("pending")
        state.pending = PendingChange.from_json(pending) if pending else None
        return state


def _address(data: dict[str, Any] | None) -> Address | None:
    if not data:
        return None
    known = {f.name for f in fields(Address)}
    return Address(**{k: v for k, v in data.items() if k in known})
