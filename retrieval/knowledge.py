"""`KnowledgeBase`: ingest sources into the index and search them (dense + keyword)."""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.errors import RetrievalError
from bot.language import detect_language
from retrieval.documents import (
    SOURCES,
    Hit,
    IngestReport,
    Passage,
    SearchFilters,
    SourceReport,
    public_metadata,
    where_clause,
)
from retrieval.embedder import multilingual_partner_settings, reads_chinese
from retrieval.index import MirroredIndexes
from retrieval.keyword import KeywordIndex
from retrieval.merging import keep_sure_then_best
from retrieval.products import ProductView, product_view
from retrieval.ranking import (
    Candidate,
    collapse,
    diversify,
    keep_one_across,
    options_named,
    probe_margins,
    stretch_for,
    trust_for,
)
from retrieval.text import is_cjk, script_part
from retrieval.translation import to_chinese, to_english

if TYPE_CHECKING:
    from bot.settings import Settings
    from retrieval.embedder import Embedder
    from retrieval.index import Index
    from retrieval.loading import LoadResult

log = logging.getLogger(__name__)

CANDIDATES = 40  # per signal and query, before fusion and collapsing
BACKGROUND = 256  # stored vectors sampled to estimate a query's background similarity
ACROSS_CANDIDATES = 10  # dense candidates per query from passages in the other languages
MIN_LANGUAGE_PASSAGES = 3  # a language with fewer passages has no background of its own


