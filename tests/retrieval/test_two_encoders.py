"""The default knowledge base: the English encoder on English, the multilingual encoder (USE-m3,
its own collection) wherever the question or the passage is not English."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot import data_rights
from bot.settings import Settings
from retrieval.knowledge import KnowledgeBase
from tests.retrieval.test_translation import chinese_store, english_store

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def _store(tmp_path: Path) -> tuple[Path, Path]:
    """The English pages of the translation tests, a Chinese-only page and one past case."""
    policies = english_store(tmp_path)
    (policies / "tea_zh.md").write_text(
        "# 茶叶说明\n\n## 储存方法\n\n绿茶请密封冷藏，开封后三个月内喝完。\n\n"
        "## 冲泡温度\n\n乌龙茶用95度的水，每泡约一分钟。\n\n## 检测报告\n\n"
        "每批茶叶都经过农药残留检测，报告可在商品页下载。\n",
        encoding="utf-8",
    )
    dialogues = tmp_path / "dialogues.jsonl"
    dialogues.write_text(
        '{"id": "c1", "outcome": {"resolved": true}, "messages": ['
        '{"role": "user", "content": "My kettle stopped heating"}, '
        '{"role": "agent", "content": "We sent a warranty label."}]}\n',
        encoding="utf-8",
    )
    return policies, dialogues


def _heading(hits: list) -> list[str]:  # type: ignore[type-arg]
    return [str(hit.metadata.get("heading", "")) for hit in hits]


def test_each_encoder_answers_where_it_reads_best(tmp_path: Path) -> None:
    policies, dialogues = _store(tmp_path)
    kb = KnowledgeBase(Settings(home=tmp_path / "home"), progress=False)
    assert kb.multilingual is not None
    kb.ingest(policies=policies, dialogues=dialogues)
    assert len(kb.multilingual.keyword) == len(kb.keyword)
    for question, heading in [
        ("信用卡退款要多久？", "How long refunds take"),  # Chinese over English pages
        ("礼品包装多少钱？", "Gift wrapping"),
        ("乌龙茶要用多少度的水？", "冲泡温度"),  # Chinese over Chinese
        ("Do you test the tea for pesticides?", "检测报告"),  # English over a Chinese page
        ("How long does a PayPal refund take?", "How long refunds take"),
    ]:
        hits = kb.search(question, k=3)
        assert any(heading in found for found in _heading(hits)), (question, _heading(hits))
        scores = [hit.score for hit in hits]
        assert scores == sorted(scores, reverse=True)
    # An English question on English pages is the English encoder's alone, as before.
    english_only = KnowledgeBase(
        Settings.model_validate({"home": tmp_path / "home", "retrieval": {"multilingual": ""}}),
        progress=False,
    )
    assert english_only.multilingual is None
    question = "what is refunded when I send something back?"
    assert [h.id for h in kb.search(question, k=3) if kb.keyword.language(h.id) == "en"][:1] == [
        h.id for h in english_only.search(question, k=3)
    ][:1]


def test_a_store_ingested_before_reads_chinese_by_dictionary_until_ingested_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    policies, _ = _store(tmp_path)
    home = tmp_path / "home"
    before = KnowledgeBase(
        Settings.model_validate({"home": home, "retrieval": {"multilingual": ""}}), progress=False
    )
    before.ingest(policies=policies)
    kb = KnowledgeBase(Settings(home=home), progress=False)
    with caplog.at_level(logging.WARNING):
        hits = kb.search("信用卡退款要多久？", k=3)
    assert "ingested again" in caplog.text
    assert any("How long refunds take" in h for h in _heading(hits))  # the dictionary's way
    kb.ingest(policies=policies)
    assert kb._partner() is kb.multilingual


def test_deleting_a_conversation_removes_it_from_both_collections(tmp_path: Path) -> None:
    policies, dialogues = _store(tmp_path)
    kb = KnowledgeBase(Settings(home=tmp_path / "home"), progress=False)
    kb.ingest(policies=policies, dialogues=dialogues)
    assert kb.multilingual is not None
    removed = data_rights.remove_from_index(kb.dialogue_index(), ["c1"])
    assert removed == ["dialogue:c1"]
    fresh = KnowledgeBase(Settings(home=tmp_path / "home"), progress=False)
    assert fresh.multilingual is not None
    for base in (fresh, fresh.multilingual):
        assert not base.search("kettle stopped heating", k=5, source="dialogue")
        assert not base.search("水壶不加热了", k=5, source="dialogue")


@pytest.mark.parametrize(
    ("language", "answered", "not_answered"),
    [
        (
            "en pages, zh questions",
            [
                ("信用卡退款要多久？", "How long refunds take"),
                ("礼品包装多少钱？", "Gift wrapping"),
                ("你们周六开门吗？", "Opening hours"),
            ],
            ["你们卖汽车轮胎吗？", "今天天气怎么样？", "帮我写一首诗"],
        ),
        (
            "zh pages, en questions",
            [
                ("What does shipping cost?", "运费与包邮"),
                ("How long does a refund to my credit card take?", "到账时间"),
                ("How should I store green tea?", "储存方法"),
            ],
            ["Do you sell car tyres?", "write me a poem", "who won the football last night?"],
        ),
    ],
)
def test_in_a_store_written_in_one_language_questions_in_the_other_are_answered(
    tmp_path: Path, language: str, answered: list[tuple[str, str]], not_answered: list[str]
) -> None:
    """Every question in the other language is one across languages: what the pages answer is
    found relevant (the reply is built on it) and what they do not answer is not."""
    policies = english_store(tmp_path) if language.startswith("en") else chinese_store(tmp_path)
    settings = Settings(home=tmp_path / "home")
    kb = KnowledgeBase(settings, progress=False)
    kb.ingest(policies=policies)
    threshold = settings.retrieval.min_score
    for question, heading in answered:
        top = kb.search(question, k=3)[0]
        assert heading in str(top.metadata.get("heading")), (question, _heading([top]))
        assert top.score >= threshold, (question, top.score)
    for question in not_answered:
        top = kb.search(question, k=3)[0]
        assert top.score < threshold, (question, top.title, top.score)
