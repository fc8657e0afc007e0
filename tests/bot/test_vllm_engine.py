"""The bundled chat model served by the real vLLM engine (started once per test session)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot import ShopBot
from bot.backends import GenerationRequest
from bot.backends.vllm_engine import VLLMBackend
from bot.fakes import StaticKnowledge
from tests.bot.facts import RETURN_WINDOW
from tests.conftest import make_settings

pytestmark = [pytest.mark.slow, pytest.mark.integration]

FACTS = RETURN_WINDOW


def test_bundled_model_runs_in_the_real_vllm_engine(vllm_backend: VLLMBackend) -> None:
    from vllm.v1.engine.async_llm import AsyncLLM

    assert isinstance(vllm_backend, VLLMBackend)
    assert isinstance(vllm_backend._engine, AsyncLLM)
    assert Path(vllm_backend.model, "model.safetensors").exists()
    request = GenerationRequest(
        messages=[
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": "What is the capital of France?"},
        ],
        max_tokens=24,
    )
    chunks = list(vllm_backend.stream_sync(request))
    text = "".join(c.text for c in chunks)
    assert "Paris" in text
    assert len([c for c in chunks if c.text]) > 1, "the reply should stream in pieces"
    assert chunks[-1].finished and chunks[-1].completion_tokens > 0


def test_many_chats_at_once_are_batched(vllm_backend: VLLMBackend) -> None:
    async def one(i: int) -> str:
        request = GenerationRequest(
            messages=[{"role": "user", "content": f"Say hello to customer number {i}."}],
            max_tokens=16,
        )
        return "".join([c.text async for c in vllm_backend.stream(request)])

    async def all_of_them() -> list[str]:
        return await asyncio.gather(*(one(i) for i in range(8)))

    replies = asyncio.run(all_of_them())
    assert len(replies) == 8 and all(reply.strip() for reply in replies)
    assert vllm_backend.pending == 0


def test_min_tokens_holds_the_reply_to_a_length(vllm_backend: VLLMBackend) -> None:
    request = GenerationRequest(
        messages=[{"role": "user", "content": "Say just: yes."}],
        max_tokens=40,
        min_tokens=40,
    )
    chunks = list(vllm_backend.stream_sync(request))
    assert chunks[-1].completion_tokens == 40


def test_prompt_prefixes_are_reused_in_small_blocks_on_a_cpu(vllm_backend: VLLMBackend) -> None:
    cache = vllm_backend._engine.vllm_config.cache_config
    assert cache.enable_prefix_caching and cache.block_size == 32


def test_health_check_produces_a_token(vllm_backend: VLLMBackend) -> None:
    assert asyncio.run(vllm_backend.health())


def test_shopbot_multi_turn_memory_across_restart(
    vllm_backend: VLLMBackend, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path / "home")
    first = ShopBot(settings, backend=vllm_backend, knowledge=StaticKnowledge(FACTS))
    turn = first.chat("Hi, how many days do I have to return an item?", session="c1")
    assert "30 days" in turn.reply
    assert turn.sources[0]["path"] == "returns.md"
    assert not turn.escalated
    # A new bot on the same database (a restart) continues the same conversation.
    second = ShopBot(settings, backend=vllm_backend, knowledge=StaticKnowledge(FACTS))
    pieces = list(second.stream("And do I get a full refund when I return it?", session="c1"))
    assert "".join(pieces).strip() == second.last_turn.reply
    stored = second.store.get("c1")
    assert [m.role for m in stored.messages] == ["user", "assistant", "user", "assistant"]
    assert stored.messages[3].data["usage"]["completion_tokens"] > 0


def test_unknown_question_offers_a_human_without_calling_the_model(
    vllm_backend: VLLMBackend, tmp_path: Path
) -> None:
    bot = ShopBot(
        make_settings(tmp_path / "home"), backend=vllm_backend, knowledge=StaticKnowledge(FACTS)
    )
    turn = bot.chat("Do you sell helicopters?", session="c2")
    assert "team" in turn.reply and not turn.sources


def test_engine_timeout_becomes_a_polite_handoff(vllm_backend: VLLMBackend, tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "home")
    bot = ShopBot(settings, backend=vllm_backend, knowledge=StaticKnowledge(FACTS))
    saved = vllm_backend.timeout_s
    vllm_backend.timeout_s = 0.001
    try:
        turn = bot.chat("How many days do I have to return an item?", session="c3")
    finally:
        vllm_backend.timeout_s = saved
    assert turn.escalated and turn.status == "waiting_for_agent"
    assert "team" in turn.reply


def test_a_shopper_who_leaves_cancels_the_generation(vllm_backend: VLLMBackend) -> None:
    import time

    request = GenerationRequest(
        messages=[{"role": "user", "content": "Write a very long story about a lighthouse."}],
        max_tokens=400,
    )
    stream = vllm_backend.stream_sync(request)
    received = [next(stream) for _ in range(3)]
    assert all(not c.finished for c in received)
    stream.close()  # the shopper closed the page
    deadline = time.monotonic() + 10
    while vllm_backend._engine.get_num_unfinished_requests() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert vllm_backend._engine.get_num_unfinished_requests() == 0
    assert vllm_backend.pending == 0


def test_queue_is_bounded(vllm_backend: VLLMBackend) -> None:
    from bot.errors import BackendOverloaded

    saved = vllm_backend.max_pending
    vllm_backend.max_pending = 1
    try:
        request = GenerationRequest(messages=[{"role": "user", "content": "Hi"}], max_tokens=50)
        first = vllm_backend.stream_sync(request)
        next(first)
        with pytest.raises(BackendOverloaded, match="try again"):
            next(vllm_backend.stream_sync(request))
        first.close()
    finally:
        vllm_backend.max_pending = saved


def test_the_kv_cache_on_a_cpu_is_the_setting(vllm_backend: VLLMBackend) -> None:
    """Not an inherited VLLM_CPU_KVCACHE_SPACE: an engine started beside others (the whole
    suite in one session) must be able to ask for less."""
    cache = vllm_backend._engine.vllm_config.cache_config
    assert cache.kv_cache_memory_bytes == int(vllm_backend.settings.kv_cache_gb * 2**30)


def test_an_inherited_kv_cache_variable_is_ignored_and_said(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import os

    from bot.backends.vllm_engine import _cpu_kv_cache_bytes

    monkeypatch.setenv("VLLM_CPU_KVCACHE_SPACE", "7")
    assert _cpu_kv_cache_bytes(0.5) == 2**29
    assert "VLLM_CPU_KVCACHE_SPACE" not in os.environ
    assert "VLLM_CPU_KVCACHE_SPACE=7 is ignored" in caplog.text
    assert "SHOPBOT_ENGINE__KV_CACHE_GB" in caplog.text