class KnowledgeBase:
    """The store's knowledge: catalog, policies and past dialogues, searchable with citations."""

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder | None = None,
        index: Index | None = None,
        *,
        progress: bool = True,
        sync_interval: float = 1.0,
        multilingual: KnowledgeBase | None = None,
    ) -> None:
        wired_here = embedder is None and index is None
        if embedder is None:
            from retrieval.embedder import embedder_from_settings

            embedder = embedder_from_settings(settings)
        if index is None:
            from retrieval.index import ChromaIndex

            index = ChromaIndex.from_settings(settings, embedder.name)
        if multilingual is None and wired_here:
            multilingual = _multilingual_partner(settings, embedder, progress, sync_interval)
        self.multilingual = multilingual
        """The same passages in a multilingual encoder's collection: it answers wherever the
        question or the passage is not English (the English encoder stays on English)."""
        self._partner_warned: str | None = None
        self.label = ""  # after "Embedding <source>" in the progress bar
        self.settings = settings
        self.embedder = embedder
        self.index = index
        self.keyword = KeywordIndex()
        self.progress = progress
        self.sync_interval = sync_interval
        self._revision: str | None = None
        self._background = np.zeros((0, 0), dtype=np.float32)
        self._language_backgrounds: dict[str, np.ndarray] = {}
        self._written_in: set[str] = set()
        self._probe_margins: dict[str, float] | None = None
        self._checked = 0.0
        self._lock = threading.RLock()

    # -- lifecycle -----------------------------------------------------------------------

    def warm_up(self) -> None:
        """Load the embedder, open the index and build the keyword index."""
        self.embedder.warm_up()
        self.index.warm_up()
        self._sync(force=True)
        if self.multilingual is not None:
            self.multilingual.warm_up()

    def _sync(self, force: bool = False) -> None:
        """Rebuild the keyword index if another process changed the store."""
        with self._lock:
            now = time.monotonic()
            if (
                not force
                and self._revision is not None
                and now - self._checked < self.sync_interval
            ):
                return
            self._checked = now
            revision = self.index.revision()
            if revision == self._revision:
                return
            if self._revision is not None:
                self.index.refresh()  # another process wrote: re-open what Chroma caches
            started = time.monotonic()
            self.keyword.clear()
            for doc_id, document, metadata in self.index.scan():
                self.keyword.add(doc_id, document or "", dict(metadata or {}))
            self.keyword.scores("")  # build postings now, not on the first query
            self._background = self.index.sample(BACKGROUND)
            self._refresh_languages()
            self._revision = revision
            log.debug(
                "Keyword index: %d passages in %.2f s.",
                len(self.keyword),
                time.monotonic() - started,
            )

    # -- ingesting -----------------------------------------------------------------------

    def ingest(
        self,
        catalog: Path | str | None = None,
        policies: Path | str | None = None,
        dialogues: Path | str | None = None,
        *,
        reset: bool = False,
    ) -> IngestReport:
        """Upsert the given sources; passages that vanished from a given source are removed."""
        from retrieval.sources import load_source

        started = time.monotonic()
        report = IngestReport(reset=reset)
        plan = [(s, p) for s, p in zip(SOURCES, (catalog, policies, dialogues), strict=True) if p]
        loaded = {source: load_source(source, Path(path)) for source, path in plan}
        with self._lock:
            self.embedder.warm_up()
            if reset:
                self.index.reset()
                self._revision = None
            self.index.warm_up()
            self._sync(force=True)
            try:
                for source, result in loaded.items():
                    report.sources[source] = self._ingest_source(source, result)
            finally:
                self._revision = self.index.bump_revision()
                self._background = self.index.sample(BACKGROUND)
                self._refresh_languages()
        if self.multilingual is not None:
            self.multilingual.ingest(catalog, policies, dialogues, reset=reset)
        report.seconds = time.monotonic() - started
        return report

    def _ingest_source(self, source: str, result: LoadResult) -> SourceReport:
        report = SourceReport(
            records=result.records,
            skipped=result.skipped,
            errors=result.errors,
            skip_reasons=result.skip_reasons,
        )
        for error in result.errors:
            print(f"shopbot: skipped {error.path}:{error.line}: {error.error}", file=sys.stderr)
        existing = self.index.hashes(source)
        kept_keys = {e.key for e in result.errors if e.key}
        fresh: dict[str, Passage] = {}
        for passage in result.passages:
            fresh.setdefault(passage.id, passage)
        report.passages = len(fresh)
        changed: list[Passage] = []
        for pid, passage in fresh.items():
            old = existing.get(pid)
            if old is not None and old[0] == passage.content_hash():
                report.unchanged += 1
                continue
            if old is None:
                report.added += 1
            else:
                report.updated += 1
            changed.append(passage)
        gone = [
            pid for pid, (_, key) in existing.items() if pid not in fresh and key not in kept_keys
        ]
        self._store(changed, source)
        if gone:
            self.index.delete(gone)
            self.keyword.remove(gone)
        report.removed = len(gone)
        return report

    def add_passages(self, passages: list[Passage], vectors: np.ndarray | None = None) -> None:
        """Upsert passages as they are (no vanished-item removal); `vectors` if precomputed."""
        with self._lock:
            self.index.warm_up()
            self._sync()
            try:
                if vectors is None:
                    self._store(passages, "passages")
                else:
                    metas = [p.chroma_metadata() for p in passages]
                    self.index.upsert(
                        [p.id for p in passages], vectors, [p.text for p in passages], metas
                    )
                    for p, meta in zip(passages, metas, strict=True):
                        self.keyword.add(p.id, p.text, meta)
            finally:
                self._revision = self.index.bump_revision()
                self._background = self.index.sample(BACKGROUND)
                self._refresh_languages()
        if self.multilingual is not None:
            self.multilingual.add_passages(passages)

    def _refresh_languages(self) -> None:
        """The languages the store is written in, and a sample of stored vectors per language:
        a query's similarity to text in another language runs at another level than to its
        own (in a store written in one language, that is every question in another)."""
        by_language = {
            language: ids
            for language, ids in self.keyword.ids_by_language().items()
            if len(ids) >= MIN_LANGUAGE_PASSAGES
        }
        self._written_in = set(by_language)
        self._language_backgrounds = self._sample_languages(by_language)

    def _sample_languages(self, by_language: dict[str, list[str]]) -> dict[str, np.ndarray]:
        samples = {}
        for language, ids in by_language.items():
            step = max(1, len(ids) // BACKGROUND)
            vectors = self.index.vectors(sorted(ids)[::step][:BACKGROUND])
            if vectors:
                samples[language] = np.stack(list(vectors.values()))
        return samples

    def _store(self, passages: list[Passage], source: str) -> None:
        """Embed in batches (progress on stderr) and upsert."""
        if not passages:
            return
        from tqdm import tqdm

        batch = self.settings.retrieval.batch_size * 4
        with tqdm(
            total=len(passages),
            desc=f"Embedding {source}{self.label}",
            unit="passage",
            file=sys.stderr,
            disable=not self.progress,
            leave=False,
        ) as bar:
            for start in range(0, len(passages), batch):
                part = passages[start : start + batch]
                vectors = self.embedder.embed([p.embedding_input() for p in part])
                metas = [p.chroma_metadata() for p in part]
                self.index.upsert([p.id for p in part], vectors, [p.text for p in part], metas)
                for p, meta in zip(part, metas, strict=True):
                    self.keyword.add(p.id, p.text, meta)
                bar.update(len(part))

    # -- searching -----------------------------------------------------------------------

    def search(
        self,
        query: str,
        k: int | None = None,
        source: str | None = None,
        filters: SearchFilters | None = None,
    ) -> list[Hit]:
        """The `k` best hits for a query, best first, scores calibrated to 0..1."""
        return self.search_many([query], k=k, source=source, filters=filters)[0]

    def search_many(
        self,
        queries: Sequence[str],
        k: int | None = None,
        source: str | None = None,
        filters: SearchFilters | None = None,
    ) -> list[list[Hit]]:
        """Search several queries at once (one embedding batch, one index query)."""
        if not queries:
            return []
        partner = self._partner()
        ours = [
            row
            for row, query in enumerate(queries)
            if partner is None or detect_language(query) == "en"
        ]
        vectors = np.zeros((len(queries), self.embedder.dimension), dtype=np.float32)
        if ours:
            vectors[ours] = self.embedder.embed([queries[row] for row in ours])
        return self._search(queries, vectors, k, source, filters, partner)

    def search_vectors(
        self,
        queries: Sequence[str],
        vectors: np.ndarray,
        k: int | None = None,
        source: str | None = None,
        filters: SearchFilters | None = None,
    ) -> list[list[Hit]]:
        """Search with query vectors already embedded (the benchmark uses this)."""
        return self._search(queries, vectors, k, source, filters, self._partner())

    def _search(
        self,
        queries: Sequence[str],
        vectors: np.ndarray,
        k: int | None,
        source: str | None,
        filters: SearchFilters | None,
        partner: KnowledgeBase | None,
    ) -> list[list[Hit]]:
        if source is not None and source not in SOURCES:
            raise RetrievalError(f"Unknown source {source!r}; use one of {', '.join(SOURCES)}.")
        if filters is not None and filters.is_empty():
            filters = None
        k = k or self.settings.retrieval.top_k
        self._sync()
        languages = [detect_language(q) for q in queries]
        if partner is not None:
            return self._search_with(partner, queries, vectors, languages, k, source, filters)
        return self._search_alone(queries, vectors, languages, k, source, filters)

    def _search_alone(
        self,
        queries: Sequence[str],
        vectors: np.ndarray,
        languages: list[str],
        k: int,
        source: str | None,
        filters: SearchFilters | None,
        written_in: Sequence[str] | None = None,
    ) -> list[list[Hit]]:
        """Dense + keyword search with this index's encoder only; ``written_in``: only among
        passages in these languages."""
        n = max(CANDIDATES, 4 * k)
        where = where_clause(source, filters)
        if written_in is not None:
            clause: dict[str, Any] = {"language": {"$in": list(written_in)}}
            where = {"$and": [where, clause]} if where else clause
        dense = self.index.query(vectors, n, where)
        if written_in is None:
            self._add_across(dense, vectors, languages, where)
        results = [
            self._rank(query, vector, found, k, source, filters, language)
            for query, vector, found, language in zip(
                queries, vectors, dense, languages, strict=True
            )
        ]
        if written_in is None:
            self._add_translated(queries, languages, results, k, n, source, filters)
        return results

    def _search_with(
        self,
        partner: KnowledgeBase,
        queries: Sequence[str],
        vectors: np.ndarray,
        languages: list[str],
        k: int,
        source: str | None,
        filters: SearchFilters | None,
    ) -> list[list[Hit]]:
        """Each encoder where it reads best: a question that is not English is answered by the
        multilingual one alone; an English one by the English encoder on English passages,
        with the multilingual one's hits on the store's passages in other languages below
        what the English encoder is sure of."""
        results: list[list[Hit]] = [[] for _ in queries]
        english = [row for row, language in enumerate(languages) if language == "en"]
        if english:
            own = self._search_alone(
                [queries[r] for r in english],
                vectors[english],
                ["en"] * len(english),
                k,
                source,
                filters,
            )
            for row, hits in zip(english, own, strict=True):
                results[row] = hits
        other_languages = sorted(self._written_in - {"en"})
        if other_languages and english:
            # English passages crowd the multilingual encoder's nearest neighbours of an English
            # question: it is asked among the passages in the other languages only.
            texts = [queries[r] for r in english]
            found = partner.search_written_in(texts, other_languages, k, source, filters)
            with self._lock:  # the keyword index is rebuilt when another process writes
                for row, hits in zip(english, found, strict=True):
                    best_other = next(
                        (hit for hit in hits if self.keyword.language(hit.id) != "en"), None
                    )
                    merged = keep_sure_then_best(
                        [hit for hit in results[row] if self.keyword.language(hit.id) == "en"],
                        hits,
                        sure=lambda hit: hit.score >= self.settings.retrieval.min_score,
                        admit=lambda hit: self.keyword.language(hit.id) != "en",
                        k=k,
                    )
                    # An answer written only in the store's other language must reach the reply.
                    if (
                        best_other is not None
                        and best_other.score >= self.settings.retrieval.min_score
                        and all(self.keyword.language(hit.id) == "en" for hit in merged)
                        and len(merged) == k
                    ):
                        merged[-1] = best_other
                    results[row] = merged
        theirs = [row for row, language in enumerate(languages) if language != "en"]
        if theirs:
            found = partner.search_many(
                [queries[r] for r in theirs], k=k, source=source, filters=filters
            )
            for row, hits in zip(theirs, found, strict=True):
                results[row] = hits
        return results

    def search_written_in(
        self,
        queries: Sequence[str],
        languages: Sequence[str],
        k: int,
        source: str | None = None,
        filters: SearchFilters | None = None,
    ) -> list[list[Hit]]:
        """Search only among the passages written in ``languages``."""
        self._sync()
        vectors = self.embedder.embed(list(queries))
        asked = [detect_language(q) for q in queries]
        return self._search_alone(queries, vectors, asked, k, source, filters, written_in=languages)

    def _partner(self) -> KnowledgeBase | None:
        """The multilingual partner when it holds the same passages as this index (a store
        ingested before it existed has to be ingested again to use it)."""
        partner = self.multilingual
        if partner is None:
            return None
        self._sync()
        partner._sync()
        if len(partner.keyword) == len(self.keyword):
            return partner
        if self._partner_warned != self._revision:
            self._partner_warned = self._revision
            log.warning(
                "The multilingual index holds %d of the %d passages: Chinese is read through "
                "the dictionary until the store is ingested again (`shopbot ingest ...`).",
                len(partner.keyword),
                len(self.keyword),
            )
        return None

    def _add_translated(
        self,
        queries: Sequence[str],
        languages: list[str],
        results: list[list[Hit]],
        k: int,
        n: int,
        source: str | None,
        filters: SearchFilters | None,
    ) -> None:
        """Search each query again in the words of the store's passages in the other language
        (Chinese ↔ English, by dictionary) and keep, per passage, the better of the two scores."""
        if reads_chinese(self.embedder):
            return  # measured: the multilingual encoder ranks worse with the dictionary's words
        translated: dict[int, tuple[str, str]] = {}
        with self._lock:
            for row, (query, language) in enumerate(zip(queries, languages, strict=True)):
                target = "en" if language == "zh" else "zh"
                if target not in self._written_in:
                    continue
                translate = to_english if target == "en" else to_chinese
                if text := translate(query, self.keyword.document_frequency):
                    translated[row] = (text, target)
        if not translated:
            return
        texts = [text for text, _ in translated.values()]
        vectors = self.embedder.embed(texts)
        where = where_clause(source, filters)
        for (row, (text, target)), vector in zip(translated.items(), vectors, strict=True):
            clause: dict[str, Any] = {"language": target}
            found = self.index.query(
                vector[None, :], n, {"$and": [where, clause]} if where else clause
            )[0]
            # What the query found in its own language with confidence keeps its place: a
            # Chinese page answers a Chinese shopper better than the English one saying the same.
            ranked = self._rank(text, vector, found, k, source, filters, target)
            results[row] = keep_sure_then_best(
                results[row],
                [hit for hit in ranked if self.keyword.language(hit.id) == target],
                sure=lambda hit: hit.score >= self.settings.retrieval.min_score,
                admit=lambda hit: True,
                k=k,
            )

    def _add_across(
        self,
        dense: list[list[tuple[str, float]]],
        vectors: np.ndarray,
        languages: list[str],
        where: dict[str, Any] | None,
    ) -> None:
        """Add each query's best passages in the store's other languages: their similarity
        runs lower than that of text in the query's language, so they rarely make the top."""
        others = list(self._language_backgrounds)
        for language in set(languages):
            rest = [other for other in others if other != language]
            rows = [i for i, lang in enumerate(languages) if lang == language]
            if not rest or not rows or language not in self._language_backgrounds:
                continue
            clause: dict[str, Any] = {"language": {"$in": rest}}
            found = self.index.query(
                vectors[rows], ACROSS_CANDIDATES, {"$and": [where, clause]} if where else clause
            )
            for row, extra in zip(rows, found, strict=True):
                seen = {doc_id for doc_id, _ in dense[row]}
                dense[row] = dense[row] + [hit for hit in extra if hit[0] not in seen]

    def _rank(
        self,
        query: str,
        vector: np.ndarray,
        dense: list[tuple[str, float]],
        k: int,
        source: str | None,
        filters: SearchFilters | None,
        language: str = "en",
    ) -> list[Hit]:
        with self._lock:
            keyword = self.keyword.search(query, max(CANDIDATES, 4 * k), source, filters)
            cos = dict(dense)
            ids = list(cos) + [i for i, _ in keyword.top if i not in cos]
            extra = self._named_variants(query, ids, source, filters)
            ids += [i for i in extra if i not in set(ids)]
            metas = {i: self.keyword.metadata(i) for i in ids}
            written_in = {i: self.keyword.language(i) for i in ids}
            # Words in another script than a passage's cannot be in it: a passage in another
            # language is matched on the query's words in its own script, the others counting
            # only as far as the encoder is not trusted across languages.
            in_script: dict[str, tuple[Any, float]] = {}
            for lang in {w for w in written_in.values() if w and w != language}:
                ours = script_part(query, lang)
                weight = self.keyword.query_weight(ours)
                rest = self.keyword.query_weight(query) - weight
                share = weight / max(1e-9, weight + (1.0 - self.trust()["across"]) * rest)
                in_script[lang] = (self.keyword.search(ours, 1, source, filters), share)
            cands: list[Candidate] = []
            missing = [i for i in ids if i not in cos and metas[i] is not None]
        if missing:
            for doc_id, vec in self.index.vectors(missing).items():
                cos[doc_id] = float(np.dot(vec, vector))
        background = self._background
        base = float(np.mean(background @ vector)) if background.size else 0.0
        trusts = self.trust()
        trust = trusts["cjk" if is_cjk(query) else "latin"]
        level = {}
        for lang, sample in self._language_backgrounds.items():
            sims = sample @ vector
            level[lang] = (float(np.mean(sims)), float(np.std(sims)) or 1.0)
        # A question in a language the store is not written in: every passage is in another
        # language, nothing stands out against text in the question's own, and the dense
        # signal decides alone, on the encoder's own scale across languages. (Where the store
        # has the question's language too, its passages there keep the lead they have.)
        foreign = bool(level) and language not in level
        stretch = stretch_for(self._margins()["across"]) if foreign else 1.0
        hub = self._hubness(
            [i for i in ids if written_in.get(i) in level and written_in.get(i) != language],
            language,
        )
        for doc_id in ids:
            meta = metas.get(doc_id)
            if meta is None or doc_id not in cos:
                continue  # written by another process since the last sync
            written = written_in.get(doc_id)
            if level and written in level and written != language:
                cand = Candidate(
                    doc_id,
                    cos[doc_id],
                    in_script[written][0].coverage(doc_id) * in_script[written][1],
                    meta,
                    level[written][0],
                    trusts["across"],
                    across=True,
                    # Standing out is judged against text in the query's language too (hub);
                    # a store with none of it has no such measure, and the top of a small
                    # store stands out from the rest for any question at all.
                    surprise=(
                        0.0 if foreign else _surprise(cos[doc_id], level[written], hub.get(doc_id))
                    ),
                    stretch=stretch,
                )
            else:
                cand = Candidate(doc_id, cos[doc_id], keyword.coverage(doc_id), meta, base, trust)
            if meta.get("kind") == "variant" and meta.get("options_json"):
                cand.option_matches = options_named(query, json.loads(meta["options_json"]))
            cands.append(cand)
        ranked = collapse(cands, query)
        top = diversify(ranked, k, mixed=source is None)
        if level:
            top = keep_one_across(ranked, top, k)
        return [self._hit(c) for c in top]

    def _hubness(self, ids: list[str], language: str) -> dict[str, tuple[float, float]]:
        """Each passage's similarity to text in ``language`` in general (mean, spread).

        Across languages, some passages sit close to everything written in the other one (a
        Chinese page full of prices and Latin names, to any English text): a passage stands out
        for a query only when it is close to it both against the rest of its own language and
        against its closeness to the query's language in general (two-sided, as CSLS does for
        cross-lingual neighbours)."""
        sample = self._language_backgrounds.get(language)
        if sample is None or not ids:
            return {}
        out = {}
        for doc_id, vec in self.index.vectors(ids).items():
            sims = sample @ vec
            out[doc_id] = (float(np.mean(sims)), float(np.std(sims)) or 1.0)
        return out

    def dialogue_index(self) -> Index | MirroredIndexes:
        """The index to delete a conversation's passages from: this one and the multilingual
        partner's, so that nothing of it stays searchable."""
        if self.multilingual is None:
            return self.index
        return MirroredIndexes([self.index, self.multilingual.index])

    def products(self, product_ids: Sequence[str]) -> list[ProductView]:
        """The catalog records of these products (unknown ids are left out), in that order."""
        with self._lock:
            self._sync()
            out = []
            for pid in product_ids:
                passages = [
                    (doc_id, self.keyword.metadata(doc_id) or {})
                    for doc_id in sorted(self.keyword.group("catalog", str(pid)))
                ]
                product = next(((i, m) for i, m in passages if m.get("kind") == "product"), None)
                if product is None:
                    continue
                variants = [m for _, m in passages if m.get("kind") == "variant"]
                text = self.keyword.document(product[0]) or ""
                out.append(product_view(product[1], variants, product[0], text))
            return out

    def documents(self, source: str) -> list[str]:
        """The text of every passage from ``source`` ("policy", "catalog", "dialogue")."""
        with self._lock:
            self._sync()
            return self.keyword.documents(source)

    def trust(self) -> dict[str, float]:
        """How far the dense signal is trusted per script and across scripts."""
        return {name: trust_for(margin) for name, margin in self._margins().items()}

    def _margins(self) -> dict[str, float]:
        """The encoder's probe margins (probed once per knowledge base)."""
        if self._probe_margins is None:
            self._probe_margins = probe_margins(lambda texts: self.embedder.embed(texts))
            log.debug("Dense probe margins: %s", self._probe_margins)
        return self._probe_margins

    def _named_variants(
        self, query: str, ids: list[str], source: str | None, filters: SearchFilters | None
    ) -> list[str]:
        """Variants of candidate products whose option values the query names."""
        out: list[str] = []
        seen: set[str] = set()
        for doc_id in ids:
            meta = self.keyword.metadata(doc_id) or {}
            pid = meta.get("product_id")
            if meta.get("source") != "catalog" or pid is None or pid in seen:
                continue
            seen.add(pid)
            for vid in self.keyword.group("catalog", str(meta.get("doc_key", pid))):
                vmeta = self.keyword.metadata(vid) or {}
                if vmeta.get("kind") != "variant" or not vmeta.get("options_json"):
                    continue
                if filters is not None and not filters.matches(vmeta):
                    continue
                if options_named(query, json.loads(vmeta["options_json"])):
                    out.append(vid)
        return out

    def _hit(self, cand: Candidate) -> Hit:
        meta = cand.metadata
        return Hit(
            id=cand.id,
            source=str(meta.get("source", "")),
            title=str(meta.get("title", "")),
            text=self.keyword.document(cand.id) or "",
            score=round(cand.score, 4),
            metadata=public_metadata(meta),
        )

    def stats(self) -> dict[str, Any]:
        """Passages per source in the index."""
        self._sync(force=True)
        counts: dict[str, Any] = dict.fromkeys(SOURCES, 0)
        for meta in self.keyword.all_metadata():
            counts[str(meta.get("source"))] = counts.get(str(meta.get("source")), 0) + 1
        return counts


def _surprise(cos: float, level: tuple[float, float], hubness: tuple[float, float] | None) -> float:
    """How many standard deviations a passage in another language stands out for a query:
    against the query's similarity to that language (``level``), and against the passage's
    similarity to the query's language (``hubness``), whichever says less."""
    query_side = (cos - level[0]) / level[1]
    if hubness is None:
        return query_side
    return min(query_side, (cos - hubness[0]) / hubness[1])


def _multilingual_partner(
    settings: Settings, embedder: Embedder, progress: bool, sync_interval: float
) -> KnowledgeBase | None:
    """The multilingual encoder's knowledge base beside an English-only one (its own collection,
    ``<collection>-ml``), or None when it is turned off, not installed or not needed."""
    local = multilingual_partner_settings(settings, embedder)
    if local is None:
        return None
    retrieval = settings.retrieval.model_copy(
        update={"collection": f"{settings.retrieval.collection}-ml", "multilingual": ""}
    )
    partner = KnowledgeBase(
        local.model_copy(update={"retrieval": retrieval}),
        progress=progress,
        sync_interval=sync_interval,
    )
    partner.label = " (multilingual)"
    return partner
