"""Fixtures for the web app: in-process (fake backend, every kind of key) and one real
`shopbot serve` shared by the whole session."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator

import httpx
import pytest
from pydantic import SecretStr

from bot import ShopBot
from bot.backends import FakeBackend
from bot.fakes import StaticKnowledge
from bot.settings import Settings
from tests.bot.test_shopbot import KNOWLEDGE
from ui.app import create_app

API_KEY = "test-key-123"
AGENT_KEY = "agent-key-456"
PUBLIC_KEY = "pk-public-789"
SHOP = "https://shop.example"
REFUND_REPLY = "Refunds to a credit card take 5-7 business days [1]."


@pytest.fixture
def web_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "api_keys": [SecretStr(API_KEY)],
            "agent_keys": [SecretStr(AGENT_KEY)],
            "public_keys": [PUBLIC_KEY],
            "allowed_origins": [SHOP],
            "store_name": "Northwind Lane",
        }
    )


@pytest.fixture
def web_app(web_settings: Settings) -> Iterator[object]:
    backend = FakeBackend(lambda r: REFUND_REPLY)
    bot = ShopBot(web_settings, backend=backend, knowledge=StaticKnowledge(KNOWLEDGE))
    bot.warm_up()
    yield create_app(web_settings, bot=bot)
    bot.close()


def run_client(app: object, scenario: Callable[[httpx.AsyncClient], Awaitable[None]]) -> None:
    """Run ``scenario`` with a client talking to ``app`` in-process."""

    async def main() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://shopbot.test") as c:
            await scenario(c)

    asyncio.run(main())
