"""Retrieval performance: embedding and ingestion rates, query latency vs. numpy brute force.

Synthetic passages get precomputed vectors: mixtures of real embeddings of realistic texts plus
noise, so they cluster like real data while keeping the run short. The real embedding rate is
measured separately on the same kind of texts.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from evals.output import emit_report
from retrieval.documents import Passage

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger(__name__)


def _words(text: str) -> list[str]:
    return text.split()


_COLORS = _words("black white blue navy red green olive beige grey pink yellow brown")
_MATERIALS = _words("linen cotton wool merino leather denim canvas silk bamboo steel ceramic oak")
_NOUNS = _words(
    "shirt jacket dress sneaker boot backpack wallet belt scarf mug lamp blanket pillow kettle "
    "watch hat sweater hoodie jeans skirt tote umbrella bottle candle"
)
_ADJ = _words("classic lightweight warm breathable slim relaxed vintage modern waterproof soft")
_BRANDS = _words("Nordlys Riverton Fjellfot Potterhus Kestrel Alba Miru Sol")
_TOPICS = _words(
    "refund return exchange shipping delivery warranty payment voucher invoice customs "
    "tracking damaged missing cancellation size-guide care-instructions"
)


def synthetic_texts(count: int, seed: int = 0) -> list[tuple[str, str, dict[str, Any]]]:
    """(title, text, metadata) of realistic catalog and policy passages."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        if n % 4:
            noun, color, mat = rng.choice(_NOUNS), rng.choice(_COLORS), rng.choice(_MATERIALS)
            brand, price = rng.choice(_BRANDS), round(rng.uniform(5, 300), 2)
            size = rng.choice(["XS", "S", "M", "L", "XL", "38", "40", "42"])
            title = f"{rng.choice(_ADJ).capitalize()} {mat} {noun}"
            text = (
                f"{title} by {brand} — variant color: {color}, size: {size}, SKU "
                f"SYN-{n:06d}. Price: {price:.2f} EUR. "
                f"{'In stock' if rng.random() < 0.7 else 'Out of stock'}. A {rng.choice(_ADJ)} "
                f"{noun} made of {mat}, {rng.choice(_ADJ)} and easy to care for."
            )
            meta = {
                "product_id": f"SYN{n // 3}",
                "sku": f"SYN-{n:06d}",
                "kind": "variant",
                "category": noun,
                "category_norm": noun,
                "price": price,
                "in_stock": True,
            }
            out.append((title, text, {"source": "catalog", **meta}))
        else:
            topic = rng.choice(_TOPICS).replace("-", " ")
            days = rng.randint(1, 30)
            title = f"{topic.capitalize()} > Section {n}"
            text = (
                f"For {topic} requests, contact support within {days} days. "
                f"We handle {topic} for orders placed online; {rng.choice(_ADJ)} items and "
                f"{rng.choice(_NOUNS)}s follow the same rules. Order numbers: #{n + 10000}."
            )
            out.append((title, text, {"source": "policy", "path": f"syn/{topic}.md"}))
    return out


def _percentiles(samples: list[float]) -> dict[str, float]:
    arr = np.asarray(samples) * 1000.0
    return {
        "p50_ms": round(float(np.percentile(arr, 50)), 3),
        "p95_ms": round(float(np.percentile(arr, 95)), 3),
        "mean_ms": round(float(arr.mean()), 3),
    }


