"""The default knowledge base: the English encoder on English, the multilingual encoder (USE-m3,
its own collection) wherever the question or the passage is not English."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot import data_rights
from bot.settings import Settings
from retrieval.knowledge import KnowledgeBase
from tests.retrieval.test_translation import english_store

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
