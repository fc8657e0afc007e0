"""The engine dies or hangs: replies waiting for it fail at once (the shopper gets the fallback
and a human), the backend says why, and the engine is restarted in the background.

The supervisor's logic runs against a fake engine that can die, hang and fail to restart;
the real vLLM engine is then frozen (SIGSTOP of its engine core process) mid-reply.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from bot import ShopBot
from bot.backends.base import Chunk, GenerationRequest
from bot.backends.fake import FakeBackend
from bot.backends.supervisor import EngineSupervisor
from bot.errors import BackendUnavailable
from bot.fakes import SimpleHit, StaticKnowledge
from bot.language import phrase
from bot.settings import Settings
from tests.bot.test_shopbot import KNOWLEDGE

LONG = " ".join(f"word{i}" for i in range(150))
REQUEST = GenerationRequest(messages=[{"role": "user", "content": "Tell me everything"}])


class MortalBackend(FakeBackend):
    """A fake engine that can die, hang, and fail to come back on the first tries."""

    name = "mortal"

    def __init__(self, watchdog_s: float = 0.6) -> None:
        super().__init__(lambda r: LONG, delay_s=0.02, timeout_s=30)
        self.dead = False
        self.hung = False
        self.failing_restarts = 0
        self.restart_attempts = 0
        self.watchdog_s = watchdog_s
        self.supervisor: EngineSupervisor | None = None

    async def _start(self) -> None:
        self.supervisor = EngineSupervisor(
            self, watchdog_s=self.watchdog_s, backoff_s=0.1, backoff_max_s=0.2, poll_s=0.05
        )
        self.supervisor.start()

    async def _stop(self) -> None:
        if self.supervisor is not None:
            await self.supervisor.stop()

    def engine_problem(self) -> str | None:
        return "the engine process exited (code -9)" if self.dead else None

    async def restart_engine(self) -> None:
        self.restart_attempts += 1
        await asyncio.sleep(0.2)
        if self.failing_restarts:
            self.failing_restarts -= 1
            raise RuntimeError("not enough memory for the KV cache")
        self.dead = self.hung = False

    async def _generate(self, request: GenerationRequest) -> AsyncIterator[Chunk]:
        async for chunk in super()._generate(request):
            while self.hung:
                await asyncio.sleep(0.05)
            yield chunk


@pytest.fixture
def mortal() -> Iterator[MortalBackend]:
    backend = MortalBackend()
    backend.warm_up()
    yield backend
    backend.close()


def _stream_in_background(backend: Any) -> tuple[threading.Thread, dict[str, Any]]:
    outcome: dict[str, Any] = {"text": ""}

    def consume() -> None:
        try:
            for chunk in backend.stream_sync(REQUEST):
                outcome["text"] += chunk.text
        except Exception as exc:
            outcome["error"] = exc
        outcome["ended"] = time.monotonic()

    thread = threading.Thread(target=consume, daemon=True)
    thread.start()
    return thread, outcome


def _wait_until(condition: Any, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_dead_engine_fails_waiting_replies_at_once_and_comes_back(
    mortal: MortalBackend,
) -> None:
    mortal.failing_restarts = 1
    thread, outcome = _stream_in_background(mortal)
    _wait_until(lambda: len(outcome["text"]) > 20, 10)
    mortal.dead = True
    thread.join(10)
    # Ended by the supervisor noticing the death, not by the 30 s reply timeout.
    assert isinstance(outcome.get("error"), BackendUnavailable)
    assert "exited" in str(outcome["error"])

    # While it restarts: new replies fail at once, saying why; the health check says no.
    assert mortal.down_reason is not None and "restarting" in mortal.down_reason
    with pytest.raises(BackendUnavailable, match="is down"):  # refused before any wait
        list(mortal.stream_sync(REQUEST))
    assert mortal._loop().run(mortal.health()) is False

    _wait_until(lambda: mortal.down_reason is None, 10)
    assert mortal.restart_attempts == 2  # the first restart failed, the second one worked
    assert mortal.supervisor is not None and mortal.supervisor.restarts == 1
    assert mortal.supervisor.failures[0]["reason"] == "the engine process exited (code -9)"
    assert mortal._loop().run(mortal.health()) is True
    assert "".join(c.text for c in mortal.stream_sync(REQUEST)).startswith("word0 word1")


def test_a_hung_engine_is_noticed_by_the_watchdog(mortal: MortalBackend) -> None:
    thread, outcome = _stream_in_background(mortal)
    _wait_until(lambda: len(outcome["text"]) > 20, 10)
    mortal.hung = True
    thread.join(10)
    assert isinstance(outcome.get("error"), BackendUnavailable)
    assert "engine.watchdog_s" in str(outcome["error"])  # the watchdog, not the timeout
    _wait_until(lambda: mortal.down_reason is None, 10)
    assert mortal.supervisor is not None and mortal.supervisor.restarts == 1


def test_an_idle_engine_is_not_taken_for_a_hung_one(mortal: MortalBackend) -> None:
    time.sleep(mortal.watchdog_s * 2)  # nothing asked: no token expected
    assert "".join(c.text for c in mortal.stream_sync(REQUEST))
    assert mortal.supervisor is not None and mortal.supervisor.restarts == 0


def test_shoppers_get_the_fallback_and_a_human_while_the_engine_is_down(
    settings: Settings, mortal: MortalBackend
) -> None:
    # StaticKnowledge matches whole \w runs, so the Chinese passage carries the question's.
    zh = SimpleHit(
        "policy:shipping_zh#1", "policy", "配送", "国际配送要多久呢 取决于目的地的海关。"
    )
    bot = ShopBot(settings, backend=mortal, knowledge=StaticKnowledge([*KNOWLEDGE, zh]))
    bot.warm_up()
    mortal.failing_restarts = 50  # stays down for this test
    mortal.dead = True
    _wait_until(lambda: mortal.down_reason is not None, 5)
    turn = bot.chat("How long do refunds to a credit card take?", session="down-en")
    assert turn.reply == phrase("en", "backend_failed")
    assert turn.escalated and turn.status == "waiting_for_agent"
    stored = bot.store.get("down-en")
    assert [m.role for m in stored.messages] == ["user", "assistant"]
    assert stored.messages[1].content == turn.reply
    assert "down-en" in {c.id for c in bot.escalations()}
    # The conversation keeps what the bot knew of it (the scores, the predicted CSAT).
    assert stored.data["bot_state"]["dissatisfaction"] and stored.data["predicted_csat"]
    # With the bundled model, Chinese answers are taken from the passages without the
    # model: they still come while the engine is down.
    answer = bot.chat("国际配送要多久呢？", session="down-zh")
    assert "海关" in answer.reply and not answer.escalated
    bot.close()


@pytest.mark.slow
@pytest.mark.integration
def test_the_real_engine_frozen_mid_reply_is_restarted(vllm_backend: Any) -> None:
    supervisor = vllm_backend.supervisor
    assert supervisor is not None, "the vLLM backend runs supervised by default"
    before = supervisor.restarts
    saved = supervisor.watchdog_s
    supervisor.watchdog_s = 3.0
    request = GenerationRequest(
        messages=[{"role": "user", "content": "Write a long story about a lighthouse."}],
        max_tokens=200,
    )
    outcome: dict[str, Any] = {"text": ""}
    frozen = threading.Event()
    pids = vllm_backend.engine_pids()
    assert pids

    def consume() -> None:
        try:
            for chunk in vllm_backend.stream_sync(request):
                outcome["text"] += chunk.text
                if not frozen.is_set() and len(outcome["text"]) > 10:
                    for pid in pids:
                        os.kill(pid, signal.SIGSTOP)
                    outcome["frozen_at"] = time.monotonic()
                    frozen.set()
        except Exception as exc:
            outcome["error"] = exc
        outcome["ended"] = time.monotonic()

    try:
        thread = threading.Thread(target=consume, daemon=True)
        thread.start()
        thread.join(120)
        assert frozen.is_set(), outcome
        assert isinstance(outcome.get("error"), BackendUnavailable), outcome
        # Noticed by the watchdog (3 s here), not by the 60 s reply timeout.
        assert "engine.watchdog_s" in str(outcome["error"])
        _wait_until(lambda: vllm_backend.down_reason is None, 600)
        assert supervisor.restarts == before + 1
        assert set(vllm_backend.engine_pids()).isdisjoint(pids)
        again = "".join(c.text for c in vllm_backend.stream_sync(request))
        assert again.strip()
    finally:
        supervisor.watchdog_s = saved
        for pid in pids:  # never leave a frozen process behind, whatever happened
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
