"""A real `shopbot serve` process: real vLLM engine, real embedder and Chroma, SQLite."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from tests.live import LIVE_API_KEY, LiveServer

pytestmark = [pytest.mark.slow, pytest.mark.integration]
KEY = LIVE_API_KEY


@pytest.fixture(scope="module")
def server(live_server: LiveServer) -> str:
    return live_server.url


def test_health_says_the_engine_produces_a_token(server: str) -> None:
    body = httpx.get(f"{server}/healthz", timeout=30).json()
    assert body["status"] == "ok" and body["engine"] == "vllm"
    checks = body["checks"]  # the engine produced a token; the database and index answer
    assert checks["engine"]["ok"] and checks["database"]["ok"] and checks["index"]["ok"]


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
    escalations = re.search(r"^shopbot_escalations_total ([0-9.]+)$", metrics, re.M)
    assert "shopbot_turns_total" in metrics and escalations and float(escalations[1]) >= 1
    assert json.loads(httpx.get(f"{server}/openapi.json", timeout=30).text)["paths"]
