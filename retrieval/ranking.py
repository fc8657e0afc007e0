"""Fusing dense and keyword evidence into one calibrated score, and collapsing variants.

The score is a logistic function of two signals, each on a fixed scale:

* dense: the cosine similarity of query and passage minus the query's *background* (its mean
  similarity to passages in general), weighted by how well the embedder separates relevant
  from irrelevant text in the query's script (measured once with built-in probes: the bundled
  English model is trusted fully on English and little on Chinese);
* keyword: *coverage*, the IDF-weighted share of the query's terms found in the passage (0..1).

``score = sigmoid(10 * trust * (cos - background - 0.3) + 6 * (coverage - 0.35))``, read as
"the probability that the passage is relevant". Either signal alone can make a passage
relevant; both weak keep it below 0.1. Scores are comparable across queries, so one
threshold (``settings.retrieval.min_score``, suggested 0.5) separates "found something"
from "nothing relevant".
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from retrieval.text import normalize, value_in_query, word_set

DENSE_WEIGHT = 10.0
DENSE_MID = 0.3
KEYWORD_WEIGHT = 6.0
KEYWORD_MID = 0.35
DEFAULT_MIN_SCORE = 0.5
FULL_MARGIN = 0.4  # probe margin at which the dense signal is fully trusted


def calibrated(
    cos: float,
    coverage: float,
    background: float = 0.0,
    trust: float = 1.0,
    *,
    across: bool = False,
    stretch: float = 1.0,
) -> float:
    """The relevance probability (0..1) of a passage given both signals.

    `background` is the query's mean similarity to passages in general (embedders are
    anisotropic, more so on scripts they were not trained on); `trust` (0..1) is how well
    the embedder separates relevant from irrelevant text in the query's script.

    ``across``: the passage is written in another language than the query. Its words cannot
    be the query's words, so missing keywords say little: their penalty shrinks as far as the
    embedder is trusted across the two languages (words both share, such as product names,
    still count in full).

    ``stretch`` puts the similarity on the scale the constants were set on (see
    `stretch_for`): an encoder whose relevant and irrelevant passages lie closer together
    has its differences stretched.
    """
    dense = DENSE_WEIGHT * trust * (stretch * (cos - background) - DENSE_MID)
    keyword = KEYWORD_WEIGHT * (coverage - KEYWORD_MID)
    if across:
        keyword = max(keyword, -KEYWORD_WEIGHT * KEYWORD_MID * (1.0 - trust))
    z = dense + keyword
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


# (query, relevant passage, irrelevant passage) per script, to measure an embedder's trust.
PROBES: dict[str, list[tuple[str, str, str]]] = {
    "latin": [
        ("how long does delivery take?",
         "Shipping times: orders arrive within 3 to 5 business days.",
         "Our wool sweaters are knitted by hand in Scotland."),
        ("can I return shoes that don't fit?",
         "Returns: unworn items can be sent back within 30 days for a refund.",
         "The ceramic mug holds 350 ml and is dishwasher safe."),
        ("is the red dress available in size S?",
         "Summer dress, color red, size S. Price 59.00 EUR. In stock.",
         "Refunds to PayPal arrive within two business days."),
        ("my package arrived broken",
         "Damaged items: send us photos and we ship a replacement.",
         "Sign up for our newsletter to get 10% off."),
    ],
    "cjk": [
        ("快递多久能到？", "配送时间：订单一般在3到5个工作日内送达。",
         "我们的羊毛衫由苏格兰工匠手工编织。"),
        ("鞋子不合适可以退吗？", "退货：未穿着的商品可在30天内退回并退款。",
         "这款陶瓷杯容量350毫升，可用洗碗机清洗。"),
        ("红色连衣裙有S码吗？", "夏季连衣裙，红色，S码，售价399元，有货。",
         "退款到支付宝需要1到2个工作日。"),
        ("包裹到了但是东西坏了", "商品破损：请拍照发给我们，我们会补发新的。",
         "订阅我们的新闻邮件可享九折优惠。"),
    ],
}  # fmt: skip


REFERENCE_MARGIN = 0.52
"""The probe margin of the encoder DENSE_MID and DENSE_WEIGHT were set on (all-MiniLM-L6-v2 on
English text)."""
MAX_STRETCH = 2.0
"""An encoder that barely separates (a probe margin under half the reference) is not stretched
further: its differences are mostly noise, and its low trust already says so."""


def _probe_margin(
    embed: Callable[[list[str]], np.ndarray], probes: list[tuple[str, str, str]]
) -> float:
    vectors = embed([text for triple in probes for text in triple]).reshape(len(probes), 3, -1)
    return float(
        np.mean(
            np.sum(vectors[:, 0] * vectors[:, 1], axis=1)
            - np.sum(vectors[:, 0] * vectors[:, 2], axis=1)
        )
    )


def probe_margins(embed: Callable[[list[str]], np.ndarray]) -> dict[str, float]:
    """How much closer the probes' relevant passage is than the irrelevant one, per script.

    "across": a query in one script against passages in the other (the probes of the two
    scripts say the same things, so each query is paired with the other script's passages)."""
    margins = {script: _probe_margin(embed, probes) for script, probes in PROBES.items()}
    crossed = [
        (query, relevant, irrelevant)
        for ours, theirs in (("latin", "cjk"), ("cjk", "latin"))
        for (query, _, _), (_, relevant, irrelevant) in zip(
            PROBES[ours], PROBES[theirs], strict=True
        )
    ]
    margins["across"] = _probe_margin(embed, crossed)
    return margins


def trust_for(margin: float) -> float:
    """How far to trust a dense signal with this probe margin (relative to FULL_MARGIN)."""
    return min(1.0, max(0.1, margin / FULL_MARGIN))


def stretch_for(margin: float) -> float:
    """The factor that puts similarities with this probe margin on the reference scale."""
    return REFERENCE_MARGIN / max(margin, REFERENCE_MARGIN / MAX_STRETCH)


ACROSS_SURPRISE = 2.0
ACROSS_SURPRISE_MID = 2.5
SURPRISE_WEIGHT = 2.0
"""A passage in another language than the query's is also judged by how far its similarity
stands out from the query's similarity to that language in general (its "surprise", in
standard deviations): half-relevant at ACROSS_SURPRISE_MID, scaled by the trust across."""
"""A passage in another language than the query's that stands this far above its language's
background keeps the last place of the top when no such passage made it on its own."""


@dataclass
class Candidate:
    """A passage being ranked for one query."""

    id: str
    cos: float
    coverage: float
    metadata: dict[str, Any] = field(default_factory=dict)
    background: float = 0.0
    trust: float = 1.0
    score: float = 0.0
    option_matches: int = 0
    across: bool = False
    """Written in another language than the query."""
    surprise: float = 0.0
    """For a passage in another language: how many standard deviations its similarity stands
    above the query's similarity to text in that language in general."""
    stretch: float = 1.0
    """For a passage in another language: the encoder's scale across languages (`stretch_for`)."""

    def __post_init__(self) -> None:
        self.score = calibrated(
            self.cos,
            self.coverage,
            self.background,
            self.trust,
            across=self.across,
            stretch=self.stretch,
        )
        if self.across:  # how far it stands out from its own language counts too
            stands_out = SURPRISE_WEIGHT * self.trust * (self.surprise - ACROSS_SURPRISE_MID)
            self.score = max(self.score, 1.0 / (1.0 + math.exp(-stands_out)))


def options_named(query: str, options: dict[str, str]) -> int:
    """How many of a variant's option values the query names."""
    query_norm = normalize(query)
    words = word_set(query)
    return sum(1 for value in options.values() if value_in_query(str(value), query_norm, words))


def collapse(candidates: list[Candidate], query: str) -> list[Candidate]:
    """At most one passage per product, best first.

    If the query names option values of a product's variants, the variant matching most of
    them represents the product (with the group's best score); otherwise the best-scoring
    passage of the product does.
    """
    groups: dict[str, list[Candidate]] = {}
    out: list[Candidate] = []
    for cand in candidates:
        pid = cand.metadata.get("product_id") if cand.metadata.get("source") == "catalog" else None
        if pid is None:
            out.append(cand)
        else:
            groups.setdefault(str(pid), []).append(cand)
    for members in groups.values():
        best = max(members, key=lambda c: c.score)
        named = [c for c in members if c.option_matches > 0]
        if named:
            top = max(named, key=lambda c: (c.option_matches, c.score))
            top.score = max(top.score, best.score)
            best = top
        out.append(best)
    out.sort(key=lambda c: c.score, reverse=True)
    return out


def keep_one_across(ranked: list[Candidate], top: list[Candidate], k: int) -> list[Candidate]:
    """The top, with the best passage in another language in its last place if none is there:
    an answer written only in the store's other language must reach the reply at all."""
    if any(c.across for c in top):
        return top
    best = max(
        (c for c in ranked if c.across and c.surprise >= ACROSS_SURPRISE),
        key=lambda c: c.surprise,
        default=None,
    )
    if best is None:
        return top
    return [*top[: k - 1], best] if len(top) >= k else [*top, best]


MIXED_DIALOGUE_LIMIT = 2
"""Past dialogues are supporting evidence: in a search over all sources they take at most
this many places, so that they never crowd the store's own catalog and policies out."""


def diversify(ranked: list[Candidate], k: int, mixed: bool) -> list[Candidate]:
    """The top ``k``, with past dialogues limited when several sources compete."""
    if not mixed:
        return ranked[:k]
    out: list[Candidate] = []
    dialogues = 0
    for cand in ranked:
        if cand.metadata.get("source") == "dialogue":
            if dialogues >= MIXED_DIALOGUE_LIMIT:
                continue
            dialogues += 1
        out.append(cand)
        if len(out) == k:
            break
    return out
