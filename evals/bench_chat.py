"""`shopbot bench chat`: the whole pipeline against the raw engine and a naive baseline.

In one run, on the same prompts:
- pipeline: `ShopBot` with retrieval, scoring, grounding and persistence, N conversations at
  once, several turns each;
- engine: the same generation requests sent straight to the vLLM engine, all at once (N in
  flight), and again in conversation order (each conversation's next request after its last);
- baseline: transformers ``generate``, one request after another (what a user would write).

The engine and baseline runs produce exactly as many tokens per request as the pipeline did
(`same_work`), so their tokens/s compare the same work.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.backends.base import Chunk, GenerationRequest, Message
from bot.output import print_json
from bot.settings import Settings
from evals.output import percentile

log = logging.getLogger(__name__)
DATA = Path("data")


class RecordingBackend:
    """Passes everything to a backend and keeps the requests it was sent."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name
        self.requests: list[GenerationRequest] = []
        self.completion_tokens: dict[str, int] = {}
        """Output tokens of each request, by request id."""

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def stream(self, request: GenerationRequest) -> AsyncIterator[Chunk]:
        self.requests.append(request)
        return self._counted(request)

    async def _counted(self, request: GenerationRequest) -> AsyncIterator[Chunk]:
        async for chunk in self.inner.stream(request):
            if chunk.finished:
                self.completion_tokens[request.request_id] = chunk.completion_tokens
            yield chunk

    def stream_sync(self, request: GenerationRequest) -> Iterator[Chunk]:
        self.requests.append(request)
        return self.inner.stream_sync(request)


@dataclass
class RunStats:
    name: str
    concurrency: int
    wall_s: float = 0.0
    output_tokens: int = 0
    ttft_ms: list[float] = field(default_factory=list)
    latency_ms: list[float] = field(default_factory=list)
    stages: dict[str, list[float]] = field(default_factory=dict)
    """Per-turn milliseconds of each pipeline stage (the turn's own timings)."""

    def summary(self) -> dict[str, Any]:
        summary = {
            "concurrency": self.concurrency,
            "requests": len(self.latency_ms),
            "wall_s": round(self.wall_s, 2),
            "output_tokens": self.output_tokens,
            "output_tokens_per_s": round(self.output_tokens / self.wall_s, 1) if self.wall_s else 0,
            "ttft_ms_p50": percentile(self.ttft_ms, 50, digits=1),
            "ttft_ms_p95": percentile(self.ttft_ms, 95, digits=1),
            "turn_ms_p50": percentile(self.latency_ms, 50, digits=1),
            "turn_ms_p95": percentile(self.latency_ms, 95, digits=1),
        }
        if self.stages:
            summary["stage_ms_mean"] = {
                stage: round(statistics.fmean(values), 1) for stage, values in self.stages.items()
            }
        return summary


def load_conversations(path: Path, count: int, turns: int) -> list[list[str]]:
    """Shopper messages of past conversations (English and Chinese), ``turns`` each."""
    conversations: list[list[str]] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            messages = [m["content"] for m in record["messages"] if m["role"] == "user"]
            if len(messages) >= 1:
                conversations.append(messages[:turns])
    if not conversations:
        raise ValueError(f"{path} has no conversations")
    return [conversations[i % len(conversations)] for i in range(count)]


