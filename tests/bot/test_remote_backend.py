"""The remote backend against OpenAI-compatible servers started by the test."""

from __future__ import annotations

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


def openai_like(name: str, fail: bool = False) -> FastAPI:
    app = FastAPI()
    app.state.calls = 0

    @app.get("/v1/models")
    async def models() -> dict[str, object]:
        return {"data": [{"id": "served-model"}]}

    @app.post("/v1/chat/completions", response_model=None)
    async def complete(request: Request) -> StreamingResponse | JSONResponse:
        app.state.calls += 1
        body = await request.json()
        if fail:
            return JSONResponse({"error": "overloaded"}, status_code=503)
        words = f"Hello from {name}, you said {body['messages'][-1]['content']}".split()

        async def events() -> Iterator[str]:
            for i, word in enumerate(words):
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
