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


GIFT_WRAPPING = SimpleHit(
    "policy:gifts.md#wrapping",
    "policy",
    "Gifts > Gift wrapping",
    "Gift wrapping is available at checkout for most items.",
    metadata={"path": "gifts.md", "heading": "Gifts > Gift wrapping"},
)


@pytest.fixture
def bot(instruct_backend: object, tmp_path: Path) -> ShopBot:
    settings = make_settings(
        tmp_path / "home", model="bundled:qwen2.5-0.5b", engine={"max_tokens": 60}
    )
    knowledge = StaticKnowledge([*FACTS, GIFT_WRAPPING])
    return ShopBot(settings, backend=instruct_backend, knowledge=knowledge)  # type: ignore[arg-type]


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
    # An earlier reply of the store's side (not a fact the passages hold) plants a price; the
    # model repeats it, and the fact check withholds that sentence.
    messages = [
        {"role": "user", "content": "How much is gift wrapping?"},
        {"role": "assistant", "content": "Gift wrapping costs $7.50 per item."},
        {"role": "user", "content": "Sorry, how much is gift wrapping again?"},
    ]
    turn = bot.answer(messages)
    assert "7.50" not in turn.reply
    assert any("7.5" in w["reason"] and w["check"] == "grounding" for w in turn.withheld), (
        turn.withheld,
        turn.reply,
    )
