"""The helpdesk API in-process (httpx ASGI transport), with the fake backend."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import httpx
import pytest
from pydantic import SecretStr

from bot import ShopBot
from bot.backends import FakeBackend
from bot.fakes import StaticKnowledge
from bot.settings import Settings
from tests.bot.test_shopbot import KNOWLEDGE
from ui.app import create_app

KEY = "test-key-123"
AUTH = {"Authorization": f"Bearer {KEY}"}


@pytest.fixture
def app(settings: Settings) -> Iterator[object]:
    settings = settings.model_copy(update={"api_keys": [SecretStr(KEY)]})
    backend = FakeBackend(lambda r: "Refunds to a credit card take 5-7 business days [1].")
    bot = ShopBot(settings, backend=backend, knowledge=StaticKnowledge(KNOWLEDGE))
    bot.warm_up()
    yield create_app(settings, bot=bot)
    bot.close()


def run(app: object, scenario) -> None:
    async def main() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://shop.test") as client:
            await scenario(client)

    asyncio.run(main())


def test_the_whole_helpdesk_flow(app: object) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        created = await client.post("/api/v1/conversations", headers=AUTH)
        assert created.status_code == 201
        cid = created.json()["id"]
        reply = await client.post(
            f"/api/v1/conversations/{cid}/messages",
            json={"content": "How long do refunds to a credit card take?"},
            headers=AUTH,
        )
        assert reply.status_code == 200, reply.text
        body = reply.json()
        assert "5-7 business days" in body["reply"] and body["sources"]
        assert body["escalated"] is False and "dissatisfaction" in body["sentiment"]

        human = await client.post(
            f"/api/v1/conversations/{cid}/messages",
            json={"content": "This is useless, let me talk to a real person!"},
            headers=AUTH,
        )
        assert human.json()["escalated"] is True
        queue = (await client.get("/api/v1/escalations", headers=AUTH)).json()
        assert [c["id"] for c in queue] == [cid]
        assert queue[0]["reasons"]

        agent = await client.post(
            f"/api/v1/conversations/{cid}/agent-messages",
            json={"content": "Hi, I'm Dana from the team. I've refunded you.", "agent": "dana"},
            headers=AUTH,
        )
        assert agent.status_code == 200 and agent.json()["role"] == "agent"
        quiet = await client.post(
            f"/api/v1/conversations/{cid}/messages", json={"content": "thanks!"}, headers=AUTH
        )
        assert quiet.json()["reply"] == "" and quiet.json()["status"] == "agent"

        back = await client.post(f"/api/v1/conversations/{cid}/handback", headers=AUTH)
        assert back.json()["status"] == "bot"
        again = await client.post(
            f"/api/v1/conversations/{cid}/messages",
            json={"content": "One more: how long do refunds to a credit card take?"},
            headers=AUTH,
        )
        assert again.json()["reply"] and again.json()["escalated"] is False

        transcript = (await client.get(f"/api/v1/conversations/{cid}", headers=AUTH)).json()
        roles = [m["role"] for m in transcript["messages"]]
        assert roles.count("agent") == 1 and roles[0] == "user"
        assert transcript["messages"][0]["sentiment"] is not None

        closed = await client.post(f"/api/v1/conversations/{cid}/close", headers=AUTH)
        assert closed.json()["status"] == "closed"
        late = await client.post(
            f"/api/v1/conversations/{cid}/messages", json={"content": "hello"}, headers=AUTH
        )
        assert late.status_code == 409

    run(app, scenario)


def test_auth_is_required(app: object) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        assert (await client.post("/api/v1/conversations")).status_code == 401
        wrong = await client.post("/api/v1/conversations", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "unauthorized"

    run(app, scenario)


def test_bad_input_gets_clear_4xx(app: object) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        cid = (await client.post("/api/v1/conversations", headers=AUTH)).json()["id"]
        url = f"/api/v1/conversations/{cid}/messages"
        malformed = await client.post(
            url, content=b"{not json", headers={**AUTH, "Content-Type": "application/json"}
        )
        assert malformed.status_code == 400
        assert malformed.json()["error"]["message"].startswith("invalid JSON at line 1 column 2")
        empty = await client.post(url, json={"content": "   "}, headers=AUTH)
        assert empty.status_code == 422 and "empty" in empty.json()["error"]["message"]
        huge = await client.post(url, json={"content": "x" * 5000}, headers=AUTH)
        assert huge.status_code == 413
        extra = await client.post(url, json={"content": "hi", "role": "system"}, headers=AUTH)
        assert extra.status_code == 422
        missing = await client.post(
            "/api/v1/conversations/nope/messages", json={"content": "hi"}, headers=AUTH
        )
        assert missing.status_code == 404
        assert (await client.get("/api/v1/conversations/nope", headers=AUTH)).status_code == 404
        stored = (await client.get(f"/api/v1/conversations/{cid}", headers=AUTH)).json()
        assert stored["messages"] == []

    run(app, scenario)


def test_server_sent_events_stream_the_reply(app: object) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        cid = (await client.post("/api/v1/conversations", headers=AUTH)).json()["id"]
        response = await client.post(
            f"/api/v1/conversations/{cid}/messages",
            json={"content": "How long do refunds to a credit card take?"},
            headers={**AUTH, "Accept": "text/event-stream"},
        )
        assert response.headers["content-type"].startswith("text/event-stream")
        events = [block for block in response.text.split("\n\n") if block.strip()]
        kinds = [block.split("\n")[0] for block in events]
        assert kinds[-1] == "event: done" and "event: delta" in kinds
        deltas = "".join(
            json.loads(b.split("data: ", 1)[1])["text"] for b in events if "event: delta" in b
        )
        done = json.loads(events[-1].split("data: ", 1)[1])
        assert deltas.strip() == done["reply"]

    run(app, scenario)


def test_idempotency_key_answers_a_retry_once(app: object) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        cid = (await client.post("/api/v1/conversations", headers=AUTH)).json()["id"]
        headers = {**AUTH, "Idempotency-Key": "msg-1"}
        body = {"content": "How long do refunds to a credit card take?"}
        first = await client.post(
            f"/api/v1/conversations/{cid}/messages", json=body, headers=headers
        )
        second = await client.post(
            f"/api/v1/conversations/{cid}/messages", json=body, headers=headers
        )
        assert first.json() == second.json()
        transcript = (await client.get(f"/api/v1/conversations/{cid}", headers=AUTH)).json()
        assert len(transcript["messages"]) == 2

    run(app, scenario)


def test_openapi_document_describes_the_api(app: object) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        spec = (await client.get("/openapi.json")).json()
        for path in (
            "/api/v1/conversations",
            "/api/v1/escalations",
            "/api/v1/conversations/{conversation_id}/agent-messages",
        ):
            assert path in spec["paths"]

    run(app, scenario)
