"""Retrieval quality: hit@1, hit@5 and MRR over labelled questions, overall and per group."""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.errors import InputError
from evals.output import emit_report
from retrieval.loading import read_text

if TYPE_CHECKING:
    from bot.settings import Settings
    from retrieval.documents import Hit

log = logging.getLogger(__name__)
KINDS = ("product", "variant", "policy", "dialogue")


def load_questions(path: Path) -> list[dict[str, Any]]:
    """The labelled questions (JSON Lines); InputError with file and line if malformed."""
    questions = []
    for line_no, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc.msg}", path=str(path), line=line_no) from exc
        if not isinstance(item, dict) or not item.get("query") or not item.get("expected"):
            raise InputError("needs 'query' and 'expected'", path=str(path), line=line_no)
        questions.append(item)
    return questions


def _heading_matches(found: str, expected: str) -> bool:
    parts = [p.strip().casefold() for p in found.split(">")]
    want = [p.strip().casefold() for p in expected.split(">")]
    return parts[-len(want) :] == want or want[-1] in parts


def is_relevant(hit: Hit, kind: str, expected: dict[str, Any]) -> bool:
    """Whether a hit is what the question asks for."""
    meta = hit.metadata
    if kind == "variant" and expected.get("sku"):
        return hit.source == "catalog" and meta.get("sku") == expected["sku"]
    if kind in ("product", "variant"):
        return hit.source == "catalog" and meta.get("product_id") == expected.get("product_id")
    if kind == "policy":
        if hit.source != "policy" or meta.get("path") != expected.get("policy_path"):
            return False
        heading = expected.get("policy_heading")
        return not heading or _heading_matches(str(meta.get("heading", "")), heading)
    if kind == "dialogue":
        ids = {str(i) for i in expected.get("conversation_ids") or []}
        return hit.source == "dialogue" and str(meta.get("conversation_id")) in ids
    return False


def _summary(ranks: list[int | None]) -> dict[str, Any]:
    n = len(ranks)
    if not n:
        return {"n": 0}
    return {
        "n": n,
        "hit@1": round(sum(1 for r in ranks if r == 1) / n, 4),
        "hit@5": round(sum(1 for r in ranks if r is not None and r <= 5) / n, 4),
        "mrr": round(sum(1.0 / r for r in ranks if r is not None) / n, 4),
    }


def evaluate(kb: Any, questions: list[dict[str, Any]], k: int = 10) -> dict[str, Any]:
    """Search every question and score the ranks of the first relevant hit."""
    started = time.perf_counter()
    results = kb.search_many([q["query"] for q in questions], k=k)
    seconds = time.perf_counter() - started
    groups: dict[str, list[int | None]] = defaultdict(list)
    misses = []
    for question, hits in zip(questions, results, strict=True):
        kind = question.get("kind", "unknown")
        rank = next(
            (n for n, h in enumerate(hits, 1) if is_relevant(h, kind, question["expected"])), None
        )
        language = question.get("language", "unknown")
        for key in ("overall", f"kind:{kind}", f"language:{language}", f"{kind}/{language}"):
            groups[key].append(rank)
        if rank is None or rank > 5:
            misses.append(
                {
                    "id": question.get("id"),
                    "query": question["query"],
                    "rank": rank,
                    "top": [h.id for h in hits[:3]],
                }
            )
    report: dict[str, Any] = {"overall": _summary(groups.pop("overall", []))}
    report["per_kind"] = {
        key.split(":", 1)[1]: _summary(v) for key, v in sorted(groups.items()) if key[:5] == "kind:"
    }
    report["per_language"] = {
        key.split(":", 1)[1]: _summary(v)
        for key, v in sorted(groups.items())
        if key.startswith("language:")
    }
    report["per_kind_language"] = {
        key: _summary(v) for key, v in sorted(groups.items()) if ":" not in key
    }
    report["query_ms_mean"] = round(1000 * seconds / max(1, len(questions)), 2)
    report["misses"] = misses
    return report


def run_eval(
    settings: Settings,
    *,
    data: Path,
    questions: Path,
    limit: int | None = None,
    use_home: bool = False,
    also: dict[str, Callable[[Any], Any]] | None = None,
) -> dict[str, Any]:
    """Ingest the store in `data` into a temporary home (or use the configured index) and
    evaluate the questions; each of ``also`` is then called with the same knowledge base
    and its result reported under its key."""
    from retrieval.knowledge import KnowledgeBase

    items = load_questions(questions)[: limit or None]
    with tempfile.TemporaryDirectory(prefix="shopbot-eval-") as tmp:
        if not use_home:
            settings = settings.model_copy(update={"home": Path(tmp), "chroma_url": None})
        kb = KnowledgeBase(settings)
        ingest: dict[str, Any] = {}
        if not use_home:
            catalog = next(
                (data / n for n in ("catalog.jsonl", "catalog.csv") if (data / n).exists()), None
            )
            policies = data / "policies"
            dialogues = data / "conversations.jsonl"
            report = kb.ingest(
                catalog,
                policies if policies.exists() else None,
                dialogues if dialogues.exists() else None,
            )
            ingest = {
                s: {"passages": r.passages, "errors": len(r.errors)}
                for s, r in report.sources.items()
            }
            ingest["seconds"] = round(report.seconds, 2)
        result = evaluate(kb, items)
        for key, function in (also or {}).items():
            result[key] = function(kb)
    result["index"] = "configured home" if use_home else "temporary home, demo store ingested"
    result["ingest"] = ingest
    result["questions"] = str(questions)
    return result


def eval_retrieval(args: argparse.Namespace, settings: Settings) -> int:
    """``shopbot eval retrieval``: hit@1, hit@5 and MRR over the labelled questions."""
    data = Path(getattr(args, "data", None) or "data")
    questions = getattr(args, "questions", None)
    use_home = bool(getattr(args, "use_home", False))
    also: dict[str, Callable[[Any], Any]] = {}
    crosslingual = data / "eval/retrieval_crosslingual.jsonl"
    if not questions and not use_home and crosslingual.exists():
        from evals.crosslingual import crosslingual as across  # Chinese over English pages...

        also["crosslingual"] = lambda kb: across(kb, data / "policies", crosslingual)
    result = run_eval(
        settings,
        data=data,
        questions=Path(questions or data / "eval/retrieval_questions.jsonl"),
        limit=getattr(args, "queries", None),
        use_home=use_home,
        also=also,
    )
    emit_report(result, args)
    return 0