def _machine() -> dict[str, Any]:
    return {
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def _mixtures(base: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """Unit vectors near real embeddings: a blend of two real ones plus noise."""
    i = rng.integers(0, len(base), count)
    j = rng.integers(0, len(base), count)
    noise = rng.standard_normal((count, base.shape[1])).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    vectors = 0.75 * base[i] + 0.35 * base[j] + 0.25 * noise
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def run_bench(
    settings: Settings, *, sizes: list[int], queries: int = 200, k: int = 5
) -> dict[str, Any]:
    """Measure; returns one JSON-able report."""
    from retrieval.embedder import embedder_from_settings
    from retrieval.knowledge import KnowledgeBase

    sizes = sorted(set(sizes))
    rng = np.random.default_rng(0)
    report: dict[str, Any] = {"machine": _machine(), "k": k, "queries": queries}
    with tempfile.TemporaryDirectory(prefix="shopbot-bench-") as tmp:
        local = settings.model_copy(update={"home": Path(tmp), "chroma_url": None})
        embedder = embedder_from_settings(local)
        started = time.perf_counter()
        embedder.warm_up()
        report["embedder"] = {
            "name": embedder.name,
            "load_s": round(time.perf_counter() - started, 2),
        }
        samples = synthetic_texts(512, seed=1)
        texts = [f"{t}\n{x}" for t, x, _ in samples]
        embedder.embed(texts[:32])  # warm the kernels
        started = time.perf_counter()
        base = embedder.embed(texts)
        seconds = time.perf_counter() - started
        report["embedder"]["passages_per_s"] = round(len(texts) / seconds, 1)
        query_texts = [
            f"do you have a {rng.choice(_COLORS)} {rng.choice(_MATERIALS)} {rng.choice(_NOUNS)}"
            if n % 2
            else f"how long does {rng.choice(_TOPICS).replace('-', ' ')} take?"
            for n in range(queries)
        ]
        started = time.perf_counter()
        qvecs = np.stack([embedder.embed([q])[0] for q in query_texts[:50]])
        report["embedder"]["single_query_ms"] = round(
            1000 * (time.perf_counter() - started) / 50, 2
        )
        qvecs = embedder.embed(query_texts)
        kb = KnowledgeBase(local, embedder=embedder, progress=False)
        kb.warm_up()
        report["sizes"] = []
        have = 0
        all_vectors: list[np.ndarray] = []
        for size in sizes:
            count = size - have
            metas = synthetic_texts(count, seed=have + 7)
            passages = [
                Passage(
                    f"syn:{have + n}",
                    m["source"],
                    t,
                    x,
                    str(have + n),
                    {k_: v for k_, v in m.items() if k_ != "source"},
                )
                for n, (t, x, m) in enumerate(metas)
            ]
            vectors = _mixtures(base, count, rng)
            print(f"bench: indexing {count} passages (to {size})...", file=sys.stderr)
            started = time.perf_counter()
            for start in range(0, count, 5000):
                kb.add_passages(passages[start : start + 5000], vectors[start : start + 5000])
            insert_s = time.perf_counter() - started
            started = time.perf_counter()
            kb.keyword.scores("warm")  # build the keyword postings
            keyword_s = time.perf_counter() - started
            have = size
            all_vectors.append(vectors)
            matrix = np.concatenate(all_vectors)
            report["sizes"].append(
                _measure(kb, matrix, query_texts, qvecs, k)
                | {
                    "passages": size,
                    "ingest_items_per_s": round(count / insert_s, 1),
                    "keyword_build_s": round(keyword_s, 2),
                }
            )
    return report


def _measure(
    kb: Any, matrix: np.ndarray, query_texts: list[str], qvecs: np.ndarray, k: int
) -> dict[str, Any]:
    dense, hybrid, brute = [], [], []
    recall = []
    n = 40  # candidates the search asks Chroma for
    for text, vec in zip(query_texts, qvecs, strict=True):
        started = time.perf_counter()
        found = kb.index.query(vec[None, :], n)[0]
        dense.append(time.perf_counter() - started)
        started = time.perf_counter()
        kb.search_vectors([text], vec[None, :], k=k)
        hybrid.append(time.perf_counter() - started)
        started = time.perf_counter()
        sims = matrix @ vec
        top = np.argpartition(-sims, n)[:n]
        top = top[np.argsort(-sims[top])]
        brute.append(time.perf_counter() - started)
        truth = {f"syn:{i}" for i in top[:10]}
        recall.append(len(truth & {i for i, _ in found[:10]}) / 10)
    return {
        "chroma_query": _percentiles(dense),
        "hybrid_search": _percentiles(hybrid),
        "numpy_bruteforce": _percentiles(brute),
        "chroma_recall@10_vs_bruteforce": round(float(np.mean(recall)), 4),
    }


def bench_retrieval(args: argparse.Namespace, settings: Settings) -> int:
    """``shopbot bench retrieval``: ingestion rate and query latency vs. brute force."""
    sizes = [int(s) for s in (getattr(args, "sizes", None) or "10000,100000").split(",") if s]
    queries = getattr(args, "queries", None) or 200
    result = run_bench(settings, sizes=sizes, queries=queries)
    emit_report(result, args)
    return 0
