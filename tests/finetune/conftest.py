"""Fixtures of the fine-tuning tests: the bundled model's folder (converted once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.model_files import resolve_chat_model
from tests.conftest import make_settings


@pytest.fixture(scope="session")
def bundled_folder(tmp_path_factory: pytest.TempPathFactory) -> str:
    settings = make_settings(tmp_path_factory.mktemp("ft-home"))
    return resolve_chat_model(settings, promoted=False)


@pytest.fixture(scope="session")
def tokenizer(bundled_folder: str):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(bundled_folder)


@pytest.fixture
def demo_conversations() -> Path:
    return Path(__file__).resolve().parents[2] / "data" / "conversations.jsonl"
