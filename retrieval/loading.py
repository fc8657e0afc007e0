"""Shared pieces of the loaders: the load result, reading files, ids."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import InputError
from retrieval.documents import Passage, RecordError, SkipReason

_UNSAFE = re.compile(r"[^\w.\-/~@+]+", re.UNICODE)


@dataclass
class LoadResult:
    """Passages read from one source, and the records that could not be read."""

    passages: list[Passage] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    records: int = 0
    skipped: int = 0
    skip_reasons: dict[str, SkipReason] = field(default_factory=dict)

    def skip(self, reason: str, key: str | None) -> None:
        """Count a record left out on purpose (not an error), and why."""
        self.skipped += 1
        entry = self.skip_reasons.setdefault(reason, SkipReason())
        entry.count += 1
        if key is not None and len(entry.first) < SkipReason.EXAMPLES:
            entry.first.append(key)


def read_text(path: Path) -> str:
    """A UTF-8 text file (BOM tolerated); InputError if missing or not text."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError("file not found", path=str(path)) from exc
    except IsADirectoryError as exc:
        raise InputError("is a folder, expected a file", path=str(path)) from exc
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=str(path)) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"not UTF-8 text (byte {exc.start}); save it as UTF-8", path=str(path), line=line
        ) from exc


def safe_id(value: str) -> str:
    """A readable id fragment: whitespace and odd characters become '-'."""
    return _UNSAFE.sub("-", value.strip()).strip("-") or "x"
