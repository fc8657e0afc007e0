"""A langchain-core `BaseRetriever` over a `KnowledgeBase` (langchain is imported only here)."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from retrieval.documents import Hit, SearchFilters


def hit_to_document(hit: Hit) -> Document:
    """A LangChain document: title + text as content; id, source, score and metadata kept."""
    return Document(
        page_content=f"{hit.title}\n{hit.text}",
        id=hit.id,
        metadata={**hit.metadata, "id": hit.id, "source": hit.source, "score": hit.score},
    )


class ShopbotRetriever(BaseRetriever):
    """Retrieve shopbot knowledge: ``ShopbotRetriever(knowledge=kb, k=5).invoke("...")``.

    Hits below `min_score` (None: no threshold) are left out.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    knowledge: Any
    k: int = 5
    source: str | None = None
    filters: SearchFilters | None = None
    min_score: float | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        hits = self.knowledge.search(query, k=self.k, source=self.source, filters=self.filters)
        if self.min_score is not None:
            hits = [h for h in hits if h.score >= self.min_score]
        return [hit_to_document(h) for h in hits]
