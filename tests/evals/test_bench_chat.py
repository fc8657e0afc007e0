"""`shopbot bench chat`'s runs: the raw engine and the baseline must do the pipeline's work."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot import ShopBot
from bot.backends import GenerationRequest
from bot.backends.fake import FakeBackend
from bot.fakes import StaticKnowledge
from evals.bench_chat import (
    RecordingBackend,
    by_conversation,
    run_engine,
    run_engine_conversations,
    run_pipeline,
    same_work,
)
from tests.bot.facts import RETURN_WINDOW
from tests.conftest import make_settings

FACTS = RETURN_WINDOW


def _request(session: str, turn: int, max_tokens: int = 50) -> GenerationRequest:
    return GenerationRequest(
        messages=[{"role": "user", "content": f"{session} turn {turn}"}],
        max_tokens=max_tokens,
        request_id=f"{session}-{turn:08x}",
        stop=("\n",),
    )


def test_same_work_fixes_each_reply_to_the_pipelines_length() -> None:
    requests = [_request("bench-c2-0", 1), _request("bench-c2-1", 1)]
    tokens = {requests[0].request_id: 7}  # the second one never finished
    fixed = same_work(requests, tokens)
    assert (fixed[0].max_tokens, fixed[0].min_tokens, fixed[0].stop) == (7, 7, ())
    assert (fixed[1].max_tokens, fixed[1].min_tokens) == (50, 50)
    assert fixed[0].messages == requests[0].messages


def test_requests_are_grouped_by_conversation_in_the_order_sent() -> None:
    a1, b1, a2 = _request("bench-c2-0", 1), _request("bench-c2-1", 1), _request("bench-c2-0", 2)
    assert by_conversation([a1, b1, a2]) == [[a1, a2], [b1]]


def test_conversation_order_replay_waits_for_each_reply() -> None:
    backend = FakeBackend(delay_s=0.01)
    conversations = [[_request(f"bench-c3-{i}", t) for t in (1, 2)] for i in range(3)]
    stats = asyncio.run(run_engine_conversations(backend, conversations))
    sent = [r.request_id.rsplit("-", 1)[1] for r in backend.requests]
    # All first turns go out together; no second turn before its first turn's reply.
    assert sent == [f"{1:08x}"] * 3 + [f"{2:08x}"] * 3
    assert len(stats.latency_ms) == 6 and stats.output_tokens > 0
    backend.close()


@pytest.mark.slow
@pytest.mark.integration
def test_every_run_does_the_same_work_on_the_real_engine(
    vllm_backend: object, tmp_path: Path
) -> None:
    recording = RecordingBackend(vllm_backend)
    bot = ShopBot(
        make_settings(tmp_path / "home"), backend=recording, knowledge=StaticKnowledge(FACTS)
    )  # type: ignore[arg-type]
    conversations = [
        ["How many days do I have to return an item?", "Do I get a full refund?"],
        ["What is your return window?"],
    ]
    pipeline = asyncio.run(run_pipeline(bot, conversations, "t"))
    assert len(pipeline.latency_ms) == 3 and len(recording.requests) == 3
    assert pipeline.output_tokens == sum(recording.completion_tokens.values()) > 0
    fixed = same_work(recording.requests, recording.completion_tokens)
    engine = asyncio.run(run_engine(vllm_backend, fixed, 2))
    ordered = asyncio.run(run_engine_conversations(vllm_backend, by_conversation(fixed)))
    assert engine.output_tokens == ordered.output_tokens == pipeline.output_tokens
    bot.close()
