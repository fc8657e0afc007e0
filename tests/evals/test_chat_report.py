"""`shopbot eval chat`'s report: a turn the engine did not finish in time is counted as such,
so that a low score from an overloaded machine is not read as a bad answer."""

from __future__ import annotations

from pathlib import Path

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


def test_the_model_comparison_judges_as_eval_chat_does(tmp_path: Path) -> None:
    import json

    from bot import ShopBot
    from bot.backends import FakeBackend
    from bot.fakes import StaticKnowledge
    from evals.compare_models import quality
    from tests.bot.test_shopbot import KNOWLEDGE
    from tests.conftest import DATA, make_settings

    lines = (DATA / "eval" / "chat_facts.jsonl").read_text(encoding="utf-8").splitlines()[:2]
    items = [json.loads(line) for line in lines]
    bot = ShopBot(
        make_settings(tmp_path / "home"),
        backend=FakeBackend(lambda r: "It is $49.00 and in stock."),
        knowledge=StaticKnowledge(KNOWLEDGE),
    )
    bot.warm_up()
    try:
        judged = quality(bot, items)
    finally:
        bot.close()
    assert judged["summary"]["all"]["questions"] == 2
    assert [r["id"] for r in judged["replies"]] == [item["id"] for item in items]


def test_a_store_never_ingested_is_refused_with_the_fix(tmp_path: Path) -> None:
    """Without this every reply was "no reliable information" and the report said 0.0."""
    import pytest

    from bot.errors import InputError
    from evals.chat import require_knowledge
    from tests.conftest import make_settings

    with pytest.raises(InputError, match=r"knowledge index is empty.*make ingest.*--store"):
        require_knowledge(make_settings(tmp_path / "home"))
