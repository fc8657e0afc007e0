"""Retrieval across languages: Chinese questions over a store whose pages are English only,
and English questions over pages that exist only in Chinese.

The knowledge base holds the demo store; for each direction its policies are re-ingested
without the pages of the question's language (only those passages are removed, nothing is
embedded again), the questions of ``data/eval/retrieval_crosslingual.jsonl`` with that
``direction`` are searched, and the full policies are put back.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

QUESTIONS = Path("data/eval/retrieval_crosslingual.jsonl")
# Pages dropped for each direction: the answers must come from the other language. en->zh
# drops every English page that says what the Chinese pages say.
REMOVED = {
    "zh->en": ("returns_zh.md", "shipping_zh.md"),
    "en->zh": (
        "returns.md",
        "refunds.md",
        "shipping.md",
        "damaged_items.md",
        "international_shipping.md",
        "lost_or_late_parcels.md",
        "order_tracking.md",
        "faq.txt",
    ),
}


def crosslingual(kb: Any, policies: Path, questions: Path = QUESTIONS) -> dict[str, Any]:
    """hit@1, hit@5 and MRR per direction on ``kb``, which holds the store of ``policies``."""
    from evals.retrieval import evaluate, load_questions

    items = load_questions(questions)
    report: dict[str, Any] = {"questions": str(questions)}
    with tempfile.TemporaryDirectory(prefix="shopbot-xl-") as tmp:
        try:
            for direction, removed in REMOVED.items():
                chosen = [q for q in items if q.get("direction") == direction]
                if not chosen:
                    continue
                folder = Path(tmp) / direction.replace(">", "")
                shutil.copytree(
                    policies, folder, ignore=lambda _d, names, r=removed: list(set(r) & set(names))
                )
                kb.ingest(policies=folder)
                result = evaluate(kb, chosen)
                report[direction] = result["overall"] | {
                    "removed_pages": list(removed),
                    "misses": result["misses"],
                }
        finally:
            kb.ingest(policies=policies)
    return report
