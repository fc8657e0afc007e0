"""The langchain-core retriever adapter (fast: hashing embedder, in-memory index)."""

from __future__ import annotations

from pathlib import Path

from bot.settings import Settings
from retrieval import HashingEmbedder, KnowledgeBase, MemoryIndex
from retrieval.langchain import ShopbotRetriever


def test_retriever_returns_documents_with_citations(settings: Settings, store: Path) -> None:
    kb = KnowledgeBase(settings, HashingEmbedder(), MemoryIndex(), progress=False)
    kb.ingest(policies=store / "policies", catalog=store / "catalog.jsonl")
    docs = ShopbotRetriever(knowledge=kb, k=2).invoke("refunds to a credit card")
    assert docs and docs[0].metadata["source"] == "policy"
    assert docs[0].id == docs[0].metadata["id"] and "Credit cards" in docs[0].page_content
    assert docs[0].metadata["path"] == "returns.md"
    strict = ShopbotRetriever(knowledge=kb, k=5, min_score=0.99).invoke("quantum physics")
    assert strict == []
    variants = ShopbotRetriever(knowledge=kb, source="catalog").invoke("blue linen shirt M")
    assert variants[0].metadata["sku"] == "LS-BLU-M"
