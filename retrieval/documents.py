"""The data types of retrieval: passages to index, hits found, filters and ingest reports."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Source = Literal["catalog", "policy", "dialogue"]
SOURCES: tuple[Source, ...] = ("catalog", "policy", "dialogue")

# Metadata keys used by the index itself, not shown in hits.
INTERNAL_KEYS = frozenset(
    {
        "content_hash",
        "doc_key",
        "options_json",
        "attributes_json",
        "category_norm",
        "brand_norm",
        "chunk",
    }
)
JSON_KEYS = {"options": "options_json", "attributes": "attributes_json"}
"""Mappings stored as JSON text (Chroma keeps scalars only) and decoded again in hits."""


@dataclass
class Passage:
    """One unit of knowledge: what is embedded, stored, found and cited.

    `text` is self-contained (the chat engine quotes `title` + `text`); `embed_text` is what
    the embedder sees (defaults to title + text); `doc_key` names the source record the
    passage comes from (product id, policy path, conversation id).
    """

    id: str
    source: Source
    title: str
    text: str
    doc_key: str
    metadata: dict[str, Any] = field(default_factory=dict)
    embed_text: str | None = None

    def embedding_input(self) -> str:
        """The text given to the embedder."""
        return self.embed_text if self.embed_text is not None else f"{self.title}\n{self.text}"

    def content_hash(self) -> str:
        """A hash of everything stored: unchanged passages are not re-embedded or rewritten."""
        payload = json.dumps(
            [self.title, self.text, self.embedding_input(), self.metadata],
            sort_keys=True,
            ensure_ascii=False,
            default=str,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]

    def chroma_metadata(self) -> dict[str, str | int | float | bool]:
        """Flat metadata for Chroma: scalars only, no None, dicts as JSON."""
        flat: dict[str, str | int | float | bool] = {
            "source": self.source,
            "title": self.title,
            "doc_key": self.doc_key,
            "content_hash": self.content_hash(),
        }
        for key, value in self.metadata.items():
            if value is None:
                continue
            if key in JSON_KEYS:
                flat[JSON_KEYS[key]] = json.dumps(value, ensure_ascii=False, sort_keys=True)
            elif isinstance(value, bool | int | float | str):
                flat[key] = value
            else:
                flat[key] = json.dumps(value, ensure_ascii=False, sort_keys=True)
        return flat


@dataclass
class Hit:
    """One search result, as printed by ``shopbot search --json``."""

    id: str
    source: str
    title: str
    text: str
    score: float
    metadata: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def public_metadata(stored: dict[str, Any]) -> dict[str, Any]:
    """Metadata as shown in a hit: internal keys dropped, options decoded."""
    out = {k: v for k, v in stored.items() if k not in INTERNAL_KEYS and k != "title"}
    for key, stored_as in JSON_KEYS.items():
        if stored_as in stored:
            out[key] = decoded(stored[stored_as])
    return out


def decoded(value: Any) -> dict[str, Any]:
    """A mapping stored as JSON text; empty if it cannot be read."""
    try:
        found = json.loads(value)
    except (TypeError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


@dataclass(frozen=True)
class SearchFilters:
    """Catalog filters; passages without the field (policies, dialogues) never match one."""

    category: str | None = None
    min_price: float | None = None
    max_price: float | None = None
    in_stock: bool | None = None
    brand: str | None = None

    def is_empty(self) -> bool:
        return all(v is None for v in asdict(self).values())

    def clauses(self) -> list[dict[str, Any]]:
        """Chroma ``where`` clauses."""
        out: list[dict[str, Any]] = []
        if self.category is not None:
            out.append({"category_norm": self.category.strip().casefold()})
        if self.brand is not None:
            out.append({"brand_norm": self.brand.strip().casefold()})
        if self.min_price is not None:
            out.append({"price": {"$gte": float(self.min_price)}})
        if self.max_price is not None:
            out.append({"price": {"$lte": float(self.max_price)}})
        if self.in_stock is not None:
            out.append({"in_stock": bool(self.in_stock)})
        return out

    def matches(self, metadata: dict[str, Any]) -> bool:
        """The same test as :meth:`clauses`, in Python."""
        if self.category is not None and metadata.get("category_norm") != (
            self.category.strip().casefold()
        ):
            return False
        if self.brand is not None and metadata.get("brand_norm") != self.brand.strip().casefold():
            return False
        price = metadata.get("price")
        if self.min_price is not None and (price is None or price < self.min_price):
            return False
        if self.max_price is not None and (price is None or price > self.max_price):
            return False
        return not (self.in_stock is not None and metadata.get("in_stock") is not self.in_stock)


def where_clause(source: str | None, filters: SearchFilters | None) -> dict[str, Any] | None:
    """Combine a source restriction and filters into one Chroma ``where``."""
    clauses: list[dict[str, Any]] = []
    if source is not None:
        clauses.append({"source": source})
    if filters is not None:
        clauses.extend(filters.clauses())
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


@dataclass
class RecordError:
    """One malformed record: where it is and what is wrong."""

    path: str
    line: int | None
    error: str
    key: str | None = None  # the record's id if it could be read (its old passages are kept)

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "error": self.error}


@dataclass
class SkipReason:
    """How many records were left out for one reason, and the ids of the first few."""

    EXAMPLES = 3
    count: int = 0
    first: list[str] = field(default_factory=list)


@dataclass
class SourceReport:
    """What ingesting one source did."""

    records: int = 0
    passages: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[RecordError] = field(default_factory=list)
    skip_reasons: dict[str, SkipReason] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in asdict(self).items() if k != "errors"}
        data["errors"] = [e.to_dict() for e in self.errors]
        return data

    def skipped_text(self) -> str:
        """``79 skipped: 79 not resolved (e.g. c-3, c-9, c-12)``, or ``0 skipped``."""
        reasons = [
            f"{r.count} {why}" + (f" (e.g. {', '.join(r.first)})" if r.first else "")
            for why, r in self.skip_reasons.items()
        ]
        return f"{self.skipped} skipped" + (": " + "; ".join(reasons) if reasons else "")


@dataclass
class IngestReport:
    """Counts per source (only the sources that were ingested)."""

    sources: dict[str, SourceReport] = field(default_factory=dict)
    reset: bool = False
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {name: report.to_dict() for name, report in self.sources.items()}

    @property
    def errors(self) -> list[RecordError]:
        return [e for report in self.sources.values() for e in report.errors]
