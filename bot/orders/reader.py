"""A capable model may read the shopper's message into a structured request (vLLM's structured
outputs: the reply is JSON of `SCHEMA`); the rules of `bot.orders.intents` stay in charge.

What the model may add is what the rules missed, and only what the message itself says: an
order number, e-mail, postcode, name or street must appear in the message word for word (the
model points at text, it never supplies it); it may name the request when the rules found
none, and it may hear a "no". It can never make a "yes": a change is carried out only after a
plain yes the rules recognise. The order system and the policy decide everything else. The
bundled 135M model is not asked (`orders.model_reader = "auto"`).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from bot.backends.base import ChatBackend, GenerationRequest
from bot.orders.intents import Said
from bot.orders.script import fold
from bot.orders.system import Address

log = logging.getLogger(__name__)
INTENTS = (
    "status", "cancel", "change_address", "return", "exchange", "refund", "refund_status",
    "billing", "none",
)  # fmt: skip
_TEXT = {"type": "string", "maxLength": 120}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "intent": {"enum": list(INTENTS)},
        "order_number": _TEXT,
        "email": _TEXT,
        "postcode": _TEXT,
        "full_name": _TEXT,
        "new_address": {
            "type": "object",
            "properties": {k: _TEXT for k in ("line1", "line2", "city", "region", "postcode")},
            "required": ["line1"],
            "additionalProperties": False,
        },
        "declines": {"type": "boolean"},
    },
    "required": ["intent", "declines"],
    "additionalProperties": False,
}
INSTRUCTIONS = (
    "Read the customer's message into JSON. intent: what they want done with an order of "
    "theirs (none when they only ask a general question or give details). Copy order numbers, "
    "e-mail, postcode, full name and a new shipping address exactly as the message writes "
    "them; leave a field out when the message does not say it. declines: true when they say "
    "no or take a request back."
)


@dataclass
class ModelRead:
    intent: str = "none"
    order_number: str = ""
    email: str = ""
    postcode: str = ""
    full_name: str = ""
    new_address: dict[str, str] = field(default_factory=dict)
    declines: bool = False


async def read_request(backend: ChatBackend, text: str) -> ModelRead | None:
    """The model's reading of one message, or None when it gives nothing usable."""
    request = GenerationRequest(
        messages=[
            {"role": "system", "content": INSTRUCTIONS},
            {"role": "user", "content": text[:2000]},
        ],
        max_tokens=200,
        temperature=0.0,
        json_schema=SCHEMA,
    )
    try:
        reply = "".join([chunk.text async for chunk in backend.stream(request)])
        data = json.loads(reply)
    except Exception as exc:  # a model misbehaving is handled: the rules read on alone
        log.warning("The model could not read the order request: %s", exc)
        return None
    if not isinstance(data, dict):
        return None
    address = data.get("new_address") if isinstance(data.get("new_address"), dict) else {}
    return ModelRead(
        intent=str(data["intent"]) if data.get("intent") in INTENTS else "none",
        order_number=str(data.get("order_number") or ""),
        email=str(data.get("email") or ""),
        postcode=str(data.get("postcode") or ""),
        full_name=str(data.get("full_name") or ""),
        new_address={k: str(v) for k, v in (address or {}).items() if v},
        declines=bool(data.get("declines")),
    )


def _written(value: str, text: str) -> bool:
    return bool(value.strip()) and fold(" ".join(value.split())) in fold(" ".join(text.split()))


def apply(said: Said, read: ModelRead, text: str) -> Said:
    """``said`` with what the model read and the rules missed (only what the text says)."""
    if not said.intents and read.intent != "none":
        said.intents = [read.intent]
    if _written(read.order_number, text) and read.order_number not in said.order_numbers:
        said.order_numbers.append(read.order_number.strip())
    if not said.email and _written(read.email, text) and "@" in read.email:
        said.email = read.email.strip().lower()
    if _written(read.postcode, text) and read.postcode.upper() not in said.postcodes:
        said.postcodes.append(read.postcode.strip().upper())
        said.postcode = said.postcode or said.postcodes[-1]
    if _written(read.full_name, text) and read.full_name not in said.names:
        said.names.insert(0, read.full_name.strip())
    address = read.new_address
    if said.address is None and all(_written(v, text) for v in address.values()) and address:
        said.address = Address(
            name="",
            line1=address.get("line1", ""),
            line2=address.get("line2", ""),
            city=address.get("city", ""),
            postcode=address.get("postcode", ""),
            country="",
            region=address.get("region", ""),
        )
    if read.declines and not said.yes:
        said.no = True  # hearing a "no" is safe; a "yes" comes from the rules only
    return said
