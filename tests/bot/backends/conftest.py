"""Every `ChatBackend` under one contract: the fake, the in-process vLLM engine, and the remote
backend against an OpenAI-compatible server on loopback and against a real `vllm serve`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.backends import ChatBackend, FakeBackend
from bot.backends.remote import RemoteBackend
from bot.settings import EngineSettings
from tests.bot.test_remote_backend import Running, openai_like

REAL = [pytest.mark.slow, pytest.mark.integration]  # the real engine
BACKENDS = [
    "fake",
    "remote",
    pytest.param("vllm", marks=REAL),
    pytest.param("remote-vllm", marks=REAL),
]


def _remote(url: str) -> RemoteBackend:
    return RemoteBackend(EngineSettings(backend="remote", remote_urls=[url], timeout_s=120))


@pytest.fixture(scope="module")
def fake_backend() -> Iterator[FakeBackend]:
    backend = FakeBackend()
    backend.warm_up()
    yield backend
    backend.close()


@pytest.fixture(scope="module")
def remote_backend() -> Iterator[RemoteBackend]:
    server = Running(openai_like("loopback"))
    backend = _remote(server.url)
    backend.warm_up()
    yield backend
    backend.close()
    server.stop()


@pytest.fixture(scope="module")
def remote_vllm_backend(vllm_serve: str) -> Iterator[RemoteBackend]:
    backend = _remote(vllm_serve)
    backend.warm_up()
    yield backend
    backend.close()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> ChatBackend:
    fixture = {
        "fake": "fake_backend",
        "remote": "remote_backend",
        "vllm": "vllm_backend",
        "remote-vllm": "remote_vllm_backend",
    }[request.param]
    return request.getfixturevalue(fixture)  # type: ignore[no-any-return]
