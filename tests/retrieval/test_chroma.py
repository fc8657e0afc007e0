"""Chroma specifics: embedder mismatch, reset, collection names (Chroma on disk)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import RetrievalError
from bot.settings import Settings
from retrieval import HashingEmbedder, KnowledgeBase
from retrieval.index import ChromaIndex

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def test_another_embedder_needs_a_reset(settings: Settings, store: Path) -> None:
    kb = KnowledgeBase(settings, HashingEmbedder(64), progress=False)
    kb.ingest(policies=store / "policies")
    other = KnowledgeBase(settings, HashingEmbedder(32), progress=False)
    with pytest.raises(RetrievalError, match="--reset"):
        other.search("refunds")
    report = other.ingest(policies=store / "policies", reset=True)
    assert report.sources["policy"].added == report.sources["policy"].passages
    assert other.search("refunds to a credit card", k=1)[0].source == "policy"


def test_collection_name_length_is_checked(tmp_path: Path) -> None:
    with pytest.raises(RetrievalError, match="3 to 512"):
        ChromaIndex(collection="ab", path=tmp_path)


def test_empty_index_finds_nothing(settings: Settings) -> None:
    assert KnowledgeBase(settings, HashingEmbedder(), progress=False).search("anything") == []


def test_an_ingest_in_another_process_is_seen(tmp_path: Path, store: Path) -> None:
    """A serving process notices a nightly re-import done by another process."""
    import json
    import os
    import subprocess
    import sys

    settings = Settings(home=tmp_path / "home")
    kb = KnowledgeBase(settings, HashingEmbedder(), progress=False, sync_interval=0.0)
    kb.ingest(catalog=store / "catalog.jsonl")
    assert kb.search("MUG-350", k=1)[0].metadata["product_id"] == "P300"
    lines = (store / "catalog.jsonl").read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if '"P300"' not in line]
    kept.append(json.dumps({"id": "P900", "name": "Bamboo Toothbrush", "price": 3.5}))
    (store / "catalog.jsonl").write_text("\n".join(kept) + "\n", encoding="utf-8")
    env = {
        **os.environ,
        "SHOPBOT_HOME": str(settings.home),
        "SHOPBOT_EMBEDDER": "hashing",
        "SHOPBOT_CONFIG": str(tmp_path / "none.toml"),
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    (tmp_path / "none.toml").write_text("", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ingest", "--catalog", str(store / "catalog.jsonl")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "catalog:P300" not in [h.id for h in kb.search("MUG-350 ceramic mug", k=10)]
    assert kb.search("bamboo toothbrush", k=1)[0].metadata["product_id"] == "P900"
