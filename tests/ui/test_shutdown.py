"""Graceful shutdown: replies in flight finish, or are stored as interrupted."""

from __future__ import annotations

import asyncio

from bot import ShopBot
from bot.backends import FakeBackend
from bot.fakes import StaticKnowledge
from bot.inflight import ReplyTracker
from bot.settings import Settings
from tests.bot.test_shopbot import KNOWLEDGE

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


def _serve_and_stop(settings: Settings, delay_s: float, grace_s: float) -> tuple[str, ShopBot]:
    """Start a real uvicorn server, begin a streamed reply, ask the server to stop after the
    first text arrives; the text the client received, and the bot."""
    import threading

    import httpx
    from pydantic import SecretStr

    from tests.servers import free_port
    from ui.app import create_app
    from ui.commands import make_server

    settings = settings.model_copy(update={"api_keys": [SecretStr("k")]})
    bot = _bot(settings, delay_s=delay_s)
    port = free_port()
    server = make_server(create_app(settings, bot=bot), "127.0.0.1", port, "warning", grace_s)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    while not server.started:
        threading.Event().wait(0.05)
    auth = {"Authorization": "Bearer k"}
    received = ""
    with httpx.Client(base_url=base, headers=auth, timeout=60) as client:
        client.post("/api/v1/conversations", json={"id": "shut-1"}).raise_for_status()
        try:
            with client.stream(
                "POST",
                "/api/v1/conversations/shut-1/messages",
                json={"content": "How long do refunds to a credit card take?"},
                headers={"Accept": "text/event-stream"},
            ) as stream:
                for line in stream.iter_lines():
                    received += line + "\n"
                    if line.startswith("event: delta"):
                        server.should_exit = True
        except httpx.HTTPError:
            pass  # the server cut the reply short
    thread.join(60)
    assert not thread.is_alive()
    return received, bot


def test_serve_lets_a_streaming_reply_finish_on_shutdown(settings: Settings) -> None:
    received, bot = _serve_and_stop(settings, delay_s=0.02, grace_s=30)
    try:
        assert "event: done" in received
        last = bot.store.get("shut-1").messages[-1]
        assert last.role == "assistant" and "interrupted" not in last.data
        assert "5-7 business days" in last.content
    finally:
        bot.close()


def test_serve_stores_a_reply_cut_short_as_interrupted(settings: Settings) -> None:
    received, bot = _serve_and_stop(settings, delay_s=0.3, grace_s=0.5)
    try:
        assert "event: done" not in received
        last = bot.store.get("shut-1").messages[-1]
        assert last.role == "assistant" and last.data.get("interrupted") is True
    finally:
        bot.close()
