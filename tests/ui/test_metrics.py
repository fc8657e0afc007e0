"""`/metrics` counts requests, turns, tokens and escalations."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import FastAPI

from bot import ShopBot
from bot.backends import FakeBackend
from bot.fakes import StaticKnowledge
from bot.settings import Settings
from tests.bot.test_shopbot import KNOWLEDGE
from ui.metrics import install_metrics


def test_metrics_count_turns_and_escalations(settings: Settings) -> None:
    bot = ShopBot(settings, backend=FakeBackend(), knowledge=StaticKnowledge(KNOWLEDGE))
    app = FastAPI()
    install_metrics(app, bot, settings)

    @app.get("/ping")
    async def ping() -> dict[str, str]:
        return {"ok": "yes"}

    bot.chat("How long do refunds to a credit card take?", session="m1")
    bot.chat("I want a human right now", session="m1")

    async def scenario() -> str:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            await client.get("/ping")
            return (await client.get("/metrics")).text

    text = asyncio.run(scenario())
    assert 'shopbot_http_requests_total{method="GET",route="/ping",status="200"} 1.0' in text
    assert 'shopbot_turns_total{language="en",status="bot"} 1.0' in text
    assert "shopbot_escalations_total 1.0" in text
    assert "shopbot_tokens_total" in text
