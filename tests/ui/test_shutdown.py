"""Graceful shutdown: replies in flight finish, or are stored as interrupted."""

from __future__ import annotations

import asyncio

from bot import ShopBot
from bot.backends import FakeBackend
from bot.fakes import StaticKnowledge
from bot.inflight import ReplyTracker
from bot.settings import Settings
from tests.bot.test_engine import KNOWLEDGE

LONG = "Refunds to a credit card take 5-7 business days. " * 6


def _bot(settings: Settings, delay_s: float) -> ShopBot:
    backend = FakeBackend(lambda r: LONG, delay_s=delay_s)
    bot = ShopBot(settings, backend=backend, knowledge=StaticKnowledge(KNOWLEDGE))
    bot.warm_up()
    return bot


def test_a_reply_cut_short_is_stored_as_interrupted(settings: Settings) -> None:
    bot = _bot(settings, delay_s=0.05)
    replies = ReplyTracker(bot)

    async def scenario() -> None:
        seen = ""

        async def consume() -> None:
            nonlocal seen
            async for event in replies.events("How long do refunds to a credit card take?", "s1"):
                seen += event.text

        task = asyncio.create_task(consume())
        while not seen:
            await asyncio.sleep(0.01)
        assert replies.in_flight == 1
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        assert replies.in_flight == 0 and await replies.drain(0.1)
        stored = bot.store.get("s1").messages
        assert [m.role for m in stored] == ["user", "assistant"]
        assert stored[1].data["interrupted"] is True
        assert stored[1].content and seen.strip().startswith(stored[1].content[:20])

    try:
        asyncio.run(scenario())
    finally:
        bot.close()


def test_drain_waits_for_replies_in_flight(settings: Settings) -> None:
    bot = _bot(settings, delay_s=0.01)
    replies = ReplyTracker(bot)

    async def scenario() -> None:
        async def consume() -> str:
            text = ""
            async for event in replies.events("How long do refunds to a credit card take?", "s2"):
                text += event.text
            return text

        task = asyncio.create_task(consume())
        await asyncio.sleep(0.05)
        assert await replies.drain(30)
        assert "5-7 business days" in await task
        stored = bot.store.get("s2").messages
        assert "interrupted" not in stored[-1].data and stored[-1].role == "assistant"

    try:
        asyncio.run(scenario())
    finally:
        bot.close()
