"""A remote OpenAI-compatible server (`vllm serve` elsewhere, with its own parallelism)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from bot.backends.base import Chunk, GenerationRequest, LoopBackend, Message
from bot.backends.template import ApproximateCounter, ChatTemplate
from bot.errors import BackendError, BackendUnavailable, ConfigError
from bot.settings import EngineSettings

log = logging.getLogger(__name__)


class RemoteBackend(LoopBackend):
    """Streams chat completions from one or more OpenAI-compatible base URLs.

    Requests go to the least busy healthy server (fewest replies in flight from this
    process). A server that fails a request, or a health probe (``GET /models`` every
    ``engine.remote_probe_s``), is tried only after the healthy ones until a probe finds it
    answering again. A reply that fails before its first token is retried on the next server;
    one that fails half-way is not (the shopper has seen part of it).
    """

    name = "remote"

    def __init__(self, engine: EngineSettings, tokenizer_model: str | None = None) -> None:
        super().__init__(timeout_s=engine.timeout_s, max_pending=engine.max_queue)
        if not engine.remote_urls:
            raise ConfigError(
                "engine.backend is 'remote' but no server is configured: set "
                "SHOPBOT_ENGINE__REMOTE_URLS=http://host:8000/v1 (comma-separated for several)."
            )
        self.settings = engine
        self.urls = [url.rstrip("/") for url in engine.remote_urls]
        self._busy = dict.fromkeys(self.urls, 0)
        self._down: set[str] = set()
        self._rotation = itertools.cycle(self.urls)
        self.counter: ChatTemplate | ApproximateCounter = (
            ChatTemplate(tokenizer_model) if tokenizer_model else ApproximateCounter()
        )
        self._client: Any = None
        self._model: str | None = engine.remote_model
        self._prober: asyncio.Task[None] | None = None
        self.probe_interval_s = engine.remote_probe_s

    @property
    def context_window(self) -> int:
        return self.settings.max_model_len

    def count_tokens(self, messages: list[Message]) -> int:
        try:
            return self.counter.count(messages)
        except Exception:  # a model whose tokenizer is not here
            self.counter = ApproximateCounter()
            return self.counter.count(messages)

    def _headers(self) -> dict[str, str]:
        key = self.settings.remote_api_key
        return {"Authorization": f"Bearer {key.get_secret_value()}"} if key else {}

    async def _start(self) -> None:
        import httpx

        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(self.settings.timeout_s, connect=5.0), headers=self._headers()
        )
        if self._model is None:
            self._model = await self._discover_model()
        self._prober = asyncio.get_running_loop().create_task(self._probe_forever())

    async def _discover_model(self) -> str:
        for url in self.urls:
            try:
                response = await self._client.get(f"{url}/models")
                response.raise_for_status()
                return str(response.json()["data"][0]["id"])
            except Exception as exc:
                log.warning("Cannot list models at %s: %s", url, exc)
        raise BackendUnavailable(
            f"None of the remote servers answered ({', '.join(self.urls)}); check that "
            "`vllm serve` runs there, or set SHOPBOT_ENGINE__REMOTE_MODEL."
        )

    async def _stop(self) -> None:
        if self._prober is not None:
            self._prober.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._prober
        if self._client is not None:
            await self._client.aclose()

    @property
    def healthy(self) -> list[str]:
        """The servers taken to be answering now."""
        return [url for url in self.urls if url not in self._down]

    def busy(self) -> dict[str, int]:
        """Replies in flight per server (from this process)."""
        return dict(self._busy)

    async def probe(self) -> dict[str, bool]:
        """Ask every server whether it answers; mark it up or down accordingly."""

        async def one(url: str) -> bool:
            try:
                response = await self._client.get(f"{url}/models", timeout=5.0)
                return bool(response.status_code == 200)
            except Exception:
                return False

        results = await asyncio.gather(*(one(url) for url in self.urls))
        for url, ok in zip(self.urls, results, strict=True):
            if ok and url in self._down:
                log.info("Remote server %s answers again.", url)
                self._down.discard(url)
            elif not ok and url not in self._down:
                log.warning("Remote server %s fails its health probe.", url)
                self._down.add(url)
        return dict(zip(self.urls, results, strict=True))

    async def _probe_forever(self) -> None:
        while True:
            await asyncio.sleep(self.probe_interval_s)
            try:
                await self.probe()
            except Exception:  # a probe must never stop probing
                log.exception("Health probe failed")

    def _pick(self) -> list[str]:
        """Servers in the order to try: healthy and least busy first."""
        start = next(self._rotation)
        ordered = sorted(self.urls, key=lambda u: (u in self._down, self._busy[u], u != start))
        return ordered

    async def _generate(self, request: GenerationRequest) -> AsyncIterator[Chunk]:
        messages = list(request.messages)
        payload: dict[str, Any] = {
            "model": self._model,
            "messages": messages,
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if request.stop:
            payload["stop"] = list(request.stop)
        if request.repetition_penalty != 1.0:  # vLLM's server takes it as an extra parameter
            payload["repetition_penalty"] = request.repetition_penalty
        if request.min_tokens:  # also an extra parameter of vLLM's server
            payload["min_tokens"] = request.min_tokens
        if request.json_schema is not None:  # vLLM's structured outputs (an extra parameter)
            payload["structured_outputs"] = {"json": request.json_schema}
        if request.assistant_prefix:
            messages.append({"role": "assistant", "content": request.assistant_prefix})
            payload.update(continue_final_message=True, add_generation_prompt=False)
        last_error: Exception | None = None
        if request.assistant_prefix:
            yield Chunk(text=request.assistant_prefix)
        for url in self._pick():
            self._busy[url] += 1
            produced = False
            try:
                async for chunk in self._stream_from(url, payload):
                    produced = produced or bool(chunk.text)
                    yield chunk
                self._down.discard(url)
                return
            except BackendError as exc:
                last_error = exc
                self._down.add(url)
                log.warning("Remote server %s failed: %s", url, exc)
                if produced:  # half a reply was sent: do not start another one elsewhere
                    raise
            finally:
                self._busy[url] -= 1
        raise BackendUnavailable(f"No remote server could answer: {last_error}")

    async def _stream_from(self, url: str, payload: dict[str, Any]) -> AsyncIterator[Chunk]:
        import httpx

        finish_reason = None
        usage: dict[str, int] = {}
        try:
            async with self._client.stream(
                "POST", f"{url}/chat/completions", json=payload
            ) as response:
                if response.status_code >= 400:
                    body = (await response.aread()).decode(errors="replace")[:300]
                    raise BackendUnavailable(f"{url} answered {response.status_code}: {body}")
                async for line in response.aiter_lines():
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        break
                    event = json.loads(data)
                    usage = event.get("usage") or usage
                    for choice in event.get("choices", []):
                        finish_reason = choice.get("finish_reason") or finish_reason
                        text = (choice.get("delta") or {}).get("content") or ""
                        if text:
                            yield Chunk(text=text)
        except httpx.HTTPError as exc:
            raise BackendUnavailable(f"{url}: {exc}") from exc
        yield Chunk(
            text="",
            finished=True,
            finish_reason=finish_reason,
            prompt_tokens=usage.get("prompt_tokens", 0),
            completion_tokens=usage.get("completion_tokens", 0),
        )
