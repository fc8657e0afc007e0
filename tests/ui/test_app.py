"""The web app in-process, through httpx's ASGI transport."""

from __future__ import annotations

import asyncio

import httpx

from bot import ShopBot
from bot.backends import FakeBackend
from bot.fakes import StaticKnowledge
from bot.settings import Settings
from tests.bot.test_shopbot import KNOWLEDGE
from ui.app import create_app


def _client(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://shop.test")


def test_shopper_page_and_health(settings: Settings) -> None:
    bot = ShopBot(settings, backend=FakeBackend(), knowledge=StaticKnowledge(KNOWLEDGE))
    bot.warm_up()
    app = create_app(settings, bot=bot)

    async def scenario() -> None:
        async with _client(app) as client:
            page = await client.get("/")
            assert page.status_code == 200
            assert "gradio" in page.text.lower()
            health = await client.get("/healthz")
            assert health.status_code == 200 and health.json()["status"] == "ok"

    asyncio.run(scenario())


def test_health_reports_a_dead_engine(settings: Settings) -> None:
    bot = ShopBot(settings, backend=FakeBackend(fail=True), knowledge=StaticKnowledge(KNOWLEDGE))
    app = create_app(settings, bot=bot)

    async def scenario() -> None:
        async with _client(app) as client:
            health = await client.get("/healthz")
            assert health.status_code == 503 and health.json()["status"] == "unavailable"

    asyncio.run(scenario())
