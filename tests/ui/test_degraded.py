"""The web app when its database or its index goes away, with the real servers stopped and
started again mid-test (PostgreSQL, Chroma).

- Database down: a message is never acknowledged without being stored: 503 with Retry-After
  and a message saying to retry with the same Idempotency-Key; the retry, once the database
  is back, stores it exactly once. /healthz says unavailable, naming the database.
- Index down: the bot still answers, honestly (it cannot look things up right now, would the
  shopper like a person?), in the shopper's language; /healthz says degraded.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from bot import ShopBot
from bot.backends import FakeBackend
from bot.fakes import StaticKnowledge
from bot.language import phrase
from bot.settings import Settings
from evals.stack import _postgres_bin
from tests.bot.test_shopbot import KNOWLEDGE
from tests.conftest import DATA
from tests.servers import free_port, postgres_server, running_process
from ui.app import create_app

KEY = "degraded-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
REPLY = "Refunds to a credit card take 5-7 business days [1]."
pytestmark = pytest.mark.integration


def _pg_ctl(workdir: Path, url: str, action: str) -> None:
    """Stop or start the test's own PostgreSQL cluster (the database 'goes away')."""
    port = httpx.URL(url.replace("postgresql+psycopg", "http")).port
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    options = f"-p {port} -k {workdir / 'pgsock'} -c listen_addresses=127.0.0.1 -c fsync=off"
    command = [str(_postgres_bin() / "pg_ctl"), "-D", str(workdir / "pgdata"), "-w"]
    if action == "stop":
        command += ["-m", "immediate", "stop"]
    else:
        command += ["-l", str(workdir / "postgres.log"), "-o", options, "start"]
    subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)


def _client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://shop.test")


def test_database_outage_acknowledges_nothing_unstored(settings: Settings) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="shopbot-pg-outage-"))
    with postgres_server(workdir) as url:
        config = settings.model_copy(update={"database_url": url, "api_keys": [SecretStr(KEY)]})
        bot = ShopBot(
            config, backend=FakeBackend(lambda r: REPLY), knowledge=StaticKnowledge(KNOWLEDGE)
        )
        bot.warm_up()
        app = create_app(config, bot=bot)

        async def scenario() -> None:
            async with _client(app) as client:
                cid = (await client.post("/api/v1/conversations", headers=AUTH)).json()["id"]
                url_messages = f"/api/v1/conversations/{cid}/messages"
                first = await client.post(
                    url_messages, json={"content": "How long do refunds take?"}, headers=AUTH
                )
                assert first.status_code == 200

                _pg_ctl(workdir, url, "stop")
                retry = {**AUTH, "Idempotency-Key": "turn-2"}
                question = {"content": "退款多久能到账？"}
                for stream in (False, True):
                    headers = {**retry, "Accept": "text/event-stream"} if stream else retry
                    down = await client.post(url_messages, json=question, headers=headers)
                    assert down.status_code == 503, down.text
                    assert down.headers["Retry-After"]
                    message = down.json()["error"]["message"]
                    assert "nothing was stored" in message and "Idempotency-Key" in message
                health = await client.get("/healthz")
                assert health.status_code == 503
                body = health.json()
                assert body["status"] == "unavailable" and not body["checks"]["database"]["ok"]
                assert body["checks"]["engine"]["ok"]

                _pg_ctl(workdir, url, "start")
                again = await client.post(url_messages, json=question, headers=retry)
                assert again.status_code == 200, again.text
                twice = await client.post(url_messages, json=question, headers=retry)
                assert twice.json() == again.json()
                stored = (await client.get(f"/api/v1/conversations/{cid}", headers=AUTH)).json()
                shopper = [m["content"] for m in stored["messages"] if m["role"] == "user"]
                assert shopper == ["How long do refunds take?", "退款多久能到账？"]
                assert (await client.get("/healthz")).json()["status"] == "ok"

        try:
            asyncio.run(scenario())
        finally:
            bot.close()


@pytest.fixture
def chroma(tmp_path: Path) -> Iterator[tuple[list[str], Path]]:
    """A command that starts a Chroma server on a fixed port and folder (restartable)."""
    chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = free_port()
    command = [chroma, "run", "--path", str(tmp_path / "chroma"), "--host", "127.0.0.1"]
    yield [*command, "--port", str(port)], tmp_path


def _chroma_running(command: list[str], folder: Path) -> Any:
    url = f"http://127.0.0.1:{command[-1]}"
    return running_process(
        command,
        ready_url=f"{url}/api/v2/heartbeat",
        log_path=folder / "chroma.log",
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        timeout=90,
    )


@pytest.mark.slow
def test_index_outage_answers_honestly_and_reports_degraded(
    settings: Settings, chroma: tuple[list[str], Path]
) -> None:
    from retrieval import KnowledgeBase

    command, folder = chroma
    policies = folder / "policies"
    policies.mkdir()
    shutil.copy(DATA / "policies" / "refunds.md", policies)
    config = settings.model_copy(
        update={"chroma_url": f"http://127.0.0.1:{command[-1]}", "api_keys": [SecretStr(KEY)]}
    )

    with _chroma_running(command, folder):
        knowledge = KnowledgeBase(config)
        knowledge.warm_up()
        knowledge.ingest(policies=policies)
        bot = ShopBot(config, backend=FakeBackend(), knowledge=knowledge)
        bot.warm_up()
        app = create_app(config, bot=bot)

        async def ask(text: str) -> dict[str, Any]:
            async with _client(app) as client:
                cid = (await client.post("/api/v1/conversations", headers=AUTH)).json()["id"]
                answer = await client.post(
                    f"/api/v1/conversations/{cid}/messages", json={"content": text}, headers=AUTH
                )
                assert answer.status_code == 200, answer.text
                stored = await client.get(f"/api/v1/conversations/{cid}", headers=AUTH)
                return {**answer.json(), "stored": stored.json()["messages"]}

        async def health() -> dict[str, Any]:
            async with _client(app) as client:
                response = await client.get("/healthz")
                assert response.status_code == 200
                return response.json()

        question = "How long does a refund to a credit card take?"
        before = asyncio.run(ask(question))
        assert before["sources"] and before["reply"] != phrase("en", "knowledge_unavailable")
        assert asyncio.run(health())["status"] == "ok"

    try:  # Chroma is stopped now
        for text, language in ((question, "en"), ("退款多久能到账？", "zh")):
            degraded = asyncio.run(ask(text))
            assert degraded["reply"] == phrase(language, "knowledge_unavailable")
            assert degraded["stored"][-1]["content"] == degraded["reply"]  # kept, not lost
        report = asyncio.run(health())
        assert report["status"] == "degraded" and not report["checks"]["index"]["ok"]

        with _chroma_running(command, folder):
            after = asyncio.run(ask(question))
            assert after["sources"] and after["reply"] != phrase("en", "knowledge_unavailable")
            assert asyncio.run(health())["status"] == "ok"
    finally:
        bot.close()
