"""The remote backend against OpenAI-compatible servers started by the test."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

from bot.backends import GenerationRequest
from bot.backends.remote import RemoteBackend
from bot.errors import BackendUnavailable
from bot.settings import EngineSettings
from tests.servers import free_port


def openai_like(name: str, fail: bool = False, word_delay_s: float = 0.0) -> FastAPI:
    """An OpenAI-compatible server; ``app.state.fail`` makes it answer 503 (and its health
    probe fail) from then on."""
    app = FastAPI()
    app.state.calls = 0
    app.state.fail = fail

    @app.get("/v1/models", response_model=None)
    async def models() -> dict[str, object] | JSONResponse:
        if app.state.fail:
            return JSONResponse({"error": "down"}, status_code=503)
        return {"data": [{"id": "served-model"}]}

    @app.post("/v1/chat/completions", response_model=None)
    async def complete(request: Request) -> StreamingResponse | JSONResponse:
        app.state.calls += 1
        body = await request.json()
        if app.state.fail:
            return JSONResponse({"error": "overloaded"}, status_code=503)
        words = f"Hello from {name}, you said {body['messages'][-1]['content']}".split()
        words = words[: body.get("max_tokens") or len(words)]  # one word, one token

        async def events() -> Iterator[str]:
            for i, word in enumerate(words):
                if word_delay_s:
                    await asyncio.sleep(word_delay_s)
                chunk = {"choices": [{"delta": {"content": (" " if i else "") + word}}]}
                yield f"data: {json.dumps(chunk)}\n\n"
            done = {
                "choices": [{"delta": {}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 7, "completion_tokens": len(words)},
            }
            yield f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    return app


class Running:
    def __init__(self, app: FastAPI) -> None:
        self.port = free_port()
        self.app = app
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(5)


@pytest.fixture
def servers() -> Iterator[tuple[Running, Running]]:
    down, up = Running(openai_like("down", fail=True)), Running(openai_like("up"))
    yield down, up
    down.stop()
    up.stop()


def test_streams_and_fails_over_to_a_healthy_server(servers: tuple[Running, Running]) -> None:
    down, up = servers
    backend = RemoteBackend(EngineSettings(backend="remote", remote_urls=[down.url, up.url]))
    backend.warm_up()
    try:
        request = GenerationRequest(messages=[{"role": "user", "content": "hi"}], max_tokens=20)
        for _ in range(3):
            chunks = list(backend.stream_sync(request))
            text = "".join(c.text for c in chunks)
            assert text == "Hello from up, you said hi"
            assert chunks[-1].finished and chunks[-1].completion_tokens == 6
        # After the first failure the broken server is tried last.
        assert down.app.state.calls == 1 and up.app.state.calls == 3
    finally:
        backend.close()


def test_no_server_answers_is_a_backend_error(servers: tuple[Running, Running]) -> None:
    down, _ = servers
    backend = RemoteBackend(
        EngineSettings(backend="remote", remote_urls=[down.url], remote_model="m")
    )
    backend.warm_up()
    try:
        request = GenerationRequest(messages=[{"role": "user", "content": "hi"}])
        with pytest.raises(BackendUnavailable):
            list(backend.stream_sync(request))
    finally:
        backend.close()


def test_remote_needs_a_url() -> None:
    from bot.errors import ConfigError

    with pytest.raises(ConfigError, match="SHOPBOT_ENGINE__REMOTE_URLS"):
        RemoteBackend(EngineSettings(backend="remote"))


def test_a_server_that_comes_back_is_used_again(servers: tuple[Running, Running]) -> None:
    down, up = servers
    settings = EngineSettings(backend="remote", remote_urls=[down.url, up.url], remote_probe_s=0.2)
    backend = RemoteBackend(settings)
    backend.warm_up()
    try:
        request = GenerationRequest(messages=[{"role": "user", "content": "hi"}], max_tokens=20)
        list(backend.stream_sync(request))
        assert backend.healthy == [up.url]
        down.app.state.fail = False  # the server is back
        wait_until(lambda: backend.healthy == [down.url, up.url])
        replies = {"".join(c.text for c in backend.stream_sync(request)) for _ in range(4)}
        assert "Hello from down, you said hi" in replies  # it takes requests again
        up.app.state.fail = True  # the probe notices before any request fails there
        wait_until(lambda: backend.healthy == [down.url])
        calls = up.app.state.calls
        for _ in range(3):
            assert "".join(c.text for c in backend.stream_sync(request)).startswith(
                "Hello from down"
            )
        assert up.app.state.calls == calls
    finally:
        backend.close()


def test_requests_go_to_the_least_busy_server() -> None:
    slow = [Running(openai_like(name, word_delay_s=0.2)) for name in ("a", "b")]
    backend = RemoteBackend(EngineSettings(backend="remote", remote_urls=[s.url for s in slow]))
    backend.warm_up()
    try:
        request = GenerationRequest(messages=[{"role": "user", "content": "hi"}], max_tokens=20)
        results: list[list[object]] = []
        threads = [
            threading.Thread(target=lambda: results.append(list(backend.stream_sync(request))))
            for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert [s.app.state.calls for s in slow] == [2, 2]
        # Streamed: one chunk per word, then the closing chunk with the counts.
        assert all(len(chunks) == 7 for chunks in results) and len(results) == 4
    finally:
        backend.close()
        for server in slow:
            server.stop()


def test_a_prefixed_reply_still_fails_over(servers: tuple[Running, Running]) -> None:
    down, up = servers
    backend = RemoteBackend(EngineSettings(backend="remote", remote_urls=[down.url, up.url]))
    backend.warm_up()
    try:
        request = GenerationRequest(
            messages=[{"role": "user", "content": "hi"}], assistant_prefix="Sure. "
        )
        texts = ["".join(c.text for c in backend.stream_sync(request)) for _ in range(2)]
        # The prefix is the reply's start, not a sign that a server began answering.
        assert texts == ["Sure. Hello from up, you said Sure."] * 2
        assert down.app.state.calls == 1
    finally:
        backend.close()


def wait_until(condition: object, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.05)
