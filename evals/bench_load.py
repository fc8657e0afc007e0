"""`shopbot bench load`: many shoppers at once over HTTP, and the engine killed mid-run.

Starts a real `shopbot serve` on loopback (or targets ``--url``), runs N conversations of T
turns at once through the helpdesk API with streamed replies, and reports throughput, time
to first token, turn latency and errors. With ``--kill-engine-at S`` a second run follows in
which the engine core process is killed S seconds in: it reports how soon shoppers got the
fallback reply, how soon the service answered again, and how many acknowledged messages are
missing from the stored transcripts afterwards (the goal is none).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import secrets
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bot.output import print_json
from bot.settings import Settings
from evals.load_server import ServedApp, engine_core_pids, serve_for_load
from evals.output import percentile

log = logging.getLogger(__name__)
QUESTIONS = Path("data") / "eval" / "chat_facts.jsonl"
TURN_TIMEOUT_S = 300.0


@dataclass
class TurnResult:
    conversation: str
    index: int
    message: str
    started: float
    ended: float = 0.0
    first_token: float | None = None
    fallback_shown: float | None = None
    """When the fallback reply's text arrived (before it is stored and ``done`` comes)."""
    status: int | None = None
    reply: str = ""
    escalated: bool = False
    fallback: bool = False
    error: str | None = None
    retries: int = 0

    @property
    def acknowledged(self) -> bool:
        """The server took the message (it stores it before answering)."""
        return self.status == 200

    @property
    def answered(self) -> bool:
        return self.acknowledged and self.error is None and bool(self.reply) and not self.fallback


@dataclass
class Run:
    name: str
    started: float = field(default_factory=time.monotonic)
    turns: list[TurnResult] = field(default_factory=list)
    conversations: list[str] = field(default_factory=list)
    ended: float = 0.0


