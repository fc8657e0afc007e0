"""The conversation's state is typed, and every state stored so far still loads."""

from __future__ import annotations

from bot.orders.state import OrderState
from bot.state import ConversationState

# As stored with the dict-based state (commit 131091e): scores, failures, the order part.
STORED = {
    "dissatisfaction": [0.1, 0.35],
    "abusive": False,
    "predicted_csat": 4.21,
    "failed_answers": 1,
    "orders": {"language": "en", "customer": "C1001", "failed": 0},
}


def test_a_stored_state_loads_typed_and_is_written_back_the_same() -> None:
    state = ConversationState.from_json(STORED)
    assert state.dissatisfaction == [0.1, 0.35] and state.failures == 1
    assert isinstance(state.orders, OrderState) and state.orders.customer == "C1001"
    assert state.to_json() == STORED


def test_empty_and_partial_states() -> None:
    assert ConversationState.from_json(None).failures == 0
    assert ConversationState.from_json({}).orders is None
    handed_back = {"failed_answers": 0, "someday": "kept"}
    state = ConversationState.from_json(handed_back)
    assert state.failed_answers == 0 and state.to_json()["someday"] == "kept"
