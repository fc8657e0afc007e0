"""Per-message scores and the predicted CSAT through the helpdesk API."""

from __future__ import annotations

import asyncio

import httpx
from pydantic import SecretStr

from bot import ShopBot
from bot.backends import FakeBackend
from bot.fakes import StaticKnowledge
from bot.settings import Settings
from tests.bot.test_shopbot import KNOWLEDGE

KEY = "test-key-456"
AUTH = {"Authorization": f"Bearer {KEY}"}


def test_scores_and_predicted_csat_are_visible(settings: Settings) -> None:
    from ui.app import create_app

    settings = settings.model_copy(update={"api_keys": [SecretStr(KEY)]})
    backend = FakeBackend(lambda r: "Refunds to a credit card take 5-7 business days [1].")
    bot = ShopBot(settings, backend=backend, knowledge=StaticKnowledge(KNOWLEDGE))
    app = create_app(settings, bot=bot)

    async def scenario(client: httpx.AsyncClient) -> None:
        cid = (await client.post("/api/v1/conversations", headers=AUTH)).json()["id"]
        url = f"/api/v1/conversations/{cid}"
        await client.post(
            f"{url}/messages", json={"content": "How long do refunds take?"}, headers=AUTH
        )
        calm = (await client.get(url, headers=AUTH)).json()
        await client.post(
            f"{url}/messages",
            json={"content": "Still nothing after 3 weeks, this is unacceptable!"},
            headers=AUTH,
        )
        angry = (await client.get(url, headers=AUTH)).json()
        assert 1 <= angry["predicted_csat"] < calm["predicted_csat"] <= 5
        scored = [m["sentiment"] for m in angry["messages"] if m.get("sentiment")]
        assert [s["dissatisfaction"] >= 0.7 for s in scored] == [False, True]
        assert angry["status"] == "waiting_for_agent"

    async def main() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://shop.test") as client:
            await scenario(client)

    try:
        asyncio.run(main())
    finally:
        bot.close()
