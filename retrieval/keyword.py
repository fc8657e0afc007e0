"""An in-memory BM25-style keyword index with CJK bigrams, rebuilt from the store at warm-up.

Scores are *coverage* in 0..1: the IDF-weighted share of the query's terms a passage contains,
each term's contribution saturating with its frequency and damped for long passages (BM25's
``k1``/``b``). 1.0 means every query term is present in a passage of average length.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from typing import Any

import numpy as np

from bot.language import detect_language
from retrieval.documents import SOURCES, SearchFilters
from retrieval.text import keyword_terms

K1 = 1.2
B = 0.75
UNKNOWN_TERM_FACTOR = 0.5  # weight of a query term no passage contains, relative to df=1


class KeywordIndex:
    """Keyword search over passages; add/remove are cheap, postings rebuild lazily."""

    def __init__(self) -> None:
        self._ids: list[str] = []
        self._pos: dict[str, int] = {}
        self._counts: list[Counter[str] | None] = []
        self._meta: list[dict[str, Any]] = []
        self._docs: list[str] = []
        self._languages: list[str] = []
        self._groups: dict[str, set[str]] = {}
        self._dirty = True
        self._built_ids: list[str] = []
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._lengths = np.zeros(0, dtype=np.float32)
        self._avg_len = 1.0
        self._source = np.zeros(0, dtype=np.int8)
        self._price = np.zeros(0, dtype=np.float64)
        self._stock = np.zeros(0, dtype=np.int8)
        self._category = np.zeros(0, dtype=object)
        self._brand = np.zeros(0, dtype=object)
        self._built_pos: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._pos)

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._pos

    # -- updates -------------------------------------------------------------------------

    def clear(self) -> None:
        self.__init__()  # type: ignore[misc]

    def add(self, doc_id: str, document: str, metadata: dict[str, Any]) -> None:
        """Add or replace one passage (its title, from `metadata`, is searched too)."""
        counts = Counter(keyword_terms(f"{metadata.get('title', '')}\n{document}"))
        language = str(metadata.get("language") or detect_language(document))
        if doc_id in self._pos:
            i = self._pos[doc_id]
            self._discard_group(doc_id, self._meta[i])
            self._counts[i] = counts
            self._meta[i] = metadata
            self._docs[i] = document
            self._languages[i] = language
        else:
            self._pos[doc_id] = len(self._ids)
            self._ids.append(doc_id)
            self._counts.append(counts)
            self._meta.append(metadata)
            self._docs.append(document)
            self._languages.append(language)
        key = metadata.get("doc_key")
        if key is not None:
            self._groups.setdefault(f"{metadata.get('source')}:{key}", set()).add(doc_id)
        self._dirty = True

    def _discard_group(self, doc_id: str, metadata: dict[str, Any]) -> None:
        group = self._groups.get(f"{metadata.get('source')}:{metadata.get('doc_key')}")
        if group is not None:
            group.discard(doc_id)

    def remove(self, doc_ids: Iterable[str]) -> None:
        for doc_id in doc_ids:
            i = self._pos.pop(doc_id, None)
            if i is not None:
                self._discard_group(doc_id, self._meta[i])
                self._counts[i] = None
                self._dirty = True

    def metadata(self, doc_id: str) -> dict[str, Any] | None:
        i = self._pos.get(doc_id)
        return None if i is None else self._meta[i]

    def all_metadata(self) -> list[dict[str, Any]]:
        """The metadata of every live passage."""
        return [self._meta[i] for i in self._pos.values()]

    def document(self, doc_id: str) -> str | None:
        i = self._pos.get(doc_id)
        return None if i is None else self._docs[i]

    def language(self, doc_id: str) -> str | None:
        """The language a passage is written in ("en", "zh"), from its metadata or its text."""
        i = self._pos.get(doc_id)
        return None if i is None else self._languages[i]

    def ids_by_language(self) -> dict[str, list[str]]:
        """Live passage ids per language."""
        out: dict[str, list[str]] = {}
        for doc_id, i in self._pos.items():
            out.setdefault(self._languages[i], []).append(doc_id)
        return out

    def documents(self, source: str) -> list[str]:
        """The text of every live passage from ``source``."""
        return [self._docs[i] for i in self._pos.values() if self._meta[i].get("source") == source]

    def group(self, source: str, doc_key: str) -> set[str]:
        """Ids of the passages of one record (e.g. a product and its variants)."""
        return set(self._groups.get(f"{source}:{doc_key}", ()))

    # -- building ------------------------------------------------------------------------

    def _build(self) -> None:
        if not self._dirty:
            return
        live = [i for i, c in enumerate(self._counts) if c is not None]
        self._ids = [self._ids[i] for i in live]
        self._counts = [self._counts[i] for i in live]
        self._meta = [self._meta[i] for i in live]
        self._docs = [self._docs[i] for i in live]
        self._languages = [self._languages[i] for i in live]
        self._pos = {doc_id: n for n, doc_id in enumerate(self._ids)}
        self._built_ids = self._ids
        self._built_pos = self._pos
        docs: dict[str, list[int]] = {}
        tfs: dict[str, list[int]] = {}
        lengths = np.zeros(len(self._ids), dtype=np.float32)
        for n, counts in enumerate(self._counts):
            assert counts is not None
            lengths[n] = sum(counts.values())
            for term, tf in counts.items():
                docs.setdefault(term, []).append(n)
                tfs.setdefault(term, []).append(tf)
        self._postings = {
            term: (np.asarray(d, dtype=np.int32), np.asarray(tfs[term], dtype=np.float32))
            for term, d in docs.items()
        }
        self._lengths = lengths
        self._avg_len = float(lengths.mean()) if len(lengths) else 1.0
        meta = self._meta
        codes: dict[str | None, int] = {s: i for i, s in enumerate(SOURCES)}
        self._source = np.asarray([codes.get(m.get("source"), -1) for m in meta], dtype=np.int8)
        self._price = np.asarray(
            [float(m["price"]) if m.get("price") is not None else np.nan for m in meta],
            dtype=np.float64,
        )
        self._stock = np.asarray(
            [-1 if m.get("in_stock") is None else int(bool(m["in_stock"])) for m in meta],
            dtype=np.int8,
        )
        self._category = np.asarray([m.get("category_norm") for m in meta], dtype=object)
        self._brand = np.asarray([m.get("brand_norm") for m in meta], dtype=object)
        self._dirty = False

    # -- searching -----------------------------------------------------------------------

    def _idf(self, df: int) -> float:
        n = len(self._built_ids)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def scores(self, query: str) -> np.ndarray:
        """Coverage (0..1) of the query by every passage, in build order."""
        self._build()
        n = len(self._built_ids)
        scores = np.zeros(n, dtype=np.float32)
        terms = set(keyword_terms(query))
        if not terms or n == 0:
            return scores
        total = 0.0
        norm = K1 * (1.0 - B + B * self._lengths / max(self._avg_len, 1e-6))
        for term in terms:
            posting = self._postings.get(term)
            if posting is None:
                total += self._idf(1) * UNKNOWN_TERM_FACTOR
                continue
            docs, tfs = posting
            idf = self._idf(len(docs))
            total += idf
            part = np.minimum(1.0, tfs * (K1 + 1.0) / (tfs + norm[docs]))
            scores[docs] += idf * part
        if total > 0:
            scores /= total
        return scores

    def document_frequency(self, term: str) -> int:
        """How many passages contain a term (as `keyword_terms` writes it)."""
        self._build()
        posting = self._postings.get(term)
        return 0 if posting is None else len(posting[0])

    def query_weight(self, query: str) -> float:
        """The total IDF weight of a query's terms (what `scores` divides by)."""
        self._build()
        total = 0.0
        for term in set(keyword_terms(query)):
            posting = self._postings.get(term)
            total += (
                self._idf(1) * UNKNOWN_TERM_FACTOR
                if posting is None
                else self._idf(len(posting[0]))
            )
        return total

    def mask(self, source: str | None, filters: SearchFilters | None) -> np.ndarray | None:
        """Which passages pass a source restriction and filters (None: all)."""
        self._build()
        if source is None and (filters is None or filters.is_empty()):
            return None
        keep = np.ones(len(self._built_ids), dtype=bool)
        if source is not None:
            keep &= self._source == SOURCES.index(source)
        if filters is not None:
            if filters.category is not None:
                keep &= self._category == filters.category.strip().casefold()
            if filters.brand is not None:
                keep &= self._brand == filters.brand.strip().casefold()
            with np.errstate(invalid="ignore"):
                if filters.min_price is not None:
                    keep &= self._price >= filters.min_price
                if filters.max_price is not None:
                    keep &= self._price <= filters.max_price
            if filters.in_stock is not None:
                keep &= self._stock == int(filters.in_stock)
        return keep

    def search(
        self,
        query: str,
        n: int,
        source: str | None = None,
        filters: SearchFilters | None = None,
    ) -> KeywordResult:
        """The top `n` passages by coverage, and every passage's coverage."""
        scores = self.scores(query)
        keep = self.mask(source, filters)
        ranked = scores if keep is None else np.where(keep, scores, 0.0)
        top: list[tuple[str, float]] = []
        if len(ranked) and n > 0:
            count = min(n, len(ranked))
            idx = np.argpartition(-ranked, count - 1)[:count]
            idx = idx[np.argsort(-ranked[idx], kind="stable")]
            top = [(self._built_ids[i], float(ranked[i])) for i in idx if ranked[i] > 0]
        return KeywordResult(top, self._built_pos, scores)


class KeywordResult:
    """The best passages for one query and a lookup of any passage's coverage."""

    def __init__(
        self, top: list[tuple[str, float]], pos: dict[str, int], scores: np.ndarray
    ) -> None:
        self.top = top
        self._pos = pos
        self._scores = scores

    def coverage(self, doc_id: str) -> float:
        i = self._pos.get(doc_id)
        return 0.0 if i is None else float(self._scores[i])
