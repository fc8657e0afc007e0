"""`/metrics` for Prometheus: requests, latencies, tokens, turns and escalations."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

from bot import ShopBot, Turn


def install_metrics(app: FastAPI, bot: ShopBot) -> CollectorRegistry:
    """Count HTTP requests and bot turns; serve them at `/metrics`."""
    registry = CollectorRegistry()
    requests = Counter(
        "shopbot_http_requests_total",
        "HTTP requests.",
        ["method", "route", "status"],
        registry=registry,
    )
    latency = Histogram(
        "shopbot_http_request_seconds",
        "HTTP request latency.",
        ["method", "route"],
        registry=registry,
    )
    turns = Counter(
        "shopbot_turns_total", "Shopper turns answered.", ["status", "language"], registry=registry
    )
    tokens = Counter("shopbot_tokens_total", "Model tokens.", ["kind"], registry=registry)
    escalations = Counter(
        "shopbot_escalations_total", "Conversations handed to a human.", registry=registry
    )
    turn_seconds = Histogram(
        "shopbot_turn_seconds",
        "Time to answer a shopper turn.",
        buckets=(0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64),
        registry=registry,
    )
    first_token = Histogram(
        "shopbot_first_token_seconds",
        "Time until the shopper sees the first text.",
        buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16),
        registry=registry,
    )
    withheld = Counter(
        "shopbot_withheld_sentences_total",
        "Model sentences withheld by the fact check.",
        registry=registry,
    )

    def observe(turn: Turn) -> None:
        turns.labels(turn.status, turn.language).inc()
        tokens.labels("prompt").inc(turn.usage.get("prompt_tokens", 0))
        tokens.labels("completion").inc(turn.usage.get("completion_tokens", 0))
        if turn.escalation_reasons:
            escalations.inc()
        if "total_ms" in turn.timings:
            turn_seconds.observe(turn.timings["total_ms"] / 1000)
        if "first_token_ms" in turn.timings:
            first_token.observe(turn.timings["first_token_ms"] / 1000)
        withheld.inc(len(turn.withheld))

    bot.observers.append(observe)

    @app.middleware("http")
    async def count(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        name = getattr(route, "path", None) or _bucket(request.url.path)
        requests.labels(request.method, name, str(response.status_code)).inc()
        latency.labels(request.method, name).observe(time.perf_counter() - started)
        return response

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return registry


def _bucket(path: str) -> str:
    """Unrouted paths (Gradio's, static files) by their first segment, to bound label values."""
    first = path.strip("/").split("/", 1)[0]
    return f"/{first}" if first else "/"
