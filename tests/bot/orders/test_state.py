"""The order conversation's state reads what earlier versions stored and writes it back
unchanged (it lives in the conversation database between messages)."""

from __future__ import annotations

from bot.orders.state import GivenIdentity, OrderState, PendingChange
from bot.orders.system import Address

# As stored by the dict-based order turn (commit 131091e) while a return waited for a yes.
STORED = {
    "language": "en",
    "customer": "C-1001",
    "failed": 0,
    "intent": "change_address",
    "request": "Please ship order NW-104301 to 12 Oak Street, Springfield, IL 62704",
    "order": "NW-104301",
    "address": {
        "name": "",
        "line1": "12 Oak Street",
        "city": "Springfield",
        "postcode": "62704",
        "country": "US",
        "line2": "",
        "region": "IL",
    },
    "awaiting": "confirm",
    "pending": {
        "action": "change_address",
        "order": "NW-104301",
        "lines": None,
        "sku": None,
        "address": {
            "name": "",
            "line1": "12 Oak Street",
            "city": "Springfield",
            "postcode": "62704",
            "country": "US",
            "line2": "",
            "region": "IL",
        },
        "refund": "original_payment",
    },
}


def test_a_stored_state_loads_typed_and_is_written_back_the_same() -> None:
    state = OrderState.from_json(STORED)
    assert state.customer == "C-1001" and state.awaiting == "confirm"
    assert isinstance(state.address, Address) and state.address.city == "Springfield"
    assert isinstance(state.pending, PendingChange) and state.pending.action == "change_address"
    assert state.to_json() == STORED


def test_identity_details_and_unknown_keys_survive() -> None:
    stored = {"identity": {"email": "emma@example.com", "order": "NW-104301"}, "later": [1]}
    state = OrderState.from_json(stored)
    assert state.identity == GivenIdentity(email="emma@example.com", order="NW-104301")
    assert state.identity.given() == ["email", "order"]
    assert state.to_json() == stored
    assert OrderState.from_json({"identity": {}}).to_json() == {"identity": {}}


def test_no_state_and_a_forgotten_request() -> None:
    assert OrderState.from_json(None).to_json() == {}
    state = OrderState.from_json(STORED)
    state.forget_request()
    assert state.to_json() == {"language": "en", "customer": "C-1001", "failed": 0}


def test_a_failed_check_is_remembered_with_its_details() -> None:
    stored = {"identity": {"name": "赵磊", "postcodes": ["95041"], "checked": True}, "failed": 1}
    state = OrderState.from_json(stored)
    assert state.identity is not None and state.identity.checked
    assert state.to_json() == stored
