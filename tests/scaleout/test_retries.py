"""A request retried with its idempotency key (through any replica, after the first one died
half-way) stores its message once and gets one reply."""

from __future__ import annotations

import asyncio

from bot import ShopBot
from bot.settings import Settings
from bot.turns import Turn
from tests.bot.test_shopbot import make_bot


def turn_for(bot: ShopBot, message: str, session: str, key: str) -> Turn:
    async def run() -> Turn:
        last = None
        async for event in bot.astream_events(message, session, request_key=key):
            last = event.turn or last
        assert last is not None
        return last

    return asyncio.run(run())


def test_a_retry_after_a_crash_answers_the_stored_message_once(settings: Settings) -> None:
    bot = make_bot(settings, lambda r: "Refunds take 5-7 business days [1].")
    with bot:
        session = bot.store.create()
        first = turn_for(bot, "How long do refunds take?", session, "k1")
        # The replica that took the next request died after storing the message, before
        # any reply; the shopper's client retries with the same key.
        bot.store.append(session, "user", "退款多久能到账？", request_key="k2")
        retried = turn_for(bot, "退款多久能到账？", session, "k2")
        again = turn_for(bot, "退款多久能到账？", session, "k2")
        roles = [(m.role, m.content) for m in bot.store.get(session).messages]
    assert first.reply and retried.reply
    assert again.reply == retried.reply and again.sources == retried.sources
    assert [r for r, _ in roles] == ["user", "assistant", "user", "assistant"]
    assert roles[2] == ("user", "退款多久能到账？")


def test_the_same_words_without_a_key_are_two_messages(settings: Settings) -> None:
    with make_bot(settings, lambda r: "Refunds take 5-7 business days [1].") as bot:
        session = bot.store.create()
        bot.chat("How long do refunds take?", session)
        bot.chat("How long do refunds take?", session)
        assert [m.role for m in bot.store.get(session).messages] == ["user", "assistant"] * 2
