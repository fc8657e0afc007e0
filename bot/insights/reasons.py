"""Contact reasons without hand-made labels: shopper openers embedded, clustered (k-means, k
chosen by silhouette), each group named by its most typical messages, with a weekly trend.

The grouping is as multilingual as the embedder: the bundled all-MiniLM-L6-v2 is trained
on English, so Chinese openers group among themselves rather than with their English
counterparts; a multilingual model in ``SHOPBOT_EMBEDDER`` groups them together by meaning.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.insights.metrics import week_of
from bot.store import StoredConversation

if TYPE_CHECKING:
    from retrieval.embedder import Embedder

SEED = 0
EXAMPLES = 3
MIN_K, MAX_K, STEP = 10, 40, 5


def opener(conversation: StoredConversation) -> str:
    """What the shopper came for: their first two messages (the second often says what the
    first only hints at: "Hi" then the question, or the question then the order number)."""
    shopper = [m.content.strip() for m in conversation.messages if m.role == "user"]
    return " ".join(shopper[:2])


def first_message(conversation: StoredConversation) -> str:
    return next((m.content.strip() for m in conversation.messages if m.role == "user"), "")


@dataclass
class ReasonGroup:
    id: int
    label: str
    examples: list[str]
    conversations: list[str]
    languages: dict[str, int]
    weekly: dict[str, int]
    growth: float  # share of the later half of the weeks minus share of the earlier half

    def to_dict(self, weeks: list[str], growing: bool) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "examples": self.examples,
            "size": len(self.conversations),
            "languages": self.languages,
            "weekly": [self.weekly.get(w, 0) for w in weeks],
            "growth": round(self.growth, 4),
            "growing": growing,
            "conversations": self.conversations,
        }


def choose_k(vectors: np.ndarray, low: int = MIN_K, high: int = MAX_K, step: int = STEP) -> int:
    """The k with the best silhouette (cosine) among k-means runs from ``low`` to ``high``."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    n = len(vectors)
    high = min(high, n - 1)
    if high < 2:
        return 1
    low = max(2, min(low, high))
    best, best_score = low, -1.0
    for k in range(low, high + 1, step):
        labels = KMeans(k, n_init=2, random_state=SEED).fit_predict(vectors)
        score = float(silhouette_score(vectors, labels, metric="cosine"))
        if score > best_score:
            best, best_score = k, score
    return best


def cluster_vectors(vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Labels and unit-length centroids of k-means on unit vectors (cosine geometry)."""
    from sklearn.cluster import KMeans

    if k <= 1 or len(vectors) <= 1:
        centroid = vectors.mean(axis=0, keepdims=True)
        return np.zeros(len(vectors), dtype=int), _unit(centroid)
    model = KMeans(k, n_init=10, random_state=SEED).fit(vectors)
    return model.labels_, _unit(model.cluster_centers_)


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    unit: np.ndarray = vectors / norms
    return unit


def contact_reasons(
    conversations: list[StoredConversation],
    embedder: Embedder,
    k: int | None = None,
    growth_threshold: float = 0.02,
) -> dict[str, Any]:
    """Conversations grouped by what the shopper came for, biggest group first."""
    items = [(c, opener(c)) for c in conversations]
    names = {c.id: first_message(c) for c in conversations}
    items = [(c, text) for c, text in items if text]
    weeks = sorted({week_of(c.created_at) for c, _ in items})
    if not items:
        return {"k": 0, "weeks": weeks, "groups": [], "embedder": embedder.name}
    vectors = embedder.embed([text for _, text in items])
    k = k or choose_k(vectors)
    k = max(1, min(k, len(items)))
    labels, centroids = cluster_vectors(vectors, k)
    half = len(weeks) // 2
    early, late = set(weeks[:half]), set(weeks[half:])
    totals = Counter(week_of(c.created_at) for c, _ in items)
    early_total = sum(totals[w] for w in early) or 1
    late_total = sum(totals[w] for w in late) or 1
    groups: list[ReasonGroup] = []
    for group in range(k):
        members = np.flatnonzero(labels == group)
        if not len(members):
            continue
        closeness = vectors[members] @ centroids[group]
        typical: list[str] = []
        for i in members[np.argsort(-closeness)]:
            text = names[items[i][0].id]
            if text not in typical:
                typical.append(text)
            if len(typical) == EXAMPLES:
                break
        weekly = Counter(week_of(items[i][0].created_at) for i in members)
        share_early = sum(weekly[w] for w in early) / early_total
        share_late = sum(weekly[w] for w in late) / late_total
        groups.append(
            ReasonGroup(
                id=group,
                label=_clip(typical[0]),
                examples=typical,
                conversations=[items[i][0].id for i in members],
                languages=dict(Counter(items[i][0].language or "?" for i in members)),
                weekly=dict(weekly),
                growth=share_late - share_early if half else 0.0,
            )
        )
    groups.sort(key=lambda g: -len(g.conversations))
    return {
        "k": k,
        "embedder": embedder.name,
        "weeks": weeks,
        "groups": [g.to_dict(weeks, g.growth >= growth_threshold) for g in groups],
    }


def _clip(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def agreement(truth: list[str], predicted: list[int]) -> dict[str, float]:
    """Clusters against known labels: adjusted Rand index, purity and NMI."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    by_cluster: dict[int, Counter[str]] = {}
    for label, cluster in zip(truth, predicted, strict=True):
        by_cluster.setdefault(cluster, Counter())[label] += 1
    purity = sum(c.most_common(1)[0][1] for c in by_cluster.values()) / max(len(truth), 1)
    return {
        "ari": round(float(adjusted_rand_score(truth, predicted)), 4),
        "purity": round(purity, 4),
        "nmi": round(float(normalized_mutual_info_score(truth, predicted)), 4),
    }
