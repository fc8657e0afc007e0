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


ORIGIN = "https://shopbot.test"
"""Where the in-process app is served (over HTTPS, as in production)."""


def run_client(
    app: object,
    scenario: Callable[[httpx.AsyncClient], Awaitable[None]],
    base_url: str = ORIGIN,
    client: tuple[str, int] = ("127.0.0.1", 123),
) -> None:
    """Run ``scenario`` with a client (at address ``client``) talking to ``app`` in-process."""

    async def main() -> None:
        transport = httpx.ASGITransport(app=app, client=client)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as c:
            await scenario(c)

    asyncio.run(main())


async def console_login(
    client: httpx.AsyncClient, name: str = "Dana", key: str = AGENT_KEY
) -> dict[str, str]:
    """Log in to the console as its page does; the headers its later changes carry."""
    login = await client.post(
        "/console/login", json={"name": name, "key": key}, headers={"Origin": ORIGIN}
    )
    assert login.status_code == 200, login.text
    return {"Origin": ORIGIN, "X-CSRF-Token": login.json()["csrf"]}
