"""Abuse limits of the web app (settings group ``limits``).

- Rate: a token bucket per helpdesk API key (requests carrying a valid key) and one per client
  address (everything else: widget shoppers, the console, unknown keys); 429 with Retry-After.
  Buckets live in this process's memory: with several replicas behind a load balancer each
  replica allows the configured rate, so divide it by the replica count.
- Size: request bodies over ``limits.max_body_bytes`` (413), conversations past
  ``limits.max_turns`` shopper messages (409); messages over ``limits.max_message_chars``
  are refused by `bot.messages` (413).
- Time: a response must start within ``limits.request_timeout_s`` (504; a body still being
  sent then gets 408). Streamed replies then run on under the engine's own time limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import math
import time
from collections import OrderedDict
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.errors import LimitExceeded
from bot.settings import LimitsSettings, Settings
from bot.store import StoredConversation
from ui.errors import asgi_error

LIMITED_PREFIXES = ("/api/", "/console", "/gradio_api/")
MAX_BUCKETS = 50_000
"""Buckets kept (least recently used dropped), so that many addresses cannot exhaust memory."""


class TokenBucket:
    """``rate`` tokens a second, at most ``burst`` saved up; one token per request."""

    __slots__ = ("burst", "rate", "stamp", "tokens")

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = float(burst)
        self.stamp = time.monotonic()

    def take(self, now: float) -> float:
        """0 if a token was taken, else the seconds until one is due."""
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


class RateLimiter:
    """Token buckets by name (an address or a key's digest), least recently used dropped."""

    def __init__(self, rate: float, burst: int, max_buckets: int = MAX_BUCKETS) -> None:
        self.rate = rate
        self.burst = burst
        self.max_buckets = max_buckets
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()

    def wait_for(self, name: str) -> float:
        """0 if ``name`` may go ahead now, else the seconds to wait."""
        bucket = self._buckets.get(name)
        if bucket is None:
            bucket = self._buckets[name] = TokenBucket(self.rate, self.burst)
            if len(self._buckets) > self.max_buckets:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(name)
        return bucket.take(time.monotonic())


def check_turns(conversation: StoredConversation, limits: LimitsSettings) -> None:
    """Room for one more shopper message in this conversation (``limits.max_turns``)."""
    turns = sum(1 for m in conversation.messages if m.role == "user")
    if turns >= limits.max_turns:
        raise LimitExceeded(
            f"This conversation already has {turns} shopper messages, the most allowed "
            "(limits.max_turns); start a new conversation.",
            setting="limits.max_turns",
        )


class _BodyTooLarge(Exception):
    pass


class _Disconnected(Exception):
    pass


def _replay(body: bytes, receive: Receive) -> Receive:
    """``receive`` giving the body already read, then the client's later messages."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class AbuseLimits:
    """ASGI middleware applying the rate, body-size and response-start limits."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.limits = settings.limits
        self._keys = [k.get_secret_value().encode() for k in settings.api_keys]
        self.by_key = RateLimiter(self.limits.key_rate, self.limits.key_burst)
        self.by_ip = RateLimiter(self.limits.ip_rate, self.limits.ip_burst)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(LIMITED_PREFIXES):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if (refusal := self._rate_refusal(scope, headers)) is not None:
            await refusal(scope, receive, send)
            return
        if (refusal := self._size_refusal(headers)) is not None:
            await refusal(scope, receive, send)
            return
        # The body is read here (it is small) so that its size and its time are bounded.
        timeout = self.limits.request_timeout_s
        try:
            body = await asyncio.wait_for(self._read_body(receive), timeout)
        except _BodyTooLarge:
            await self._too_large()(scope, receive, send)
            return
        except TimeoutError:
            message = f"The request body did not arrive within {timeout:g} s"
            await asgi_error(408, "timeout", f"{message} (limits.request_timeout_s).")(
                scope, receive, send
            )
            return
        except _Disconnected:
            return
        await self._timed(scope, _replay(body, receive), send)

    # -- rate -----------------------------------------------------------------------------
    def _client(self, scope: Scope, headers: dict[str, str]) -> str:
        if self.limits.trust_forwarded_for and (forwarded := headers.get("x-forwarded-for")):
            return forwarded.split(",")[0].strip()
        client = scope.get("client")
        return str(client[0]) if client else "unknown"

    def _valid_key(self, headers: dict[str, str]) -> str | None:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        raw = token.encode()
        if any(hmac.compare_digest(raw, key) for key in self._keys):
            return hashlib.sha256(raw).hexdigest()[:16]
        return None

    def _rate_refusal(self, scope: Scope, headers: dict[str, str]) -> Any:
        if (key := self._valid_key(headers)) is not None:
            wait = self.by_key.wait_for(key)
            what, rate, burst = "this API key", "limits.key_rate", "limits.key_burst"
            values = (self.limits.key_rate, self.limits.key_burst)
        else:
            wait = self.by_ip.wait_for(self._client(scope, headers))
            what, rate, burst = "this address", "limits.ip_rate", "limits.ip_burst"
            values = (self.limits.ip_rate, self.limits.ip_burst)
        if not wait:
            return None
        retry = max(1, math.ceil(wait))
        return asgi_error(
            429,
            "rate_limited",
            f"Too many requests from {what}: at most {values[0]:g} a second with bursts of "
            f"{values[1]} ({rate}, {burst}). Retry after {retry} s.",
            {"Retry-After": str(retry)},
        )

    # -- size -----------------------------------------------------------------------------
    def _size_refusal(self, headers: dict[str, str]) -> Any:
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self.limits.max_body_bytes:
            return self._too_large()
        return None

    def _too_large(self) -> Any:
        return asgi_error(
            413,
            "too_large",
            f"The request body is larger than {self.limits.max_body_bytes} bytes "
            "(limits.max_body_bytes).",
        )

    async def _read_body(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Disconnected
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limits.max_body_bytes:
                raise _BodyTooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    # -- time -----------------------------------------------------------------------------
    async def _timed(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = asyncio.Event()

        async def tracked_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                started.set()
            await send(message)

        task = asyncio.ensure_future(self.app(scope, receive, tracked_send))
        waiter = asyncio.ensure_future(started.wait())
        try:
            await asyncio.wait(
                {task, waiter},
                timeout=self.limits.request_timeout_s,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            waiter.cancel()
        if not task.done() and not started.is_set():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
            refusal = asgi_error(
                504,
                "timeout",
                f"No response within {self.limits.request_timeout_s:g} s "
                "(limits.request_timeout_s); the service is busy: retry shortly with the same "
                "Idempotency-Key.",
                {"Retry-After": "5"},
            )
            await refusal(scope, receive, send)
            return
        await task
