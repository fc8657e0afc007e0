"""Loaders for the three sources: catalog, policies (and FAQ), past dialogues."""

from __future__ import annotations

from pathlib import Path

from bot.errors import InputError
from retrieval.catalog import load_catalog
from retrieval.dialogues import load_dialogues
from retrieval.loading import LoadResult
from retrieval.policies import load_policies

__all__ = ["LoadResult", "load_catalog", "load_dialogues", "load_policies", "load_source"]


def load_source(source: str, path: Path) -> LoadResult:
    """Read one source; InputError if the file or folder itself is unusable."""
    if source == "catalog":
        return load_catalog(path)
    if source == "policy":
        return load_policies(path)
    if source == "dialogue":
        return load_dialogues(path)
    raise InputError(f"unknown source {source!r}", path=str(path))
