"""The path a store's own model takes (any model but the bundled 135M), end to end on the CPU
with the bundled 0.5B instruct model: it writes the whole reply from the passages, in English
and in Chinese, and the output checks withhold a figure the passages do not hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import ShopBot
from bot.fakes import SimpleHit, StaticKnowledge
from bot.language import CJK
from tests.bot.facts import RETURN_WINDOW
from tests.conftest import make_settings

pytestmark = [pytest.mark.slow, pytest.mark.integration]

FACTS = [
    *RETURN_WINDOW,
    SimpleHit(
        "policy:returns_zh.md#window",
        "policy",
        "退货 > 退货期限",
        "大部分商品可在签收后30天内申请退货，并获得全额退款。",
        metadata={"path": "returns_zh.md", "heading": "退货 > 退货期限"},
    ),
]


@pytest.fixture
def bot(instruct_backend: object, tmp_path: Path) -> ShopBot:
    settings = make_settings(
        tmp_path / "home", model="bundled:qwen2.5-0.5b", engine={"max_tokens": 60}
    )
    return ShopBot(settings, backend=instruct_backend, knowledge=StaticKnowledge(FACTS))  # type: ignore[arg-type]


def test_the_model_writes_the_whole_answer_in_english(bot: ShopBot) -> None:
    assert not bot.parts.answers.grounded_lead
    turn = bot.chat("How many days do I have to return an item?", session="en")
    assert "30" in turn.reply and not turn.escalated
    assert turn.sources[0]["path"] == "returns.md"
    assert turn.usage["completion_tokens"] > 5  # written by the model, not stated from data
    assert not turn.withheld


def test_the_model_answers_in_chinese_with_sources(bot: ShopBot) -> None:
    # StaticKnowledge matches whole words: "退货期限" is the passage's heading.
    turn = bot.chat("退货期限，多少天？", session="zh")
    assert "30" in turn.reply and turn.language == "zh"
    assert len(CJK.findall(turn.reply)) > len(turn.reply) / 3, turn.reply
    assert {s["path"] for s in turn.sources} >= {"returns_zh.md"}
    assert turn.usage["completion_tokens"] > 5


def test_a_planted_unsupported_figure_is_withheld(bot: ShopBot) -> None:
    # The store's earlier reply (not a fact the passages hold) plants "90 days"; the model
    # repeats it, and the fact check withholds that sentence.
    messages = [
        {"role": "user", "content": "How long do I have to send a return back?"},
        {"role": "assistant", "content": "You have 90 days to return any item."},
        {"role": "user", "content": "Sorry, how many days was it again?"},
    ]
    turn = bot.answer(messages)
    assert "90" not in turn.reply
    assert any("90" in w["reason"] and w["check"] == "grounding" for w in turn.withheld), (
        turn.withheld,
        turn.reply,
    )
