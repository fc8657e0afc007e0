"""Two `shopbot serve` replicas on one PostgreSQL, one Chroma server and one `vllm serve`:
conversations alternate between the replicas, one replica is killed mid-run, and nothing is
lost or duplicated; every transcript and the escalation queue read the same through either
replica. Also: the remote backend straight against that `vllm serve`."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.backends import GenerationRequest
from bot.backends.remote import RemoteBackend
from bot.settings import EngineSettings
from tests.conftest import ROOT
from tests.scaleout.conftest import API_KEY, Stack
from tests.servers import free_port, shopbot_replicas

pytestmark = [pytest.mark.slow, pytest.mark.integration]

HEADERS = {"Authorization": f"Bearer {API_KEY}"}
SCRIPTS = [
    ["How long do refunds to a credit card take?", "Can I return sale items?", "Thanks!"],
    ["退款多久能到账？", "运费是多少？", "谢谢"],
    ["Do you have the blue linen shirt in M?", "How much is it?", "I want to talk to a human"],
    ["你们的退货政策是什么？", "我要找人工客服"],
    ["Do you ship to Canada?", "How long does shipping take?", "ok thanks"],
    ["Is the ceramic mug dishwasher safe?", "Can I pay with PayPal?"],
]
KILL_AFTER_TURNS = 4


class Shopper:
    """A helpdesk client that alternates replicas and retries on the other one, with the
    same idempotency key, when a replica fails (as a load balancer would)."""

    def __init__(self, urls: list[str]) -> None:
        self.urls = urls
        self.failovers = 0
        self.lock = threading.Lock()

    def send(self, first: int, conversation: str, key: str, content: str, stream: bool) -> dict:
        errors = []
        for attempt in range(4):
            url = self.urls[(first + attempt) % len(self.urls)]
            try:
                return self._post(url, conversation, key, content, stream)
            except (httpx.TransportError, httpx.HTTPStatusError, IncompleteStream) as exc:
                errors.append(f"{url}: {exc!r}")
                with self.lock:
                    self.failovers += 1
        raise AssertionError(f"no replica answered {key}: {errors}")

    @staticmethod
    def _post(url: str, conversation: str, key: str, content: str, stream: bool) -> dict:
        headers = {**HEADERS, "Idempotency-Key": key}
        path = f"{url}/api/v1/conversations/{conversation}/messages"
        if not stream:
            response = httpx.post(path, json={"content": content}, headers=headers, timeout=180)
            response.raise_for_status()
            return response.json()
        headers["Accept"] = "text/event-stream"
        deltas = []
        with httpx.stream(
            "POST", path, json={"content": content}, headers=headers, timeout=180
        ) as response:
            response.raise_for_status()
            for event, data in sse(response.iter_lines()):
                if event == "delta":
                    deltas.append(data["text"])
                elif event == "done":
                    assert deltas, "the reply came whole, not streamed"
                    return data
        raise IncompleteStream(f"{key}: the stream ended without its 'done' event")


class IncompleteStream(Exception):
    pass


def sse(lines: Iterator[str]) -> Iterator[tuple[str, Any]]:
    event = ""
    for line in lines:
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            yield event, json.loads(line[5:])


def test_replicas_lose_and_duplicate_nothing_when_one_dies(stack: Stack, tmp_path: Path) -> None:
    env = stack.replica_env()
    homes = [tmp_path / "replica-a", tmp_path / "replica-b"]
    ids = [f"scaleout-{n}" for n in range(len(SCRIPTS))]
    replies: dict[str, list[dict]] = {c: [] for c in ids}
    done_turns = 0
    count_lock = threading.Lock()
    kill_now = threading.Event()
    with shopbot_replicas(env, homes, cwd=ROOT) as (a, b):
        shopper = Shopper([a.url, b.url])
        for n, conversation in enumerate(ids):  # created through either replica
            created = httpx.post(
                f"{shopper.urls[n % 2]}/api/v1/conversations",
                json={"id": conversation},
                headers=HEADERS,
                timeout=30,
            )
            assert created.status_code == 201, created.text

        def converse(n: int) -> None:
            nonlocal done_turns
            for turn, content in enumerate(SCRIPTS[n]):
                key = f"{ids[n]}-turn-{turn}"
                reply = shopper.send((n + turn) % 2, ids[n], key, content, stream=turn % 2 == 1)
                replies[ids[n]].append(reply)
                with count_lock:
                    done_turns += 1
                    if done_turns == KILL_AFTER_TURNS:
                        kill_now.set()

        restarted, comeback = contextlib.ExitStack(), []

        def killer() -> None:
            kill_now.wait(600)
            a.process.kill()  # SIGKILL mid-run: whatever it was answering is cut off
            # ... and it is restarted (a new process) while the run goes on.
            replicas = shopbot_replicas(env, [tmp_path / "replica-a2"], cwd=ROOT)
            comeback.extend(restarted.enter_context(replicas))

        restart = threading.Thread(target=killer, daemon=True)
        restart.start()
        with ThreadPoolExecutor(3) as pool:
            list(pool.map(converse, range(len(SCRIPTS))))
        assert a.process.wait(30) != 0
        assert shopper.failovers >= 1  # turns meant for the dead replica went to the other
        restart.join(600)

        # The replica that came back sees exactly what the other one sees.
        with restarted:
            (a2,) = comeback
            for conversation in ids:
                through = [
                    httpx.get(f"{url}/api/v1/conversations/{conversation}", headers=HEADERS)
                    for url in (a2.url, b.url)
                ]
                assert all(r.status_code == 200 for r in through)
                assert through[0].json() == through[1].json()
            queues = [
                httpx.get(f"{url}/api/v1/escalations", headers=HEADERS).json()
                for url in (a2.url, b.url)
            ]
            transcripts = {
                c: httpx.get(f"{b.url}/api/v1/conversations/{c}", headers=HEADERS).json()
                for c in ids
            }

    for n, conversation in enumerate(ids):
        messages = transcripts[conversation]["messages"]
        # Every shopper message once, in order, each followed by exactly one reply: the one
        # the shopper was given.
        assert [m["role"] for m in messages] == ["user", "assistant"] * len(SCRIPTS[n])
        assert [m["content"] for m in messages[0::2]] == SCRIPTS[n]
        assert [m["content"] for m in messages[1::2]] == [r["reply"] for r in replies[conversation]]
        assert [m["position"] for m in messages] == list(range(len(messages)))
        assert all(r["reply"].strip() for r in replies[conversation])
    escalated = {c for c in ids if any(r["escalated"] for r in replies[c])}
    why = {c: transcripts[c].get("escalation") for c in escalated}
    assert {ids[2], ids[3]} <= escalated, why  # the shoppers who asked for a person
    for queue in queues:
        waiting = [entry["id"] for entry in queue if entry["id"] in ids]
        assert sorted(waiting) == sorted(escalated)  # once each, whichever replica got it
    assert queues[0] == queues[1]


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
