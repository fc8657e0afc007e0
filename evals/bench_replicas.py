"""`shopbot bench replicas`: throughput of one `shopbot serve` replica against two, in one
run, on one stack started on loopback: one `vllm serve` (the configured model), one Chroma
server, one PostgreSQL (SQLite on a shared file if PostgreSQL is not installed) and two
replicas using the remote backend.

The same shopper conversations (past dialogues of the demo store, English and Chinese) go,
N at once, first all to replica A, then alternating between A and B. On one machine the
replicas share the cores with `vllm serve`, so the figure says what the web tier adds or
costs there; on separate machines the model tier is the one to scale (docs/deploy.md).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bot.output import print_json
from bot.settings import Settings
from evals.bench_chat import DATA, _machine, load_conversations

API_KEY = "bench-replicas-key"


def _progress(message: str) -> None:
    print(f"[bench replicas] {message}", file=sys.stderr, flush=True)


async def _run(urls: list[str], conversations: list[list[str]], tag: str, at_once: int) -> dict:
    """Every conversation, ``at_once`` of them at a time; turn t of conversation c goes to
    replica ``(c + t) % len(urls)``."""
    latencies: list[float] = []
    failures = 0
    grounded = 0  # replies written by the model from retrieved knowledge (with sources)
    gate = asyncio.Semaphore(at_once)
    headers = {"Authorization": f"Bearer {API_KEY}"}

    async def one(client: httpx.AsyncClient, index: int, messages: list[str]) -> None:
        nonlocal failures, grounded
        async with gate:
            conversation = f"{tag}-{index}"
            await client.post(
                f"{urls[index % len(urls)]}/api/v1/conversations",
                json={"id": conversation},
                headers=headers,
            )
            for turn, content in enumerate(messages):
                url = urls[(index + turn) % len(urls)]
                started = time.perf_counter()
                response = await client.post(
                    f"{url}/api/v1/conversations/{conversation}/messages",
                    json={"content": content},
                    headers={**headers, "Idempotency-Key": f"{conversation}-{turn}"},
                )
                if response.status_code != 200:
                    failures += 1
                elif response.json().get("sources"):
                    grounded += 1
                latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    async with httpx.AsyncClient(timeout=600) as client:
        await asyncio.gather(*(one(client, i, m) for i, m in enumerate(conversations)))
    seconds = time.perf_counter() - started
    latencies.sort()
    return {
        "replicas": len(urls),
        "turns": len(latencies),
        "failed": failures,
        "with_sources": grounded,
        "seconds": round(seconds, 2),
        "turns_per_s": round(len(latencies) / seconds, 3),
        "latency_p50_s": round(statistics.median(latencies), 2),
        "latency_p95_s": round(latencies[int(0.95 * (len(latencies) - 1))], 2),
    }


def bench_replicas(args: argparse.Namespace, settings: Settings) -> int:
    """Entry point of `shopbot bench replicas`."""
    from bot.model_files import resolve_chat_model
    from evals.stack import (
        chroma_server,
        postgres_available,
        postgres_server,
        shopbot_command,
        shopbot_replicas,
        vllm_server,
        wait_for_vllm,
    )

    count = int((args.conversations or "16").split(",")[0])
    turns = args.turns or 2
    at_once = max(2, min(count, 8))
    conversations = load_conversations(DATA / "conversations.jsonl", count, turns)
    model = resolve_chat_model(settings)
    if Path(model).exists():  # a folder: vllm serve gets it whatever its working directory
        model = str(Path(model).resolve())
    workdir = Path(tempfile.mkdtemp(prefix="shopbot-bench-replicas-"))
    (workdir / "none.toml").write_text("", encoding="utf-8")
    with contextlib.ExitStack() as stack:
        _progress(f"starting vllm serve ({model}), Chroma and the database in {workdir}")
        vllm_url = stack.enter_context(vllm_server(model, workdir / "vllm", wait=False))
        chroma_url = stack.enter_context(chroma_server(workdir / "chroma"))
        if postgres_available():
            # Its own folder: PostgreSQL runs as its own user, who cannot enter ours.
            pg_dir = Path(tempfile.mkdtemp(prefix="shopbot-bench-pg-"))
            database = stack.enter_context(postgres_server(pg_dir))
        else:
            _progress("PostgreSQL is not installed: the replicas share a SQLite file")
            database = f"sqlite:///{workdir / 'shared.db'}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPBOT_")}
        env.update(
            HF_HUB_OFFLINE="1",
            SHOPBOT_CONFIG=str(workdir / "none.toml"),
            SHOPBOT_API_KEYS=API_KEY,
            SHOPBOT_DATABASE_URL=database,
            SHOPBOT_CHROMA_URL=chroma_url,
            SHOPBOT_EMBEDDER=settings.embedder,
            SHOPBOT_ENGINE__BACKEND="remote",
            SHOPBOT_ENGINE__REMOTE_URLS=vllm_url,
            SHOPBOT_ENGINE__MAX_TOKENS=str(settings.engine.max_tokens),
            SHOPBOT_ENGINE__TIMEOUT_S="600",
        )
        _progress("ingesting the demo store's policies into Chroma")
        import subprocess

        subprocess.run(
            shopbot_command("ingest", "--policies", str(DATA / "policies"), "--json"),
            env={**env, "SHOPBOT_HOME": str(workdir / "ingest")},
            check=True,
            stdout=subprocess.DEVNULL,
        )
        wait_for_vllm(vllm_url)
        _progress("starting two shopbot serve replicas")
        replicas = stack.enter_context(
            shopbot_replicas(env, [workdir / "replica-a", workdir / "replica-b"])
        )
        urls = [r.url for r in replicas]
        _progress(f"{count} conversations x {turns} turns, {at_once} at once: one replica")
        one = asyncio.run(_run(urls[:1], conversations, "one", at_once))
        _progress(f"one replica: {one['turns_per_s']} turns/s; now two replicas")
        two = asyncio.run(_run(urls, conversations, "two", at_once))
        _progress(f"two replicas: {two['turns_per_s']} turns/s")
    shutil.rmtree(workdir, ignore_errors=True)
    report: dict[str, Any] = {
        "machine": _machine(),
        "model": model,
        "database": "postgresql" if database.startswith("postgresql") else "sqlite",
        "conversations": count,
        "turns_per_conversation": turns,
        "at_once": at_once,
        "max_tokens": settings.engine.max_tokens,
        "one_replica": one,
        "two_replicas": two,
        "two_vs_one": round(two["turns_per_s"] / one["turns_per_s"], 3),
    }
    print_json(report)
    return 0
