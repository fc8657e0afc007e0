"""A real `shopbot serve` process: real vLLM engine, real embedder and Chroma, SQLite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import MODELS_CACHE, ROOT
from tests.servers import free_port, running_process

pytestmark = [pytest.mark.slow, pytest.mark.integration]
KEY = "live-api-key"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("live-home")
    MODELS_CACHE.mkdir(parents=True, exist_ok=True)
    (home / "models").symlink_to(MODELS_CACHE, target_is_directory=True)
    env = {
        **os.environ,
        "SHOPBOT_HOME": str(home),
        "SHOPBOT_API_KEYS": KEY,
        "SHOPBOT_ENGINE__ENFORCE_EAGER": "true",
        "HF_HUB_OFFLINE": "1",
    }
    env.pop("SHOPBOT_CONFIG", None)
    subprocess.run(
        [sys.executable, "-m", "bot.cli", "ingest", "--policies", str(ROOT / "data" / "policies")],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )
    port = free_port()
    with running_process(
        [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
        ready_url=f"http://127.0.0.1:{port}/healthz",
        log_path=home / "serve.log",
        env=env,
        cwd=ROOT,
        timeout=300,
    ):
        yield f"http://127.0.0.1:{port}"


def test_health_says_the_engine_produces_a_token(server: str) -> None:
    body = httpx.get(f"{server}/healthz", timeout=30).json()
    assert body == {"status": "ok", "engine": "vllm"}


def test_shopper_page_is_served(server: str) -> None:
    page = httpx.get(server + "/", timeout=30)
    assert page.status_code == 200 and "gradio" in page.text.lower()


def test_helpdesk_flow_over_http(server: str) -> None:
    auth = {"Authorization": f"Bearer {KEY}"}
    with httpx.Client(base_url=server, headers=auth, timeout=120) as client:
        assert (
            client.post("/api/v1/conversations", headers={"Authorization": "Bearer x"}).status_code
            == 401
        )
        cid = client.post("/api/v1/conversations").json()["id"]
        reply = client.post(
            f"/api/v1/conversations/{cid}/messages",
            json={"content": "How many days do I have to return an item?"},
        ).json()
        assert "30 days" in reply["reply"] and reply["sources"][0]["path"] == "returns.md"

        with client.stream(
            "POST",
            f"/api/v1/conversations/{cid}/messages",
            json={"content": "And how long do refunds to a credit card take?"},
            headers={"Accept": "text/event-stream"},
        ) as stream:
            events = [line for line in stream.iter_lines() if line.startswith("event:")]
        assert events[0] == "event: delta" and events[-1] == "event: done"

        escalated = client.post(
            f"/api/v1/conversations/{cid}/messages",
            json={"content": "This is useless, get me a human agent now"},
        ).json()
        assert escalated["escalated"] is True
        assert cid in [c["id"] for c in client.get("/api/v1/escalations").json()]
        client.post(
            f"/api/v1/conversations/{cid}/agent-messages",
            json={"content": "Hi, Alex here. I'll sort this out.", "agent": "alex"},
        ).raise_for_status()
        client.post(f"/api/v1/conversations/{cid}/handback").raise_for_status()
        transcript = client.get(f"/api/v1/conversations/{cid}").json()
        roles = [m["role"] for m in transcript["messages"]]
        assert roles.count("user") == 3 and "agent" in roles and transcript["status"] == "bot"
        assert client.post(f"/api/v1/conversations/{cid}/messages", content=b"{").status_code == 422
        assert client.get("/api/v1/conversations/unknown-id").status_code == 404

    metrics = httpx.get(f"{server}/metrics", timeout=30).text
    assert "shopbot_turns_total" in metrics and "shopbot_escalations_total 1.0" in metrics
    assert json.loads(httpx.get(f"{server}/openapi.json", timeout=30).text)["paths"]
