"""Embedders: the `Embedder` protocol, the real sentence-transformers one and a fast fake."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from bot.errors import RetrievalError
from retrieval.text import keyword_terms

if TYPE_CHECKING:
    from bot.settings import Settings


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalized float32 vectors."""

    name: str

    @property
    def dimension(self) -> int: ...

    def warm_up(self) -> None: ...

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalize(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32, copy=False)


class HashingEmbedder:
    """A deterministic, dependency-free embedder for tests: hashed words and CJK bigrams.

    Texts sharing words get similar vectors, so ranking tests behave sensibly; it has no
    notion of meaning beyond shared terms.
    """

    def __init__(self, dimension: int = 256) -> None:
        self._dimension = dimension
        self.name = f"hashing-{dimension}"

    @property
    def dimension(self) -> int:
        return self._dimension

    def warm_up(self) -> None:
        """Nothing to load."""

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self._dimension, dtype=np.float32)
        for term in keyword_terms(text):
            digest = hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest()
            value = int.from_bytes(digest, "little")
            sign = 1.0 if value & 1 else -1.0
            vector[(value >> 1) % self._dimension] += sign
        if not vector.any():
            vector[0] = 1.0
        return vector

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        return _normalize(np.stack([self._vector(t) for t in texts]))


def embedder_from_settings(settings: Settings) -> Embedder:
    """The configured embedder; ``hashing`` (or ``hashing:DIM``) gives the fast fake."""
    if settings.embedder.startswith("hashing"):
        _, _, dim = settings.embedder.partition(":")
        return HashingEmbedder(int(dim) if dim.isdigit() else 256)
    return SentenceTransformerEmbedder.from_settings(settings)


SMALL_BATCH = 8
"""Texts embedded with one thread (queries); larger batches use all of torch's threads."""


class SentenceTransformerEmbedder:
    """A sentence-transformers model (a folder or a Hugging Face id), loaded in `warm_up`."""

    def __init__(self, model: str, *, batch_size: int = 64, device: str = "cpu") -> None:
        self.model_name = model
        self.name = model.rstrip("/").split("/")[-1] if "/" in model else model
        self.batch_size = batch_size
        self.device = device
        self._model: Any = None
        self._dimension: int | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> SentenceTransformerEmbedder:
        """The configured embedder ('bundled' is all-MiniLM-L6-v2 from its package)."""
        from bot.models import resolve_embedder

        embedder = cls(resolve_embedder(settings), batch_size=settings.retrieval.batch_size)
        if settings.embedder != "bundled":
            embedder.name = settings.embedder
        else:
            embedder.name = "bundled:all-MiniLM-L6-v2"
        return embedder

    @property
    def dimension(self) -> int:
        if self._dimension is None:
            self.warm_up()
        assert self._dimension is not None
        return self._dimension

    def warm_up(self) -> None:
        if self._model is not None:
            return
        try:
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(self.model_name, device=self.device)
        except Exception as exc:
            raise RetrievalError(
                f"Could not load the embedder {self.model_name!r}: {exc}. Set SHOPBOT_EMBEDDER "
                "to a sentence-transformers folder or a model id in the local cache."
            ) from exc
        getter = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        self._dimension = int(getter())

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.warm_up()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        import torch

        # A few queries gain nothing from several threads, and while chats are answered those
        # threads would take the cores from the model engine: one thread, one query batch at
        # a time. Bulk embedding (ingestion) keeps all threads.
        with self._lock:
            threads = torch.get_num_threads()
            if len(texts) <= SMALL_BATCH:
                torch.set_num_threads(1)
            try:
                vectors = self._model.encode(
                    list(texts),
                    batch_size=self.batch_size,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                )
            except Exception as exc:
                raise RetrievalError(f"The embedder {self.model_name!r} failed: {exc}") from exc
            finally:
                torch.set_num_threads(threads)
        return _normalize(vectors)
