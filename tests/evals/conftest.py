"""Fixtures of the evaluation tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

RETRIEVAL_FIXTURES = Path(__file__).resolve().parents[1] / "retrieval" / "fixtures"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A writable copy of the retrieval tests' sample store (English and Chinese)."""
    target = tmp_path / "store"
    shutil.copytree(RETRIEVAL_FIXTURES, target)
    return target
