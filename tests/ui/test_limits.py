"""Abuse limits of the web app, in-process (fake backend): rates, sizes, lengths, time.

Each refusal must be the right status, carry Retry-After where waiting helps, and name the
setting that governs it, so that a client (or the store's admin) knows what to do.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from bot import ShopBot
from bot.backends import FakeBackend
from bot.fakes import StaticKnowledge
from bot.settings import Settings
from tests.bot.test_shopbot import KNOWLEDGE
from ui.app import create_app
from ui.limits import RateLimiter, TokenBucket

KEY = "limits-key-123"
AUTH = {"Authorization": f"Bearer {KEY}"}
PUBLIC = "pk-limits"
SHOP = "https://shop.example"
WIDGET = {"X-Shopbot-Key": PUBLIC, "Origin": SHOP}
REPLY = "Refunds to a credit card take 5-7 business days [1]."


def make_app(settings: Settings, backend: Any = None, **limits: Any) -> Iterator[Any]:
    settings = settings.model_copy(
        update={
            "api_keys": [SecretStr(KEY)],
            "public_keys": [PUBLIC],
            "allowed_origins": [SHOP],
            "limits": settings.limits.model_copy(update=limits),
        }
    )
    bot = ShopBot(
        settings,
        backend=backend or FakeBackend(lambda r: REPLY),
        knowledge=StaticKnowledge(KNOWLEDGE),
    )
    bot.warm_up()
    yield create_app(settings, bot=bot)
    bot.close()


def run(app: Any, scenario: Callable[[httpx.AsyncClient], Awaitable[None]], ip: str = "") -> None:
    async def main() -> None:
        transport = httpx.ASGITransport(app=app, client=(ip or "203.0.113.7", 4321))
        async with httpx.AsyncClient(transport=transport, base_url="http://shop.test") as client:
            await scenario(client)

    asyncio.run(main())


def _error(response: httpx.Response) -> dict[str, Any]:
    return response.json()["error"]


def test_token_bucket_allows_a_burst_then_the_rate() -> None:
    bucket = TokenBucket(rate=2.0, burst=3)
    now = bucket.stamp
    assert [bucket.take(now) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take(now) == pytest.approx(0.5)  # the next token is due in 1/rate s
    assert bucket.take(now + 0.5) == 0.0
    limiter = RateLimiter(rate=1.0, burst=1, max_buckets=2)
    assert limiter.wait_for("a") == 0 and limiter.wait_for("a") > 0
    limiter.wait_for("b")
    limiter.wait_for("c")  # "a" is dropped: memory stays bounded
    assert "a" not in limiter._buckets and len(limiter._buckets) == 2


def test_per_address_limit_answers_429_with_retry_after(settings: Settings) -> None:
    for app in make_app(settings, ip_rate=0.5, ip_burst=2):

        async def scenario(client: httpx.AsyncClient) -> None:
            for _ in range(2):
                opened = await client.post("/api/v1/public/conversations", headers=WIDGET)
                assert opened.status_code == 201
            refused = await client.post("/api/v1/public/conversations", headers=WIDGET)
            assert refused.status_code == 429
            assert int(refused.headers["Retry-After"]) >= 1
            error = _error(refused)
            assert error["code"] == "rate_limited"
            assert "limits.ip_rate" in error["message"] and "limits.ip_burst" in error["message"]
            # The CORS layer still wraps the refusal, so the widget's script can read it.
            assert refused.headers.get("access-control-allow-origin") == SHOP
            # A valid helpdesk key is counted against its own bucket, not the address's.
            created = await client.post("/api/v1/conversations", headers=AUTH)
            assert created.status_code == 201

        run(app, scenario)

        async def other_address(client: httpx.AsyncClient) -> None:
            opened = await client.post("/api/v1/public/conversations", headers=WIDGET)
            assert opened.status_code == 201

        run(app, other_address, ip="198.51.100.9")


def test_per_key_limit_names_its_setting(settings: Settings) -> None:
    for app in make_app(settings, key_rate=0.5, key_burst=3):

        async def scenario(client: httpx.AsyncClient) -> None:
            codes = [(await client.get("/api/v1/escalations", headers=AUTH)).status_code]
            codes += [(await client.get("/api/v1/escalations", headers=AUTH)).status_code]
            codes += [(await client.get("/api/v1/escalations", headers=AUTH)).status_code]
            assert codes == [200, 200, 200]
            refused = await client.get("/api/v1/escalations", headers=AUTH)
            assert refused.status_code == 429 and "Retry-After" in refused.headers
            assert "limits.key_rate" in _error(refused)["message"]
            # Unknown keys do not get a bucket of their own: they count against the address.
            wrong = await client.get("/api/v1/escalations", headers={"Authorization": "Bearer x"})
            assert wrong.status_code == 401

        run(app, scenario)


def test_sizes_and_conversation_length(settings: Settings) -> None:
    for app in make_app(settings, max_message_chars=50, max_turns=2, max_body_bytes=2048):

        async def scenario(client: httpx.AsyncClient) -> None:
            cid = (await client.post("/api/v1/conversations", headers=AUTH)).json()["id"]
            url = f"/api/v1/conversations/{cid}/messages"
            long = await client.post(url, json={"content": "x" * 51}, headers=AUTH)
            assert long.status_code == 413
            assert "limits.max_message_chars" in _error(long)["message"]
            huge = await client.post(url, json={"content": "退" * 5000}, headers=AUTH)
            assert huge.status_code == 413
            assert "limits.max_body_bytes" in _error(huge)["message"]

            async def chunks() -> Any:  # no Content-Length: counted as it arrives
                yield b'{"content": "'
                for _ in range(10):
                    yield b"y" * 500
                yield b'"}'

            streamed = await client.post(
                url, content=chunks(), headers={**AUTH, "Content-Type": "application/json"}
            )
            assert streamed.status_code == 413
            for question in ("How long do refunds take?", "退款多久能到账？"):
                answered = await client.post(url, json={"content": question}, headers=AUTH)
                assert answered.status_code == 200, answered.text
            third = await client.post(url, json={"content": "And exchanges?"}, headers=AUTH)
            assert third.status_code == 409
            error = _error(third)
            assert error["code"] == "conversation_too_long"
            assert "limits.max_turns" in error["message"]
            stored = (await client.get(f"/api/v1/conversations/{cid}", headers=AUTH)).json()
            assert [m["role"] for m in stored["messages"]] == ["user", "assistant"] * 2

        run(app, scenario)


def test_a_response_must_start_in_time(settings: Settings) -> None:
    # The margins are wide because CI machines are noisy: the message must be stored well
    # inside the timeout, and the reply must come well after it.
    slow = FakeBackend(lambda r: REPLY, delay_s=6.0, timeout_s=30)
    for app in make_app(settings, backend=slow, request_timeout_s=1.5):

        async def scenario(client: httpx.AsyncClient) -> None:
            cid = (await client.post("/api/v1/conversations", headers=AUTH)).json()["id"]
            late = await client.post(
                f"/api/v1/conversations/{cid}/messages",
                json={"content": "How long do refunds take?"},
                headers=AUTH,
            )
            assert late.status_code == 504 and late.headers["Retry-After"]
            assert "limits.request_timeout_s" in _error(late)["message"]
            # Nothing acknowledged is lost: the shopper's message was stored.
            stored = (await client.get(f"/api/v1/conversations/{cid}", headers=AUTH)).json()
            assert stored["messages"][0]["content"] == "How long do refunds take?"

        run(app, scenario)


def test_output_tokens_are_capped_by_the_settings(settings: Settings) -> None:
    backend = FakeBackend(lambda r: " ".join(["word"] * 500))
    capped = settings.model_copy(
        update={"engine": settings.engine.model_copy(update={"max_tokens": 12})}
    )
    for app in make_app(capped, backend=backend):

        async def scenario(client: httpx.AsyncClient) -> None:
            cid = (await client.post("/api/v1/conversations", headers=AUTH)).json()["id"]
            await client.post(
                f"/api/v1/conversations/{cid}/messages",
                json={"content": "How long do refunds to a credit card take?"},
                headers=AUTH,
            )

        run(app, scenario)
        assert backend.requests and all(r.max_tokens <= 12 for r in backend.requests)
