"""A store's Chatwoot with shopbot as its agent bot, all in one process: the fake Chatwoot
delivers its events to the web app's webhook route, the app calls the fake's API."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
from pydantic import SecretStr

from bot import ShopBot
from bot.helpdesk import HelpdeskBridge
from bot.helpdesk.fake_chatwoot import FakeChatwoot, FakeConversation
from bot.settings import ChatwootSettings, Settings
from ui.app import create_app

CHATWOOT_URL = "http://chatwoot.test"
WEBHOOK = "http://shopbot.test/api/v1/integrations/chatwoot/webhook"


def chatwoot_settings(settings: Settings, fake: FakeChatwoot, **values: Any) -> Settings:
    chatwoot = ChatwootSettings.model_validate(
        {
            "base_url": CHATWOOT_URL,
            "api_token": SecretStr(fake.bot_token),
            "account_id": fake.account_id,
            "webhook_secret": SecretStr(fake.secret) if fake.secret else None,
            **values,
        }
    )
    return settings.model_copy(update={"chatwoot": chatwoot, "store_name": "Northwind Lane"})


class Desk:
    """The fake Chatwoot and shopbot's web app, wired to each other in-process; ``make_bot``
    builds the bot from the settings with Chatwoot configured."""

    def __init__(
        self,
        settings: Settings,
        make_bot: Callable[[Settings], ShopBot],
        fake: FakeChatwoot | None = None,
    ) -> None:
        self.fake = fake or FakeChatwoot(bot_url=WEBHOOK)
        self.settings = chatwoot_settings(settings, self.fake)
        self.bot = bot = make_bot(self.settings)
        self.app = create_app(
            self.settings, bot=bot, helpdesk_transport=httpx.ASGITransport(app=self.fake)
        )
        self.fake.deliver_transport = httpx.ASGITransport(app=self.app)
        bridge = self.app.state.helpdesk
        assert isinstance(bridge, HelpdeskBridge)
        self.bridge = bridge

    async def settle(self) -> None:
        """Until nothing moves: shopbot handles what Chatwoot delivered, calls Chatwoot, and
        Chatwoot delivers what those calls caused (the bot's own echoes, status changes)."""
        for _ in range(20):
            await self.fake.idle()
            await self.bridge.settle()
            await asyncio.sleep(0)
            if not self.fake._background:
                return
        raise AssertionError("the desk did not settle")

    def shopbot_conversation(self, conversation: FakeConversation) -> Any:
        return self.bot.store.get(f"chatwoot-{self.fake.account_id}-{conversation.id}")

    @staticmethod
    def seen_by_shopper(conversation: FakeConversation) -> list[tuple[str, str]]:
        """(who, text) of what the shopper sees: contact, bot or agent name."""
        seen = []
        for message in conversation.public():
            sender = message.sender or {}
            roles = {"contact": "shopper", "agent_bot": "bot"}
            who = roles.get(sender.get("type"), sender.get("name"))
            seen.append((str(who), message.content))
        return seen

    @staticmethod
    def notes(conversation: FakeConversation) -> list[str]:
        return [m.content for m in conversation.messages if m.private]
