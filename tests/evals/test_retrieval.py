"""The retrieval evaluation (fast: hashing embedder, in-memory index)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.errors import InputError
from bot.settings import Settings
from evals.retrieval import evaluate, load_questions
from retrieval import HashingEmbedder, KnowledgeBase, MemoryIndex


def test_evaluate_reports_per_kind_and_language(settings: Settings, store: Path) -> None:
    kb = KnowledgeBase(settings, HashingEmbedder(), MemoryIndex(), progress=False)
    kb.ingest(store / "catalog.jsonl", store / "policies", store / "conversations.jsonl")
    report = evaluate(kb, load_questions(store / "eval" / "retrieval_questions.jsonl"))
    assert report["overall"]["n"] == 10
    assert set(report["per_kind"]) == {"product", "variant", "policy", "dialogue"}
    assert set(report["per_language"]) == {"en", "zh"}
    for summary in [report["overall"], *report["per_kind"].values()]:
        assert 0 <= summary["hit@1"] <= summary["hit@5"] <= 1
        assert summary["hit@1"] <= summary["mrr"] <= 1
    assert report["overall"]["hit@5"] >= 0.9, report["misses"]
    json.dumps(report)


def test_malformed_questions_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text('{"query": "a", "expected": {"product_id": "1"}}\n{"query": \n', "utf-8")
    with pytest.raises(InputError, match=r"q.jsonl:2"):
        load_questions(path)
