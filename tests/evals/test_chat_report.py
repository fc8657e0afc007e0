"""`shopbot eval chat`'s report: a turn the engine did not finish in time is counted as such,
so that a low score from an overloaded machine is not read as a bad answer."""

from __future__ import annotations

from bot.reasons import Reason, ReasonCode
from bot.turns import Turn
from evals.chat import record, summarize
from evals.judge import StoreData

STORE = StoreData(products={}, figures={5.0, 7.0})
ITEM = {
    "id": "Q1",
    "question": "How long do refunds take?",
    "language": "en",
    "kind": "policy",
    "expected_facts": ["5-7 business days"],
}


def _turn(reply: str, *reasons: Reason) -> Turn:
    turn = Turn("s", reply, [], {}, bool(reasons))
    turn.reasons = list(reasons)
    return turn


def test_turns_the_engine_did_not_finish_are_counted() -> None:
    failed = _turn(
        "A member of our team will reply here.",
        Reason(ReasonCode.BACKEND_FAILED, {"error": "No complete reply within 60 s"}),
    )
    answered = _turn("Refunds take 5-7 business days.")
    records = [record(ITEM, failed, STORE), record(ITEM, answered, STORE)]
    assert [r["backend_failed"] for r in records] == [True, False]
    assert [r["correct"] for r in records] == [False, True]
    assert summarize(records)["all"]["backend_failed"] == 0.5
