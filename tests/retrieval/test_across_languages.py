"""A store written in two languages: a question finds the answer written only in the other."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bot.settings import Settings
from retrieval.index import MemoryIndex
from retrieval.knowledge import KnowledgeBase
from tests.retrieval.test_translation import write_pages

# A toy multilingual embedder: each topic is one axis, named by words of both languages.
TOPICS = [
    ("ship", "deliver", "运费", "配送", "送达"),
    ("china", "beijing", "中国", "大陆"),
    ("return", "refund", "退货", "退款"),
    ("tent", "camp", "帐篷"),
    ("voucher", "points", "积分"),
    ("day", "days", "工作日", "天"),
]


class TopicEmbedder:
    """Like real multilingual encoders, it puts text nearer to text in its own language."""

    name = "topics"
    dimension = len(TOPICS) + 2
    multilingual = True

    def warm_up(self) -> None:
        """Nothing to load."""

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            lowered = text.lower()
            for axis, words in enumerate(TOPICS):
                out[row, axis] = sum(lowered.count(w) for w in words)
            chinese = any("\u4e00" <= ch <= "\u9fff" for ch in text)
            out[row, -1 if chinese else -2] = 1.2
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def _store(tmp_path: Path) -> Path:
    shipping = (
        "# Shipping\n\n## Zones\n\nWe ship to Europe in 2 days. For China see our Chinese page."
        "\n\n## Tents\n\nTents ship in one box.\n\n## Points\n\n200 points give a €10 voucher."
        "\n\n## Returns\n\nReturn within 30 days for a refund.\n"
    )
    china = (
        "# 中国大陆\n\n## 运费\n\n寄到中国大陆运费 €26.95，8–15 个工作日送达。\n\n"
        "## 退货\n\n中国大陆订单可在 45 天内退货。\n\n## 帐篷\n\n帐篷可以寄到中国。\n"
    )
    return write_pages(tmp_path / "policies", {"shipping.md": shipping, "china_zh.md": china})


def test_an_answer_written_only_in_the_other_language_reaches_the_top(tmp_path: Path) -> None:
    kb = KnowledgeBase(
        Settings(home=tmp_path / "home"), TopicEmbedder(), MemoryIndex(), progress=False
    )
    kb.ingest(policies=_store(tmp_path))
    # Measured against text in its own language, the Chinese answer comes first.
    hits = kb.search("How long does delivery to Beijing take?", k=3)
    assert hits[0].metadata["path"] == "china_zh.md" and "8–15" in hits[0].text
    # And the other way round: a Chinese question over an English-only fact.
    hits = kb.search("多少积分可以换代金券？", k=3)
    assert "200 points" in hits[0].text


def test_the_dense_scale_is_the_encoders_own_across_languages() -> None:
    """An encoder whose relevant and irrelevant passages lie closer together than the
    reference's has its differences stretched (at most MAX_STRETCH times): the same relative
    standing gives the same score."""
    from retrieval.ranking import MAX_STRETCH, REFERENCE_MARGIN, calibrated, stretch_for

    assert stretch_for(REFERENCE_MARGIN) == pytest.approx(1.0)
    assert stretch_for(REFERENCE_MARGIN / 1.5) == pytest.approx(1.5)
    assert stretch_for(0.01) == pytest.approx(MAX_STRETCH)  # noise is not blown up
    narrow = calibrated(0.45, 0.0, 0.15, 0.75, across=True, stretch=stretch_for(0.3))
    assert narrow > calibrated(0.45, 0.0, 0.15, 0.75, across=True) and narrow > 0.5
