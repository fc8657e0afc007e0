"""Retrieval: a catalog-aware knowledge index in Chroma with citations.

It owns loading the catalog, policies and past dialogues, embedding them, the index and
search. It may import only the foundation of `bot` (settings, errors, model files, personal
data masking), never the chat pipeline that asks it; `retrieval.commands` (`shopbot ingest`,
`shopbot search`) is the command line's. Heavy libraries (chromadb, sentence-transformers,
langchain-core) load only when used.
"""

from __future__ import annotations

from retrieval.documents import Hit, IngestReport, Passage, SearchFilters, SourceReport
from retrieval.embedder import (
    Embedder,
    HashingEmbedder,
    SentenceTransformerEmbedder,
    UniversalSentenceEncoder,
    embedder_from_settings,
    reads_chinese,
)
from retrieval.index import ChromaIndex, Index, MemoryIndex
from retrieval.knowledge import KnowledgeBase
from retrieval.ranking import DEFAULT_MIN_SCORE

__all__ = [
    "DEFAULT_MIN_SCORE",
    "ChromaIndex",
    "Embedder",
    "HashingEmbedder",
    "Hit",
    "Index",
    "IngestReport",
    "KnowledgeBase",
    "MemoryIndex",
    "Passage",
    "SearchFilters",
    "SentenceTransformerEmbedder",
    "SourceReport",
    "UniversalSentenceEncoder",
    "embedder_from_settings",
    "reads_chinese",
]