def load_questions(
    count: int, turns: int, offset: int = 0, path: Path = QUESTIONS
) -> list[list[str]]:
    """``count`` conversations of ``turns`` distinct shopper questions (English and Chinese);
    another ``offset`` gives other combinations (a second run is not served from cache)."""
    questions = [json.loads(line)["question"] for line in path.open(encoding="utf-8") if line]
    step = max(1, len(questions) // max(count, 1))
    return [
        [questions[(i * step + t * 7 + offset * 3) % len(questions)] for t in range(turns)]
        for i in range(count)
    ]


def _fallback_phrases() -> set[str]:
    from bot.language import phrase

    return {phrase(lang, "backend_failed") for lang in ("en", "zh")}


async def _turn(
    client: httpx.AsyncClient, result: TurnResult, fallbacks: set[str], clock: float
) -> None:
    """One streamed turn, retried on 429/503 with the same Idempotency-Key."""
    key = secrets.token_hex(8)
    headers = {"Accept": "text/event-stream", "Idempotency-Key": key}
    url = f"/api/v1/conversations/{result.conversation}/messages"
    for attempt in range(4):
        result.retries = attempt
        try:
            async with client.stream(
                "POST", url, json={"content": result.message}, headers=headers
            ) as response:
                result.status = response.status_code
                if response.status_code in (429, 503) and attempt < 3:
                    wait = float(response.headers.get("retry-after", "1"))
                    await response.aread()
                    await asyncio.sleep(min(wait, 5.0))
                    continue
                if response.status_code != 200:
                    result.error = (
                        f"HTTP {response.status_code}: {(await response.aread())[:200]!r}"
                    )
                    break
                await _read_events(response, result, fallbacks, clock)
                break
        except httpx.HTTPError as exc:
            result.error = f"{type(exc).__name__}: {exc}"
            break
    result.ended = time.monotonic() - clock


async def _read_events(
    response: httpx.Response, result: TurnResult, fallbacks: set[str], clock: float
) -> None:
    event = ""
    async for line in response.aiter_lines():
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data = json.loads(line[5:])
            if event == "delta" and data.get("text") in fallbacks:
                result.fallback_shown = time.monotonic() - clock
            if event == "delta" and result.first_token is None and data.get("text"):
                result.first_token = time.monotonic() - clock
            elif event == "done":
                result.reply = data.get("reply") or ""
                result.escalated = bool(data.get("escalated"))
                result.fallback = result.reply in fallbacks
                return
            elif event == "error":
                result.error = f"stream error: {data.get('error', {}).get('message')}"
                return
    result.error = "the stream ended without a reply"


async def _conversation(
    client: httpx.AsyncClient, messages: list[str], run: Run, fallbacks: set[str]
) -> None:
    created = await client.post("/api/v1/conversations", json={"channel": "load"})
    created.raise_for_status()
    cid = created.json()["id"]
    run.conversations.append(cid)
    for index, message in enumerate(messages):
        result = TurnResult(cid, index, message, time.monotonic() - run.started)
        run.turns.append(result)
        await _turn(client, result, fallbacks, run.started)


async def run_load(
    client: httpx.AsyncClient, conversations: list[list[str]], run: Run | str
) -> Run:
    run = Run(run) if isinstance(run, str) else run
    fallbacks = _fallback_phrases()
    tasks = [_conversation(client, msgs, run, fallbacks) for msgs in conversations]
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            log.warning("A conversation could not start: %s", outcome)
    run.ended = time.monotonic() - run.started
    return run


def summarise(run: Run, count_tokens: Any = None) -> dict[str, Any]:
    """Throughput, TTFT and turn latency (p50/p99, seconds), error rate of one run."""
    turns = run.turns
    done = [t for t in turns if t.error is None and t.acknowledged]
    answered = [t for t in turns if t.answered]
    ttft = [t.first_token - t.started for t in answered if t.first_token is not None]
    latency = [t.ended - t.started for t in answered]
    tokens = sum(count_tokens(t.reply) for t in answered) if count_tokens else None
    wall = max(run.ended, 1e-9)
    return {
        "conversations": len(run.conversations),
        "turns": len(turns),
        "answered": len(answered),
        "fallback_replies": sum(t.fallback for t in turns),
        "waiting_for_agent": sum(t.acknowledged and not t.reply and not t.error for t in turns),
        "escalated": sum(t.escalated for t in turns),
        "errors": len(turns) - len(done),
        "error_rate": round((len(turns) - len(done)) / max(len(turns), 1), 4),
        "retries": sum(t.retries for t in turns),
        "wall_s": round(run.ended, 1),
        "turns_per_s": round(len(done) / wall, 2),
        "answered_per_s": round(len(answered) / wall, 2),
        "reply_tokens_per_s": round(tokens / wall, 1) if tokens is not None else None,
        "ttft_s": {"p50": percentile(ttft, 50, digits=3), "p99": percentile(ttft, 99, digits=3)},
        "turn_s": {
            "p50": percentile(latency, 50, digits=3),
            "p99": percentile(latency, 99, digits=3),
        },
        "error_examples": sorted({t.error for t in turns if t.error})[:5],
    }


def reason_kind(reason: str) -> str:
    """An escalation reason without its particulars (numbers, process ids)."""
    if reason.startswith("model backend failed"):
        if "No complete reply" in reason:
            return "model backend failed: timeout"
        if any(word in reason for word in ("stopped", "died", "is down", "not running")):
            return "model backend failed: the engine stopped"
        return "model backend failed: other"
    return reason.split(" (")[0]


async def count_lost(client: httpx.AsyncClient, run: Run) -> dict[str, Any]:
    """Acknowledged shopper messages and delivered replies missing from the transcripts."""
    lost_messages = lost_replies = duplicated = 0
    reasons: dict[str, int] = {}
    for cid in run.conversations:
        response = await client.get(f"/api/v1/conversations/{cid}")
        response.raise_for_status()
        for reason in (response.json().get("escalation") or {}).get("reasons", []):
            kind = reason_kind(reason)
            reasons[kind] = reasons.get(kind, 0) + 1
        stored = response.json()["messages"]
        users = [m["content"] for m in stored if m["role"] == "user"]
        replies = [m["content"] for m in stored if m["role"] == "assistant"]
        mine = [t for t in run.turns if t.conversation == cid]
        for turn in mine:
            if turn.acknowledged and turn.message not in users:
                lost_messages += 1
            if turn.reply and turn.reply not in replies:
                lost_replies += 1
        sent = [t.message for t in mine if t.acknowledged]
        duplicated += max(0, len(users) - len(sent))
    return {
        "lost_messages": lost_messages,
        "lost_replies": lost_replies,
        "duplicated": duplicated,
        "escalation_reasons": reasons,
    }


async def _watch_recovery(
    client: httpx.AsyncClient, since: float, clock: float, report: dict[str, Any]
) -> None:
    """Poll /healthz from the kill on: when it first said 503, when it said 200 again."""
    while True:
        try:
            response = await client.get("/healthz", timeout=30)
            status = response.status_code
        except httpx.HTTPError:
            status = None
        now = time.monotonic() - clock
        if status != 200 and "health_down_after_s" not in report:
            report["health_down_after_s"] = round(now - since, 2)
            report["health_reason"] = (
                response.json().get("checks", {}).get("engine") if status else None
            )
        if status == 200 and "health_down_after_s" in report:
            report["health_ok_after_s"] = round(now - since, 2)
            return
        await asyncio.sleep(0.5)


async def kill_run(
    client: httpx.AsyncClient,
    conversations: list[list[str]],
    server_pid: int,
    kill_at: float,
) -> tuple[Run, dict[str, Any]]:
    """The load run with the engine core killed ``kill_at`` seconds in."""
    report: dict[str, Any] = {"kill_at_s": kill_at}
    clock = time.monotonic()
    run = Run("kill", started=clock)
    load = asyncio.ensure_future(run_load(client, conversations, run))
    await asyncio.sleep(kill_at)
    # Killed while replies are being written (they are what a crash must not lose).
    deadline = time.monotonic() + 120
    while not any(t.ended == 0.0 for t in run.turns) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    pids = engine_core_pids(server_pid)
    if not pids:
        raise RuntimeError(f"No engine core process under process {server_pid}.")
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    killed = time.monotonic() - clock
    report["killed_pids"] = pids
    log.warning("Killed the engine core (%s) %.1f s into the run", pids, killed)
    await _watch_recovery(client, killed, clock, report)
    # A new shopper after recovery must be answered by the model again.
    probe = await run_load(client, [["How long do refunds to a credit card take?"]], "probe")
    answered = [t for t in probe.turns if t.answered]
    report["answered_after_s"] = round(time.monotonic() - clock - killed, 2) if answered else None
    await load
    after = [t for t in run.turns if t.ended >= killed]
    fallbacks = [t.ended - killed for t in after if t.fallback]
    in_flight = [t.ended - killed for t in after if t.started <= killed]
    shown = [t.fallback_shown - killed for t in after if t.fallback and t.fallback_shown]
    report["first_fallback_shown_after_s"] = round(min(shown), 2) if shown else None
    report["last_fallback_shown_after_s"] = round(max(shown), 2) if shown else None
    report["first_fallback_after_s"] = round(min(fallbacks), 2) if fallbacks else None
    report["in_flight_at_kill"] = len(in_flight)
    report["in_flight_settled_after_s"] = round(max(in_flight), 2) if in_flight else None
    report["fallback_replies"] = len(fallbacks)
    return run, report


def _token_counter(settings: Settings) -> Any:
    try:
        from bot.backends.template import ChatTemplate
        from bot.model_files import resolve_chat_model

        tokenizer = ChatTemplate(resolve_chat_model(settings)).tokenizer
        return lambda text: len(tokenizer.encode(text, add_special_tokens=False))
    except Exception as exc:  # tokens/s is then left out, turns/s remains
        log.warning("No tokenizer for counting reply tokens: %s", exc)
        return None


async def _bench(args: argparse.Namespace, app: ServedApp, settings: Settings) -> dict[str, Any]:
    count = int(str(args.conversations or "64").split(",")[0])
    turns = args.turns or 10
    conversations = load_questions(count, turns)
    count_tokens = _token_counter(settings)
    limits = httpx.Limits(max_connections=count + 16, max_keepalive_connections=count + 16)
    report: dict[str, Any] = {
        "url": app.url,
        "conversations": count,
        "turns": turns,
        "engine_start_s": app.start_s,
        "machine": {"cpus": os.cpu_count()},
    }
    async with httpx.AsyncClient(
        base_url=app.url,
        headers={"Authorization": f"Bearer {app.api_key}"},
        timeout=TURN_TIMEOUT_S,
        limits=limits,
    ) as client:
        if not (args.kill_engine_at is not None and args.skip_clean_run):
            print(f"bench load: {count} conversations x {turns} turns...", file=sys.stderr)
            run = await run_load(client, conversations, "clean")
            report["run"] = {**summarise(run, count_tokens), **await count_lost(client, run)}
            print(f"bench load: clean run done in {run.ended:.0f} s", file=sys.stderr)
        if args.kill_engine_at is not None:
            if app.pid is None:
                raise RuntimeError("Killing the engine needs --server-pid with --url.")
            print(
                f"bench load: run with the engine killed at {args.kill_engine_at:g} s...",
                file=sys.stderr,
            )
            others = load_questions(count, turns, offset=1)
            run, kill = await kill_run(client, others, app.pid, args.kill_engine_at)
            report["kill_run"] = {
                **summarise(run, count_tokens),
                **await count_lost(client, run),
                "kill": kill,
            }
    return report


def bench_load(args: argparse.Namespace, settings: Settings) -> int:
    """Entry point of `shopbot bench load`."""
    workdir = Path(tempfile.mkdtemp(prefix="shopbot-load-"))
    with serve_for_load(args, settings, workdir) as app:
        report = asyncio.run(_bench(args, app, settings))
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2, ensure_ascii=False))
    if args.json:
        print_json(report)
    else:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0