async def run_pipeline(bot: Any, conversations: list[list[str]], tag: str) -> RunStats:
    stats = RunStats("pipeline", len(conversations))

    async def one(index: int, messages: list[str]) -> None:
        session = f"bench-{tag}-{index}"
        for message in messages:
            started = time.perf_counter()
            first = None
            async for event in bot.astream_events(message, session=session):
                if event.kind == "delta" and first is None:
                    first = time.perf_counter()
                if event.turn is not None:
                    stats.output_tokens += event.turn.usage.get("completion_tokens", 0)
                    for stage, ms in event.turn.timings.items():
                        stats.stages.setdefault(stage, []).append(ms)
            end = time.perf_counter()
            stats.ttft_ms.append(((first or end) - started) * 1000)
            stats.latency_ms.append((end - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(one(i, c) for i, c in enumerate(conversations)))
    stats.wall_s = time.perf_counter() - started
    return stats


async def run_engine(backend: Any, requests: list[GenerationRequest], concurrency: int) -> RunStats:
    """The same requests straight to the engine, ``concurrency`` in flight at a time."""
    stats = RunStats("engine", concurrency)
    queue: asyncio.Queue[GenerationRequest] = asyncio.Queue()
    for request in requests:
        queue.put_nowait(request)

    async def worker() -> None:
        while not queue.empty():
            await _send(backend, queue.get_nowait(), stats)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    stats.wall_s = time.perf_counter() - started
    return stats


async def run_engine_conversations(
    backend: Any, conversations: list[list[GenerationRequest]]
) -> RunStats:
    """The same requests straight to the engine as the conversations sent them: each
    conversation's requests one after another, all conversations at once."""
    stats = RunStats("engine_in_conversation_order", len(conversations))

    async def one(requests: list[GenerationRequest]) -> None:
        for request in requests:
            await _send(backend, request, stats)

    started = time.perf_counter()
    await asyncio.gather(*(one(c) for c in conversations))
    stats.wall_s = time.perf_counter() - started
    return stats


async def _send(backend: Any, request: GenerationRequest, stats: RunStats) -> None:
    """One request to the engine, timed into ``stats``."""
    started = time.perf_counter()
    first = None
    async for chunk in backend.stream(request):
        if chunk.text and first is None:
            first = time.perf_counter()
        if chunk.finished:
            stats.output_tokens += chunk.completion_tokens
    end = time.perf_counter()
    stats.ttft_ms.append(((first or end) - started) * 1000)
    stats.latency_ms.append((end - started) * 1000)


def same_work(requests: list[GenerationRequest], tokens: dict[str, int]) -> list[GenerationRequest]:
    """The requests made to produce exactly as many tokens as the pipeline's replies had.

    Greedy bf16 decoding on a CPU depends on what else is batched, so the same request can stop
    at another length in another run; comparing tokens/s of runs that did different work says
    little. Fixed lengths (no stop strings) make every run do the same work."""
    fixed = []
    for request in requests:
        count = max(1, tokens.get(request.request_id, request.max_tokens))
        fixed.append(dataclasses.replace(request, max_tokens=count, min_tokens=count, stop=()))
    return fixed


def by_conversation(requests: list[GenerationRequest]) -> list[list[GenerationRequest]]:
    """Requests grouped by the conversation that made them (ids are ``session-xxxxxxxx``),
    each group in the order it was sent."""
    groups: dict[str, list[GenerationRequest]] = {}
    for request in requests:
        groups.setdefault(request.request_id.rsplit("-", 1)[0], []).append(request)
    return list(groups.values())


def run_transformers_baseline(model: str, requests: list[GenerationRequest]) -> RunStats:
    """transformers ``generate``, greedy, one request after another."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    # A script of its own would use every core (this process may have lowered torch's threads).
    torch.set_num_threads(os.cpu_count() or 1)
    tokenizer = AutoTokenizer.from_pretrained(model)
    lm = AutoModelForCausalLM.from_pretrained(model, dtype=torch.bfloat16)
    lm.eval()
    stats = RunStats("transformers_sequential", 1)
    started_all = time.perf_counter()
    for request in requests:
        text = (
            tokenizer.apply_chat_template(
                request.messages, tokenize=False, add_generation_prompt=True
            )
            + request.assistant_prefix
        )
        inputs = tokenizer(text, return_tensors="pt", add_special_tokens=False)
        started = time.perf_counter()
        with torch.inference_mode():
            output = lm.generate(
                **inputs,
                max_new_tokens=request.max_tokens,
                min_new_tokens=request.min_tokens or None,
                repetition_penalty=request.repetition_penalty,
                do_sample=False,
                pad_token_id=tokenizer.eos_token_id,
            )
        end = time.perf_counter()
        stats.output_tokens += int(output.shape[1] - inputs["input_ids"].shape[1])
        stats.latency_ms.append((end - started) * 1000)
        stats.ttft_ms.append((end - started) * 1000)  # no streaming: the whole reply at once
    stats.wall_s = time.perf_counter() - started_all
    return stats


def bench_chat(args: argparse.Namespace, settings: Settings) -> int:
    """Entry point of `shopbot bench chat`."""
    from bot.backends import make_backend
    from bot.shopbot import ShopBot
    from retrieval import KnowledgeBase

    levels = [int(x) for x in (args.conversations or "16,64").split(",")]
    turns = args.turns or 2
    baseline_requests = args.queries or 16
    home = Path(tempfile.mkdtemp(prefix="shopbot-bench-"))
    models = settings.home / "models"
    bench_settings = settings.model_copy(update={"home": home, "database_url": None})
    (home / "models").parent.mkdir(parents=True, exist_ok=True)
    if models.exists():
        (home / "models").symlink_to(models.resolve(), target_is_directory=True)
    backend = RecordingBackend(make_backend(bench_settings))
    backend.warm_up()
    knowledge = KnowledgeBase(bench_settings)
    knowledge.warm_up()
    knowledge.ingest(
        catalog=DATA / "catalog.jsonl",
        policies=DATA / "policies",
        dialogues=DATA / "conversations.jsonl",
    )
    bot = ShopBot(bench_settings, backend=backend, knowledge=knowledge)  # type: ignore[arg-type]
    bot.warm_up()
    report: dict[str, Any] = {"machine": _machine(), "model": backend.inner.model, "levels": []}
    baseline_pool: list[GenerationRequest] = []
    try:
        for level in levels:
            conversations = load_conversations(DATA / "conversations.jsonl", level, turns)
            backend.requests.clear()
            backend.completion_tokens.clear()
            print(f"bench: pipeline, {level} conversations x {turns} turns", file=sys.stderr)
            _cold_cache(backend.inner)
            pipeline = asyncio.run(run_pipeline(bot, conversations, f"c{level}"))
            requests = list(backend.requests)
            pipeline_tokens = dict(backend.completion_tokens)
            fixed = same_work(requests, pipeline_tokens)
            print(f"bench: raw engine, {len(requests)} requests at once", file=sys.stderr)
            _cold_cache(backend.inner)
            engine = asyncio.run(run_engine(backend.inner, fixed, level))
            print("bench: raw engine, in conversation order", file=sys.stderr)
            _cold_cache(backend.inner)
            ordered = asyncio.run(run_engine_conversations(backend.inner, by_conversation(fixed)))
            entry = {
                "conversations": level,
                "turns": turns,
                "model_requests": len(requests),
                "prompt_tokens_mean": _mean(
                    backend.inner.count_tokens(r.messages) for r in requests
                ),
                "completion_tokens_mean": _mean(pipeline_tokens.values()),
                "pipeline": pipeline.summary(),
                "engine": engine.summary(),
                "engine_in_conversation_order": ordered.summary(),
            }
            entry["pipeline_vs_engine_throughput"] = _ratio(pipeline, engine)
            entry["pipeline_vs_engine_in_conversation_order"] = _ratio(pipeline, ordered)
            baseline_pool.extend(fixed)
            report["levels"].append(entry)
        sample = baseline_pool[:baseline_requests]
        model = backend.inner.model
        bot.close()
        backend.inner.close()  # the baseline gets the machine to itself
        print(f"bench: transformers baseline, {len(sample)} requests", file=sys.stderr)
        baseline = run_transformers_baseline(model, sample)
        report["baseline"] = baseline.summary()
        base = report["baseline"]["output_tokens_per_s"] or 1
        for entry in report["levels"]:
            for run in ("pipeline", "engine", "engine_in_conversation_order"):
                entry[f"{run}_vs_baseline_throughput"] = round(
                    entry[run]["output_tokens_per_s"] / base, 2
                )
    finally:
        bot.close()
        backend.inner.close()  # the bot does not own a backend passed in
    if args.json:
        print_json(report)
    else:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


def _cold_cache(backend: Any) -> None:
    """Neither run may reuse the prompt prefixes the other left in the engine's cache."""
    reset = getattr(backend, "reset_prefix_cache", None)
    if reset is not None:
        reset()


def _ratio(a: RunStats, b: RunStats) -> float | None:
    sa, sb = a.summary(), b.summary()
    if not sb["output_tokens_per_s"]:
        return None
    return round(sa["output_tokens_per_s"] / sb["output_tokens_per_s"], 3)


def _machine() -> dict[str, Any]:
    import platform

    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def _mean(values: Iterable[float]) -> float | None:
    listed = list(values)
    return round(statistics.fmean(listed), 1) if listed else None


__all__ = ["Message", "bench_chat"]
